"""The UI's shape, as DESIGN.md states it: messages carry `control`, no mixins on fake bases,
screen styles in a `.tcss` next to the screen's module, DEFAULT_CSS only in widgets."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

from textual.message import Message
from textual.screen import Screen

import cd4ml_tui.ui
from cd4ml_tui.ui.screens import later

UI = Path(cd4ml_tui.ui.__file__).parent


def _ui_modules() -> list[object]:
    names = [m.name for m in pkgutil.walk_packages([str(UI)], "cd4ml_tui.ui.")]
    return [importlib.import_module(name) for name in names]


def _screens() -> list[type[Screen[object]]]:
    found = {
        value
        for module in _ui_modules()
        for value in vars(module).values()
        if inspect.isclass(value)
        and issubclass(value, Screen)
        and value.__module__.startswith("cd4ml_tui.ui")
    }
    return sorted(found, key=lambda c: c.__qualname__)


def _messages() -> list[type[Message]]:
    classes = set()
    for module in _ui_modules():
        for value in vars(module).values():
            if not inspect.isclass(value) or not value.__module__.startswith("cd4ml_tui.ui"):
                continue
            stack = [value]
            while stack:
                cls = stack.pop()
                if issubclass(cls, Message):
                    classes.add(cls)
                stack += [v for v in vars(cls).values() if inspect.isclass(v)]
    return sorted(classes, key=lambda c: c.__qualname__)


def test_every_message_of_ours_carries_its_control() -> None:
    messages = _messages()
    assert any(m.__qualname__ == "RevisionTable.Marked" for m in messages)  # the walk saw them
    missing = [m.__qualname__ for m in messages if m.control is Message.control]
    assert missing == []


def test_no_class_is_declared_under_type_checking() -> None:
    """A class under `if TYPE_CHECKING:` is how a mixin fakes the base it needs."""
    found = []
    for path in sorted(UI.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                found += [
                    f"{path.name}:{child.lineno}"
                    for child in ast.walk(node)
                    if isinstance(child, ast.ClassDef)
                ]
    assert found == []


def test_screen_styles_sit_next_to_their_module() -> None:
    screens = _screens()
    assert any(s.__name__ == "MainScreen" for s in screens)
    for screen in screens:
        module = Path(inspect.getfile(screen))
        assert screen.__dict__.get("DEFAULT_CSS", "") == "", screen  # styles go in .tcss
        assert screen.__dict__.get("CSS", "") == "", screen
        css_path = screen.__dict__.get("CSS_PATH")
        own = module.with_suffix(".tcss")
        if css_path is None:
            assert not own.exists(), f"{screen.__name__} does not load {own.name}"
            continue
        assert isinstance(css_path, str) and "/" not in css_path, screen  # a name, resolved
        assert (module.parent / css_path).exists(), screen  # next to the screen's module


def test_the_screens_opened_later_are_the_ones_their_imports_name() -> None:
    """`screens.later` imports a screen on first use, from the module its TYPE_CHECKING import
    (what mypy and import-linter read) names."""
    tree = ast.parse(Path(later.__file__).read_text(encoding="utf-8"))
    block = next(node for node in tree.body if isinstance(node, ast.If))
    imported = {
        alias.name: node.module
        for node in block.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert dir(later) == sorted(imported)
    assert sorted(later.__all__) == sorted(imported)
    for name, module in imported.items():
        assert getattr(later, name) is getattr(importlib.import_module(module), name)
