"""Pilot tests of the app shell: help, command palette, column chooser, bad repos and errors."""

from __future__ import annotations

import pytest
from textual.widgets import SelectionList, Static

from cd4ml_tui.core.git.repo import open_repo
from cd4ml_tui.core.revisions import list_revisions
from cd4ml_tui.ui.screens.columns import ColumnChooser
from cd4ml_tui.ui.screens.help import HelpScreen
from cd4ml_tui.ui.screens.main import MainScreen
from cd4ml_tui.ui.widgets.detail_pane import DetailPane
from cd4ml_tui.ui.widgets.revision_table import RevisionTable
from tests.ui.helpers import labels, main_screen, plain, running, settle, table, toasts

pytestmark = pytest.mark.anyio


@pytest.mark.slow
async def test_help_lists_every_declared_key_of_the_screen(demo_repo):
    async with running(demo_repo) as (app, pilot):
        await pilot.press("question_mark")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        described = {entry.description for entry in help_screen.entries}
        for binding in [*MainScreen.BINDINGS, *RevisionTable.BINDINGS]:
            assert binding.description in described  # type: ignore[union-attr]
        assert {"Quit", "Help", "Up", "Down"} <= described
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


@pytest.mark.slow
async def test_command_palette_runs_a_screen_action(demo_repo):
    async with running(demo_repo) as (app, pilot):
        await pilot.press("ctrl+p")
        await pilot.press(*"Only changed")
        for _ in range(5):  # the palette searches its providers asynchronously
            await pilot.pause(0.05)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert table(app).only_changed


@pytest.mark.slow
async def test_column_chooser_hides_a_column(demo_repo):
    async with running(demo_repo) as (app, pilot):
        assert "sha" in table(app).shown_column_ids
        await pilot.press("v")
        assert isinstance(app.screen, ColumnChooser)
        options = app.screen.query_one(SelectionList)
        assert options.get_option_at_index(0).value == "sha"
        options.highlighted = 0
        await pilot.press("space", "escape")
        assert isinstance(app.screen, MainScreen)
        assert "sha" not in table(app).shown_column_ids
        assert "sha" in table(app).hidden


@pytest.mark.slow
async def test_three_marked_rows_cannot_be_diffed(demo_repo):
    async with running(demo_repo) as (app, pilot):
        await pilot.press("space", "space", "space", "d")
        assert isinstance(app.screen, MainScreen)
        notes = await toasts(app, pilot, "information")
        assert any("Mark two rows to diff them (3 marked" in note for note in notes), notes


async def test_repo_without_dvc_lists_revisions_and_says_so(plain_git_repo):
    with open_repo(plain_git_repo) as repo:
        expected = [r.label for r in list_revisions(repo)]
    async with running(plain_git_repo) as (app, pilot):
        assert labels(app) == expected
        warnings = await toasts(app, pilot, "warning")
        assert any("DVC is not set up" in w for w in warnings), warnings
        assert "DVC not set up" in str(app.query_one("#status").render())


async def test_a_load_error_is_notified_and_the_app_stays_up(plain_git_repo):
    async with running(plain_git_repo, revs=("no-such-revision",)) as (app, pilot):
        errors = await toasts(app, pilot, "error")
        assert any("unknown revision 'no-such-revision'" in e for e in errors), errors
        assert isinstance(app.screen, MainScreen)
        assert not main_screen(app).loader.reading
        await pilot.press("r")  # still responsive: reload fails the same way, no crash
        assert isinstance(app.screen, MainScreen)


