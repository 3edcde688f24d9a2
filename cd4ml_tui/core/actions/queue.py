"""Start DVC's queued experiment runs in the background, and follow them.

Starting goes through DVC's queue API (`LocalCeleryQueue.start_workers`, what `dvc queue start`
runs; called in a child Python, see `start_queued`): it spawns a detached `dvc exp queue-worker`
that runs the queue one at a time and stops when it is empty, so nothing here waits for a run.
Following reads the queue as the table does (`core.dvc.queue`: the celery stash and failed
reflogs, the executors' info files) plus the experiment refs, so a status poll costs a few git
calls and no DVC import.

A queued task records the absolute path of the repo it was queued in. In a copied repo DVC's
worker would run it in the original, so starting refuses when the queue belongs elsewhere.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cd4ml_tui.core.dvc.queue import QueueEntry, queue_entries
from cd4ml_tui.core.errors import ActionError
from cd4ml_tui.core.git.objects import run_git
from cd4ml_tui.core.git.repo import Repo
from cd4ml_tui.core.model import RunStatus

WORKERS = 1  # `dvc queue start`'s default: one run at a time
START_TIMEOUT_SECONDS = 120


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
    if _worker_path() is None:
        raise ActionError("the `dvc` command is not on PATH: DVC's queue worker runs it")
    return QueuePlan(tuple(reversed(queued)))


def _worker_path() -> str | None:
    """A PATH on which DVC's worker finds `dvc`: ours, else ours with this interpreter's scripts
    folder first (a virtualenv used without activating it, as `make` and CI do)."""
    path = os.environ.get("PATH", "")
    if shutil.which("dvc", path=path):
        return path
    scripts = str(Path(sys.executable).parent)
    if shutil.which("dvc", path=scripts):
        return os.pathsep.join((scripts, path)) if path else scripts
    return None


def start_queued(repo: Repo, plan: QueuePlan) -> QueueRun:
    """Spawn DVC's queue worker for the queued runs and return at once.

    DVC forks the worker from the calling process; it finds its repo from the working directory
    it inherits, and it keeps every file the caller had open (our `git cat-file` pipes among
    them) for as long as it runs. So DVC's API is called from a short-lived child Python, in the
    project folder, with no pipe to us: it writes its answer to a file.
    """
    with tempfile.TemporaryDirectory(prefix="cd4ml-queue-") as tmp:
        answer = Path(tmp) / "answer.json"
        try:
            proc = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    _START_SCRIPT,
                    str(repo.project_root),
                    str(answer),
                    str(WORKERS),
                ],
                cwd=repo.project_root,
                env={**os.environ, "PATH": _worker_path() or os.environ.get("PATH", "")},
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=START_TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise ActionError("starting DVC's queue worker timed out") from None
        try:
            result = json.loads(answer.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise ActionError(
                f"starting DVC's queue worker failed (exit {proc.returncode}): "
                "run `dvc queue start` to see why"
            ) from None
    if "error" in result:
        raise ActionError(f"dvc: {result['error']}")
    if "foreign" in result:
        name, where = result["foreign"]
        raise ActionError(
            f"queued run {name} belongs to {where} (this repo is a copy): DVC would run it "
            "there; queue it again here"
        )
    return QueueRun(plan.entries, int(result["started"]))


# What runs in the child: DVC's queue API, as `dvc queue start` calls it.
_START_SCRIPT = """
import json, os, sys
root, answer, workers = sys.argv[1], sys.argv[2], int(sys.argv[3])
def same(a, b):
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False
try:
    from dvc.repo import Repo
    with Repo(root) as repo:
        queue = repo.experiments.celery_queue
        foreign = [
            (e.name or e.stash_rev[:7], e.dvc_root)
            for e in queue.iter_queued()
            if not same(e.dvc_root, root)
        ]
        if foreign:
            result = {"foreign": foreign[0]}
        else:
            result = {"started": queue.start_workers(workers)}
except Exception as err:
    lines = str(err).strip().splitlines() or [type(err).__name__]
    result = {"error": lines[0]}
with open(answer, "w", encoding="utf-8") as stream:
    json.dump(result, stream)
"""


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
