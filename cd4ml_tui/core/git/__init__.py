"""Git: the one long-lived object reader, the opened repo, refs and remotes, notes, and the ref
watcher.

- `objects`: batched reads of git objects through one `git cat-file --batch` (what `show` reads;
  kept over GitPython's object database, which it outruns 3x: `benchmarks/bench_git_reader.py`).
- `repo`: an opened work tree, its DVC project root, its reader and its GitPython handle.
- `library`: GitPython (imported lazily) for refs, HEAD, remotes and running writes.
- `refs`: writes (argv run through GitPython, compare-and-delete), one ref, the git identity.
- `remotes`: the remotes and the one default-remote rule; fetching experiment refs.
- `notes`: git notes (reviews) read through the batch reader, written safely.
- `watch`: a fingerprint of the refs by `stat`, for live refresh without a git process.

Knows nothing of DVC. May import `core.model`, `core.errors` and `core.config` only.
"""
