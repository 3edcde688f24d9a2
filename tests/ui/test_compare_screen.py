"""Pilot tests of the compare screen on the real demo repo: from the main screen (mark two rows,
`c`), direction colours from config and from names, `o`, `b`, and the plots tab with `[`/`]`.
Expected numbers come from the core, computed independently of the screen."""

from __future__ import annotations

from typing import Any

import pytest
from rich.text import Text
from textual.widgets import TabbedContent

from cd4ml_tui.core.compare.deltas import compare
from cd4ml_tui.core.compare.report import format_delta
from cd4ml_tui.core.config import Settings
from cd4ml_tui.core.model import ColumnKey, RevisionValues
from cd4ml_tui.render.delta_text import BETTER, WORSE
from cd4ml_tui.ui.screens.compare import CompareScreen
from cd4ml_tui.ui.widgets.delta_table import DeltaTable
from cd4ml_tui.ui.widgets.diff_view import DiffView
from cd4ml_tui.ui.widgets.plot_panel import PlotPanel
from tests.ui.compare_host import host_for
from tests.ui.helpers import SIZE, running, settle, table

pytestmark = [pytest.mark.slow, pytest.mark.anyio]

ACCURACY = ColumnKey("metric", "metrics.json", "accuracy")


def compare_screen(app: Any) -> CompareScreen:
    screen = app.screen
    assert isinstance(screen, CompareScreen)
    return screen


def row_cells(app: Any, key: str) -> list[Text]:
    return list(app.screen.query_one(DeltaTable).get_row(key))


def styles(text: Text) -> str:
    return " ".join(str(span.style) for span in text.spans) + " " + str(text.style)


def by_label(values: list[RevisionValues], label: str) -> RevisionValues:
    return next(v for v in values if v.revision.label == label)


async def test_mark_two_rows_and_c_shows_signed_deltas(demo_repo):
    async with running(demo_repo) as (app, pilot):
        grid = table(app)
        shown = [v.revision.label for v in grid.shown_values]
        for label in ("main", "epochs-20"):
            grid.move_cursor(shown.index(label))
            await pilot.press("space")
        await pilot.press("c")
        await settle(app, pilot)
        screen = compare_screen(app)
        base, other = by_label(grid.rows_loaded, "main"), by_label(grid.rows_loaded, "epochs-20")
        assert screen.baseline == base and screen.compared == [other]
        expected = compare(base, [other], Settings()).row(ACCURACY)
        assert expected is not None and expected.cells[0].diff is not None
        cells = row_cells(app, "metric:metrics.json:accuracy")
        delta = format_delta(expected.cells[0])
        assert delta.startswith(("▲ +", "▼ -")) and delta in cells[3].plain
        assert str(base.get(ACCURACY)) in cells[2].plain
        # accuracy: higher is better, guessed from the name; the colour follows the sign
        assert cells[1].plain == "↑ max*"
        colour = BETTER if expected.cells[0].diff > 0 else WORSE
        assert colour in styles(cells[3])
        await pilot.press("escape")
        assert not isinstance(app.screen, CompareScreen)


async def test_configured_direction_overrides_the_name(demo_repo):
    settings = Settings(metric_directions={"accuracy": "min"})
    host, repo = host_for(demo_repo, ["main", "epochs-20"], settings)
    try:
        async with host.run_test(size=SIZE) as pilot:
            await settle(host, pilot)
            screen = compare_screen(host)
            cell = screen.comparison.row(ACCURACY).cells[0]  # type: ignore[union-attr]
            assert cell.diff > 0 and cell.better is False  # more accuracy is worse, as configured
            cells = row_cells(host, "metric:metrics.json:accuracy")
            assert cells[1].plain == "↓ min"  # configured: no "*"
            assert WORSE in styles(cells[3]) and BETTER not in styles(cells[3])
            loss = row_cells(host, "metric:metrics.json:loss")  # still guessed from the name
            assert loss[1].plain == "↓ min*" and BETTER in styles(loss[3])
    finally:
        repo.close()


async def test_o_toggles_unchanged_params_and_b_changes_the_baseline(demo_repo):
    host, repo = host_for(demo_repo, ["main", "epochs-20", "lr-0.1"])
    try:
        async with host.run_test(size=SIZE) as pilot:
            await settle(host, pilot)
            screen = compare_screen(host)
            delta = host.screen.query_one(DeltaTable)
            params = [row for row in screen.comparison.params]  # type: ignore[union-attr]
            changed = {f"param:{r.column.path}:{r.column.key}" for r in params if r.changed}
            unchanged = {f"param:{r.column.path}:{r.column.key}" for r in params} - changed
            assert changed and unchanged
            keys = {str(k.value) for k in delta.rows}
            assert changed <= keys and not unchanged & keys
            await pilot.press("o")
            keys = {str(k.value) for k in delta.rows}
            assert changed | unchanged <= keys
            await pilot.press("o")
            assert not unchanged & {str(k.value) for k in delta.rows}
            # b on the lr-0.1 column: it becomes the baseline, main takes its place
            delta.focus()
            delta.move_cursor(row=1, column=4)
            await pilot.press("b")
            await pilot.pause()
            assert screen.baseline is not None and screen.baseline.revision.label == "lr-0.1"
            assert [v.revision.label for v in screen.compared] == ["epochs-20", "main"]
            header = [str(c.label) for c in delta.columns.values()]
            assert header[2] == "◆ lr-0.1 (base)"
    finally:
        repo.close()


