"""Delta, direction and best-value logic on constructed `RevisionValues` (plain data, no repo)."""

from __future__ import annotations

import math

import pytest

from cd4ml_tui.core.compare.baseline import own_baseline
from cd4ml_tui.core.compare.deltas import (
    compare,
    infer_direction,
    is_better,
    metric_direction,
    relative_change,
    value_diff,
)
from cd4ml_tui.core.compare.report import diff_json, format_delta, markdown, nway_json
from cd4ml_tui.core.config import Settings
from cd4ml_tui.core.model import MISSING, ColumnKey, Revision, RevisionValues

BASE = Revision("a" * 40, "commit", name="main")
EXP1 = Revision("b" * 40, "experiment", name="exp1", baseline="a" * 40, parents=("a" * 40,))
EXP2 = Revision("c" * 40, "experiment", name="exp2", baseline="a" * 40, parents=("a" * 40,))


def values(rev: Revision, metrics: dict, params: dict | None = None) -> RevisionValues:
    return RevisionValues(rev, params={"params.yaml": params or {}}, metrics={"m.json": metrics})


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("loss", "min"),
        ("val_loss", "min"),
        ("train.logloss", "min"),
        ("latency_ms", "min"),
        ("model_size_kb", "min"),
        ("error_rate", "min"),
        ("rmse", "min"),
        ("inference.time", "min"),
        ("accuracy", "max"),
        ("val.f1", "max"),
        ("valAcc", "max"),
        ("roc_auc", "max"),
        ("mean_iou", "max"),
        ("r2", "max"),
        ("loss.train", "min"),  # the last part says nothing; an earlier one does
        ("epochs", "none"),
        ("throughput", "none"),
        ("lossy_count", "none"),  # "lossy" is not "loss"
    ],
)
def test_direction_inferred_from_name(key: str, expected: str) -> None:
    assert infer_direction(key) == expected


def test_configured_direction_wins_and_is_not_marked_inferred() -> None:
    settings = Settings(metric_directions={"accuracy": "min", "m.json:val.f1": "none"})
    acc = metric_direction(ColumnKey("metric", "m.json", "accuracy"), settings)
    f1 = metric_direction(ColumnKey("metric", "m.json", "val.f1"), settings)
    other_f1 = metric_direction(ColumnKey("metric", "other.json", "val.f1"), settings)
    assert (acc.direction, acc.inferred) == ("min", False)
    assert (f1.direction, f1.inferred) == ("none", False)
    assert (other_f1.direction, other_f1.inferred) == ("max", True)


def test_value_diff_matches_dvc_rules() -> None:
    assert value_diff(0.8275, 0.815) == 0.815 - 0.8275
    assert value_diff(5, 5) == 0
    assert value_diff(True, False) == -1  # DVC subtracts bools too
    assert value_diff("adam", "sgd") is None
    assert value_diff([64, 32], [128, 64]) is None
    assert value_diff(MISSING, 1.0) is None


def test_relative_change_and_better() -> None:
    assert relative_change(0.5, 0.6) == pytest.approx(20.0)
    assert relative_change(-2.0, -1.0) == pytest.approx(50.0)  # relative to |old|
    assert relative_change(0, 1) is None
    assert relative_change(MISSING, 1) is None
    assert is_better("min", 0.3, 0.2) is True
    assert is_better("max", 0.3, 0.2) is False
    assert is_better("none", 0.3, 0.2) is None
    assert is_better("max", 0.3, 0.3) is None
    assert is_better("max", 0.3, math.nan) is None


