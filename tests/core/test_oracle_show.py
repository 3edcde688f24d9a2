"""Oracle tests: our params and metrics equal DVC's own (`Repo.experiments.show`), value for value.

DVC writes its experiment cache into the repo it reads, so it only ever reads private copies.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cd4ml_tui.core.git.repo import open_repo
from cd4ml_tui.core.revisions import list_revisions
from cd4ml_tui.core.values.read import read_values
from cd4ml_tui.core.values.reader import NOT_IN_CACHE
from tests import builders
from tests.core.oracle import differences, dvc_view, ours_view
from tests.core.zoo import build_subdir_project, build_templated, zoo_repo

__all__ = ["zoo_repo"]


def _ours(path: Path, use_cache: bool = False) -> list:
    with open_repo(path) as repo:
        return list(read_values(repo, list_revisions(repo), use_cache=use_cache))


def test_demo_values_equal_dvc_exp_show(demo_copy: Path) -> None:
    dvc = dvc_view(demo_copy)
    ours = _ours(demo_copy)
    # the fixture is what we think it is: experiments, a queued run, a DVC-cached metrics file
    assert sum(1 for v in dvc.values() if v.get("name")) >= 9
    assert any(v.get("executor") == "queued" for v in dvc.values())
    assert any("eval/stats.yaml" in v["metrics"] for v in dvc.values())
    assert differences(dvc, ours_view(ours)) == []


def test_demo_queued_run_shows_params_but_no_metrics_like_dvc(demo_copy: Path) -> None:
    dvc = dvc_view(demo_copy)
    queued = {rev for rev, v in dvc.items() if v.get("executor") == "queued"}
    rows = {row.revision.rev: row for row in _ours(demo_copy)}
    for rev in queued:
        assert rows[rev].revision.status == "queued"
        assert rows[rev].metrics == {}
        assert rows[rev].params["params.yaml"] == dvc[rev]["params"]["params.yaml"]


def test_zoo_values_equal_dvc_exp_show(zoo_repo: Path, tmp_path: Path) -> None:
    # copy repo and its out-of-repo cache together (cache.dir is relative)
    copy = tmp_path / "zoo"
    shutil.copytree(zoo_repo.parent, copy, symlinks=True)
    repo = copy / zoo_repo.name
    dvc = dvc_view(repo)
    assert len(dvc) >= 6
    assert differences(dvc, ours_view(_ours(repo))) == []
    # and again through the persistent cache (cold write, then warm read)
    _ours(repo, use_cache=True)
    assert differences(dvc, ours_view(_ours(repo, use_cache=True))) == []


@pytest.mark.parametrize(
    "build", [builders.make_varied_formats, builders.make_dvc2_cache, build_templated]
)
def test_more_layouts_equal_dvc_exp_show(build, tmp_path: Path) -> None:
    """TOML metrics, a params file no stage uses, a sub-folder pipeline (varied formats); a
    DVC 2 lock and cache layout next to a DVC 3 one (dvc2 cache); `vars`, `${...}` and
    `foreach` resolved by DVC's resolver (templated)."""
    repo = build(tmp_path / "repo")
    dvc = dvc_view(repo)
    assert len(dvc) >= 3
    assert differences(dvc, ours_view(_ours(repo))) == []


def test_dvc_project_in_a_sub_folder_equals_dvc(tmp_path: Path) -> None:
    """A monorepo: paths are relative to the DVC project, as DVC prints them; opened from the
    git root, there is no DVC project (DVC's own rule)."""
    project = build_subdir_project(tmp_path / "mono")
    dvc = dvc_view(project)
    ours = _ours(project)
    assert differences(dvc, ours_view(ours)) == []
    assert ours[1].metrics["stats.yaml"] == {"lr_seen": 0.1}  # DVC-cached, from ml/.dvc/cache
    with open_repo(project.parent) as repo:
        assert not repo.has_dvc


def test_corrupt_files_fail_where_dvc_fails(corrupt_metrics_repo: Path, tmp_path: Path) -> None:
    copy = tmp_path / "corrupt"
    shutil.copytree(corrupt_metrics_repo, copy, symlinks=True)
    dvc = dvc_view(copy)
    assert any("<error>" in v["metrics"].values() for v in dvc.values())
    assert differences(dvc, ours_view(_ours(copy))) == []


def test_unreachable_remote_reports_missing_cache(missing_cache_repo: Path) -> None:
    rows = {ref: row for row in _ours(missing_cache_repo) for ref in row.revision.refs}
    first, second = rows["refs/tags/first"], rows["refs/tags/second"]
    assert first.errors["eval/stats.yaml"] == NOT_IN_CACHE
    assert "eval/stats.yaml" not in first.metrics
    assert first.metrics["metrics.json"]  # everything else of that revision still loads
    assert second.metrics["eval/stats.yaml"]
    assert "eval/stats.yaml" not in second.errors
