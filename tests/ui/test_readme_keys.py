"""Every key of the compare screen, its panes and the diff view is documented in the README."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.binding import Binding

from cd4ml_tui.ui.screens.compare import CompareScreen
from cd4ml_tui.ui.widgets.delta_table import DeltaTable
from cd4ml_tui.ui.widgets.diff_view import DiffView
from cd4ml_tui.ui.widgets.plot_panel import PlotPanel

README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
NAMES = {
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "left_curly_bracket": "{",
    "right_curly_bracket": "}",
    "less_than_sign": "<",
    "greater_than_sign": ">",
    "pagedown": "page down",
    "pageup": "page up",
}


def _keys() -> list[tuple[str, str]]:
    found = []
    for owner in (CompareScreen, DeltaTable, PlotPanel, DiffView):
        for binding in owner.BINDINGS:
            assert isinstance(binding, Binding)
            for key in binding.key.split(","):
                found.append((owner.__name__, NAMES.get(key, key)))
    return found


@pytest.mark.parametrize(("owner", "key"), _keys())
def test_key_is_documented(owner: str, key: str) -> None:
    wanted = key if " " in key else f"`{key}`"
    assert wanted in README, f"{owner}: key {key!r} is not in the README"


def test_no_key_is_bound_twice_on_the_main_screen() -> None:
    from cd4ml_tui.ui.screens.main import MainScreen

    keys = [
        key
        for binding in MainScreen.BINDINGS
        if isinstance(binding, Binding)
        for key in binding.key.split(",")
    ]
    assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)
    assert "`b` / `e`" in README  # the pane toggles are documented
