"""The tag message block and the registry badges of plain release tags."""

from __future__ import annotations

import math
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from cd4ml_tui.core.git.repo import open_repo
from cd4ml_tui.core.model import Revision, RevisionValues
from cd4ml_tui.core.promote.message import changed_params, format_value, tag_message
from cd4ml_tui.core.promote.registry import Badge, registry_state
from tests.promote_support import git, make_registry_repo


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_floats_are_written_exactly(value: float) -> None:
    assert float(format_value(value)) == value


def test_special_values_are_written_as_dvc_shows_them() -> None:
    assert [format_value(v) for v in (math.nan, math.inf, -math.inf, True, None, [1, 2])] == [
        "NaN",
        "Infinity",
        "-Infinity",
        "true",
        "null",
        "[1, 2]",
    ]


def _values(rev: str, params: dict[str, object], **kwargs: object) -> RevisionValues:
    revision = Revision(rev=rev, kind="commit", name=None, **kwargs)  # type: ignore[arg-type]
    return RevisionValues(revision, params={"params.yaml": params}, metrics={})


def test_changed_params_lists_changed_new_and_removed_keys() -> None:
    base = _values("b" * 40, {"lr": 0.1, "epochs": 10, "gone": 1})
    mine = _values("a" * 40, {"lr": 0.3, "epochs": 10, "new": "x"})
    assert changed_params(mine, base) == [
        ("params.yaml", "lr", 0.3, 0.1),
        ("params.yaml", "new", "x", None),
        ("params.yaml", "gone", None, 1),
    ]
    message = tag_message(mine.revision, "Register clf v1.0.0", "", mine, base)
    assert message.splitlines()[-4:] == [
        "Params changed from baseline:",
        "  params.yaml: lr = 0.3 (baseline 0.1)",
        "  params.yaml: new = x (new)",
        "  params.yaml: gone removed (baseline 1)",
    ]


def test_note_comes_first_and_long_blocks_are_cut() -> None:
    many = {f"k{i}": i for i in range(20)}
    values = RevisionValues(
        Revision(rev="a" * 40, kind="commit"), metrics={"m.json": many}, params={}
    )
    lines = tag_message(values.revision, "Release v1.0.0", "  ship it  ", values).splitlines()
    assert lines[:4] == ["ship it", "", "Release v1.0.0", f"Source: commit aaaaaaa ({'a' * 40})"]
    assert lines[-1] == "  ... and 8 more"


def test_plain_release_tags_are_badges(tmp_path: Path) -> None:
    root = make_registry_repo(tmp_path / "plain", artifacts=False)
    git(root, "tag", "-a", "v1.0.0", "-m", "release", "HEAD~1")
    git(root, "tag", "v1.1.0")  # lightweight: still a release tag
    git(root, "tag", "-a", "not-a-version", "-m", "x")
    with open_repo(root) as repo:
        badges = registry_state(repo)
    assert badges == {
        git(root, "rev-parse", "HEAD~1"): [Badge(None, "v1.0.0")],
        git(root, "rev-parse", "HEAD"): [Badge(None, "v1.1.0")],
    }
