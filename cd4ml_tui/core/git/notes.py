"""Git notes as an append-only store: read every note of a ref at once, append a line to one,
and share a notes ref with a remote (fetch + `git notes merge`, push). Knows nothing of what the
lines mean.

Appending is a compare-and-swap: the new notes commit is built by `git notes` on a private
temporary ref, then moved onto the real ref with `git update-ref REF NEW OLD`, which fails when
another process moved the ref meanwhile; then it is rebuilt on top of theirs. So two writers in one
clone never lose a line. (`git notes append` would put a blank line between entries, and writes
the ref without checking what it held.) Nothing here touches HEAD, the index or the work tree.
"""

from __future__ import annotations

import os
import random
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

try:
    import fcntl
except ImportError:  # not on Windows: the compare-and-swap alone keeps every line
    fcntl = None  # type: ignore[assignment]

from cd4ml_tui.core.errors import Cd4mlError
from cd4ml_tui.core.git.objects import run_git
from cd4ml_tui.core.git.refs import ref_oid, run_argv
from cd4ml_tui.core.git.remotes import check_remote, write_remote
from cd4ml_tui.core.git.repo import Repo

TIMED_OUT = 124  # `run_argv`'s status when git took too long
CAS_ATTEMPTS = 40
LOCK_FILE = "cd4ml-tui-notes.lock"


class NotesError(Cd4mlError):
    """Reading, writing, fetching or pushing a notes ref failed (the message says which)."""


def note_blobs(repo: Repo, ref: str) -> dict[str, str]:
    """Annotated commit sha -> note blob sha, for every note under `ref` (one git call; none,
    and no GitPython either, when the ref does not exist: the batch reader answers that)."""
    if repo.objects.read(ref) is None:
        return {}
    out = run_git(repo.root, "notes", f"--ref={ref}", "list", check=False)
    blobs = {}
    for line in out.splitlines():
        blob, _, commit = line.partition(" ")
        if commit:
            blobs[commit] = blob
    return blobs


def read_notes(repo: Repo, ref: str, commits: Iterable[str] | None = None) -> dict[str, str]:
    """Commit sha -> note text under `ref`, for `commits` (every annotated commit if None).
    The blobs come through the shared batch reader in one exchange."""
    blobs = note_blobs(repo, ref)
    wanted = list(blobs) if commits is None else [c for c in dict.fromkeys(commits) if c in blobs]
    answers = repo.objects.read_many([blobs[c] for c in wanted])
    return {
        commit: answer[2].decode("utf-8", errors="replace")
        for commit, answer in zip(wanted, answers, strict=True)
        if answer is not None and answer[1] == "blob"
    }


def append_line(repo: Repo, ref: str, commit: str, line: str) -> str:
    """Append `line` to the note of `commit` under `ref`; return the new notes commit."""
    if "\n" in line or "\r" in line:
        raise NotesError("a note line must not contain a line break")
    with _writers_lock(repo):
        for attempt in range(CAS_ATTEMPTS):
            old = ref_oid(repo, ref)
            new = _build_on(repo, ref, old, commit, line)
            args = ("update-ref", "-m", "cd4ml-tui: append note", ref, new, old or "")
            if _git(repo, *args)[0] == 0:
                return new
            time.sleep(random.uniform(0, 0.02 * (attempt + 1)))  # let the other writer finish
    raise NotesError(f"{ref} kept changing while a note was added; nothing was written")


_thread_lock = threading.Lock()


