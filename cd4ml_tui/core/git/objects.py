"""Batched, read-only access to git objects through one long-lived `git cat-file --batch`.

Spawning git once per revision costs ~5 ms each; with a thousand experiments that is the whole
budget. One process serves every read, and a lock makes it safe to share with worker threads.

Kept over GitPython's object databases, measured by `benchmarks/bench_git_reader.py` (1,000
commits, 6,000 objects, min of runs on the shared 2-core machine; benchmarks/results-git-reader.md):
`read_many` (requests pipelined) 79-102 ms; GitPython's `GitCmdObjectDB`, which also keeps one
`cat-file --batch` but asks one object at a time, 162-355 ms; its pure-Python `GitDB` 1.5-3.1 s.
One at a time (`read`) ours is on a par with GitPython's (201-304 ms). GitPython does the refs,
remotes and writes (`library.py`); this reader does what `show` reads.
"""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO

from cd4ml_tui.core.errors import NotARepoError


def git_env() -> dict[str, str]:
    """The environment for every git call: never prompt, never page, never translate output."""
    env = dict(os.environ)
    env.update(
        {"GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat", "LC_ALL": "C", "GIT_OPTIONAL_LOCKS": "0"}
    )
    return env


def run_git(root: Path, *args: str, check: bool = True, input: bytes | None = None) -> str:
    """Run one git command in `root` and return its stdout (text). No shell, no prompts."""
    proc = subprocess.run(
        ["git", *args], cwd=root, env=git_env(), input=input, capture_output=True, check=False
    )
    if check and proc.returncode != 0:
        detail = proc.stderr.decode(errors="replace").strip().splitlines()
        raise NotARepoError(f"git {args[0]} failed in {root}: {detail[-1] if detail else 'error'}")
    return proc.stdout.decode(errors="replace")


@dataclass(frozen=True)
class CommitInfo:
    """The parsed header and message of one commit object."""

    sha: str
    tree: str
    parents: tuple[str, ...]
    author: str  # "Name <email>"
    author_time: int  # unix seconds
    committer_time: int
    message: str


@dataclass(frozen=True)
class TreeEntry:
    mode: str
    type: str  # "blob", "tree" or "commit"
    sha: str
    name: str


class GitObjects:
    """A reader of git objects by sha or `rev:path` spec, backed by one `cat-file --batch`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> GitObjects:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            if self._proc is not None:
                if self._proc.stdin:
                    self._proc.stdin.close()
                self._proc.wait(timeout=5)
                if self._proc.stdout:
                    self._proc.stdout.close()
                self._proc = None

    def _process(self) -> subprocess.Popen[bytes]:
        if self._proc is None or self._proc.poll() is not None:
            self._proc = subprocess.Popen(
                ["git", "cat-file", "--batch"],
                cwd=self.root,
                env=git_env(),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        return self._proc

    def read(self, spec: str) -> tuple[str, bytes] | None:
        """Return (type, content) of the object named by `spec`, or None if it does not exist."""
        if "\n" in spec:
            return None
        with self._lock:
            proc = self._process()
            assert proc.stdin is not None and proc.stdout is not None
            proc.stdin.write(spec.encode() + b"\n")
            proc.stdin.flush()
            found = _read_answer(proc.stdout)
            return (found[1], found[2]) if found else None

    def read_many(self, specs: Sequence[str]) -> list[tuple[str, str, bytes] | None]:
        """(sha, type, content) of each object, in order, in one pipelined exchange.

        One round trip per object costs a context switch each way; a thousand experiments need
        a few thousand objects. The requests are written by a helper thread while this one reads
        the answers, so neither side can fill a pipe and wait on the other.
        """
        wanted = [s for s in specs if "\n" not in s]
        if not wanted:
            return [None] * len(specs)
        with self._lock:
            proc = self._process()
            assert proc.stdin is not None and proc.stdout is not None
            payload = b"".join(s.encode() + b"\n" for s in wanted)
            writer = threading.Thread(target=_write_all, args=(proc.stdin, payload), daemon=True)
            writer.start()
            answers = [_read_answer(proc.stdout) for _ in wanted]
            writer.join()
        by_spec = iter(answers)
        return [None if "\n" in s else next(by_spec) for s in specs]

    def blob(self, rev: str, path: str) -> bytes | None:
        """The content of `path` at commit `rev`, or None when it is absent or not a file."""
        found = self.read(f"{rev}:{path}")
        if found is None or found[0] != "blob":
            return None
        return found[1]

    def tree(self, rev: str, path: str = "") -> list[TreeEntry] | None:
        """The entries of the directory `path` at commit `rev`, or None when it is absent."""
        found = self.read(f"{rev}^{{tree}}" if not path else f"{rev}:{path}")
        if found is None or found[0] != "tree":
            return None
        return parse_tree(found[1])

    def commit(self, sha: str) -> CommitInfo | None:
        """The parsed commit `sha`, or None when there is no such commit."""
        found = self.read(sha)
        if found is None or found[0] != "commit":
            return None
        return parse_commit(sha, found[1])


def _write_all(stream: IO[bytes], payload: bytes) -> None:
    try:
        stream.write(payload)
        stream.flush()
    except (BrokenPipeError, ValueError):
        pass  # git went away; the reader sees end of file


def _read_answer(stdout: IO[bytes]) -> tuple[str, str, bytes] | None:
    """One `cat-file --batch` answer: (sha, type, content), or None for a missing object."""
    header = stdout.readline().decode(errors="replace").rstrip("\n")
    parts = header.split(" ")
    if len(parts) != 3 or parts[1] in ("missing", "ambiguous"):
        return None
    sha, obj_type, size = parts
    content = stdout.read(int(size))
    stdout.read(1)  # the newline after every object
    return sha, obj_type, content


def parse_tree(data: bytes) -> list[TreeEntry]:
    """Parse a raw tree object: `<mode> <name>\\0<20-byte sha>` repeated."""
    entries: list[TreeEntry] = []
    pos = 0
    while pos < len(data):
        space = data.index(b" ", pos)
        nul = data.index(b"\0", space)
        mode = data[pos:space].decode()
        name = data[space + 1 : nul].decode(errors="surrogateescape")
        sha = data[nul + 1 : nul + 21].hex()
        kind = "tree" if mode == "40000" else "commit" if mode == "160000" else "blob"
        entries.append(TreeEntry(mode, kind, sha, name))
        pos = nul + 21
    return entries


def parse_commit(sha: str, data: bytes) -> CommitInfo:
    """Parse a raw commit object's headers and message."""
    text = data.decode(errors="replace")
    head, _, message = text.partition("\n\n")
    tree, parents, author, author_time, committer_time = "", [], "", 0, 0
    for line in head.splitlines():
        key, _, value = line.partition(" ")
        if key == "tree":
            tree = value
        elif key == "parent":
            parents.append(value)
        elif key == "author":
            author, author_time = _signature(value)
        elif key == "committer":
            committer_time = _signature(value)[1]
    return CommitInfo(sha, tree, tuple(parents), author, author_time, committer_time, message)


def _signature(value: str) -> tuple[str, int]:
    """`Name <email> 1700000000 +0000` -> ("Name <email>", 1700000000)."""
    who, _, when = value.rpartition(">")
    stamp = when.split()
    return who + ">", int(stamp[0]) if stamp else 0
