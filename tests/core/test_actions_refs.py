"""`branch`, `remove` and `run-queued` against real repos: refs read back with git and DVC's API,
refusals change nothing, undo restores refs by sha, and a real queued run runs to success."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cd4ml_tui.core import api
from cd4ml_tui.core.errors import ActionError
from cd4ml_tui.demo import SHARED_EXP_NAME, RepoShell
from tests.builders import make_empty_git
from tests.promote_support import all_refs, fingerprint, git

WAIT_LIMIT_SECONDS = 180  # a bound on waiting for DVC's worker, not a speed assertion


def _dvc_names(root: Path) -> set[str]:
    """Experiment names `dvc exp show` lists, through DVC's API."""
    from dvc.repo import Repo

    out, err = sys.stdout, sys.stderr
    try:
        with Repo(str(root)) as repo:
            states = repo.experiments.show(all_branches=True, all_tags=True, force=True)
    finally:
        sys.stdout, sys.stderr = out, err
    return {
        exp_range.revs[0].name
        for state in states
        for exp_range in state.experiments or []
        if exp_range.revs[0].name
    }


def _two_experiments(root: Path) -> list[str]:
    with api.open_repo(root) as repo:
        head = repo.head
        names = [
            r.name
            for r in api.list_revisions(repo)
            if r.kind == "experiment" and r.status == "success" and r.baseline == head and r.name
        ]
    return names[:2]


def test_branch_from_an_experiment_keeps_head_and_refuses_an_existing_name(
    demo_copy: Path,
) -> None:
    name = _two_experiments(demo_copy)[0]
    before = fingerprint(demo_copy)
    head = git(demo_copy, "symbolic-ref", "HEAD")
    with api.open_repo(demo_copy) as repo:
        revision = api.resolve_revision(repo, name)
        plan = api.plan_branch(repo, revision)
        assert plan.name == f"{name}-branch"  # dvc exp branch's default
        api.create_branch(repo, plan)
        assert git(demo_copy, "rev-parse", plan.ref).strip() == revision.rev
        assert git(demo_copy, "symbolic-ref", "HEAD") == head
        assert fingerprint(demo_copy) == before
        refs = all_refs(demo_copy)
        with pytest.raises(ActionError, match="already exists"):
            api.plan_branch(repo, revision)
        with pytest.raises(ActionError, match="already exists"):
            api.create_branch(repo, plan)
        assert all_refs(demo_copy) == refs
        api.undo_branch(repo, plan)
    assert git(demo_copy, "branch", "--list", plan.name) == ""
    assert fingerprint(demo_copy) == before


