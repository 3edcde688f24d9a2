"""A warm start's stored results, decoded on the second core while this process starts its UI.

Decoding the stored results of 10,000 experiments (SQLite, a checksum per row, JSON) holds the GIL
for about 0.35 s; in a thread it took turns with Textual drawing the first frames. A second process
(`python -m cd4ml_tui.core.values.elsewhere STORE_DIR`, a `child.Child`) decodes them beside it, and
sends them back as one pickle, which takes a third as long to load. They are taken in and unpickled
when first asked for, whole (`child`): a thread that took them in as they came woke up for each
64 KB of the pipe, and took the GIL from the first frames as often. It pays only where this
process has work of its own meanwhile (the TUI's start-up; `core.api.load` would only wait for
it), and for many results: it starts with a kept listing of `ELSEWHERE_MIN` revisions or more. If
it fails in any way, the results are looked up here: it can cost time, never a value.
"""

from __future__ import annotations

import gc
import pickle
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cd4ml_tui.core.values.cache import ResultCache
from cd4ml_tui.core.values.child import Child
from cd4ml_tui.core.values.reader import ReadResult

# listed revisions, at least, before a second process pays for its start (0.1-0.2 s of imports):
# 2,000 stored results take about 0.06 s to decode here
ELSEWHERE_MIN = 2_000


class ResultsElsewhere:
    """The results stored in the cache at `directory`, read by a second process from now on;
    `results()` waits for them (a `cache.ResultSource`)."""

    def __init__(self, directory: Path) -> None:
        self._child = Child(__name__, [str(directory)])

    def results(self) -> dict[str, ReadResult]:
        """What the second process read; empty if it failed (they are looked up instead)."""
        with _no_cycle_passes():
            found = self._child.answer()
        if isinstance(found, dict) and all(isinstance(r, ReadResult) for r in found.values()):
            return found
        return {}

    def close(self) -> None:
        self._child.close()


@contextmanager
def _no_cycle_passes() -> Iterator[None]:
    """Without the cycle collector: 10,000 results are 200,000 new objects, and the passes they
    set off (walking them, which hold no cycles) took 40% of loading them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_here(directory: Path) -> bytes:
    """What the second process does: every stored result, checked and decoded, pickled."""
    with ResultCache(directory) as cache:
        return pickle.dumps(cache.stored_results(), pickle.HIGHEST_PROTOCOL)


if __name__ == "__main__":
    with _no_cycle_passes():  # a short life: its objects are freed all at once at the end
        sys.stdout.buffer.write(read_here(Path(sys.argv[1])))
