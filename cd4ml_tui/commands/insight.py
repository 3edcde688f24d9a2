"""`cd4ml-tui insight METRIC [--json | --md] [-C PATH]`: which params move a metric.

Over every commit and experiment that `show` lists (the workspace left out, each sha once): each
varying param's Spearman and Pearson correlation with the metric and its number of distinct
values, the metric's best value per param value, and summary statistics of every metric. The
metric is named as the `/` filter names a column (`path:key` when the key is in several files).
The repo (`-C PATH`), `--rev`, `--all-commits` and `--no-cache` are the shared flags of `cli.py`.
"""

from __future__ import annotations

import argparse
import json
import sys

from rich.console import Console

from cd4ml_tui.core.api import (
    columns,
    insight,
    insight_json,
    insight_markdown,
    insight_rows,
    labels,
    list_revisions,
    open_repo,
    read_values,
    resolve_metric,
)
from cd4ml_tui.core.config import load_settings
from cd4ml_tui.render.insight_text import insight_tables


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("metric", metavar="METRIC", help="a metric: key, key suffix or path:key")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print JSON (the documented shape)")
    output.add_argument("--md", action="store_true", help="print GitHub-flavoured Markdown")


def run(args: argparse.Namespace) -> int:
    with open_repo(args.path) as repo:
        settings = load_settings(repo.root)
        revisions = list_revisions(repo, args.rev, all_commits=args.all_commits)
        revisions = [r for r in revisions if not r.is_workspace]
        values = insight_rows(list(read_values(repo, revisions, use_cache=not args.no_cache)))
    metric = resolve_metric(args.metric, values)
    result = insight(values, metric, settings)
    if args.json:
        print(json.dumps(insight_json(result), indent=2, allow_nan=False))
    elif args.md:
        names = labels(columns(values))
        print(insight_markdown(result, names, settings.precision), end="")
    else:
        console = Console(width=None if sys.stdout.isatty() else 120)
        for table in insight_tables(result, labels(columns(values)), settings.precision):
            console.print(table)
    return 0
