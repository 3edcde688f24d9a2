"""`cd4ml-tui plots REV [REV...]`: the plots of dvc.yaml for revisions, drawn in the terminal.

With `--json`, the plotted data instead (the same as `dvc plots diff REV... --json` plots).
The repo is the shared `-C PATH` of `cli.py`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys

from cd4ml_tui.core.api import (
    Plot,
    list_revisions,
    load_plots,
    open_repo,
    plots_json,
    resolve_revision,
)
from cd4ml_tui.core.errors import Cd4mlError
from cd4ml_tui.render.plot_draw import draw_plot, legend_text, new_figure


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "revs", nargs="+", metavar="REV", help="sha, branch, tag, experiment name or workspace"
    )
    parser.add_argument("--json", action="store_true", help="print the plotted data as JSON")
    parser.add_argument("--plot", metavar="ID", action="append", help="only this plot (repeatable)")


def run(args: argparse.Namespace) -> int:
    with open_repo(args.path) as repo:
        listed = list_revisions(repo)
        if len(set(args.revs)) != len(args.revs):
            raise Cd4mlError("a revision is given twice")
        notes: list[str] = []
        revisions = [resolve_revision(repo, name, listed, notes) for name in args.revs]
        for note in notes:
            print(f"cd4ml-tui: note: {note}", file=sys.stderr)
        plots = load_plots(repo, revisions, args.revs)
    if args.plot:
        known = {plot.plot_id for plot in plots}
        unknown = [p for p in args.plot if p not in known]
        if unknown:
            raise Cd4mlError(
                f"no plot {unknown[0]!r} in dvc.yaml; plots: {', '.join(sorted(known)) or 'none'}"
            )
        plots = [plot for plot in plots if plot.plot_id in args.plot]
    if args.json:
        print(json.dumps(plots_json(plots), indent=2, allow_nan=True))
        return 0
    _print_plots(plots)
    return 0


def _print_plots(plots: list[Plot]) -> None:
    from plotext import uncolorize
    from rich.console import Console

    if not plots:
        print("no plots declared in dvc.yaml", file=sys.stderr)
        return
    width = min(shutil.get_terminal_size((100, 30)).columns, 120)
    colour = sys.stdout.isatty()
    for plot in plots:
        print(f"── {plot.plot_id} " + "─" * max(0, width - len(plot.plot_id) - 4))
        if plot.kind == "image":
            for rev, paths in plot.images.items():
                print(f"  {rev}: {', '.join(paths)} (image; open it in a viewer)")
        else:
            figure = new_figure(width, 20)
            drawn = draw_plot(figure, plot)
            text = figure.build() if plot.series else ""
            if text:
                print((text if colour else uncolorize(text)).rstrip("\n"))
            if drawn.legend:
                legend = Console(width=width, no_color=not colour, highlight=False)
                legend.print(legend_text(drawn.legend))
            if drawn.note:
                print(f"  note: {drawn.note}")
        for rev, error in plot.errors.items():
            print(f"  {rev}: {error}", file=sys.stderr)