def test_compare_cells_missing_is_never_zero() -> None:
    base = values(BASE, {"accuracy": 0.8, "loss": 0.3}, {"lr": 0.01, "opt": "adam"})
    exp1 = values(EXP1, {"accuracy": 0.85}, {"lr": 0.05, "opt": "adam"})
    comparison = compare(base, [exp1], Settings())
    loss = comparison.row(ColumnKey("metric", "m.json", "loss"))
    assert loss is not None
    cell = loss.cells[0]
    assert cell.missing and cell.value is MISSING and cell.diff is None and cell.changed
    acc = comparison.row(ColumnKey("metric", "m.json", "accuracy"))
    assert acc is not None
    assert acc.cells[0].better is True and acc.cells[0].arrow == "▲"
    assert acc.cells[0].best and not acc.base_best
    opt = comparison.row(ColumnKey("param", "params.yaml", "opt"))
    assert opt is not None and not opt.changed
    assert [r.column.kind for r in comparison.rows] == ["metric", "metric", "param", "param"]


def test_best_marks_follow_direction_and_ties_mark_nothing() -> None:
    base = values(BASE, {"loss": 0.3, "accuracy": 0.9, "count": 3})
    exp1 = values(EXP1, {"loss": 0.2, "accuracy": 0.9, "count": 5})
    exp2 = values(EXP2, {"loss": 0.4, "accuracy": 0.9, "count": 1})
    comparison = compare(base, [exp1, exp2], Settings())
    loss = comparison.row(ColumnKey("metric", "m.json", "loss"))
    acc = comparison.row(ColumnKey("metric", "m.json", "accuracy"))
    count = comparison.row(ColumnKey("metric", "m.json", "count"))
    assert loss and acc and count
    assert [c.best for c in loss.cells] == [True, False] and not loss.base_best
    assert [c.better for c in loss.cells] == [True, False]
    assert not any(c.best for c in acc.cells) and not acc.base_best
    assert not any(c.best for c in count.cells)  # neutral: no best


def test_diff_json_has_dvc_shape_plus_extras() -> None:
    base = values(BASE, {"accuracy": 0.8}, {"layers": [64, 32], "seed": 1})
    exp1 = values(EXP1, {"accuracy": 0.9}, {"layers": [128, 64], "seed": 1})
    comparison = compare(base, [exp1], Settings())
    out = diff_json(comparison)
    assert out["params"] == {
        "params.yaml": {
            "layers": {"old": "[64, 32]", "new": "[128, 64]", "pct": None, "better": None}
        }
    }
    acc = out["metrics"]["m.json"]["accuracy"]
    assert acc["old"] == 0.8 and acc["new"] == 0.9 and acc["diff"] == 0.9 - 0.8
    assert acc["better"] is True and acc["direction"] == "max" and acc["inferred"] is True
    assert "seed" in diff_json(comparison, all_rows=True)["params"]["params.yaml"]


def test_nway_json_and_markdown() -> None:
    base = values(BASE, {"loss": 0.3})
    exp1 = values(EXP1, {"loss": 0.2})
    exp2 = values(EXP2, {})
    comparison = compare(base, [exp1, exp2], Settings())
    out = nway_json(comparison, "main", ["exp1", "exp2"])
    loss = out["metrics"]["m.json"]["loss"]
    assert loss["old"] == 0.3 and loss["new"] == {"exp1": 0.2, "exp2": None}
    assert loss["diff"] == {"exp1": 0.2 - 0.3}
    assert loss["best"] == ["exp1"] and loss["better"] == {"exp1": True, "exp2": None}
    text = markdown(comparison, "main", ["exp1", "exp2"])
    assert "| m.json | loss ↓ | 0.3 | **0.2** ▼ -0.1 (-33.3%) ✅ better | - |" in text
    assert format_delta(comparison.rows[0].cells[0]) == "▼ -0.1 (-33.3%)"


def test_own_baseline() -> None:
    """An experiment's baseline commit, a commit's first parent, the workspace's HEAD."""
    assert own_baseline(EXP1) == "a" * 40
    assert own_baseline(Revision("workspace", "workspace", parents=(BASE.rev,))) == BASE.rev
    assert own_baseline(Revision("d" * 40, "commit", parents=("e" * 40, "f" * 40))) == "e" * 40
    assert own_baseline(Revision("d" * 40, "commit")) is None
