"""The "zoo": one real DVC repo holding every file layout the reader must handle.

Built with real `git` and `dvc repro` / `dvc exp run`:
- root `params.yaml` (YAML 1.2 specials: `1e-4`, `yes`, empty mapping, null), a TOML params file
  whose stage names two keys, a Python params file tracked whole, a top-level JSON params file;
- metrics: git-tracked JSON (bool, string, list, null, NaN, Infinity, nesting), a DVC-cached YAML
  file, a scalar YAML file, a metrics file inside a DVC-cached directory out, and a git-tracked
  metrics directory (expanded to its files);
- `sub/dvc.yaml` with a stage `wdir`, its own params files (one with a named key only), a
  top-level params file and a metrics file inside its directory out;
- a custom `cache.dir` outside the repo (set in `.dvc/config.local`).
Revisions: tag `v1`, branch `b2`, tag `broken-extra` (unparsable extra.json), `main`, one
experiment `exp-lr` on main, and a workspace with an edited params.yaml.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cd4ml_tui.demo import RepoShell

TRAIN = """\
import json, pathlib, re
text = pathlib.Path("params.yaml").read_text()
lr = float(re.search(r"lr: ([0-9.e-]+)", text).group(1))
out = pathlib.Path("results")
out.mkdir(exist_ok=True)
(out / "scores.json").write_text(json.dumps({"auc": round(0.5 + lr, 6), "cls": {"a": 0.1}}))
(out / "other.txt").write_text("not a metric")
pathlib.Path("metrics.json").write_text(json.dumps({
    "acc": 0.5 + lr, "ok": True, "label": "v", "hist": [1, 2], "none": None,
    "nested": {"deep": {"x": 1.5}, "empty": {}}, "nan": float("nan"), "inf": float("inf"),
}))
pathlib.Path("stats.yaml").write_text(f"size: {int(lr * 1000)}\\nword: yes\\nsci: 1e-4\\n")
pathlib.Path("scalar.yaml").write_text("0.5\\n")
"""

MAKE = """\
import json, pathlib, re
text = pathlib.Path("params.yaml").read_text()
alpha = float(re.search(r"alpha: ([0-9.]+)", text).group(1))
out = pathlib.Path("out")
out.mkdir(exist_ok=True)
(out / "metrics.json").write_text(json.dumps({"score": alpha * 2, "sub": {"n": 3}}))
"""

HP_PY = """\
LR = 0.1
NAME = "net"
LAYERS = [1, 2]


class Opt:
    momentum = 0.9
"""

ROOT_DVC_YAML = """\
stages:
  train:
    cmd: python train.py
    deps:
      - train.py
    params:
      - train
      - config.toml:
          - model.depth
          - model.name
      - hp.py:
    outs:
      - results
    metrics:
      - metrics.json:
          cache: false
      - stats.yaml
      - scalar.yaml:
          cache: false
params:
  - extra.json
  - extra.toml
metrics:
  - results/scores.json
  - summary
"""

SUB_DVC_YAML = """\
stages:
  subtrain:
    wdir: work
    cmd: python make.py
    deps:
      - make.py
    params:
      - alpha
      - cfg.json:
          - opt.momentum
    outs:
      - out
params:
  - top.yaml
metrics:
  - work/out/metrics.json
"""


def params_yaml(lr: float) -> str:
    return (
        f"train:\n  lr: {lr}\n  layers: [64, 32]\n  wd: 1e-4\n  flag: yes\n"
        "seed: 42\nempty: {}\nnothing: null\n"
    )


def build_zoo(root: Path) -> Path:
    shell = RepoShell(root)
    root.mkdir(parents=True)
    shell.git("init", "-q", "-b", "main")
    shell.dvc("init", "-q")
    shell.dvc("config", "core.analytics", "false")
    shell.dvc("cache", "dir", "--local", "../zoo-cache")
    shell.write(
        {
            "train.py": TRAIN,
            "dvc.yaml": ROOT_DVC_YAML,
            "params.yaml": params_yaml(0.01),
            "config.toml": '[model]\ndepth = 3\nname = "x"\ncreated = 1979-05-27\n[other]\nk = 1\n',
            "extra.toml": "[run]\nstarted = 1979-05-27T07:32:00Z\nid = 7\n",
            "hp.py": HP_PY,
            "extra.json": '{"a": {"b": 1}, "c": [1, 2], "big": 12345678901234567890}\n',
            "summary/a.json": '{"rows": 10}\n',
            "summary/b.yaml": "cols: 3\n",
            "sub/dvc.yaml": SUB_DVC_YAML,
            "sub/top.yaml": "mode: fast\nsince: 2020-01-02 03:04:05\n",
            "sub/work/make.py": MAKE,
            "sub/work/params.yaml": "alpha: 0.2\nbeta: 1\n",
            "sub/work/cfg.json": '{"opt": {"momentum": 0.8, "nesterov": true}, "unused": 1}\n',
        }
    )
    shell.dvc("repro", "-q", "-P")
    shell.commit_all("zoo v1")
    shell.git("tag", "v1")
    shell.git("checkout", "-q", "-b", "b2")
    shell.write({"params.yaml": params_yaml(0.02), "sub/work/params.yaml": "alpha: 0.3\nbeta: 1\n"})
    shell.dvc("repro", "-q", "-P")
    shell.commit_all("zoo b2")
    shell.git("checkout", "-q", "main")
    shell.dvc("checkout", "-q", "--force")
    shell.write({"extra.json": '{"a": {"b": 2}, "c": [1,\n'})
    shell.commit_all("break extra.json")
    shell.git("tag", "broken-extra")
    shell.write({"extra.json": '{"a": {"b": 3}, "c": [3]}\n'})
    shell.commit_all("fix extra.json")
    shell.dvc("exp", "run", "-q", "-P", "-n", "exp-lr", "-S", "train.lr=0.04")
    shell.dvc("checkout", "-q", "--force")
    shell.git("checkout", "-q", "--", ".")
    shell.write({"params.yaml": params_yaml(0.05)})
    return root


@pytest.fixture(scope="session")
def zoo_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The zoo (see module doc). DVC writes its own tmp files in it; tests must not change it."""
    return build_zoo(tmp_path_factory.mktemp("zoo") / "repo")


