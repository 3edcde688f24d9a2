"""Export SVG screenshots of the app's screens, rendered by the app itself on a real repo.

    python -m cd4ml_tui.screenshots DEMO_DIR OUT_DIR [--width 160] [--height 48]

Drives the same app the CLI runs (`create_app`) under Textual's headless test driver, with keys
as a user would press them, and saves each screen with `App.save_screenshot`. Screens that are
not available in this build (compare, diff, promote) are skipped with a message on stderr.
`insight.svg` and `insight-parallel.svg` are the insight screen over the shown rows (its two
tabs), the marked rows highlighted. `notebook-diff.svg` is the diff screen on the demo notebook
between the `main` and `feature/wider` baselines (skipped when the repo has no such branches).
`review.svg` is the review dialog (`R`) on the selected experiment with a verdict being written,
closed with Escape, so nothing is recorded. The compare and promote screens show the gate: the
repo's own `[gate]` rules, or, when it has none, `SHOWCASE_RULES` (set in the app's settings only,
never written to the repo).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import RadioSet, TextArea

from cd4ml_tui.core.api import open_repo
from cd4ml_tui.core.config import GateRule, Settings, load_settings
from cd4ml_tui.core.errors import Cd4mlError
from cd4ml_tui.ui.app import Cd4mlApp, create_app
from cd4ml_tui.ui.screens.main import MainScreen

SHOWCASE_RULES = (
    GateRule("accuracy", "worse_by", 0.01),
    GateRule("val.f1", "worse_by_pct", 1.0),
    GateRule("latency_ms", "max", 2.5),
)


def showcase_settings(settings: Settings) -> Settings:
    """The repo's settings, with `SHOWCASE_RULES` as the gate when it configures none."""
    if settings.gate.rules:
        return settings
    return replace(settings, gate=replace(settings.gate, rules=SHOWCASE_RULES))


async def _settle(app: Cd4mlApp, pilot: Pilot[int]) -> None:
    """Wait until every worker is done and the screen has been repainted."""
    await app.workers.wait_for_complete()
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def _open_and_save(
    app: Cd4mlApp, pilot: Pilot[int], key: str, name: str, out: Path, saved: list[Path]
) -> None:
    """Press `key` on the main screen; save the screen it opens as `name`.svg, then go back."""
    main = app.screen
    await pilot.press(key)
    await _settle(app, pilot)
    if app.screen is main:
        print(f"skipped {name}.svg: `{key}` opened no screen here", file=sys.stderr)
        return
    saved.append(Path(app.save_screenshot(f"{name}.svg", str(out))))
    while app.screen is not main:
        app.pop_screen()
        await pilot.pause()


async def _compare_and_plots(
    app: Cd4mlApp, pilot: Pilot[int], out: Path, saved: list[Path]
) -> None:
    """compare.svg (deltas of the marked rows), then `tab` to the same comparison's plots.svg."""
    main = app.screen
    await pilot.press("c")
    await _settle(app, pilot)
    if app.screen is main:
        print("skipped compare.svg and plots.svg: `c` opened no screen here", file=sys.stderr)
        return
    saved.append(Path(app.save_screenshot("compare.svg", str(out))))
    await pilot.press("tab")
    await _settle(app, pilot)
    saved.append(Path(app.save_screenshot("plots.svg", str(out))))
    while app.screen is not main:
        app.pop_screen()
        await pilot.pause()


async def _insight(app: Cd4mlApp, pilot: Pilot[int], out: Path, saved: list[Path]) -> None:
    """`i`: insight.svg (correlations of a metric over the shown rows, the marked rows
    highlighted), then `tab` to its parallel-coordinates chart, insight-parallel.svg."""
    main = app.screen
    await pilot.press("i")
    await _settle(app, pilot)
    if app.screen is main:
        print("skipped insight.svg: `i` opened no screen here", file=sys.stderr)
        return
    saved.append(Path(app.save_screenshot("insight.svg", str(out))))
    await pilot.press("tab")
    await _settle(app, pilot)
    saved.append(Path(app.save_screenshot("insight-parallel.svg", str(out))))
    while app.screen is not main:
        app.pop_screen()
        await pilot.pause()


async def _review(app: Cd4mlApp, pilot: Pilot[int], out: Path, saved: list[Path]) -> None:
    """`R` on the selected row: review.svg with "request changes" chosen and a message typed;
    then Escape, which records nothing."""
    main = app.screen
    await pilot.press("R")
    await _settle(app, pilot)
    if app.screen is main:
        print("skipped review.svg: `R` opened no screen here", file=sys.stderr)
        return
    app.screen.query_one(RadioSet).focus()
    await pilot.press("right", "enter")
    message = app.screen.query_one(TextArea)
    message.text = "Accuracy is up, but latency is past the gate's 2.5 ms.\nTry fewer layers."
    message.focus()
    await _settle(app, pilot)
    saved.append(Path(app.save_screenshot("review.svg", str(out))))
    await pilot.press("escape")
    await _settle(app, pilot)


