"""Oracle tests on the project layouts DVC's own tests use (`tests/core/layouts*.py`).

Each layout is held against DVC's own Python API three ways, in both directions (same values,
same types, nothing extra on our side): `show --json` against `Repo.experiments.show`,
`compare --all --json` against `Repo.experiments.diff(all=True)`, `plots --json` against
`Repo.plots.diff` as `dvc plots diff --json` renders it. One test per layout, so that each
session fixture is read by one xdist worker only (DVC locks the repo while it reads).
"""

from __future__ import annotations

import io
import json
import shutil
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest

from cd4ml_tui.cli import main
from cd4ml_tui.core.diff.changes import changed_files
from cd4ml_tui.core.git.repo import open_repo
from cd4ml_tui.core.revisions import list_revisions, resolve_revision
from tests.builders import git
from tests.core.layouts import subdir_plots_repo, wdir_plots_repo
from tests.core.layouts_more import outs_layouts_repo, templated_layouts_repo
from tests.core.oracle import ERROR, differences, dvc_view
from tests.core.test_compare_oracle import assert_same, dvc_diffs, quiet_dvc, strip_ours
from tests.core.test_plots_oracle import dvc_plots, normalise_ours

__all__ = ["outs_layouts_repo", "subdir_plots_repo", "templated_layouts_repo", "wdir_plots_repo"]


def cli_json(*argv: str) -> Any:
    """Run our CLI in-process and parse what it printed."""
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        code = main(list(argv))
    assert code == 0, argv
    return json.loads(buffer.getvalue())


def show_view(path: Path) -> dict[str, dict[str, Any]]:
    """`show --json --no-cache` in `oracle.dvc_view`'s shape (an unread file as ERROR)."""
    view: dict[str, dict[str, Any]] = {}
    for row in cli_json("show", "--json", "--no-cache", "-C", str(path))["revisions"]:
        params, metrics = dict(row["params"]), dict(row["metrics"])
        for file in row["errors"]:
            if file not in params and file not in metrics:
                params.setdefault(file, ERROR)
                metrics.setdefault(file, ERROR)
        view[row["rev"]] = {"params": params, "metrics": metrics, "errors": row["errors"]}
        view[row["rev"]]["status"] = row["status"]
    return view


