"""Pilot tests of the main screen on the real demo repo: load, sort, filter, mark, details, fold,
refs narrowing, only-changed columns. Expected values come from the core, read independently."""

from __future__ import annotations

import math

import pytest
from textual.widgets import Static

from cd4ml_tui.core.git.repo import open_repo
from cd4ml_tui.core.model import RevisionValues
from cd4ml_tui.core.revisions import list_revisions
from cd4ml_tui.core.table.columns import format_value
from cd4ml_tui.core.values.read import read_values
from cd4ml_tui.ui.widgets.detail_pane import DetailPane
from cd4ml_tui.ui.widgets.filter_bar import FilterBar
from cd4ml_tui.ui.widgets.refs_pane import RefsPane
from cd4ml_tui.ui.widgets.revision_loader import RevisionLoader
from tests.ui.helpers import (
    column,
    labels,
    main_screen,
    move_to_column,
    plain,
    running,
    settle,
    table,
    toasts,
)

pytestmark = [pytest.mark.slow, pytest.mark.anyio]


def _read_all(path) -> list[RevisionValues]:
    with open_repo(path) as repo:
        return list(read_values(repo, list_revisions(repo), use_cache=False))


async def test_loads_every_revision_as_a_tree(demo_repo):
    expected = _read_all(demo_repo)
    async with running(demo_repo) as (app, _pilot):
        grid = table(app)
        assert grid.rows_loaded == expected
        assert not main_screen(app).loader.reading
        shown = grid.view_rows
        assert len(shown) == len(expected)
        # Each experiment sits under its baseline; the last one of a group is drawn with └──.
        current_head = None
        for position, view_row in enumerate(shown):
            revision = expected[view_row.row].revision
            if revision.kind != "experiment":
                current_head = revision.rev
                assert view_row.prefix == ""
                continue
            assert revision.baseline == current_head
            following = shown[position + 1] if position + 1 < len(shown) else None
            last = following is None or expected[following.row].revision.kind != "experiment"
            assert view_row.prefix == ("└── " if last else "├── ")
        accuracy = column(expected, "accuracy")
        for values in expected:
            value = values.get(accuracy)
            text = grid.cell_text(values, f"metric:{accuracy.path}:accuracy")
            assert text == ("-" if value is None else format_value(value, 4))


async def test_rows_are_posted_as_they_are_read_first_row_alone(demo_repo):
    batches: list[RevisionLoader.RowsLoaded] = []

    def hook(message):  # called at every pump a message reaches (it bubbles): keep each once
        if isinstance(message, RevisionLoader.RowsLoaded) and all(
            m is not message for m in batches
        ):
            batches.append(message)

    async with running(demo_repo, message_hook=hook) as (app, _pilot):
        total = len(table(app).rows_loaded)
        assert total > 1
        assert (batches[0].done, len(batches[0].rows), batches[0].total) == (1, 1, total)
        assert [m.done for m in batches] == sorted(m.done for m in batches)
        assert batches[-1].done == total
        assert [v for m in batches for v in m.rows] == table(app).rows_loaded


async def test_sort_cycles_ascending_descending_off_with_missing_last(demo_repo):
    async with running(demo_repo) as (app, pilot):
        grid = table(app)
        tree_order = labels(app)
        accuracy = column(grid.rows_loaded, "accuracy")
        cid = f"metric:{accuracy.path}:{accuracy.key}"
        present = sorted(v.get(accuracy) for v in grid.rows_loaded if v.get(accuracy) is not None)
        missing = [v for v in grid.rows_loaded if v.get(accuracy) is None]
        assert missing, "the demo's queued experiment has no metrics"

        await move_to_column(app, pilot, cid)
        await pilot.press("s")
        assert [v.get(accuracy) for v in grid.shown_values] == present + [None] * len(missing)
        assert all(row.prefix == "" for row in grid.view_rows)  # a flat list while sorted
        await pilot.press("s")
        assert [v.get(accuracy) for v in grid.shown_values] == present[::-1] + [None] * len(missing)
        await pilot.press("s")
        assert grid.state.sort_column is None
        assert labels(app) == tree_order


