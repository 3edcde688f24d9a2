"""Small special-case repos for bad-input and edge-case tests, built with the real git and dvc.

Each builder creates (or changes) a repo at the given path and returns the repo root. They are
quick (no `dvc exp run`) unless a docstring says otherwise. The shared demo repo comes from
`cd4ml_tui.demo.build_demo` through the fixtures in `conftest.py`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

from cd4ml_tui import demo_project
from cd4ml_tui.demo import RepoShell

UNREACHABLE_REMOTE = "http://127.0.0.1:9/store"  # port 9 (discard): refused at once, never served


def git(root: Path, *args: str) -> str:
    """Run git in `root` and return stdout; raise with stderr on failure."""
    return RepoShell(root).git(*args)


def settle(git_dir: Path) -> None:
    """Age every file and folder of a git dir as if written a minute ago: a ref fingerprint taken
    right after a change is marked unsettled and equals no other (`core.git.watch`)."""
    old = time.time_ns() - 60 * 10**9
    for path in [git_dir, *git_dir.rglob("*")]:
        os.utime(path, ns=(old, old), follow_symlinks=False)


def executor_files(repo: Path, stash: str, baseline: str, pid: int) -> None:
    """The info and process files DVC's executors keep under .dvc/tmp/exps/run/<stash>/."""
    folder = repo / ".dvc" / "tmp" / "exps" / "run" / stash
    folder.mkdir(parents=True)
    info = {"baseline_rev": baseline, "name": "live-run", "status": 2, "root_dir": str(repo)}
    (folder / f"{stash}.run").write_text(json.dumps(info))
    (folder / f"{stash}.json").write_text(json.dumps({"pid": pid}))


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


def make_clone(src: Path, dst: Path) -> Path:
    """`git clone src dst` plus its experiment refs, as a reviewer's fresh clone: full history,
    no DVC cache (nothing pulled)."""
    subprocess.run(["git", "clone", "-q", str(src), str(dst)], check=True, capture_output=True)
    git(dst, "fetch", "-q", "origin", "refs/exps/*:refs/exps/*")
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
    shell.dvc("init")
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


def _training_project(path: Path, *, lr: float, epochs: int, dropout: float) -> RepoShell:
    """A fresh git + DVC repo holding the demo's training pipeline, not yet run or committed."""
    shell = RepoShell(make_empty_git(path))
    shell.dvc("init")
    shell.dvc("config", "core.analytics", "false")
    shell.write(
        {
            "src/train.py": demo_project.TRAIN_PY,
            "dvc.yaml": demo_project.DVC_YAML,
            "params.yaml": demo_project.params_yaml(
                lr=lr, epochs=epochs, layers=[32, 16], dropout=dropout
            ),
        }
    )
    return shell


def make_missing_cache(path: Path, remote_url: str = UNREACHABLE_REMOTE) -> Path:
    """A DVC repo with the demo pipeline run twice, where one revision's cached metrics object
    is gone from `.dvc/cache`, and a default remote at `remote_url` that never answers.

    Tags: `first` (its eval/stats.yaml object deleted from the cache) and `second` (= HEAD,
    complete). DVC's own `exp show` would try the remote for `first`; our reader must not.
    Takes a few seconds (two `dvc repro`).
    """
    shell = _training_project(path, lr=0.01, epochs=4, dropout=0.1)
    shell.dvc("repro")
    shell.commit_all("First run")
    shell.git("tag", "first")
    lost = out_md5(path, "first", "eval/stats.yaml")
    shell.write(
        {"params.yaml": demo_project.params_yaml(lr=0.03, epochs=6, layers=[64, 32], dropout=0.1)}
    )
    shell.dvc("repro")
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


