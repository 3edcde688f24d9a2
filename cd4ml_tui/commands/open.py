"""`cd4ml-tui [PATH]`: open the TUI on a repo."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", default=".", help="a folder inside a git + DVC repo")
    parser.add_argument("--rev", action="append", default=[], help="also show this revision")
    parser.add_argument("--all-commits", action="store_true", help="show every commit")
    parser.add_argument("--no-cache", action="store_true", help="ignore the per-commit cache")
    parser.add_argument(
        "--read-only", action="store_true", help="hide and refuse every write (promote, undo, ...)"
    )


def run(args: argparse.Namespace) -> int:
    from cd4ml_tui.core.api import open_repo
    from cd4ml_tui.core.config import load_settings
    from cd4ml_tui.ui.access import Access
    from cd4ml_tui.ui.app import create_app

    repo = open_repo(args.path)  # bad input fails here, before the screen is taken over
    settings = load_settings(repo.root)
    app = create_app(
        repo,
        settings,
        revs=tuple(args.rev),
        all_commits=args.all_commits,
        use_cache=not args.no_cache,
        access=Access(read_only=args.read_only),
    )
    app.run()
    return app.return_code or 0
