"""The action keys of the main screen against real repos: `a` apply (and stash), `B` branch, `D`
remove, `x` run the queue, `u` undo; each opens its preview, writes only from its button, and
the repo reads back (git, and files byte for byte) as the action says."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Static

from cd4ml_tui.ui.access import READ_ONLY_MESSAGE, Access
from cd4ml_tui.ui.app import Cd4mlApp
from cd4ml_tui.ui.screens.action_dialog import ActionDialog
from cd4ml_tui.ui.screens.main import MainScreen
from tests.core.test_actions_refs import _queued_project
from tests.promote_support import all_refs, git
from tests.ui.helpers import main_screen, running, settle, table, toasts

pytestmark = [pytest.mark.slow, pytest.mark.anyio]


def _files(root: Path) -> dict[str, str]:
    """Every file outside .git and DVC's temp folder, DVC outs included: sha256."""
    return {
        f.relative_to(root).as_posix(): hashlib.sha256(f.read_bytes()).hexdigest()
        for f in sorted(root.rglob("*"))
        if f.is_file() and not f.relative_to(root).as_posix().startswith((".git/", ".dvc/tmp/"))
    }


async def _select_experiment(app: Cd4mlApp, pilot: Any, skip: int = 0) -> str:
    """Put the cursor on a finished experiment of HEAD's baseline; return its name."""
    grid = table(app)
    head = main_screen(app).repo.head
    rows = [
        i
        for i, v in enumerate(grid.shown_values)
        if v.revision.kind == "experiment"
        and v.revision.status == "success"
        and v.revision.baseline == head
    ]
    grid.move_cursor(rows[skip])
    await pilot.pause()
    name = grid.shown_values[rows[skip]].revision.name
    assert name
    return name


async def _press_in_dialog(app: Cd4mlApp, pilot: Any, button: str) -> None:
    await settle(app, pilot)
    assert isinstance(app.screen, ActionDialog), app.screen
    await pilot.click(f"#{button}")
    await settle(app, pilot)
    await settle(app, pilot)


async def test_a_refuses_then_stashes_applies_and_u_restores(demo_copy: Path) -> None:
    params = demo_copy / "params.yaml"
    params.write_text(params.read_text() + "# my change\n")
    files, refs = _files(demo_copy), all_refs(demo_copy)
    async with running(demo_copy) as (app, pilot):
        await _select_experiment(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, ActionDialog)
        assert "params.yaml" in str(dialog.query_one("#action-refusal", Static).render())
        assert not dialog.query("#apply") and dialog.query("#stash")
        await pilot.press("escape")  # cancelled: nothing written
        await settle(app, pilot)
        assert _files(demo_copy) == files and all_refs(demo_copy) == refs

        await pilot.press("a")
        await _press_in_dialog(app, pilot, "stash")
        assert isinstance(app.screen, MainScreen)
        assert "# my change" not in params.read_text()
        assert git(demo_copy, "stash", "list").count("cd4ml-tui: before applying") == 1

        await pilot.press("u")
        await _press_in_dialog(app, pilot, "undo")
    assert _files(demo_copy) == files
    assert git(demo_copy, "stash", "list") == ""
    assert all_refs(demo_copy) == refs


async def test_b_makes_a_named_branch_without_switching_and_u_deletes_it(demo_copy: Path) -> None:
    head = git(demo_copy, "symbolic-ref", "HEAD")
    async with running(demo_copy) as (app, pilot):
        name = await _select_experiment(app, pilot)
        await pilot.press("B")
        await settle(app, pilot)
        value = app.screen.query_one("#action-value", Input)
        assert value.value == f"{name}-branch"  # as dvc exp branch names it
        value.value = "picked"
        await _press_in_dialog(app, pilot, "branch")
        assert git(demo_copy, "branch", "--list", "picked").strip() == "picked"
        assert git(demo_copy, "symbolic-ref", "HEAD") == head
        await pilot.press("u")
        await _press_in_dialog(app, pilot, "undo")
    assert git(demo_copy, "branch", "--list", "picked") == ""


async def test_d_removes_the_marked_experiments_and_u_restores_them(demo_copy: Path) -> None:
    refs = all_refs(demo_copy)
    async with running(demo_copy) as (app, pilot):
        first = await _select_experiment(app, pilot, 0)
        await pilot.press("space")
        second = await _select_experiment(app, pilot, 1)
        await pilot.press("space")
        await pilot.press("D")
        await settle(app, pilot)
        preview = str(app.screen.query_one("#action-preview", Static).render())
        assert first in preview and second in preview
        await _press_in_dialog(app, pilot, "remove")
        names = {v.revision.name for v in table(app).shown_values}
        assert first not in names and second not in names
        await pilot.press("u")
        await _press_in_dialog(app, pilot, "undo")
        names = {v.revision.name for v in table(app).shown_values}
        assert first in names and second in names
    assert all_refs(demo_copy) == refs


async def test_x_refuses_a_queue_that_belongs_to_another_copy(demo_copy: Path) -> None:
    files, refs = _files(demo_copy), all_refs(demo_copy)
    async with running(demo_copy) as (app, pilot):
        await pilot.press("x")
        await _press_in_dialog(app, pilot, "start")
        errors = await toasts(app, pilot, "error")
        assert any("this repo is a copy" in text for text in errors), errors
    assert _files(demo_copy) == files and all_refs(demo_copy) == refs


async def test_x_runs_a_real_queued_experiment_and_shows_its_status(tmp_path: Path) -> None:
    root = _queued_project(tmp_path / "tiny").root
    async with running(root) as (app, pilot):
        assert any(v.revision.status == "queued" for v in table(app).shown_values)
        await pilot.press("x")
        await _press_in_dialog(app, pilot, "start")  # waits for the follow worker to finish
        await settle(app, pilot)
        main = main_screen(app)
        assert main.status.queue == "queue: 1 success"
        assert "double-3" in {
            v.revision.name for v in table(app).shown_values if v.revision.status == "success"
        }


async def test_a_read_only_session_never_starts_an_action_write(demo_copy: Path) -> None:
    ran: list[str] = []
    async with running(demo_copy, access=Access(read_only=True)) as (app, pilot):
        main_screen(app).actions._start("branch", lambda: ran.append("wrote"))
        await settle(app, pilot)
        assert READ_ONLY_MESSAGE in await toasts(app, pilot, "warning")
    assert ran == []
