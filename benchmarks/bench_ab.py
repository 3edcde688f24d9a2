"""Interleaved A/B of checkouts on one repo: the core's warm read and the TUI's warm start.

    python benchmarks/bench_ab.py benchmarks/.cache/gen-10000 --runs 12 ../base .
    python benchmarks/bench_ab.py benchmarks/.cache/gen-10000 ../base=/tmp/gen-copy .

Each checkout is a folder holding `cd4ml_tui/` (a `git worktree` of another commit, say), put
first on PYTHONPATH for its runs; the TUI's second processes inherit it. Run by run the checkouts
alternate, so that the drift of a shared machine (a third between runs minutes apart) falls on
all of them alike. Printed per checkout: the lowest, lower quartile and median of the core's
read (`bench_show.CORE`), the TUI's first rows and full load (tmux, `tui_probe`), and the full
load over the core's read. `CHECKOUT=REPO` runs that checkout on its own copy of the repo: two
commits that keep their cache in different forms would otherwise undo each other's at every run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_show import CORE
from tui_probe import tui_figures

FIGURES = ("core", "first_rows", "loaded")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", type=Path)
    parser.add_argument("checkouts", nargs="+", metavar="CHECKOUT[=REPO]")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    repos = {
        Path(c.partition("=")[0]): Path(c.partition("=")[2] or args.repo) for c in args.checkouts
    }
    seen: dict[Path, dict[str, list[float]]] = {c: {f: [] for f in FIGURES} for c in repos}
    for _ in range(args.runs):
        for checkout, figures in seen.items():
            os.environ["PYTHONPATH"] = str(checkout.resolve())
            start = time.perf_counter()
            subprocess.run(CORE, cwd=repos[checkout], check=True)
            figures["core"].append(time.perf_counter() - start)
            tui = tui_figures(repos[checkout], use_cache=True, keys=False)
            for name in FIGURES[1:]:
                figures[name].append(tui[name])
    for checkout, figures in seen.items():
        parts = [f"{name} {_spread(values)}" for name, values in figures.items()]
        ratio = statistics.median(figures["loaded"]) / statistics.median(figures["core"])
        print(f"{checkout}: " + "; ".join(parts) + f"; loaded / core (medians) {ratio:.2f}")
    return 0


def _spread(values: list[float]) -> str:
    ordered = sorted(values)
    low, quartile, median = ordered[0], ordered[len(ordered) // 4], statistics.median(ordered)
    return f"{low:.2f} / {quartile:.2f} / {median:.2f} s"


if __name__ == "__main__":
    raise SystemExit(main())
