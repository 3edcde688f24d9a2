"""A tiny app that shows only the insight screen, on values read by the real reader.

Used by the insight Pilot tests, so the screen can be driven with chosen marked revisions without
going through the main screen.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import App

from cd4ml_tui.core.config import Settings
from cd4ml_tui.core.git.repo import open_repo
from cd4ml_tui.core.model import ColumnKey, RevisionValues
from cd4ml_tui.core.revisions import list_revisions
from cd4ml_tui.core.values.read import read_values
from cd4ml_tui.ui.screens.insight import InsightScreen


def read_all(path: Path) -> list[RevisionValues]:
    with open_repo(path) as repo:
        return list(read_values(repo, list_revisions(repo), use_cache=False))


class InsightHost(App[None]):
    """Pushes one InsightScreen on mount; `q` quits."""

    BINDINGS = [("q", "quit", "Quit")]

    def __init__(
        self,
        values: list[RevisionValues],
        marked: set[str],
        metric: ColumnKey | None = None,
        settings: Settings | None = None,
    ) -> None:
        super().__init__()
        self.screen_args = (settings or Settings(), values, marked, metric)

    def on_mount(self) -> None:
        self.push_screen(InsightScreen(*self.screen_args))


if __name__ == "__main__":  # try it by hand: python -m tests.ui.insight_host REPO [NAME...]
    import sys

    rows = read_all(Path(sys.argv[1]))
    wanted = set(sys.argv[2:])
    InsightHost(rows, {r.revision.rev for r in rows if r.revision.label in wanted}).run()