async def test_tab_to_plots_and_brackets_cycle_the_metric(demo_repo):
    host, repo = host_for(demo_repo, ["main", "epochs-20", "lr-0.1"])
    try:
        async with host.run_test(size=SIZE) as pilot:
            await settle(host, pilot)
            await pilot.press("tab")
            await settle(host, pilot)
            assert host.screen.query_one(TabbedContent).active == "plots"
            panel = host.screen.query_one(PlotPanel)
            metrics = panel.metrics
            assert metrics[0] == ACCURACY and panel.current_metric == ACCURACY
            await pilot.press("right_square_bracket")
            assert panel.current_metric == metrics[1]
            assert str(panel.query_one("#bars-heading").render()).startswith(metrics[1].key)
            await pilot.press("left_square_bracket", "left_square_bracket")
            assert panel.current_metric == metrics[-1]
            # dvc.yaml plots arrive from the worker: one heading per plot
            headings = [str(w.render()) for w in panel.query(".plot-heading.dvc-plot")]
            assert headings == [
                "Training curves",
                "plots/confusion.json",
                "plots/train.csv",
                "plots/importance.png",
            ]
            # The diff tab embeds the diff of the baseline and the first compared revision.
            await pilot.press("tab")
            await settle(host, pilot)
            assert host.screen.query_one(TabbedContent).active == "diff"
            view = host.screen.query_one(DiffView)
            screen = compare_screen(host)
            assert screen.baseline is not None
            assert (view.base, view.head) == (
                screen.baseline.revision,
                screen.compared[0].revision,
            )
            await pilot.press("tab", "tab")  # the file list, then the diff, then round
            assert host.screen.query_one(TabbedContent).active == "deltas"
    finally:
        repo.close()


async def test_one_experiment_is_compared_with_its_baseline_commit(demo_repo):
    host, repo = host_for(demo_repo, ["lr-0.1"])
    try:
        async with host.run_test(size=SIZE) as pilot:
            await settle(host, pilot)
            screen = compare_screen(host)
            experiment = screen.compared[0].revision
            assert screen.baseline is not None
            assert screen.baseline.revision.rev == experiment.baseline
            assert screen.baseline.revision.label == "main"
    finally:
        repo.close()


async def test_movement_keys_tab_through_every_pane_and_diff_picks_the_revision(demo_repo):
    from textual.widgets import SelectionList

    from cd4ml_tui.ui.screens.columns import ColumnChooser
    from cd4ml_tui.ui.widgets.diff_pane import DiffPane
    from cd4ml_tui.ui.widgets.file_list import FileList

    names = ["main", "epochs-20", "lr-0.1", "feature/wider"]
    host, repo = host_for(demo_repo, names)
    try:
        async with host.run_test(size=SIZE) as pilot:
            await settle(host, pilot)
            deltas = host.screen.query_one(DeltaTable)
            assert deltas.has_focus
            row, col = deltas.cursor_coordinate
            await pilot.press("j", "l")
            assert deltas.cursor_coordinate == (row + 1, col + 1)
            await pilot.press("k", "h")
            assert deltas.cursor_coordinate == (row, col)
            await pilot.press("tab")  # plots
            await settle(host, pilot)
            panel = host.screen.query_one(PlotPanel)
            assert panel.has_focus
            await pilot.press("j")
            assert panel.scroll_y > 0
            await pilot.press("tab")  # the diff tab: its file list has the focus
            await settle(host, pilot)
            await pilot.pause()
            assert host.screen.query_one(FileList).has_focus
            screen = compare_screen(host)
            view = host.screen.query_one(DiffView)
            assert view.head == screen.compared[0].revision
            await pilot.press("greater_than_sign")
            await settle(host, pilot)
            view = host.screen.query(DiffView).last()
            assert view.head == screen.compared[1].revision
            assert "2 of 3" in str(host.screen.query_one("#diff-placeholder").render())
            await pilot.press("less_than_sign", "less_than_sign")
            await settle(host, pilot)
            assert host.screen.query(DiffView).last().head == screen.compared[2].revision
            await pilot.press("tab")  # the diff itself
            assert host.screen.query(DiffPane).last().has_focus
            await pilot.press("tab")  # round to the deltas
            assert host.screen.query_one(TabbedContent).active == "deltas"
            # the column chooser moves with j/k like every list
            host.push_screen(ColumnChooser([("a", "a", "metric"), ("b", "b", "param")], set()))
            await pilot.pause()
            options = host.screen.query_one(SelectionList)
            first = options.highlighted or 0
            await pilot.press("j")
            assert options.highlighted == first + 1
            await pilot.press("k")
            assert options.highlighted == first
    finally:
        repo.close()


@pytest.mark.parametrize("configured", [None, "main"])
async def test_c_on_one_row_uses_the_one_baseline_rule(demo_copy, configured):
    """`c` on one row compares it with the configured baseline, else with its own baseline."""
    if configured:
        (demo_copy / ".cd4ml-tui.toml").write_text(f'baseline = "{configured}"\n')
    async with running(demo_copy) as (app, pilot):
        grid = table(app)
        shown = [v.revision.label for v in grid.shown_values]
        grid.move_cursor(shown.index("wide-256"))
        await pilot.press("c")
        await settle(app, pilot)
        screen = compare_screen(app)
        wide = by_label(grid.rows_loaded, "wide-256")
        assert screen.compared == [wide]
        assert screen.baseline is not None
        expected = by_label(grid.rows_loaded, configured or "feature/wider").revision
        assert screen.baseline.revision.rev == expected.rev
