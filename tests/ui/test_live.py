"""Live refresh, fetch and undo on the main screen, in the real app on real demo repos.

New refs come from real tools in another thread or process (`dvc exp run`, git), never from the
test poking the screen; the test waits for the screen by polling with a bounded number of pauses.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from cd4ml_tui.core.git.repo import open_repo
from cd4ml_tui.core.git.watch import refs_fingerprint
from cd4ml_tui.core.model import RevisionValues
from cd4ml_tui.core.revisions import list_revisions
from cd4ml_tui.core.values.read import read_values
from cd4ml_tui.demo import RepoShell
from cd4ml_tui.ui.app import Cd4mlApp
from cd4ml_tui.ui.screens.main import MainScreen
from cd4ml_tui.ui.screens.promote import PromoteScreen
from cd4ml_tui.ui.screens.promote_undo import UndoScreen
from cd4ml_tui.ui.widgets.ref_watcher import RefWatcher
from cd4ml_tui.ui.widgets.refs_pane import RefsPane
from cd4ml_tui.ui.widgets.revision_loader import RevisionLoader
from tests.builders import git
from tests.ui.helpers import (
    column,
    labels,
    main_screen,
    move_to_column,
    running,
    settle,
    table,
    toasts,
)

pytestmark = [pytest.mark.slow, pytest.mark.anyio]

POLLS = 1200  # pauses of 0.1 s at most: a bound so a broken refresh fails instead of hanging


async def wait_until(pilot: Pilot[Any], condition: Callable[[], bool]) -> None:
    for _ in range(POLLS):
        if condition():
            return
        await pilot.pause(0.1)
    raise AssertionError("the screen never reached the expected state")


def _read_all(path: Path) -> list[RevisionValues]:
    with open_repo(path) as repo:
        return list(read_values(repo, list_revisions(repo), use_cache=False))


def _settled(app: Cd4mlApp, rev_count: int) -> Callable[[], bool]:
    """The screen shows the repo's current refs (no load running) and has `rev_count` rows."""
    screen = main_screen(app)

    def caught_up() -> bool:
        current = refs_fingerprint(screen.repo.git_dir)
        if screen.loader.reading or screen.watcher.listed != current:
            return False
        return len(table(app).rows_loaded) == rev_count

    return caught_up


async def test_a_dvc_exp_run_elsewhere_appears_and_keeps_marks_sort_and_cursor(demo_copy):
    loads: list[RevisionLoader.LoadFinished] = []

    def hook(message: object) -> None:
        if isinstance(message, RevisionLoader.LoadFinished) and all(
            m is not message for m in loads
        ):
            loads.append(message)

    async with running(demo_copy, message_hook=hook) as (app, pilot):
        grid = table(app)
        accuracy = next(c for c in grid.column_ids() if c.endswith(":accuracy"))
        grid.move_cursor(3)
        await pilot.press("space")
        await move_to_column(app, pilot, accuracy)
        await pilot.press("s")
        grid.move_cursor(5)
        await pilot.pause()
        marked, on_cursor = set(grid.marked), grid.current
        before = {v.revision.rev for v in grid.rows_loaded}
        assert marked and on_cursor is not None

        shell = RepoShell(demo_copy)  # a real run in another thread, as from another terminal
        await asyncio.to_thread(
            shell.dvc, "exp", "run", "--temp", "-n", "new-exp", "-S", "train.lr=0.042"
        )
        await wait_until(pilot, _settled(app, len(before) + 1))

        added = [v for v in grid.rows_loaded if v.revision.rev not in before]
        assert [(v.revision.name, v.revision.kind) for v in added] == [("new-exp", "experiment")]
        assert {v.revision.rev for v in grid.rows_loaded} >= before
        lr = next(c for c in added[0].columns() if c.key == "train.lr")
        assert added[0].get(lr) == 0.042
        # every row equals a fresh read of the repo, though only new rows were read again
        assert grid.rows_loaded == _read_all(demo_copy)
        stats = main_screen(app).loader.last_load
        assert stats is not None and stats.refresh
        # read again: the workspace, new-exp and the queued run (its state may change); no commit
        # that was on screen before
        pending = [v for v in grid.rows_loaded if v.revision.status in ("queued", "running")]
        assert (stats.listed, stats.read) == (len(before) + 1, 2 + len(pending))
        assert grid.marked == marked
        assert [row[0].plain for row in grid.grid_rows].count("●") == 1
        assert grid.state.sort_column == accuracy and not grid.state.sort_reverse
        assert grid.current is not None
        assert grid.current.revision.rev == on_cursor.revision.rev
        accuracy_key = column(grid.rows_loaded, "accuracy")
        values = [v.get(accuracy_key) for v in grid.shown_values]
        present = [v for v in values if v is not None]
        assert present == sorted(present) and values[: len(present)] == present
        assert "new-exp" in labels(app)
        # the refresh never read a half-finished state
        assert [m.error for m in loads] == [None] * len(loads)
        assert await toasts(app, pilot, "error") == []


