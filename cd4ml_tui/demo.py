"""Build the demo repo: a small real DVC project with baselines, a tag and real experiments.

Everything goes through the real `git` and `dvc` executables, so the result is exactly what a
user's project looks like after `dvc exp run`. The content lives in `demo_project`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cd4ml_tui import demo_project
from cd4ml_tui.core.errors import Cd4mlError

MARKER = ".cd4ml-demo"
AUTHOR_NAME = "CD4ML Demo"
AUTHOR_EMAIL = "demo@cd4ml.invalid"
# Baseline commits get fixed dates by default, so their shas are the same on every build.
BASE_EPOCH = 1_714_557_600  # 2024-05-01 10:00:00 UTC

# The experiment name used under two baselines, so revision names can be ambiguous.
SHARED_EXP_NAME = "lr-0.01"


@dataclass(frozen=True)
class Baseline:
    """A branch whose head is a baseline, and the experiments run on it."""

    branch: str
    experiments: tuple[tuple[str, tuple[str, ...]], ...]
    queued: tuple[str, tuple[str, ...]] | None = None
    parent: str = "main"
    files: dict[str, str] = field(default_factory=dict)
    message: str = ""


def demo_baselines() -> list[Baseline]:
    main_params = demo_project.params_yaml(lr=0.03, epochs=10, layers=[64, 32], dropout=0.1)
    wider_params = demo_project.params_yaml(lr=0.03, epochs=10, layers=[128, 64], dropout=0.1)
    dropout_params = demo_project.params_yaml(lr=0.03, epochs=10, layers=[64, 32], dropout=0.25)
    return [
        Baseline(
            branch="main",
            experiments=(
                (SHARED_EXP_NAME, ("train.lr=0.01",)),
                ("lr-0.1", ("train.lr=0.1",)),
                ("epochs-20", ("train.epochs=20",)),
                ("lr-0.003", ("train.lr=0.003",)),
                ("dropout-0.3", ("model.dropout=0.3",)),
                ("tiny-16", ("train.layers=[16, 8]", "train.epochs=6")),
            ),
            queued=("queued-lr-0.05", ("train.lr=0.05",)),
            files={"params.yaml": main_params},
            message="Tune the default learning rate",
        ),
        Baseline(
            branch="feature/wider",
            experiments=(
                (SHARED_EXP_NAME, ("train.lr=0.01",)),
                ("wide-256", ("train.layers=[256, 128]",)),
                ("wide-epochs-5", ("train.epochs=5",)),
                ("wide-lr-0.05", ("train.lr=0.05",)),
                ("wide-3-layers", ("train.layers=[128, 64, 32]",)),
                ("wide-dropout-0.2", ("model.dropout=0.2",)),
            ),
            files={
                "params.yaml": wider_params,
                "notebooks/explore.ipynb": demo_project.notebook(wider=True),
            },
            message="Wider layers by default; note capacity in the notebook",
        ),
        Baseline(
            branch="feature/dropout",
            experiments=(
                ("drop-0.4", ("model.dropout=0.4",)),
                ("drop-0.0", ("model.dropout=0.0",)),
                ("seed-7", ("data.seed=7",)),
                ("drop-0.2-lr-0.05", ("model.dropout=0.2", "train.lr=0.05")),
                ("seed-13", ("data.seed=13",)),
                ("drop-0.15", ("model.dropout=0.15",)),
            ),
            files={
                "params.yaml": dropout_params,
                "src/train.py": demo_project.TRAIN_PY.replace(
                    "Reads params.yaml.", "Reads params.yaml; dropout regularises the model."
                ),
            },
            message="Stronger dropout by default",
        ),
    ]


def experiment_plan(baseline: Baseline, count: int) -> list[tuple[str, tuple[str, ...]]]:
    """The first `count` experiments of a baseline: its named ones, then a deterministic sweep
    (`sweep-007`, ...) over lr, epochs, dropout and seed when more are asked for."""
    plan = list(baseline.experiments[:count])
    for i in range(len(plan), count):
        lr = round(0.002 * 1.4 ** (i % 13), 5)
        epochs = 4 + (i * 7) % 17
        dropout = round((i * 3) % 9 * 0.05, 2)
        sets = (
            f"train.lr={lr}",
            f"train.epochs={epochs}",
            f"model.dropout={dropout}",
            f"data.seed={i}",  # unique params for every sweep point
        )
        plan.append((f"sweep-{i:03d}", sets))
    return plan


def dvc_command() -> list[str]:
    """The `dvc` next to this Python (same venv), else `python -m dvc`."""
    exe = Path(sys.executable).parent / "dvc"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "dvc"]


class RepoShell:
    """Runs git and dvc in one folder with the demo identity and no analytics.

    The identity comes from the environment, not the repo's config, so the built repo carries
    no `user.name` of its own (a user promoting in it signs as themselves).
    """

    def __init__(self, root: Path, start_time: int = BASE_EPOCH) -> None:
        self.root = root
        self.start_time = start_time
        self.commits = 0
        env = dict(os.environ)
        env.update(
            GIT_AUTHOR_NAME=AUTHOR_NAME,
            GIT_AUTHOR_EMAIL=AUTHOR_EMAIL,
            GIT_COMMITTER_NAME=AUTHOR_NAME,
            GIT_COMMITTER_EMAIL=AUTHOR_EMAIL,
            DVC_NO_ANALYTICS="1",
            DVC_STUDIO_OFFLINE="1",
            DVC_IGNORE_ISATTY="1",
            GIT_TERMINAL_PROMPT="0",
            # The stage runs `python src/train.py`: make that the Python running us.
            PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        )
        # DVC's pygit2 backend refuses date overrides, so never pass them to dvc.
        for name in ("GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE"):
            env.pop(name, None)
        self.env = env

    def run(self, *argv: str, env: dict[str, str] | None = None) -> str:
        proc = subprocess.run(
            argv,
            cwd=self.root,
            env=env or self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            detail = (proc.stderr.strip() or proc.stdout.strip()).splitlines()
            last = detail[-1] if detail else f"exit code {proc.returncode}"
            raise Cd4mlError(f"demo: `{' '.join(argv[:4])}` failed in {self.root}: {last}")
        return proc.stdout

    def git(self, *args: str) -> str:
        return self.run("git", *args)

    def dvc(self, *args: str) -> str:
        return self.run(*dvc_command(), *args)

    def dated_git(self, *args: str) -> str:
        """A git call that writes a commit or tag with the next fixed timestamp."""
        when = f"@{self.start_time + 3600 * self.commits} +0000"
        self.commits += 1
        env = dict(self.env, GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
        return self.run("git", *args, env=env)

    def write(self, files: dict[str, str]) -> None:
        for rel, text in files.items():
            target = self.root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")

    def commit_all(self, message: str) -> None:
        self.git("add", "-A")
        self.dated_git("commit", "-q", "--no-verify", "-m", message)


def build_demo(
    path: Path,
    *,
    experiments_per_baseline: int = 5,
    queued: bool = True,
    start_time: int = BASE_EPOCH,
    progress: Callable[[str], None] | None = None,
) -> Path:
    """Build the demo project in `path` (created; must be empty) and return its absolute path.

    Three baselines (`main`, `feature/wider`, `feature/dropout`), an annotated tag `v0.1` on the
    first commit, `experiments_per_baseline` real experiments on each baseline, and (if `queued`)
    one queued experiment on `main`. Ends on `main` with a clean working tree.
    Commits and tags are dated `start_time` (Unix seconds) plus one hour each, so with the same
    `start_time` the baseline shas are identical from build to build. (DVC dates experiment
    commits itself, with the current time.)
    """
    say = progress or (lambda _line: None)
    root = Path(path).expanduser().absolute()
    if root.exists() and any(root.iterdir()):
        raise Cd4mlError(f"{root}: folder exists and is not empty; choose a new folder")
    root.mkdir(parents=True, exist_ok=True)
    b = RepoShell(root, start_time)
    per_baseline = max(0, experiments_per_baseline)

    say(f"creating git + DVC project in {root}")
    b.git("init", "-q", "-b", "main")
    for key in ("commit.gpgsign", "tag.gpgsign"):
        b.git("config", key, "false")
    (root / ".git" / "info").mkdir(exist_ok=True)
    with (root / ".git" / "info" / "exclude").open("a", encoding="utf-8") as exclude:
        exclude.write(f"{MARKER}\n")
    b.dvc("init")
    b.dvc("config", "core.analytics", "false")
    b.write(
        {
            "README.md": _README,
            "src/train.py": demo_project.TRAIN_PY,
            "dvc.yaml": demo_project.DVC_YAML,
            "params.yaml": demo_project.params_yaml(
                lr=0.01, epochs=10, layers=[64, 32], dropout=0.1
            ),
            "notebooks/explore.ipynb": demo_project.notebook(wider=False),
        }
    )
    say("running the pipeline for the first commit")
    b.dvc("repro")
    b.commit_all("Add the training pipeline, params and notebook")
    b.dated_git("tag", "-a", "v0.1", "-m", "First working pipeline")

    baselines = demo_baselines()
    for baseline in baselines:
        if baseline.branch != "main":
            b.git("checkout", "-q", "-b", baseline.branch, baseline.parent)
        b.write(baseline.files)
        say(f"baseline {baseline.branch}: running the pipeline")
        b.dvc("repro")
        b.commit_all(baseline.message)
        for name, sets in experiment_plan(baseline, per_baseline):
            say(f"baseline {baseline.branch}: dvc exp run -n {name} {' '.join(sets)}")
            _exp_run(b, name, sets)
        if queued and baseline.queued is not None:
            name, sets = baseline.queued
            say(f"baseline {baseline.branch}: queueing {name} (not started)")
            _exp_run(b, name, sets, queue=True)
        b.git("checkout", "-q", "main")
    b.dvc("checkout", "--force")

    status = b.git("status", "--porcelain")
    if status.strip():
        raise Cd4mlError(f"demo: working tree of {root} not clean after build:\n{status}")
    (root / MARKER).write_text(
        json.dumps(
            {
                "baselines": [x.branch for x in baselines],
                "experiments_per_baseline": per_baseline,
                "queued": queued,
            }
        )
        + "\n",
        encoding="utf-8",
    )
    say("done")
    return root


def _exp_run(b: RepoShell, name: str, sets: Sequence[str], *, queue: bool = False) -> None:
    """One `dvc exp run` in a temp dir, so the workspace stays at the baseline."""
    argv = ["exp", "run", "--queue" if queue else "--temp", "-n", name]
    for assignment in sets:
        argv += ["-S", assignment]
    b.dvc(*argv)


def is_demo(path: Path) -> bool:
    """True if `path` holds a demo that `build_demo` finished building."""
    return (Path(path) / MARKER).is_file() and (Path(path) / ".dvc").is_dir()


def is_unfinished_demo(path: Path) -> bool:
    """True if `build_demo` started in `path` (it excludes its marker first) but never finished."""
    exclude = Path(path) / ".git" / "info" / "exclude"
    if is_demo(path) or not exclude.is_file():
        return False
    return MARKER in exclude.read_text(encoding="utf-8", errors="replace").splitlines()


_README = """\
# cd4ml-tui demo project

Built by `cd4ml-tui demo`: a tiny pure-Python "training" script (`src/train.py`) driven by
`params.yaml` and `dvc.yaml`, with experiments run by real `dvc exp run`.

    dvc exp show          # what DVC sees
    cd4ml-tui .           # review it in the terminal

`dvc` and `cd4ml-tui` come from the virtual environment cd4ml-tui is installed in, so they are
not on your PATH until you activate it (`source .venv/bin/activate` in the cd4ml-tui checkout,
after `make demo`) or call them by their path there (`.venv/bin/dvc`, `.venv/bin/cd4ml-tui`).
"""
