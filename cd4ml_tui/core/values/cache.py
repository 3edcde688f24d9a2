"""A persistent cache of read results: one SQLite file, one row per immutable commit sha.

A commit's params and metrics never change, so a second start reads one row per revision instead
of parsing. The store is `.dvc/tmp/cd4ml-tui/v<N>/results.sqlite` (DVC's own tmp dir, already
gitignored) or, without `.dvc`, the same name under the user cache dir. One file instead of a file
per commit: at 10,000 experiments writing 10,000 small files cost more than reading the values.

Why it can be trusted:
- atomic: rows are written in one transaction per chunk of revisions (`put_many`), so a reader
  sees a chunk whole or not at all; SQLite's journal makes a crash mid-write roll back;
- checksummed: each row holds a header line naming the format, the reader version, the commit and
  a sha256 of the payload; a row that does not check out is deleted and read again, never trusted;
- shared: WAL mode, so several app processes on one repo (serve mode runs one per browser tab)
  read while one writes; a writer that finds the store locked past a short timeout stops writing
  for the rest of its load (the cache only ever costs speed, never correctness, and never hangs
  the reader for more than that timeout);
- rebuilt: a file SQLite cannot read as a database (truncated, overwritten) is removed and made
  again empty, and every result is re-read from git.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cd4ml_tui.core.values.parse import READER_VERSION
from cd4ml_tui.core.values.reader import ReadResult

if TYPE_CHECKING:
    from cd4ml_tui.core.git.repo import Repo

MAGIC = "cd4ml-tui-values"
SHA = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")
STORE_NAME = "results.sqlite"
LOCK_TIMEOUT = 2.0  # seconds a write waits for another process's write before it is skipped
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS results (sha TEXT PRIMARY KEY, entry BLOB NOT NULL) WITHOUT ROWID"
)
OLD_FOLDER = re.compile(r"^[0-9a-f]{2}$")
OLD_ENTRY = re.compile(r"^[0-9a-f]{38}([0-9a-f]{24})?\.json$")
LOOKUP_BATCH = 500  # shas per SELECT ... IN (...): below SQLite's variable limit


def user_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "cd4ml-tui"


def cache_dir_for(root: Path) -> Path:
    """The folder of the store of the repo at `root` (the store is `STORE_NAME` inside it)."""
    if (root / ".dvc").is_dir():
        return root / ".dvc" / "tmp" / "cd4ml-tui" / f"v{READER_VERSION}"
    digest = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
    return user_cache_dir() / digest / f"v{READER_VERSION}"


class ResultCache:
    """Results keyed by commit sha. `get` returns None for absent or untrustworthy entries.

    The file is opened on first use; any failure to open or use it (read-only disk, a lock held
    too long) turns the cache off for this instance rather than failing a read. Close it when done.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.path = directory / STORE_NAME
        self._db: sqlite3.Connection | None = None
        self._broken = False
        self._read_only = False
        self._lock = threading.Lock()

    @classmethod
    def for_repo(cls, repo: Repo) -> ResultCache:
        return cls(cache_dir_for(repo.project_root))

    # -- reading ------------------------------------------------------------------------------

    def get(self, sha: str) -> ReadResult | None:
        return self.get_many([sha]).get(sha)

    def get_many(self, shas: Sequence[str]) -> dict[str, ReadResult]:
        """The trustworthy results among `shas`; rows that fail their checks are deleted."""
        wanted = [s for s in dict.fromkeys(shas) if SHA.match(s)]
        if not wanted:
            return {}
        found: dict[str, ReadResult] = {}
        bad: list[str] = []
        for start in range(0, len(wanted), LOOKUP_BATCH):
            part = wanted[start : start + LOOKUP_BATCH]
            marks = ",".join("?" * len(part))
            rows = self._query(f"SELECT sha, entry FROM results WHERE sha IN ({marks})", part)
            checked: list[tuple[str, bytes]] = []
            for sha, entry in rows:
                payload = checked_payload(entry, sha) if isinstance(entry, bytes) else None
                if payload is None:
                    bad.append(sha)
                else:
                    checked.append((sha, payload))
            for (sha, _), result in zip(checked, _decode_all([p for _, p in checked]), strict=True):
                if result is None:
                    bad.append(sha)
                else:
                    found[sha] = result
        if bad:  # corrupt or stale: drop them so that they are rebuilt
            self._write("DELETE FROM results WHERE sha = ?", [(sha,) for sha in bad])
        return found

    # -- writing ------------------------------------------------------------------------------

    def put(self, sha: str, result: ReadResult) -> None:
        self.put_many([(sha, result)])

    def put_many(self, items: Iterable[tuple[str, ReadResult]]) -> None:
        """Store results in one transaction: all of them become visible together, or none."""
        rows = [(sha, encode_entry(sha, result)) for sha, result in items if SHA.match(sha)]
        if rows:
            self._write("INSERT OR REPLACE INTO results (sha, entry) VALUES (?, ?)", rows)

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def __enter__(self) -> ResultCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the connection -----------------------------------------------------------------------

    def _query(self, sql: str, args: Sequence[str]) -> list[tuple[Any, Any]]:
        with self._lock:
            for attempt in (1, 2):
                db = self._connect()
                if db is None:
                    return []
                try:
                    return db.execute(sql, args).fetchall()
                except sqlite3.DatabaseError as err:
                    if not self._recover(err, attempt):
                        return []
            return []

    def _write(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        with self._lock:
            if self._read_only:
                return
            for attempt in (1, 2):
                db = self._connect()
                if db is None:
                    return
                try:
                    db.execute("BEGIN IMMEDIATE")  # one transaction: committed whole, or not
                    try:
                        db.executemany(sql, rows)
                        db.execute("COMMIT")
                    except BaseException:
                        if db.in_transaction:
                            db.execute("ROLLBACK")
                        raise
                    return
                except sqlite3.DatabaseError as err:
                    if not self._recover(err, attempt):
                        return

    def _recover(self, err: sqlite3.DatabaseError, attempt: int) -> bool:
        """Whether to try again: a file that is not a sound database is rebuilt once; a busy or
        read-only store turns the cache off (speed only, never a wrong or hung read)."""
        if isinstance(err, sqlite3.OperationalError) and not _is_corruption(err):
            if "locked" in str(err) or "busy" in str(err):
                self._read_only = True  # another process holds the store: read, don't wait again
                return False
            self._broken = True
            return False
        if attempt > 1:
            self._broken = True
            return False
        self._drop_file()
        return True

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is not None or self._broken:
            return self._db
        if not self.path.exists():
            remove_file_per_commit_layout(self.directory)
        for attempt in (1, 2):
            try:
                self.directory.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(
                    self.path, timeout=LOCK_TIMEOUT, isolation_level=None, check_same_thread=False
                )
            except (OSError, sqlite3.Error):
                self._broken = True
                return None
            try:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                db.execute(SCHEMA)
                db.execute("SELECT count(*) FROM results WHERE sha = ''").fetchone()
            except sqlite3.DatabaseError as err:
                db.close()
                if isinstance(err, sqlite3.OperationalError) and not _is_corruption(err):
                    self._broken = True  # locked or read-only: no cache this time
                    return None
                if attempt == 1:
                    self._drop_file()
                    continue
                self._broken = True
                return None
            self._db = db
            return db
        return None

    def _drop_file(self) -> None:
        """Remove a corrupt store (and its WAL files) so that the next connect starts empty."""
        if self._db is not None:
            self._db.close()
            self._db = None
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)


