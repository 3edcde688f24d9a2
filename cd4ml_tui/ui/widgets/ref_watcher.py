"""The ref watcher: notices new experiments, commits and tags, and fetches experiment refs.

An invisible widget that owns its timer, its workers and its state, and posts messages with
itself as `control`. Every second a thread worker stats the refs (`core.git.watch.refs_fingerprint`:
the folders of loose refs, packed-refs, HEAD; no git process). When they differ from the refs the
rows on screen were listed from (`listed`, which the screen sets after each load, and clears while
one runs), and have stayed the same for one more check, it posts `Moved`: a `dvc exp run` moves refs
several times (exec and temp refs, then the experiment ref), so waiting for them to settle reloads
once per burst instead of reading half-finished states.

The verdicts (`refs/notes/cd4ml-review`) are watched on their own (`reviews_fingerprint`): when
they differ from `reviews_listed` (set by the screen after it read them) the watcher posts
`ReviewsMoved`, so a verdict added by another process appears without reloading any row.

`fetch()` fetches `refs/exps/*` from the default git remote (core `default_remote`) in a worker
with a timeout, then the verdicts (merged with `cat_sort_uniq`), and posts `Fetched` (with the
error, if any); the screen then refreshes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.widget import Widget

from cd4ml_tui.core import api  # `api.name`: imported on first use, off the start-up path
from cd4ml_tui.core.api import Fingerprint, files_fingerprint, refs_fingerprint
from cd4ml_tui.ui.messages import WidgetMessage, one_line, report_failure

if TYPE_CHECKING:
    from cd4ml_tui.core.api import Repo

WATCH_SECONDS = 1.0  # how often the refs are checked
FETCH_TIMEOUT_SECONDS = 60.0


def fetch_summary(remote: str | None, summary: str) -> str:
    """One line from git fetch's report: how many experiment refs came in."""
    moved = sum(1 for line in summary.splitlines() if "->" in line)
    source = f" from {remote}" if remote else ""
    if not moved:
        return f"Experiments{source} are up to date."
    return f"Fetched {moved} experiment ref{'s' if moved != 1 else ''}{source}."


