"""The App: global keys and routing between screens; screens own their layout and handlers.

`create_app` is the one factory shared by the CLI (`cd4ml-tui [PATH]`, and each browser tab of
`cd4ml-tui serve`), the screenshot exporter and the snapshot tests, so they all build the same app
from a repo, its settings and the session's `Access` (read only or not, see `ui.access`).

The main screen is the base screen of the app's one mode (`main`), so its `CSS_PATH` is loaded as
every other screen's is. A worker that fails unexpectedly anywhere ends up here as one
notification (`ui.messages`).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual import events, on
from textual.app import App
from textual.binding import Binding, BindingType

from cd4ml_tui.ui import heap
from cd4ml_tui.ui.access import Access
from cd4ml_tui.ui.commands import ScreenActionsProvider
from cd4ml_tui.ui.delivery import deliver_screenshot
from cd4ml_tui.ui.messages import WorkerFailed, one_line
from cd4ml_tui.ui.screens.help import HelpScreen, collect_bindings
from cd4ml_tui.ui.screens.main import MainScreen
from cd4ml_tui.ui.widgets.revision_loader import LoadOptions

if TYPE_CHECKING:
    from cd4ml_tui.core.api import Listing, Repo
    from cd4ml_tui.core.config import Settings


class Cd4mlApp(App[int]):
    """Review the revisions of one git + DVC repo."""

    TITLE = "cd4ml-tui"
    COMMANDS = App.COMMANDS | {ScreenActionsProvider}
    DEFAULT_MODE = "main"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("ctrl+s", "screenshot", "Screenshot", show=False, id="app.screenshot"),
    ]

    def __init__(
        self, repo: Repo, settings: Settings, options: LoadOptions, access: Access | None = None
    ) -> None:
        super().__init__()
        self.repo = repo
        self.settings = settings
        self.options = options
        self.access = access or Access()
        self.sub_title = str(repo.root) + (" (read only)" if self.access.read_only else "")
        self.add_mode("main", partial(MainScreen, repo, settings, options))

    def on_worker_failed(self, message: WorkerFailed) -> None:
        """The one place an unexpected worker failure is shown: a notification; the app stays."""
        self.notify(one_line(message.error), title="Failed", severity="error", markup=False)

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """`ctrl+s`: an SVG of the screen, downloaded in a browser, else in the downloads folder."""
        if filename or path:
            super().action_screenshot(filename, path)
        else:
            deliver_screenshot(self)

    @on(events.DeliveryComplete)
    def _delivered(self, event: events.DeliveryComplete) -> None:
        """Say where a delivered report went (Textual already says so for screenshots)."""
        if event.name and event.name != "screenshot":
            where = f" to {event.path}" if event.path else ""
            self.notify(f"Saved the {event.name}{where}", markup=False)

    @on(events.DeliveryFailed)
    def _not_delivered(self, event: events.DeliveryFailed) -> None:
        if event.name and event.name != "screenshot":
            message = f"Could not save the {event.name}: {event.exception}"
            self.notify(message, severity="error", markup=False)

    def action_help(self) -> None:
        """Show every key of the current screen (from its BINDINGS)."""
        if isinstance(self.screen, HelpScreen):
            return
        title = type(self.screen).__name__.removesuffix("Screen") or "screen"
        self.push_screen(HelpScreen(collect_bindings(self.screen), title))


def create_app(
    repo: Repo,
    settings: Settings,
    *,
    revs: Sequence[str] = (),
    all_commits: bool = False,
    use_cache: bool = True,
    access: Access | None = None,
    listing: Listing | None = None,
) -> Cd4mlApp:
    """The app for `repo`, ready to `run()` (or `run_test()`); `access` says if it may write;
    `listing`, if given, is the first load's, started with the same revs and flags."""
    heap.settle()  # the modules just imported live as long as the process (see `ui.heap`)
    options = LoadOptions(tuple(revs), all_commits, use_cache, first_listing=listing)
    return Cd4mlApp(repo, settings, options, access)
