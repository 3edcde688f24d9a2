"""Time our batch object reader against GitPython's object databases, and our ref listing against
GitPython's, on a real repo. Prints figures; asserts nothing about speed.

The reader's job while `show` reads a repo: for every revision, the commit, its root tree and a
few files by `rev:path` (`params.yaml`, `dvc.lock`, `dvc.yaml`, `metrics.json`). Timed, each in a
fresh reader (process start included), the same object list:
- ours, pipelined: `GitObjects.read_many` (one `git cat-file --batch`, requests written by a
  helper thread while answers are read), as the prefetcher reads;
- ours, one at a time: `GitObjects.read`, as the reader falls back to;
- GitPython `GitCmdObjectDB` (its default): `Git.get_object_data`, also one long-lived
  `cat-file --batch`, one round trip per object;
- GitPython `GitDB`: pure-Python reads of loose and packed objects (commit, tree, blob by
  walking the tree).
Refs: `git for-each-ref` (what `revisions.list_revisions` runs) against GitPython's
`Repo.references` with each tag peeled to its commit. And the import of GitPython itself, which
`show` would pay on every run if the read path used it.

    python benchmarks/bench_git_reader.py [REPO] [--runs N]
    python benchmarks/bench_git_reader.py --synthetic 1000
REPO defaults to the 1,000-experiment bench repo if built (`make bench`), else ./demo-repo.
`--synthetic N` builds (with `git fast-import`, in a second) a repo of N commits that each change
the four files, with an experiment-like ref on each, under benchmarks/.cache/git-N.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

from cd4ml_tui.core.git.objects import GitObjects, git_env

FILES = ("params.yaml", "dvc.lock", "dvc.yaml", "metrics.json")
HERE = Path(__file__).resolve().parent


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, env=git_env(), capture_output=True, text=True, check=True
    ).stdout


def _commits(root: Path) -> list[str]:
    """Every commit `show --all-commits` reads: branches, tags, remotes and experiments."""
    out = _git(root, "rev-list", "--all", "--no-walk=unsorted")
    refs = _git(root, "for-each-ref", "--format=%(objectname)", "refs/exps")
    return list(dict.fromkeys(out.split() + refs.split()))


def _specs(commits: list[str]) -> list[str]:
    specs = []
    for sha in commits:
        specs += [sha, f"{sha}^{{tree}}", *(f"{sha}:{name}" for name in FILES)]
    return specs


def ours_pipelined(root: Path, specs: list[str]) -> int:
    with GitObjects(root) as objects:
        return sum(len(a[2]) for a in objects.read_many(specs) if a is not None)


def ours_one_at_a_time(root: Path, specs: list[str]) -> int:
    with GitObjects(root) as objects:
        return sum(len(found[1]) for spec in specs if (found := objects.read(spec)) is not None)


def gitpython_cmd(root: Path, specs: list[str]) -> int:
    import git

    repo = git.Repo(root)  # odbt=GitCmdObjectDB, the default
    repo.git.update_environment(**{k: v for k, v in git_env().items() if k.startswith("GIT_")})
    total = 0
    try:
        for spec in specs:
            with contextlib.suppress(ValueError):  # a missing object ("<spec> missing")
                total += len(repo.git.get_object_data(spec)[3])
    finally:
        repo.close()
    return total


def gitpython_gitdb(root: Path, commits: list[str]) -> int:
    """The same objects through GitPython's pure-Python object database."""
    import git
    from git.db import GitDB

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # "use GitCmdObjectDB": measured here
        repo = git.Repo(root, odbt=GitDB)
    total = 0
    try:
        for sha in commits:
            commit = repo.commit(sha)
            total += len(commit.message) + sum(1 for _ in commit.tree)
            for name in FILES:
                with contextlib.suppress(KeyError):
                    total += len(commit.tree[name].data_stream.read())
    finally:
        repo.close()
    return total


def refs_for_each_ref(root: Path) -> int:
    fields = "%(refname)%00%(objectname)%00%(*objectname)"
    out = _git(root, "for-each-ref", f"--format={fields}", "refs/heads", "refs/tags", "refs/exps")
    return len(out.splitlines())


