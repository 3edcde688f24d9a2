"""The result cache's SQLite file, used so that it can only ever cost speed, never a value.

- atomic: `write` runs its rows in one transaction, so a reader sees them whole or not at all;
  SQLite's journal makes a crash mid-write roll back;
- shared: WAL mode, so several app processes on one repo (serve mode runs one per browser tab)
  read while one writes; a writer that finds the file locked past a short timeout stops writing
  for the rest of its life (never hanging the reader longer than that timeout);
- rebuilt: a file SQLite cannot read as a database (truncated, overwritten) is removed and made
  again empty;
- off rather than failing: a file that cannot be opened or used (read-only disk) finds nothing
  and writes nothing.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

LOCK_TIMEOUT = 2.0  # seconds a write waits for another process's write before it is skipped
SCHEMA = "CREATE TABLE IF NOT EXISTS {} (sha TEXT PRIMARY KEY, entry BLOB NOT NULL) WITHOUT ROWID"
OLD_FOLDER = re.compile(r"^[0-9a-f]{2}$")
OLD_ENTRY = re.compile(r"^[0-9a-f]{38}([0-9a-f]{24})?\.json$")


class SqliteStore:
    """The file at `path` with `tables` (sha -> entry), opened on first use; thread-safe."""

    def __init__(self, path: Path, tables: Sequence[str], *, enabled: bool = True) -> None:
        self.path = path
        self._tables = tables
        self._db: sqlite3.Connection | None = None
        self._broken = not enabled  # off: finds nothing, writes nothing, never opens the file
        self._read_only = False
        self._lock = threading.Lock()

    def query(self, sql: str, args: Sequence[str]) -> list[tuple[Any, Any]]:
        """The rows `sql` selects; none if the file cannot be read."""
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

    def write(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        """`sql` for each of `rows`, in one transaction: committed whole, or not at all."""
        with self._lock:
            if self._read_only:
                return
            for attempt in (1, 2):
                db = self._connect()
                if db is None:
                    return
                try:
                    db.execute("BEGIN IMMEDIATE")
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

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

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
            remove_file_per_commit_layout(self.path.parent)
        for attempt in (1, 2):
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(
                    self.path, timeout=LOCK_TIMEOUT, isolation_level=None, check_same_thread=False
                )
            except (OSError, sqlite3.Error):
                self._broken = True
                return None
            try:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                for table in self._tables:
                    db.execute(SCHEMA.format(table))
                db.execute(f"SELECT count(*) FROM {self._tables[0]} WHERE sha = ''").fetchone()
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