def test_cli_branch_refuses_an_existing_name_with_exit_2(demo_copy: Path) -> None:
    name = _two_experiments(demo_copy)[0]
    argv = [sys.executable, "-m", "cd4ml_tui", "branch", name, "main", "-C", str(demo_copy)]
    refs = all_refs(demo_copy)
    proc = subprocess.run(argv, capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert proc.stderr.strip() == "cd4ml-tui: branch 'main' already exists: name another one"
    assert all_refs(demo_copy) == refs


def test_removed_experiments_are_gone_from_dvc_and_undo_restores_them(demo_copy: Path) -> None:
    names = _two_experiments(demo_copy)
    assert len(names) == 2 and set(names) <= _dvc_names(demo_copy)
    refs = all_refs(demo_copy)
    before = fingerprint(demo_copy)
    with api.open_repo(demo_copy) as repo:
        plan = api.plan_remove(repo, [api.resolve_revision(repo, n) for n in names])
        result = api.remove_experiments(repo, plan)
        assert not set(names) & _dvc_names(demo_copy)
        assert fingerprint(demo_copy) == before  # HEAD, index, work tree, stash untouched
        api.undo_remove(repo, result)
    assert set(names) <= _dvc_names(demo_copy)
    assert all_refs(demo_copy) == refs


def test_remove_refuses_what_is_not_an_experiment(demo_copy: Path) -> None:
    refs = all_refs(demo_copy)
    with api.open_repo(demo_copy) as repo:
        for name in ("main", "v0.1"):
            with pytest.raises(ActionError, match="not an experiment"):
                api.plan_remove(repo, [api.resolve_revision(repo, name)])
        with pytest.raises(ActionError, match="unknown remote"):
            exp = api.resolve_revision(repo, _two_experiments(demo_copy)[0])
            api.plan_remove(repo, [exp], remote="nowhere")
    assert all_refs(demo_copy) == refs


def test_cli_remove_without_a_terminal_asks_for_yes(demo_copy: Path) -> None:
    name = _two_experiments(demo_copy)[0]
    refs = all_refs(demo_copy)
    argv = [sys.executable, "-m", "cd4ml_tui", "remove", name, "-C", str(demo_copy)]
    proc = subprocess.run(
        argv, capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL
    )
    assert proc.returncode == 2 and "--yes" in proc.stderr.splitlines()[-1]
    assert all_refs(demo_copy) == refs
    proc = subprocess.run([*argv, "--yes"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert name not in _dvc_names(demo_copy)


def test_remove_on_a_remote_and_undo_pushes_them_back(demo_copy: Path, tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    git(demo_copy, "remote", "add", "origin", str(remote))
    git(demo_copy, "push", "-q", "origin", "main", "refs/exps/*:refs/exps/*")
    names = _two_experiments(demo_copy)
    with api.open_repo(demo_copy) as repo:
        plan = api.plan_remove(repo, [api.resolve_revision(repo, n) for n in names], "origin")
        result = api.remove_experiments(repo, plan)
        assert result.remote_removed
        on_remote = git(remote, "for-each-ref", "--format=%(refname)", "refs/exps")
        assert not {r.ref for r in plan.refs} & set(on_remote.split())
        api.undo_remove(repo, result)
    on_remote = git(remote, "for-each-ref", "--format=%(refname) %(objectname)", "refs/exps")
    assert {f"{r.ref} {r.oid}" for r in plan.refs} <= set(on_remote.splitlines())


TINY_STAGE = """\
stages:
  count:
    cmd: >-
      python -c "n=int(open('params.yaml').read().split(':')[1]);
      open('out.json','w').write(str(2*n))"
    params: [n]
    outs: [out.json]
"""


def _queued_project(path: Path) -> RepoShell:
    """A tiny DVC project with one experiment queued (`dvc exp run --queue`), built in place:
    a queued task records the absolute path of its repo, so it cannot be copied."""
    shell = RepoShell(make_empty_git(path))
    shell.dvc("init")
    shell.write({"dvc.yaml": TINY_STAGE, "params.yaml": "n: 1\n", ".gitignore": "/out.json\n"})
    shell.commit_all("Tiny pipeline")
    shell.dvc("exp", "run", "--queue", "-n", "double-3", "-S", "n=3")
    return shell


def test_run_queued_runs_a_real_queued_experiment_to_success(tmp_path: Path) -> None:
    root = _queued_project(tmp_path / "tiny").root
    copy = tmp_path / "copy"
    shutil.copytree(root, copy, symlinks=True)
    with api.open_repo(copy) as repo:  # the copy's queue belongs to the original
        plan = api.plan_run_queued(repo)
        with pytest.raises(ActionError, match="this repo is a copy"):
            api.start_queued(repo, plan)
    head = git(root, "rev-parse", "HEAD")
    with api.open_repo(root) as repo:
        plan = api.plan_run_queued(repo)
        assert [e.name for e in plan.entries] == ["double-3"]
        run = api.start_queued(repo, plan)
        seen = [s.status for s in api.run_states(repo, run)]
        deadline = time.monotonic() + WAIT_LIMIT_SECONDS
        while not api.finished(states := api.run_states(repo, run)):
            seen.append(states[0].status)
            assert time.monotonic() < deadline, f"the queued run never finished: {seen}"
            time.sleep(0.5)
    assert [s.status for s in states] == ["success"]
    assert seen[0] in ("queued", "running")
    assert "double-3" in _dvc_names(root)
    assert git(root, "rev-parse", "HEAD") == head
    with api.open_repo(root) as repo, pytest.raises(ActionError, match="no queued"):
        api.plan_run_queued(repo)


def test_cli_actions_note_which_experiment_a_shared_name_picked(demo_copy: Path) -> None:
    """`lr-0.01` is used under two baselines: apply, branch and remove pick the one on HEAD's
    baseline, as DVC's resolve_name does, and say so on stderr (as compare, plots and diff do)."""
    base = [sys.executable, "-m", "cd4ml_tui"]
    for argv in (
        ["apply", SHARED_EXP_NAME, "--dry-run"],
        ["branch", SHARED_EXP_NAME, "--dry-run"],
        ["remove", SHARED_EXP_NAME, "--dry-run"],
    ):
        proc = subprocess.run(
            [*base, *argv, "-C", str(demo_copy)], capture_output=True, text=True, check=False
        )
        assert proc.returncode == 0, proc.stderr
        assert f"experiment name '{SHARED_EXP_NAME}' is used under 2 baselines; picked" in (
            proc.stderr
        ), argv
