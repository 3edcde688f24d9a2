"""Every refusal: a clear one-line PromotionError, and not a single ref written."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from cd4ml_tui.core.errors import PromotionError, UnknownRevisionError
from cd4ml_tui.core.git.repo import open_repo
from cd4ml_tui.core.model import RunStatus
from cd4ml_tui.core.promote.plan import (
    DuplicateVersionError,
    InvalidNameError,
    NoIdentityError,
    VersionOnCommitError,
    check_promotable,
    plan_promotion,
)
from cd4ml_tui.core.revisions import list_revisions, resolve_revision
from tests.promote_support import all_refs, fingerprint, git, make_registry_repo, write_gto_history


@pytest.fixture
def repo_root(tmp_path: Path) -> Path:
    root = make_registry_repo(tmp_path / "reg")
    write_gto_history(root)  # clf v1.0.0 at HEAD~3, v1.1.0 at HEAD~2
    return root


def _refuse(root: Path, rev: str, error: type[Exception], match: str, **kwargs: object) -> str:
    before_refs, before_files = all_refs(root), fingerprint(root)
    with open_repo(root) as repo, pytest.raises(error, match=match) as caught:
        plan_promotion(repo, resolve_revision(repo, rev), **kwargs)  # type: ignore[arg-type]
    assert all_refs(root) == before_refs
    assert fingerprint(root) == before_files
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_version_that_exists(repo_root: Path) -> None:
    message = _refuse(
        repo_root, "main", DuplicateVersionError, "already exists", artifact="clf", version="v1.1.0"
    )
    assert "clf v1.1.0" in message


def test_second_version_on_a_commit(repo_root: Path) -> None:
    message = _refuse(
        repo_root,
        "HEAD~2",
        VersionOnCommitError,
        "one version per commit",
        artifact="clf",
        version="v3.0.0",
    )
    assert "already carries clf v1.1.0" in message


def test_deregistered_version_still_blocks_its_name_and_its_commit(repo_root: Path) -> None:
    from gto import api

    api.deregister(str(repo_root), "clf", version="v1.1.0")
    _refuse(repo_root, "main", DuplicateVersionError, "v1.1.0", artifact="clf", version="v1.1.0")
    _refuse(
        repo_root, "HEAD~2", VersionOnCommitError, "deregistered", artifact="clf", version="v9.0.0"
    )


@pytest.mark.parametrize("version", ["1.2.0", "v1.2", "v01.2.0", "V1.2.0", "vlatest", "v1.2.0 "])
def test_invalid_version(repo_root: Path, version: str) -> None:
    _refuse(repo_root, "main", InvalidNameError, "invalid version", artifact="clf", version=version)


@pytest.mark.parametrize("stage", ["-prod", "prod_", "pr od", "pr#od", "a@b", ""])
def test_invalid_stage_gto_pattern(repo_root: Path, stage: str) -> None:
    _refuse(
        repo_root,
        "main",
        InvalidNameError,
        "invalid stage",
        artifact="clf",
        version="v2.0.0",
        stage=stage,
    )


def test_stage_gto_accepts_but_git_refuses(repo_root: Path) -> None:
    # GTO's name pattern allows '//', git's check-ref-format does not.
    _refuse(
        repo_root,
        "main",
        InvalidNameError,
        "check-ref-format",
        artifact="clf",
        version="v2.0.0",
        stage="a//b",
    )


def test_stage_not_in_gto_config(repo_root: Path) -> None:
    (repo_root / ".gto").write_text("stages: [dev, prod]\n")
    message = _refuse(
        repo_root,
        "main",
        InvalidNameError,
        "not allowed by .gto",
        artifact="clf",
        version="v2.0.0",
        stage="qa",
    )
    assert "dev, prod" in message


def test_invalid_artifact_name_declared_in_dvc_yaml(repo_root: Path) -> None:
    (repo_root / "dvc.yaml").write_text("artifacts:\n  bad_:\n    path: m.pkl\n")
    git(repo_root, "commit", "-qam", "declare an artifact GTO cannot tag")
    _refuse(
        repo_root,
        "main",
        InvalidNameError,
        "invalid artifact name",
        artifact="bad_",
        version="v1.0.0",
    )


def test_unknown_artifact_lists_the_known_ones(repo_root: Path) -> None:
    message = _refuse(
        repo_root, "main", PromotionError, "unknown artifact", artifact="clff", version="v2.0.0"
    )
    assert "clf, nlp:tagger" in message


def test_stage_without_artifact(tmp_path: Path) -> None:
    root = make_registry_repo(tmp_path / "plain", artifacts=False)
    _refuse(
        root,
        "main",
        PromotionError,
        "needs an artifact",
        artifact=None,
        version="v1.0.0",
        stage="prod",
    )


def test_plain_release_refuses_an_existing_version_and_a_released_commit(tmp_path: Path) -> None:
    root = make_registry_repo(tmp_path / "plain", artifacts=False)
    git(root, "tag", "-a", "v1.0.0", "-m", "released", "HEAD~1")
    _refuse(root, "main", DuplicateVersionError, "release v1.0.0", artifact=None, version="v1.0.0")
    _refuse(
        root,
        "HEAD~1",
        VersionOnCommitError,
        "already released as v1.0.0",
        artifact=None,
        version="v2.0.0",
    )


def test_unknown_revision(repo_root: Path) -> None:
    with open_repo(repo_root) as repo, pytest.raises(UnknownRevisionError, match="'nope'"):
        resolve_revision(repo, "nope")


def test_workspace_is_not_a_commit(repo_root: Path) -> None:
    before = all_refs(repo_root)
    with open_repo(repo_root) as repo, pytest.raises(PromotionError, match="workspace"):
        plan_promotion(repo, list_revisions(repo)[0], artifact="clf", version="v2.0.0")
    assert all_refs(repo_root) == before


def test_existing_branch(repo_root: Path) -> None:
    git(repo_root, "branch", "ship")
    _refuse(
        repo_root,
        "main",
        PromotionError,
        "branch 'ship' already exists",
        artifact="clf",
        version="v2.0.0",
        branch="ship",
    )


def test_no_git_identity(repo_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "empty.gitconfig"
    empty.write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    for name in ("GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL"):
        monkeypatch.delenv(name, raising=False)
    assert "GIT_CONFIG_NOSYSTEM" in os.environ
    message = _refuse(
        repo_root, "main", NoIdentityError, "no git identity", artifact="clf", version="v2.0.0"
    )
    assert 'git config --global user.name "Your Name"' in message


@pytest.mark.parametrize("status", ["queued", "running", "failed"])
def test_unfinished_runs_are_refused_before_anything_is_planned(
    repo_root: Path, status: RunStatus
) -> None:
    with open_repo(repo_root) as repo:
        head = resolve_revision(repo, "main")
        unfinished = replace(head, kind="experiment", name="exp-x", status=status)
        with pytest.raises(PromotionError, match=f"cannot promote exp-x: its run is {status}"):
            check_promotable(unfinished)
        with pytest.raises(PromotionError, match=f"its run is {status}"):
            plan_promotion(repo, unfinished, artifact="clf", version="v9.0.0")
        check_promotable(replace(unfinished, status="success"))  # a finished run passes