async def test_clicking_a_header_sorts_by_that_column(demo_repo):
    async with running(demo_repo) as (app, pilot):
        grid = table(app)
        loss = column(grid.rows_loaded, "loss")
        cid = f"metric:{loss.path}:loss"
        columns = grid.grid_columns
        index = [c.key for c in columns].index(cid)
        x = sum(c.width + 2 for c in columns[:index]) + 1
        await pilot.click(grid, offset=(x, 0))
        assert grid.state.sort_column == cid
        values = [v.get(loss) for v in grid.shown_values if v.get(loss) is not None]
        assert values == sorted(values)


async def test_plain_text_filter_matches_names_and_escape_clears_it(demo_repo):
    async with running(demo_repo) as (app, pilot):
        everything = labels(app)
        await pilot.press("slash")
        assert isinstance(app.focused, FilterBar)
        await pilot.press(*"wide", "enter")
        assert labels(app)[0] == "feature/wider"
        assert sorted(labels(app)[1:]) == ["wide-256", "wide-epochs-5"]
        assert table(app).has_focus
        await pilot.press("slash", "escape")
        assert labels(app) == everything
        assert app.query_one(FilterBar).applied == ""


async def test_expression_filter_keeps_matching_rows_and_their_baselines(demo_repo):
    async with running(demo_repo) as (app, pilot):
        grid = table(app)
        rows = grid.rows_loaded
        accuracy, lr = column(rows, "accuracy"), column(rows, "train.lr")

        def wanted(values: RevisionValues) -> bool:
            acc, rate = values.get(accuracy), values.get(lr)
            return acc is not None and rate is not None and acc > 0.88 and rate < 0.05

        await pilot.press("slash", *"accuracy>0.88 and train.lr<0.05", "enter")
        matching = [rows[r.row] for r in grid.view_rows if not r.context]
        context = [rows[r.row] for r in grid.view_rows if r.context]
        assert matching == [v for v in rows if wanted(v)]
        assert matching and len(matching) < len(rows)
        shown_revs = {v.revision.rev for v in grid.shown_values}
        for values in context:  # a dimmed baseline of some shown experiment
            assert not wanted(values)
            assert any(
                m.revision.baseline == values.revision.rev and m.revision.rev in shown_revs
                for m in matching
            )


async def test_bad_expression_is_reported_and_the_app_keeps_running(demo_repo):
    async with running(demo_repo) as (app, pilot):
        everything = labels(app)
        await pilot.press("slash", *"accuracy >", "enter")
        errors = await toasts(app, pilot, "error")
        assert any("expected a value after '>'" in text for text in errors), errors
        assert app.query_one(FilterBar).has_class("-invalid")
        # no stale filter: not the last valid prefix ("accuracy") as a text filter
        assert app.query_one(FilterBar).applied == ""
        assert labels(app) == everything
        await pilot.press("escape")
        assert not app.query_one(FilterBar).has_class("-invalid")
        assert labels(app) == everything


async def test_space_marks_rows_and_shift_u_clears_them(demo_repo):
    async with running(demo_repo) as (app, pilot):
        grid = table(app)
        grid.move_cursor(2)
        await pilot.press("space", "space")
        marked = grid.shown_values[2:4]
        assert [v.revision.rev for v in grid.marked_values()] == [v.revision.rev for v in marked]
        assert [row[0].plain for row in grid.grid_rows[1:5]] == [" ", "●", "●", " "]
        assert "2 marked" in str(app.query_one("#status").render())
        await pilot.press("U")
        assert grid.marked == set()
        assert all(row[0].plain == " " for row in grid.grid_rows)


async def test_detail_pane_shows_the_selected_revision_and_enter_expands_it(demo_repo):
    async with running(demo_repo) as (app, pilot):
        grid = table(app)
        position = next(
            i for i, v in enumerate(grid.shown_values) if v.revision.kind == "experiment"
        )
        grid.move_cursor(position)
        await pilot.pause()
        values = grid.shown_values[position]
        detail = app.query_one(DetailPane)
        text = plain(detail.query_one("#detail-body", Static).content)
        assert values.revision.rev in text
        assert values.revision.baseline is not None
        assert values.revision.baseline[:7] in text
        for files in (values.params, values.metrics):
            for path, flat in files.items():
                assert path in text
                for key, value in flat.items():
                    assert key in text
                    if isinstance(value, float) and not math.isnan(value):
                        assert repr(value) in text  # exact, not rounded
        await pilot.press("enter")
        assert detail.has_class("-expanded") and detail.has_focus
        await pilot.press("escape")
        assert not detail.has_class("-expanded") and grid.has_focus


