"""Argument parsing and dispatch: a static list of subcommands and parent parsers for shared flags.

Modelled on DVC's `dvc/cli/parser.py`: `COMMANDS` lists every subcommand once, and the flags that
several of them share come from parent parsers (`parents=[...]`), so they are spelled and
documented the same everywhere:
- `-C PATH` (every command): where the repo is, a folder inside it. `show` and `open` (the
  default command) also take it as their positional `PATH`, and `demo` its folder as `DIR`;
  giving both, differently, is bad input. `--repo` and `--path`, the older spellings, still work.
- `--no-cache` (commands that read values): read every commit again, ignoring the result cache.
- `--rev R` and `--all-commits` (commands that list revisions): which revisions to show.

`cd4ml-tui [PATH]` with no subcommand opens the TUI (`open`). Each subcommand lives in
`cd4ml_tui.commands.<name>` with `add_arguments(parser)` and `run(args) -> exit code`; it parses
its arguments, calls `core.api` and prints through `render`. Results go to stdout, diagnostics to
stderr; bad input exits 2 with one line and no traceback.

Only the chosen subcommand's module is loaded (by name, from the static list below), as pip's
`commands_dict` does: a command loads the part of the core it uses (`core.api` is lazy too) and,
for `open`, Textual (about 260 ms), which `cd4ml-tui --help` and a mistyped command must not pay.
Neither hides a cycle: import-linter and grimp still see every command module and api import.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from types import ModuleType

from cd4ml_tui import __version__
from cd4ml_tui.core.errors import Cd4mlError

DEFAULT_COMMAND = "open"
ALIASES = ("--repo", "--path")  # the older spellings of -C, kept working
REPO_HELP = "the repo: a folder inside it (default: the current folder)"


@dataclass(frozen=True)
class Command:
    """One subcommand: its name, its one-line help, and which shared flags it takes."""

    name: str
    help: str
    shared: tuple[str, ...] = ()  # of "cache" (--no-cache) and "revs" (--rev, --all-commits)
    positional_path: bool = False  # also takes the repo as a positional PATH (same as -C)
    path_help: str = REPO_HELP

    @property
    def module(self) -> str:
        return f"cd4ml_tui.commands.{self.name.replace('-', '_')}"


COMMANDS: tuple[Command, ...] = (
    Command("open", "open the TUI on a repo (the default command)", ("cache", "revs"), True),
    Command("show", "print every revision with its params and metrics", ("cache", "revs"), True),
    Command("compare", "compare revisions: metric deltas against a baseline", ("cache",)),
    Command("plots", "print the plots of revisions (or their data with --json)"),
    Command(
        "insight",
        "which params move a metric: correlations, best per value, summaries",
        ("cache", "revs"),
    ),
    Command("diff", "list and diff the files changed between two revisions"),
    Command("promote", "tag a revision as a GTO version (and stage) of an artifact"),
    Command("review", "record a verdict on a revision (git notes), or list its verdicts"),
    Command("gate", "check a revision against the gate rules (exit 1 when a rule fails)"),
    Command("apply", "bring an experiment into the workspace as `dvc exp apply`, losing nothing"),
    Command("branch", "make a branch from an experiment, as `dvc exp branch` (never switches)"),
    Command("remove", "remove experiment refs (also on a remote), listing what goes"),
    Command("run-queued", "start DVC's queued experiment runs in the background"),
    Command(
        "demo",
        "build a demo git + DVC repo with real experiments, then open it",
        path_help="the folder to build the demo repo in, as DIR",
    ),
    Command(
        "serve",
        "serve the app to web browsers (each tab its own app on the repo)",
        positional_path=True,
    ),
)
BY_NAME = {command.name: command for command in COMMANDS}


def get_parent_parser(path_help: str = REPO_HELP) -> argparse.ArgumentParser:
    """`-C PATH`, which every subcommand takes: the repo, as a folder inside it."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("-C", dest="path", metavar="PATH", default=None, help=path_help)
    for alias in ALIASES:
        parent.add_argument(alias, dest="path", default=None, help=argparse.SUPPRESS)
    return parent


def get_cache_parser() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--no-cache", action="store_true", help="read every commit again, ignoring the cache"
    )
    return parent


def get_revs_parser() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--rev",
        action="append",
        default=[],
        metavar="R",
        help="also show this revision (sha, branch, tag); repeatable",
    )
    parent.add_argument("--all-commits", action="store_true", help="show every commit")
    return parent


def _parents(command: Command) -> list[argparse.ArgumentParser]:
    shared = {"cache": get_cache_parser, "revs": get_revs_parser}
    return [get_parent_parser(command.path_help), *(shared[flag]() for flag in command.shared)]


def build_parser(chosen: str | None = None) -> argparse.ArgumentParser:
    """The parser: every subcommand listed; the `chosen` one (if any) with all its arguments."""
    parser = argparse.ArgumentParser(
        prog="cd4ml-tui",
        usage="cd4ml-tui [PATH] [open options]  |  cd4ml-tui COMMAND [-C PATH] ...",
        description="Review ML experiments in a git + DVC repo. With no command, open the TUI "
        "on PATH (a folder inside the repo, default: the current folder). "
        "`cd4ml-tui COMMAND --help` lists a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"cd4ml-tui {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", prog="cd4ml-tui")
    for command in COMMANDS:
        if command.name != chosen:
            sub.add_parser(command.name, help=command.help)
            continue
        command_parser = sub.add_parser(
            command.name, help=command.help, description=command.help, parents=_parents(command)
        )
        if command.positional_path:
            command_parser.add_argument(
                "location",
                nargs="?",
                metavar="PATH",
                help="the repo: a folder inside it, as -C PATH (default: the current folder)",
            )
        load(command).add_arguments(command_parser)
    return parser


def load(command: Command) -> ModuleType:
    """The module of `command` (loaded on first use; see the module docstring for why)."""
    return importlib.import_module(command.module)


def parse(argv: Sequence[str]) -> argparse.Namespace:
    """Parse a command line, the default command included; `args.path` is the repo location."""
    args_list = list(argv)
    first = args_list[0] if args_list else None
    if first is None or (first not in BY_NAME and first not in ("-h", "--help", "--version")):
        args_list = [DEFAULT_COMMAND, *args_list]
    parser = build_parser(args_list[0] if args_list[0] in BY_NAME else None)
    args = parser.parse_args(args_list)
    location = getattr(args, "location", None)
    if location is not None and args.path is not None and location != args.path:
        parser.exit(2, f"cd4ml-tui: the repo is given twice ({location} and -C {args.path})\n")
    if args.path is None:
        args.path = location or getattr(load(BY_NAME[args.command]), "DEFAULT_PATH", ".")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    try:
        return int(load(BY_NAME[args.command]).run(args) or 0)
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
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return 1
