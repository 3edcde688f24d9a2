"""Every printing command stops quietly when its reader goes away (`cd4ml-tui plots A B | head`).

The pipe's read end is closed before the command starts, so its first write fails: the same as
`head` exiting early, without a race on how much fits in the pipe buffer first."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.promote_support import CLI


@pytest.mark.parametrize(
    "args",
    [
        ["plots", "main", "lr-0.1"],
        ["plots", "main", "lr-0.1", "--json"],
        ["show"],
        ["compare", "main", "lr-0.1"],
        ["diff", "main", "lr-0.1"],
        ["insight", "accuracy", "--json"],
        ["insight", "accuracy"],
    ],
)
def test_closed_stdout_is_quiet(demo_repo: Path, args: list[str]) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run(
            [*CLI, *args],
            cwd=demo_repo,
            stdout=write_end,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            check=False,
        )
    finally:
        os.close(write_end)
    assert proc.stderr == "", proc.stderr
    assert proc.returncode == 1  # as rich's Console exits on a broken pipe