async def test_z_folds_and_unfolds_a_group(demo_repo):
    async with running(demo_repo) as (app, pilot):
        grid = table(app)
        everything = labels(app)
        main_row = labels(app).index("main")
        experiments = [
            v
            for v in grid.rows_loaded
            if v.revision.baseline == grid.shown_values[main_row].revision.rev
        ]
        grid.move_cursor(main_row + 1)  # on an experiment: folds its group
        await pilot.press("z")
        assert len(labels(app)) == len(everything) - len(experiments)
        assert grid.current is not None and grid.current.revision.label == "main"
        folded = grid.grid_rows[grid.cursor_row][1].plain
        assert folded.endswith(f"▸ +{len(experiments)}")
        await pilot.press("z")
        assert labels(app) == everything


async def test_choosing_a_branch_narrows_to_its_group_and_escape_widens(demo_repo):
    async with running(demo_repo) as (app, pilot):
        everything = labels(app)
        refs = app.query_one(RefsPane)
        refs.focus()
        await pilot.pause()
        node = refs.leaf("refs/heads/feature/wider")
        assert node is not None
        refs.move_cursor(node)
        await pilot.press("enter")
        grid = table(app)
        head = next(v for v in grid.rows_loaded if v.revision.label == "feature/wider")
        group = [head] + [v for v in grid.rows_loaded if v.revision.baseline == head.revision.rev]
        assert grid.shown_values == group
        assert grid.has_focus and grid.current == head
        await pilot.press("escape")
        assert labels(app) == everything


async def test_a_reload_of_the_same_refs_leaves_the_refs_pane_as_it_was(demo_repo):
    """A section folded by hand stays folded: the pane is built again only when a ref or an
    experiment count changes (and each load lists the refs again)."""
    async with running(demo_repo) as (app, pilot):
        refs = app.query_one(RefsPane)
        node = refs.leaf("refs/heads/feature/wider")
        assert node is not None and node.parent is not None
        node.parent.collapse()
        await pilot.press("r")
        await settle(app, pilot)
        assert refs.leaf("refs/heads/feature/wider") is node
        assert not node.parent.is_expanded


async def test_the_details_follow_the_cursor_one_frame_after_the_rows(demo_repo):
    """A key's frame is the table's alone; the details of the new revision come after it."""
    async with running(demo_repo) as (app, pilot):
        grid, detail = table(app), app.query_one(DetailPane)
        before = grid.current
        assert before is not None and detail.rev == before.revision.rev
        grid.move_cursor(row=grid.cursor_row + 1)
        after = grid.current
        assert after is not None and after is not before
        assert detail.rev == before.revision.rev  # not yet: the rows are drawn first
        await pilot.pause()
        assert detail.rev == after.revision.rev


async def test_o_shows_only_columns_whose_values_differ(demo_repo):
    async with running(demo_repo) as (app, pilot):
        grid = table(app)
        rows = grid.rows_loaded
        before = grid.shown_column_ids
        await pilot.press("o")
        value_ids = [c for c in grid.shown_column_ids if ":" in c]
        expected = []
        for key in grid.value_columns:
            seen = {repr(v.get(key)) for v in rows}
            if len(seen) > 1:
                expected.append(f"{key.kind}:{key.path}:{key.key}")
        assert value_ids == expected
        assert len(value_ids) < len([c for c in before if ":" in c])
        await pilot.press("o")
        assert grid.shown_column_ids == before


async def test_filter_lands_on_the_first_match_and_counts_only_matches(demo_repo):
    async with running(demo_repo) as (app, pilot):
        grid = table(app)
        rows = grid.rows_loaded
        grid.move_cursor(1)  # `main`, a baseline: after the filter it is only context
        await pilot.press("slash", *"accuracy>0.9", "enter")
        await pilot.pause()
        matching = [r for r in grid.view_rows if not r.context]
        assert any(r.context for r in grid.view_rows) and matching
        assert not grid.view_rows[grid.cursor_row].context
        assert grid.current is rows[matching[0].row]
        status = main_screen(app).status
        assert status.shown == len(matching) < len(grid.view_rows)