def remove_file_per_commit_layout(directory: Path) -> None:
    """Delete the entries of the cache's earlier layout (`<sha[:2]>/<sha[2:]>.json` files in the
    same folder), which the store replaces; only those files and their then-empty folders."""
    try:
        folders = [f for f in directory.iterdir() if f.is_dir() and OLD_FOLDER.match(f.name)]
    except OSError:
        return
    for folder in folders:
        for entry in folder.glob("*.json"):
            if OLD_ENTRY.match(entry.name):
                entry.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            folder.rmdir()  # left alone if anything else is in it


def _is_corruption(err: sqlite3.DatabaseError) -> bool:
    text = str(err).lower()
    return any(word in text for word in ("malformed", "not a database", "corrupt", "disk image"))


def encode_entry(sha: str, result: ReadResult) -> bytes:
    payload = json.dumps(
        {"params": result.params, "metrics": result.metrics, "errors": result.errors},
        separators=(",", ":"),
    ).encode()
    digest = hashlib.sha256(payload).hexdigest()
    return f"{MAGIC} {READER_VERSION} {sha} {digest}\n".encode() + payload


def decode_entry(raw: bytes, sha: str) -> ReadResult | None:
    """The result stored in `raw`, or None unless header, checksum and shape all check out."""
    payload = checked_payload(raw, sha)
    return None if payload is None else _decode_all([payload])[0]


def checked_payload(raw: bytes, sha: str) -> bytes | None:
    """The payload of `raw` if its header names this format, reader version and commit and its
    sha256 matches; else None."""
    header, newline, payload = raw.partition(b"\n")
    if not newline:
        return None
    parts = header.decode("ascii", errors="replace").split(" ")
    if parts[:3] != [MAGIC, str(READER_VERSION), sha] or len(parts) != 4:
        return None
    if hashlib.sha256(payload).hexdigest() != parts[3]:
        return None
    return payload


def _decode_all(payloads: list[bytes]) -> list[ReadResult | None]:
    """Checked payloads to results, parsed as one JSON array (one parse per batch, not per row);
    a payload that is not the expected shape gives None."""
    if not payloads:
        return []
    try:
        items = json.loads(b"[" + b",".join(payloads) + b"]")
    except ValueError:  # one bad payload: fall back to one parse each to find it
        if len(payloads) == 1:
            return [None]
        return [_decode_all([p])[0] for p in payloads]
    if len(items) != len(payloads):  # a payload held more than one value
        return [_decode_all([p])[0] if len(payloads) > 1 else None for p in payloads]
    return [_shaped(data) for data in items]


def _shaped(data: Any) -> ReadResult | None:
    if not isinstance(data, dict):
        return None
    params, metrics, errors = data.get("params"), data.get("metrics"), data.get("errors")
    if not (isinstance(params, dict) and isinstance(metrics, dict) and isinstance(errors, dict)):
        return None
    if not (_files(params) and _files(metrics)):
        return None
    if not all(isinstance(v, str) for v in errors.values()):
        return None
    return ReadResult(params=params, metrics=metrics, errors=errors, cacheable=True)


def _files(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(v, dict) for v in value.values())
