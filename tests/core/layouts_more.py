"""Two more layout repos for oracle tests.

- templated: `foreach`, `matrix`, `vars` from the params file and a custom file, `${...}` in
  plots, params in YAML/TOML/JSON/Python, top-level `params:`/`metrics:`/`plots:`;
- outs and odd values: directory outs holding metrics (a file and a folder), bare scalars, odd
  YAML types, a confusion plot with string classes, a nested dvc.yaml with a `wdir`, a metrics
  file renamed between two baselines, an experiment name used under both baselines, a failed
  and a queued run.

Built once per session with real `dvc exp run`.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from cd4ml_tui.demo import RepoShell
from tests.core.layouts import GEN_PY, _init, _settle

TEMPLATED_DVC_YAML = """\
vars:
  - config.yaml
stages:
  fit:
    foreach: ${models}
    do:
      cmd: >-
        python gen.py json out/${item}/scores.json ${lr} &&
        python gen.py curve out/${item}/curve.json ${lr}
      deps: [gen.py]
      params: [lr]
      metrics:
        - out/${item}/scores.json:
            cache: false
      plots:
        - out/${item}/curve.json:
            x: step
            y: loss
  grid:
    matrix:
      opt: ${opts}
      size: [1, 2]
    cmd: python gen.py yaml grid/${item.opt}-${item.size}.yaml ${item.size}
    deps: [gen.py]
    metrics:
      - grid/${item.opt}-${item.size}.yaml
  report:
    cmd: python gen.py csv ${report.file} ${lr}
    deps: [gen.py]
    params:
      - params.toml:
          - train.batch
      - hp.py:
      - cfg.json:
          - opt.momentum
    plots:
      - ${report.file}:
          x: step
          y: ${report.field}
params:
  - extra.json
metrics:
  - ${report.summary}
plots:
  - ${report.title}:
      x: step
      y:
        ${report.file}: [loss, acc]
  - Fits:
      x: step
      y:
        out/small/curve.json: loss
        out/big/curve.json: loss
"""


def build_templated_layouts(root: Path) -> Path:
    """The templated pipeline above; tag `v1` and experiments `lr-up` (a params.yaml var) and
    `batch-up` (a TOML param)."""
    shell, _ = _init(root)
    shell.write(
        {
            "gen.py": GEN_PY,
            "dvc.yaml": TEMPLATED_DVC_YAML,
            "params.yaml": "lr: 0.1\nmodels: [small, big]\n",
            "config.yaml": (
                "report:\n  file: logs/report.csv\n  field: loss\n  title: Report curve\n"
                "  summary: summary.json\nopts: [sgd, adam]\n"
            ),
            "params.toml": "[train]\nbatch = 32\nepochs = 3\n",
            "hp.py": 'LR = 0.1\nNAME = "net"\nLAYERS = [1, 2]\n',
            "cfg.json": '{"opt": {"momentum": 0.9, "nesterov": true}, "unused": 1}\n',
            "extra.json": '{"seed": 7, "big": 12345678901234567890}\n',
            "summary.json": '{"rows": 2}\n',
        }
    )
    shell.dvc("repro", "-q")
    shell.commit_all("templated pipeline")
    shell.git("tag", "v1")
    shell.dvc("exp", "run", "-q", "-n", "lr-up", "-S", "lr=0.3")
    shell.dvc("exp", "run", "-q", "-n", "batch-up", "-S", "params.toml:train.batch=64")
    _settle(shell, shell)
    return root


ODD_PY = """\
import pathlib, sys
lr = float(sys.argv[1])
if lr > 1:
    sys.exit("diverged")
