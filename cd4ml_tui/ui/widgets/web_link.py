"""Open a revision's commit on the remote's web host (GitHub, GitLab, ...) with `App.open_url`.

An invisible widget that owns its worker: `open(revision)` reads the default remote's URL in a
thread (`core.api.commit_web_url`, config only, no network), posts `Found`, and opens the page on
the main thread. In a terminal `open_url` starts the local browser; under `cd4ml-tui serve` the
page opens in a new tab of the reviewer's browser.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.widget import Widget

from cd4ml_tui.core import api  # `api.name`: imported on first use, off the start-up path
from cd4ml_tui.core.errors import Cd4mlError
from cd4ml_tui.ui.messages import WidgetMessage, report_failure

if TYPE_CHECKING:
    from cd4ml_tui.core.api import Repo
    from cd4ml_tui.core.model import Revision


class WebLinker(Widget):
    """Finds and opens the web page of a commit of `repo`."""

    DEFAULT_CSS = """
    WebLinker { display: none; }
    """

    class Found(WidgetMessage):
        def __init__(self, linker: WebLinker, label: str, url: str | None, error: str = "") -> None:
            super().__init__(linker)
            self.label, self.url, self.error = label, url, error

    on_worker_state_changed = report_failure

    def __init__(self, repo: Repo, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.repo = repo

    def open(self, revision: Revision) -> None:
        if revision.is_workspace:
            self.notify("The workspace is not on the remote: pick a commit.", markup=False)
            return
        self._find(revision)

    @work(thread=True, exclusive=True, group="web-link", exit_on_error=False)
    def _find(self, revision: Revision) -> None:
        try:
            url = api.commit_web_url(self.repo, revision.rev)
        except Cd4mlError as err:
            self.post_message(self.Found(self, revision.label, None, str(err)))
            return
        self.post_message(self.Found(self, revision.label, url))

    def on_web_linker_found(self, message: Found) -> None:
        message.stop()
        if message.url is None:
            reason = message.error or "no git remote on a web host (GitHub, GitLab, ...)"
            self.notify(f"{message.label}: no web page: {reason}", markup=False)
            return
        self.app.open_url(message.url)
        self.notify(f"Opened {message.url}", markup=False)
