"""The filter language: parsing, column resolution, comparison rules, and never a crash."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cd4ml_tui.core.model import ColumnKey, Revision, RevisionValues
from cd4ml_tui.core.table.query import (
    QueryError,
    compare,
    compile_query,
    parse,
    resolve_column,
)

COLUMNS = [
    ColumnKey("metric", "eval/metrics.json", "accuracy"),
    ColumnKey("metric", "eval/metrics.json", "loss"),
    ColumnKey("metric", "eval/other.json", "loss"),
    ColumnKey("metric", "eval/metrics.json", "tag"),
    ColumnKey("param", "params.yaml", "train.lr"),
    ColumnKey("param", "params.yaml", "train.layers"),
    ColumnKey("param", "params.yaml", "train.use_bn"),
]


def _values(name: str, sha: str, accuracy=None, lr=None, loss=None, **extra) -> RevisionValues:
    metrics: dict[str, dict] = {"eval/metrics.json": {}}
    if accuracy is not None:
        metrics["eval/metrics.json"]["accuracy"] = accuracy
    if loss is not None:
        metrics["eval/metrics.json"]["loss"] = loss
    metrics["eval/metrics.json"].update(extra.get("metrics", {}))
    params = {"params.yaml": dict(extra.get("params", {}))}
    if lr is not None:
        params["params.yaml"]["train.lr"] = lr
    revision = Revision(
        rev=sha, kind="experiment", name=name, refs=(f"refs/exps/ab/cd/{name}",), status="success"
    )
    return RevisionValues(revision, params=params, metrics=metrics)


ROWS = [
    _values("exp-alpha", "a" * 40, accuracy=0.91, lr=0.01, loss=0.2),
    _values("exp-beta", "b" * 40, accuracy=0.75, lr=0.1),
    _values("main", "c" * 40, accuracy=0.85, lr=0.04, params={"train.layers": [64, 32]}),
    _values("nan-run", "d" * 40, accuracy=math.nan, metrics={"tag": "best"}),
    _values("bare", "e" * 40, params={"train.use_bn": True}),
]


def names(query: str) -> list[str]:
    predicate = compile_query(query, COLUMNS)
    return [row.revision.label for row in ROWS if predicate(row)]


def test_empty_query_matches_everything():
    assert names("") == [r.revision.label for r in ROWS]
    assert names("   ") == [r.revision.label for r in ROWS]


def test_plain_text_matches_names_and_shas_case_insensitively():
    assert names("EXP") == ["exp-alpha", "exp-beta"]
    assert names("bbbb") == ["exp-beta"]
    assert names("exp alpha") == ["exp-alpha"]  # words are and-ed
    assert names('"exp-b"') == ["exp-beta"]


def test_comparisons_on_numbers_and_boolean_logic():
    assert names("accuracy>0.8") == ["exp-alpha", "main"]
    assert names("accuracy > 0.8 and train.lr < 0.02") == ["exp-alpha"]
    assert names("accuracy<0.8 or lr>=0.04") == ["exp-beta", "main"]
    assert names("not accuracy > 0.8") == ["exp-beta", "nan-run", "bare"]
    assert names("(accuracy>0.8 or lr==0.1) and not main") == ["exp-alpha", "exp-beta"]
    assert names("0.8 < accuracy") == ["exp-alpha", "main"]
    assert names("accuracy = 0.75") == ["exp-beta"]


def test_missing_and_nan_never_satisfy_a_comparison():
    assert "bare" not in names("accuracy != 0.5")
    assert "nan-run" not in names("accuracy < 2")
    assert "nan-run" in names("accuracy != 2")


def test_strings_booleans_and_lists():
    assert names("tag == best") == ["nan-run"]
    assert names("tag != best") == []  # others have no tag: missing is false
    assert names("train.use_bn == true") == ["bare"]
    assert names('train.layers == "[64, 32]"') == ["main"]
    assert names("status == success") == [r.revision.label for r in ROWS]
    assert names("name == main") == ["main"]


def test_file_key_disambiguates_and_ambiguity_is_reported():
    assert names("eval/metrics.json:loss < 1") == ["exp-alpha"]
    with pytest.raises(
        QueryError, match=r"ambiguous.*eval/metrics\.json:loss.*eval/other\.json:loss"
    ):
        compile_query("loss < 1", COLUMNS)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("accuracy >", "expected a value after '>'"),
        ("(accuracy > 1", "missing '\\)'"),
        ("accuracy > 1)", "unexpected '\\)'"),
        ("acuracy > 1", "unknown column 'acuracy'; did you mean accuracy"),
        ('name == "open', "unterminated string"),
        ("and", "expected a value before 'and'"),
        ("accuracy > 1 or", "expected a column or text at the end"),
        ("!", "unexpected '!'"),
    ],
)
def test_bad_queries_raise_a_clear_error(query, message):
    with pytest.raises(QueryError, match=message):
        compile_query(query, COLUMNS)


def test_parse_returns_none_for_blank():
    assert parse("") is None


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from([*"ab.:<>=!()\"' \\-0123456789eE", "and ", "or ", "not ", "accuracy"]),
        max_size=20,
    ).map("".join)
    | st.text(max_size=30)
)
def test_any_string_compiles_or_raises_query_error(text):
    try:
        predicate = compile_query(text, COLUMNS)
    except QueryError as err:
        assert str(err)
        return
    for row in ROWS:
        assert predicate(row) in (True, False)


def test_a_bare_scalar_file_is_named_by_its_path() -> None:
    """A metrics file holding only `0.75` has one column, key "", named after the file."""
    scalar = ColumnKey("metric", "eval/score.yaml", "")
    assert resolve_column("eval/score.yaml", [*COLUMNS, scalar]) == scalar
    assert resolve_column("eval/score.yaml:", [*COLUMNS, scalar]) == scalar
    row = RevisionValues(ROWS[0].revision, metrics={"eval/score.yaml": {"": 0.75}})
    assert compile_query("eval/score.yaml > 0.7", [*COLUMNS, scalar])(row)


scalars = st.one_of(
    st.none(),
    st.floats(),  # with nan and inf
    st.integers(-(2**70), 2**70),  # past float precision: compared as floats, as `compare` does
    st.booleans(),
    st.text(max_size=3),
    st.lists(st.integers(), max_size=2),
)


@given(scalars, st.sampled_from(["<", "<=", ">", ">=", "==", "!="]), st.floats(-10, 10))
def test_number_comparisons_follow_the_general_rules(value, op, number):
    """The quick path for `column op number` decides as `compare`, the rules' one statement."""
    row = _values("e", "1" * 40, params={"train.layers": value})
    literal = repr(number)
    expected = compare(value, op, float(literal), literal)
    assert compile_query(f"train.layers {op} {literal}", COLUMNS)(row) is expected
