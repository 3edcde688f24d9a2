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
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_repo import build

BIN = Path(sys.executable).parent
OURS = [str(BIN / "cd4ml-tui"), "show", "--json"]
DVCS = [str(BIN / "dvc"), "exp", "show", "--json", "-a", "-T"]


def timed(argv: list[str], cwd: Path) -> tuple[float, int, bytes]:
    """(seconds, peak RSS in MB, stdout) of one run; fails loudly on a non-zero exit."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = proc.stdout.read() if proc.stdout else b""
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv)} failed in {cwd}")
    return seconds, usage.ru_maxrss // 1024, out


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


def first_rows_seconds(repo: Path, marker: str = "sweep-") -> float:
    """Seconds from launching the TUI in a 200x50 tmux terminal until an experiment row shows."""
    if not shutil.which("tmux"):
        return float("nan")
    session = f"bench-{os.getpid()}"
    start = time.perf_counter()
    subprocess.run(
        [
            "tmux",
            "new",
            "-d",
            "-s",
            session,
            "-x",
            "200",
            "-y",
            "50",
            "-c",
            str(repo),
            str(BIN / "cd4ml-tui"),
        ],
        check=True,
    )
    try:
        while time.perf_counter() - start < 60:
            screen = subprocess.run(
                ["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True
            ).stdout
            if marker in screen:
                return time.perf_counter() - start
            time.sleep(0.02)
        return float("inf")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], check=False)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    system = f"{platform.system()} {platform.release()}"
    return f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, {system}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="number of experiments")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results.md")
    args = parser.parse_args()

    repo = build(args.n, say=lambda line: print(line, file=sys.stderr))
    figures: dict[str, list[float]] = {
        k: [] for k in ("ours_cold", "dvc_cold", "ours_warm", "dvc_warm")
    }
    peak_mb = 0
    for _ in range(args.runs):
        seconds, rss, ours_out = timed([*OURS, "--no-cache"], repo)
        figures["ours_cold"].append(seconds)
        peak_mb = max(peak_mb, rss)
        seconds, _, dvc_out = timed([*DVCS, "-f"], repo)
        figures["dvc_cold"].append(seconds)
        seconds, rss, _ = timed(OURS, repo)
        figures["ours_warm"].append(seconds)
        peak_mb = max(peak_mb, rss)
        seconds, _, _ = timed(DVCS, repo)
        figures["dvc_warm"].append(seconds)
    compared = check_agreement(ours_out, dvc_out)
    first_rows = statistics.median(first_rows_seconds(repo) for _ in range(args.runs))

    med = {k: statistics.median(v) for k, v in figures.items()}
    import dvc

    lines = [
        f"# Benchmark: {args.n} experiments",
        "",
        f"- machine: {machine()}",
        f"- DVC {dvc.__version__}, Python {platform.python_version()}; median of {args.runs} runs, "
        "alternating; "
        f"{compared} values checked equal to DVC's before timing counts",
        "",
        "| figure | cd4ml-tui | dvc exp show | ratio |",
        "| --- | --- | --- | --- |",
        f"| cold (`--no-cache` / `-f`) | {med['ours_cold']:.2f} s | {med['dvc_cold']:.2f} s | "
        f"{med['dvc_cold'] / med['ours_cold']:.1f}x faster |",
        f"| warm | {med['ours_warm']:.2f} s | {med['dvc_warm']:.2f} s | "
        f"{med['dvc_warm'] / med['ours_warm']:.1f}x faster |",
        f"| peak memory (`show --json`) | {peak_mb} MB | | |",
        f"| TUI: launch to first rows (tmux, 200x50) | {first_rows:.2f} s | | |",
        "",
    ]
    report = "\n".join(lines)
    print(report)
    args.out.write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
