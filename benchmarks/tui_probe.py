"""The TUI in a real terminal, for the benchmarks: launch in tmux, read the screen with
capture-pane, and time first rows, full load and key-to-frame for sort and filter."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

BIN = Path(sys.executable).parent
# A row: the workspace (the first one read) or an experiment (sweep-1-0001, gen-0-00001); not the
# repo name in the status bar (gen-10000), which `(sweep|gen)-\d` matched on the first, empty frame.
MARKER = re.compile(r"\bworkspace\b|(sweep|gen)-\d+-\d")
FILTER = "accuracy>0.8 and train.lr<0.02"


class Terminal:
    """The TUI in a real terminal: a detached 200x50 tmux session, read with capture-pane. The
    session runs on a tmux server of its own (`-L`), started here, so the TUI gets this process's
    environment (PYTHONPATH, the virtualenv) even when another tmux server is running."""

    def __init__(self, repo: Path, *flags: str, command: Sequence[str] = ()) -> None:
        self.session = f"bench-{os.getpid()}"
        self.tmux = ["tmux", "-L", self.session]
        argv = [*self.tmux, "new", "-d", "-s", self.session, "-x", "200", "-y", "50"]
        argv += ["-c", str(repo)]
        command = command or [str(BIN / "cd4ml-tui"), *flags]
        for _attempt in range(3):  # the last session's server may still be exiting
            self.start = time.perf_counter()
            if subprocess.run([*argv, shlex.join(command)]).returncode == 0:
                break
            time.sleep(0.5)
        else:
            raise SystemExit("tmux could not start a session")

    def screen(self) -> str:
        return subprocess.run(
            [*self.tmux, "capture-pane", "-p", "-t", self.session], capture_output=True, text=True
        ).stdout

    def until(self, test: Callable[[str], bool], limit: float = 900.0) -> float:
        """Seconds since `self.start` when the screen first passes `test` (inf past `limit`)."""
        while time.perf_counter() - self.start < limit:
            if test(self.screen()):
                return time.perf_counter() - self.start
            time.sleep(0.01)
        return float("inf")

    def key(self, keys: str, test: Callable[[str], bool], literal: bool = False) -> float:
        """Seconds from sending `keys` until the screen passes `test`: key to frame."""
        self.start = time.perf_counter()
        subprocess.run(
            [*self.tmux, "send-keys", "-t", self.session, *(["-l"] if literal else []), keys],
            check=True,
        )
        return self.until(test, limit=30.0)

    def close(self) -> None:
        subprocess.run([*self.tmux, "kill-server"], check=False)


# The floor under every TUI figure: a Textual app that draws one line, from launch to its frame.
FLOOR_APP = """
from textual.app import App
from textual.widgets import Static
class Floor(App):
    def compose(self):
        yield Static("workspace")
Floor().run()
"""

LOADED = re.compile(r"(\d+)/(\d+) revisions")


def loaded(screen: str) -> bool:
    found = LOADED.search(screen)
    return bool(found) and "reading " not in screen and "listing revisions" not in screen


def tui_figures(repo: Path, use_cache: bool, keys: bool) -> dict[str, float]:
    """First rows (an experiment name on screen), full load, and (if `keys`) sort / filter key
    to frame, of one launch in a real terminal."""
    if not shutil.which("tmux"):
        return {}
    term = Terminal(repo, *([] if use_cache else ["--no-cache"]))
    try:
        out = {"first_rows": term.until(lambda screen: MARKER.search(screen) is not None)}
        out["loaded"] = term.until(loaded)
        if keys:
            time.sleep(0.5)  # quiet screen first
            out["sort"] = term.key("s", lambda screen: "sorted by" in screen)
            time.sleep(0.3)
            term.key("/", lambda screen: True, literal=True)
            time.sleep(0.5)
            head = FILTER[:-1]  # typed first; the figure is the last key's edit, to its frame
            term.key(head, lambda screen: f"filter: {head}" in screen, literal=True)
            time.sleep(0.5)
            out["filter"] = term.key(
                FILTER[-1], lambda screen: f"filter: {FILTER}" in screen, literal=True
            )
        return out
    finally:
        term.close()


def floor_figure(repo: Path) -> float:
    """Seconds from launch to the first frame of a Textual app that shows one line: what Python
    and Textual alone cost on this machine today, below every first-row figure."""
    if not shutil.which("tmux"):
        return float("nan")
    term = Terminal(repo, command=[sys.executable, "-c", FLOOR_APP])
    try:
        return term.until(lambda screen: MARKER.search(screen) is not None, limit=60.0)
    finally:
        term.close()
