"""Time `cd4ml-tui show --json` against `dvc exp show --json` on a real repo with N experiments.

    python benchmarks/bench_show.py [--n 1000] [--runs 3] [--out benchmarks/results.md]

Cold: `cd4ml-tui show --json --no-cache` vs `dvc exp show --json -a -T -f`.
Warm: `cd4ml-tui show --json` vs `dvc exp show --json -a -T`.
The two tools alternate and each figure is the median of `--runs` runs. Before any timing is
trusted the outputs are held against each other value by value: a fast wrong answer fails.
Also measured: our peak memory (max RSS of the process) and the TUI's time to first rows, probed
in a real terminal (tmux) from launch until an experiment row is on screen.
"""

from __future__ import annotations

import argparse
import compileall
import json
import math
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_repo import build
from bench_report import load_average, report
from gen_repo import generate
from tui_probe import floor_figure, tui_figures

import cd4ml_tui

BIN = Path(sys.executable).parent
WORK = Path(__file__).resolve().parent / ".work"
OURS = [str(BIN / "cd4ml-tui"), "show", "--json"]
DVCS = [str(BIN / "dvc"), "exp", "show", "--json", "-a", "-T"]
# The core's own read, as the TUI does it: list, then decode every value (`show --json` copies
# cached values into its output undecoded, so it is no measure of that).
CORE = [sys.executable, "-c", "from cd4ml_tui.core.api import load; load('.')[0].close()"]


