"""Argument parsing and dispatch only. Each subcommand lives in `cd4ml_tui.commands.<name>`.

`cd4ml-tui [PATH]` with no subcommand opens the TUI. Results go to stdout, diagnostics to stderr;
bad input exits 2 with one line and no traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

from cd4ml_tui import __version__

# name -> one-line help; the module cd4ml_tui.commands.<name> has add_arguments() and run().
COMMANDS = {
    "show": "print every revision with its params and metrics",
    "compare": "compare revisions: metric deltas against a baseline",
    "plots": "print the plots of revisions (or their data with --json)",
    "insight": "which params move a metric: correlations, best per value, summaries",
    "diff": "list and diff the files changed between two revisions",
    "promote": "tag a revision as a GTO version (and stage) of an artifact",
    "review": "record a verdict on a revision (git notes), or list its verdicts",
    "gate": "check a revision against the gate rules (exit 1 when a rule fails)",
    "demo": "build a demo git + DVC repo with real experiments, then open it",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cd4ml-tui",
        description="Review ML experiments in a git + DVC repo. With no command, open the TUI.",
    )
    parser.add_argument("--version", action="version", version=f"cd4ml-tui {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        _command_module(name).add_arguments(command)
    return parser


def _command_module(name: str) -> ModuleType:
    return importlib.import_module(f"cd4ml_tui.commands.{name}")


def main(argv: Sequence[str] | None = None) -> int:
    from cd4ml_tui.core.errors import Cd4mlError

    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or (args_list[0] not in COMMANDS and not args_list[0].startswith("-")):
        args_list = ["open", *args_list]
    if args_list[0] == "open":
        opener = argparse.ArgumentParser(prog="cd4ml-tui")
        _command_module("open").add_arguments(opener)
        args = opener.parse_args(args_list[1:])
        runner = _command_module("open").run
    else:
        parser = build_parser()
        args = parser.parse_args(args_list)
        if args.command is None:
            parser.print_help()
            return 0
        runner = _command_module(args.command).run
    try:
        return int(runner(args) or 0)
    except Cd4mlError as err:
        print(f"cd4ml-tui: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return _stdout_closed()


def _stdout_closed() -> int:
    """The reader went away (`cd4ml-tui plots A B | head`): stop quietly, as `cat` does.

    Python ignores SIGPIPE, so a write raises instead; point stdout at /dev/null so the flush at
    exit does not raise again, and exit 1 as rich's Console does for `show`, `compare`, `diff`.
    """
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return 1