TEMPLATED_DVC_YAML = """\
vars:
  - config.yaml
stages:
  train:
    foreach: ${models}
    do:
      cmd: python train.py ${item} ${lr}
      deps:
        - train.py
      params:
        - lr
      outs:
        - out/${item}
      metrics:
        - scores/${item}.json:
            cache: false
  report:
    cmd: python -c "open('report.txt', 'w').write('${report.title}')"
    outs:
      - report.txt
metrics:
  - summary-${report.kind}.json
"""

TEMPLATED_TRAIN = """\
import json, pathlib, sys
name, lr = sys.argv[1], float(sys.argv[2])
pathlib.Path("out", name).mkdir(parents=True, exist_ok=True)
pathlib.Path("out", name, "weights.txt").write_text(str(lr))
pathlib.Path("scores").mkdir(exist_ok=True)
pathlib.Path("scores", name + ".json").write_text(json.dumps({"acc": round(lr * len(name), 6)}))
"""


def build_templated(root: Path) -> Path:
    """A pipeline with `vars`, `${...}` and `foreach` (DVC resolves it before reading params
    and metrics), plus an experiment. The report stage uses `report.title` from the vars file
    config.yaml, which no stage names, so DVC lists that key as a param of config.yaml."""
    shell = RepoShell(root)
    root.mkdir(parents=True)
    shell.git("init", "-q", "-b", "main")
    shell.dvc("init", "-q")
    shell.dvc("config", "core.analytics", "false")
    shell.write(
        {
            "dvc.yaml": TEMPLATED_DVC_YAML,
            "train.py": TEMPLATED_TRAIN,
            "params.yaml": "lr: 0.1\nmodels: [small, big]\n",
            "config.yaml": "report:\n  title: Weekly\n  kind: short\n  unused: 1\n",
            "summary-short.json": '{"rows": 2}\n',
        }
    )
    shell.dvc("repro", "-q", "-P")
    shell.commit_all("templated pipeline")
    shell.git("tag", "v1")
    shell.dvc("exp", "run", "-q", "-P", "-n", "lr-up", "-S", "lr=0.3")
    shell.dvc("checkout", "-q", "--force")
    shell.git("checkout", "-q", "--", ".")
    return root


def build_subdir_project(root: Path) -> Path:
    """A monorepo: git at `root`, the DVC project in `root/ml` (`dvc init --subdir`), with a
    DVC-cached metrics file, a tag and one experiment. Returns the project folder."""
    shell = RepoShell(root)
    root.mkdir(parents=True)
    shell.git("init", "-q", "-b", "main")
    shell.write({"README.md": "monorepo\n", "web/app.txt": "not ML\n"})
    project = root / "ml"
    project.mkdir()
    inner = RepoShell(project)
    inner.dvc("init", "-q", "--subdir")
    inner.dvc("config", "core.analytics", "false")
    inner.write(
        {
            "dvc.yaml": (
                "stages:\n  train:\n    cmd: python train.py\n    deps: [train.py]\n"
                "    params: [lr]\n    outs: [model.txt]\n    metrics:\n"
                "      - metrics.json:\n          cache: false\n      - stats.yaml\n"
            ),
            "params.yaml": "lr: 0.1\n",
            "train.py": (
                "import json, re\n"
                "lr = float(re.search(r'lr: (.*)', open('params.yaml').read())[1])\n"
                "open('model.txt', 'w').write(str(lr))\n"
                "json.dump({'acc': round(0.5 + lr, 6)}, open('metrics.json', 'w'))\n"
                "open('stats.yaml', 'w').write(f'lr_seen: {lr}\\n')\n"
            ),
        }
    )
    inner.dvc("repro", "-q")
    shell.commit_all("ml project in a sub-folder")
    shell.git("tag", "v1")
    inner.dvc("exp", "run", "-q", "-n", "lr-02", "-S", "lr=0.2")
    inner.dvc("checkout", "-q", "--force")
    shell.git("checkout", "-q", "--", ".")
    return project