async def test_a_new_tag_appears_without_a_key_and_reads_only_the_workspace(demo_copy):
    async with running(demo_copy) as (app, pilot):
        count = len(table(app).rows_loaded)
        git(demo_copy, "tag", "reviewed", "main")  # an existing commit: nothing new to read
        refs = app.query_one(RefsPane)
        await wait_until(pilot, lambda: refs.leaf("refs/tags/reviewed") is not None)
        await wait_until(pilot, _settled(app, count))
        stats = main_screen(app).loader.last_load
        pending = [v for v in table(app).rows_loaded if v.revision.status == "queued"]
        assert stats is not None and (stats.refresh, stats.read) == (True, 1 + len(pending))
        main = next(v for v in table(app).rows_loaded if v.revision.label == "main")
        assert "refs/tags/reviewed" in main.revision.refs


def _experiment_on_remote(local: Path, remote: Path) -> str:
    """A bare clone of `local` holding one experiment ref (on main) that `local` lacks."""
    git(local.parent, "clone", "-q", "--bare", str(local), str(remote))
    base = git(remote, "rev-parse", "main").strip()
    tree = git(remote, "rev-parse", "main^{tree}").strip()
    commit = git(remote, "commit-tree", tree, "-p", base, "-m", "ci run").strip()
    git(remote, "update-ref", f"refs/exps/{base[:2]}/{base[2:]}/ci-exp", commit)
    return commit


async def test_f_fetches_an_experiment_from_the_remote(demo_copy, tmp_path):
    commit = _experiment_on_remote(demo_copy, tmp_path / "remote.git")
    git(demo_copy, "remote", "add", "origin", str(tmp_path / "remote.git"))
    branches = git(demo_copy, "for-each-ref", "refs/heads", "refs/tags")
    status_while_fetching: list[str] = []

    def hook(message: object) -> None:  # runs before the screen handles the fetch's result
        if isinstance(message, RefWatcher.Fetched):
            status_while_fetching.append(str(app.query_one("#status").render()))

    async with running(demo_copy, message_hook=hook) as (app, pilot):
        count = len(table(app).rows_loaded)
        await pilot.press("F")
        await wait_until(pilot, _settled(app, count + 1))
        assert "fetching experiments from origin…" in status_while_fetching[0]
        assert "Fetched 1 experiment ref from origin." in await toasts(app, pilot, "information")
        [fetched] = [v for v in table(app).rows_loaded if v.revision.rev == commit]
        assert (fetched.revision.name, fetched.revision.kind) == ("ci-exp", "experiment")
        assert "fetching" not in str(app.query_one("#status").render())
    assert git(demo_copy, "for-each-ref", "refs/heads", "refs/tags") == branches


async def test_f_with_an_unreachable_or_no_remote_notifies_and_the_app_stays_up(demo_copy):
    async with running(demo_copy) as (app, pilot):
        count = len(table(app).rows_loaded)
        await pilot.press("F")
        await settle(app, pilot)
        errors = await toasts(app, pilot, "error")
        assert any("no git remote configured" in text for text in errors), errors
        git(demo_copy, "remote", "add", "origin", str(demo_copy.parent / "gone.git"))
        await pilot.press("F")
        await settle(app, pilot)
        errors = await toasts(app, pilot, "error")
        assert any("fetching experiments from 'origin' failed" in text for text in errors)
        assert isinstance(app.screen, MainScreen) and len(table(app).rows_loaded) == count
        assert main_screen(app).watcher.fetching is None


