"""A worker that fails unexpectedly is reported once, in one line, and the app stays up.

The failing worker is a real thread worker in the real app (on a real repo): it raises the way a
bug or an OS error would, and the App's one handler (`ui.messages`) turns it into a notification.
"""

from __future__ import annotations

import pytest
from textual import work
from textual.widget import Widget
from textual.worker import WorkerFailed

from cd4ml_tui.ui.messages import one_line, report_failure
from cd4ml_tui.ui.screens.main import MainScreen
from tests.ui.helpers import labels, running, settle, toasts

pytestmark = pytest.mark.anyio


class Breaks(Widget):
    """Starts a worker that raises a multi-line OSError."""

    on_worker_state_changed = report_failure

    @work(thread=True, exit_on_error=False)
    def fail(self) -> None:
        raise OSError("disk went away\nsecond line of detail")


def test_one_line_names_the_type_and_keeps_the_first_line() -> None:
    assert one_line(OSError("disk went away\nmore")) == "OSError: disk went away"
    assert one_line(KeyError()) == "KeyError"


async def test_a_failed_worker_is_one_notification_and_the_app_keeps_running(plain_git_repo):
    async with running(plain_git_repo) as (app, pilot):
        shown = labels(app)
        breaks = Breaks()
        await app.screen.mount(breaks)
        with pytest.raises(WorkerFailed):  # what waiting on it says; the app is not told to exit
            await breaks.fail().wait()
        errors = [e for e in await toasts(app, pilot, "error") if "OSError" in e]
        assert len(errors) == 1 and "OSError: disk went away" in errors[0], errors
        assert "second line" not in errors[0]
        assert app.is_running and isinstance(app.screen, MainScreen)
        await pilot.press("r")
        await settle(app, pilot)
        assert labels(app) == shown
