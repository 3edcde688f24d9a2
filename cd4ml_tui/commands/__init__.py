"""One module per CLI subcommand: `add_arguments(parser)` and `run(args) -> exit code`.

The two helpers here are shared by the commands that write: print a preview's commands, and ask
on a terminal before writing.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TextIO

from cd4ml_tui.core.api import format_command
from cd4ml_tui.core.errors import ActionError


def print_commands(commands: Sequence[Sequence[str]], stream: TextIO) -> None:

    print("commands:", file=stream)
    for argv in commands:
        print(f"  {format_command(tuple(argv))}", file=stream)


def confirm(question: str, flag: str = "--yes") -> None:
    """Ask `question` on the terminal; refuse (exit 2) unless the answer is yes. Without a
    terminal, refuse and name the flag that skips the question."""
    if not sys.stdin.isatty():
        raise ActionError(f"stdin is not a terminal: pass {flag} to go ahead without asking")
    answer = input(f"{question} [y/N] ").strip().lower()
    if answer not in ("y", "yes"):
        raise ActionError("cancelled: nothing was changed")
