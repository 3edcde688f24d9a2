"""Run `cd4ml-tui serve` as a real subprocess for the serve and browser tests.

The server runs in its own process group, as it would in a terminal, so `interrupt` sends
SIGINT to the whole group exactly as Ctrl+C does. `descendants` lists the processes below it
(each browser tab's app process), read from /proc.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

STARTUP_LIMIT_SECONDS = 60.0  # a generous limit on waiting, not a timing assertion


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve_command(repo: Path, port: int, *extra: str) -> list[str]:
    return [sys.executable, "-m", "cd4ml_tui", "serve", str(repo), "--port", str(port), *extra]


@dataclass
class Served:
    process: subprocess.Popen[str]
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def interrupt(self, sig: int = signal.SIGINT, group: bool = True) -> tuple[int, str, str]:
        """Ctrl+C (SIGINT to the server's process group), or `sig` to the server alone;
        then its exit code, stdout and stderr."""
        if group:
            os.killpg(self.process.pid, sig)
        else:
            self.process.send_signal(sig)
        stdout, stderr = self.process.communicate(timeout=STARTUP_LIMIT_SECONDS)
        return self.process.returncode, stdout, stderr


@contextmanager
def serving(repo: Path, *extra: str) -> Iterator[Served]:
    """`cd4ml-tui serve repo` on a free port, once it accepts connections; stopped after."""
    port = free_port()
    process = subprocess.Popen(
        serve_command(repo, port, *extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    served = Served(process, port)
    try:
        deadline = time.monotonic() + STARTUP_LIMIT_SECONDS
        while True:
            if process.poll() is not None:
                out, err = process.communicate()
                raise AssertionError(f"serve exited {process.returncode}: {out}{err}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError("serve did not start listening") from None
                time.sleep(0.1)
        yield served
    finally:
        if process.poll() is None:
            served.interrupt()


def descendants(pid: int) -> set[int]:
    """Every live process below `pid` (children, grandchildren...), from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if fields[0] != "Z":
                parents[int(entry.name)] = int(fields[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
