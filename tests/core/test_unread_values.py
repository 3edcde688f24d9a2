"""Values only the DVC remote has are explained, not silently left out; a file that a revision
cannot read does not move the columns. On a real `git clone` of the demo (no DVC cache)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cd4ml_tui.cli import main
from cd4ml_tui.core.api import (
    UNREAD_KEY,
    columns,
    error_notes,
    labels,
    list_revisions,
    load_plots,
    open_repo,
    read_values,
    resolve_revision,
)
from cd4ml_tui.core.model import ColumnKey, RevisionValues

NOTE = "not in local DVC cache; `dvc pull` fetches it"
STATS = ColumnKey("metric", "eval/stats.yaml", UNREAD_KEY)


def _values(root: Path) -> list[RevisionValues]:
    with open_repo(root) as repo:
        return list(read_values(repo, list_revisions(repo), use_cache=False))


def test_a_file_no_revision_can_read_keeps_a_marked_column(nocache_clone: Path) -> None:
    values = _values(nocache_clone)
    assert all(row.errors.get("eval/stats.yaml") == NOTE for row in values)
    cols = columns(values, unread=True)
    assert STATS in cols and STATS not in columns(values)
    metrics = [c for c in cols if c.kind == "metric"]
    assert metrics[-1] == STATS  # after the readable metrics, before every param
    assert labels(cols)[STATS] == "eval/stats.yaml"
    assert error_notes(values) == [f"eval/stats.yaml: {NOTE} (every revision)"]


def test_show_marks_the_column_and_says_why(
    nocache_clone: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["show", "--no-cache", str(nocache_clone)]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    start = lines[0].index("eval/stats.yaml")
    cells = {line[start : start + len("eval/stats.yaml")].strip() for line in lines[1:]}
    assert cells == {"!"}
    assert err.strip() == f"! eval/stats.yaml: {NOTE} (every revision)"


def test_compare_cli_says_why_a_metric_is_left_out(
    nocache_clone: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["compare", "main", "lr-0.1", "--no-cache", "-C", str(nocache_clone)]) == 0
    _, err = capsys.readouterr()
    assert f"cd4ml-tui: eval/stats.yaml: {NOTE} (every revision)" in err.splitlines()


def test_plots_say_the_file_is_in_dvc_not_missing(nocache_clone: Path) -> None:
    with open_repo(nocache_clone) as repo:
        listed = list_revisions(repo)
        revisions = [resolve_revision(repo, name, listed) for name in ("main", "lr-0.1")]
        plots = {p.plot_id: p for p in load_plots(repo, revisions, ["main", "lr-0.1"])}
    confusion = plots["plots/confusion.json"]
    assert not confusion.series
    assert confusion.errors == {
        "main": f"plots/confusion.json: {NOTE}",
        "lr-0.1": f"plots/confusion.json: {NOTE}",
    }


def test_a_corrupt_workspace_file_does_not_reorder_the_columns(demo_copy: Path) -> None:
    before = columns(_values(demo_copy))
    (demo_copy / "metrics.json").write_text('{"accuracy": 0.9,', encoding="utf-8")
    values = _values(demo_copy)
    assert "metrics.json" in values[0].errors  # the workspace row comes first
    assert columns(values) == before
    assert columns(values, unread=True) == before  # it has values elsewhere: no extra column
