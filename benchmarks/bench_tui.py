"""Time the TUI on the repo with N experiments, in one process, through the app factory.

    python benchmarks/bench_tui.py [--n 1000] [--runs 5] [--out benchmarks/results-tui.md]

Each launch is `create_app(...).run_test(size=(200, 50))` on `benchmarks/.cache/exps-N` (built by
`bench_repo.py`; or `benchmarks/.cache/gen-N` with `--gen`, built by `gen_repo.py`; this script
only reads it, so the app may fill its result cache there):
- first rows: from creating the app until the table holds its first row (then painted),
- loaded: until every revision is in the table and the load worker is done,
both cold (`--no-cache`, every commit parsed) and warm (per-commit cache). Then, on the loaded
table, the median over `--runs` runs of the code the keys run:
- sort: `s` on a metric column (`RevisionTable.action_sort`), cycling asc/desc/off,
- filter: an edit of the filter bar (`FilterBar.apply`, which compiles it and posts `Applied`;
  the screen's handler refilters the table, so that is in the "+frame" figure) with an
  expression, alternating with the empty filter.
Last, the live refresh: on a throwaway copy, an experiment ref is added with git (laid out as
`dvc exp run` does) and timed until its row is on screen, with no key pressed (the watcher checks
the refs every second and reloads once they have been quiet for a check).
Each key figure is the handler alone, and the handler plus the messages it posted plus composing
the next frame (what the screen's update timer does), i.e. "the key responds within X ms".
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_repo import bench_repo_path
from bench_report import machine
from gen_repo import gen_repo_path

from cd4ml_tui.core.config import load_settings
from cd4ml_tui.core.git.repo import open_repo
from cd4ml_tui.ui.app import Cd4mlApp, create_app
from cd4ml_tui.ui.screens.main import MainScreen

SIZE = (200, 50)
FILTER = "accuracy>0.8 and train.lr<0.05"
POLL = 0.005


async def _until(condition: Callable[[], bool], limit: float = 300.0) -> None:
    start = time.perf_counter()
    while not condition():
        if time.perf_counter() - start > limit:
            raise SystemExit("the TUI did not get there in time")
        await asyncio.sleep(POLL)


async def paint(pilot: Pilot[Any]) -> None:
    """Handle what is pending, then compose and paint the frame now, as the screen's update
    timer would. (`pilot.pause()` also waits for the process to go idle, which it does not while
    the loader works, so it would measure the load, not the frame.)"""
    await pilot._wait_for_screen()
    pilot.app.screen._on_timer_update()


async def launch(repo_path: Path, use_cache: bool) -> tuple[float, float, int]:
    """(seconds to first rows, seconds to fully loaded, rows) of one launch."""
    repo = open_repo(repo_path)
    start = time.perf_counter()
    app = create_app(repo, load_settings(repo.root), use_cache=use_cache)
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = app.screen
            assert isinstance(screen, MainScreen)
            await _until(lambda: bool(screen.table.grid_rows))
            await paint(pilot)
            first = time.perf_counter() - start
            await _until(lambda: screen.loader.last_load is not None and not screen.loader.reading)
            await paint(pilot)
            loaded = time.perf_counter() - start
            return first, loaded, len(screen.table.rows_loaded)
    finally:
        repo.close()


async def key_figures(repo_path: Path, runs: int) -> dict[str, list[float]]:
    """Handler-only and handler-plus-frame seconds for sort and filter on the loaded table."""
    repo = open_repo(repo_path)
    app: Cd4mlApp = create_app(repo, load_settings(repo.root))
    figures: dict[str, list[float]] = {
        k: [] for k in ("sort", "sort+frame", "filter", "filter+frame")
    }
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = app.screen
            assert isinstance(screen, MainScreen)
            await _until(lambda: screen.loader.last_load is not None and not screen.loader.reading)
            await pilot.pause()
            table, bar = screen.table, screen.filter_bar
            accuracy = next(c for c in table.column_ids() if c.endswith(":accuracy"))
            table.move_cursor(0, ["mark", *table.shown_column_ids].index(accuracy))
            await pilot.pause()

            async def timed(name: str, action: Callable[[], Any]) -> None:
                await pilot.pause()  # start from a quiet, painted screen
                start = time.perf_counter()
                action()
                figures[name].append(time.perf_counter() - start)
                await paint(pilot)  # what the handler posted (status bar, details), the frame
                figures[f"{name}+frame"].append(time.perf_counter() - start)

            for _ in range(runs):
                for _cycle in range(3):  # ascending, descending, back to the tree
                    await timed("sort", table.action_sort)
                await timed("filter", lambda: bar.apply(FILTER))
                shown = len(table.view_rows)
                await timed("filter", lambda: bar.apply(""))
            figures["shown"] = [float(shown)]
    finally:
        repo.close()
    return figures


async def refresh_figures(repo_path: Path, runs: int) -> list[tuple[float, int]]:
    """(seconds from a new experiment ref to its row on screen, revisions read) per run, on a
    throwaway copy of the repo (the cached repo is never written)."""
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-tui-") as tmp:
        root = Path(tmp) / "repo"
        shutil.copytree(repo_path, root, symlinks=True)
        repo = open_repo(root)
        app = create_app(repo, load_settings(repo.root))
        try:
            async with app.run_test(size=SIZE):
                screen = app.screen
                assert isinstance(screen, MainScreen)
                await _until(
                    lambda: screen.loader.last_load is not None and not screen.loader.reading
                )
                base, tree = _git(root, "rev-parse", "main", "main^{tree}").split()
                for run in range(runs):
                    count = len(screen.table.rows_loaded)
                    # an experiment commit as `dvc exp run` lays it out: parent = its baseline
                    commit = _git(root, "commit-tree", tree, "-p", base, "-m", f"bench {run}")
                    start = time.perf_counter()
                    _git(root, "update-ref", f"refs/exps/{base[:2]}/{base[2:]}/live-{run}", commit)
                    await _until(
                        lambda n=count: (
                            len(screen.table.rows_loaded) == n + 1 and not screen.loader.reading
                        )
                    )
                    assert screen.loader.last_load is not None
                    results.append((time.perf_counter() - start, screen.loader.last_load.read))
        finally:
            repo.close()
    return results


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=True
    ).stdout.strip()


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


async def run(args: argparse.Namespace) -> str:
    repo_path = gen_repo_path(args.n) if args.gen else bench_repo_path(args.n)
    if not (repo_path / ".git").is_dir():
        script = "gen_repo.py" if args.gen else "bench_repo.py"
        raise SystemExit(f"{repo_path}: not built; run `python benchmarks/{script} {args.n}`")
    launches: dict[str, list[tuple[float, float, int]]] = {"cold": [], "warm": []}
    await launch(repo_path, use_cache=True)  # fill the per-commit cache for the warm runs
    for _ in range(args.launches):
        launches["cold"].append(await launch(repo_path, use_cache=False))
        launches["warm"].append(await launch(repo_path, use_cache=True))
    keys = await key_figures(repo_path, args.runs)
    refreshes = await refresh_figures(repo_path, args.runs)
    rows = launches["warm"][0][2]
    med = {k: statistics.median(v) for k, v in keys.items() if k != "shown"}
    lines = [
        f"# TUI benchmark: {args.n} experiments ({rows} rows, "
        f"{'generated' if args.gen else 'real dvc exp run'})",
        "",
        f"- machine: {machine()}",
        f"- in one process: `create_app(...).run_test(size={SIZE})`; launches: median of "
        f"{args.launches}; keys: median of {len(keys['sort'])} sorts and "
        f"{len(keys['filter'])} filter edits",
        "",
        "| figure | handler | handler + next frame | target |",
        "| --- | --- | --- | --- |",
    ]
    for kind in ("cold", "warm"):
        first = statistics.median(x[0] for x in launches[kind])
        loaded = statistics.median(x[1] for x in launches[kind])
        cache = "`--no-cache`" if kind == "cold" else "per-commit cache"
        lines.append(f"| first rows on screen, {cache} | | {first:.2f} s | 2 s |")
        lines.append(f"| table fully loaded, {cache} | | {loaded:.2f} s | |")
    lines += [
        f"| sort by accuracy (`s`) | {ms(med['sort'])} | {ms(med['sort+frame'])} | 100 ms |",
        f"| filter `{FILTER}` ({int(keys['shown'][0])} rows shown) | {ms(med['filter'])} | "
        f"{ms(med['filter+frame'])} | 100 ms |",
        f"| live refresh: new experiment ref to its row on screen (read again: at most "
        f"{max(r for _, r in refreshes)} of {rows + 1}+ revisions) | | "
        f"{statistics.median(s for s, _ in refreshes):.2f} s | 5 s |",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="number of experiments")
    parser.add_argument("--runs", type=int, default=5, help="runs per key figure (median)")
    parser.add_argument("--launches", type=int, default=3, help="launches per load figure")
    parser.add_argument("--gen", action="store_true", help="the generated repo (gen_repo.py)")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results-tui.md")
    args = parser.parse_args()
    report = asyncio.run(run(args))
    print(report)
    with args.out.open("a", encoding="utf-8") as out:
        out.write(report + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
