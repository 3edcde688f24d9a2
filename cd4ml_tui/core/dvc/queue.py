"""Experiments that have no result ref yet: queued, running or failed, as DVC records them.

DVC keeps them outside `refs/exps/<baseline>/`:
- queued: entries of the `refs/exps/celery/stash` reflog (a run that starts is dropped from it);
- failed: entries of the `refs/exps/celery/failed` reflog;
- running: executor info files `.dvc/tmp/exps/{,standalone/}run/<stash>/<stash>.run` of runs
  still going (see `running_entries`); DVC shows their live work dir, and so do we.
Each stash entry's message is `commit: dvc-exp:<head>:<baseline>:<name>[:<branch>]`
(`ExpStash.MESSAGE_RE`); the entry's commit holds the experiment's params.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cd4ml_tui.core.git.objects import run_git
from cd4ml_tui.core.model import RunStatus

CELERY_STASH = "refs/exps/celery/stash"
CELERY_FAILED = "refs/exps/celery/failed"
STASH_MESSAGE = re.compile(
    r"(?:commit: )"
    r"dvc-exp:(?P<rev>[0-9a-f]+):(?P<baseline_rev>[0-9a-f]+)"
    r":(?P<name>[^~^:\\?\[\]*]*)"
    r"(:(?P<branch>.+))?$"
)
HEX40 = re.compile(r"^[0-9a-f]{40}$")
# dvc.repo.experiments.executor.base.TaskStatus: PENDING 0, PREPARING 1, RUNNING 2, SUCCESS 3
_RUNNING = 2
_SUCCESS = 3


@dataclass(frozen=True)
class QueueEntry:
    """One experiment without a result ref: its stash commit, baseline, name and state."""

    stash_rev: str
    baseline: str
    name: str | None
    status: RunStatus
    work_dir: Path | None = None  # a running run's live DVC project folder, if DVC keeps one


def stash_entries(root: Path, ref: str, status: RunStatus) -> list[QueueEntry]:
    """The DVC experiment entries in the reflog of the stash `ref` (newest first)."""
    out = run_git(root, "reflog", "show", "--format=%H%x00%gs", ref, "--", check=False)
    entries = []
    for line in out.splitlines():
        sha, _, subject = line.partition("\0")
        match = STASH_MESSAGE.match(subject.strip())
        if not match or not HEX40.match(sha):
            continue
        entries.append(QueueEntry(sha, match["baseline_rev"], match["name"] or None, status))
    return entries


def running_entries(root: Path) -> list[QueueEntry]:
    """Runs in progress, by DVC's own tests (`dvc/repo/experiments/queue/`):
    - `--temp` runs (`standalone/run/`): status not past SUCCESS and the temp work dir exists;
    - queued runs under a worker (`run/`): status not past RUNNING and the process in the proc
      info file next to it (written by `dvc_task`'s ProcessManager) still alive.
    Every run leaves its info file behind, so the work dir or live process is what tells."""
    base = root / ".dvc" / "tmp" / "exps"
    entries = []
    for run_dir, temp in ((base / "standalone" / "run", True), (base / "run", False)):
        for info_file in sorted(run_dir.glob("*/*.run")):
            entry = _running_entry(info_file, temp)
            if entry is not None:
                entries.append(entry)
    return entries


def _running_entry(info_file: Path, temp: bool) -> QueueEntry | None:
    stash = info_file.stem
    if not HEX40.match(stash):
        return None
    info = _read_json(info_file)
    if info is None or not isinstance(info.get("baseline_rev"), str) or info.get("collected"):
        return None
    status = info.get("status", 0)
    work = info.get("root_dir")
    work_dir = Path(work) if isinstance(work, str) and work else None
    if not isinstance(status, int):
        return None
    if temp:
        if status > _SUCCESS or work_dir is None or not work_dir.is_dir():
            return None
    elif status > _RUNNING or not _process_alive(info_file.with_suffix(".json")):
        return None
    project = work_dir
    dvc_dir = info.get("dvc_dir")
    if project is not None and isinstance(dvc_dir, str) and dvc_dir:
        project = project / Path(dvc_dir).parent
    name = info.get("name")
    return QueueEntry(
        stash, info["baseline_rev"], name if isinstance(name, str) else None, "running", project
    )


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _process_alive(proc_file: Path) -> bool:
    info = _read_json(proc_file)
    pid = info.get("pid") if info else None
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def queue_entries(project: Path, git_root: Path, refs: set[str]) -> list[QueueEntry]:
    """Running, then queued, then failed experiments of the DVC project at `project`; `refs`
    names the refs that exist, so that a repo without a queue costs no subprocess."""
    has_runs = (project / ".dvc" / "tmp" / "exps").is_dir()
    entries = running_entries(project) if has_runs else []
    if CELERY_STASH in refs:
        entries += stash_entries(git_root, CELERY_STASH, "queued")
    if CELERY_FAILED in refs:
        entries += stash_entries(git_root, CELERY_FAILED, "failed")
    seen: set[str] = set()
    unique = []
    for entry in entries:
        if entry.stash_rev not in seen:
            seen.add(entry.stash_rev)
            unique.append(entry)
    return unique
