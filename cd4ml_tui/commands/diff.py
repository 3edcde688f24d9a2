"""`cd4ml-tui diff BASE HEAD [PATH...]`: the files changed between two revisions, diffed.

Without `--json` it prints a readable coloured diff (notebooks cell by cell, the same renderables
the TUI shows). `--json` prints the stable contract:
`{"base", "head", "files": [{"path", "status", "kind", "cells"?}]}`, `cells` for notebooks only.
The repo is the shared `-C PATH` of `cli.py`; PATHs are relative to the current folder when it is
inside the repo and no `-C` is given, else to the repo's root.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.rule import Rule
from rich.text import Text

from cd4ml_tui.core.api import (
    NOISE_KINDS,
    Repo,
    RevisionDiff,
    changed_files,
    file_diff,
    list_revisions,
    normalize_path,
    open_repo,
    resolve_revision,
)
from cd4ml_tui.render.diff import DiffOptions, file_row, render_file_diff, revision_name


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("base", metavar="BASE", help="sha, branch, tag, experiment or workspace")
    parser.add_argument("head", metavar="HEAD", help="sha, branch, tag, experiment or workspace")
    parser.add_argument("paths", metavar="PATH", nargs="*", help="only these files or folders")
    parser.add_argument("--json", action="store_true", help="print the diff as JSON")
    parser.add_argument(
        "--side-by-side", action="store_true", help="show text diffs in two columns"
    )
    parser.add_argument(
        "--noise",
        action="store_true",
        help="also show execution counts, cell ids and metadata-only cell changes",
    )


def diff_json(repo: Repo, diff: RevisionDiff) -> tuple[dict[str, Any], list[str]]:
    """The `--json` document and the notes (unparsable notebooks) that go to stderr."""
    files: list[dict[str, Any]] = []
    notes: list[str] = []
    for change in diff.files:
        entry: dict[str, Any] = {"path": change.path, "status": change.status, "kind": change.kind}
        if change.kind == "notebook":
            loaded = file_diff(repo, diff, change)
            if loaded.notebook is not None:
                entry["cells"] = [
                    {
                        "change": c.change,
                        "base_index": c.base_index,
                        "head_index": c.head_index,
                        "parts": list(c.parts),
                    }
                    for c in loaded.notebook.changes
                ]
            else:
                entry["kind"] = loaded.kind
                notes.append(f"{change.path}: {loaded.note}")
        files.append(entry)
    return {"base": diff.base.rev, "head": diff.head.rev, "files": files}, notes


def _print_readable(repo: Repo, diff: RevisionDiff, args: argparse.Namespace) -> None:
    console = Console(highlight=False, soft_wrap=False)
    options = DiffOptions(
        side_by_side=args.side_by_side,
        hidden=frozenset() if args.noise else frozenset(NOISE_KINDS),
    )
    count = len(diff.files)
    console.print(
        Text.assemble(
            ("diff ", "bold"),
            f"{revision_name(diff.base)} → {revision_name(diff.head)}: ",
            f"{count} changed file{'s' * (count != 1)}",
        )
    )
    for change in diff.files:
        console.print(file_row(change))
    for change in diff.files:
        console.print(Rule(file_row(change), align="left"))
        console.print(render_file_diff(file_diff(repo, diff, change), options))


def run(args: argparse.Namespace) -> int:
    with open_repo(args.path) as repo:
        revisions = list_revisions(repo)
        picked: list[str] = []
        base = resolve_revision(repo, args.base, revisions, picked)
        head = resolve_revision(repo, args.head, revisions, picked)
        for line in picked:
            print(f"cd4ml-tui: note: {line}", file=sys.stderr)
        cwd = Path.cwd() if args.path == "." else None
        paths = [normalize_path(repo, p, cwd) for p in args.paths]
        diff = changed_files(repo, base, head, paths)
        if args.json:
            document, notes = diff_json(repo, diff)
            for note in notes:
                print(f"cd4ml-tui: note: {note}", file=sys.stderr)
            json.dump(document, sys.stdout, indent=2, ensure_ascii=False)
            sys.stdout.write("\n")
        else:
            _print_readable(repo, diff, args)
    return 0