def refs_gitpython(root: Path) -> int:
    import git

    repo = git.Repo(root)
    try:
        count = 0
        for ref in repo.references:
            if ref.path.startswith(("refs/heads/", "refs/tags/", "refs/exps/")):
                _ = ref.commit.hexsha  # peels an annotated tag, as %(*objectname) does
                count += 1
        return count
    finally:
        repo.close()


def import_gitpython() -> float:
    """Seconds `import git` takes in a fresh interpreter."""
    code = "import time; t = time.perf_counter(); import git; print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout)


def timed(runs: int, work: Callable[[], object]) -> tuple[float, float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return min(times), statistics.median(times), result


def synthetic(n: int) -> Path:
    """A git repo of `n` commits changing params.yaml, metrics.json, dvc.yaml and dvc.lock, each
    with a ref under refs/exps, built once with `git fast-import`."""
    root = HERE / ".cache" / f"git-{n}"
    if (root / ".git").is_dir():
        return root
    root.mkdir(parents=True)
    _git(root, "init", "-q", "-b", "main")
    stream = []
    for i in range(n):
        files = {
            "params.yaml": f"train:\n  lr: {0.001 * (i + 1):.4f}\n  epochs: {i % 50}\n",
            "metrics.json": f'{{"accuracy": {0.5 + i / (2 * n):.6f}, "loss": {1 - i / n:.6f}}}\n',
            "dvc.yaml": "stages:\n  train:\n    cmd: python train.py\n    params: [train]\n",
            "dvc.lock": f"schema: '2.0'\nstages:\n  train:\n    cmd: python train.py  # {i}\n",
        }
        message = f"run {i}"
        stream.append(f"commit refs/heads/main\nmark :{i + 1}\n")
        stream.append(f"committer Bench <bench@example.com> {1_700_000_000 + i} +0000\n")
        stream.append(f"data {len(message)}\n{message}\n")
        for name, text in files.items():
            data = text.encode()
            stream.append(f"M 100644 inline {name}\ndata {len(data)}\n{text}\n")
        stream.append(f"reset refs/exps/aa/{i:038d}/exp-{i}\nfrom :{i + 1}\n\n")
    subprocess.run(
        ["git", "fast-import", "--quiet"], cwd=root, input="".join(stream).encode(), check=True
    )
    _git(root, "reset", "-q", "--hard", "main")
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    bench = HERE / ".cache" / "exps-1000"
    default = bench if bench.is_dir() else Path("demo-repo")
    parser.add_argument("repo", nargs="?", type=Path, default=default)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--synthetic", type=int, metavar="N", help="a built repo of N commits")
    args = parser.parse_args()
    root = synthetic(args.synthetic) if args.synthetic else args.repo.resolve()
    commits = _commits(root)
    specs = _specs(commits)
    print(f"repo {root}: {len(commits)} commits, {len(specs)} object reads; min / median of "
          f"{args.runs} runs, each in a fresh reader")  # fmt: skip
    rows = [
        ("ours: cat-file --batch, pipelined (read_many)", lambda: ours_pipelined(root, specs)),
        ("ours: cat-file --batch, one at a time (read)", lambda: ours_one_at_a_time(root, specs)),
        ("GitPython GitCmdObjectDB (get_object_data)", lambda: gitpython_cmd(root, specs)),
        ("GitPython GitDB (pure Python)", lambda: gitpython_gitdb(root, commits)),
        ("refs: git for-each-ref", lambda: refs_for_each_ref(root)),
        ("refs: GitPython references, peeled", lambda: refs_gitpython(root)),
    ]
    bytes_read = {}
    for label, work in rows:
        low, median, result = timed(args.runs, work)
        bytes_read[label] = result
        print(f"  {label:48} {low * 1000:8.1f} ms {median * 1000:8.1f} ms   ({result})")
    imports = [import_gitpython() for _ in range(args.runs)]
    print(f"  {'import git (fresh interpreter)':48} {min(imports) * 1000:8.1f} ms "
          f"{statistics.median(imports) * 1000:8.1f} ms")  # fmt: skip
    ours = bytes_read["ours: cat-file --batch, pipelined (read_many)"]
    if bytes_read["GitPython GitCmdObjectDB (get_object_data)"] != ours:
        raise SystemExit("disagreement: GitPython read other bytes than our reader")


if __name__ == "__main__":
    main()
