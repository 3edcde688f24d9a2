"""Reading the revisions for the main screen: a full load, and a refresh that reads what changed.

One exclusive thread worker lists the revisions and reads their values, posting rows back in
batches; the first batch is posted as soon as the first revision is read, so rows paint early.
A refresh (refs moved, or experiments fetched) reuses the values already on screen for every commit
it has seen before, since a commit's params and metrics never change: only new commits and the
workspace are read. `r` reads everything again (through the persistent per-commit cache, if on).

Before listing, the worker takes the refs fingerprint (`core.watch`), so the ref watcher knows which
state of the refs the rows show and never misses a change that lands during a load.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from time import monotonic
from typing import TYPE_CHECKING

from textual import work
from textual.message import Message
from textual.widgets import ProgressBar
from textual.worker import get_current_worker

from cd4ml_tui.core.api import Fingerprint, refs_fingerprint
from cd4ml_tui.core.errors import Cd4mlError
from cd4ml_tui.core.model import PENDING, Revision, RevisionValues
from cd4ml_tui.ui.widgets.detail_pane import DetailPane
from cd4ml_tui.ui.widgets.refs_pane import RefsPane

if TYPE_CHECKING:
    from textual.screen import Screen

    from cd4ml_tui.core.api import Repo
    from cd4ml_tui.ui.widgets.revision_table import RevisionTable

    class _ScreenBase(Screen[None]):
        repo: Repo
        filter_text: str

        @property
        def table(self) -> RevisionTable: ...

        def _apply_filter(self, text: str, announce: bool) -> bool: ...

        def _update_status(self) -> None: ...

else:
    _ScreenBase = object

BATCH_SECONDS = 0.1  # how often the loader posts rows after the first one, for a second,
LATER_BATCH_SECONDS = 0.5  # then less often: each batch re-lays the table out on the UI thread
QUICK_SECONDS = 1.0


@dataclass(frozen=True)
class LoadOptions:
    revs: tuple[str, ...] = ()
    all_commits: bool = False
    use_cache: bool = True


@dataclass(frozen=True)
class LoadStats:
    """What the last finished load did: revisions listed, and how many of them it had to read."""

    listed: int
    read: int
    refresh: bool  # True: values on screen were reused for commits seen before


def reusable(values: RevisionValues) -> bool:
    """Whether a loaded row's values hold for its commit for good (not the workspace, not a
    pending run, nothing that failed to read and might read fine later)."""
    revision = values.revision
    return not revision.is_workspace and revision.status not in PENDING and not values.errors


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


class RevisionLoading(_ScreenBase):
    """Mixed into the main screen, which composes the table, refs pane and detail pane."""

    class RevisionsListed(Message):
        def __init__(self, generation: int, revisions: list[Revision]) -> None:
            super().__init__()
            self.generation = generation
            self.revisions = revisions

    class RowsLoaded(Message):
        def __init__(
            self, generation: int, rows: Sequence[RevisionValues], done: int, total: int
        ) -> None:
            super().__init__()
            self.generation = generation
            self.rows = rows
            self.done = done
            self.total = total

    class LoadFinished(Message):
        def __init__(
            self,
            generation: int,
            fingerprint: Fingerprint,
            error: str | None = None,
            stats: LoadStats | None = None,
        ) -> None:
            super().__init__()
            self.generation = generation
            self.fingerprint = fingerprint  # the refs as they were when listing started
            self.error = error
            self.stats = stats

    class BadgesLoaded(Message):
        """GTO registry facts by commit sha, e.g. {"abc...": ["model@v1.0.0", "model#prod"]}."""

        def __init__(self, generation: int, badges: dict[str, list[str]]) -> None:
            super().__init__()
            self.generation = generation
            self.badges = badges

    def init_loading(self, options: LoadOptions) -> None:
        self.options = options
        self.revisions: dict[str, Revision] = {}
        self.badges: dict[str, list[str]] = {}  # commit sha -> GTO versions and stages
        self.reading = False  # a load is running (not `loading`: that would cover the screen)
        self.last_load: LoadStats | None = None
        self.listed_refs: Fingerprint | None = None  # the refs the rows on screen come from
        self._progress = (0, 0)  # revisions read, revisions listed
        self._generation = 0
        self._streaming = True
        self._pending: list[RevisionValues] = []
        self._shown_before: set[str] = set()  # revs on screen when a refresh started

    def action_reload(self) -> None:
        """Read every revision again (in a worker); the table keeps its rows until then."""
        self.start_load(refresh=False)

    def start_load(self, refresh: bool) -> None:
        """Load in a worker. `refresh`: reuse the values on screen for commits seen before."""
        self._generation += 1
        table = self.table
        self._streaming = not table.rows_loaded
        self._pending = []
        self._progress = (0, 0)
        self._shown_before = {v.revision.rev for v in table.rows_loaded}
        self.reading = True
        progress = self.query_one(ProgressBar)
        progress.update(total=None, progress=0)
        progress.display = True
        self._update_status()
        known = {v.revision.rev: v for v in table.rows_loaded if reusable(v)} if refresh else {}
        self._load(self._generation, known)

    @work(thread=True, exclusive=True, group="load")
    def _load(self, generation: int, known: dict[str, RevisionValues]) -> None:
        from cd4ml_tui.core.api import list_revisions, read_values

        worker = get_current_worker()
        fingerprint = refs_fingerprint(self.repo.git_dir)
        self.repo.forget_head()  # a commit or checkout since the last load moves HEAD
        try:
            options = self.options
            revisions = list_revisions(self.repo, options.revs, options.all_commits)
            self.post_message(self.RevisionsListed(generation, revisions))
            total = len(revisions)
            if not self.repo.has_dvc:
                rows = [RevisionValues(r) for r in revisions]
                self.post_message(self.RowsLoaded(generation, rows, total, total))
                stats = LoadStats(total, 0, bool(known))
                self.post_message(self.LoadFinished(generation, fingerprint, stats=stats))
                return
            fresh = to_read(revisions, known)
            read = read_values(self.repo, fresh, use_cache=options.use_cache)
            batch: list[RevisionValues] = []
            started = flushed = monotonic()
            for done, values in enumerate(values_in_order(revisions, known, read), start=1):
                if worker.is_cancelled:
                    return
                batch.append(values)
                now = monotonic()
                every = BATCH_SECONDS if now - started < QUICK_SECONDS else LATER_BATCH_SECONDS
                if done == 1 or done == total or now - flushed >= every:
                    self.post_message(self.RowsLoaded(generation, batch, done, total))
                    batch, flushed = [], monotonic()
            if batch:
                self.post_message(self.RowsLoaded(generation, batch, total, total))
            stats = LoadStats(total, len(fresh), bool(known))
            self.post_message(self.LoadFinished(generation, fingerprint, stats=stats))
        except Cd4mlError as err:
            self.post_message(self.LoadFinished(generation, fingerprint, str(err)))
        except Exception as err:  # keep the app alive; say what broke
            error = f"{type(err).__name__}: {err}"
            self.post_message(self.LoadFinished(generation, fingerprint, error))

    def on_revision_loading_revisions_listed(self, message: RevisionsListed) -> None:
        if message.generation != self._generation:
            return
        self.revisions = {r.rev: r for r in message.revisions}
        self.query_one(RefsPane).set_revisions(message.revisions)
        self.query_one(ProgressBar).update(total=len(message.revisions), progress=0)
        self._progress = (0, len(message.revisions))
        if self._streaming:
            self.table.set_rows([])

    @work(thread=True, exclusive=True, group="badges")
    def _load_badges(self, generation: int) -> None:
        """Read the GTO registry (versions and stages by commit) for the refs pane, the table's
        name cells and the details."""
        from cd4ml_tui.core.api import registry_state

        try:
            state = registry_state(self.repo)
        except Cd4mlError as err:
            self.app.call_from_thread(
                self.notify, f"Registry: {err}", severity="warning", markup=False
            )
            return
        badges = {sha: [badge.label for badge in found] for sha, found in state.items()}
        self.post_message(self.BadgesLoaded(generation, badges))

    def on_revision_loading_badges_loaded(self, message: BadgesLoaded) -> None:
        if message.generation != self._generation:
            return
        self.badges = message.badges
        refs = self.query_one(RefsPane)
        by_ref = {}
        for ref in refs.refs:
            labels = self.badges.get(refs.commit_of(ref) or "", [])
            if labels:
                by_ref[ref] = " ".join(labels)
        refs.set_badges(by_ref)
        self.query_one(DetailPane).badges = self.badges
        self.table.set_badges(self.badges)
        self.query_one(DetailPane).show(self.table.current, self.revisions)

    def on_revision_loading_rows_loaded(self, message: RowsLoaded) -> None:
        if message.generation != self._generation:
            return
        self.query_one(ProgressBar).update(total=message.total, progress=message.done)
        self._progress = (message.done, message.total)
        if self._streaming:
            self.table.append_rows(message.rows)
        else:
            self._pending.extend(message.rows)
        self._update_status()

    def on_revision_loading_load_finished(self, message: LoadFinished) -> None:
        if message.generation != self._generation:
            return
        self.reading = False
        self.listed_refs = message.fingerprint
        # GTO badges after the rows: reading the registry competes with the reader for the GIL
        self._load_badges(message.generation)
        self.query_one(ProgressBar).display = False
        if not self._streaming and message.error is None:
            self.table.set_rows(self._pending)
        self._pending = []
        if message.error is not None:
            self.notify(
                message.error, title="Cannot read the repository", severity="error", markup=False
            )
        elif not self.repo.has_dvc:
            self.notify(
                f"DVC is not set up in {self.repo.root} (no .dvc folder): showing revisions only.",
                title="No DVC",
                severity="warning",
                markup=False,
            )
        else:
            self.last_load = message.stats
            if message.stats is not None and message.stats.refresh:
                self._announce_new_rows()
        if self.filter_text:
            self._apply_filter(self.filter_text, announce=False)
        self._update_status()

    def _announce_new_rows(self) -> None:
        """After a refresh, name the revisions that were not on screen before."""
        rows = self.table.rows_loaded
        new = [v.revision.label for v in rows if v.revision.rev not in self._shown_before]
        if new:
            names = ", ".join(new[:3]) + (f" and {len(new) - 3} more" if len(new) > 3 else "")
            self.notify(f"New: {names}", title="Refreshed", markup=False)
