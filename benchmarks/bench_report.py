"""The report of `bench_show.py`: the Markdown table, the growth lines and issue 15's targets."""

from __future__ import annotations

import itertools
import math
import operator
import os
import platform
import subprocess
from collections.abc import Callable
from pathlib import Path

from tui_probe import FILTER


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    system = f"{platform.system()} {platform.release()}"
    return f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, {system}"


def load_average() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def _head() -> str:
    return subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=Path(__file__).resolve().parent,
        capture_output=True,
        text=True,
    ).stdout.strip()


NOT_MEASURED = "not measured"


def secs(value: float) -> str:
    if math.isnan(value):
        return NOT_MEASURED
    return f"{value:.2f} s" if value < 100 else f"{value:.0f} s"


def number(value: float) -> str:
    return NOT_MEASURED if math.isnan(value) else f"{value:.2f}"


def times_faster(theirs: float, ours: float) -> str:
    return NOT_MEASURED if math.isnan(theirs / ours) else f"{theirs / ours:.1f}x"


def report(figures: list[dict], runs: int, dvc_runs: int, real: bool) -> str:
    import dvc

    loads = [x for f in figures for x in f["loads"]]
    kind = "real `dvc exp run`s (bench_repo.py)" if real else "generated (gen_repo.py)"
    lines = [
        "# Benchmark: `cd4ml-tui show --json` and the TUI against `dvc exp show --json -a -T`",
        "",
        f"- machine: {machine()}; shared: load average {min(loads):.1f}-{max(loads):.1f} "
        "(1-minute, sampled before each timed command), so figures are noisy",
        f"- DVC {dvc.__version__}, Python {platform.python_version()}; experiments {kind}; "
        f"ours: median of {runs} runs, DVC: median of up to {dvc_runs}; "
        "values checked equal to DVC's before any timing counts: "
        + ", ".join(f"{f['compared']} at {f['n']}" for f in figures),
        "- cold: `show --json --no-cache` vs `dvc exp show --json -a -T -f`; warm: `show --json`"
        " on a filled cache vs `dvc exp show --json -a -T` after a run; first run: `show --json` "
        "with the cache removed first (reads and fills it); core read: `core.api.load` on a warm "
        "cache (what the TUI reads: every value decoded)",
        "- TUI: launched in a 200x50 tmux terminal; first rows = a revision's name on screen "
        "(`workspace` or an experiment; with a warm cache the listing kept by the last run is "
        "shown by name before the values are read); "
        "loaded = the status bar says N/N revisions, nothing reading; sort / filter = from "
        "`tmux send-keys` (`s`; the last character of the filter) to the status bar showing it "
        "(includes tmux polling, ~10-30 ms); Textual alone = the same launch of a Textual app "
        "that shows one line (`tui_probe.FLOOR_APP`), the floor under the first-row figures",
        "- our bytecode is compiled before the first run, as `pip install` does",
        "",
        *[
            f"- DVC's figures at {f['n']:,} were measured in an earlier run ({f['dvc_reused']}) "
            "and reused; ours were measured now and checked against that run's DVC output"
            for f in figures
            if "dvc_reused" in f
        ],
        f"- cd4ml-tui at commit {_head()}",
        "",
        "| figure | " + " | ".join(f"{f['n']:,} exps" for f in figures) + " |",
        "| --- |" + " --- |" * len(figures),
    ]

    def row(label: str, cell: Callable[[dict], str]) -> None:
        lines.append(f"| {label} | " + " | ".join(cell(f) for f in figures) + " |")

    def med(f: dict, key: str) -> float:
        return f["median"].get(key, float("nan"))

    row("revisions listed", lambda f: str(f["revisions"]))
    row("ours cold", lambda f: secs(med(f, "cold")))
    row("DVC cold (`-f`)", lambda f: secs(med(f, "dvc_cold")))
    row("cold: x faster than DVC", lambda f: times_faster(med(f, "dvc_cold"), med(f, "cold")))
    row("ours warm", lambda f: secs(med(f, "warm")))
    row("DVC warm", lambda f: secs(med(f, "dvc_warm")))
    row("warm: x faster than DVC", lambda f: times_faster(med(f, "dvc_warm"), med(f, "warm")))
    row("ours first run with the cache on", lambda f: secs(med(f, "first")))
    row("first run / cold", lambda f: f"{med(f, 'first') / med(f, 'cold'):.2f}")
    row(
        "peak RSS ours (cold / first / warm)",
        lambda f: "{cold} / {first} / {warm} MB".format(**f["rss"]),
    )
    row(
        "peak RSS DVC (cold / warm)",
        lambda f: (
            f"{f['rss']['dvc_cold']} / {f['rss']['dvc_warm']} MB"
            if "dvc_cold" in f["rss"]
            else NOT_MEASURED
        ),
    )
    for key, label in (("cold", "ours cold"), ("warm", "ours warm"), ("dvc_cold", "DVC cold")):
        row(f"{label}: ms per experiment", lambda f, k=key: number(med(f, k) * 1000 / f["n"]))
    row(
        "Textual alone: a one-line app's first frame",
        lambda f: secs(f.get("tui_floor", math.nan)),
    )
    for kind, label in (("tui_warm", "warm cache"), ("tui_cold", "`--no-cache`")):
        row(f"TUI first rows, {label}", lambda f, k=kind: secs(f[k].get("first_rows", math.nan)))
        row(f"TUI fully loaded, {label}", lambda f, k=kind: secs(f[k].get("loaded", math.nan)))
    row("core read, warm (list, decode every value)", lambda f: secs(med(f, "core")))
    row(
        "TUI fully loaded (warm) / core read",
        lambda f: f"{f['tui_warm'].get('loaded', math.nan) / med(f, 'core'):.2f}",
    )
    row(
        "TUI key to frame: sort (`s`)",
        lambda f: f"{f['tui_warm'].get('sort', math.nan) * 1000:.0f} ms",
    )
    row(
        f"TUI key to frame: filter (last key of `{FILTER}`)",
        lambda f: f"{f['tui_warm'].get('filter', math.nan) * 1000:.0f} ms",
    )
    if len(figures) > 1:
        lines += ["", "Growth (time per experiment, larger size / smaller size; 1.0 = linear):", ""]
        for key, label in (
            ("cold", "ours cold"),
            ("warm", "ours warm"),
            ("first", "ours first run"),
            ("dvc_cold", "DVC cold"),
            ("dvc_warm", "DVC warm"),
        ):
            steps = [
                f"{a['n']:,}→{b['n']:,}: " + number((med(b, key) / b["n"]) / (med(a, key) / a["n"]))
                for a, b in itertools.pairwise(figures)
            ]
            lines.append(f"- {label}: " + ", ".join(steps))
    lines += targets(figures)
    return "\n".join(lines) + "\n"