async def _settle_diff(app: Cd4mlApp, pilot: Pilot[int]) -> None:
    """`_settle`, where a diff worker superseded by a newer one (a re-layout) may end cancelled."""
    from textual.worker import WorkerCancelled

    for _ in range(3):
        for _attempt in range(50):
            try:
                await app.workers.wait_for_complete()
                break
            except WorkerCancelled:
                await pilot.pause()
        await pilot.pause()


async def _notebook_diff(app: Cd4mlApp, pilot: Pilot[int], out: Path, saved: list[Path]) -> None:
    """The diff screen of main → feature/wider with the demo notebook selected."""
    from cd4ml_tui.core.api import list_revisions, resolve_revision
    from cd4ml_tui.ui.screens.diff import DiffScreen
    from cd4ml_tui.ui.widgets.file_list import FileList

    notebook = "notebooks/explore.ipynb"
    try:
        revisions = list_revisions(app.repo)
        base, head = (resolve_revision(app.repo, n, revisions) for n in ("main", "feature/wider"))
    except Cd4mlError as err:
        print(f"skipped notebook-diff.svg: {err}", file=sys.stderr)
        return
    main = app.screen
    await app.push_screen(DiffScreen(app.repo, base, head))
    await _settle_diff(app, pilot)
    files = app.screen.query_one(FileList)
    paths = [c.path for c in files.changes]
    if notebook not in paths:
        print(f"skipped notebook-diff.svg: {notebook} did not change", file=sys.stderr)
    else:
        files.highlighted = paths.index(notebook)
        await _settle_diff(app, pilot)
        saved.append(Path(app.save_screenshot("notebook-diff.svg", str(out))))
    while app.screen is not main:
        app.pop_screen()
        await pilot.pause()


async def export(demo_dir: Path, out: Path, size: tuple[int, int]) -> list[Path]:
    """Save main, help, compare, plots, insight, insight-parallel, review, diff, promote and
    notebook-diff SVGs (when available)."""
    repo = open_repo(demo_dir)
    app = create_app(repo, showcase_settings(load_settings(repo.root)))
    saved: list[Path] = []
    out.mkdir(parents=True, exist_ok=True)
    try:
        async with app.run_test(size=size) as pilot:
            await _settle(app, pilot)
            main = app.screen
            assert isinstance(main, MainScreen)
            # Mark the first baseline with experiments and three of them (compare shows those
            # against the baseline), then rest the cursor on the first experiment.
            shown = main.table.shown_values
            experiments = [i for i, v in enumerate(shown) if v.revision.kind == "experiment"]
            to_mark = [experiments[0] - 1, *experiments[:3]] if experiments else []
            for row in to_mark:
                main.table.move_cursor(row)
                await pilot.press("space")
            main.table.move_cursor(experiments[0] if experiments else 0)
            await _settle(app, pilot)
            saved.append(Path(app.save_screenshot("main.svg", str(out))))
            await pilot.press("question_mark")
            await _settle(app, pilot)
            saved.append(Path(app.save_screenshot("help.svg", str(out))))
            app.pop_screen()
            await _settle(app, pilot)
            await _compare_and_plots(app, pilot, out, saved)
            await _insight(app, pilot, out, saved)
            await pilot.press("U")  # unmark all: diff, promote and review use the selected row
            await _review(app, pilot, out, saved)
            await _open_and_save(app, pilot, "d", "diff", out, saved)
            await _open_and_save(app, pilot, "p", "promote", out, saved)
            await _notebook_diff(app, pilot, out, saved)
    finally:
        repo.close()
    return saved


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cd4ml_tui.screenshots", description=__doc__)
    parser.add_argument("demo_dir", type=Path, help="a repo to show, e.g. one `demo` built")
    parser.add_argument("out_dir", type=Path, help="folder for the SVG files")
    parser.add_argument("--width", type=int, default=160)
    parser.add_argument("--height", type=int, default=48)
    args = parser.parse_args(argv)
    try:
        saved = asyncio.run(export(args.demo_dir, args.out_dir, (args.width, args.height)))
    except Cd4mlError as err:
        print(f"screenshots: {err}", file=sys.stderr)
        return 2
    for path in saved:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