pathlib.Path("odd.yaml").write_text(
    "list: [1, 2.5, x]\\nflag: true\\n'off': false\\nnothing: null\\n"
    "big: 12345678901234567890\\ntiny: 1.0e-300\\nsci: 1e-4\\nword: yes\\n"
    "base: &base {a: 1, b: 2.0}\\nderived:\\n  <<: *base\\n  b: 3.0\\n"
    f"lr: {lr}\\nints: {int(lr * 10)}\\n"
)
pathlib.Path("scalar.yaml").write_text(f"{round(0.5 + lr, 6)}\\n")
pathlib.Path("flag.json").write_text("true")
"""

OUTS_DVC_YAML = """\
stages:
  train:
    cmd: >-
      python gen.py dir results ${lr} && python odd.py ${lr} &&
      python gen.py confusion confusion.json ${lr}
    deps: [gen.py, odd.py]
    params: [lr]
    outs: [results]
    metrics:
      - odd.yaml:
          cache: false
      - scalar.yaml
      - flag.json:
          cache: false
    plots:
      - confusion.json:
          cache: false
          template: confusion
          x: actual
          y: predicted
metrics:
  - results/metrics.json
  - results/sub
  - METRICS_FILE
"""

NESTED_DVC_YAML = """\
stages:
  score:
    wdir: work
    cmd: python ../../gen.py json scores.json ${k}
    deps: [../../gen.py]
    params:
      - ../params.yaml:
          - k
    metrics:
      - scores.json
"""


def build_outs_layouts(root: Path) -> Path:
    """Outs and odd values (module doc). Baselines: tag `v1` (top-level metrics file
    `legacy.json`) and `main` (renamed to `current.json`); experiment `same` on both, `lr-4` on
    main, a failed run `diverged` and a queued run `waiting` on main."""
    shell, _ = _init(root)
    shell.write(
        {
            "gen.py": GEN_PY,
            "odd.py": ODD_PY,
            "dvc.yaml": OUTS_DVC_YAML.replace("METRICS_FILE", "legacy.json"),
            "legacy.json": '{"v": 1, "kept": {"x": 2}}\n',
            "params.yaml": "lr: 0.1\n",
            "nested/dvc.yaml": NESTED_DVC_YAML,
            "nested/params.yaml": "k: 0.4\n",
            "nested/work/.gitkeep": "",
        }
    )
    shell.dvc("repro", "-q", "-P")
    shell.commit_all("outs and odd values")
    shell.git("tag", "v1")
    shell.dvc("exp", "run", "-q", "-P", "-n", "same", "-S", "lr=0.2")
    _settle(shell, shell)
    shell.git("mv", "legacy.json", "current.json")
    shell.write({"dvc.yaml": OUTS_DVC_YAML.replace("METRICS_FILE", "current.json")})
    shell.commit_all("rename the top-level metrics file")
    shell.dvc("exp", "run", "-q", "-P", "-n", "same", "-S", "lr=0.3")
    shell.dvc("exp", "run", "-q", "-P", "-n", "lr-4", "-S", "lr=0.4")
    _failed_run(shell, "diverged", "lr=2")
    shell.dvc("exp", "run", "-q", "--queue", "-n", "waiting", "-S", "lr=0.5")
    _settle(shell, shell)
    return root


def _failed_run(shell: RepoShell, name: str, assignment: str) -> None:
    """Queue a run whose command fails, and let DVC's own queue worker run it to failure."""
    shell.dvc("exp", "run", "-q", "--queue", "-n", name, "-S", assignment)
    shell.dvc("queue", "start", "-j", "1")
    deadline = time.monotonic() + 120
    while "Failed" not in shell.dvc("queue", "status"):
        if time.monotonic() > deadline:
            raise TimeoutError(f"DVC's queue did not fail {name} in {shell.root}")
        time.sleep(0.5)
    shell.dvc("queue", "stop")


@pytest.fixture(scope="session")
def templated_layouts_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`build_templated_layouts`. DVC writes its tmp files there; tests must not change it."""
    return build_templated_layouts(tmp_path_factory.mktemp("layouts") / "templated")


@pytest.fixture(scope="session")
def outs_layouts_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`build_outs_layouts`. DVC writes its tmp files there; tests must not change it."""
    return build_outs_layouts(tmp_path_factory.mktemp("layouts") / "outs")
