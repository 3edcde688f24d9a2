"""`cd4ml-tui branch REV [NAME] [--dry-run]`: make a branch from an experiment, as
`dvc exp branch` does. Refuses an existing name; never switches branch."""

from __future__ import annotations

import argparse
import sys

from cd4ml_tui.commands.writing import print_commands, resolve_noted
from cd4ml_tui.core.api import create_branch, open_repo, plan_branch


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rev", help="experiment name (or any commit) to branch from")
    parser.add_argument("name", nargs="?", help="branch name (default: <experiment>-branch)")
    parser.add_argument("--dry-run", action="store_true", help="print the command only")


def run(args: argparse.Namespace) -> int:

    with open_repo(args.path) as repo:
        plan = plan_branch(repo, resolve_noted(repo, [args.rev])[0], args.name)
        if args.dry_run:
            print(f"would create branch {plan.name} -> {plan.commit[:7]} ({plan.source})")
            print_commands(plan.commands, sys.stdout)
            return 0
        create_branch(repo, plan)
        print(f"created branch {plan.name} -> {plan.commit[:7]} ({plan.source})")
        print(f"switch to it with: git checkout {plan.name}")
    return 0
