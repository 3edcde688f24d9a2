"""Pilot tests of the diff screen on real repos: file list, notebook view, noise and layout keys."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat import v4
from textual.pilot import Pilot

from cd4ml_tui.core.diff.changes import changed_files
from cd4ml_tui.demo import RepoShell
from cd4ml_tui.ui.screens.diff import DiffScreen
from cd4ml_tui.ui.widgets.diff_pane import DiffPane
from cd4ml_tui.ui.widgets.diff_view import DiffView
from cd4ml_tui.ui.widgets.file_list import FileList
from tests.builders import make_empty_git
from tests.ui.diff_host import DiffHost, open_file, settle
from tests.ui.helpers import SIZE

pytestmark = pytest.mark.anyio

NOTEBOOK = "notebooks/explore.ipynb"


@asynccontextmanager
async def diff_app(
    path: Path, base: str, head: str, paths: Sequence[str] = ()
) -> AsyncIterator[tuple[DiffHost, Pilot[Any], DiffView]]:
    app = DiffHost(path, base, head, paths)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            yield app, pilot, app.screen.query_one(DiffView)
    finally:
        app.repo.close()


def body_text(view: DiffView) -> str:
    """What the diff pane shows (its rendered lines), as plain text."""
    return view.query_one(DiffPane).text()


async def test_file_list_matches_core(demo_repo: Path) -> None:
    async with diff_app(demo_repo, "main", "feature/wider") as (app, pilot, view):
        files = view.query_one(FileList)
        expected = changed_files(app.repo, app.base, app.head).files
        assert files.changes == expected
        assert files.option_count == len(expected)
        assert str(files.get_option_at_index(0).prompt) == "M dvc.lock  text"
        assert app.screen.focused is files
        # The first file is shown without a key press.
        assert view.shown is not None and view.shown.change == expected[0]
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, DiffScreen)


async def test_notebook_view_shows_changed_line_and_added_cell(demo_repo: Path) -> None:
    async with diff_app(demo_repo, "main", "feature/wider") as (_, pilot, view):
        await open_file(pilot, NOTEBOOK)
        assert view.shown is not None and view.shown.notebook is not None
        text = body_text(view)
        assert "- layers = [64, 32]" in text and "+ layers = [128, 64]" in text
        assert "added code cell 5" in text
        assert '+ print("wider layers: more capacity, higher latency")' in text
        assert "… 2 unchanged cells" in text
        assert "image/png changed" in text
        # enter moves focus into the diff to read it.
        await pilot.press("enter")
        assert pilot.app.screen.focused is view.query_one(DiffPane)


async def test_side_by_side_toggle(demo_repo: Path) -> None:
    async with diff_app(demo_repo, "main", "feature/wider") as (_, pilot, view):
        await open_file(pilot, "params.yaml")
        assert "-   layers: [64, 32]" in body_text(view)
        await pilot.press("v")
        await settle(pilot)
        assert view.side_by_side
        row = next(line for line in body_text(view).splitlines() if "layers: [64, 32]" in line)
        assert "layers: [128, 64]" in row  # both versions on one row
        assert "side by side" in str(view.query_one("#diff-status").render())
        await pilot.press("v")
        await settle(pilot)
        assert not view.side_by_side and "-   layers: [64, 32]" in body_text(view)


def _noisy_repo(root: Path) -> Path:
    """A notebook re-run (execution counts), re-tagged (metadata), re-keyed (id) and edited."""
    shell = RepoShell(make_empty_git(root))
    base = v4.new_notebook()
    base.cells = [
        v4.new_code_cell(
            f"x{i} = {i}",
            id=f"c{i}",
            execution_count=i + 1,
            outputs=[
                v4.new_output("execute_result", {"text/plain": str(i)}, execution_count=i + 1)
            ],
        )
        for i in range(8)
    ]
    head = copy.deepcopy(base)
    for i in (1, 2, 3):
        head.cells[i].execution_count += 10
        head.cells[i].outputs[0].execution_count += 10
    head.cells[5].metadata["tags"] = ["slow"]
    head.cells[6].source = "x6 = 600"
    head.cells[6].id = "renamed"
    shell.write({"nb.ipynb": nbformat.writes(base)})
    shell.commit_all("run 1")
    shell.write({"nb.ipynb": nbformat.writes(head)})
    shell.commit_all("run 2")
    return root


async def test_noise_toggles(tmp_path: Path) -> None:
    repo = _noisy_repo(tmp_path / "noisy")
    async with diff_app(repo, "HEAD~1", "HEAD") as (_, pilot, view):
        text = body_text(view)
        assert "3 cells (2-4): execution count only" in text
        assert "1 cell (6): metadata only" in text
        assert "+ x6 = 600" in text and "cell id" not in text
        status = view.query_one("#diff-status")
        assert "hidden: execution counts, cell ids, metadata-only" in str(status.render())

        await pilot.press("e")
        await settle(pilot)
        text = body_text(view)
        assert "execution count only" not in text
        assert "execution count 2 → 12" in text
        assert "hidden: cell ids, metadata-only" in str(status.render())

        await pilot.press("m")
        await settle(pilot)
        text = body_text(view)
        assert "metadata only" not in text and '"slow"' in text

        await pilot.press("i")
        await settle(pilot)
        assert "cell id c6 → renamed" in body_text(view)
        assert "hidden: nothing" in str(status.render())

        await pilot.press("e", "m", "i")
        await settle(pilot)
        assert "3 cells (2-4): execution count only" in body_text(view)


async def test_bad_path_is_a_notification(tmp_path: Path) -> None:
    repo = _noisy_repo(tmp_path / "noisy")
    async with diff_app(repo, "HEAD~1", "HEAD", ["no/such/file.py"]) as (app, _, view):
        assert view.diff is None
        assert "no/such/file.py: no such file" in body_text(view)
        notes = [n.message for n in app._notifications]
        assert len(notes) == 1 and notes[0].startswith("no/such/file.py: no such file")
