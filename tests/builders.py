"""Small special-case repos for bad-input and edge-case tests, built with the real git and dvc.

Each builder creates (or changes) a repo at the given path and returns the repo root. They are
quick (no `dvc exp run`) unless a docstring says otherwise. The shared demo repo comes from
`cd4ml_tui.demo.build_demo` through the fixtures in `conftest.py`.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from cd4ml_tui import demo_project
from cd4ml_tui.demo import RepoShell

UNREACHABLE_REMOTE = "http://127.0.0.1:9/store"  # port 9 (discard): refused at once, never served


def git(root: Path, *args: str) -> str:
    """Run git in `root` and return stdout; raise with stderr on failure."""
    return RepoShell(root).git(*args)


def make_empty_git(path: Path) -> Path:
    """`git init` and nothing else: a repo with no commits."""
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    return path


def make_bare(path: Path) -> Path:
    """A bare repository with one branch `main` (pushed from a throwaway clone)."""
    work = path.with_name(path.name + "-work")
    make_plain_git(work)
    subprocess.run(
        ["git", "clone", "-q", "--bare", str(work), str(path)], check=True, capture_output=True
    )
    shutil.rmtree(work)
    return path


def make_plain_git(path: Path) -> Path:
    """A git repo without DVC: two commits on `main` with a params.yaml and a metrics.json,
    a branch `other`, and a lightweight tag `v1`."""
    shell = RepoShell(make_empty_git(path))
    shell.write({"README.md": "plain git\n", "params.yaml": "lr: 0.1\n"})
    shell.commit_all("First commit")
    shell.git("tag", "v1")
    shell.write({"metrics.json": '{"accuracy": 0.5}\n'})
    shell.commit_all("Add metrics")
    shell.git("branch", "other", "v1")
    return path


def make_detached(repo: Path, rev: str = "HEAD") -> Path:
    """Detach HEAD of an existing repo (e.g. a `demo_copy`) at `rev`; the tree stays as it is
    when `rev` is HEAD."""
    git(repo, "checkout", "-q", "--detach", rev)
    return repo


def make_shallow_clone(src: Path, dst: Path) -> Path:
    """`git clone --depth 1 file://src dst`: one commit of history, no experiment refs and no
    DVC cache, so DVC-cached values are missing."""
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{src}", str(dst)],
        check=True,
        capture_output=True,
    )
    return dst


CORRUPT_DVC_YAML = """\
stages:
  train:
    cmd: python train.py
    params:
      - train.lr
    metrics:
      - metrics.json:
          cache: false
"""


def make_corrupt_metrics(path: Path) -> Path:
    """A DVC repo (no runs, no dvc.lock) whose history holds unparsable files in some commits.

    Commits on `main`, oldest first, each tagged:
    - `good`: params.yaml and metrics.json both valid;
    - `bad-metrics`: metrics.json is truncated JSON;
    - `bad-params`: params.yaml is invalid YAML (metrics valid again);
    - `fixed` (= HEAD): both valid again, with new values.
    """
    shell = RepoShell(make_empty_git(path))
    shell.dvc("init", "-q")
    shell.dvc("config", "core.analytics", "false")
    steps = [
        ("good", "train:\n  lr: 0.1\n", '{"accuracy": 0.8, "loss": 0.4}\n'),
        ("bad-metrics", "train:\n  lr: 0.2\n", '{"accuracy": 0.85, "loss":\n'),
        ("bad-params", "train:\n  lr: [0.3\n", '{"accuracy": 0.86, "loss": 0.3}\n'),
        ("fixed", "train:\n  lr: 0.05\n", '{"accuracy": 0.9, "loss": 0.2}\n'),
    ]
    shell.write({"dvc.yaml": CORRUPT_DVC_YAML, "train.py": "print('not run')\n"})
    for tag, params, metrics in steps:
        shell.write({"params.yaml": params, "metrics.json": metrics})
        shell.commit_all(f"Commit {tag}")
        shell.git("tag", tag)
    return path


def make_missing_cache(path: Path, remote_url: str = UNREACHABLE_REMOTE) -> Path:
    """A DVC repo with the demo pipeline run twice, where one revision's cached metrics object
    is gone from `.dvc/cache`, and a default remote at `remote_url` that never answers.

    Tags: `first` (its eval/stats.yaml object deleted from the cache) and `second` (= HEAD,
    complete). DVC's own `exp show` would try the remote for `first`; our reader must not.
    Takes a few seconds (two `dvc repro`).
    """
    shell = RepoShell(make_empty_git(path))
    shell.dvc("init", "-q")
    shell.dvc("config", "core.analytics", "false")
    shell.write(
        {
            "src/train.py": demo_project.TRAIN_PY,
            "dvc.yaml": demo_project.DVC_YAML,
            "params.yaml": demo_project.params_yaml(
                lr=0.01, epochs=4, layers=[32, 16], dropout=0.1
            ),
        }
    )
    shell.dvc("repro", "-q")
    shell.commit_all("First run")
    shell.git("tag", "first")
    lost = out_md5(path, "first", "eval/stats.yaml")
    shell.write(
        {"params.yaml": demo_project.params_yaml(lr=0.03, epochs=6, layers=[64, 32], dropout=0.1)}
    )
    shell.dvc("repro", "-q")
    shell.dvc("remote", "add", "-d", "store", remote_url)
    shell.commit_all("Second run, with a remote")
    shell.git("tag", "second")
    (path / ".dvc" / "cache" / "files" / "md5" / lost[:2] / lost[2:]).unlink()
    return path


def out_md5(repo: Path, rev: str, out_path: str) -> str:
    """The md5 that `rev`'s dvc.lock records for `out_path` (read as DVC reads YAML)."""
    from ruamel.yaml import YAML

    lock = YAML(typ="safe", pure=True).load(git(repo, "show", f"{rev}:dvc.lock"))
    for stage in lock["stages"].values():
        for out in stage.get("outs", []):
            if out["path"] == out_path:
                return str(out["md5"])
    raise KeyError(f"{out_path} not in {rev}:dvc.lock")
