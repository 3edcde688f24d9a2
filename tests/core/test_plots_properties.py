"""Property tests: any plot file and any x/y definition give series or a clear error, never a crash.

Also checks the invariants a chart relies on: every y list is as long as its x list.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from cd4ml_tui.core.errors import ParseError
from cd4ml_tui.core.plots.series import PlotDataError, parse_data, series_of

FIELDS = st.sampled_from(["x", "y", "step", "loss", "acc", "a b", ""])
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=4),
)
ROWS = st.lists(st.dictionaries(FIELDS, SCALARS, max_size=3), max_size=6)
CONTENT = st.recursive(
    st.one_of(SCALARS, ROWS),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(FIELDS, inner, max_size=3)
    ),
    max_leaves=12,
)
# Delimited text with ragged rows, quotes, blank lines and numbers.
SV_TEXT = st.lists(
    st.lists(st.sampled_from(["x", "y", "1", "-2.5", "nan", "", '"a,b"', "1e3"]), max_size=4).map(
        lambda cells: ",".join(cells) if len(cells) % 2 else "\t".join(cells)
    ),
    max_size=5,
).map(lambda lines: "\n".join(lines).encode())
AXIS = st.one_of(
    st.none(),
    FIELDS,
    st.lists(FIELDS, max_size=2),
    st.dictionaries(st.sampled_from(["p.json", "q.json"]), st.one_of(FIELDS, st.lists(FIELDS))),
)


def _check(plot_id: str, props: dict[str, Any], data: dict[str, Any]) -> None:
    try:
        x_name, triples = series_of(plot_id, props, data)
    except PlotDataError as err:
        assert str(err)
        return
    assert isinstance(x_name, str)
    for key, xs, ys in triples:
        assert "::" in key and len(xs) == len(ys)


@settings(max_examples=300, deadline=None)
@given(content=CONTENT, other=CONTENT, x=AXIS, y=AXIS)
def test_any_json_data_and_axes(content: Any, other: Any, x: Any, y: Any) -> None:
    data = {"p.json": content, "q.json": other}
    props = {k: v for k, v in (("x", x), ("y", y)) if v is not None}
    _check("p.json", props, data)


@settings(max_examples=200, deadline=None)
@given(
    raw=st.one_of(st.binary(max_size=80), st.text(max_size=80).map(str.encode), SV_TEXT),
    ext=st.sampled_from([".csv", ".tsv", ".json", ".yaml", ".toml", ".txt"]),
    header=st.booleans(),
)
def test_any_bytes_parse_or_fail_clearly(raw: bytes, ext: str, header: bool) -> None:
    path = f"plots/data{ext}"
    try:
        content = parse_data(raw, path, header=header)
    except ParseError as err:
        assert str(err)
        return
    _check(path, {"y": "y"}, {path: content})
    _check(path, {}, {path: content})


@settings(max_examples=100, deadline=None)
@given(rows=st.lists(st.dictionaries(FIELDS, SCALARS, min_size=1, max_size=3), max_size=5))
def test_json_rows_round_trip_through_parse(rows: list[dict[str, Any]]) -> None:
    raw = json.dumps({"rows": rows}).encode()
    content = parse_data(raw, "r.json")
    _check("r.json", {"x": "x", "y": "y"}, {"r.json": content})
