"""Build (and cache) a real DVC project with N experiments for the benchmarks.

Experiments are real `dvc exp run`s, made through DVC's own Python API in one process so that a
thousand of them take minutes, not an hour of interpreter start-ups. The build is resumable: an
interrupted run keeps the experiments it finished, and the next call only adds the rest.

    python benchmarks/bench_repo.py 1000        # builds benchmarks/.cache/exps-1000
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cd4ml_tui import demo_project
from cd4ml_tui.demo import RepoShell

CACHE = Path(__file__).resolve().parent / ".cache"
BASELINES = ("main", "sweep/b", "sweep/c", "sweep/d")


def bench_repo_path(n: int) -> Path:
    return CACHE / f"exps-{n}"


def _experiment_count(root: Path) -> int:
    out = subprocess.run(
        ["git", "for-each-ref", "--format=%(refname)", "refs/exps"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return sum(1 for ref in out.split() if ref.count("/") == 4)


def init_project(root: Path, branches: tuple[str, ...] = BASELINES) -> None:
    """A DVC project with one baseline per branch, each reproduced for real (`dvc repro`)."""
    root.mkdir(parents=True)
    shell = RepoShell(root)
    shell.git("init", "-q", "-b", "main")
    shell.dvc("init", "-q")
    shell.dvc("config", "core.analytics", "false")
    for index, branch in enumerate(branches):
        if branch != "main":
            shell.git("checkout", "-q", "-b", branch, "main")
        shell.write(
            {
                "src/train.py": demo_project.TRAIN_PY,
                "dvc.yaml": demo_project.DVC_YAML,
                "params.yaml": demo_project.params_yaml(
                    lr=0.01, epochs=8 + index, layers=[32 * (index + 1), 16], dropout=0.1
                ),
                "notebooks/explore.ipynb": demo_project.notebook(wider=index % 2 == 1),
            }
        )
        shell.dvc("repro", "-q")
        shell.commit_all(f"Baseline {branch}")
        if index == 0:
            shell.dated_git("tag", "-a", "v1.0", "-m", "bench tag")
    shell.git("checkout", "-q", "main")


def build(n: int, say=print) -> Path:  # type: ignore[no-untyped-def]
    """Return the path of a repo with at least `n` experiments, building what is missing."""
    root = bench_repo_path(n)
    if not (root / ".dvc").is_dir():
        if root.exists():
            subprocess.run(["rm", "-rf", str(root)], check=True)
        init_project(root)
    done = _experiment_count(root)
    if done >= n:
        return root
    shell = RepoShell(root)
    os.environ.update(shell.env)
    os.chdir(root)  # DVC resolves `-S` params files against the working directory
    from dvc.repo import Repo

    per_baseline = -(-n // len(BASELINES))
    existing = set(shell.git("for-each-ref", "--format=%(refname:lstrip=4)", "refs/exps").split())
    with Repo(str(root)) as repo:
        for index, branch in enumerate(BASELINES):
            shell.git("checkout", "-q", "-f", branch)
            for i in range(per_baseline):
                name = f"sweep-{index}-{i:04d}"
                if index * per_baseline + i >= n or name in existing:
                    continue
                lr = round(0.001 * (1 + i % 50), 4)
                dropout = round(0.05 * (1 + (i // 50) % 8), 2)
                repo.experiments.run(
                    params=[f"train.lr={lr}", f"model.dropout={dropout}"], name=name
                )
                if i % 25 == 0:
                    say(f"{branch}: {i + 1}/{per_baseline} experiments")
    shell.git("checkout", "-q", "-f", "main")
    shell.dvc("checkout", "-q", "--force")
    return root


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    print(build(count))
