"""The package's shape: no import cycles, and no own module imported inside a function.

Import-linter's contracts (`make lint`) keep the layers; these two rules are what its contracts
cannot say. A function-level import of our own code is how a cycle hides, so both are checked.
"""

from __future__ import annotations

import ast
from pathlib import Path

import grimp

PACKAGE = Path(__file__).resolve().parents[1] / "cd4ml_tui"


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        top = stack.pop()
                        on_stack.discard(top)
                        component.append(top)
                        if top == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
            elif child not in index:
                index[child] = low[child] = counter
                counter += 1
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return found


def test_no_import_cycles() -> None:
    graph = grimp.build_graph("cd4ml_tui")
    assert "cd4ml_tui.core.values.read" in graph.modules  # the graph saw the package
    assert _cycles(graph) == []


def _function_level_own_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    found = []
    for func in ast.walk(tree):
        if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(func):
            module = node.module if isinstance(node, ast.ImportFrom) else None
            if isinstance(node, ast.Import):
                module = node.names[0].name
            if module and module.split(".")[0] == "cd4ml_tui":
                found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {module}")
    return found


def test_own_modules_are_imported_at_module_level() -> None:
    paths = sorted((PACKAGE / "core").rglob("*.py")) + sorted((PACKAGE / "commands").rglob("*.py"))
    paths += sorted((PACKAGE / "ui").rglob("*.py"))
    paths += [PACKAGE / "cli.py", PACKAGE / "__main__.py"]
    assert PACKAGE / "commands" / "show.py" in paths  # the walk saw the front end's modules
    assert PACKAGE / "ui" / "screens" / "main.py" in paths
    found = [hit for path in paths for hit in _function_level_own_imports(path)]
    assert found == []
