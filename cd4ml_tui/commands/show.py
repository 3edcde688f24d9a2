"""`cd4ml-tui show [PATH] [--json | --csv | --md] [--rev R]... [--all-commits] [--no-cache]`.

Prints every revision with its params and metrics: a rich table by default (metrics, then params,
experiments as a tree under their baseline, like `dvc exp show`), or the JSON / CSV / Markdown the
README documents. `--json` writes NaN and infinities as `NaN` / `Infinity`, as DVC does.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from cd4ml_tui.core.model import RevisionValues

# As the TUI's status column: an unfinished run stands out (its values are only params).
STATUS_STYLE = {"failed": "red", "queued": "yellow", "running": "yellow"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", default=".", help="a folder inside a git (+ DVC) repo")
    fmt = parser.add_mutually_exclusive_group()
    fmt.add_argument(
        "--json",
        action="store_true",
        help="print JSON (the documented shape; NaN and infinities as NaN/Infinity, like DVC)",
    )
    fmt.add_argument("--csv", action="store_true", help="print CSV with full-precision values")
    fmt.add_argument("--md", action="store_true", help="print a Markdown table")
    parser.add_argument(
        "--rev",
        action="append",
        default=[],
        metavar="R",
        help="also show this revision (sha, branch, tag); repeatable",
    )
    parser.add_argument("--all-commits", action="store_true", help="show every commit")
    parser.add_argument(
        "--no-cache", action="store_true", help="read every commit again, ignoring the cache"
    )
    parser.add_argument(
        "--precision",
        type=int,
        default=None,
        metavar="N",
        help="significant digits for floats in the table and Markdown (default from settings)",
    )


def run(args: argparse.Namespace) -> int:
    from cd4ml_tui.core.api import (
        list_revisions,
        open_repo,
        read_values,
        to_csv,
        to_json,
        to_markdown,
    )
    from cd4ml_tui.core.config import load_settings
    from cd4ml_tui.core.errors import Cd4mlError

    if args.precision is not None and not 1 <= args.precision <= 17:
        raise Cd4mlError(f"--precision {args.precision}: must be from 1 to 17")
    with open_repo(args.path) as repo:
        if not repo.has_dvc:
            print(
                f"cd4ml-tui: note: DVC is not set up in {repo.root} (no .dvc folder); "
                "showing git revisions only",
                file=sys.stderr,
            )
        revisions = list_revisions(repo, args.rev, all_commits=args.all_commits)
        values = list(read_values(repo, revisions, use_cache=not args.no_cache))
        root = repo.project_root
    precision = args.precision or load_settings(root).precision
    if args.json:
        indent = 2 if sys.stdout.isatty() else None  # pretty for people, compact for pipes
        sys.stdout.write(to_json(root, values, indent=indent) + "\n")
    elif args.csv:
        sys.stdout.write(to_csv(values))
    elif args.md:
        sys.stdout.write(to_markdown(values, precision))
    else:
        print_table(values, precision)
    return 0


def print_table(values: Sequence[RevisionValues], precision: int) -> None:
    """A rich table like `dvc exp show`'s: metric columns right-aligned, params left-aligned."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from cd4ml_tui.core.api import columns, format_value, labels, tree_labels

    cols = columns(values, unread=True)  # a file no revision could read keeps a column: `!`
    names = labels(cols)
    table = Table(show_edge=False, header_style="bold", pad_edge=False, box=None)
    table.add_column("Experiment", no_wrap=True)
    table.add_column("Created", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    for col in cols:
        style = "yellow" if col.kind == "metric" else "cyan"
        header = Text(names[col], style=style)
        if col.kind == "metric":
            table.add_column(header, justify="right", no_wrap=True)
        else:
            table.add_column(header, justify="left", no_wrap=True)
    for row, label in zip(values, tree_labels(values), strict=True):
        rev = row.revision
        created = (rev.timestamp or "")[:16].replace("T", " ") or "-"
        cells = [
            Text(label, style="bold" if rev.kind != "experiment" else ""),
            Text(created),
            Text(rev.status or "", style=STATUS_STYLE.get(rev.status or "", "")),
        ]
        for col in cols:
            value = row.get(col)
            if value is None and col.path in row.errors:
                cells.append(Text("!", style="red"))
            else:
                cells.append(Text(format_value(value, precision)))
        table.add_row(*cells)
    console = Console(width=None if sys.stdout.isatty() else 100_000)
    console.print(table, crop=False, soft_wrap=True)
    _print_errors(values)


def _print_errors(values: Sequence[RevisionValues]) -> None:
    """What the `!` cells stand for: one line per file and reason, on stderr."""
    from rich.console import Console
    from rich.text import Text

    from cd4ml_tui.core.api import error_notes

    notes = error_notes(values)
    if notes:
        err = Console(stderr=True, width=None if sys.stderr.isatty() else 100_000)
        for note in notes:
            err.print(Text(f"! {note}", style="red"))
