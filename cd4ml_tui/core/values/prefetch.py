"""Read ahead, in bulk, the git objects the next revisions will ask for.

Reading a revision asks for its commit, the trees on the way to each file and the blobs of
dvc.yaml, dvc.lock, params and metrics files, one object at a time. Each answer from
`git cat-file --batch` costs a round trip, which on a busy machine is most of a cold start. The
files a revision reads are nearly always the ones the previous revision read (`hot` paths), so
for a chunk of revisions we request those objects in a few pipelined exchanges
(`GitObjects.read_many`) and leave them in the shared memos. Reading itself is unchanged: the
prefetch only warms memos, so a wrong guess costs time, never a wrong value.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from cd4ml_tui.core.dvc.sources import SKIPPED_DIRS, GitMemo
from cd4ml_tui.core.git.objects import GitObjects, TreeEntry, parse_commit, parse_tree


class Prefetcher:
    def __init__(self, objects: GitObjects, memo: GitMemo) -> None:
        self.objects = objects
        self.memo = memo

    def run(self, commits: Sequence[str], prefix: str = "") -> None:
        """Read ahead for `commits`, whose DVC project sits at `prefix` in the git tree."""
        self._commits(commits)
        roots = [self.memo.commit_trees[c] for c in commits if c in self.memo.commit_trees]
        if prefix:
            projects = [e.sha for e in self._entries_at(roots, [prefix]) if e.type == "tree"]
        else:
            projects = roots
        self._walk_trees(projects)
        entries = self._entries_at(roots, list(self.memo.hot))
        wanted = {
            e.sha
            for e in entries
            if e.type == "blob"
            and e.sha not in self.memo.known_blobs
            and e.sha not in self.memo.blobs
        }
        for answer in self.objects.read_many(sorted(wanted)):
            if answer and answer[1] == "blob":
                self.memo.blobs[answer[0]] = answer[2]

    def _commits(self, commits: Sequence[str]) -> None:
        missing = [c for c in dict.fromkeys(commits) if c not in self.memo.commit_trees]
        for sha, answer in zip(missing, self.objects.read_many(missing), strict=True):
            if answer and answer[1] == "commit":
                self.memo.commit_trees[sha] = parse_commit(sha, answer[2]).tree

    def _read_trees(self, shas: Iterable[str]) -> None:
        missing = [s for s in dict.fromkeys(shas) if s not in self.memo.trees]
        for answer in self.objects.read_many(missing):
            if answer and answer[1] == "tree":
                self.memo.trees[answer[0]] = {e.name: e for e in parse_tree(answer[2])}

    def _entries(self, tree: str) -> dict[str, TreeEntry]:
        found = self.memo.trees.get(tree)
        return found if isinstance(found, dict) else {}

    def _walk_trees(self, roots: list[str]) -> None:
        """The trees `CommitSource.dvc_files` will walk: level by level, only below trees
        whose walk is not memoised yet."""
        level = [r for r in roots if f"dvcfiles:{r}" not in self.memo.trees]
        while level:
            self._read_trees(level)
            children = [
                e.sha
                for tree in level
                for name, e in self._entries(tree).items()
                if e.type == "tree" and name not in SKIPPED_DIRS
            ]
            self._read_trees(children)
            level = [c for c in children if f"dvcfiles:{c}" not in self.memo.trees]

    def _entries_at(self, roots: list[str], paths: list[str]) -> list[TreeEntry]:
        """The entries of `paths` in every root, reading missing trees depth by depth."""
        found: list[TreeEntry] = []
        pending = [(root, path.split("/")) for root in roots for path in paths]
        while pending:
            missing: list[str] = []
            waiting = []
            for tree, parts in pending:
                entries = self.memo.trees.get(tree)
                if not isinstance(entries, dict):
                    missing.append(tree)
                    waiting.append((tree, parts))
                    continue
                entry = entries.get(parts[0])
                if entry is None:
                    continue
                if len(parts) == 1:
                    found.append(entry)
                elif entry.type == "tree":
                    waiting.append((entry.sha, parts[1:]))
            if missing:
                self._read_trees(missing)
                # a tree git cannot give is left to the normal reads to report
                waiting = [(t, parts) for t, parts in waiting if t in self.memo.trees]
            pending = waiting
        return found
