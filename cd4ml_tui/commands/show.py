"""`cd4ml-tui show [PATH] [--json | --csv | --md] [--rev R]... [--all-commits] [--no-cache]`.

Prints every revision with its params and metrics: a rich table by default (metrics, then params,
experiments as a tree under their baseline, like `dvc exp show`), or the JSON / CSV / Markdown the
README documents. `--json` writes NaN and infinities as `NaN` / `Infinity`, as DVC does. The repo
(PATH or `-C PATH`), `--rev`, `--all-commits` and `--no-cache` are the shared flags of `cli.py`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from cd4ml_tui.core.api import (
    list_with_cache,
    open_repo,
    read_encoded,
    read_values,
    result_cache,
    review_summaries,
    to_csv,
    to_json,
    to_markdown,
)
from cd4ml_tui.core.config import load_settings
from cd4ml_tui.core.errors import Cd4mlError
from cd4ml_tui.core.model import RevisionValues
from cd4ml_tui.render.values_table import value_errors, values_table


def add_arguments(parser: argparse.ArgumentParser) -> None:
    fmt = parser.add_mutually_exclusive_group()
    fmt.add_argument(
        "--json",
        action="store_true",
        help="print JSON (the documented shape; NaN and infinities as NaN/Infinity, like DVC)",
    )
    fmt.add_argument("--csv", action="store_true", help="print CSV with full-precision values")
    fmt.add_argument("--md", action="store_true", help="print a Markdown table")
    parser.add_argument(
        "--precision",
        type=int,
        default=None,
        metavar="N",
        help="significant digits for floats in the table and Markdown (default from settings)",
    )


def run(args: argparse.Namespace) -> int:
    if args.precision is not None and not 1 <= args.precision <= 17:
        raise Cd4mlError(f"--precision {args.precision}: must be from 1 to 17")
    with open_repo(args.path) as repo:
        if not repo.has_dvc:
            print(
                f"cd4ml-tui: note: DVC is not set up in {repo.root} (no .dvc folder); "
                "showing git revisions only",
                file=sys.stderr,
            )
        # opened first: its read overlaps the listing; --json copies cached values as stored
        with result_cache(repo, enabled=not args.no_cache, decode=not args.json) as cache:
            revisions = list_with_cache(repo, args.rev, args.all_commits, cache)
            if args.json:
                encoded = list(read_encoded(repo, revisions, cache))
            else:
                values = list(read_values(repo, revisions, cache=cache))
        root = repo.project_root
        if args.json:
            commits = [r.rev for r in revisions if not r.is_workspace]
            reviews = {sha: s.document() for sha, s in review_summaries(repo, commits).items()}
    precision = args.precision or load_settings(root).precision
    if args.json:
        indent = 2 if sys.stdout.isatty() else None  # pretty for people, compact for pipes
        sys.stdout.write(to_json(root, encoded, indent=indent, reviews=reviews) + "\n")
    elif args.csv:
        sys.stdout.write(to_csv(values))
    elif args.md:
        sys.stdout.write(to_markdown(values, precision))
    else:
        print_table(values, precision)
    return 0


def print_table(values: Sequence[RevisionValues], precision: int) -> None:
    """The table on stdout, then the files that could not be read on stderr."""
    from rich.console import Console  # not loaded by --json and --csv (see render.values_table)

    console = Console(width=None if sys.stdout.isatty() else 100_000)
    console.print(values_table(values, precision), crop=False, soft_wrap=True)
    errors = value_errors(values)
    if errors:
        err = Console(stderr=True, width=None if sys.stderr.isatty() else 100_000)
        for line in errors:
            err.print(line)