async def test_u_undoes_the_last_promotion_once(demo_copy):
    async with running(demo_copy) as (app, pilot):
        await pilot.press("u")
        assert any("Nothing to undo" in t for t in await toasts(app, pilot, "information"))
        grid = table(app)
        rows = grid.shown_values
        names = [v.revision.name for v in rows]
        index = next(  # an experiment whose name is unique, as the promote dialog tests pick
            i
            for i, v in enumerate(rows)
            if v.revision.kind == "experiment"
            and v.revision.status == "success"
            and names.count(v.revision.name) == 1
        )
        grid.move_cursor(index)
        await pilot.pause()
        await pilot.press("p")
        await settle(app, pilot)
        await settle(app, pilot)
        assert isinstance(app.screen, PromoteScreen)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert git(demo_copy, "tag").split() == ["classifier@v0.0.1", "v0.1"]

        await pilot.press("u")
        await settle(app, pilot)
        assert isinstance(app.screen, UndoScreen)
        await pilot.click("#undo-local")
        await settle(app, pilot)
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert git(demo_copy, "tag").split() == ["v0.1"]
        app.clear_notifications()
        await pilot.press("u")
        assert isinstance(app.screen, MainScreen)
        assert any("Nothing to undo" in t for t in await toasts(app, pilot, "information"))


async def test_starts_focused_on_the_table_and_marks_show(demo_repo):
    async with running(demo_repo) as (app, pilot):
        grid = table(app)
        assert app.focused is grid and grid.cursor_row == 0
        assert grid.current is not None and grid.current.revision.is_workspace
        await pilot.press("j", "j", "space", "j", "space")
        assert [row[0].plain for row in grid.grid_rows[:5]] == [" ", " ", "●", " ", "●"]
        assert [v.revision.rev for v in grid.marked_values()] == [
            grid.shown_values[2].revision.rev,
            grid.shown_values[4].revision.rev,
        ]


async def test_a_new_commit_on_the_checked_out_branch_moves_head_and_the_workspace(demo_copy):
    async with running(demo_copy) as (app, pilot):
        old_head = git(demo_copy, "rev-parse", "HEAD").strip()
        git(demo_copy, "commit", "-q", "--allow-empty", "-m", "Review notes")
        new_head = git(demo_copy, "rev-parse", "HEAD").strip()
        screen = main_screen(app)
        await wait_until(
            pilot, lambda: new_head in screen.loader.revisions and not screen.loader.reading
        )
        await wait_until(pilot, _settled(app, len(_read_all(demo_copy))))
        workspace = table(app).rows_loaded[0].revision
        assert workspace.is_workspace and workspace.parents == (new_head,)
        heads = [v.revision for v in table(app).rows_loaded if v.revision.kind == "commit"]
        assert heads[0].rev == new_head and heads[0].name == "main"
        assert screen.loader.revisions[old_head].name is None  # still a baseline of experiments
        assert table(app).rows_loaded == _read_all(demo_copy)


async def test_editing_workspace_params_and_metrics_refreshes_the_workspace_row(demo_copy):
    import json

    async with running(demo_copy) as (app, pilot):
        rows = table(app).rows_loaded
        lr, accuracy = column(rows, "train.lr"), column(rows, "accuracy")

        def workspace() -> RevisionValues:
            return next(v for v in table(app).rows_loaded if v.revision.is_workspace)

        assert workspace().get(lr) != 0.0777
        params = demo_copy / "params.yaml"
        params.write_text(params.read_text().replace("lr: 0.03", "lr: 0.0777"))
        await wait_until(pilot, lambda: workspace().get(lr) == 0.0777)  # no `r` pressed
        metrics = demo_copy / "metrics.json"
        data = json.loads(metrics.read_text())
        data["accuracy"] = 0.4242
        metrics.write_text(json.dumps(data))
        await wait_until(pilot, lambda: workspace().get(accuracy) == 0.4242)
