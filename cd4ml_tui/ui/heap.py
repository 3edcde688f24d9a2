"""Keep the loaded rows out of the cycle collector's full passes.

A full pass walks every object the collector tracks, and Python runs one each time the tracked
objects have grown by a quarter since the last: loading 10,000 revisions grows them from 70,000
to 200,000 (the values' dicts), so five or six passes of up to 0.1 s stall the UI while loading,
and one comes now and then after, in the middle of a key. The rows hold no reference cycles
(frozen dataclasses of dicts, freed by reference counting), so once a batch is in the table
(and after the load's last step), `settle()` moves every object alive into the collector's
permanent generation (`gc.freeze`, constant time), and `thaw()` hands them back when the next
load starts, so that cyclic garbage among them is still collected, by one full pass per load.
The modules, classes and widgets made at start-up are frozen too (`create_app`, and the first load
instead of a thaw): at 10,000 revisions the two full passes during the first read walked them all,
about 0.1 s in the read-ahead thread, and one pass after the imports took another 20-50 ms.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


def settle() -> None:
    gc.freeze()


@contextmanager
def paused() -> Iterator[None]:
    """No passes meanwhile, and what was made is settled before they resume: values read all at
    once (a warm start's 10,000 are 200,000 new objects) were walked by a pass of the youngest
    generation and then by one of the next, 0.08-0.1 s while the table waited for them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        settle()
        if enabled:
            gc.enable()


def thaw() -> None:
    gc.unfreeze()
