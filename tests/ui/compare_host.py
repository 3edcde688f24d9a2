"""A tiny app that shows only the compare screen, on values read by the real reader.

Used by the compare Pilot tests and snapshots, so the screen can be driven with chosen settings
without going through the main screen.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import App

from cd4ml_tui.core.config import Settings
from cd4ml_tui.core.git.repo import Repo, open_repo
from cd4ml_tui.core.model import Revision, RevisionValues
from cd4ml_tui.core.revisions import list_revisions, resolve_revision
from cd4ml_tui.core.values.read import read_values
from cd4ml_tui.ui.screens.compare import CompareScreen


def read_all(repo: Repo) -> list[RevisionValues]:
    return list(read_values(repo, list_revisions(repo), use_cache=False))


class CompareHost(App[None]):
    """Pushes one CompareScreen on mount; `q` quits."""

    BINDINGS = [("q", "quit", "Quit")]

    def __init__(
        self,
        repo: Repo,
        settings: Settings,
        values: list[RevisionValues],
        revisions: list[Revision],
        baseline: Revision | None = None,
    ) -> None:
        super().__init__()
        self.screen_args = (repo, settings, values, revisions, baseline)

    def on_mount(self) -> None:
        self.push_screen(CompareScreen(*self.screen_args))


def host_for(
    path: Path, names: list[str], settings: Settings | None = None, baseline: str | None = None
) -> tuple[CompareHost, Repo]:
    """A host comparing the revisions called `names` in the repo at `path` (caller closes)."""
    repo = open_repo(path)
    values = read_all(repo)
    listed = [v.revision for v in values]
    revisions = [resolve_revision(repo, name, listed) for name in names]
    base = resolve_revision(repo, baseline, listed) if baseline else None
    return CompareHost(repo, settings or Settings(), values, revisions, base), repo
