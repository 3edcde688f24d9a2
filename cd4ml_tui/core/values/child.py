"""A second Python process that answers with one pickle: how `second_core` and `elsewhere` put
the second core to work. A plain subprocess, not `multiprocessing`, whose spawn would run the
caller's `__main__` again. Whatever goes wrong in it, its answer is None: the caller then does
the work itself, so a child can cost time, never a value.

The answer is taken in few reads: each read of the pipe gives up the GIL, and taking it back from
a busy UI thread took up to 5 ms each time. At 10,000 results (2.6 MB) beside a thread that kept
the GIL busy, `pickle.load` on a 64 KB pipe took 0.5 s; reading it whole through a 1 MB pipe, then
`pickle.loads`, 0.2-0.35 s; 0.11 s either way beside an idle thread (`benchmarks/bench_child.py`).
"""

from __future__ import annotations

import contextlib
import pickle
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from typing import IO

try:
    import fcntl
except ImportError:  # not on Windows: the pipe keeps its size
    fcntl = None  # type: ignore[assignment]

PIPE_BYTES = 1 << 20  # Linux lets any process widen a pipe to 1 MB (fs/pipe-max-size)


class Child:
    """`python -m module *args`, started now; `request`, if any, is written to its stdin."""

    def __init__(
        self,
        module: str,
        args: Sequence[str],
        *,
        request: bytes | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self._proc = subprocess.Popen(
            [sys.executable, "-m", module, *args],
            stdin=subprocess.PIPE if request is not None else None,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        _widen(self._proc.stdout)
        if request is not None:  # by a thread: the child reads it only after its imports
            threading.Thread(target=_send, args=(self._proc.stdin, request), daemon=True).start()

    def answer(self) -> object:
        """What it sent, once it has; None if it died or sent nothing whole. It is ended then."""
        try:
            return pickle.loads(self._proc.stdout.read()) if self._proc.stdout else None
        except Exception:
            return None
        finally:
            self.close()

    def close(self) -> None:
        if self._proc.poll() is None:
            self._proc.kill()
        self._proc.wait()
        if self._proc.stdout:
            self._proc.stdout.close()


def _widen(stream: IO[bytes] | None) -> None:
    """Let the pipe of `stream` hold `PIPE_BYTES` where the system allows it (Linux)."""
    setting = getattr(fcntl, "F_SETPIPE_SZ", None)
    if stream is not None and setting is not None:
        with contextlib.suppress(OSError):
            fcntl.fcntl(stream.fileno(), setting, PIPE_BYTES)


def _send(stream: IO[bytes] | None, data: bytes) -> None:
    if stream is None:
        return
    try:
        stream.write(data)
        stream.close()
    except (BrokenPipeError, ValueError):
        pass  # the child is gone; the caller does its work itself
