"""Oracle: our two-revision compare JSON against DVC's `exp diff`, `metrics diff`, `params diff`.

DVC writes its experiment cache while diffing, so these run on a private copy of the demo repo.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from pathlib import Path
from typing import Any

import pytest

from cd4ml_tui.cli import main
from cd4ml_tui.core.compare.deltas import compare
from cd4ml_tui.core.compare.report import diff_json
from cd4ml_tui.core.config import Settings
from cd4ml_tui.core.git.repo import open_repo
from cd4ml_tui.core.revisions import list_revisions, resolve_revision
from cd4ml_tui.core.values.read import read_values
from tests.core.oracle import same

OUR_KEYS = ("pct", "better", "direction", "inferred")
# (baseline, revision): an experiment, another branch (a list param changes), a tag, the workspace
PAIRS = [
    ("main", "lr-0.1"),
    ("main", "feature/wider"),
    ("v0.1", "main"),
    ("feature/dropout", "drop-0.4"),
    ("main", "workspace"),
]


@contextmanager
def quiet_dvc() -> Iterator[None]:
    """DVC's API swaps sys.stdout/stderr for its own writers; put them back afterwards."""
    out, err = sys.stdout, sys.stderr
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err


def dvc_diffs(root: Path, a_rev: str, b_rev: str) -> dict[str, Any]:
    from dvc.repo import Repo

    exp_b_rev = None if b_rev == "workspace" else b_rev  # `exp diff` says workspace with None
    with quiet_dvc(), Repo(str(root)) as repo:
        return {
            "exp": repo.experiments.diff(a_rev=a_rev, b_rev=exp_b_rev, all=True),
            "exp_changed": repo.experiments.diff(a_rev=a_rev, b_rev=exp_b_rev),
            "metrics": repo.metrics.diff(a_rev=a_rev, b_rev=b_rev, all=True).get("diff", {}),
            "params": repo.params.diff(a_rev=a_rev, b_rev=b_rev, all=True).get("diff", {}),
        }


def ours(root: Path, base: str, rev: str, all_rows: bool) -> dict[str, Any]:
    with open_repo(root) as repo:
        listed = list_revisions(repo)
        revisions = [resolve_revision(repo, name, listed) for name in (base, rev)]
        values = list(read_values(repo, revisions, use_cache=False))
    return diff_json(compare(values[0], values[1:], Settings()), all_rows=all_rows)


def strip_ours(document: dict[str, Any]) -> dict[str, Any]:
    """Our JSON without the keys DVC does not have, through JSON like DVC's `--json` output."""
    stripped = {
        kind: {
            path: {key: {k: v for k, v in e.items() if k not in OUR_KEYS} for key, e in k2.items()}
            for path, k2 in files.items()
        }
        for kind, files in document.items()
    }
    return json.loads(json.dumps(stripped))


def assert_same(ours_doc: Any, dvc_doc: Any, where: str = "") -> None:
    if isinstance(dvc_doc, dict):
        assert isinstance(ours_doc, dict), where
        assert set(ours_doc) == set(dvc_doc), f"{where}: {set(ours_doc) ^ set(dvc_doc)}"
        for key in dvc_doc:
            assert_same(ours_doc[key], dvc_doc[key], f"{where}/{key}")
    else:
        assert same(ours_doc, dvc_doc), f"{where}: ours {ours_doc!r} != dvc {dvc_doc!r}"


@pytest.fixture(scope="module")
def oracle_repo(demo_repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    import shutil

    target = tmp_path_factory.mktemp("compare-oracle") / "demo"
    shutil.copytree(demo_repo, target, symlinks=True)
    return target


@pytest.mark.parametrize(("base", "rev"), PAIRS)
def test_two_way_json_equals_dvc_exp_diff(oracle_repo: Path, base: str, rev: str) -> None:
    dvc = dvc_diffs(oracle_repo, base, rev)
    ours_all = strip_ours(ours(oracle_repo, base, rev, all_rows=True))
    ours_changed = strip_ours(ours(oracle_repo, base, rev, all_rows=False))
    assert_same(ours_all, json.loads(json.dumps(dvc["exp"])), "exp diff --all")
    assert_same(ours_changed, json.loads(json.dumps(dvc["exp_changed"])), "exp diff")
    assert_same(ours_all["metrics"], json.loads(json.dumps(dvc["metrics"])), "metrics diff")
    assert_same(ours_all["params"], json.loads(json.dumps(dvc["params"])), "params diff")
    assert ours_all["metrics"], "the demo repo has metrics to compare"


def test_cli_two_way_json_equals_dvc(oracle_repo: Path) -> None:
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        code = main(["compare", "main", "feature/wider", "--json", "--all", "-C", str(oracle_repo)])
    assert code == 0
    printed = json.loads(buffer.getvalue())
    dvc = dvc_diffs(oracle_repo, "main", "feature/wider")["exp"]
    assert_same(strip_ours(printed), json.loads(json.dumps(dvc)), "cli")
    layers = printed["params"]["params.yaml"]["train.layers"]
    assert layers["old"] == "[64, 32]" and layers["new"] == "[128, 64]" and "diff" not in layers
    latency = printed["metrics"]["eval/stats.yaml"]["latency_ms"]
    assert latency["direction"] == "min" and latency["inferred"] is True
    assert latency["better"] is (latency["new"] < latency["old"])