@pytest.mark.slow
async def test_a_corrupt_metrics_file_shows_an_error_marker_and_details(corrupt_metrics_repo):
    async with running(corrupt_metrics_repo) as (app, pilot):
        grid = table(app)
        bad = next(v for v in grid.rows_loaded if v.revision.label == "bad-metrics")
        assert "metrics.json" in bad.errors
        accuracy = next(c for c in grid.value_columns if c.key == "accuracy")
        assert grid.cell_text(bad, f"metric:{accuracy.path}:accuracy") == "!"
        good = next(v for v in grid.rows_loaded if v.revision.label == "good")
        assert grid.cell_text(good, f"metric:{accuracy.path}:accuracy") == "0.8"
        grid.move_cursor([v.revision.label for v in grid.shown_values].index("bad-metrics"))
        await pilot.pause()
        text = plain(app.query_one(DetailPane).query_one("#detail-body", Static).content)
        assert "Errors" in text and "metrics.json" in text
        assert bad.errors["metrics.json"].split("\n")[0][:40] in text


@pytest.mark.slow
async def test_gto_versions_and_stages_show_as_badges(demo_copy):
    from cd4ml_tui.core.promote.registry import registry_state
    from cd4ml_tui.ui.widgets.refs_pane import RefsPane
    from tests.builders import git

    main_sha = git(demo_copy, "rev-parse", "main").strip()
    git(demo_copy, "tag", "-a", "classifier@v1.0.0", "-m", "Registering", main_sha)
    git(demo_copy, "tag", "-a", "classifier#prod#1", "-m", "Assigning", main_sha)
    with open_repo(demo_copy) as repo:
        expected = [badge.label for badge in registry_state(repo)[main_sha]]
    assert expected == ["classifier@v1.0.0", "classifier#prod"]
    async with running(demo_copy) as (app, pilot):
        refs = app.query_one(RefsPane)
        node = refs.leaf("refs/heads/main")
        assert node is not None
        # the full label (the tooltip's); the pane cuts it in the middle when it is narrow
        assert refs._full_label("refs/heads/main").plain.endswith(" ".join(expected))
        assert str(node.label).endswith(" ".join(expected)[-8:])
        grid = table(app)
        grid.move_cursor([v.revision.label for v in grid.shown_values].index("main"))
        await pilot.pause()
        text = plain(app.query_one(DetailPane).query_one("#detail-body", Static).content)
        assert "registry  classifier@v1.0.0, classifier#prod" in text


@pytest.mark.slow
async def test_settings_hide_columns_and_set_precision(demo_copy):
    (demo_copy / ".cd4ml-tui.toml").write_text(
        'precision = 2\nhidden = ["train.optimizer", "metrics.json:loss"]\n'
    )
    async with running(demo_copy) as (app, _pilot):
        grid = table(app)
        shown = grid.shown_column_ids
        assert not any(
            c.endswith(":train.optimizer") or c.endswith("metrics.json:loss") for c in shown
        )
        accuracy = next(c for c in grid.value_columns if c.key == "accuracy")
        main = next(v for v in grid.rows_loaded if v.revision.label == "main")
        value = main.get(accuracy)
        assert grid.cell_text(main, f"metric:{accuracy.path}:accuracy") == f"{value:.2g}"


@pytest.mark.slow
async def test_r_reloads_new_refs_and_keeps_marks(demo_copy):
    from cd4ml_tui.ui.widgets.refs_pane import RefsPane
    from tests.builders import git

    async with running(demo_copy) as (app, pilot):
        grid = table(app)
        grid.move_cursor(1)
        await pilot.press("space")
        marked = set(grid.marked)
        before = len(grid.rows_loaded)
        tree = git(demo_copy, "rev-parse", "main^{tree}").strip()
        commit = git(demo_copy, "commit-tree", tree, "-p", "main", "-m", "Review").strip()
        git(demo_copy, "branch", "reviewed", commit)  # a new revision; the work tree is untouched
        await pilot.press("r")
        await settle(app, pilot)
        assert len(grid.rows_loaded) == before + 1
        assert "reviewed" in labels(app)
        assert app.query_one(RefsPane).leaf("refs/heads/reviewed") is not None
        assert grid.marked == marked
        assert [row[0].plain for row in grid.grid_rows].count("●") == 1
