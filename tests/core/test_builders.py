"""The special-case repos from `tests/builders.py` are what their docstrings promise."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests import builders


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=repo, check=check, capture_output=True, text=True)


def test_isolated_environment_has_an_identity_but_no_user_config(tmp_path: Path) -> None:
    repo = builders.make_empty_git(tmp_path / "r")
    assert git(repo, "config", "user.email").stdout.strip() == "reviewer@example.invalid"
    listing = git(repo, "config", "--show-origin", "--list").stdout.splitlines()
    origins = {line.split("\t")[0] for line in listing}
    assert origins == {f"file:{os.environ['GIT_CONFIG_GLOBAL']}", "file:.git/config"}
    assert Path.home().is_relative_to(tempfile.gettempdir())
    assert Path(os.environ["DVC_GLOBAL_CONFIG_DIR"]).is_relative_to(Path.home())


def test_no_git_dir_is_outside_any_repo(no_git_dir: Path) -> None:
    assert git(no_git_dir, "rev-parse", "--git-dir", check=False).returncode != 0


def test_empty_and_bare(empty_git_repo: Path, bare_repo: Path) -> None:
    assert git(empty_git_repo, "rev-parse", "--verify", "HEAD", check=False).returncode != 0
    assert git(bare_repo, "rev-parse", "--is-bare-repository").stdout.strip() == "true"
    assert git(bare_repo, "rev-parse", "main").returncode == 0


def test_plain_git_has_no_dvc(plain_git_repo: Path) -> None:
    assert not (plain_git_repo / ".dvc").exists()
    assert git(plain_git_repo, "rev-list", "--count", "main").stdout.strip() == "2"
    assert (
        git(plain_git_repo, "rev-parse", "v1").stdout
        == git(plain_git_repo, "rev-parse", "other").stdout
    )


@pytest.mark.slow
def test_detached_and_shallow(detached_repo: Path, shallow_clone: Path) -> None:
    assert git(detached_repo, "symbolic-ref", "-q", "HEAD", check=False).returncode != 0
    assert git(detached_repo, "status", "--porcelain").stdout == ""
    assert git(shallow_clone, "rev-parse", "--is-shallow-repository").stdout.strip() == "true"
    assert git(shallow_clone, "for-each-ref", "refs/exps").stdout == ""


def test_corrupt_metrics_history(corrupt_metrics_repo: Path) -> None:
    import json

    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    def show(rev: str, path: str) -> str:
        return git(corrupt_metrics_repo, "show", f"{rev}:{path}").stdout

    assert json.loads(show("good", "metrics.json")) == {"accuracy": 0.8, "loss": 0.4}
    with pytest.raises(json.JSONDecodeError):
        json.loads(show("bad-metrics", "metrics.json"))
    with pytest.raises(YAMLError):
        YAML(typ="safe", pure=True).load(show("bad-params", "params.yaml"))
    assert (
        git(corrupt_metrics_repo, "rev-parse", "fixed").stdout
        == git(corrupt_metrics_repo, "rev-parse", "HEAD").stdout
    )


@pytest.mark.slow
def test_missing_cache_lacks_one_object_and_has_a_dead_remote(missing_cache_repo: Path) -> None:
    from dvc.repo import Repo

    lost = builders.out_md5(missing_cache_repo, "first", "eval/stats.yaml")
    kept = builders.out_md5(missing_cache_repo, "second", "eval/stats.yaml")
    objects = missing_cache_repo / ".dvc" / "cache" / "files" / "md5"
    assert not (objects / lost[:2] / lost[2:]).exists()
    assert (objects / kept[:2] / kept[2:]).is_file()
    with Repo(str(missing_cache_repo)) as repo:
        assert repo.config["core"]["remote"] == "store"
        assert repo.config["remote"]["store"]["url"] == builders.UNREACHABLE_REMOTE


@pytest.mark.slow
def test_dvc2_revision_uses_the_old_lock_and_cache_layout(dvc2_cache_repo: Path) -> None:
    from dvc.repo import Repo

    old_lock = git(dvc2_cache_repo, "show", "dvc2:dvc.lock").stdout
    assert "hash: md5" not in old_lock and "hash: md5" in (dvc2_cache_repo / "dvc.lock").read_text()
    old = builders.out_md5(dvc2_cache_repo, "dvc2", "eval/stats.yaml")
    new = builders.out_md5(dvc2_cache_repo, "dvc3", "eval/stats.yaml")
    cache = dvc2_cache_repo / ".dvc" / "cache"
    assert (cache / old[:2] / old[2:]).is_file()
    assert (cache / "files" / "md5" / new[:2] / new[2:]).is_file()
    shas = {tag: git(dvc2_cache_repo, "rev-parse", tag).stdout.strip() for tag in ("dvc2", "dvc3")}
    with Repo(str(dvc2_cache_repo)) as repo:
        by_rev = {state.rev: state for state in repo.experiments.show(all_tags=True)}
    for sha in shas.values():  # DVC 3 reads both layouts
        stats = by_rev[sha].data.metrics["eval/stats.yaml"]
        assert set(stats) == {"data"} and set(stats["data"]) == {"latency_ms", "model_size_kb"}


@pytest.mark.slow
def test_varied_formats_are_all_read_by_dvc(varied_repo: Path) -> None:
    import math

    from dvc.repo import Repo

    with Repo(str(varied_repo)) as repo:
        states = repo.experiments.show()
    head = next(s for s in states if s.name == "main")
    assert set(head.data.params) == {
        "params.yaml",
        "config/train.toml",
        "config/extra.json",
        "sub/params.yaml",
    }
    metrics = {path: entry["data"] for path, entry in head.data.metrics.items()}
    assert set(metrics) == {"scores.toml", "eval/summary.json", "odd.json", "sub/metrics.yaml"}
    assert math.isnan(metrics["odd.json"]["nan"]) and metrics["odd.json"]["inf"] == math.inf
    assert head.data.params["params.yaml"]["data"]["answer"] == "yes"
    assert [e.name for e in head.experiments or []] == ["lr-high"]
