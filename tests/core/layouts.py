"""Small real repos, one per project layout DVC's own tests use, for oracle tests.

Each is built once per session with real `git`, `dvc repro` and `dvc exp run` (see the
fixtures at the bottom), and kept small: a stage is one `python gen.py` that writes its outputs
from the params it is given, so a run takes well under a second of Python.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cd4ml_tui.demo import RepoShell

# One script for every stage: `python gen.py KIND OUT [VALUE]`, writing a small file whose
# numbers follow VALUE (a param), in the format KIND names.
GEN_PY = """\
import json, pathlib, sys
kind, out, value = sys.argv[1], pathlib.Path(sys.argv[2]), float(sys.argv[3])
out.parent.mkdir(parents=True, exist_ok=True)
if kind == "json":
    out.write_text(json.dumps({"acc": round(0.5 + value, 6), "loss": round(1 - value, 6)}))
elif kind == "yaml":
    out.write_text(f"score: {round(value * 2, 6)}\\nname: run\\n")
elif kind == "csv":
    rows = "".join(f"{i},{round(value * i, 4)},{round(1 - value * i, 4)}\\n" for i in range(1, 4))
    out.write_text("step,loss,acc\\n" + rows)
elif kind == "curve":
    rows = [{"step": i, "loss": round(value / i, 4)} for i in range(1, 4)]
    out.write_text(json.dumps(rows))
elif kind == "confusion":
    labels = ["cat", "dog", "cat", "bird"]
    rows = [{"actual": a, "predicted": labels[(i + int(value * 10)) % 4]}
            for i, a in enumerate(labels)]
    out.write_text(json.dumps(rows))
elif kind == "dir":
    out.mkdir(exist_ok=True)
    (out / "metrics.json").write_text(json.dumps({"f1": round(value / 2, 6)}))
    (out / "sub").mkdir(exist_ok=True)
    (out / "sub" / "a.json").write_text(json.dumps({"n": int(value * 100)}))
    (out / "sub" / "b.yaml").write_text(f"ratio: {round(value / 3, 6)}\\n")
    (out / "notes.txt").write_text("not a metric")
"""


def _init(root: Path, *, subdir: str = "") -> tuple[RepoShell, RepoShell]:
    """`git init` at `root` and `dvc init` in `root/subdir`; returns (git shell, DVC shell)."""
    shell = RepoShell(root)
    root.mkdir(parents=True)
    shell.git("init", "-q", "-b", "main")
    project = root / subdir if subdir else root
    project.mkdir(parents=True, exist_ok=True)
    inner = RepoShell(project)
    inner.dvc("init", "-q", *(["--subdir"] if subdir else []))
    inner.dvc("config", "core.analytics", "false")
    return shell, inner


def _settle(shell: RepoShell, inner: RepoShell) -> None:
    """Back to a clean main after experiments (DVC leaves their outputs in the workspace)."""
    inner.dvc("checkout", "-q", "--force")
    shell.git("checkout", "-q", "--", ".")


SUBDIR_DVC_YAML = """\
stages:
  train:
    cmd: python gen.py csv logs/train.csv ${lr} && python gen.py json metrics.json ${lr}
    deps: [gen.py]
    params: [lr]
    plots:
      - logs/train.csv:
          x: step
          y: loss
    metrics:
      - metrics.json:
          cache: false
  evaluate:
    wdir: eval
    cmd: python ../gen.py curve curve.json ${lr} && python ../gen.py json scores.json ${lr}
    deps: [../gen.py]
    params:
      - ../params.yaml:
          - lr
    plots:
      - curve.json:
          cache: false
          x: step
          y: loss
          title: Curve
    metrics:
      - scores.json
plots:
  - Both losses:
      x: step
      y:
        logs/train.csv: loss
        eval/curve.json: loss
"""


def build_subdir_plots(root: Path) -> Path:
    """A monorepo: git at `root`, the DVC project in `root/ml` (`dvc init --subdir`), with a
    DVC-cached stage plot, a `wdir` stage whose plot is committed, a top-level plot across both
    files, a tag `v1` and an experiment `lr-3`. Returns the project folder."""
    shell, inner = _init(root, subdir="ml")
    shell.write({"README.md": "monorepo\n", "web/index.txt": "not ML\n"})
    inner.write(
        {
            "gen.py": GEN_PY,
            "params.yaml": "lr: 0.1\n",
            "dvc.yaml": SUBDIR_DVC_YAML,
            "eval/.gitkeep": "",
        }
    )
    inner.dvc("repro", "-q")
    shell.commit_all("ml project in a sub-folder")
    shell.git("tag", "v1")
    inner.dvc("exp", "run", "-q", "-n", "lr-3", "-S", "lr=0.3")
    _settle(shell, inner)
    return root / "ml"


WDIR_ROOT_DVC_YAML = """\
stages:
  prepare:
    wdir: work
    cmd: python ../gen.py csv out/steps.csv ${scale}
    deps: [../gen.py]
    params:
      - ../params.yaml:
          - scale
    plots:
      - out/steps.csv:
          x: step
          y: loss
plots:
  - Steps:
      x: step
      y:
        work/out/steps.csv: [loss, acc]
"""

WDIR_SUB_DVC_YAML = """\
stages:
  report:
    wdir: inner
    cmd: python ../../gen.py curve curve.json ${k}
    deps: [../../gen.py]
    params:
      - ../params.yaml:
          - k
    plots:
      - curve.json:
          cache: false
plots:
  - inner/curve.json:
      x: step
      y: loss
      title: Nested curve
"""


def build_wdir_plots(root: Path) -> Path:
    """Stages with `wdir`: one in the root dvc.yaml (DVC-cached, with a multi-field top-level
    plot of it), one in a nested `sub/dvc.yaml` whose wdir is `inner` (its plot also named at
    top level there). Tag `v1` and an experiment `scale-2`."""
    shell, inner = _init(root)
    shell.write(
        {
            "gen.py": GEN_PY,
            "params.yaml": "scale: 0.1\n",
            "dvc.yaml": WDIR_ROOT_DVC_YAML,
            "sub/dvc.yaml": WDIR_SUB_DVC_YAML,
            "sub/params.yaml": "k: 0.5\n",
            "work/.gitkeep": "",
            "sub/inner/.gitkeep": "",
        }
    )
    shell.dvc("repro", "-q", "-P")
    shell.commit_all("wdir stages")
    shell.git("tag", "v1")
    shell.dvc("exp", "run", "-q", "-P", "-n", "scale-2", "-S", "scale=0.2")
    _settle(shell, inner)
    return root


@pytest.fixture(scope="session")
def subdir_plots_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`build_subdir_plots` (the DVC project folder). DVC writes its tmp files there; tests
    must not change it otherwise."""
    return build_subdir_plots(tmp_path_factory.mktemp("layouts") / "mono")


@pytest.fixture(scope="session")
def wdir_plots_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`build_wdir_plots`."""
    return build_wdir_plots(tmp_path_factory.mktemp("layouts") / "wdir")