@contextmanager
def _writers_lock(repo: Repo) -> Iterator[None]:
    """One writer at a time among our processes and threads in this clone (an advisory lock
    file in the git dir), so the compare-and-swap rarely has to retry; writers that do not take
    it (`git notes` by hand) are still caught by the swap."""
    with _thread_lock:
        if fcntl is None:
            yield
            return
        with open(repo.git_dir / LOCK_FILE, "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _build_on(repo: Repo, ref: str, old: str | None, commit: str, line: str) -> str:
    """A notes commit on top of `old` whose note for `commit` ends with `line`."""
    temp = f"{ref}.tmp-{os.getpid()}-{threading.get_ident()}-{uuid.uuid4().hex[:8]}"
    try:
        if old is not None:
            run_git(repo.root, "update-ref", temp, old)
        existing = read_notes(repo, temp, [commit]).get(commit, "") if old else ""
        text = existing.rstrip("\n") + "\n" + line + "\n" if existing.strip() else line + "\n"
        blob = run_git(repo.root, "hash-object", "-w", "--stdin", input=text.encode()).strip()
        status, detail = _git(repo, "notes", f"--ref={temp}", "add", "-f", "-C", blob, commit)
        if status != 0:
            raise NotesError(f"git notes add failed: {detail}")
        new = ref_oid(repo, temp)
        if new is None:
            raise NotesError(f"git notes wrote nothing to {temp}")
        return new
    finally:
        run_git(repo.root, "update-ref", "-d", temp, check=False)


def _git(repo: Repo, *args: str, timeout: float | None = None) -> tuple[int, str]:
    """Run git; (exit status, last line of stderr). Never a prompt, never a shell."""
    return run_argv(repo, ["git", *args], timeout=timeout)


def tracking_ref(ref: str, remote: str) -> str:
    """Where a fetched copy of `ref` is kept: `refs/notes/remotes/<remote>/<name>` (under
    refs/notes/, where `git notes merge` looks for it)."""
    return f"refs/notes/remotes/{remote}/{ref.removeprefix('refs/notes/')}"


def _remote(repo: Repo, remote: str | None) -> str:
    return check_remote(repo, remote) if remote else write_remote(repo)


def fetch_notes(repo: Repo, ref: str, remote: str | None = None, timeout: float = 60.0) -> bool:
    """Fetch `ref` from `remote` and merge it into ours with `cat_sort_uniq` (lines of both
    sides, sorted, duplicates once); True when ours changed. A remote without the ref is fine.
    The merge commit needs a git identity, as any notes write does."""
    target = _remote(repo, remote)
    tracking = tracking_ref(ref, target)
    fetch = ("fetch", "--no-tags", "--no-write-fetch-head", target, f"+{ref}:{tracking}")
    status, detail = _git(repo, *fetch, timeout=timeout)
    if status != 0 and "couldn't find remote ref" in detail:
        return False
    if status == TIMED_OUT:
        raise NotesError(f"fetching {ref} from {target!r} timed out after {timeout:.0f} s")
    if status != 0:
        raise NotesError(f"fetching {ref} from {target!r} failed: {detail}")
    before = ref_oid(repo, ref)
    with _writers_lock(repo):
        merge = ("notes", f"--ref={ref}", "merge", "-q", "--strategy=cat_sort_uniq", tracking)
        status, detail = _git(repo, *merge)
    if status != 0:
        raise NotesError(f"merging {ref} fetched from {target!r} failed: {detail}")
    return ref_oid(repo, ref) != before


def push_notes(repo: Repo, ref: str, remote: str | None = None, timeout: float = 60.0) -> str:
    """Push `ref` to `remote`. When the remote refuses (it has notes we lack), fetch and merge
    them, then push once more. Returns the remote pushed to."""
    target = _remote(repo, remote)
    if ref_oid(repo, ref) is None:
        raise NotesError(f"nothing to push: {ref} does not exist yet")
    push = ("-c", "advice.pushUpdateRejected=false", "push", target, f"{ref}:{ref}")
    status, detail = _git(repo, *push, timeout=timeout)
    if status != 0 and status != TIMED_OUT:
        fetch_notes(repo, ref, target, timeout)
        status, detail = _git(repo, *push, timeout=timeout)
    if status == TIMED_OUT:
        raise NotesError(f"pushing {ref} to {target!r} timed out after {timeout:.0f} s")
    if status != 0:
        raise NotesError(f"pushing {ref} to {target!r} failed: {detail}")
    return target
