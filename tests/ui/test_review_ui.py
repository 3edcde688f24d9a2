"""Review and gate in the real app on a real repo (`tests.review_support`): the review column and
thread, `R` recording a verdict in git notes, a verdict from another process appearing by itself,
the gate column (`T`), gate marks on the compare screen, and the promote dialog's checks."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Input, RadioSet, Static, TextArea

from cd4ml_tui.core.api import NOTES_REF, gate_rows, list_revisions, open_repo, read_values
from cd4ml_tui.core.config import load_settings
from cd4ml_tui.ui.app import Cd4mlApp
from cd4ml_tui.ui.screens.compare import CompareScreen
from cd4ml_tui.ui.screens.main import MainScreen
from cd4ml_tui.ui.screens.promote import PromoteScreen
from cd4ml_tui.ui.screens.review import ReviewScreen
from cd4ml_tui.ui.widgets.delta_table import DeltaTable
from tests.promote_support import fingerprint
from tests.review_support import git, make_gate_repo, write_settings
from tests.ui.helpers import main_screen, plain, running, settle, table

pytestmark = pytest.mark.anyio

CLI = [sys.executable, "-m", "cd4ml_tui"]
RULES = """\
require_approval = true
[gate]
against = "base"
[gate.rules]
"metrics.json:accuracy" = { worse_by = 0.01 }
loss = { worse_by = 0.05 }
"""


@pytest.fixture(scope="module")
def gate_repo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_gate_repo(tmp_path_factory.mktemp("review-ui") / "gate")


@pytest.fixture
def repo(gate_repo_template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "repo"
    shutil.copytree(gate_repo_template, target, symlinks=True)
    write_settings(target, RULES)
    return target


async def select(app: Cd4mlApp, pilot: Pilot[Any], repo: Path, tag: str) -> None:
    sha = git(repo, "rev-parse", tag)
    revs = [v.revision.rev for v in table(app).shown_values]
    table(app).move_cursor(revs.index(sha), 1)
    await pilot.pause()


def cell(app: Cd4mlApp, repo: Path, tag: str, column: str) -> str:
    sha = git(repo, "rev-parse", tag)
    row = next(v for v in table(app).rows_loaded if v.revision.rev == sha)
    return table(app).cell_text(row, column)


async def wait_for(app: Cd4mlApp, pilot: Pilot[Any], condition: Any, checks: int = 100) -> bool:
    """Let the app run (the ref watcher checks every second) until `condition()` holds."""
    for _ in range(checks):
        if condition():
            return True
        await pilot.pause(0.1)
        await app.workers.wait_for_complete()
    return bool(condition())


async def test_r_records_a_verdict_in_git_notes_and_the_row_and_details_show_it(
    repo: Path,
) -> None:
    before = fingerprint(repo)
    async with running(repo) as (app, pilot):
        assert cell(app, repo, "good", "review") == ""
        await select(app, pilot, repo, "good")
        await pilot.press("R")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, ReviewScreen)
        radios = dialog.query_one("#verdict", RadioSet)
        radios.focus()
        await pilot.press("right", "enter")  # request changes
        dialog.query_one("#message", TextArea).text = "loss went up\nsee eval"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert cell(app, repo, "good", "review") == "✗"
        details = plain(main_screen(app).detail.query_one("#detail-body", Static).content)
        assert "changes requested · 1 entry" in details and "loss went up" in details
    [line] = git(repo, "notes", f"--ref={NOTES_REF}", "show", "good").splitlines()
    record = json.loads(line)
    assert record["verdict"] == "request-changes" and record["message"] == "loss went up\nsee eval"
    assert fingerprint(repo) == before


async def test_r_on_the_workspace_is_refused_with_a_notification(repo: Path) -> None:
    async with running(repo) as (app, pilot):
        table(app).move_cursor(0, 1)  # the workspace heads the table
        await pilot.pause()
        await pilot.press("R")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert any("workspace is not a commit" in n.message for n in app._notifications)
    assert git(repo, "notes", f"--ref={NOTES_REF}", "list") == ""


async def test_a_verdict_from_another_process_appears_by_itself(repo: Path) -> None:
    async with running(repo) as (app, pilot):
        await select(app, pilot, repo, "bad")
        rows_before = table(app).rows_loaded
        subprocess.run(
            [*CLI, "review", "bad", "--approve", "-m", "from elsewhere", "-C", str(repo)],
            check=True,
            capture_output=True,
        )
        assert await wait_for(app, pilot, lambda: cell(app, repo, "bad", "review") == "✓")
        details = plain(main_screen(app).detail.query_one("#detail-body", Static).content)
        assert "from elsewhere" in details
        assert table(app).rows_loaded == rows_before  # only the verdicts were read again


async def test_t_shows_the_gate_column_as_the_core_computes_it(repo: Path) -> None:
    async with running(repo) as (app, pilot):
        assert "gate" not in table(app).shown_column_ids
        await pilot.press("T")
        await settle(app, pilot)
        assert "gate" in table(app).shown_column_ids
        assert cell(app, repo, "good", "gate") == "pass"
        assert cell(app, repo, "bad", "gate") == "fail"
        assert cell(app, repo, "text", "gate") == "fail"
    with open_repo(repo) as opened:
        revisions = list_revisions(opened)
        rows = list(read_values(opened, revisions, use_cache=False))
        expected = gate_rows(opened, rows, load_settings(repo), revisions)
    assert expected[git(repo, "rev-parse", "bad")].passed is False  # type: ignore[union-attr]


async def test_compare_marks_each_metric_with_its_rule(repo: Path) -> None:
    async with running(repo) as (app, pilot):
        await select(app, pilot, repo, "bad")
        main = main_screen(app)
        base = next(
            v.revision
            for v in table(app).rows_loaded
            if v.revision.rev == git(repo, "rev-parse", "base")
        )
        bad = table(app).current
        assert bad is not None
        app.push_screen(
            CompareScreen(
                repo=main.repo,
                settings=main.settings,
                values=table(app).rows_loaded,
                revisions=[base, bad.revision],
                baseline=base,
            )
        )
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        delta = screen.query_one(DeltaTable)
        rows = {
            str(delta.get_row_at(i)[0]).split(" [")[0]: delta.get_row_at(i)
            for i in range(delta.row_count)
        }
        accuracy = rows["metrics.json:accuracy"]
        loss = rows["loss"]
        assert str(accuracy[0]).endswith("[worse_by 0.01]") and str(accuracy[3]).endswith("✓")
        assert str(loss[0]).endswith("[worse_by 0.05]") and str(loss[3]).endswith("✗")
        assert "gate rule" in plain(screen.query_one("#delta-status", Static).content)


async def test_promote_dialog_shows_the_checks_and_needs_an_override(repo: Path) -> None:
    async with running(repo) as (app, pilot):
        await select(app, pilot, repo, "bad")
        await pilot.press("p")
        await settle(app, pilot)
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, PromoteScreen)
        checks = plain(dialog.query_one("#promote-checks", Static).content)
        assert "not reviewed" in checks
        assert "gate failed (1 of 2) against base" in checks
        assert "Refused: the settings require approval" in checks
        assert dialog.query_one("#confirm", Button).disabled
        assert "not approved: no review yet" in plain(
            dialog.query_one("#promote-problem", Static).content
        )
        dialog.query_one("#override", Input).value = "demo for the board"
        await settle(app, pilot)
        assert not dialog.query_one("#confirm", Button).disabled
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
    message = git(repo, "for-each-ref", "--format=%(contents)", "refs/tags/classifier@v1.0.1")
    assert "Override: demo for the board" in message
    assert "Overridden: not approved: no review yet" in message
