"""A cold read on both cores: a second process parses the later half of the commits.

Parsing (YAML, JSON, TOML and the pipeline around them) holds the GIL, so threads cannot share it
(measured: a read-ahead thread made a cold read at 10,000 experiments slower, not faster). A second
process can: `python -m cd4ml_tui.core.values.second_core` runs the same `RevisionReader` on its
half, through its own `cat-file`, and sends the results back in one pickle while this process reads
the first half (a `child.Child`). It costs a Python start and the reader's imports (about 0.1 s), so
it starts only for many commits. If it fails in any way, its commits are read here: it can cost
time, never a value.
"""

from __future__ import annotations

import json
import pickle
import sys
from collections.abc import Sequence

from cd4ml_tui.core.git.objects import git_env
from cd4ml_tui.core.git.repo import open_repo
from cd4ml_tui.core.values.child import Child
from cd4ml_tui.core.values.reader import ReadResult, RevisionReader

SECOND_CORE_MIN = 400  # commits to parse, at least, before a second process pays for itself
BATCH = 256  # commits per prefetch in the second process


class SecondCore:
    """`shas`, read in a second process; `take` waits for them."""

    def __init__(self, project_root: str, shas: Sequence[str] | frozenset[str]) -> None:
        self._results: dict[str, ReadResult] | None = None
        request = json.dumps(sorted(shas)).encode()
        self._child = Child(__name__, [project_root], request=request, env=git_env())

    def take(self, sha: str) -> ReadResult | None:
        """The result the second process read for `sha`; None if it failed (read it here)."""
        if self._results is None:
            found = self._child.answer()
            self._results = found if isinstance(found, dict) else {}
        return self._results.get(sha)

    def close(self) -> None:
        self._child.close()


def split_for_second_core(shas: Sequence[str]) -> frozenset[str]:
    """The commits to hand to a second process: the later half, when there are enough."""
    if len(shas) < SECOND_CORE_MIN:
        return frozenset()
    return frozenset(shas[len(shas) // 2 :])


def read_commits(project_root: str, shas: Sequence[str]) -> dict[str, ReadResult]:
    """What the second process does: read `shas`, in batches read ahead from git."""
    results: dict[str, ReadResult] = {}
    with open_repo(project_root) as repo:
        reader = RevisionReader(repo)
        for start in range(0, len(shas), BATCH):
            part = shas[start : start + BATCH]
            reader.prefetch(part)
            results.update((sha, reader.read_commit(sha)) for sha in part)
    return results


if __name__ == "__main__":
    wanted = json.load(sys.stdin.buffer)
    pickle.dump(read_commits(sys.argv[1], wanted), sys.stdout.buffer, pickle.HIGHEST_PROTOCOL)
