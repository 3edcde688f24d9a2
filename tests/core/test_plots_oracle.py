"""Oracle: our plots data against what DVC's own `plots diff` hands its renderers.

DVC's datapoints come from `Repo.plots.diff(revs=...)` through `dvc.render.match
.match_defs_renderers` (what `dvc plots diff --json` fills its templates with). CSV cells are text
there and numbers in ours, so DVC's cells go through the same number reading before comparing.
"""

from __future__ import annotations

import io
import json
import logging
import shutil
import sys
from collections import Counter
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest

from cd4ml_tui.cli import main
from cd4ml_tui.core.git.repo import open_repo
from cd4ml_tui.core.plots.load import load_plots, plots_json
from cd4ml_tui.core.plots.series import number_or_text
from cd4ml_tui.core.revisions import list_revisions, resolve_revision

REVS = ["main", "lr-0.1", "feature/wider", "v0.1"]


def dvc_plots(root: Path, revs: list[str]) -> dict[str, Any]:
    """{plot id: {"x": field, "series": {rev: {"x": [...], "y": {field: [...]}}}} or images}."""
    from dvc.render.match import match_defs_renderers
    from dvc.repo import Repo

    out, err = sys.stdout, sys.stderr
    # DVC's log handlers keep the stream of whichever test set them up first; once pytest has
    # closed that capture, a warning (e.g. a join error DVC skips) raises. Its warnings are not
    # what this oracle compares, so logging is switched off while it runs.
    logging.disable(logging.CRITICAL)
    try:
        with Repo(str(root)) as repo:
            renderers = match_defs_renderers(repo.plots.diff(revs=list(revs)))
    finally:
        sys.stdout, sys.stderr = out, err
        logging.disable(logging.NOTSET)
    result: dict[str, Any] = {}
    for found in renderers:
        renderer = found.renderer
        if renderer.TYPE == "image":
            entry = result.setdefault(renderer.name, {"images": {}})
            for point in renderer.datapoints:
                entry["images"].setdefault(point["rev"], []).append(point["filename"])
            continue
        x_field = renderer.properties["x"]
        pairs = {(p.get("filename"), p["field"]) for p in renderer.datapoints}
        field_counts = Counter(field for _, field in pairs)
        series: dict[str, Any] = {}
        for point in renderer.datapoints:
            rev_series = series.setdefault(point["rev"], {"x": {}, "y": {}})
            field = point["field"]
            key = field if field_counts[field] == 1 else f"{point['filename']}::{field}"
            rev_series["y"].setdefault(key, []).append(number_or_text(str(point[field])))
            rev_series["x"].setdefault(key, []).append(number_or_text(str(point[x_field])))
        result[renderer.name] = {"x": x_field, "series": series}
    return result


def normalise_ours(document: dict[str, Any]) -> dict[str, Any]:
    """Our JSON in the oracle's form: x values per y field; numbers as a CSV reader reads them."""
    result: dict[str, Any] = {}
    for plot_id, plot in document["plots"].items():
        if plot["kind"] == "image":
            result[plot_id] = {"images": plot["images"]}
            continue
        series = {}
        for rev, data in plot["series"].items():
            xs = data.get("xs") or {}
            series[rev] = {
                "x": {k: [number_or_text(str(v)) for v in xs.get(k, data["x"])] for k in data["y"]},
                "y": {k: [number_or_text(str(v)) for v in ys] for k, ys in data["y"].items()},
            }
        result[plot_id] = {"x": plot["x"], "series": series}
    return result


@pytest.fixture(scope="module")
def oracle_repo(demo_repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("plots-oracle") / "demo"
    shutil.copytree(demo_repo, target, symlinks=True)
    return target


def ours(root: Path, revs: list[str]) -> dict[str, Any]:
    with open_repo(root) as repo:
        listed = list_revisions(repo)
        revisions = [resolve_revision(repo, name, listed) for name in revs]
        return plots_json(load_plots(repo, revisions, revs))


def test_plots_data_equals_dvc_plots_diff(oracle_repo: Path) -> None:
    expected = dvc_plots(oracle_repo, REVS)
    got = ours(oracle_repo, REVS)
    assert normalise_ours(got) == expected
    # Every kind of plot in the demo is covered: top-level with y per file, a template, a stage
    # plot from a cache:false CSV, a plot from a DVC-cached JSON, and an image.
    assert set(got["plots"]) == {
        "Training curves",
        "plots/confusion.json",
        "plots/train.csv",
        "plots/importance.png",
    }
    curves = got["plots"]["Training curves"]["series"]["main"]
    assert set(curves["y"]) == {"loss", "accuracy"} and curves["x"][0] == 1
    assert got["plots"]["plots/confusion.json"]["template"] == "confusion"


def test_plots_workspace_and_experiment(oracle_repo: Path) -> None:
    revs = ["workspace", "epochs-20"]
    assert normalise_ours(ours(oracle_repo, revs)) == dvc_plots(oracle_repo, revs)


def test_cli_plots_json_and_errors(oracle_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        code = main(["plots", "main", "lr-0.1", "--json", "--plot", "plots/train.csv", "-C",
                     str(oracle_repo)])  # fmt: skip
    assert code == 0
    printed = json.loads(buffer.getvalue())
    assert list(printed["plots"]) == ["plots/train.csv"]
    assert list(printed["plots"]["plots/train.csv"]["series"]) == ["main", "lr-0.1"]
    assert main(["plots", "main", "--plot", "nope", "-C", str(oracle_repo)]) == 2
    assert "no plot 'nope'" in capsys.readouterr().err
    # a name used under two baselines is the one on HEAD's baseline (DVC's resolve_name), noted
    assert main(["plots", "lr-0.01", "-C", str(oracle_repo)]) == 0
    assert "used under 2 baselines; picked" in capsys.readouterr().err