class RefWatcher(Widget):
    """Watches the refs of `repo`; `fetch()` brings in experiment refs from its remote."""

    DEFAULT_CSS = """
    RefWatcher { display: none; }
    """

    class _WatcherMessage(WidgetMessage):
        def __init__(self, watcher: RefWatcher) -> None:
            super().__init__(watcher)
            self.watcher = watcher

    class Checked(_WatcherMessage):
        def __init__(
            self,
            watcher: RefWatcher,
            fingerprint: Fingerprint | None,
            workspace: Fingerprint | None = None,
            reviews: Fingerprint | None = None,
        ) -> None:
            super().__init__(watcher)
            self.fingerprint = fingerprint  # None when the refs could not be read
            self.workspace = workspace  # the workspace files; None when not watched
            self.reviews = reviews  # the verdicts' ref, None when it could not be read

    class WorkspaceChanged(_WatcherMessage):
        """A workspace params or metrics file was edited since the rows on screen were read."""

    class ReviewsMoved(_WatcherMessage):
        """The verdicts changed since they were read (another process added or fetched one)."""

    class Moved(_WatcherMessage):
        """The refs moved away from `listed` and have settled: time to refresh."""

    class FetchStarted(_WatcherMessage):
        def __init__(self, watcher: RefWatcher, remote: str | None) -> None:
            super().__init__(watcher)
            self.remote = remote

    class Fetched(_WatcherMessage):
        def __init__(
            self, watcher: RefWatcher, remote: str | None, summary: str | None, error: str | None
        ) -> None:
            super().__init__(watcher)
            self.remote = remote
            self.summary = summary
            self.error = error

        @property
        def text(self) -> str:
            """What to tell the user when the fetch worked."""
            return fetch_summary(self.remote, self.summary or "")

    on_worker_state_changed = report_failure

    def __init__(self, repo: Repo, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.repo = repo
        self.listed: Fingerprint | None = None  # the refs on screen; None while a load runs
        self.reviews_listed: Fingerprint | None = None  # the verdicts on screen; None: reading
        self.fetching: str | None = None  # what the status bar says while a fetch runs
        self._checking = False
        self._seen: Fingerprint | None = None  # the refs at the previous check
        # The workspace's params and metrics files (relative to the project root) and their
        # stat when the rows on screen were read; the screen sets both around each load.
        self.workspace_files: tuple[str, ...] = ()
        self.workspace_listed: Fingerprint | None = None

    def snapshot_workspace(self) -> None:
        """Remember the workspace files as they are now (a load is about to read them)."""
        self.workspace_listed = files_fingerprint(self.repo.project_root, self.workspace_files)

    def on_mount(self) -> None:
        self.set_interval(WATCH_SECONDS, self._check, name="watch-refs")

    def _check(self) -> None:
        if self._checking or (self.listed is None and self.reviews_listed is None):
            return  # a load in flight lists the refs itself; the next check compares
        self._checking = True
        self._fingerprint()

    @work(thread=True, exclusive=True, group="watch", exit_on_error=False)
    def _fingerprint(self) -> None:
        workspace: Fingerprint | None = None
        try:
            fingerprint: Fingerprint | None = refs_fingerprint(self.repo.git_dir)
            reviews: Fingerprint | None = api.reviews_fingerprint(self.repo)
            if self.workspace_files:
                workspace = files_fingerprint(self.repo.project_root, self.workspace_files)
        except Exception:  # e.g. a folder made unreadable: skip this check, never stop watching
            fingerprint = reviews = None
        self.post_message(self.Checked(self, fingerprint, workspace, reviews))

    @on(Checked)
    def _checked(self, message: Checked) -> None:
        message.stop()
        self._checking = False
        listed_reviews = self.reviews_listed
        if None not in (message.reviews, listed_reviews) and message.reviews != listed_reviews:
            self.reviews_listed = None  # until the screen has read them again
            self.post_message(self.ReviewsMoved(self))
        current, seen = message.fingerprint, self._seen
        self._seen = current
        if current is None or self.listed is None:
            return
        if current != self.listed:
            if current == seen:  # moved, and quiet since the last check: the run has settled
                self.post_message(self.Moved(self))
            return
        # An edited params or metrics file: refresh at once (within a check, about a second).
        listed_workspace = self.workspace_listed
        if (  # posted at each check until a load snapshots the files again
            message.workspace is not None
            and listed_workspace is not None
            and message.workspace != listed_workspace
        ):
            self.post_message(self.WorkspaceChanged(self))

    # --- fetch ---------------------------------------------------------------------------------
    def fetch(self) -> bool:
        """Start fetching experiments (refs only, no DVC data); False if one is running."""
        if self.fetching is not None:
            return False
        self.fetching = "experiments"
        self._fetch()
        return True

    @work(thread=True, exclusive=True, group="fetch", exit_on_error=False)
    def _fetch(self) -> None:
        remote = None
        try:
            remote = api.default_remote(self.repo)
            self.post_message(self.FetchStarted(self, remote))
            summary = api.fetch_experiments(self.repo, remote, timeout=FETCH_TIMEOUT_SECONDS)
            api.fetch_reviews(self.repo, remote, timeout=FETCH_TIMEOUT_SECONDS)
        except Exception as err:  # the fetch must end (fetching=None) whatever broke; say what
            self.post_message(self.Fetched(self, remote, None, one_line(err)))
        else:
            self.post_message(self.Fetched(self, remote, summary, None))

    @on(FetchStarted)
    def _fetch_started(self, message: FetchStarted) -> None:
        if message.remote is not None:
            self.fetching = f"experiments from {message.remote}"

    @on(Fetched)
    def _fetched(self, message: Fetched) -> None:
        self.fetching = None
