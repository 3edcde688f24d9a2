"""A second Python process that answers with one pickle: how `second_core` and `elsewhere` put
the second core to work. A plain subprocess, not `multiprocessing`, whose spawn would run the
caller's `__main__` again. Whatever goes wrong in it, its answer is None: the caller then does
the work itself, so a child can cost time, never a value."""

from __future__ import annotations

import pickle
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from typing import IO


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
        if request is not None:  # by a thread: the child reads it only after its imports
            threading.Thread(target=_send, args=(self._proc.stdin, request), daemon=True).start()

    def answer(self) -> object:
        """What it sent, once it has; None if it died or sent nothing whole. It is ended then."""
        try:
            return pickle.load(self._proc.stdout) if self._proc.stdout else None
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


def _send(stream: IO[bytes] | None, data: bytes) -> None:
    if stream is None:
        return
    try:
        stream.write(data)
        stream.close()
    except (BrokenPipeError, ValueError):
        pass  # the child is gone; the caller does its work itself
