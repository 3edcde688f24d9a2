"""The table's row logic without a terminal: tree, folding, filtering, sorting, changed columns,
and how compare/diff pick their revisions."""

from __future__ import annotations

import math

from cd4ml_tui.core.api import own_baseline
from cd4ml_tui.core.model import ColumnKey, Revision, RevisionValues
from cd4ml_tui.ui.table_view import (
    RowIndex,
    ViewState,
    column_values,
    diff_pair,
    differing_columns,
    groups,
    sort_indices,
    visible_rows,
)

ACC = ColumnKey("metric", "metrics.json", "acc")
LR = ColumnKey("param", "params.yaml", "lr")
A, B = "a" * 40, "b" * 40


def _row(rev, kind="commit", name=None, baseline=None, acc=None, lr=0.1, ts=None):
    revision = Revision(rev=rev, kind=kind, name=name, baseline=baseline, timestamp=ts)
    metrics = {"metrics.json": {"acc": acc}} if acc is not None else {}
    return RevisionValues(revision, params={"params.yaml": {"lr": lr}}, metrics=metrics)


ROWS = [
    _row("workspace", "workspace", "workspace", acc=0.5),
    _row(A, name="main", acc=0.7),
    _row("1" * 40, "experiment", "e1", A, acc=0.9, lr=0.2),
    _row("2" * 40, "experiment", "e2", A, acc=None),
    _row(B, name="dev", acc=math.nan),
    _row("3" * 40, "experiment", "e3", B, acc=0.6),
    _row("4" * 40, "experiment", "orphan", "c" * 40, acc=0.8),
]


def names(shown):
    return [ROWS[r.row].revision.label for r in shown]


def test_groups_put_experiments_under_their_baseline_and_orphans_alone():
    assert groups(ROWS) == [(0, []), (1, [2, 3]), (4, [5]), (6, [])]


def test_tree_view_draws_branches_and_folds():
    shown = visible_rows(ROWS, ViewState())
    assert names(shown) == ["workspace", "main", "e1", "e2", "dev", "e3", "orphan"]
    assert [r.prefix for r in shown] == ["", "", "├── ", "└── ", "", "└── ", ""]
    folded = visible_rows(ROWS, ViewState(folded={A}))
    assert names(folded) == ["workspace", "main", "dev", "e3", "orphan"]
    assert folded[1].hidden_children == 2


def test_filter_keeps_matching_rows_and_dims_the_baseline_of_a_match():
    state = ViewState(predicate=lambda v: v.revision.label in ("e1", "dev"))
    shown = visible_rows(ROWS, state)
    assert names(shown) == ["main", "e1", "dev"]
    assert [r.context for r in shown] == [True, False, False]
    assert shown[1].prefix == "└── "  # the last *shown* experiment of its group


def test_narrowing_shows_one_group():
    assert names(visible_rows(ROWS, ViewState(narrow_to=B))) == ["dev", "e3"]


def test_sorting_is_flat_with_missing_and_nan_last_both_ways():
    up = visible_rows(ROWS, ViewState(sort_column="acc"), ACC)
    assert names(up) == ["workspace", "e3", "main", "orphan", "e1", "e2", "dev"]
    assert all(r.prefix == "" for r in up)
    down = visible_rows(ROWS, ViewState(sort_column="acc", sort_reverse=True, folded={A}), ACC)
    assert names(down) == ["e1", "orphan", "main", "e3", "workspace", "e2", "dev"]


def test_sort_cycles_ascending_descending_then_back_to_the_tree():
    state = ViewState()
    seen = []
    for column in ("acc", "acc", "acc", "acc", "lr"):
        state.cycle_sort(column)
        seen.append((state.sort_column, state.sort_reverse))
    assert seen == [("acc", False), ("acc", True), (None, False), ("acc", False), ("lr", False)]


def test_sort_ranks_numbers_then_booleans_then_text():
    rows = [_row(str(i) * 40, acc=v) for i, v in enumerate([True, "b", 2, "A", 1.5])]
    order = sort_indices(rows, range(len(rows)), ACC, False)
    assert [rows[i].get(ACC) for i in order] == [1.5, 2, True, "A", "b"]


def test_a_column_of_numbers_that_later_rows_mix_with_text_still_ranks_in_one_order():
    rows = [_row(str(i) * 40, acc=v) for i, v in enumerate([2, 0.5, math.nan, "x", False, 1])]
    index = RowIndex(rows[:3])  # rows only grow: the first batch holds numbers only
    assert [rows[i].get(ACC) for i in index.order(ACC, False)] == [0.5, 2, math.nan]
    index.rows = rows
    order = index.order(ACC, False)
    assert order == sort_indices(rows, range(len(rows)), ACC, False) == [1, 5, 0, 4, 3, 2]


def test_a_column_of_text_ranks_by_lower_case_and_still_mixes_with_numbers_later():
    rows = [_row(str(i) * 40, acc=v) for i, v in enumerate(["b", None, "A", 3, True, "c"])]
    index = RowIndex(rows[:3])  # text only (and a missing value) so far
    assert [rows[i].get(ACC) for i in index.order(ACC, False)] == ["A", "b", None]
    index.rows = rows
    order = index.order(ACC, True)
    assert order == sort_indices(rows, range(len(rows)), ACC, True) == [5, 0, 2, 4, 3, 1]


def test_column_values_read_revision_fields_and_missing_values():
    assert column_values(ROWS[:2], "name") == ["workspace", "main"]
    assert column_values(ROWS[:3], ACC) == [0.5, 0.7, 0.9]
    assert column_values(ROWS[3:4], ACC) == [None]
    assert column_values(ROWS[:1], "no such column") == [None]


def test_differing_columns_ignore_present_versus_missing():
    shown = visible_rows(ROWS, ViewState(narrow_to=A))
    assert differing_columns(ROWS, shown, [ACC, LR]) == [ACC, LR]
    same = visible_rows(ROWS, ViewState(narrow_to=B))
    assert differing_columns(ROWS, same, [LR]) == []
    # an old tag without the param: the rows that have it agree, so it is not a change
    old_tag = RevisionValues(Revision(rev="5" * 40, kind="commit", name="old"))
    rows = [*ROWS[:2], old_tag]
    assert differing_columns(rows, visible_rows(rows, ViewState()), [LR]) == []


def test_baseline_of_experiment_commit_and_workspace():
    experiment = Revision(rev="1" * 40, kind="experiment", baseline=A, parents=(A,))
    commit = Revision(rev=B, kind="commit", parents=(A, "c" * 40))
    workspace = Revision(rev="workspace", kind="workspace", parents=(B,))
    root = Revision(rev="d" * 40, kind="commit")
    assert [own_baseline(r) for r in (experiment, commit, workspace, root)] == [A, A, B, None]


def test_diff_pair_puts_the_older_first_and_the_workspace_last():
    old = Revision(rev=A, kind="commit", timestamp="2024-01-01T00:00:00+00:00")
    new = Revision(rev=B, kind="commit", timestamp="2024-06-01T00:00:00+00:00")
    workspace = Revision(rev="workspace", kind="workspace")
    assert diff_pair([new, old]) == (old, new)
    assert diff_pair([workspace, old]) == (old, workspace)
