"""A cold read on both cores: a second process parses the later half of the commits.

Parsing (YAML, JSON, TOML and the pipeline around them) holds the GIL, so threads cannot share it
(measured: a read-ahead thread made a cold read at 10,000 experiments slower, not faster). A
second process can: `python -m cd4ml_tui.core.values.second_core` runs the same `RevisionReader`
on its half, through its own `cat-file`, and sends the results back in one pickle while this
process reads the first half. It is a plain subprocess, not `multiprocessing`, whose spawn would
run the caller's `__main__` again. It costs a Python start and the reader's imports (about
0.1 s), so it starts only for many commits. If it fails in any way, its commits are read here:
it can cost time, never a value.
"""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
import threading
from collections.abc import Sequence
from typing import IO

from cd4ml_tui.core.git.objects import git_env
from cd4ml_tui.core.git.repo import open_repo
from cd4ml_tui.core.values.reader import ReadResult, RevisionReader

SECOND_CORE_MIN = 400  # commits to parse, at least, before a second process pays for itself
BATCH = 256  # commits per prefetch in the second process


class SecondCore:
    """`shas`, read in a second process; `take` waits for them."""

    def __init__(self, project_root: str, shas: Sequence[str] | frozenset[str]) -> None:
        self._results: dict[str, ReadResult] | None = None
        self._proc = subprocess.Popen(
            [sys.executable, "-m", __name__, project_root],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=git_env(),
        )
        # written by a thread: the child reads its input only after its imports
        request = json.dumps(sorted(shas)).encode()
        threading.Thread(target=_send, args=(self._proc.stdin, request), daemon=True).start()

    def take(self, sha: str) -> ReadResult | None:
        """The result the second process read for `sha`; None if it failed (read it here)."""
        if self._results is None:
            self._results = self._receive()
        return self._results.get(sha)

    def _receive(self) -> dict[str, ReadResult]:
        try:
            found = pickle.load(self._proc.stdout) if self._proc.stdout else None
        except Exception:  # it died, or sent nothing
            return {}
        return found if isinstance(found, dict) else {}

    def close(self) -> None:
        if self._proc.poll() is None:
            self._proc.kill()
        self._proc.wait()
        if self._proc.stdout:
            self._proc.stdout.close()


def split_for_second_core(shas: Sequence[str]) -> frozenset[str]:
    """The commits to hand to a second process: the later half, when there are enough."""
    if len(shas) < SECOND_CORE_MIN:
        return frozenset()
    return frozenset(shas[len(shas) // 2 :])


def _send(stream: IO[bytes] | None, data: bytes) -> None:
    if stream is None:
        return
    try:
        stream.write(data)
        stream.close()
    except (BrokenPipeError, ValueError):
        pass  # the child is gone; its commits are read by the parent


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
