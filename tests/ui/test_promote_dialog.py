"""The promote dialog in the real app on a real demo repo: `p` opens it on the selected row; the
preview shows the exact tags; Escape writes nothing; confirming writes what gto then reads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Input, Select, Static

from cd4ml_tui.core.git.repo import open_repo
from cd4ml_tui.core.model import Revision
from cd4ml_tui.core.promote.registry import registry_state
from cd4ml_tui.ui.app import Cd4mlApp
from cd4ml_tui.ui.screens.main import MainScreen
from cd4ml_tui.ui.screens.promote import PromoteScreen, UndoScreen
from tests.promote_support import fingerprint, git, gto_show, tag_names
from tests.ui.helpers import plain, running, settle, table

pytestmark = pytest.mark.anyio


async def _open_on_experiment(app: Cd4mlApp, pilot: Pilot[Any]) -> tuple[PromoteScreen, Revision]:
    rows = table(app).shown_values
    names = [v.revision.name for v in rows]
    index, row = next(
        (i, v)
        for i, v in enumerate(rows)
        if v.revision.kind == "experiment"
        and v.revision.status == "success"
        and names.count(v.revision.name) == 1
    )
    table(app).move_cursor(index)
    await pilot.pause()
    await pilot.press("p")
    await settle(app, pilot)
    await settle(app, pilot)
    screen = app.screen
    assert isinstance(screen, PromoteScreen)
    return screen, row.revision


async def _planned(app: Cd4mlApp, pilot: Pilot[Any]) -> None:
    """Until the dialog's preview shows the plan of the form as it is now: a key re-plans in a
    worker that a still-queued message starts after the previous wait returned."""
    for _ in range(100):
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, PromoteScreen)
        stale = screen.query_one("#promote-preview", Static).has_class("-stale")
        if screen.plan is not None and not stale:
            return
    raise AssertionError("the promote preview never settled")


def _text(screen: PromoteScreen, selector: str) -> str:
    return plain(screen.query_one(selector, Static).render())


async def test_p_opens_the_dialog_with_artifact_and_suggested_version_and_escape_writes_nothing(
    demo_copy: Path,
) -> None:
    before_tags, before_files = tag_names(demo_copy), fingerprint(demo_copy)
    async with running(demo_copy) as (app, pilot):
        screen, revision = await _open_on_experiment(app, pilot)
        assert screen.query_one("#artifact", Select).value == "classifier"
        assert screen.query_one("#version", Input).value == "v0.0.1"
        preview = _text(screen, "#promote-preview")
        assert f"tag classifier@v0.0.1 → {revision.short}" in preview
        command = f"git tag -a --cleanup=whitespace -m <message> classifier@v0.0.1 {revision.rev}"
        assert command in preview
        assert not screen.query_one("#confirm", Button).disabled
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
    assert tag_names(demo_copy) == before_tags
    assert fingerprint(demo_copy) == before_files


async def test_confirm_writes_tags_gto_reads_and_badges_show(demo_copy: Path) -> None:
    async with running(demo_copy) as (app, pilot):
        screen, revision = await _open_on_experiment(app, pilot)
        await pilot.click("#stage")
        await pilot.press(*"prod")
        await pilot.click("#bump-minor")
        await _planned(app, pilot)
        preview = _text(screen, "#promote-preview")
        assert "tag classifier@v0.1.0" in preview and "tag classifier#prod#1" in preview
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        # the reload after the promotion re-reads the registry: the row names its version
        await settle(app, pilot)
        revs = [v.revision.rev for v in table(app).shown_values]
        position = revs.index(revision.rev)
        name_cell = table(app).grid_rows[position][1].plain
        assert name_cell.endswith(f"{revision.label}  classifier@v0.1.0 #prod")
    show = gto_show(demo_copy)["classifier"]
    assert (show["version"], show["stage"]["prod"]) == ("v0.1.0", "v0.1.0")
    [version] = gto_show(demo_copy, "classifier")
    assert version["commit_hexsha"] == revision.rev
    with open_repo(demo_copy) as repo:
        labels = {b.label for b in registry_state(repo)[revision.rev]}
    assert labels == {"classifier@v0.1.0", "classifier#prod"}


async def test_invalid_input_is_flagged_live_and_cannot_be_confirmed(demo_copy: Path) -> None:
    async with running(demo_copy) as (app, pilot):
        screen, _ = await _open_on_experiment(app, pilot)
        version = screen.query_one("#version", Input)
        version.value = "1.0"
        await settle(app, pilot)
        assert "invalid version '1.0'" in _text(screen, "#promote-problem")
        assert version.has_class("-invalid")
        assert screen.query_one("#confirm", Button).disabled
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen
        version.value = "v1.0.0"
        screen.query_one("#stage", Input).value = "a//b"
        await settle(app, pilot)
        assert "check-ref-format" in _text(screen, "#promote-problem")
        assert screen.query_one("#stage", Input).has_class("-invalid")
    assert tag_names(demo_copy) == ["v0.1"]


async def test_lower_version_is_allowed_with_a_warning(demo_copy: Path) -> None:
    from gto import api

    api.register(str(demo_copy), "classifier", "main", version="v2.0.0")
    async with running(demo_copy) as (app, pilot):
        screen, revision = await _open_on_experiment(app, pilot)
        assert screen.query_one("#version", Input).value == "v2.0.1"
        assert "latest v2.0.0" in _text(screen, "#latest")
        screen.query_one("#version", Input).value = "v1.5.0"
        await _planned(app, pilot)
        assert "v1.5.0 is lower than the latest of classifier v2.0.0" in _text(
            screen, "#promote-preview"
        )
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
    assert git(demo_copy, "rev-parse", "classifier@v1.5.0^{commit}") == revision.rev


async def test_push_failure_keeps_the_dialog_open_and_retry_pushes(
    demo_copy: Path, tmp_path: Path
) -> None:
    remote = tmp_path / "later.git"
    git(demo_copy, "remote", "add", "origin", str(remote))
    async with running(demo_copy) as (app, pilot):
        screen, _ = await _open_on_experiment(app, pilot)
        await pilot.click("#push-on")
        await _planned(app, pilot)
        assert "push to origin" in _text(screen, "#promote-preview")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen
        assert "pushing to origin failed" in _text(screen, "#promote-problem")
        assert tag_names(demo_copy) == ["classifier@v0.0.1", "v0.1"]
        git(tmp_path, "init", "-q", "--bare", str(remote))
        await pilot.click("#retry")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
    assert "refs/tags/classifier@v0.0.1" in git(remote, "for-each-ref")


async def test_dialog_dismisses_with_the_result_and_undo_screen_deletes_it(
    demo_copy: Path,
) -> None:
    async with running(demo_copy) as (app, pilot):
        rows = table(app).shown_values
        values = next(v for v in rows if v.revision.name == "main")
        results: list[Any] = []
        app.push_screen(
            PromoteScreen(app.repo, app.settings, values.revision, values), results.append
        )
        await settle(app, pilot)
        await _planned(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        [result] = results
        assert result and result.tag_names == ("classifier@v0.0.1",)
        assert tag_names(demo_copy) == ["classifier@v0.0.1", "v0.1"]
        reports: list[Any] = []
        app.push_screen(UndoScreen(app.repo, result), reports.append)
        await pilot.pause()
        assert "delete classifier@v0.0.1 locally" in plain(
            app.screen.query_one("#undo-text", Static).render()
        )
        await pilot.click("#undo-local")
        await settle(app, pilot)
        [report] = reports
        assert report.deleted == ("classifier@v0.0.1",)
    assert tag_names(demo_copy) == ["v0.1"]


async def test_p_on_a_queued_experiment_refuses_and_the_dialog_does_not_stay(
    demo_repo: Path,
) -> None:
    before = tag_names(demo_repo)
    async with running(demo_repo) as (app, pilot):
        rows = table(app).shown_values
        index = next(i for i, v in enumerate(rows) if v.revision.status == "queued")
        table(app).move_cursor(index)
        await pilot.pause()
        await pilot.press("p")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        messages = [n.message for n in app._notifications]
        assert any("its run is queued" in m for m in messages), messages
    assert tag_names(demo_repo) == before


async def test_an_error_clears_the_preview_and_loading_is_not_an_artifact(
    demo_copy: Path,
) -> None:
    async with running(demo_copy) as (app, pilot):
        screen, _ = await _open_on_experiment(app, pilot)
        select = screen.query_one("#artifact", Select)
        assert not select.disabled and select.value == "classifier"
        assert [value for _, value in select._options] == ["classifier"]  # no blank, no loading…
        assert "classifier@v0.0.1" in _text(screen, "#promote-preview")
        screen.query_one("#version", Input).value = "1.0"
        await settle(app, pilot)
        assert "invalid version '1.0'" in _text(screen, "#promote-problem")
        assert _text(screen, "#promote-preview").strip() == ""  # not the last valid plan's tags
        assert screen.plan is None


async def test_the_promoted_notice_names_the_branch_it_created(demo_copy: Path) -> None:
    async with running(demo_copy) as (app, pilot):
        _, revision = await _open_on_experiment(app, pilot)
        await pilot.click("#branch-on")
        await _planned(app, pilot)
        await pilot.press("ctrl+s")
        branch = f"{revision.label}-branch"
        for _ in range(100):  # the write runs in a worker that a queued message may start late
            await settle(app, pilot)
            messages = [n.message for n in app._notifications]
            if messages:
                break
        assert any(f"and branch {branch}" in m for m in messages), messages
    assert git(demo_copy, "rev-parse", f"refs/heads/{branch}") == revision.rev
