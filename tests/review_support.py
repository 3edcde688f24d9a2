"""A small git + DVC repo for the review and gate tests, built with the real git, dvc and gto.

Its metrics are committed files named by the top-level `metrics:` of dvc.yaml, so DVC reads them
from git (no pipeline run, no cache): `metrics.json` (accuracy, loss, val.f1) and
`eval/stats.yaml` (accuracy again, so a bare `accuracy` is ambiguous; latency_ms; samples, a
neutral name). Tags, oldest first: `base`, `good` (better everywhere), `bad` (accuracy worse by
exactly 0.01, loss, f1 and latency worse), `text` (accuracy is a string). GTO, through its own
API: `classifier@v1.0.0` on `base`, assigned to stage `prod`.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from cd4ml_tui.demo import RepoShell

DVC_YAML = """\
metrics:
  - metrics.json
  - eval/stats.yaml
artifacts:
  classifier:
    path: model.pkl
    type: model
"""

STEPS = [
    ("base", {"accuracy": 0.91, "loss": 0.3, "val": {"f1": 0.8}}, (0.55, 4.0, 1000)),
    ("good", {"accuracy": 0.925, "loss": 0.27, "val": {"f1": 0.81}}, (0.56, 3.5, 1000)),
    ("bad", {"accuracy": 0.9, "loss": 0.36, "val": {"f1": 0.78}}, (0.5, 6.25, 1200)),
    ("text", {"accuracy": "n/a", "loss": 0.3, "val": {"f1": 0.8}}, (0.55, 4.0, 1000)),
]


def make_gate_repo(path: Path) -> Path:
    """Build the repo described in the module docstring at `path`; return it."""
    path.mkdir(parents=True)
    shell = RepoShell(path)
    shell.git("init", "-q", "-b", "main")
    shell.dvc("init", "-q")
    shell.dvc("config", "core.analytics", "false")
    shell.write({"dvc.yaml": DVC_YAML, "model.pkl": "pretend\n"})
    for tag, metrics, (eval_acc, latency, samples) in STEPS:
        stats = f"accuracy: {eval_acc}\nlatency_ms: {latency}\nsamples: {samples}\n"
        shell.write({"metrics.json": json.dumps(metrics) + "\n", "eval/stats.yaml": stats})
        shell.commit_all(f"Metrics {tag}")
        shell.git("tag", tag)
    from gto import api

    api.register(str(path), "classifier", "base", version="v1.0.0")
    api.assign(str(path), "classifier", "prod", version="v1.0.0")
    return path


def git(repo: Path, *args: str, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, check=True, env=env
    )
    return proc.stdout.strip()


def write_settings(repo: Path, text: str) -> None:
    """Write `.cd4ml-tui.toml` (untracked) with `text`."""
    (repo / ".cd4ml-tui.toml").write_text(text, encoding="utf-8")


def no_identity_env(tmp: Path) -> dict[str, str]:
    """The test environment with an empty global git config: no user.name, no user.email."""
    empty = tmp / "empty.gitconfig"
    empty.write_text('[protocol "file"]\n\tallow = always\n')
    env = dict(os.environ)
    env["GIT_CONFIG_GLOBAL"] = str(empty)
    for name in ("EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        env.pop(name, None)
    return env
