"""`cd4ml-tui [PATH]` (or `cd4ml-tui open [PATH]`): open the TUI on a repo.

The repo comes as PATH or `-C PATH`; `--rev`, `--all-commits` and `--no-cache` are the shared
flags of `cli.py`. Textual is imported once a second process is listing the revisions (see
`core.values.listing`): the two start-ups run side by side, on two cores.
"""

from __future__ import annotations

import argparse

from cd4ml_tui import ui
from cd4ml_tui.core.api import Listing, open_repo
from cd4ml_tui.core.config import load_settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Only `--read-only`: the repo, the revisions and `--no-cache` are shared flags."""
    parser.add_argument(
        "--read-only", action="store_true", help="hide and refuse every write (promote, undo, ...)"
    )


def run(args: argparse.Namespace) -> int:
    return launch(
        args.path,
        revs=tuple(args.rev),
        all_commits=args.all_commits,
        use_cache=not args.no_cache,
        read_only=args.read_only,
    )


def launch(
    path: str,
    *,
    revs: tuple[str, ...] = (),
    all_commits: bool = False,
    use_cache: bool = True,
    read_only: bool = False,
) -> int:
    """Open the TUI on the repo at `path` (also what `demo` ends with)."""
    repo = open_repo(path)  # bad input fails here, before the screen is taken over
    settings = load_settings(repo.root)
    listing = Listing(repo, revs, all_commits, use_cache, second_process=True)
    app = ui.create_app(  # imports Textual (0.3-0.5 s) while the refs are listed
        repo,
        settings,
        revs=revs,
        all_commits=all_commits,
        use_cache=use_cache,
        access=ui.Access(read_only=read_only),
        listing=listing,
    )
    app.run()
    return app.return_code or 0
