"""`cd4ml-tui demo [DIR]`: build the demo repo with real experiments, then open the TUI on it.

DIR may also be given as the shared `-C DIR` of `cli.py`. Loading this module loads Textual (for
opening the demo), which costs nothing next to the minute the build takes.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from cd4ml_tui.commands import open as open_command
from cd4ml_tui.core.errors import Cd4mlError
from cd4ml_tui.demo import MARKER, build_demo, is_demo, is_unfinished_demo

DEFAULT_PATH = "cd4ml-demo"  # `cli` puts it in `args.path` when no DIR (or -C) is given


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "location",
        nargs="?",
        metavar="DIR",
        help=f"folder to create (default ./{DEFAULT_PATH}); an existing demo is reopened",
    )
    parser.add_argument("--no-open", action="store_true", help="only build, don't open the TUI")
    parser.add_argument(
        "--experiments",
        type=int,
        default=5,
        metavar="N",
        help="experiments per baseline branch (default 5, three baselines)",
    )


def run(args: argparse.Namespace) -> int:
    target = Path(args.path).expanduser()
    if args.experiments < 0:
        raise Cd4mlError(f"--experiments {args.experiments}: must be 0 or more")
    if target.exists() and not target.is_dir():
        raise Cd4mlError(f"{target}: exists and is not a folder")
    if is_demo(target):
        print(f"{target}: already a demo repo, reopening it", file=sys.stderr)
    elif is_unfinished_demo(target):
        raise Cd4mlError(
            f"{target}: holds an unfinished demo build (no {MARKER}); delete it and run again"
        )
    elif target.exists() and any(target.iterdir()):
        raise Cd4mlError(f"{target}: folder exists and is not empty; choose a new folder")
    else:
        started = time.monotonic()

        def progress(line: str) -> None:
            print(f"[{time.monotonic() - started:5.1f}s] {line}", file=sys.stderr, flush=True)

        # Baselines dated over the last hours read naturally next to experiments run just now.
        recent = int(time.time()) // 3600 * 3600 - 8 * 3600
        build_demo(
            target, experiments_per_baseline=args.experiments, start_time=recent, progress=progress
        )
        print(f"demo repo ready: {target.absolute()}", file=sys.stderr)
    if args.no_open:
        return 0
    return open_command.launch(str(target))
