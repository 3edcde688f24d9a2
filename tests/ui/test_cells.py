"""Table cells: equal values share one cell, but values that print differently never do; rows
are built only when read."""

from __future__ import annotations

import base64
import itertools
import json
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.text import Text

from cd4ml_tui.core.model import ColumnKey, Revision, RevisionValues
from cd4ml_tui.core.table.columns import columns, format_value
from cd4ml_tui.ui.widgets.grid import LazyRows
from cd4ml_tui.ui.widgets.revision_cells import CellStore, ColumnOrder

LR = ColumnKey("param", "params.yaml", "lr")


def _rows(*values: object) -> list[RevisionValues]:
    return [
        RevisionValues(
            Revision(rev=f"{i:040x}", kind="commit"), params={"params.yaml": {"lr": value}}
        )
        for i, value in enumerate(values)
    ]


def _column(store: CellStore, cid: str, rows: list[RevisionValues]) -> list[Text]:
    """The cells of column `cid`, measured as the table measures them."""
    store.measure(cid, rows)
    return [store.cell(values, cid) for values in rows]


def test_cells_print_each_value_as_itself_even_when_equal_values_share():
    store = CellStore(precision=4)
    store.by_id = {"p": LR}
    values = [0.0, -0.0, 1, 1.0, True, "1", [1, 2], 0.123456, 0.123456, None, 0.0]
    cells = _column(store, "p", _rows(*values))
    # each cell shows what the CLI's table shows for its own value, in any order of arrival
    assert [c.plain for c in cells] == [format_value(v, 4) for v in values]
    assert (cells[0].plain, cells[1].plain) == ("0", "-0")  # equal floats, printed apart
    assert (cells[2].plain, cells[4].plain) == ("1", "True")  # 1 == True, printed apart
    assert cells[7] is cells[8]  # equal values share one cell
    assert cells[2] is not cells[5]  # 1 (a number, right-aligned) and "1" (text) do not
    assert (cells[2].justify, cells[5].justify) == ("right", "left")
    assert store.width("p") == len("[1, 2]")
    assert [store._width(v, "p") for v in _rows(*values)] == [len(c.plain) for c in cells]


def test_a_refresh_keeps_the_cells_of_reused_values_and_builds_the_rest():
    store = CellStore(precision=4)
    store.by_id = {"p": LR}
    old = _rows(0.5, 123.456789, 0.25)
    before = _column(store, "p", old)
    assert store.width("p") == len("123.5")
    kept = replace(old[0], revision=replace(old[0].revision, name="renamed"))  # same values
    reread = _rows(0.5, 0.125)  # equal or new values, read again: new objects
    new = [kept, reread[1], replace(old[2])]
    store.carry_over(old, new)
    after = _column(store, "p", new)
    assert [c.plain for c in after] == ["0.5", "0.125", "0.25"]
    assert after[0] is before[0]
    assert store.width("p") == len("0.125")  # the widest row is gone: widths are recomputed
    store.carry_over(new, [*new, *_rows(1234567.0)])
    assert store.width("p") == len("1.235e+06")


def test_values_that_replace_names_measure_as_a_fresh_table_measures_them():
    """`set_names` shows revisions before their values; the rows that replace them keep the
    revision columns' widths and measure the rest, to the same widths as a table that never
    showed the names."""
    names = [
        RevisionValues(Revision(rev="workspace", kind="workspace")),
        *(
            RevisionValues(replace(v.revision, timestamp="2024-05-01T10:00:00+00:00", status=s))
            for v, s in zip(_rows(0, 0), ("success", "failed"), strict=True)
        ),
    ]
    loaded = [
        replace(n, params={"params.yaml": {"lr": lr}})
        for n, lr in zip(names, (1, 0.5, 2e-9), strict=True)
    ]
    ids = ("sha", "created", "status", "p")
    shown_first, fresh = CellStore(precision=4), CellStore(precision=4)
    for store in (shown_first, fresh):
        store.by_id = {"p": LR}
    for cid in ids:
        shown_first.measure(cid, names)
    shown_first.carry_over(names, loaded)
    for cid in ids:
        assert shown_first.measure(cid, loaded) == fresh.measure(cid, loaded), cid
    assert [shown_first.width(c) for c in ids] == [7, 16, 7, len("2e-09")]


def test_lazy_rows_build_only_what_is_read_and_keep_updates():
    built: list[int] = []

    def build(index: int) -> list[Text]:
        built.append(index)
        return [Text(str(index))]

    rows = LazyRows(1000, build)
    assert len(rows) == 1000 and built == []
    assert rows[998][0].plain == "998" and rows[-1][0].plain == "999"
    assert [r[0].plain for r in rows[1:3]] == ["1", "2"]
    rows[1] = [Text("marked")]
    assert rows[1][0].plain == "marked" and rows[998] is rows[998]
    assert sorted(built) == [1, 2, 998, 999]


files = st.dictionaries(
    st.sampled_from(["params.yaml", "a/params.json", "metrics.json"]),
    st.dictionaries(st.sampled_from(["lr", "epochs", "val.f1", "acc"]), st.integers(), max_size=4),
    max_size=3,
)


@given(st.lists(st.tuples(files, files), max_size=8), st.lists(st.integers(0, 8), max_size=3))
def test_columns_kept_up_to_date_in_batches_are_the_columns_of_all_rows(shapes, cuts):
    rows = [
        RevisionValues(Revision(rev=f"{i:040x}", kind="commit"), params=params, metrics=metrics)
        for i, (params, metrics) in enumerate(shapes)
    ]
    order = ColumnOrder()
    bounds = [0, *sorted(cuts), len(rows)]
    for start, end in itertools.pairwise(bounds):
        order.add(rows[start:end])
    assert order.columns() == columns(rows)