def hold_show(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """Our `show --json` equals `dvc exp show -a -T`: same revisions, files, keys and types."""
    dvc, ours = dvc_view(path), show_view(path)
    assert set(ours) == set(dvc)
    assert differences(dvc, ours) == []
    return dvc, ours


def hold_compare(path: Path, base: str, rev: str) -> dict[str, Any]:
    """Our `compare BASE REV --all --json` equals `dvc exp diff BASE REV --all`."""
    ours = cli_json("compare", base, rev, "--json", "--all", "-C", str(path))
    theirs = dvc_diffs(path, base, rev)["exp"]
    assert_same(strip_ours(ours), json.loads(json.dumps(theirs)), f"{base}..{rev}")
    return ours


def hold_plots(path: Path, revs: list[str]) -> dict[str, Any]:
    """Our `plots --json` equals what `dvc plots diff` renders, value for value and type for
    type, with no error on our side."""
    ours = cli_json("plots", *revs, "--json", "-C", str(path))
    assert_same(normalise_ours(ours), dvc_plots(path, revs), "plots")
    assert [p for p, plot in ours["plots"].items() if plot.get("errors")] == []
    return ours


def hold_data_diff(path: Path, base: str, head: str, prefix: str = "") -> set[tuple[str, str]]:
    """The DVC outs our diff lists between two commits are `dvc diff`'s (our paths are relative
    to the git root: `prefix` is the project's folder). DVC also lists each file inside a
    changed directory out; we list the out once, with its recorded states."""
    from dvc.repo import Repo

    with quiet_dvc(), Repo(str(path)) as dvc_repo:
        theirs = dvc_repo.diff(base, head)
    entries = [(kind, e["path"]) for kind in ("added", "deleted", "modified") for e in theirs[kind]]
    folders = [p for _, p in entries if p.endswith("/")]
    expected = {
        (kind, prefix + p.rstrip("/"))
        for kind, p in entries
        if not any(p != f and p.startswith(f) for f in folders)
    }
    with open_repo(path) as repo:
        listed = list_revisions(repo)
        base_rev, head_rev = (resolve_revision(repo, name, listed) for name in (base, head))
        changes = changed_files(repo, base_rev, head_rev).files
    assert {(c.status, c.path) for c in changes if c.kind == "dvc"} == expected
    return expected


def test_sub_folder_project_equals_dvc(subdir_plots_repo: Path) -> None:
    """`dvc init --subdir`: values, comparisons, plots (a DVC-cached stage plot, a `wdir`
    stage's plot, a top-level plot of both) and data diffs, relative to the project."""
    hold_show(subdir_plots_repo)
    hold_compare(subdir_plots_repo, "v1", "lr-3")
    hold_compare(subdir_plots_repo, "main", "workspace")
    revs = ["workspace", "main", "v1", "lr-3"]
    plots = hold_plots(subdir_plots_repo, revs)
    assert set(plots["plots"]) == {"logs/train.csv", "eval/curve.json", "Both losses"}
    assert all(set(p["series"]) == set(revs) for p in plots["plots"].values())

    # data diffs go through the project's own dvc.lock; paths stay relative to the git root
    expected = hold_data_diff(subdir_plots_repo, "v1", "lr-3", prefix="ml/")
    assert ("modified", "ml/logs/train.csv") in expected


def test_wdir_stages_equal_dvc(wdir_plots_repo: Path) -> None:
    """Stages with a `wdir`, in the root dvc.yaml and in a nested one; a top-level plot with
    two fields of one file."""
    hold_show(wdir_plots_repo)
    hold_compare(wdir_plots_repo, "v1", "scale-2")
    assert hold_data_diff(wdir_plots_repo, "v1", "scale-2") == {("modified", "work/out/steps.csv")}
    plots = hold_plots(wdir_plots_repo, ["workspace", "main", "scale-2", "v1"])
    assert {"work/out/steps.csv", "sub/inner/curve.json"} <= set(plots["plots"])
    assert set(plots["plots"]["Steps"]["series"]["main"]["y"]) == {"loss", "acc"}


def test_templated_layouts_equal_dvc(templated_layouts_repo: Path) -> None:
    """`foreach` and `matrix` stages, `vars` from params.yaml and from a custom file, params in
    YAML, TOML, JSON and Python, top-level `params:`, `metrics:` and `plots:` with `${...}` in
    ids, x/y and files; multi-file and multi-field plots."""
    repo = templated_layouts_repo
    dvc, _ = hold_show(repo)
    main_rev = dvc[git(repo, "rev-parse", "main").strip()]
    assert {"params.toml", "hp.py", "cfg.json", "extra.json", "config.yaml"} <= set(
        main_rev["params"]
    )
    assert {"opts.1", "report.file"} <= set(main_rev["params"]["config.yaml"])  # vars used
    for rev in ("lr-up", "batch-up"):
        hold_compare(repo, "v1", rev)
    hold_compare(repo, "main", "workspace")
    assert ("modified", "out/big/curve.json") in hold_data_diff(repo, "v1", "lr-up")  # foreach
    plots = hold_plots(repo, ["workspace", "main", "lr-up", "batch-up"])
    assert set(plots["plots"]) == {
        "out/small/curve.json",  # foreach-generated stage plots
        "out/big/curve.json",
        "logs/report.csv",  # `${report.file}` in a stage plot, `${report.field}` its y
        "Report curve",  # `${report.title}` id, y from `${report.file}`: two fields
        "Fits",  # two files
    }
    assert set(plots["plots"]["Report curve"]["series"]["main"]["y"]) == {"loss", "acc"}
    assert len(plots["plots"]["Fits"]["series"]["main"]["y"]) == 2


def test_outs_and_odd_values_equal_dvc(outs_layouts_repo: Path) -> None:
    """Metrics in a cached directory out (a file and a folder), bare scalars, odd YAML types, a
    renamed metrics file, a nested `wdir` stage, failed and queued runs, a confusion plot with
    string classes, and an experiment name used under two baselines."""
    repo = outs_layouts_repo
    dvc, ours = hold_show(repo)
    statuses = {v["status"] for v in ours.values()}
    assert {"failed", "queued"} <= statuses
    v1, head = (dvc[git(repo, "rev-parse", name).strip()] for name in ("v1", "main"))
    assert "legacy.json" in v1["metrics"] and "current.json" not in v1["metrics"]
    metrics = head["metrics"]
    assert {"results/sub/a.json", "results/sub/b.yaml", "results/metrics.json"} <= set(metrics)
    assert metrics["scalar.yaml"] == {"": pytest.approx(0.6)}
    assert metrics["flag.json"] == {"": True}
    assert "nested/work/scores.json" in metrics

    failed = next(rev for rev, v in ours.items() if v["status"] == "failed")
    for base, rev in [("v1", "main"), ("main", "lr-4"), ("main", "workspace"), ("main", failed)]:
        hold_compare(repo, base, rev)
    assert ("modified", "results") in hold_data_diff(repo, "v1", "lr-4")  # a directory out
    scalar = hold_compare(repo, "main", "lr-4")["metrics"]["scalar.yaml"]
    assert list(scalar) == [""]  # `dvc exp diff`'s row for a bare scalar

    # `same` names an experiment under v1 and under main: DVC's resolve_name picks HEAD's
    hold_compare(repo, "v1", "same")
    with open_repo(repo) as opened:
        picked: list[str] = []
        same = resolve_revision(opened, "same", list_revisions(opened), picked)
        assert same.baseline == opened.head and len(picked) == 1
        assert same.short in picked[0] and "HEAD" in picked[0]

    plots = hold_plots(repo, ["workspace", "main", "lr-4", "v1"])
    confusion = plots["plots"]["confusion.json"]
    assert confusion["template"] == "confusion"
    assert "cat" in confusion["series"]["main"]["x"]


@pytest.mark.parametrize(
    ("fixture", "revs"),
    [
        ("dvc2_cache_repo", ["dvc2", "dvc3", "workspace"]),  # DVC 2 lock and cache layout
        ("varied_repo", ["v1", "lr-high", "workspace"]),  # a plot inside a directory out
    ],
)
def test_cache_layouts_plots_and_compare_equal_dvc(
    fixture: str, revs: list[str], request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """Plot data read through a DVC 2 `.dvc/cache/<h[:2]>/<h[2:]>` object and through a `.dir`
    manifest agree with DVC; so does the comparison of the two revisions."""
    copy = tmp_path / "repo"
    shutil.copytree(request.getfixturevalue(fixture), copy, symlinks=True)
    plots = hold_plots(copy, revs)
    assert plots["plots"]
    for plot in plots["plots"].values():  # every revision has data (or an image) for each plot
        assert set(plot.get("series") or plot.get("images") or {}) == set(revs)
    hold_compare(copy, revs[0], revs[1])
    hold_data_diff(copy, revs[0], revs[1])
