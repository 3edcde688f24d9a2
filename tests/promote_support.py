"""Helpers for the promotion tests: a small registry repo, real gto read-backs, and a fingerprint
of everything a promotion must leave alone (HEAD, index, stash, working tree)."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path
from typing import Any

GTO = str(Path(sys.executable).with_name("gto"))
CLI = [sys.executable, "-m", "cd4ml_tui"]


def git(repo: Path, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True)
    return proc.stdout.strip()


def gto(repo: Path, *args: str) -> str:
    """Run the real gto CLI against `repo` (slow: about a second per call, so used sparingly)."""
    proc = subprocess.run([GTO, *args], cwd=repo, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, f"gto {' '.join(args)} failed: {proc.stderr}{proc.stdout}"
    return proc.stdout


def gto_show(repo: Path, name: str | None = None) -> Any:
    """gto's own `show` (Python API): the registry, or one artifact's versions."""
    from gto import api

    return api.show(str(repo), name=name)


def gto_history(repo: Path, name: str) -> list[dict[str, Any]]:
    from gto import api

    return list(api.history(str(repo), artifact=name))


def write_gto_history(repo: Path) -> None:
    """History written by the real gto: two registrations, two assignments, an unassignment
    (tags clf@v1.0.0, clf#prod#1, clf@v1.1.0, clf#staging#2, clf#prod!#3)."""
    from gto import api

    api.register(str(repo), "clf", "HEAD~3", version="v1.0.0")
    api.assign(str(repo), "clf", "prod", version="v1.0.0")
    api.register(str(repo), "clf", "HEAD~2", version="v1.1.0")
    api.assign(str(repo), "clf", "staging", version="v1.1.0")
    api.unassign(str(repo), "clf", version="v1.0.0", stage="prod")


def make_registry_repo(path: Path, *, artifacts: bool = True, commits: int = 4) -> Path:
    """A git repo (no DVC needed: GTO reads only git) with `clf` declared in dvc.yaml and
    `nlp:tagger` in nlp/dvc.yaml, `commits` commits on main and a params/metrics pair."""
    path.mkdir(parents=True)
    git(path, "init", "-q", "-b", "main")
    if artifacts:
        (path / "dvc.yaml").write_text(
            "artifacts:\n  clf:\n    path: model/clf.pkl\n    type: model\n"
            "    desc: a classifier\n    labels: [demo]\n"
        )
        (path / "nlp").mkdir()
        (path / "nlp" / "dvc.yaml").write_text("artifacts:\n  tagger:\n    path: tagger.bin\n")
    (path / "params.yaml").write_text("lr: 0.1\n")
    git(path, "add", "-A")
    git(path, "commit", "-qm", "commit 1")
    for number in range(2, commits + 1):
        (path / "params.yaml").write_text(f"lr: 0.{number}\n")
        git(path, "commit", "-qam", f"commit {number}")
    return path


def tag_names(repo: Path) -> list[str]:
    return sorted(git(repo, "tag", "--list").splitlines())


def all_refs(repo: Path) -> str:
    return git(repo, "for-each-ref", "--format=%(refname) %(objectname)")


def fingerprint(repo: Path) -> dict[str, str]:
    """Hashes of HEAD, the index, the stash list and every work-tree file (outside .git)."""
    prints = {
        ".git/HEAD": _digest((repo / ".git" / "HEAD").read_bytes()),
        ".git/index": _digest((repo / ".git" / "index").read_bytes())
        if (repo / ".git" / "index").exists()
        else "",
        "stash": _digest(git(repo, "stash", "list").encode()),
    }
    for file in sorted(repo.rglob("*")):
        rel = file.relative_to(repo).as_posix()
        if rel == ".git" or rel.startswith(".git/") or not file.is_file():
            continue
        prints[rel] = _digest(file.read_bytes())
    return prints


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
