"""The revision loader: reads the revisions for the main screen, a full load or a refresh.

An invisible widget that owns its worker and what it has read (frogmouth's `Viewer` is the model):
`load()` starts one exclusive thread worker that lists the revisions and reads their values,
posting rows back in batches; the first batch is posted as soon as the first revision is read, so
rows paint early. Every message carries the loader as `control`. The loader handles its own
messages first (dropping those of a superseded load, keeping its state) and they then bubble to
the screen, which shows them.

A refresh (refs moved, or experiments fetched) reuses the values already on screen for every commit
it has seen before, since a commit's params and metrics never change: only new commits and the
workspace are read. `r` reads everything again (through the persistent per-commit cache, if on).

Each load starts a core `Listing` (the first may have been started before the app): it takes the
refs fingerprint (`core.git.watch`) before listing, so the ref watcher knows which state of the
refs the rows show and never misses a change that lands during a load. `load` makes it on the UI
thread (a few folder stats): in the worker, each stat waited for the GIL while the first frames
were drawn, 0.2 s at start-up.
After the rows, the badges are read from the GTO registry (`core.promote.badges`: again only when
the tags changed, and by a second process while GTO is not imported here).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from time import monotonic
from typing import TYPE_CHECKING

from textual import on, work
from textual.message import Message
from textual.widget import Widget
from textual.worker import get_current_worker

from cd4ml_tui.core import api  # `api.name`: imported on first use, off the start-up path
from cd4ml_tui.core.api import Fingerprint, Listing, read_values
from cd4ml_tui.core.errors import Cd4mlError
from cd4ml_tui.core.model import PENDING, Revision, RevisionValues
from cd4ml_tui.ui import heap
from cd4ml_tui.ui.messages import WidgetMessage, one_line, report_failure

if TYPE_CHECKING:
    from cd4ml_tui.core.api import RegistryBadges, Repo, ResultCache

BATCH_SECONDS = 0.1  # how often the loader posts rows after the first one, for a second,
LATER_BATCH_SECONDS = 0.5  # then less often: each batch re-lays the table out on the UI thread
QUICK_SECONDS = 1.0


@dataclass(frozen=True)
class LoadOptions:
    revs: tuple[str, ...] = ()
    all_commits: bool = False
    use_cache: bool = True
    # the first load's listing when it was started before the app (`cd4ml-tui` starts it before
    # importing Textual); every later load starts its own
    first_listing: Listing | None = field(default=None, compare=False)


@dataclass(frozen=True)
class LoadStats:
    """What the last finished load did: revisions listed, and how many of them it had to read."""

    listed: int
    read: int
    refresh: bool  # True: values on screen were reused for commits seen before


def reused(revision: Revision, known: Mapping[str, RevisionValues]) -> RevisionValues | None:
    """The values on screen that still hold for `revision` (same commit, not a pending run)."""
    if revision.status in PENDING:
        return None
    old = known.get(revision.rev)
    return replace(old, revision=revision) if old is not None else None


def to_read(revisions: Sequence[Revision], known: Mapping[str, RevisionValues]) -> list[Revision]:
    """The revisions a refresh must read: new commits, the workspace and pending runs."""
    return [r for r in revisions if r.status in PENDING or r.rev not in known]


def values_in_order(
    revisions: Sequence[Revision],
    known: Mapping[str, RevisionValues],
    read: Iterator[RevisionValues],
) -> Iterator[RevisionValues]:
    """One row per revision: the reused values, else the next row from `read`, which reads
    exactly `to_read(revisions, known)`, in order."""
    for revision in revisions:
        old = reused(revision, known)
        yield old if old is not None else next(read)


def new_rows_text(rows: Sequence[RevisionValues], shown_before: set[str]) -> str:
    """After a refresh, name the revisions that were not on screen before ("" for none)."""
    new = [v.revision.label for v in rows if v.revision.rev not in shown_before]
    if not new:
        return ""
    return "New: " + ", ".join(new[:3]) + (f" and {len(new) - 3} more" if len(new) > 3 else "")


def _post_once(widget: Widget, messages: list[Message]) -> None:
    """Post `messages` (the listing, held back until the first row is read) if not yet posted."""
    while messages:
        widget.post_message(messages.pop(0))


class RevisionLoader(Widget):
    """Loads the revisions of `repo` in a worker; posts what it read, with itself as `control`."""

    DEFAULT_CSS = """
    RevisionLoader { display: none; }
    """

    class _LoaderMessage(WidgetMessage):
        def __init__(self, loader: RevisionLoader, generation: int) -> None:
            super().__init__(loader)
            self.loader = loader
            self.generation = generation

    class RevisionsListed(_LoaderMessage):
        def __init__(
            self, loader: RevisionLoader, generation: int, revisions: list[Revision]
        ) -> None:
            super().__init__(loader, generation)
            self.revisions = revisions

    class RowsLoaded(_LoaderMessage):
        """`done` of `total` revisions read; `rows` are the ones read since the last batch."""

        def __init__(
            self,
            loader: RevisionLoader,
            generation: int,
            rows: Sequence[RevisionValues],
            done: int,
            total: int,
        ) -> None:
            super().__init__(loader, generation)
            self.rows = rows
            self.done = done
            self.total = total

    class LoadFinished(_LoaderMessage):
        """The load ended: `error` if it failed, else `stats`. `rows` is every row read when
        they were not streamed (a reload swaps them in at once)."""

        def __init__(
            self,
            loader: RevisionLoader,
            generation: int,
            fingerprint: Fingerprint | None,
            error: str | None = None,
            stats: LoadStats | None = None,
            *,
            listing_key: str | None = None,
            layout: object = None,
        ) -> None:
            super().__init__(loader, generation)
            self.fingerprint = fingerprint  # the refs as they were when listing started
            self.error = error
            self.stats = stats
            self.listing_key = listing_key  # what the listing is kept under, if it is
            self.layout = layout  # the table's layout kept with it (`keep_layout`), if any
            self.rows: list[RevisionValues] = []
            self.new_rows = ""  # after a refresh: "New: exp-1, exp-2" (revisions not shown before)

    class BadgesLoaded(_LoaderMessage):
        """GTO registry facts by commit sha, e.g. {"abc...": ["model@v1.0.0", "model#prod"]}."""

        def __init__(
            self, loader: RevisionLoader, generation: int, badges: dict[str, list[str]]
        ) -> None:
            super().__init__(loader, generation)
            self.badges = badges

    class RegistryFailed(_LoaderMessage):
        def __init__(self, loader: RevisionLoader, generation: int, error: str) -> None:
            super().__init__(loader, generation)
            self.error = error

    on_worker_state_changed = report_failure

    def __init__(self, repo: Repo, options: LoadOptions, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.repo = repo
        self.options = options
        self.revisions: dict[str, Revision] = {}  # by rev, as last listed
        self.badges: dict[str, list[str]] = {}  # commit sha -> GTO versions and stages
        self.reading = False  # a load is running (not `loading`: that would cover the screen)
        self.progress = (0, 0)  # revisions read, revisions listed
        self.last_load: LoadStats | None = None
        self._generation = 0
        self._stream = True
        self._pending: list[RevisionValues] = []
        self._shown_before: set[str] = set()  # revs on screen when a refresh started
        self._first_listing = options.first_listing
        self._listing_key: str | None = None  # of the last load's listing, if it is kept
        self._registry: RegistryBadges | None = None  # made at the first badges, off the start

    def kept_listing(self) -> list[Revision] | None:
        """The first load's revisions if they were kept from an earlier run (so listed before
        the app started): the screen shows them by name before their values are read."""
        listing = self._first_listing
        kept = listing.listed() if listing is not None else None
        if kept is not None:
            self.revisions = {r.rev: r for r in kept}
        return kept

    def load(self, shown: Sequence[RevisionValues], refresh: bool) -> None:
        """Load in a worker; `shown` are the rows on screen. `refresh`: reuse their values for
        commits seen before. With rows on screen, the new rows arrive at once at the end."""
        self._generation += 1
        self._stream = not shown
        self._shown_before = {v.revision.rev for v in shown}
        self._pending = []
        self.progress = (0, 0)
        self.reading = True
        known = {v.revision.rev: v for v in shown if v.for_good} if refresh else {}
        listing, self._first_listing = self._first_listing, None
        if listing is None:  # the fingerprint is taken here, the refs are listed in a thread
            options = self.options
            listing = Listing(self.repo, options.revs, options.all_commits, options.use_cache)
        self._load(self._generation, known, listing)

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _load(self, generation: int, known: dict[str, RevisionValues], listing: Listing) -> None:
        fingerprint = listing.fingerprint
        listed: list[Message] = []  # posted with the first row: one frame draws both
        try:
            with listing.cache as cache:  # reading ahead since the listing started
                revisions = listing.revisions()
                listed.append(self.RevisionsListed(self, generation, revisions))
                # rows that come at once at the end may be laid out as at the last start: read
                # first, the last rows and the end are posted together (one frame for both)
                key = listing.kept_under()
                layout = cache.get_layout(key) if key is not None and not self._stream else None
                # rows swapped in at the end (names first, a reload) come all at once: the
                # collector's passes wait until they are in (a stream is settled batch by batch)
                with nullcontext() if self._stream else heap.paused():
                    stats = (
                        self._read_rows(generation, revisions, known, cache, listed)
                        if self.repo.has_dvc
                        else self._rows_without_dvc(generation, revisions, bool(known), listed)
                    )
                if stats is not None:  # before the cache is closed: its writes can wait
                    self.post_message(
                        self.LoadFinished(
                            self,
                            generation,
                            fingerprint,
                            stats=stats,
                            listing_key=key,
                            layout=layout,
                        )
                    )
        except Exception as err:  # the load must end (reading=False) whatever broke; say what
            _post_once(self, listed)
            self.post_message(self.LoadFinished(self, generation, fingerprint, one_line(err)))

    def _rows_without_dvc(
        self, generation: int, revisions: list[Revision], refresh: bool, listed: list[Message]
    ) -> LoadStats:
        total = len(revisions)
        rows = [RevisionValues(r) for r in revisions]
        _post_once(self, listed)
        self.post_message(self.RowsLoaded(self, generation, rows, total, total))
        return LoadStats(total, 0, refresh)

    def _read_rows(
        self,
        generation: int,
        revisions: list[Revision],
        known: dict[str, RevisionValues],
        cache: ResultCache,
        listed: list[Message],
    ) -> LoadStats | None:
        """Read the values (those in `known` are reused), posting them in batches after `listed`;
        None if the worker was cancelled. `cache` stays open while the values are read."""
        worker = get_current_worker()
        total = len(revisions)
        fresh = to_read(revisions, known)
        read = read_values(self.repo, fresh, cache=cache)
        batch: list[RevisionValues] = []
        started = flushed = monotonic()
        # Rows on screen (names first, or a reload) are swapped at the end: until then each
        # batch only moves the count, and each frame for it held the GIL from this reading.
        quick = QUICK_SECONDS if self._stream else 0.0
        for done, values in enumerate(values_in_order(revisions, known, read), start=1):
            if worker.is_cancelled:
                return None
            batch.append(values)
            now = monotonic()
            every = BATCH_SECONDS if now - started < quick else LATER_BATCH_SECONDS
            if (done == 1 and self._stream) or done == total or now - flushed >= every:
                _post_once(self, listed)
                self.post_message(self.RowsLoaded(self, generation, batch, done, total))
                batch, flushed = [], monotonic()
        _post_once(self, listed)  # no revision at all
        if batch:
            self.post_message(self.RowsLoaded(self, generation, batch, total, total))
        return LoadStats(total, len(fresh), bool(known))

    def keep_layout(self, layout: object) -> None:
        """Keep the table's `layout` with the listing the last load showed, for the next start
        to take (`RevisionTable.set_rows`); not if that listing is not kept, nor without cache."""
        if self._listing_key is not None and self.options.use_cache:
            self._keep_layout(self._listing_key, layout)

    @work(thread=True, exclusive=True, group="layout", exit_on_error=False)
    def _keep_layout(self, key: str, layout: object) -> None:
        api.keep_layout(self.repo, key, layout)

    @work(thread=True, exclusive=True, group="badges", exit_on_error=False)
    def _load_badges(self, generation: int) -> None:
        """Read the GTO registry (versions and stages by commit) for the refs pane, the table's
        name cells and the details (`RegistryBadges`: not again while the tags stay, and by a
        second process while GTO is not imported here)."""
        try:
            if self._registry is None:
                self._registry = api.RegistryBadges(self.repo)
            state = self._registry.read()
        except Cd4mlError as err:
            self.post_message(self.RegistryFailed(self, generation, str(err)))
            return
        badges = {sha: [badge.label for badge in found] for sha, found in state.items()}
        self.post_message(self.BadgesLoaded(self, generation, badges))

    # --- our own messages first: drop a superseded load's, keep the state ---------------------
    def _current(self, message: _LoaderMessage) -> bool:
        if message.generation != self._generation:
            message.stop()
            return False
        return True

    @on(RevisionsListed)
    def _listed(self, message: RevisionsListed) -> None:
        if self._current(message):
            self.revisions = {r.rev: r for r in message.revisions}
            self.progress = (0, len(message.revisions))

    @on(RowsLoaded)
    def _rows(self, message: RowsLoaded) -> None:
        if self._current(message):
            self.progress = (message.done, message.total)
            if not self._stream:
                self._pending.extend(message.rows)

    @on(LoadFinished)
    def _finished(self, message: LoadFinished) -> None:
        if not self._current(message):
            return
        self.reading = False
        self._listing_key = message.listing_key
        message.rows, self._pending = self._pending, []
        if message.error is None and self.repo.has_dvc:
            self.last_load = message.stats
            if message.stats is not None and message.stats.refresh:
                message.new_rows = new_rows_text(message.rows, self._shown_before)
        self._load_badges(message.generation)

    @on(BadgesLoaded)
    def _badges(self, message: BadgesLoaded) -> None:
        if self._current(message):
            self.badges = message.badges

    @on(RegistryFailed)
    def _registry_failed(self, message: RegistryFailed) -> None:
        self._current(message)

    @property
    def streaming(self) -> bool:
        """Whether the running load's rows are shown as they come."""
        return self._stream
