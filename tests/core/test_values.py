"""The reader on the zoo repo: which files, how they parse, where DVC-tracked bytes come from."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest

from cd4ml_tui.core.compare.deltas import metric_direction
from cd4ml_tui.core.config import Settings
from cd4ml_tui.core.git.repo import open_repo
from cd4ml_tui.core.model import ColumnKey, RevisionValues
from cd4ml_tui.core.revisions import list_revisions
from cd4ml_tui.core.table.columns import columns, labels
from cd4ml_tui.core.values.read import load, read_values
from cd4ml_tui.core.values.reader import NO_SUCH_FILE, NOT_IN_CACHE
from tests.core.zoo import zoo_repo

__all__ = ["zoo_repo"]


@pytest.fixture(scope="module")
def zoo(zoo_repo: Path) -> dict[str, RevisionValues]:
    """Every zoo revision read without the cache, by ref name (and "workspace")."""
    with open_repo(zoo_repo) as repo:
        rows = list(read_values(repo, list_revisions(repo), use_cache=False))
    named = {"workspace": rows[0]}
    for row in rows[1:]:
        for ref in row.revision.refs:
            named[ref.rsplit("/", 1)[-1]] = row
    return named


@pytest.fixture
def zoo_copy(zoo_repo: Path, tmp_path: Path) -> Path:
    """A private copy of the zoo with its out-of-repo DVC cache (cache.dir is relative)."""
    shutil.copytree(zoo_repo.parent, tmp_path / "zoo", symlinks=True)
    return tmp_path / "zoo" / zoo_repo.name


def test_files_in_dvc_order(zoo: dict[str, RevisionValues]) -> None:
    v1 = zoo["v1"]
    assert list(v1.params) == [
        "params.yaml",
        "config.toml",
        "hp.py",
        "sub/work/params.yaml",
        "sub/work/cfg.json",
        "extra.json",
        "extra.toml",
        "sub/top.yaml",
    ]
    assert list(v1.metrics) == [
        "metrics.json",
        "stats.yaml",
        "scalar.yaml",
        "results/scores.json",
        "summary/a.json",
        "summary/b.yaml",
        "sub/work/out/metrics.json",
    ]
    assert v1.errors == {}


def test_yaml_is_read_as_yaml_1_2(zoo: dict[str, RevisionValues]) -> None:
    params = zoo["v1"].params["params.yaml"]
    assert params["train.wd"] == 0.0001 and isinstance(params["train.wd"], float)
    assert params["train.flag"] == "yes"
    assert params["train.layers"] == [64, 32]  # lists stay lists
    assert params["nothing"] is None
    assert "empty" not in params  # an empty mapping has no keys, as in DVC's flatten
    stats = zoo["v1"].metrics["stats.yaml"]
    assert stats == {"size": 10, "word": "yes", "sci": 0.0001}


def test_stage_keys_select_from_non_default_files(zoo: dict[str, RevisionValues]) -> None:
    params = zoo["v1"].params
    assert params["config.toml"] == {"model.depth": 3, "model.name": "x"}
    assert params["sub/work/params.yaml"] == {"alpha": 0.2}  # `beta` is not named
    assert params["sub/work/cfg.json"] == {"opt.momentum": 0.8}
    assert params["hp.py"] == {"LR": 0.1, "NAME": "net", "LAYERS": [1, 2], "Opt.momentum": 0.9}


def test_dates_and_big_numbers_are_json_shaped(zoo: dict[str, RevisionValues]) -> None:
    params = zoo["v1"].params
    assert params["extra.toml"] == {"run.started": "1979-05-27T07:32:00+00:00", "run.id": 7}
    assert params["sub/top.yaml"] == {"mode": "fast", "since": "2020-01-02T03:04:05"}
    assert params["extra.json"]["big"] == 12345678901234567890


def test_metrics_keep_what_dvc_keeps(zoo: dict[str, RevisionValues]) -> None:
    metrics = zoo["v1"].metrics["metrics.json"]
    assert list(metrics) == ["acc", "ok", "label", "nested.deep.x", "nan", "inf"]
    assert metrics["ok"] is True and metrics["label"] == "v"
    assert math.isnan(metrics["nan"]) and metrics["inf"] == math.inf
    # a bare number: DVC's `{"data": 0.5}`, its `exp diff` key "" (its table names it by file)
    assert zoo["v1"].metrics["scalar.yaml"] == {"": 0.5}


def test_a_bare_scalar_column_is_named_after_its_file(zoo: dict[str, RevisionValues]) -> None:
    """As in `dvc exp show`'s table; its direction is guessed from the file's name."""
    cols = columns(list(zoo.values()))
    scalar = ColumnKey("metric", "scalar.yaml", "")
    assert scalar in cols and labels(cols)[scalar] == "scalar.yaml"
    loss = ColumnKey("metric", "eval/loss.yaml", "")
    assert metric_direction(loss, Settings()).direction == "min"


def test_dvc_tracked_metrics_come_from_the_custom_cache(zoo: dict[str, RevisionValues]) -> None:
    assert zoo["v1"].metrics["results/scores.json"] == {"auc": 0.51, "cls.a": 0.1}
    assert zoo["b2"].metrics["results/scores.json"] == {"auc": 0.52, "cls.a": 0.1}
    assert zoo["v1"].metrics["sub/work/out/metrics.json"] == {"score": 0.4, "sub.n": 3}
    assert zoo["b2"].metrics["sub/work/out/metrics.json"] == {"score": 0.6, "sub.n": 3}
    assert zoo["exp-lr"].metrics["stats.yaml"]["size"] == 40


def test_directory_metrics_expand_to_their_files(zoo: dict[str, RevisionValues]) -> None:
    assert zoo["v1"].metrics["summary/a.json"] == {"rows": 10}
    assert zoo["v1"].metrics["summary/b.yaml"] == {"cols": 3}


def test_one_corrupt_file_leaves_the_rest(zoo: dict[str, RevisionValues]) -> None:
    broken = zoo["broken-extra"]
    assert set(broken.errors) == {"extra.json"}
    message = broken.errors["extra.json"]
    assert "extra.json" in message and "JSON" in message and "line 2" in message
    assert "extra.json" not in broken.params
    assert broken.params["params.yaml"]["train.lr"] == 0.01
    assert broken.metrics["results/scores.json"]["auc"] == 0.51


def test_workspace_is_read_from_disk(zoo: dict[str, RevisionValues]) -> None:
    assert zoo["workspace"].params["params.yaml"]["train.lr"] == 0.05  # edited, not committed
    assert zoo["main"].params["params.yaml"]["train.lr"] == 0.01
    assert zoo["exp-lr"].params["params.yaml"]["train.lr"] == 0.04


def test_missing_cache_object_is_reported_not_fetched(zoo_copy: Path) -> None:
    cache = zoo_copy.parent / "zoo-cache"
    shutil.rmtree(cache)
    repo, rows = load(zoo_copy, use_cache=False)
    repo.close()
    v1 = next(r for r in rows if "refs/tags/v1" in r.revision.refs)
    assert v1.errors["stats.yaml"] == NOT_IN_CACHE
    assert v1.errors["results/scores.json"] == NOT_IN_CACHE  # its directory manifest is gone
    assert v1.metrics["metrics.json"]["acc"] == 0.51


def test_deleted_workspace_metrics_fall_back_to_the_cache(zoo_copy: Path) -> None:
    (zoo_copy / "stats.yaml").unlink()
    (zoo_copy / "metrics.json").unlink()
    repo, rows = load(zoo_copy, use_cache=False)
    repo.close()
    workspace = rows[0]
    assert workspace.metrics["stats.yaml"]["size"] == 10  # DVC-tracked: from the cache
    assert workspace.errors["metrics.json"] == NO_SUCH_FILE  # git-tracked, gone


def test_rows_are_yielded_in_order_with_progress(zoo_repo: Path) -> None:
    seen: list[tuple[int, int]] = []
    with open_repo(zoo_repo) as repo:
        revisions = list_revisions(repo)
        rows = read_values(
            repo, revisions, use_cache=False, progress=lambda d, t: seen.append((d, t))
        )
        first = next(rows)
        assert first.revision == revisions[0] and seen == [(1, len(revisions))]
        rest = list(rows)
    assert [r.revision for r in rest] == revisions[1:]
    assert seen[-1] == (len(revisions), len(revisions))
