"""Property tests of the parsers and flatteners: any input gives values or a clear error."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cd4ml_tui.core.errors import ParseError
from cd4ml_tui.core.table.columns import format_value
from cd4ml_tui.core.values.parse import flatten, json_value, parse_values

SUFFIXES = ["params.yaml", "m.yml", "m.json", "p.toml", "p.py", "m.csv", "metrics", "M.JSON"]
FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

keys = st.text(st.characters(blacklist_characters=".", codec="utf-8"), min_size=1, max_size=8)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=10),
)
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(keys, inner, max_size=4)),
    max_leaves=12,
)


def reference_flatten(doc: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """An independent flattener: dotted keys, empty mappings vanish, lists stay."""
    flat: dict[str, Any] = {}
    for key, value in doc.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(reference_flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


def reference_metrics(value: Any) -> Any:
    """DVC keeps numbers, strings and booleans in nested mappings; lists and nulls are dropped."""
    if isinstance(value, dict):
        kept = {k: reference_metrics(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if v not in (None, {})}
    return value if isinstance(value, int | float | str) else None


@FAST
@given(st.binary(max_size=200), st.sampled_from(SUFFIXES), st.sampled_from(["param", "metric"]))
def test_any_bytes_give_values_or_a_parse_error(data: bytes, path: str, kind: str) -> None:
    try:
        values = parse_values(data, path, kind)  # type: ignore[arg-type]
    except ParseError as err:
        message = str(err)
        assert path in message and "\n" not in message
        return
    assert isinstance(values, dict)
    json.dumps(values)  # always JSON-shaped


@FAST
@given(st.text(max_size=200), st.sampled_from(SUFFIXES))
def test_any_text_gives_values_or_a_parse_error(text: str, path: str) -> None:
    try:
        values = parse_values(text.encode(), path, "param", keys=("a", "b.*"))
    except ParseError as err:
        assert path in str(err)
        return
    assert isinstance(values, dict)


@FAST
@given(st.dictionaries(keys, documents, max_size=5))
def test_json_params_flatten_like_a_reference(doc: dict[str, Any]) -> None:
    assert parse_values(json.dumps(doc).encode(), "p.json", "param") == reference_flatten(doc)


@FAST
@given(st.dictionaries(keys, documents, max_size=5))
def test_json_metrics_keep_what_dvc_keeps(doc: dict[str, Any]) -> None:
    expected = reference_flatten(reference_metrics(doc))
    assert parse_values(json.dumps(doc).encode(), "m.json", "metric") == expected


ascii_documents = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(10**20), 10**20),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text("abc xyz_-:#{}[]'\"\\", max_size=10),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text("abc_", min_size=1), inner)
    ),
    max_leaves=12,
)


@FAST
@given(st.dictionaries(st.text("abcxyz_", min_size=1, max_size=6), ascii_documents, max_size=5))
def test_json_text_reads_the_same_as_yaml_1_2(doc: dict[str, Any]) -> None:
    """JSON is YAML 1.2: DVC's YAML reader gives the same values as its JSON reader."""
    text = json.dumps(doc).encode()
    assert parse_values(text, "p.yaml", "param") == parse_values(text, "p.json", "param")


@FAST
@given(documents, st.integers(1, 17))
def test_format_value_never_fails(value: Any, precision: int) -> None:
    assert isinstance(format_value(value, precision), str)


values_with_python_types = st.recursive(
    st.one_of(
        scalars,
        st.floats(),
        st.dates(),
        st.datetimes(),
        st.times(),
        st.binary(max_size=4),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3).map(tuple),
        st.frozensets(st.integers(), max_size=3),
        st.dictionaries(st.one_of(keys, st.integers(), st.booleans(), st.none()), inner),
    ),
    max_leaves=8,
)


@FAST
@given(values_with_python_types)
def test_json_value_round_trips_through_json(value: Any) -> None:
    shaped = json_value(value)
    again = json.loads(json.dumps(shaped))
    assert json.dumps(again) == json.dumps(shaped)


def test_yaml_1_2_semantics_like_dvc() -> None:
    values = parse_values(b"a: 1e-4\nb: yes\nc: on\nd: 0o17\ne: .nan\nf: ~\n", "p.yaml", "param")
    assert values["a"] == 0.0001 and values["b"] == "yes" and values["c"] == "on"
    assert values["d"] == 15 and math.isnan(values["e"]) and values["f"] is None


def test_json_nan_and_infinity_are_read() -> None:
    values = parse_values(b'{"a": NaN, "b": -Infinity}', "m.json", "metric")
    assert math.isnan(values["a"]) and values["b"] == -math.inf


def test_keys_that_flatten_to_the_same_name_are_an_error() -> None:
    with pytest.raises(ParseError, match=r"m\.json"):
        parse_values(b'{"a.b": 1, "a": {"b": 2}}', "m.json", "metric")


def test_non_string_keys_are_named_as_json_names_them() -> None:
    values = parse_values(b"7: a\ntrue: b\n2.5: c\nx:\n  3: d\n", "p.yaml", "param")
    assert values == {"7": "a", "true": "b", "2.5": "c", "x.3": "d"}


def test_surrogate_escapes_become_characters() -> None:
    values = parse_values(b'a: "\\ud83d\\ude00"\nb: "\\ud800"\n', "p.yaml", "param")
    assert values == {"a": "\U0001f600", "b": "\ufffd"}
    values["a"].encode()  # printable


def test_dates_are_iso_strings() -> None:
    flat = flatten({"d": dt.date(2020, 1, 2), "t": (1, 2), "s": {3}}, "p.yaml")
    assert flat == {"d": "2020-01-02", "t": [1, 2], "s": [3]}


def test_invalid_utf8_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="utf-8"):
        parse_values(b"a: \xff\n", "p.yaml", "param")


def test_python_params_like_dvc() -> None:
    text = b"LR = 0.1\nclass Cfg:\n    depth = 2\n    def __init__(self):\n        self.x = 1\n"
    assert parse_values(text, "hp.py", "param") == {"LR": 0.1, "Cfg.depth": 2, "Cfg.x": 1}


def test_named_keys_select_with_globs() -> None:
    doc = b"train:\n  lr: 1\n  epochs: 2\nmodel:\n  a: 1\n  b: 2\n"
    assert parse_values(doc, "p.yaml", "param", ("train.lr", "model.*")) == {
        "train.lr": 1,
        "model.a": 1,
        "model.b": 2,
    }


nested = st.recursive(
    scalars,
    lambda inner: st.dictionaries(
        st.one_of(st.text("ab.", max_size=3), st.integers(0, 3), st.none(), st.booleans()),
        inner,
        max_size=3,
    ),
    max_leaves=10,
)


@FAST
@given(st.dictionaries(st.one_of(st.text("ab.", max_size=3), st.integers(0, 3)), nested))
def test_flatten_is_dvcs_flatten(doc: dict[Any, Any]) -> None:
    """Our flatten gives what DVC's (`flatten_dict`, dot reducer) gives, errors included."""
    from dvc.utils.flatten import flatten as dvc_flatten

    from cd4ml_tui.core.values.parse import json_key

    try:
        theirs: Any = {json_key(k): v for k, v in dvc_flatten(doc).items()}
    except ValueError:
        theirs = ParseError
    try:
        ours: Any = flatten(doc, "p.yaml")
    except ParseError:
        ours = ParseError
    assert json.dumps(ours, default=str) == json.dumps(theirs, default=str)
