"""`ui.heap`: the collector's passes wait while values come all at once, and skip them after."""

from __future__ import annotations

import gc

from cd4ml_tui.ui import heap


def test_paused_holds_the_passes_and_settles_what_was_made() -> None:
    assert gc.isenabled()
    frozen_before = gc.get_freeze_count()
    try:
        with heap.paused():
            assert not gc.isenabled()
            made = [{"value": [index]} for index in range(1000)]
        assert gc.isenabled()
        assert gc.get_freeze_count() >= frozen_before + len(made)
        young = {id(obj) for obj in gc.get_objects(0)}
        assert not young & {id(row) for row in made}  # no pass of the youngest walks them
    finally:
        heap.thaw()


def test_paused_leaves_a_collector_that_was_off_off() -> None:
    gc.disable()
    try:
        with heap.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
        heap.thaw()
