"""Start DVC's queued experiment runs in the background, and follow them.

Starting goes through DVC's queue API (`LocalCeleryQueue.start_workers`, what `dvc queue start`
runs): it spawns a detached `dvc exp queue-worker` that runs the queue one at a time and stops
when it is empty, so nothing here waits for a run. Following reads the queue as the table does
(`core.dvc.queue`: the celery stash and failed reflogs, the executors' info files) plus the
experiment refs, so a status poll costs a few git calls and no DVC import.

A queued task records the absolute path of the repo it was queued in. In a copied repo DVC's
worker would run it in the original, so starting refuses when the queue belongs elsewhere.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

from cd4ml_tui.core.dvc.project import dvc_project
from cd4ml_tui.core.dvc.queue import QueueEntry, queue_entries
from cd4ml_tui.core.errors import ActionError
from cd4ml_tui.core.git.objects import run_git
from cd4ml_tui.core.git.repo import Repo
from cd4ml_tui.core.model import RunStatus

WORKERS = 1  # `dvc queue start`'s default: one run at a time
_CHDIR_LOCK = threading.Lock()


@dataclass(frozen=True)
class QueuePlan:
    entries: tuple[QueueEntry, ...]  # the queued runs at plan time, oldest first

    @property
    def commands(self) -> tuple[tuple[str, ...], ...]:
        return (("dvc", "queue", "start", "--jobs", str(WORKERS)),)


@dataclass(frozen=True)
class RunState:
    stash_rev: str
    name: str | None
    baseline: str
    status: RunStatus

    @property
    def label(self) -> str:
        return self.name or self.stash_rev[:7]


@dataclass(frozen=True)
class QueueRun:
    """What was started: the runs to follow, and how many workers DVC spawned."""

    entries: tuple[QueueEntry, ...]
    workers_started: int


def _entries(repo: Repo) -> list[QueueEntry]:
    refs = set(run_git(repo.root, "for-each-ref", "--format=%(refname)", "refs/exps").split())
    return queue_entries(repo.project_root, repo.root, refs)


def plan_run_queued(repo: Repo) -> QueuePlan:
    """The queued runs a start would run; refuses when there are none or DVC cannot run them."""
    if not repo.has_dvc:
        raise ActionError(f"{repo.root} is not a DVC project: it has no experiment queue")
    queued = [e for e in _entries(repo) if e.status == "queued"]
    if not queued:
        raise ActionError("no queued experiments: queue one with `dvc exp run --queue`")
    if shutil.which("dvc") is None:
        raise ActionError("the `dvc` command is not on PATH: DVC's queue worker runs it")
    return QueuePlan(tuple(reversed(queued)))


def start_queued(repo: Repo, plan: QueuePlan) -> QueueRun:
    """Spawn DVC's queue worker for the queued runs and return at once."""
    with dvc_project(repo.project_root) as project:
        queue = project.experiments.celery_queue
        for entry in queue.iter_queued():
            if not _same_dir(Path(entry.dvc_root), repo.project_root):
                raise ActionError(
                    f"queued run {entry.name or entry.stash_rev[:7]} belongs to "
                    f"{entry.dvc_root} (this repo is a copy): DVC would run it there; "
                    "queue it again here"
                )
        # DVC forks the worker, which finds its repo from the working directory it inherits
        # (the `dvc` CLI always runs inside the repo): be there for the fork only.
        with _CHDIR_LOCK, contextlib.chdir(repo.project_root):
            started = queue.start_workers(WORKERS)
    return QueueRun(plan.entries, int(started))


def run_states(repo: Repo, run: QueueRun) -> tuple[RunState, ...]:
    """Where each started run is now: queued, running, success or failed."""
    now = {e.stash_rev: e for e in _entries(repo)}
    names = set(run_git(repo.root, "for-each-ref", "--format=%(refname)", "refs/exps").split())
    states = []
    for entry in run.entries:
        current = now.get(entry.stash_rev)
        status: RunStatus
        if current is not None:
            status = current.status
        elif entry.name and _exp_ref(entry) in names:
            status = "success"
        else:
            status = "running"  # between DVC's steps: taken from the queue, not yet recorded
        states.append(RunState(entry.stash_rev, entry.name, entry.baseline, status))
    return tuple(states)


def finished(states: tuple[RunState, ...]) -> bool:
    return all(s.status in ("success", "failed") for s in states)


def _exp_ref(entry: QueueEntry) -> str:
    return f"refs/exps/{entry.baseline[:2]}/{entry.baseline[2:]}/{entry.name}"


def _same_dir(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False
