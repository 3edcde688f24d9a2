"""`cd4ml-tui promote REV`: tag a revision as a GTO version (and stage) of an artifact.

Prints the tags it created (or, with --dry-run, would create) on stdout. Without --yes it asks on a
terminal and refuses when stdin is not one. Exit 0 on success, 2 when refused (nothing written),
1 when the tags were created but the push failed (they stay; run the printed push to retry).
The repo is the shared `-C PATH` of `cli.py`.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from cd4ml_tui.core.api import (
    PromotionPlan,
    PromotionResult,
    PushError,
    apply,
    check_promotable,
    format_command,
    message_values,
    open_repo,
    plan_promotion,
    promotion_checks,
    push,
    resolve_revision,
)
from cd4ml_tui.core.config import load_settings
from cd4ml_tui.core.errors import PromotionError

_DEFAULT = "\0default"  # `--branch` / `--push` given without a value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rev", help="experiment name, branch, tag or commit to promote")
    parser.add_argument(
        "--artifact",
        help="artifact from dvc.yaml `artifacts:` (`folder:name` for a sub-folder); "
        "leave out in a repo without artifacts for a plain release tag vX.Y.Z",
    )
    version = parser.add_mutually_exclusive_group(required=True)
    version.add_argument("--version", help="the version to register, like v1.2.0")
    version.add_argument(
        "--bump", choices=["patch", "minor", "major"], help="bump the latest version"
    )
    parser.add_argument("--stage", help="also assign this stage (e.g. prod)")
    parser.add_argument("-m", "--message", default="", help="a note put first in the tag message")
    parser.add_argument(
        "--branch",
        nargs="?",
        const=_DEFAULT,
        help="also create a branch (default name as `dvc exp branch`: <name>-branch)",
    )
    parser.add_argument(
        "--push",
        nargs="?",
        const=_DEFAULT,
        metavar="REMOTE",
        help="push to REMOTE (default: the branch's upstream remote, else origin, else the first)",
    )
    parser.add_argument(
        "--override",
        metavar="REASON",
        help="promote although the settings' require_approval / require_gate refuse; the reason "
        "and what it overrode go into the tag message",
    )
    parser.add_argument("--dry-run", action="store_true", help="print what would be created")
    parser.add_argument("-y", "--yes", action="store_true", help="do not ask for confirmation")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def run(args: argparse.Namespace) -> int:
    with open_repo(args.path) as repo:
        picked: list[str] = []
        revision = resolve_revision(repo, args.rev, notes=picked)
        for line in picked:
            print(f"cd4ml-tui: note: {line}", file=sys.stderr)
        check_promotable(revision)
        settings = load_settings(repo.root)
        values, baseline_values = message_values(repo, revision, settings.baseline)
        checks = promotion_checks(repo, revision, settings, values=values)
        plan = plan_promotion(
            repo,
            revision,
            artifact=args.artifact,
            version=args.version,
            bump=args.bump,
            stage=args.stage,
            note=args.message,
            branch=True if args.branch == _DEFAULT else args.branch,
            remote=True if args.push == _DEFAULT else args.push,
            values=values,
            baseline_values=baseline_values,
            checks=checks,
            override=args.override,
        )
        for warning in plan.warnings:
            print(f"cd4ml-tui: warning: {warning}", file=sys.stderr)
        if args.dry_run:
            _report(plan, None, args.json, dry_run=True)
            return 0
        if not args.yes:
            _confirm(plan)
        result = apply(repo, plan)
        if plan.remote:
            try:
                result = push(repo, result)
            except PushError as err:
                _report(plan, err.result, args.json, dry_run=False)
                print(f"cd4ml-tui: {err}", file=sys.stderr)
                return 1
        _report(plan, result, args.json, dry_run=False)
        if result.notes_error:
            print(f"cd4ml-tui: warning: {result.notes_error}", file=sys.stderr)
    return 0


def _confirm(plan: PromotionPlan) -> None:
    if not sys.stdin.isatty():
        raise PromotionError("stdin is not a terminal: pass --yes to promote without asking")
    _print_plan(plan, sys.stderr)
    answer = input("Create these? [y/N] ").strip().lower()
    if answer not in ("y", "yes"):
        raise PromotionError("cancelled: nothing was written")


def _print_plan(plan: PromotionPlan, stream: Any) -> None:
    for tag in plan.tags:
        print(f"tag {tag.name} -> {plan.commit[:7]} ({plan.source})", file=stream)
    if plan.branch:
        print(f"branch {plan.branch} -> {plan.commit[:7]}", file=stream)
    print("git commands:", file=stream)
    for argv in plan.commands:
        print(f"  {format_command(argv)}", file=stream)
    print("message:", file=stream)
    for line in plan.tags[0].message.splitlines():
        print(f"  {line}", file=stream)


def _report(
    plan: PromotionPlan, result: PromotionResult | None, as_json: bool, dry_run: bool
) -> None:
    pushed = bool(result and result.pushed)
    if as_json:
        doc = {
            "dry_run": dry_run,
            "commit": plan.commit,
            "artifact": plan.artifact,
            "version": plan.version,
            "stage": plan.stage,
            "tags": list(plan.tag_names),
            "branch": plan.branch,
            "remote": plan.remote,
            "pushed": pushed,
            "warnings": list(plan.warnings),
            "commands": [list(c) for c in plan.commands],
        }
        print(json.dumps(doc, indent=2))
        return
    verb = "would create" if dry_run else "created"
    for tag in plan.tags:
        print(f"{verb} tag {tag.name} -> {plan.commit[:7]}")
    if plan.branch:
        print(f"{verb} branch {plan.branch} -> {plan.commit[:7]}")
    if plan.remote:
        print(
            f"{'would push' if dry_run else 'pushed'} to {plan.remote}"
            if dry_run or pushed
            else f"not pushed to {plan.remote}"
        )
    if dry_run:
        _print_plan(plan, sys.stdout)
