"""Push to a real bare remote, push failure and retry, undo (local and remote), and races."""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path

import pytest

from cd4ml_tui.core.errors import PromotionError
from cd4ml_tui.core.git.repo import open_repo
from cd4ml_tui.core.promote.plan import DuplicateVersionError, PromotionPlan, plan_promotion
from cd4ml_tui.core.promote.write import PromotionResult, PushError, apply, push, undo
from cd4ml_tui.core.revisions import resolve_revision
from tests.promote_support import (
    CLI,
    all_refs,
    fingerprint,
    git,
    gto_show,
    make_registry_repo,
    tag_names,
)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_registry_repo(tmp_path / "reg")


def _remote_refs(remote: Path) -> dict[str, str]:
    out = git(remote, "for-each-ref", "--format=%(refname) %(objectname)")
    return dict(line.split(" ") for line in out.splitlines())


def _plan(root: Path, rev: str = "main", **kwargs: object) -> PromotionPlan:
    with open_repo(root) as repo:
        return plan_promotion(repo, resolve_revision(repo, rev), **kwargs)  # type: ignore[arg-type]


def test_push_to_bare_remote_reads_back_from_a_clone(root: Path, tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(root, "remote", "add", "origin", str(remote))
    plan = _plan(root, artifact="clf", version="v1.0.0", stage="prod", branch="ship", remote=True)
    assert plan.remote == "origin"
    assert plan.push_command == (
        "git",
        "push",
        "origin",
        "refs/tags/clf@v1.0.0",
        "refs/tags/clf#prod#1",
        "refs/heads/ship",
    )
    with open_repo(root) as repo:
        result = push(repo, apply(repo, plan))
    assert result.pushed
    on_remote = _remote_refs(remote)
    for created in result.created:
        assert on_remote[created.ref] == created.oid
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(remote), str(clone))
    show = gto_show(clone)["clf"]
    assert (show["version"], show["stage"]["prod"]) == ("v1.0.0", "v1.0.0")


def test_push_failure_keeps_local_tags_and_retry_pushes_them(root: Path, tmp_path: Path) -> None:
    remote = tmp_path / "not-yet.git"  # unreachable: nothing there yet
    plan = _plan(root, artifact="clf", version="v1.0.0", stage="prod", remote=str(remote))
    with open_repo(root) as repo:
        result = apply(repo, plan)
        with pytest.raises(PushError) as caught:
            push(repo, result)
    message = str(caught.value)
    assert "created clf@v1.0.0, clf#prod#1 locally" in message
    assert "retry with: git push" in message
    assert tag_names(root) == ["clf#prod#1", "clf@v1.0.0"]
    assert not caught.value.result.pushed

    git(tmp_path, "init", "-q", "--bare", str(remote))
    with open_repo(root) as repo:
        retried = push(repo, caught.value.result)
    assert retried.pushed
    assert set(_remote_refs(remote)) == {"refs/tags/clf@v1.0.0", "refs/tags/clf#prod#1"}


def test_undo_local_only(root: Path) -> None:
    before_refs, before_files = all_refs(root), fingerprint(root)
    plan = _plan(root, artifact="clf", version="v1.0.0", stage="prod", branch=True)
    with open_repo(root) as repo:
        result = apply(repo, plan)
        assert "clf" in gto_show(root)
        report = undo(repo, result)
    assert set(report.deleted) == {"clf@v1.0.0", "clf#prod#1", "main-branch"}
    assert report.kept == () and report.remote_deleted == ()
    assert all_refs(root) == before_refs
    assert fingerprint(root) == before_files
    assert "clf" not in gto_show(root)


def test_undo_remote_only_when_confirmed(root: Path, tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(root, "remote", "add", "origin", str(remote))
    with open_repo(root) as repo:
        first = push(
            repo,
            apply(repo, _plan(root, "HEAD~1", artifact="clf", version="v1.0.0", remote="origin")),
        )
        kept = undo(repo, first, remote_confirmed=False)
    assert kept.deleted == ("clf@v1.0.0",) and kept.remote_deleted == ()
    assert "refs/tags/clf@v1.0.0" in _remote_refs(remote)

    with open_repo(root) as repo:
        second = push(
            repo,
            apply(
                repo, _plan(root, artifact="clf", version="v2.0.0", stage="prod", remote="origin")
            ),
        )
        report = undo(repo, second, remote_confirmed=True)
    assert set(report.remote_deleted) == {"clf@v2.0.0", "clf#prod#1"}
    assert report.remote_error is None
    assert set(_remote_refs(remote)) == {"refs/tags/clf@v1.0.0"}


def test_undo_leaves_a_tag_that_changed_since(root: Path) -> None:
    with open_repo(root) as repo:
        result = apply(repo, _plan(root, artifact="clf", version="v1.0.0"))
    git(root, "tag", "-f", "-a", "clf@v1.0.0", "-m", "someone re-made it", "HEAD~1")
    replaced = git(root, "rev-parse", "refs/tags/clf@v1.0.0")
    with open_repo(root) as repo:
        report = undo(repo, result)
    assert report.kept == ("clf@v1.0.0",)
    assert git(root, "rev-parse", "refs/tags/clf@v1.0.0") == replaced


def test_race_threads_same_version(root: Path) -> None:
    plans = [
        _plan(root, "HEAD~1", artifact="clf", version="v1.0.0"),
        _plan(root, "main", artifact="clf", version="v1.0.0"),
    ]
    barrier = threading.Barrier(2)
    outcomes: list[PromotionResult | Exception] = [Exception("not run")] * 2

    def run(index: int) -> None:
        with open_repo(root) as repo:
            barrier.wait()
            try:
                outcomes[index] = apply(repo, plans[index])
            except PromotionError as err:
                outcomes[index] = err

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [o for o in outcomes if isinstance(o, PromotionResult)]
    losers = [o for o in outcomes if isinstance(o, DuplicateVersionError)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    assert "already exists" in str(losers[0])
    [version] = gto_show(root, "clf")
    assert version["commit_hexsha"] == winners[0].plan.commit
    assert tag_names(root) == ["clf@v1.0.0"]


def test_race_processes_same_version_and_stage(root: Path) -> None:
    options = ["--repo", str(root), "--artifact", "clf", "--version", "v1.0.0", "--stage", "prod"]
    procs = [
        subprocess.Popen(
            [*CLI, "promote", rev, *options, "--yes"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        for rev in ("HEAD~1", "main")
    ]
    results = [(p.wait(), *p.communicate()) for p in procs]
    codes = sorted(code for code, _, _ in results)
    assert codes == [0, 2], results
    loser = next(err for code, _, err in results if code == 2)
    assert "already exists" in loser and loser.count("\n") == 1
    assert tag_names(root) == ["clf#prod#1", "clf@v1.0.0"]
    assert gto_show(root)["clf"]["stage"]["prod"] == "v1.0.0"
