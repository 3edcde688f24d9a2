"""`cd4ml-tui review REV (--approve | --request-changes | --comment) -m MESSAGE [--push]`.

Records a verdict on the revision's commit as a line of a git note under
`refs/notes/cd4ml-review`; without a verdict, lists the revision's verdicts (`--json`: a list of the
recorded objects, oldest first). `--push` also pushes the notes ref (merging the remote's verdicts
first when it has some we lack). Exit 2, nothing written: no git identity, the workspace, a queued,
running or failed run, an unknown revision. The repo is the shared `-C PATH` of `cli.py`.
"""

from __future__ import annotations

import argparse
import json
import sys

from rich.console import Console
from rich.text import Text

from cd4ml_tui.core.api import (
    check_reviewable,
    open_repo,
    push_reviews,
    read_reviews,
    read_values,
    record_review,
    resolve_revision,
    summarize_thread,
    verdicts_json,
)
from cd4ml_tui.core.errors import Cd4mlError
from cd4ml_tui.render.review_text import summary_text, thread

_DEFAULT = "\0default"  # `--push` given without a remote


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rev", help="experiment name, branch, tag or commit")
    verdict = parser.add_mutually_exclusive_group()
    verdict.add_argument(
        "--approve", dest="verdict", action="store_const", const="approve", help="approve it"
    )
    verdict.add_argument(
        "--request-changes",
        dest="verdict",
        action="store_const",
        const="request-changes",
        help="ask for changes (needs -m)",
    )
    verdict.add_argument(
        "--comment", dest="verdict", action="store_const", const="comment", help="comment (-m)"
    )
    parser.add_argument("-m", "--message", default="", help="what the reviewer says")
    parser.add_argument(
        "--push",
        nargs="?",
        const=_DEFAULT,
        metavar="REMOTE",
        help="also push the verdicts (refs/notes/cd4ml-review) to REMOTE (default: origin)",
    )
    parser.add_argument("--json", action="store_true", help="print the verdicts as JSON")


def run(args: argparse.Namespace) -> int:
    if args.message and not args.verdict:
        raise Cd4mlError(
            "-m gives the message of a verdict: add --approve, --request-changes or --comment"
        )
    with open_repo(args.path) as repo:
        revision = resolve_revision(repo, args.rev)
        if args.verdict:
            check_reviewable(revision)  # before reading anything
            values = next(iter(read_values(repo, [revision], use_cache=False)))
            recorded = record_review(repo, revision, args.verdict, args.message, values)
            if args.json:
                print(json.dumps(dict(recorded.record), ensure_ascii=False, indent=2))
            else:
                print(
                    f"recorded {recorded.verdict} on {args.rev} ({revision.short}) "
                    f"as {recorded.author}"
                )
        if args.push:
            remote = push_reviews(repo, None if args.push == _DEFAULT else args.push)
            print(f"pushed verdicts to {remote}", file=sys.stderr if args.json else sys.stdout)
        if args.verdict:
            return 0
        threads = {} if revision.is_workspace else read_reviews(repo, [revision.rev])
        verdicts = threads.get(revision.rev, ())
    if args.json:
        print(json.dumps(verdicts_json(verdicts), ensure_ascii=False, indent=2))
        return 0
    console = Console(highlight=False)
    heading = Text.assemble((args.rev, "bold"), f" ({revision.short}): ")
    console.print(heading + summary_text(summarize_thread(verdicts)))
    console.print(thread(verdicts))
    return 0
