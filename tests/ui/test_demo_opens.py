"""`make demo`'s last step: `cd4ml-tui demo DIR` on an existing demo repo reopens it in the TUI.

Run as a user runs it: a real process on a pseudo-terminal, until the table is drawn, then `q`.
(A hand-built argument namespace once made this step crash after the build.)
"""

from __future__ import annotations

import os
import pty
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def _read_until(fd: int, needle: bytes, limit_seconds: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + limit_seconds
    while needle not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
    return seen


def test_demo_reopens_an_existing_demo_repo_in_the_tui(demo_repo: Path, tmp_path: Path) -> None:
    target = tmp_path / "demo"
    shutil.copytree(demo_repo, target, symlinks=True)
    main_fd, child_fd = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "cd4ml_tui", "demo", str(target)],
        stdin=child_fd,
        stdout=child_fd,
        stderr=child_fd,
        env=env,
        close_fds=True,
    )
    os.close(child_fd)
    try:
        screen = _read_until(main_fd, b"epochs-20", 120)
        assert b"epochs-20" in screen, screen[-2000:].decode(errors="replace")
        # A key that arrives while the first screen is still being set up can be dropped by the
        # terminal driver: press `q` again until the app is gone (bounded).
        for _ in range(30):
            os.write(main_fd, b"q")
            _read_until(main_fd, b"\0never", 2)  # drain the screen while waiting
            if proc.poll() is not None:
                break
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(main_fd)
