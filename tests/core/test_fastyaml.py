"""The libyaml fast path gives exactly what DVC's ruamel reader gives, or hands the text back."""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cd4ml_tui.core.dvc import fastyaml
from cd4ml_tui.core.dvc.files import dvc_serialize

CHECK = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# plain scalars that sit on the edges of YAML 1.2 typing
EDGE_SCALARS = [
    "1e-4",
    "1E5",
    "-1.5e+3",
    ".5",
    "-.5",
    "1.",
    "1_000",
    "0o17",
    "017",
    "0x1F",
    "0b101",
    "+12",
    "-0",
    "0",
    ".inf",
    "-.INF",
    ".nan",
    ".NaN",
    "yes",
    "No",
    "on",
    "OFF",
    "y",
    "n",
    "true",
    "False",
    "TRUE",
    "null",
    "Null",
    "~",
    "",
    "2001-12-14",
    "2001-12-14 21:59:43.10 -5",
    "12:30",
    "1:20:30",
    "0.1.2",
    "1e",
    "e5",
    "_",
    "_1",
    "1__0",
    "0x",
    "0b",
    "+",
    "-",
    ".",
    "1_0.5_0",
    "0o8",
    "0b2",
    "0xG",
    "=",
    "<<",
    "abc",
    "a b",
    "'q'",
    '"dq"',
    "3.14abc",
    "NaN",
    "inf",
    "Infinity",
    "0.0",
    "-0.0",
    "1e400",
    "-1e400",
    "123456789012345678901234567890",
]


def ruamel(text: str) -> tuple[str, Any]:
    try:
        return "ok", dvc_serialize().parse_yaml(text, "p.yaml")
    except Exception as err:  # DVC would report this file as unreadable
        return "error", type(err).__name__


def fast(text: str) -> tuple[str, Any] | None:
    try:
        return "ok", fastyaml.load(text) or {}
    except fastyaml.HandBack:
        return None


def same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or (
            a == b and math.copysign(1, a) == math.copysign(1, b)
        )
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        pairs = zip(a.items(), b.items(), strict=False)
        return len(a) == len(b) and all(
            same(ka, kb) and same(va, vb) for (ka, va), (kb, vb) in pairs
        )
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def agrees(text: str) -> None:
    mine = fast(text)
    if mine is None:
        return  # handed back: DVC's parser decides
    theirs = ruamel(text)
    assert theirs[0] == "ok", f"fast path read {text!r} that DVC rejects: {theirs}"
    assert same(mine[1], theirs[1]), f"{text!r}: fast {mine[1]!r} != ruamel {theirs[1]!r}"


def test_edge_scalars_type_like_ruamel() -> None:
    for scalar in EDGE_SCALARS:
        agrees(f"key: {scalar}\n")
        agrees(f"- {scalar}\n")
        agrees(f"{scalar}: 1\n" if scalar else "? ''\n: 1\n")
    handed_back = [s for s in EDGE_SCALARS if fast(f"k: {s}\n") is None]
    assert "2001-12-14" in handed_back and "<<" in handed_back  # timestamps, merge keys
    assert fast("k: 1e-4\n") == ("ok", {"k": 0.0001}) and fast("k: yes\n") == ("ok", {"k": "yes"})


def test_structures_and_hand_backs() -> None:
    for text in [
        "a: &x [1, 2]\nb: *x\n",  # aliases share, as in ruamel
        "a: !!str 1\n",  # explicit tag
        "a: 1\na: 2\n",  # duplicate key
        "<<: {a: 1}\nb: 2\n",  # merge key
        "%YAML 1.1\n---\na: yes\n",  # a 1.1 document
        "a: [1, 2\n",  # an error
        "--- 1\n--- 2\n",  # two documents
        "? [1, 2]\n: x\n",  # complex key
        "a: |\n  line one\n  line two\nb: >\n  folded\n  text\n",
        "a: 'it''s'\nb: \"tab\\tnl\\n\\u00e9\"\nc: plain # comment\n",
        "{a: 1, b: [x, {c: null}]}\n",
        "a:\n  b:\n    c: 0x10\n  d: []\n  e: {}\n",
        "\ufeffa: 1\n",
        "",
        "# only a comment\n",
        "- - - 1\n",
    ]:
        agrees(text)
    assert fast("a: !!str 1\n") is None and fast("a: 1\na: 2\n") is None
    assert fast("a: [1, 2\n") is None


scalar_text = st.one_of(
    st.sampled_from(EDGE_SCALARS),
    st.from_regex(r"[-+]?[0-9_.eEoxb]{1,8}", fullmatch=True),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=8),
)


@st.composite
def yaml_documents(draw: Any) -> str:
    """Block and flow YAML built from edge scalars, in plain, quoted and literal styles."""
    lines = []
    for i in range(draw(st.integers(1, 5))):
        value = draw(scalar_text)
        style = draw(st.sampled_from(["plain", "single", "double", "flow", "nested", "list"]))
        if style == "plain":
            lines.append(f"k{i}: {value}")
        elif style == "single":
            lines.append(f"k{i}: '" + value.replace("'", "''") + "'")
        elif style == "double":
            lines.append(f"k{i}: " + json.dumps(value))
        elif style == "flow":
            lines.append(f"k{i}: [{value}, {{x: {value}}}]")
        elif style == "nested":
            lines.append(f"k{i}:\n  inner: {value}\n  other: {draw(scalar_text)}")
        else:
            lines.append(f"k{i}:\n  - {value}\n  - {draw(scalar_text)}")
    return "\n".join(lines) + "\n"


@CHECK
@given(yaml_documents())
def test_generated_documents_agree_with_ruamel(text: str) -> None:
    agrees(text)


@CHECK
@given(st.text(max_size=60))
def test_any_text_agrees_or_is_handed_back(text: str) -> None:
    agrees(text)


plain_data = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(10**12), 10**12),
        st.floats(allow_nan=False),
        st.text(max_size=8),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(min_size=1, max_size=6), inner)
    ),
    max_leaves=10,
)


@CHECK
@given(st.dictionaries(st.text(min_size=1, max_size=6), plain_data, max_size=5))
def test_files_written_by_dvc_read_the_same(data: dict[str, Any]) -> None:
    """What `dvc exp run -S` writes (DVC's ruamel dumper) reads back identically."""
    text = dvc_serialize().dumps_yaml(data)
    agrees(text)
    mine = fast(text)
    if mine is not None:
        assert same(mine[1], data or {})
