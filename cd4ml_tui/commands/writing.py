"""What the commands that write share: name a revision (saying which experiment a shared name
picked), print a preview's commands, and ask on a terminal before writing."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TextIO

from cd4ml_tui.core.api import Repo, format_command, list_revisions, resolve_revision
from cd4ml_tui.core.errors import ActionError
from cd4ml_tui.core.model import Revision


def resolve_noted(repo: Repo, names: Sequence[str]) -> list[Revision]:
    """The revisions `names` name; a note on stderr for each experiment name used under several
    baselines, saying which one was picked (DVC's resolve_name: the one on HEAD)."""
    listed = list_revisions(repo)
    notes: list[str] = []
    revisions = [resolve_revision(repo, name, listed, notes) for name in names]
    for note in notes:
        print(f"cd4ml-tui: note: {note}", file=sys.stderr)
    return revisions


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