def timed(argv: list[str], cwd: Path) -> tuple[float, int, bytes]:
    """(seconds, peak RSS in MB, stdout) of one run; fails loudly on a non-zero exit.

    The peak RSS comes from `/usr/bin/time`: `wait4`'s own figure would include this script's
    memory (the forked child holds it until it execs), which grows with DVC's parsed output."""
    with tempfile.NamedTemporaryFile("r") as rss:
        start = time.perf_counter()
        proc = subprocess.run(
            ["/usr/bin/time", "-o", rss.name, "-f", "%M", *argv],
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        seconds = time.perf_counter() - start
        kilobytes = int(rss.read().split()[-1])
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed in {cwd}")
    return seconds, kilobytes // 1024, proc.stdout


def dvc_values(dvc_json: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """rev -> {"params"/"metrics": {file: flat values}} from `dvc exp show --json`."""
    from dvc.utils.flatten import flatten

    def one(entry: dict[str, Any]) -> dict[str, Any]:
        data = entry.get("data") or {}
        return {
            kind: {
                path: flatten(found.get("data", {}))
                for path, found in (data.get(kind) or {}).items()
                if "error" not in found
            }
            for kind in ("params", "metrics")
        }

    values: dict[str, dict[str, Any]] = {}
    for baseline in dvc_json:
        values[baseline["rev"]] = one(baseline)
        for group in baseline.get("experiments") or []:
            for exp in group.get("revs") or []:
                values[exp["rev"]] = one(exp)
    return values


def same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return bool(a == b and type(a) is type(b)) or (
        isinstance(a, int | float) and isinstance(b, int | float) and a == b
    )


def check_agreement(ours_json: bytes, dvc_json: bytes) -> int:
    """Number of values compared; exits if any value differs or a DVC revision is missing."""
    ours = {r["rev"]: r for r in json.loads(ours_json)["revisions"]}
    theirs = dvc_values(json.loads(dvc_json))
    compared = 0
    for rev, expected in theirs.items():
        if rev not in ours:
            raise SystemExit(f"disagreement: DVC lists {rev}, cd4ml-tui does not")
        for kind in ("params", "metrics"):
            for path, flat in expected[kind].items():
                for key, value in flat.items():
                    got = ours[rev][kind].get(path, {}).get(key, "<missing>")
                    if not same(got, value):
                        raise SystemExit(
                            f"disagreement at {rev} {path}:{key}: {got!r} != {value!r}"
                        )
                    compared += 1
    return compared


def drop_cache(repo: Path) -> None:
    shutil.rmtree(repo / ".dvc" / "tmp" / "cd4ml-tui", ignore_errors=True)


def measure(
    n: int, runs: int, dvc_runs: int, real: bool, reuse_dvc: bool, say: Callable[[str], None]
) -> dict:
    """Every figure of one size; DVC's output is checked against ours before any timing."""
    repo = build(n, say=say) if real else generate(n, say=say)
    fig: dict[str, Any] = {"n": n, "loads": [], "rss": {}}
    times: dict[str, list[float]] = {
        k: [] for k in ("cold", "first", "warm", "core", "dvc_cold", "dvc_warm")
    }

    def run(name: str, argv: list[str]) -> bytes:
        fig["loads"].append(load_average())
        seconds, rss, out = timed(argv, repo)
        times[name].append(seconds)
        fig["rss"][name] = max(fig["rss"].get(name, 0), rss)
        say(f"{n}: {name} {seconds:.2f} s, {rss} MB (load {fig['loads'][-1]:.1f})")
        return out

    saved = WORK / f"dvc-{'real' if real else 'gen'}-{n}.json"
    ours_out = run("cold", [*OURS, "--no-cache"])
    reuse = reuse_dvc and saved.exists()
    dvc_out: bytes | None = None
    if reuse:  # DVC's figures and output from an earlier run of this size
        old = json.loads(saved.read_text())
        dvc_out = old["output"].encode()
        for key in ("dvc_cold", "dvc_warm"):
            times[key] = old["times"][key]
            fig["rss"][key] = old["rss"][key]
        fig["dvc_reused"] = f"{old['when']}, load average {min(old['loads']):.1f}-" + (
            f"{max(old['loads']):.1f}"
        )
        say(f"{n}: DVC figures reused from {saved} (measured {old['when']})")
    elif dvc_runs > 0:
        dvc_out = run("dvc_cold", [*DVCS, "-f"])
    if dvc_out is None:  # --dvc-runs 0: ours only, nothing checked against DVC
        fig["compared"] = "none (DVC not run)"
    else:
        fig["compared"] = check_agreement(ours_out, dvc_out)
    fig["revisions"] = len(json.loads(ours_out)["revisions"])
    say(f"{n}: {fig['compared']} values agree with DVC")
    for index in range(runs):
        if index:
            run("cold", [*OURS, "--no-cache"])
        drop_cache(repo)
        run("first", OURS)
        run("warm", OURS)
        run("core", CORE)
        if index < dvc_runs and not reuse:
            if index:
                run("dvc_cold", [*DVCS, "-f"])
            run("dvc_warm", DVCS)
    if dvc_out is not None and not reuse:
        WORK.mkdir(exist_ok=True)
        saved.write_text(
            json.dumps(
                {
                    "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                    "times": {k: times[k] for k in ("dvc_cold", "dvc_warm")},
                    "rss": {k: fig["rss"][k] for k in ("dvc_cold", "dvc_warm")},
                    "loads": fig["loads"],
                    "output": dvc_out.decode(),
                }
            )
        )
    fig["tui_floor"] = statistics.median(floor_figure(repo) for _ in range(runs))
    say(f"{n}: a one-line Textual app's first frame {fig['tui_floor']:.2f} s")
    for kind, flag in (("tui_cold", False), ("tui_warm", True)):
        samples = [tui_figures(repo, flag, keys=flag) for _ in range(runs)]  # keys: every run
        fig[kind] = {
            key: statistics.median(s[key] for s in samples if key in s) for key in samples[0]
        }
        say(f"{n}: {kind} {fig[kind]}")
    fig["times"] = times
    fig["median"] = {k: statistics.median(v) for k, v in times.items() if v}
    return fig


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--runs", type=int, default=3, help="runs per figure of ours (median)")
    parser.add_argument(
        "--dvc-runs",
        type=int,
        default=1,
        help="runs per figure of DVC (0: none, ours only, unchecked)",
    )
    parser.add_argument("--real", action="store_true", help="real `dvc exp run`s (bench_repo)")
    parser.add_argument(
        "--reuse-dvc",
        action="store_true",
        help="take DVC's timings and output from the last run of the same size (DVC at 10,000 "
        "takes many minutes; ours is still checked against DVC's saved output value by value)",
    )
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results.md")
    args = parser.parse_args()

    # As `pip install` does: bytecode compiled once, so no run pays for compiling our modules
    # (a machine with PYTHONDONTWRITEBYTECODE set would otherwise compile them on every run).
    compileall.compile_dir(Path(cd4ml_tui.__file__).parent, quiet=1)
    figures = []
    for n in args.sizes:
        figures.append(
            measure(n, args.runs, args.dvc_runs, args.real, args.reuse_dvc, say=print_err)
        )
        text = report(figures, args.runs, args.dvc_runs, args.real)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")  # after each size: a long run keeps its part
    print(text)
    return 0


def print_err(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
