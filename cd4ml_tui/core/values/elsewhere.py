"""A warm start's stored results, decoded on the second core while this process starts its UI.

Decoding the stored results of 10,000 experiments (SQLite, a checksum per row, JSON) holds the GIL
for about 0.35 s; in a thread it took turns with Textual drawing the first frames. A second
process (`python -m cd4ml_tui.core.values.elsewhere STORE_DIR`, a plain subprocess as in
`second_core`) decodes them beside it, and sends them back as one pickle, which takes half as long
to load. A thread takes the bytes in as they come (I/O, without the GIL); they are unpickled
when first asked for. It pays only where this process has work of its own meanwhile, the TUI's
start-up; `core.api.load` would only wait for it. If it fails in any way, the results are looked
up here: it can cost time, never a value.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
import threading
from pathlib import Path

from cd4ml_tui.core.values.cache import ResultCache
from cd4ml_tui.core.values.reader import ReadResult


class ResultsElsewhere:
    """The results stored in the cache at `directory`, read by a second process from now on;
    `results()` waits for them (a `cache.ResultSource`)."""

    def __init__(self, directory: Path) -> None:
        self._proc = subprocess.Popen(
            [sys.executable, "-m", __name__, str(directory)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self._sent = b""
        self._taking = threading.Thread(target=self._take, name="results-elsewhere", daemon=True)
        self._taking.start()

    def _take(self) -> None:
        try:
            self._sent = self._proc.stdout.read() if self._proc.stdout else b""
        except (OSError, ValueError):  # closed under it: `close` came first
            self._sent = b""

    def results(self) -> dict[str, ReadResult]:
        """What the second process read; empty if it failed (they are looked up instead)."""
        self._taking.join()
        self.close()
        try:
            found = pickle.loads(self._sent)
        except Exception:  # it died, or sent nothing whole
            return {}
        finally:
            self._sent = b""
        if isinstance(found, dict) and all(isinstance(r, ReadResult) for r in found.values()):
            return found
        return {}

    def close(self) -> None:
        if self._proc.poll() is None:
            self._proc.kill()
        self._proc.wait()
        self._taking.join()
        if self._proc.stdout:
            self._proc.stdout.close()


def read_here(directory: Path) -> bytes:
    """What the second process does: every stored result, checked and decoded, pickled."""
    with ResultCache(directory) as cache:
        return pickle.dumps(cache.stored_results(), pickle.HIGHEST_PROTOCOL)


if __name__ == "__main__":
    sys.stdout.buffer.write(read_here(Path(sys.argv[1])))
