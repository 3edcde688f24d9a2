"""Generate a DVC project with N experiments in seconds, for the benchmarks at 10,000 and beyond.

`bench_repo.py` makes real `dvc exp run`s, which takes hours at 10,000. Here the baselines are
still real (`dvc repro` on each branch, as bench_repo does), but the experiments are written
straight into git with one `git fast-import`, laid out exactly as `dvc exp run` leaves them:

- a commit whose single parent is the baseline, on `refs/exps/<baseline[:2]>/<baseline[2:]>/<name>`;
- its tree is the baseline's with `params.yaml`, the git-tracked `metrics.json` (`cache: false`)
  and `dvc.lock` changed, each experiment with its own params and metrics;
- `eval/stats.yaml` (a DVC-cached metrics out) gets its own content per experiment, stored in the
  local DVC cache (`.dvc/cache/files/md5/<h[:2]>/<h[2:]>`) under the md5 that its `dvc.lock` names.

DVC reads them as real experiments (`dvc exp show --json -a -T` lists every one, with these values),
and `bench_show.py` holds our output against DVC's value by value before it times anything.

    python benchmarks/gen_repo.py 10000        # builds benchmarks/.cache/gen-10000
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_repo import CACHE, init_project

from cd4ml_tui import demo_project

BASELINES = ("main", "sweep/b", "sweep/c", "sweep/d", "sweep/e", "sweep/f", "sweep/g", "sweep/h")
EPOCH = 1_700_000_000  # commit times: one second apart, so the order is stable
IDENTITY = "Bench <bench@example.com>"


def gen_repo_path(n: int) -> Path:
    return CACHE / f"gen-{n}"


def experiment_values(index: int, branch: int) -> tuple[dict[str, float | int], str, str]:
    """(params, metrics.json text, eval/stats.yaml text) of experiment `index`: deterministic,
    different per experiment, with ints, floats of several sizes and a nested group."""
    lr = round(0.0005 * (1 + index % 97), 6)
    dropout = round(0.05 * (1 + (index // 97) % 9), 2)
    epochs = 5 + index % 13
    accuracy = round(0.6 + (index * 7919 % 3989) / 10000, 4)
    metrics = {
        "accuracy": accuracy,
        "loss": round(1 - accuracy + lr * 3, 6),
        "val": {"f1": round(accuracy - 0.02, 4), "auc": round(accuracy + 0.04, 4)},
    }
    stats = (
        f"latency_ms: {round(1.5 + (index % 211) / 100, 3)}\nmodel_size_kb: {8 * (branch + 1)}\n"
    )
    return (
        {"lr": lr, "dropout": dropout, "epochs": epochs},
        json.dumps(metrics, indent=2) + "\n",
        stats,
    )


def _lock(base: str, params: dict[str, float | int], outs: dict[str, bytes]) -> str:
    """The baseline's dvc.lock with this experiment's params and out hashes."""
    text = re.sub(r"(\n {10}lr: ).*", rf"\g<1>{params['lr']}", base, count=1)
    text = re.sub(r"(\n {10}epochs: ).*", rf"\g<1>{params['epochs']}", text, count=1)
    text = re.sub(r"(\n {10}dropout: ).*", rf"\g<1>{params['dropout']}", text, count=1)
    for path, content in outs.items():
        md5 = hashlib.md5(content).hexdigest()
        text = re.sub(
            rf"(- path: {re.escape(path)}\n\s+hash: md5\n\s+md5: )\w+(\n\s+size: )\d+",
            rf"\g<1>{md5}\g<2>{len(content)}",
            text,
            count=1,
        )
    return text


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=True
    ).stdout.strip()


def _data(payload: bytes) -> bytes:
    return b"data %d\n" % len(payload) + payload + b"\n"


def generate(n: int, say=print) -> Path:  # type: ignore[no-untyped-def]
    """Return the path of a generated repo with exactly `n` experiments (built if missing)."""
    root = gen_repo_path(n)
    done = root / ".git" / "cd4ml-bench-generated"
    if done.exists():
        return root
    if root.exists():
        subprocess.run(["rm", "-rf", str(root)], check=True)
    say(f"gen: {len(BASELINES)} baselines with dvc repro in {root}")
    init_project(root, BASELINES)
    bases = [(_git(root, "rev-parse", branch), branch) for branch in BASELINES]
    locks = {sha: _git(root, "show", f"{sha}:dvc.lock") + "\n" for sha, _ in bases}
    layers = {
        sha: [32 * (i + 1), 16] for i, (sha, _) in enumerate(bases)
    }  # as bench_repo's baselines
    say(f"gen: writing {n} experiments with git fast-import")
    cache = root / ".dvc" / "cache" / "files" / "md5"
    stream: list[bytes] = []
    for index in range(n):
        branch = index % len(bases)
        sha, _ = bases[branch]
        params, metrics, stats = experiment_values(index, branch)
        params_text = demo_project.params_yaml(
            lr=params["lr"],
            epochs=int(params["epochs"]),
            layers=layers[sha],
            dropout=params["dropout"],
        )
        outs = {"metrics.json": metrics.encode(), "eval/stats.yaml": stats.encode()}
        md5 = hashlib.md5(outs["eval/stats.yaml"]).hexdigest()
        obj = cache / md5[:2] / md5[2:]
        if not obj.exists():
            obj.parent.mkdir(parents=True, exist_ok=True)
            obj.write_bytes(outs["eval/stats.yaml"])
        name = f"gen-{branch}-{index:05d}"
        when = f"{IDENTITY} {EPOCH + index} +0000".encode()
        message = f"dvc: commit experiment {name}".encode()
        stream += [
            f"commit refs/exps/{sha[:2]}/{sha[2:]}/{name}\n".encode(),
            b"author " + when + b"\n",
            b"committer " + when + b"\n",
            _data(message),
            f"from {sha}\n".encode(),
            b"M 100644 inline params.yaml\n",
            _data(params_text.encode()),
            b"M 100644 inline metrics.json\n",
            _data(outs["metrics.json"]),
            b"M 100644 inline dvc.lock\n",
            _data(_lock(locks[sha], params, outs).encode()),
            b"\n",
        ]
    stream.append(b"done\n")
    subprocess.run(
        ["git", "fast-import", "--quiet", "--done"],
        cwd=root,
        input=b"".join(stream),
        check=True,
        env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1"},
    )
    done.write_text(f"{n}\n")
    say(f"gen: {root}")
    return root


if __name__ == "__main__":
    print(generate(int(sys.argv[1]) if len(sys.argv) > 1 else 10000))
