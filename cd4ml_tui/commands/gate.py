"""`cd4ml-tui gate REV [--against REF] [--json | --md]`: hold a revision to the gate rules.

The rules live in `[tool.cd4ml-tui.gate.rules]` (pyproject.toml) or `[gate.rules]`
(.cd4ml-tui.toml). The baseline is `--against`, else the settings' `gate.against`, else the
compare baseline. `REF` may be a GTO stage (`artifact#stage`: the commit in that stage now).
Exit 0 when every rule passes, 1 when any fails, 2 on an error (bad rules, unknown revision,
baseline not found). Reads without the result cache: it writes nothing. The repo is the shared
`-C PATH` of `cli.py`.
"""

from __future__ import annotations

import argparse
import json
import sys

from rich.console import Console

from cd4ml_tui.core.api import (
    gate_json,
    gate_markdown,
    list_revisions,
    open_repo,
    resolve_revision,
    run_gate,
)
from cd4ml_tui.core.config import load_settings
from cd4ml_tui.render.review_text import gate_table


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rev", help="experiment name, branch, tag, commit or workspace")
    parser.add_argument(
        "--against",
        metavar="REF",
        help="the baseline: artifact#stage (GTO), branch, tag, sha or experiment",
    )
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print the result as JSON")
    output.add_argument("--md", action="store_true", help="print a Markdown table for CI")


def run(args: argparse.Namespace) -> int:
    with open_repo(args.path) as repo:
        settings = load_settings(repo.root)
        revisions = list_revisions(repo)
        revision = resolve_revision(repo, args.rev, revisions)
        result = run_gate(repo, revision, settings, args.against, revisions)
    if args.json:
        print(json.dumps(gate_json(result), indent=2, ensure_ascii=False))
    elif args.md:
        sys.stdout.write(gate_markdown(result, settings.precision))
    else:
        Console(highlight=False).print(gate_table(result, settings.precision))
    return 0 if result.passed else 1
