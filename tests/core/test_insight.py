"""Insight on the real demo repo (built with `dvc exp run`): every number `insight --json` prints
is held against one computed here with plain Python (ranks and Pearson's formula, no pandas)
from the values the reader gives; plus the rules for bad metrics, undefined correlations, and
params that do not vary."""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from cd4ml_tui.cli import main
from cd4ml_tui.core.compare.deltas import metric_direction
from cd4ml_tui.core.config import Settings
from cd4ml_tui.core.insight.parallel import parallel_coordinates
from cd4ml_tui.core.insight.report import insight_json
from cd4ml_tui.core.insight.rows import InsightError, resolve_metric
from cd4ml_tui.core.insight.stats import insight
from cd4ml_tui.core.model import ColumnKey, Revision, RevisionValues
from cd4ml_tui.core.table.columns import format_value
from cd4ml_tui.core.values.read import load

pytestmark = pytest.mark.slow


# --- the independent maths -----------------------------------------------------------------
def ranks(xs: Sequence[float]) -> list[float]:
    """1-based ranks, ties sharing their average rank."""
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    result = [0.0] * len(xs)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and xs[order[j + 1]] == xs[order[i]]:
            j += 1
        for k in range(i, j + 1):
            result[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return result


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sxy / math.sqrt(sxx * syy)


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    return pearson(ranks(xs), ranks(ys))


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


# --- fixtures ---------------------------------------------------------------------------------
def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["insight", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def demo_rows(demo_repo: Path) -> list[RevisionValues]:
    """Every listed commit and experiment, workspace left out, each sha once."""
    repo, rows = load(demo_repo, use_cache=False)
    repo.close()
    seen: set[str] = set()
    kept = []
    for row in rows:
        if row.revision.rev != "workspace" and row.revision.rev not in seen:
            seen.add(row.revision.rev)
            kept.append(row)
    return kept


ACCURACY = ColumnKey("metric", "metrics.json", "accuracy")
LOSS = ColumnKey("metric", "metrics.json", "loss")


@pytest.mark.parametrize("metric", [ACCURACY, LOSS])
def test_json_numbers_equal_plain_python(
    metric: ColumnKey, demo_repo: Path, demo_rows: list[RevisionValues], capsys
) -> None:
    code, out, err = run_cli(capsys, metric.key, "--json", "--no-cache", "-C", str(demo_repo))
    assert code == 0, err
    doc = json.loads(out)
    with_metric = [r for r in demo_rows if is_number(r.get(metric))]
    assert doc["metric"] == f"{metric.path}:{metric.key}"
    assert doc["n"] == len(with_metric) >= 10
    direction = metric_direction(metric, Settings()).direction
    assert direction in ("min", "max")
    pick = min if direction == "min" else max

    params = {c for r in with_metric for c in r.columns() if c.kind == "param"}
    expected: dict[str, dict[str, Any]] = {}
    for param in params:
        present = [r for r in with_metric if r.get(param) is not None]
        texts = {format_value(r.get(param), 0) for r in present}
        if len(texts) < 2:
            continue  # does not vary: must be left out
        entry: dict[str, Any] = {"n_values": len(texts), "spearman": None, "pearson": None}
        if all(is_number(r.get(param)) for r in present):
            xs = [float(r.get(param)) for r in present]
            ys = [float(r.get(metric)) for r in present]
            entry.update(spearman=spearman(xs, ys), pearson=pearson(xs, ys))
        best = {}
        for text in texts:
            group = [r for r in present if format_value(r.get(param), 0) == text]
            values = [r.get(metric) for r in group]
            top = pick(values)
            holder = next(r for r in group if r.get(metric) == top)
            best[text] = {
                "count": len(group),
                "mean": statistics.fmean(values),
                "value": top,
                "rev": holder.revision.rev,
                "name": holder.revision.name,
            }
        entry["best"] = best
        expected[f"{param.path}:{param.key}"] = entry

    got = {p["param"]: p for p in doc["params"]}
    assert set(got) == set(expected)
    assert "params.yaml:train.optimizer" not in got  # the same in every revision
    assert "params.yaml:train.lr" in got and "params.yaml:train.layers" in got
    assert got["params.yaml:train.layers"]["spearman"] is None  # a list: grouped, not correlated
    assert "0.05" not in got["params.yaml:train.lr"]["best"]  # the queued run has no metrics
    for name, entry in expected.items():
        ours = got[name]
        assert ours["n_values"] == entry["n_values"]
        for method in ("spearman", "pearson"):
            if entry[method] is None:
                assert ours[method] is None, (name, method)
            else:
                assert ours[method] == pytest.approx(entry[method], abs=1e-12), (name, method)
        assert set(ours["best"]) == set(entry["best"])
        for text, group in entry["best"].items():
            mine = ours["best"][text]
            assert mine["mean"] == pytest.approx(group.pop("mean"), abs=1e-12)
            assert {k: mine[k] for k in group} == group

    strengths = [abs(p["spearman"]) for p in doc["params"] if p["spearman"] is not None]
    assert strengths == sorted(strengths, reverse=True) and strengths
    nulls = [p["spearman"] is None for p in doc["params"]]
    assert nulls == sorted(nulls)  # undefined ones last

    summary = doc["summary"][doc["metric"]]
    values = [float(r.get(metric)) for r in with_metric]
    assert summary["count"] == len(values)
    assert summary["mean"] == pytest.approx(statistics.fmean(values), abs=1e-12)
    assert summary["std"] == pytest.approx(statistics.stdev(values), abs=1e-12)
    assert (summary["min"], summary["max"]) == (min(values), max(values))
    holder = next(r for r in with_metric if r.get(metric) == pick(values))
    assert summary["best"] == {
        "rev": holder.revision.rev,
        "name": holder.revision.name,
        "value": pick(values),
    }
    assert summary["direction"] == direction and summary["inferred"] is True
    assert "metrics.json:val.f1" in doc["summary"]


def test_markdown_and_table_name_the_same_params(demo_repo: Path, capsys) -> None:
    code, out, _ = run_cli(capsys, "accuracy", "--md", "-C", str(demo_repo))
    assert code == 0
    assert out.startswith("## accuracy ↑ over ")
    assert "| param | spearman | pearson | values | best value |" in out
    assert "### accuracy per train.lr" in out and "### Summary" in out
    code, table, _ = run_cli(capsys, "accuracy", "-C", str(demo_repo))
    assert code == 0 and "train.lr" in table and "summary" in table


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("nope", "unknown metric 'nope'"),
        ("train.lr", "'train.lr' is a param, not a metric"),
        ("name", "'name' is a revision field, not a metric"),
        ("val", "did you mean"),
    ],
)
def test_bad_metric_is_one_line_and_exit_2(demo_repo: Path, capsys, name: str, words: str) -> None:
    code, out, err = run_cli(capsys, name, "--json", "-C", str(demo_repo))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and words in err