def test_a_failed_runs_metrics_are_dimmed_as_stale_and_its_params_are_not():
    acc = ColumnKey("metric", "metrics.json", "acc")
    store = CellStore(precision=4)
    store.by_id = {"m": acc, "p": LR}
    ok = RevisionValues(
        Revision(rev="1" * 40, kind="experiment", status="success"),
        params={"params.yaml": {"lr": 0.1}},
        metrics={"metrics.json": {"acc": 0.9}},
    )
    failed = replace(ok, revision=replace(ok.revision, rev="2" * 40, status="failed"))
    good, stale = _column(store, "m", [ok, failed])
    assert good.plain == stale.plain == "0.9"
    styles = " ".join(str(span.style) for span in stale.spans) + str(stale.style)
    assert "dim" in styles and "dim" not in str(good.style)
    assert not any("dim" in str(span.style) for span in good.spans)
    _, params = _column(store, "p", [ok, failed])
    assert not params.spans and "dim" not in str(params.style)


plain = st.one_of(
    st.floats(), st.integers(), st.booleans(), st.text(max_size=6), st.none(), st.just(-0.0)
)
column_of = st.one_of(  # columns of one kind take the quick paths, mixed ones the general path
    st.lists(st.floats(), max_size=12),
    st.lists(st.integers(), max_size=12),
    st.lists(st.text(max_size=6), max_size=12),
    st.lists(st.one_of(st.floats(), st.integers(), st.none()), max_size=12),
    st.lists(st.one_of(plain, st.lists(plain, max_size=2)), max_size=12),
)


@given(column_of, st.sets(st.integers(0, 11)), st.integers(0, 17))
def test_a_column_measures_as_wide_as_each_cell_prints(values, failed, precision):
    store = CellStore(precision=precision)
    store.by_id = {"p": LR}
    rows = [
        replace(row, errors={"params.yaml": "unreadable"}) if i in failed else row
        for i, row in enumerate(_rows(*values))
    ]
    store.measure("p", rows[: len(rows) // 2])  # in two batches, as rows stream in
    store.measure("p", rows)
    cells = [store.cell(row, "p").plain for row in rows]
    assert store._widths["p"] == [cell_len(text) for text in cells]
    assert store.width("p") == max(map(cell_len, cells), default=0)


def _laid_out(precision: int = 4) -> tuple[CellStore, list[RevisionValues], dict[str, object]]:
    """The workspace and three commits, measured, and the layout kept of them."""
    workspace = RevisionValues(
        Revision(rev="workspace", kind="workspace"), params={"params.yaml": {"lr": 0.5}}
    )
    rows = [workspace, *_rows(0.25, 123.456789, 2e-9)]
    store = CellStore(precision)
    store.by_id = {"p": LR}
    store.measure("p", rows)
    return store, rows, store.layout(rows)


def test_a_kept_layout_gives_each_commit_its_kept_width_and_measures_the_workspace():
    measured, rows, layout = _laid_out()
    widths = layout["widths"]
    assert isinstance(widths, dict) and layout["fresh"] == [0]
    planted = list(base64.b64decode(widths["p"]))  # a byte a width, as they are all < 256
    planted[2] = 40  # planted: a commit's width comes from the layout, not measured again
    planted[0] = 50  # the workspace's is measured again (its values may have changed)
    widths["p"] = planted  # (kept as a list when one is 256 or more)
    edited = replace(rows[0], params={"params.yaml": {"lr": 123456789}})
    store = CellStore(precision=4)
    store.by_id = {"p": LR}
    assert store.adopt([edited, *rows[1:]], layout)
    assert store.measure("p", [edited, *rows[1:]]) == 40
    assert store._widths["p"] == [len("1.235e+08"), 4, 40, 5]
    assert measured.width("p") == len("123.5")


def test_a_kept_layout_read_back_from_json_gives_the_widths_measured():
    wide = RevisionValues(Revision(rev="c" * 40, kind="commit"), {"params.yaml": {"lr": "x" * 300}})
    measured, rows, _ = _laid_out()
    rows.append(wide)
    for cid in ("p", "sha", "created", "status"):
        measured.measure(cid, rows)
    layout = json.loads(json.dumps(measured.layout(rows)))  # as the store keeps it
    store = CellStore(precision=4)
    store.by_id = {"p": LR}
    assert store.adopt(rows, layout)
    assert store._widths == measured._widths  # the value column with a 300-wide cell too
    assert store.width("p") == 300


def test_a_layout_of_other_rows_or_other_rules_is_not_taken():
    _, rows, layout = _laid_out()
    for store, shown in (
        (CellStore(precision=3), rows),  # other rules: another precision
        (CellStore(precision=4), rows[::-1]),  # other rows, or in another order
        (CellStore(precision=4), rows[:-1]),
    ):
        store.by_id = {"p": LR}
        assert not store.adopt(shown, layout)
        assert store.measure("p", shown) == max(store._widths_of("p", shown))
    assert not CellStore(precision=4).adopt(rows, {"rules": layout["rules"]})  # damaged


def test_a_row_that_cannot_be_read_now_is_measured_as_it_shows():
    _, rows, layout = _laid_out()
    failing = replace(rows[2], params={}, errors={"params.yaml": "not in the local DVC cache"})
    store = CellStore(precision=4)
    store.by_id = {"p": LR}
    assert store.adopt([*rows[:2], failing, rows[3]], layout)
    assert store._widths["p"][2] == 1  # "!"
