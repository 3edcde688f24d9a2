"""Live refresh and fetching for the main screen.

Every second a thread worker stats the refs (`core.watch.refs_fingerprint`: loose refs,
packed-refs, HEAD; no git process). When they differ from the refs the rows were listed from, and
have stayed the same for one more check, the screen refreshes: a `dvc exp run` moves refs several
times (exec and temp refs, then the experiment ref), so waiting for them to settle reloads once per
burst instead of reading half-finished states. The refresh reuses what is on screen for known
commits, so only the new experiment and the workspace are read.

`F` fetches `refs/exps/*` from the default git remote (core `default_remote`) in a worker with a
timeout; the screen then refreshes, and a failure is a notification.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.message import Message

from cd4ml_tui.core.api import Fingerprint, refs_fingerprint
from cd4ml_tui.core.errors import Cd4mlError

if TYPE_CHECKING:
    from textual.screen import Screen

    from cd4ml_tui.core.api import Repo

    class _ScreenBase(Screen[None]):
        repo: Repo
        reading: bool
        listed_refs: Fingerprint | None

        def start_load(self, refresh: bool) -> None: ...

        def _update_status(self) -> None: ...

else:
    _ScreenBase = object

WATCH_SECONDS = 1.0  # how often the refs are checked
FETCH_TIMEOUT_SECONDS = 60.0


def fetch_summary(remote: str | None, summary: str) -> str:
    """One line from git fetch's report: how many experiment refs came in."""
    moved = sum(1 for line in summary.splitlines() if "->" in line)
    source = f" from {remote}" if remote else ""
    if not moved:
        return f"Experiments{source} are up to date."
    return f"Fetched {moved} experiment ref{'s' if moved != 1 else ''}{source}."


class LiveRefresh(_ScreenBase):
    """Mixed into the main screen: watch the refs, refresh when they settle; `F` fetches."""

    class RefsChecked(Message):
        def __init__(self, fingerprint: Fingerprint | None) -> None:
            super().__init__()
            self.fingerprint = fingerprint  # None when the refs could not be read

    class FetchStarted(Message):
        def __init__(self, remote: str | None) -> None:
            super().__init__()
            self.remote = remote

    class Fetched(Message):
        def __init__(self, remote: str | None, summary: str | None, error: str | None) -> None:
            super().__init__()
            self.remote = remote
            self.summary = summary
            self.error = error

    def init_live(self) -> None:
        self.fetching: str | None = None  # what the status bar says while a fetch runs
        self._checking = False
        self._seen_refs: Fingerprint | None = None  # the refs at the previous check

    def start_watching(self) -> None:
        self.set_interval(WATCH_SECONDS, self._check_refs, name="watch-refs")

    def _check_refs(self) -> None:
        if self._checking or self.reading or self.listed_refs is None:
            return  # a load in flight lists the refs itself; the next check compares
        self._checking = True
        self._fingerprint_refs()

    @work(thread=True, exclusive=True, group="watch", exit_on_error=False)
    def _fingerprint_refs(self) -> None:
        try:
            fingerprint: Fingerprint | None = refs_fingerprint(self.repo.git_dir)
        except Exception:  # e.g. a folder made unreadable: skip this check, never stop watching
            fingerprint = None
        self.post_message(self.RefsChecked(fingerprint))

    def on_live_refresh_refs_checked(self, message: RefsChecked) -> None:
        self._checking = False
        current, seen = message.fingerprint, self._seen_refs
        self._seen_refs = current
        if current is None or self.reading or current == self.listed_refs:
            return
        if current == seen:  # moved, and quiet since the last check: the run has settled
            self.start_load(refresh=True)

    # --- fetch ---------------------------------------------------------------------------------
    def action_fetch(self) -> None:
        """Fetch experiments from the git remote (refs only, no DVC data)."""
        if self.fetching is not None:
            self.notify(f"Still fetching {self.fetching}…", markup=False)
            return
        self.fetching = "experiments"
        self._update_status()
        self._fetch()

    @work(thread=True, exclusive=True, group="fetch", exit_on_error=False)
    def _fetch(self) -> None:
        from cd4ml_tui.core.api import default_remote, fetch_experiments

        remote = None
        try:
            remote = default_remote(self.repo)
            self.post_message(self.FetchStarted(remote))
            summary = fetch_experiments(self.repo, remote, timeout=FETCH_TIMEOUT_SECONDS)
        except Cd4mlError as err:
            self.post_message(self.Fetched(remote, None, str(err)))
        except Exception as err:  # keep the app alive; say what broke
            self.post_message(self.Fetched(remote, None, f"{type(err).__name__}: {err}"))
        else:
            self.post_message(self.Fetched(remote, summary, None))

    def on_live_refresh_fetch_started(self, message: FetchStarted) -> None:
        if message.remote is not None:
            self.fetching = f"experiments from {message.remote}"
            self._update_status()

    def on_live_refresh_fetched(self, message: Fetched) -> None:
        self.fetching = None
        self._update_status()
        if message.error is not None:
            self.notify(message.error, title="Fetch failed", severity="error", markup=False)
            return
        self.notify(fetch_summary(message.remote, message.summary or ""), markup=False)
        self.start_load(refresh=True)
