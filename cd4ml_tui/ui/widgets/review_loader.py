"""The review loader: reads the verdicts (git notes) and computes the gate column, in workers.

An invisible widget that owns its workers and what it read, and posts messages with itself as
`control`: `load()` reads every verdict thread (one `git notes list` and one batch read) and posts
`ReviewsLoaded` with the fingerprint of the notes ref taken before reading, so the ref watcher
knows which verdicts are on screen; `check_gates(rows)` holds every row to the gate rules against
its gate baseline (`core.api.gate_rows`) and posts `GatesChecked`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual import on, work
from textual.widget import Widget

from cd4ml_tui.core import api  # `api.name`: imported on first use, off the start-up path
from cd4ml_tui.core.model import Revision, RevisionValues
from cd4ml_tui.ui.messages import WidgetMessage, one_line, report_failure

if TYPE_CHECKING:
    from cd4ml_tui.core.api import Fingerprint, GateResult, Repo, ReviewSummary, Verdict
    from cd4ml_tui.core.config import Settings


class ReviewLoader(Widget):
    """Verdicts and gate results of `repo`'s revisions, read in workers."""

    DEFAULT_CSS = """
    ReviewLoader { display: none; }
    """

    class ReviewsLoaded(WidgetMessage):
        def __init__(
            self,
            loader: ReviewLoader,
            threads: dict[str, tuple[Verdict, ...]],
            fingerprint: Fingerprint | None,
            error: str | None = None,
        ) -> None:
            super().__init__(loader)
            self.threads = threads  # commit sha -> verdicts, oldest first
            self.fingerprint = fingerprint
            self.error = error

    class GatesChecked(WidgetMessage):
        def __init__(
            self, loader: ReviewLoader, gates: dict[str, GateResult | str], error: str | None
        ) -> None:
            super().__init__(loader)
            self.gates = gates  # rev -> result, or why it could not run
            self.error = error  # the rules themselves are unusable (no rules, bad rules)

    on_worker_state_changed = report_failure

    def __init__(self, repo: Repo, settings: Settings, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.repo = repo
        self.settings = settings
        self.threads: dict[str, tuple[Verdict, ...]] = {}
        self.summaries: dict[str, ReviewSummary] = {}
        self.gates: dict[str, GateResult | str] = {}

    def load(self) -> None:
        """Read every verdict again (in a worker)."""
        self._load()

    @work(thread=True, exclusive=True, group="reviews", exit_on_error=False)
    def _load(self) -> None:
        fingerprint = None
        try:
            fingerprint = api.reviews_fingerprint(self.repo)
            threads = api.read_reviews(self.repo)
        except Exception as err:  # say what broke; the table keeps what it shows
            self.post_message(self.ReviewsLoaded(self, {}, fingerprint, one_line(err)))
            return
        self.post_message(self.ReviewsLoaded(self, threads, fingerprint))

    @on(ReviewsLoaded)
    def _loaded(self, message: ReviewsLoaded) -> None:
        if message.error is None:
            self.threads = message.threads
            self.summaries = {}
            for sha, thread in message.threads.items():
                summary = api.summarize_thread(thread)
                if summary is not None:
                    self.summaries[sha] = summary

    def check_gates(self, rows: Sequence[RevisionValues], revisions: Sequence[Revision]) -> None:
        """Hold every row to the gate (in a worker)."""
        self._check_gates(list(rows), list(revisions))

    @work(thread=True, exclusive=True, group="gates", exit_on_error=False)
    def _check_gates(self, rows: list[RevisionValues], revisions: list[Revision]) -> None:
        try:
            gates = api.gate_rows(self.repo, rows, self.settings, revisions)
        except Exception as err:
            self.post_message(self.GatesChecked(self, {}, one_line(err)))
            return
        self.post_message(self.GatesChecked(self, gates, None))

    @on(GatesChecked)
    def _gates(self, message: GatesChecked) -> None:
        if message.error is None:
            self.gates = message.gates
