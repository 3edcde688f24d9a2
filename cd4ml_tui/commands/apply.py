"""`cd4ml-tui apply REV [--stash] [--dry-run] [--json]`: bring an experiment into the workspace.

The workspace ends exactly as after `dvc exp apply REV` (DVC's own API does the write), but only
when no uncommitted work would be lost: otherwise exit 2 and nothing changes, unless `--stash`
saves that work as a git stash first. Prints the files that change and how to go back.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from cd4ml_tui.commands.writing import print_commands, resolve_noted
from cd4ml_tui.core.api import (
    ApplyPlan,
    ApplyResult,
    apply_to_workspace,
    open_repo,
    plan_apply,
)
from cd4ml_tui.core.errors import ActionError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rev", help="experiment name, branch, tag or commit to apply")
    parser.add_argument(
        "--stash",
        action="store_true",
        help="save uncommitted work with `git stash push -u` first, instead of refusing",
    )
    parser.add_argument("--dry-run", action="store_true", help="print what would change")
    parser.add_argument("--json", action="store_true", help="print the plan/result as JSON")


def run(args: argparse.Namespace) -> int:

    with open_repo(args.path) as repo:
        plan = plan_apply(repo, resolve_noted(repo, [args.rev])[0], stash=args.stash)
        if args.dry_run:
            _report(plan, None, args.json)
            if plan.refusal:
                raise ActionError(plan.refusal)
            return 0
        result = apply_to_workspace(repo, plan)
        _report(plan, result, args.json)
    return 0


def plan_json(plan: ApplyPlan, result: ApplyResult | None) -> dict[str, Any]:
    return {
        "dry_run": result is None,
        "commit": plan.commit,
        "source": plan.source,
        "changes": [
            {"path": c.path, "change": c.change, "dvc": c.dvc, "uncommitted": c.uncommitted}
            for c in plan.changes
        ],
        "stashed": list(plan.stashed),
        "stash": result.stash_oid if result else None,
        "refusal": plan.refusal,
        "notes": list(plan.notes),
        "commands": [list(c) for c in plan.commands],
        "restore": result.restore_hint if result else None,
    }


def _report(plan: ApplyPlan, result: ApplyResult | None, as_json: bool) -> None:
    if as_json:
        print(json.dumps(plan_json(plan, result), indent=2))
        return
    verb = "would change" if result is None else "changed"
    print(f"{verb} {len(plan.changes)} file(s) applying {plan.source} ({plan.commit[:7]}):")
    for change in plan.changes:
        flags = " [dvc]" if change.dvc else ""
        flags += " [uncommitted]" if change.uncommitted else ""
        print(f"  {change.change:<7} {change.path}{flags}")
    if plan.stashed:
        what = "would stash" if result is None else "stashed"
        print(f"{what} {len(plan.stashed)} uncommitted file(s): {', '.join(plan.stashed)}")
    for note in plan.notes:
        print(f"note: {note}")
    if result is None:
        print_commands(plan.commands, sys.stdout)
        return
    if result.stash_oid:
        print(f"your uncommitted work is in git stash {result.stash_oid[:7]} (stash@{{0}})")
    if result.restore_hint:
        print(f"to go back: {result.restore_hint}")
