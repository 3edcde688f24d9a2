"""`cd4ml-tui remove REV... [--yes] [--remote NAME] [--dry-run]`: remove experiment refs.

Lists what goes and asks (on a terminal) unless --yes; `--remote` also deletes them on that git
remote, after a second question. Prints the shas, so `git update-ref REF SHA` brings one back.
"""

from __future__ import annotations

import argparse
import sys

from cd4ml_tui.commands.writing import confirm, print_commands, resolve_noted
from cd4ml_tui.core.api import open_repo, plan_remove, remove_experiments


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("revs", nargs="+", metavar="REV", help="experiment names or shas")
    parser.add_argument("--remote", help="also delete them on this git remote")
    parser.add_argument("--dry-run", action="store_true", help="print what would go")
    parser.add_argument("-y", "--yes", action="store_true", help="do not ask for confirmation")


def run(args: argparse.Namespace) -> int:

    with open_repo(args.path) as repo:
        revisions = resolve_noted(repo, args.revs)
        plan = plan_remove(repo, revisions, args.remote)
        stream = sys.stdout if args.dry_run else sys.stderr
        verb = "would remove" if args.dry_run else "removing"
        for ref in plan.refs:
            print(f"{verb} {ref.name} {ref.oid[:7]} ({ref.ref})", file=stream)
        print_commands(plan.commands, stream)
        if args.dry_run:
            return 0
        if not args.yes:
            confirm(f"Remove {len(plan.refs)} experiment(s) locally?")
            if plan.remote:
                confirm(f"Also delete them on the remote {plan.remote}?")
        result = remove_experiments(repo, plan)
        where = f" locally and on {plan.remote}" if result.remote_removed else ""
        for ref in plan.refs:
            print(f"removed {ref.name}{where}: restore with git update-ref {ref.ref} {ref.oid}")
    return 0