def targets(figures: list[dict]) -> list[str]:
    """Issue 15's targets, each with the figure of this run and whether it is met."""
    by_n = {f["n"]: f for f in figures}
    checks: list[tuple[str, float, str, float, str]] = []  # label, figure, op, limit, unit

    def med(n: int, key: str) -> float:
        return by_n[n]["median"].get(key, math.nan)

    def tui(n: int, kind: str, key: str) -> float:
        return by_n[n][kind].get(key, math.nan)

    if 10000 in by_n:
        rss = max(by_n[10000]["rss"][k] for k in ("cold", "first", "warm"))
        checks += [
            ("10,000: cold vs DVC", med(10000, "dvc_cold") / med(10000, "cold"), ">=", 60, "x"),
            ("10,000: warm vs DVC", med(10000, "dvc_warm") / med(10000, "warm"), ">=", 10, "x"),
            ("10,000: first run / cold", med(10000, "first") / med(10000, "cold"), "<=", 1.3, "x"),
            ("10,000: peak RSS", rss, "<=", 200, " MB"),
            ("10,000: TUI first rows, warm", tui(10000, "tui_warm", "first_rows"), "<=", 1, " s"),
            ("10,000: TUI first rows, cold", tui(10000, "tui_cold", "first_rows"), "<=", 2, " s"),
            (
                "10,000: TUI loaded / core read (warm)",
                tui(10000, "tui_warm", "loaded") / med(10000, "core"),
                "<=",
                2,
                "x",
            ),
            ("10,000: sort key to frame", tui(10000, "tui_warm", "sort") * 1000, "<", 100, " ms"),
            (
                "10,000: filter key to frame",
                tui(10000, "tui_warm", "filter") * 1000,
                "<",
                100,
                " ms",
            ),
        ]
    if 1000 in by_n:
        checks += [
            ("1,000: warm vs DVC", med(1000, "dvc_warm") / med(1000, "warm"), ">=", 5, "x"),
            ("1,000: TUI first rows, warm", tui(1000, "tui_warm", "first_rows"), "<=", 1, " s"),
        ]
    if 1000 in by_n and 10000 in by_n:
        for key in ("cold", "warm", "first"):
            growth = (med(10000, key) / 10000) / (med(1000, key) / 1000)
            checks.append((f"growth per experiment 1,000→10,000 ({key})", growth, "<=", 1.2, "x"))
    if not checks:
        return []
    lines = ["", "Against issue 15's targets (this run):", ""]
    lines += ["| target | figure | met |", "| --- | --- | --- |"]
    meets = {">=": operator.ge, "<=": operator.le, "<": operator.lt}
    for label, value, op, limit, unit in checks:
        verdict = "n/a" if math.isnan(value) else "yes" if meets[op](value, limit) else "**no**"
        sign = {">=": "≥", "<=": "≤", "<": "<"}[op]
        lines.append(f"| {label} {sign} {limit}{unit} | {value:.2f}{unit} | {verdict} |")
    return lines