def test_nan_metric_and_two_point_correlation_on_varied_repo(varied_repo: Path, capsys) -> None:
    """odd.json's `nan` is NaN in every revision: nothing to analyse. `lr_seen` has two
    revisions (v1, lr-high): their correlation with the lr they ran is defined and +1."""
    code, out, err = run_cli(capsys, "nan", "--json", "-C", str(varied_repo))
    assert code == 2 and out == "" and "no listed revision has a number" in err
    code, out, err = run_cli(capsys, "lr_seen", "--json", "-C", str(varied_repo))
    assert code == 0, err
    doc = json.loads(out)
    assert doc["metric"] == "odd.json:lr_seen" and doc["n"] == 2
    (lr,) = [p for p in doc["params"] if p["param"] == "config/train.toml:optimizer.lr"]
    assert lr["spearman"] == pytest.approx(1.0) and lr["pearson"] == pytest.approx(1.0)
    assert lr["n_values"] == 2 and set(lr["best"]) == {"0.1", "0.4"}
    assert doc["summary"]["odd.json:lr_seen"]["best"] is None  # neutral name: no best
    assert all(p["param"] != "params.yaml:tiny" for p in doc["params"])  # does not vary


# --- plain data: rules without a repo ----------------------------------------------------------
def _row(sha: str, metrics: dict[str, dict[str, Any]], params: dict[str, Any]) -> RevisionValues:
    revision = Revision(sha * 40, "experiment", name=f"exp-{sha}", baseline="f" * 40)
    return RevisionValues(revision, params={"params.yaml": params}, metrics=metrics)


def test_undefined_correlation_is_null_and_ambiguous_metric_needs_its_file() -> None:
    rows = [
        _row("a", {"a.json": {"acc": 0.5}, "b.json": {"acc": 1.0}}, {"lr": 0.1, "bs": 8}),
        _row("b", {"a.json": {"acc": 0.5}, "b.json": {"acc": 2.0}}, {"lr": 0.2, "bs": 8}),
        _row("c", {"a.json": {"acc": 0.5}, "b.json": {"acc": 3.0}}, {"lr": 0.3, "bs": 16}),
    ]
    with pytest.raises(InsightError, match=r"ambiguous; use one of a\.json:acc, b\.json:acc"):
        resolve_metric("acc", rows)
    constant = resolve_metric("a.json:acc", rows)
    doc = insight_json(insight(rows, constant, Settings()))
    assert [(p["param"], p["spearman"], p["pearson"]) for p in doc["params"]] == [
        ("params.yaml:bs", None, None),
        ("params.yaml:lr", None, None),
    ]
    assert doc["summary"]["a.json:acc"]["std"] == 0.0


