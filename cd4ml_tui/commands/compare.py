"""`cd4ml-tui compare BASE REV [REV...]` or `compare REV`: metric and param deltas.

With one REV alone, the baseline is the core's one rule (`choose_baseline`), as `c` on one row
in the TUI: the configured `baseline`, else the REV's own (an experiment's baseline commit, a
commit's first parent).

`--json` for two revisions is `dvc exp diff BASE REV --json` plus keys of our own; for more, the
N-way shape documented in the README. `--md` prints tables to paste into a pull request.
The repo (`-C PATH`) and `--no-cache` are the shared flags of `cli.py`.
"""

from __future__ import annotations

import argparse
import json
import sys

from rich.console import Console

from cd4ml_tui.core.api import (
    Comparison,
    choose_baseline,
    compare,
    diff_json,
    error_notes,
    labels,
    list_revisions,
    markdown,
    nway_json,
    open_repo,
    read_values,
    resolve_revision,
)
from cd4ml_tui.core.config import load_settings
from cd4ml_tui.core.errors import Cd4mlError
from cd4ml_tui.render.delta_text import comparison_table


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "base",
        metavar="BASE",
        help="the baseline revision; given alone, the one revision to compare with the default "
        "baseline (the configured `baseline`, else its own)",
    )
    parser.add_argument(
        "revs", nargs="*", metavar="REV", help="sha, branch, tag, experiment name or workspace"
    )
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print JSON (dvc exp diff's shape)")
    output.add_argument("--md", action="store_true", help="print GitHub-flavoured Markdown")
    parser.add_argument("--all", action="store_true", help="also show unchanged rows")


def run(args: argparse.Namespace) -> int:
    names = [args.base, *args.revs]
    if len(set(names)) != len(names):
        raise Cd4mlError("a revision is given twice; name each revision once")
    with open_repo(args.path) as repo:
        settings = load_settings(repo.root)
        listed = list_revisions(repo)
        notes: list[str] = []
        revisions = [resolve_revision(repo, name, listed, notes) for name in names]
        for note in notes:
            print(f"cd4ml-tui: note: {note}", file=sys.stderr)
        if not args.revs:  # one revision: the baseline by the one rule
            base, compared = choose_baseline(repo, revisions, settings.baseline, listed)
            revisions = [base, *compared]
            names = [base.label, *names]
        values = list(read_values(repo, revisions, use_cache=not args.no_cache))
    base_name, rev_names = names[0], names[1:]
    for note in error_notes(values):  # the values compare leaves out, and why
        print(f"cd4ml-tui: {note}", file=sys.stderr)
    comparison = compare(values[0], values[1:], settings)
    if args.json:
        if len(rev_names) == 1:
            document = diff_json(comparison, all_rows=args.all)
        else:
            document = nway_json(comparison, base_name, rev_names, all_rows=args.all)
        print(json.dumps(document, indent=2, allow_nan=True))
    elif args.md:
        print(markdown(comparison, base_name, rev_names, args.all, settings.precision), end="")
    else:
        _print_table(comparison, base_name, rev_names, args.all, settings.precision)
    hidden = 0 if args.all else sum(1 for row in comparison.rows if not row.changed)
    if hidden and hidden < len(comparison.rows):  # as the TUI's status line says it
        rows = "row" if hidden == 1 else "rows"
        sys.stdout.flush()
        print(
            f"cd4ml-tui: note: {hidden} unchanged {rows} hidden (--all shows them)", file=sys.stderr
        )
    return 0


def _print_table(
    comparison: Comparison, base_name: str, rev_names: list[str], all_rows: bool, precision: int
) -> None:
    columns = [row.column for row in comparison.rows]
    console = Console()
    if not all_rows and not any(row.changed for row in comparison.rows):
        console.print("no params or metrics differ (use --all to list them)")
        return
    table = comparison_table(comparison, base_name, rev_names, labels(columns), all_rows, precision)
    console.print(table)
