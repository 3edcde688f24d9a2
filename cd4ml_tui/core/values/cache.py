"""A persistent cache of read results: one SQLite file, one row per immutable commit sha.

A commit's params and metrics never change, so a second start reads one row per revision instead
of parsing; nor does its header, so the listing takes commits from the `commits` table instead of
reading 10,000 commit objects from git. `read_ahead` reads both tables in a thread while git
lists the refs (or `read_ahead_from` takes the results a second process decoded). A third table
keeps the latest listing itself, under the state of the refs it was listed from
(`core.values.listing.list_with_cache`), and a fourth what a front end derived from it (the
table's cell widths), under the same key. The store is
`.dvc/tmp/cd4ml-tui/v<N>/results.sqlite` (DVC's own tmp dir, already gitignored) or, without
`.dvc`, the same name under the user cache dir. One file instead of a file per commit: at 10,000
experiments writing 10,000 small files cost more than reading the values.

Why it can be trusted: each row holds a header line naming the format, the reader version, the
commit and a sha256 of its payload, and a row that does not check out is deleted and read again,
never trusted; results are written in one transaction per chunk of revisions (`put_many`); the
file itself is atomic, shared between processes, rebuilt when corrupt and off rather than failing
(`core.values.store`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

from cd4ml_tui.core.git.objects import CommitInfo
from cd4ml_tui.core.values.entries import (
    checked_payload,
    commit_from,
    commit_payload,
    encode_entry,
    listing_from,
    listing_payload,
    load_all,
    result_from,
    seal,
)
from cd4ml_tui.core.values.parse import READER_VERSION
from cd4ml_tui.core.values.reader import ReadResult
from cd4ml_tui.core.values.store import SqliteStore

if TYPE_CHECKING:
    from cd4ml_tui.core.git.repo import Repo
    from cd4ml_tui.core.model import Revision

SHA = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")
STORE_NAME = "results.sqlite"
# a revision's values; a commit's header (for the listing); the latest listing, by its key; a
# front end's layout of it (the table's cell widths), by the same key
TABLES = ("results", "commits", "listings", "layouts")
READ_AHEAD_TABLES = TABLES[:2]
T = TypeVar("T")
Decoder = Callable[[str, Any], T | None]  # (sha, decoded JSON) -> the stored value, or None
LOOKUP = "SELECT sha, entry FROM {} WHERE sha IN (SELECT value FROM json_each(?))"
READ_AHEAD = "SELECT sha, entry FROM {} LIMIT ?"
# Rows per JSON parse: one parse holds the GIL throughout, and a read-ahead that held it for 10,000
# rows (60 ms) kept the main thread from draining git's pipe, which then stalled git.
DECODE_BATCH = 256
READ_AHEAD_ROWS = 50_000  # a store grown past this is read ahead in part, the rest by lookup


class ResultSource(Protocol):
    """Stored results read elsewhere: `results()` waits for them (empty if that failed)."""

    def results(self) -> dict[str, ReadResult]: ...

    def close(self) -> None: ...


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

    def __init__(self, directory: Path, *, enabled: bool = True) -> None:
        self.directory = directory
        self.path = directory / STORE_NAME
        self._store = SqliteStore(self.path, TABLES, enabled=enabled)
        self._ahead: dict[str, dict[str, Any]] = {table: {} for table in TABLES}
        self._read = {table: threading.Event() for table in READ_AHEAD_TABLES}
        self._encoded: dict[str, bytes] = {}  # results read ahead but not decoded
        self._reader: threading.Thread | None = None
        self._source: ResultSource | None = None  # results decoded elsewhere, not taken yet

    @classmethod
    def for_repo(cls, repo: Repo, *, enabled: bool = True) -> ResultCache:
        return cls(cache_dir_for(repo.project_root), enabled=enabled)

    # -- reading ------------------------------------------------------------------------------

    def read_ahead(self, *, results: bool = True, decode_results: bool = True) -> None:
        """Start reading and decoding the stored rows in a thread, for the getters to take from.

        Started before the revisions are listed, the SQLite read and JSON decoding run while
        the main thread waits for git (at 10,000 experiments both take about a tenth of a second).
        With `decode_results=False` the results are checked but left as stored, for `payloads`
        (`show --json` writes them out as they are); with `results=False` only commits are read
        ahead (for a listing alone), and results are looked up when asked for.
        """
        if self._reader is None:
            self._start_reader(self._read_all, results, decode_results)

    def read_ahead_from(self, source: ResultSource) -> None:
        """Take the stored results from `source` (a second process that decodes them, see
        `core.values.elsewhere`) when first asked for, instead of reading them here; it is
        loaded then, not before: in a thread it would hold the GIL while the UI draws."""
        if self._reader is None:
            self._source = source

    def stored_results(self) -> dict[str, ReadResult]:
        """Every stored result (up to `READ_AHEAD_ROWS`), checked and decoded."""
        return self._checked("results", self._first_rows("results"), result_from)

    def _start_reader(self, target: Callable[..., None], *args: Any) -> None:
        self._reader = threading.Thread(target=target, args=args, name="cache-read-ahead")
        self._reader.start()

    def get(self, sha: str) -> ReadResult | None:
        return self.get_many([sha]).get(sha)

    def get_many(self, shas: Sequence[str]) -> dict[str, ReadResult]:
        """The trustworthy results among `shas`; rows that fail their checks are deleted."""
        return self._get("results", shas, result_from)

    def payloads(self, shas: Sequence[str]) -> dict[str, bytes]:
        """The stored results among `shas` as compact JSON, `{"params":…,"metrics":…,"errors":…}`
        exactly as `encode_entry` wrote it (checksum checked, not decoded)."""
        return self._take("results", shas, self._encoded, self._verified)

    def get_commits(self, shas: Sequence[str]) -> dict[str, CommitInfo]:
        """The stored headers of these commits (a `CommitStore` for `list_revisions`)."""
        return self._get("commits", shas, commit_from)

    def get_listing(self, key: str) -> list[Revision] | None:
        """The listing stored under `key` (a sha256 of what it was listed from), if any."""
        return self._get("listings", [key], listing_from).get(key)

    def put_listing(self, key: str, revisions: list[Revision]) -> None:
        """Keep this listing as the latest, in place of any other: one listing at 10,000
        experiments is 3 MB, and the refs only ever move on."""
        self._keep_latest("listings", key, listing_payload(revisions))

    def get_layout(self, key: str) -> Any:
        """The layout kept with the listing under `key` (`put_layout`), as JSON; None if none."""
        return self._get("layouts", [key], lambda _, data: data).get(key)

    def put_layout(self, key: str, layout: Any) -> None:
        """Keep a front end's `layout` (JSON) of the listing under `key`, in place of any other:
        what it derived from the rows and would otherwise derive again at each start."""
        self._keep_latest("layouts", key, layout)

    def _keep_latest(self, table: str, key: str, payload: Any) -> None:
        """Store `payload` under `key` as the one row of `table`."""
        if SHA.match(key):
            self._store.write(
                f"INSERT OR REPLACE INTO {table} VALUES (?, ?)", [(key, seal(key, payload))]
            )
            self._store.write(f"DELETE FROM {table} WHERE sha != ?", [(key,)])

    def _get(self, table: str, shas: Sequence[str], decode: Decoder[T]) -> dict[str, T]:
        ahead = cast(dict[str, T], self._ahead[table])
        return self._take(table, shas, ahead, lambda t, rows: self._checked(t, rows, decode))

    def _take(
        self,
        table: str,
        shas: Sequence[str],
        ahead: dict[str, T],
        check: Callable[[str, list[tuple[Any, Any]]], dict[str, T]],
    ) -> dict[str, T]:
        """`shas` from what was read `ahead` (once it is read), the rest looked up and checked."""
        if self._reader is not None and table in self._read:  # listings are not read ahead
            self._read[table].wait()
        if table == "results" and self._source is not None:
            source, self._source = self._source, None
            self._ahead["results"].update(source.results())
        wanted = list(dict.fromkeys(shas))  # a name that is no sha just finds no row
        found = {s: ahead[s] for s in wanted if s in ahead}
        rest = [s for s in wanted if s not in found]
        if rest:  # one query: the shas go in as one JSON array (no bound-variable limit)
            found.update(check(table, self._store.query(LOOKUP.format(table), [json.dumps(rest)])))
        return found

    def _read_all(self, results: bool, decode_results: bool) -> None:
        tables = (("commits", commit_from), ("results", result_from))[: 2 if results else 1]
        try:  # commits first: the listing needs them before any value is read
            for table, decode in tables:
                rows = self._first_rows(table)
                if table == "results" and not decode_results:  # filled in place: see `_take`
                    self._encoded.update(self._verified(table, rows))
                else:
                    self._ahead[table].update(self._checked(table, rows, decode))
                self._read[table].set()
        finally:  # whatever failed, no getter waits for it (they look rows up instead)
            for done in self._read.values():
                done.set()

    def _first_rows(self, table: str) -> list[tuple[Any, Any]]:
        return self._store.query(READ_AHEAD.format(table), [str(READ_AHEAD_ROWS)])

    def _verified(self, table: str, rows: list[tuple[Any, Any]]) -> dict[str, bytes]:
        """The payloads of the rows whose header and checksum check out; the others are deleted,
        to be read again."""
        checked: dict[str, bytes] = {}
        bad: list[str] = []
        for sha, entry in rows:
            payload = checked_payload(entry, sha) if isinstance(entry, bytes) else None
            if payload is None:
                bad.append(sha)
            else:
                checked[sha] = payload
        self._drop(table, bad)
        return checked

    def _checked(self, table: str, rows: list[tuple[Any, Any]], decode: Decoder[T]) -> dict[str, T]:
        """The rows that pass their checks, decoded; the others are deleted, to be read again."""
        checked = list(self._verified(table, rows).items())
        bad: list[str] = []
        found: dict[str, T] = {}
        for start in range(0, len(checked), DECODE_BATCH):
            part = checked[start : start + DECODE_BATCH]
            for (sha, _), data in zip(part, load_all([p for _, p in part]), strict=True):
                value = decode(sha, data)
                if value is None:
                    bad.append(sha)
                else:
                    found[sha] = value
        self._drop(table, bad)
        return found

    def _drop(self, table: str, shas: list[str]) -> None:
        """Delete rows that failed their checks, so that they are read and stored again."""
        if shas:
            self._store.write(f"DELETE FROM {table} WHERE sha = ?", [(sha,) for sha in shas])

    # -- writing ------------------------------------------------------------------------------

    def put(self, sha: str, result: ReadResult) -> None:
        self.put_many([(sha, result)])

    def put_many(self, items: Iterable[tuple[str, ReadResult]]) -> None:
        """Store results in one transaction: all of them become visible together, or none."""
        rows = [(sha, encode_entry(sha, result)) for sha, result in items if SHA.match(sha)]
        if rows:
            self._store.write("INSERT OR REPLACE INTO results (sha, entry) VALUES (?, ?)", rows)

    def put_commits(self, infos: Sequence[CommitInfo]) -> None:
        rows = [(c.sha, seal(c.sha, commit_payload(c))) for c in infos if SHA.match(c.sha)]
        if rows:
            self._store.write("INSERT OR REPLACE INTO commits (sha, entry) VALUES (?, ?)", rows)

    def close(self) -> None:
        if self._reader is not None:
            self._reader.join()
        if self._source is not None:
            self._source.close()
        self._store.close()

    def __enter__(self) -> ResultCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