def make_dvc2_cache(path: Path) -> Path:
    """A repo migrated from DVC 2: its first revision has a DVC 2 `dvc.lock` (outs without
    `hash: md5`) and its objects in the DVC 2 cache layout `.dvc/cache/<h[:2]>/<h[2:]>`.

    Tags: `dvc2` (old lock, old layout) and `dvc3` (= HEAD, re-run by DVC 3: new lock, objects
    under `.dvc/cache/files/md5/`). DVC 3 still reads both. Takes a few seconds (two repro).
    """
    shell = _training_project(path, lr=0.02, epochs=5, dropout=0.2)
    shell.dvc("repro")
    lock = path / "dvc.lock"
    lock.write_text(lock.read_text().replace("      hash: md5\n", ""))
    cache = path / ".dvc" / "cache"
    for obj in list((cache / "files" / "md5").glob("*/*")):
        legacy = cache / obj.parent.name / obj.name
        legacy.parent.mkdir(exist_ok=True)
        obj.rename(legacy)
    shell.commit_all("Pipeline run with DVC 2")
    shell.git("tag", "dvc2")
    shell.write(
        {"params.yaml": demo_project.params_yaml(lr=0.03, epochs=6, layers=[64, 32], dropout=0.2)}
    )
    shell.dvc("repro")
    shell.commit_all("Re-run with DVC 3")
    shell.git("tag", "dvc3")
    return path


VARIED_SCRIPT = """\
import json, pathlib, tomllib
cfg = tomllib.loads(pathlib.Path("config/train.toml").read_text())
lr = cfg["optimizer"]["lr"]
pathlib.Path("eval").mkdir(exist_ok=True)
pathlib.Path("eval/summary.json").write_text(json.dumps({"score": round(1 - lr / 2, 4)}))
pathlib.Path("eval/curve.csv").write_text("step,value\\n1,0.5\\n2,%s\\n" % round(1 - lr, 4))
pathlib.Path("scores.toml").write_text("[test]\\nrmse = %s\\nlabel = 'ok'\\n" % round(lr * 3, 4))
pathlib.Path("odd.json").write_text(
    '{"nan": NaN, "inf": Infinity, "flag": true, "name": "run", "lr_seen": %s}' % lr
)
"""

VARIED_DVC_YAML = """\
params:
  - config/extra.json
metrics:
  - eval/summary.json
  - odd.json
plots:
  - eval/curve.csv:
      x: step
      y: value
stages:
  evaluate:
    cmd: python evaluate.py
    deps:
      - evaluate.py
    params:
      - config/train.toml:
          - optimizer.lr
    outs:
      - eval
      - odd.json:
          cache: false
    metrics:
      - scores.toml:
          cache: false
"""

SUB_DVC_YAML = """\
stages:
  report:
    cmd: python report.py
    params:
      - threshold
    metrics:
      - metrics.yaml:
          cache: false
"""


def make_varied_formats(path: Path) -> Path:
    """A DVC project that uses the file shapes DVC reads, for oracle tests of the reader.

    - a root `params.yaml` that no stage uses (DVC still lists it whole), with YAML 1.2 edge
      values (`1e-4` is a float, `yes` a string, `~` null, a list, nesting);
    - stage params from `config/train.toml` naming one key (DVC lists every key of the file),
      and top-level `params:` `config/extra.json`;
    - metrics in JSON (with NaN, Infinity, a bool and a string), TOML (nested, a string) and a
      metrics file inside a directory out (`eval/summary.json` in out `eval`, read through the
      `.dir` manifest); a plot inside the directory out;
    - a sub-folder `sub/dvc.yaml` (its keys carry the folder: `sub/metrics.yaml`,
      `sub/params.yaml`).

    One commit on `main` (tag `v1`) plus one experiment `lr-high`. Takes a few seconds.
    """
    shell = RepoShell(make_empty_git(path))
    shell.dvc("init")
    shell.dvc("config", "core.analytics", "false")
    shell.write(
        {
            "params.yaml": (
                "tiny: 1e-4\nanswer: yes\nnothing: ~\nsizes: [1, 2, 3]\n"
                "nested:\n  deeper:\n    key: value\n"
            ),
            "config/train.toml": "[optimizer]\nlr = 0.1\nname = 'sgd'\n\n[data]\nbatch = 32\n",
            "config/extra.json": '{"augment": {"flip": true, "angle": 15}}\n',
            "evaluate.py": VARIED_SCRIPT,
            "dvc.yaml": VARIED_DVC_YAML,
            "sub/dvc.yaml": SUB_DVC_YAML,
            "sub/params.yaml": "threshold: 0.5\n",
            "sub/report.py": "open('metrics.yaml', 'w').write('recall: 0.7\\nnote: yes\\n')\n",
        }
    )
    shell.dvc("repro", "--all-pipelines")
    shell.commit_all("Varied formats")
    shell.git("tag", "v1")
    shell.dvc("exp", "run", "--temp", "-n", "lr-high", "-S", "config/train.toml:optimizer.lr=0.4")
    return path
