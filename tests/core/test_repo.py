"""Revision listing: branches, remote branches, tags, experiments and unfinished runs."""

from __future__ import annotations

import itertools
import os
import subprocess
import time
from pathlib import Path

from cd4ml_tui.core.git.repo import open_repo
from cd4ml_tui.core.revisions import list_revisions
from cd4ml_tui.core.values.read import read_values
from cd4ml_tui.demo import RepoShell, dvc_command
from tests import builders


def test_experiments_follow_their_baseline_newest_first(demo_repo: Path) -> None:
    with open_repo(demo_repo) as repo:
        revisions = list_revisions(repo)
    assert revisions[0].kind == "workspace"
    for i, rev in enumerate(revisions):
        if rev.kind != "experiment":
            continue
        base = next(r for r in reversed(revisions[:i]) if r.kind == "commit")
        assert rev.baseline == base.rev == rev.parents[0]
    done = [r for r in revisions if r.status == "success"]
    assert len(done) >= 9 and all(r.refs[0].startswith("refs/exps/") for r in done)
    for a, b in itertools.pairwise(revisions):
        if a.status == b.status == "success" and a.baseline == b.baseline:
            assert (a.timestamp or "") >= (b.timestamp or "")


def test_queued_run_is_listed_after_the_finished_ones(demo_repo: Path) -> None:
    with open_repo(demo_repo) as repo:
        revisions = list_revisions(repo)
    queued = [r for r in revisions if r.status == "queued"]
    assert len(queued) == 1
    run = queued[0]
    assert run.kind == "experiment" and run.name and run.refs == ()
    group = [r for r in revisions if r.baseline == run.baseline]
    assert group[-1] == run  # running, finished, queued, failed: as `dvc exp show` orders them


def test_remote_tracking_branches(demo_repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", f"file://{demo_repo}", str(clone)], check=True, capture_output=True
    )
    with open_repo(clone) as repo:
        revisions = list_revisions(repo)
    by_ref = {ref: r for r in revisions for ref in r.refs}
    assert by_ref["refs/remotes/origin/feature/wider"].name == "origin/feature/wider"
    assert by_ref["refs/remotes/origin/main"].name == "main"  # the local branch names it first
    assert "refs/remotes/origin/HEAD" not in by_ref


def _new_commit(repo: Path, message: str) -> str:
    return builders.git(repo, "commit-tree", "HEAD^{tree}", "-p", "HEAD", "-m", message).strip()


def test_failed_run_as_dvc_records_it(demo_copy: Path) -> None:
    """DVC's `stash_failed` sets refs/exps/celery/failed with a `dvc-exp:` reflog message."""
    head = builders.git(demo_copy, "rev-parse", "HEAD").strip()
    stash = _new_commit(demo_copy, "failed run")
    message = f"commit: dvc-exp:{head}:{head}:broken-run"
    builders.git(
        demo_copy, "update-ref", "--create-reflog", "-m", message, "refs/exps/celery/failed", stash
    )
    with open_repo(demo_copy) as repo:
        revisions = list_revisions(repo)
    failed = [r for r in revisions if r.status == "failed"]
    assert [(r.rev, r.name, r.baseline) for r in failed] == [(stash, "broken-run", head)]
    group = [r for r in revisions if r.baseline == head]
    assert group[-1].status == "failed"


def test_running_run_needs_a_live_process(demo_copy: Path) -> None:
    head = builders.git(demo_copy, "rev-parse", "HEAD").strip()
    live, dead = _new_commit(demo_copy, "live"), _new_commit(demo_copy, "dead")
    builders.executor_files(demo_copy, live, head, os.getpid())
    builders.executor_files(demo_copy, dead, head, 2**22 + 12345)  # above Linux's default pid_max
    with open_repo(demo_copy) as repo:
        revisions = list_revisions(repo)
    running = [r for r in revisions if r.status == "running"]
    assert [(r.rev, r.name) for r in running] == [(live, "live-run")]
    assert dead not in {r.rev for r in revisions}
    group = [r for r in revisions if r.baseline == head]
    assert group[0].status == "running"


def test_detached_head_is_listed_first(detached_repo: Path) -> None:
    head = builders.git(detached_repo, "rev-parse", "HEAD").strip()
    with open_repo(detached_repo) as repo:
        revisions = list_revisions(repo)
    assert revisions[1].rev == head and revisions[1].name == "main"  # still main's commit
    builders.git(detached_repo, "commit", "-q", "--allow-empty", "-m", "on a detached HEAD")
    with open_repo(detached_repo) as repo:
        revisions = list_revisions(repo)
    assert revisions[1].parents == (head,)
    assert revisions[1].name == "HEAD" and revisions[1].refs == ("HEAD",)  # no ref names it


WAITING_STAGE = """\
import json, os, pathlib, time
json.dump({"acc": 0.5}, open("m.json", "w"))
release = pathlib.Path(os.environ["CD4ML_TEST_RELEASE"])
for _ in range(1200):  # gives up after two minutes whatever happens
    if release.exists():
        break
    time.sleep(0.1)
"""


def test_running_temp_run_shows_its_live_work_dir(tmp_path: Path) -> None:
    """A real `dvc exp run --temp` that waits for the test: listed as running, with the params
    and metrics of its temp work dir (as `dvc exp show` shows them); then a finished run."""
    root = tmp_path / "repo"
    root.mkdir()
    shell = RepoShell(root)
    shell.git("init", "-q", "-b", "main")
    shell.dvc("init", "-q")
    shell.write(
        {
            "stage.py": WAITING_STAGE,
            "params.yaml": "lr: 0.1\n",
            "dvc.yaml": "stages:\n  train:\n    cmd: python stage.py\n    deps: [stage.py]\n"
            "    params: [lr]\n    metrics:\n      - m.json:\n          cache: false\n",
        }
    )
    shell.commit_all("waiting stage")
    release = tmp_path / "release"
    env = dict(shell.env, CD4ML_TEST_RELEASE=str(release))
    run = subprocess.Popen(
        [*dvc_command(), "exp", "run", "--temp", "-n", "live", "-S", "lr=0.7"],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        running = []
        for _ in range(600):  # until DVC has started the stage (a minute at most)
            with open_repo(root) as repo:
                rows = list(read_values(repo, list_revisions(repo), use_cache=False))
            running = [r for r in rows if r.revision.status == "running"]
            if running and running[0].metrics:
                break
            time.sleep(0.1)
        assert len(running) == 1
        live = running[0]
        assert live.revision.name == "live" and live.revision.kind == "experiment"
        assert live.params == {"params.yaml": {"lr": 0.7}}
        assert live.metrics == {"m.json": {"acc": 0.5}}
    finally:
        release.write_text("go")
        run.wait(timeout=120)
    assert run.returncode == 0
    with open_repo(root) as repo:
        revisions = list_revisions(repo)
    assert [(r.name, r.status) for r in revisions if r.kind == "experiment"] == [
        ("live", "success")
    ]
