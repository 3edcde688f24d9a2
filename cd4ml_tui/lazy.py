"""Lazy module attributes read from a module's own TYPE_CHECKING imports (SPEC 1, as
`lazy_loader.attach_stub` does it from a stub).

The imports under `if TYPE_CHECKING:` are what mypy, import-linter and grimp read; at run time
`lazy_attributes` turns the same list into the module's `__getattr__` and `__dir__`, so a name
imports its module on first use and the list stays the one place that says where it comes from.
Used by the core's door (`core/api.py`) and by the screens opened later (`ui/screens/later.py`).
"""

from __future__ import annotations

import ast
import importlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any


def lazy_attributes(
    module_name: str, path: str
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """`__getattr__` and `__dir__` for the module at `path`, from its TYPE_CHECKING imports."""
    tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    block = next(
        n for n in tree.body if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING"
    )
    origin = {
        alias.asname or alias.name: node.module
        for node in block.body
        if isinstance(node, ast.ImportFrom) and node.module
        for alias in node.names
    }

    def getattr_(name: str) -> Any:
        source = origin.get(name)
        if source is None:
            raise AttributeError(f"module {module_name!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(source), name)
        setattr(sys.modules[module_name], name, value)  # the next lookup is a plain global
        return value

    return getattr_, lambda: sorted(origin)