def test_workspace_and_repeated_shas_count_once() -> None:
    rows = [
        _row("a", {"m.json": {"acc": 0.1}}, {"lr": 1}),
        _row("a", {"m.json": {"acc": 0.1}}, {"lr": 1}),
        _row("b", {"m.json": {"acc": 0.3}}, {"lr": 2}),
        RevisionValues(
            Revision("workspace", "workspace", name="workspace"),
            params={"params.yaml": {"lr": 9}},
            metrics={"m.json": {"acc": 9.0}},
        ),
    ]
    result = insight(rows, ColumnKey("metric", "m.json", "acc"), Settings())
    assert result.n == 2
    (lr,) = result.params
    assert lr.n_values == 2 and [g.text for g in lr.groups] == ["1", "2"]


def test_parallel_coordinates_scale_each_axis_and_leave_gaps() -> None:
    rows = [
        _row("a", {"m.json": {"acc": 0.5}}, {"lr": 0.1, "opt": "sgd"}),
        _row("b", {"m.json": {"acc": 1.0}}, {"lr": 0.3, "opt": "adam"}),
        _row("c", {"m.json": {"acc": 0.75}}, {"opt": "sgd"}),
        _row("d", {}, {"lr": 9.0, "opt": "rms"}),  # no metric: not drawn
    ]
    lr, opt = ColumnKey("param", "params.yaml", "lr"), ColumnKey("param", "params.yaml", "opt")
    chart = parallel_coordinates(rows, [lr, opt], ColumnKey("metric", "m.json", "acc"))
    assert [(a.low, a.high, a.categories) for a in chart.axes] == [
        (0.1, 0.3, ()),
        (None, None, ("adam", "sgd")),
        (0.5, 1.0, ()),
    ]
    assert [line.label for line in chart.lines] == ["exp-a", "exp-b", "exp-c"]
    assert [line.points for line in chart.lines] == [
        (0.0, 1.0, 0.0),
        (pytest.approx(1.0), 0.0, 1.0),
        (None, 1.0, 0.5),
    ]


def test_overflowing_statistics_are_null_so_the_json_is_strict() -> None:
    rows = [
        _row("a", {"m.json": {"size": 1e308}}, {"lr": 1}),
        _row("b", {"m.json": {"size": 1e308}}, {"lr": 1}),
        _row("c", {"m.json": {"size": 1.0}}, {"lr": 2}),
    ]
    doc = insight_json(insight(rows, ColumnKey("metric", "m.json", "size"), Settings()))
    json.dumps(doc, allow_nan=False)  # no NaN or Infinity anywhere
    (lr,) = doc["params"]
    assert lr["best"]["1"]["mean"] is None and lr["best"]["2"]["mean"] == 1.0
    assert doc["summary"]["m.json:size"]["mean"] is None
    assert doc["summary"]["m.json:size"]["best"]["value"] == 1.0  # size: lower is better


def test_metric_only_in_files_not_in_the_local_cache_says_why(nocache_clone: Path, capsys) -> None:
    """In a clone without the DVC cache `eval/stats.yaml` is unread in every revision: naming
    its metric says it could not be read and how to fetch it, not that it is unknown."""
    code, out, err = run_cli(capsys, "latency_ms", "--json", "-C", str(nocache_clone))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert "eval/stats.yaml" in err and "dvc pull" in err, err


def test_summary_names_a_best_revision_that_lacks_the_chosen_metric() -> None:
    """Summaries cover every shown row; the best of another metric may be a row without the
    chosen one, and it is still named (not null, not `-`)."""
    rows = [
        _row("a", {"m.json": {"acc": 0.1}}, {"lr": 1}),
        _row("b", {"m.json": {"acc": 0.3}}, {"lr": 2}),
        _row("c", {"x.json": {"loss": 0.01}}, {"lr": 3}),
        _row("d", {"x.json": {"loss": 0.5}, "m.json": {"acc": 0.2}}, {"lr": 4}),
    ]
    result = insight(rows, ColumnKey("metric", "m.json", "acc"), Settings())
    assert result.n == 3
    loss = insight_json(result)["summary"]["x.json:loss"]
    assert loss["count"] == 2 and loss["best"] == {"rev": "c" * 40, "name": "exp-c", "value": 0.01}
