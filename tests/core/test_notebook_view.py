"""The reviewer's view of a notebook diff: noise classes, folding, output summaries, bad input."""

from __future__ import annotations

import base64
import copy
import subprocess
import sys
from typing import Any

import nbformat
import pytest
from nbformat import v4

from cd4ml_tui.core.diff.notebooks import (
    NOISE_KINDS,
    Fold,
    NotebookParseError,
    diff_notebook_texts,
    fold_cells,
    parse_notebook,
)
from cd4ml_tui.core.diff.outputs import MAX_DIFF_LINES, MAX_TEXT_DIFF_CHARS, human_size

ALL_NOISE = frozenset(NOISE_KINDS)


def _nb(cells: list[Any]) -> Any:
    nb = v4.new_notebook()
    nb.cells = cells
    return nb


def _code(cell_id: str, source: str, count: int | None = None, outputs: Any = ()) -> Any:
    return v4.new_code_cell(source, id=cell_id, execution_count=count, outputs=list(outputs))


def _texts(base: Any, head: Any) -> tuple[str, str]:
    return nbformat.writes(base), nbformat.writes(head)


def _labels(blocks: list[Any]) -> list[str]:
    return [b.label if isinstance(b, Fold) else f"{b.change}:{b.head_index}" for b in blocks]


def test_noise_only_cells_fold_and_toggle() -> None:
    base = _nb(
        [
            _code(
                f"c{i}",
                f"x{i} = {i}",
                i,
                [v4.new_output("execute_result", {"text/plain": str(i)}, execution_count=i)],
            )
            for i in range(8)
        ]
    )
    head = copy.deepcopy(base)
    for i in (1, 2, 3):  # re-run: new execution counts in the cell and its result
        head.cells[i].execution_count += 10
        head.cells[i].outputs[0].execution_count += 10
    head.cells[5].metadata["tags"] = ["slow"]  # metadata only
    head.cells[6].source = "x6 = 60"  # a real change
    diff = diff_notebook_texts(*_texts(base, head), "b", "h")
    assert [(c.change, c.base_index) for c in diff.changes] == [
        ("modified", 1),
        ("modified", 2),
        ("modified", 3),
        ("modified", 5),
        ("modified", 6),
    ]
    assert diff.cells[1].kinds == {"execution_count"}  # outputs changed only by the count
    assert diff.cells[1].parts == ("outputs", "execution_count")
    assert _labels(fold_cells(diff, ALL_NOISE)) == [
        "… 1 unchanged cell",
        "3 cells (2-4): execution count only",
        "… 1 unchanged cell",
        "1 cell (6): metadata only",
        "modified:6",
        "… 1 unchanged cell",
    ]
    shown = _labels(fold_cells(diff, frozenset({"metadata", "id"})))
    assert shown[1:4] == ["modified:1", "modified:2", "modified:3"]
    assert "1 cell (6): metadata only" in shown
    everything = _labels(fold_cells(diff, frozenset()))
    assert "modified:5" in everything and not any("only" in label for label in everything)


def test_cell_id_change_is_noise() -> None:
    base = _nb([_code("old-id", "x = 1"), _code("b", "y = 2")])
    head = copy.deepcopy(base)
    head.cells[0].id = "new-id"
    diff = diff_notebook_texts(*_texts(base, head), "b", "h")
    (cell,) = [c for c in diff.cells if c.change == "modified"]
    assert cell.parts == ("id",) and cell.cell_id == ("old-id", "new-id")
    assert _labels(fold_cells(diff, ALL_NOISE)) == [
        "1 cell (1): cell id only",
        "… 1 unchanged cell",
    ]


def _png(size: int) -> str:
    return base64.b64encode(bytes(i % 256 for i in range(size))).decode()


def test_images_are_summarised_by_mime_and_size() -> None:
    def figure(size: int) -> Any:
        return v4.new_output("display_data", {"image/png": _png(size), "text/plain": "<Figure>"})

    base = _nb([_code("p", "plot()", 1, [figure(12 * 1024)])])
    head = copy.deepcopy(base)
    head.cells[0].outputs = [figure(14 * 1024)]
    diff = diff_notebook_texts(*_texts(base, head), "b", "h")
    (cell,) = diff.cells
    (output,) = cell.outputs
    assert output.change == "modified" and output.text_hunks == ()
    assert output.summaries == ("image/png changed 12 KB → 14 KB",)
    assert cell.kinds == {"outputs"}


def test_huge_text_output_is_summarised_not_dumped() -> None:
    huge = "row\n" * (MAX_TEXT_DIFF_CHARS // 4 + 10)
    base = _nb([_code("a", "dump()", 1, [v4.new_output("stream", name="stdout", text="ok\n")])])
    head = copy.deepcopy(base)
    head.cells[0].outputs = [v4.new_output("stream", name="stdout", text=huge)]
    head.cells.append(_code("b", "dump()", 2, [v4.new_output("stream", name="stdout", text=huge)]))
    diff = diff_notebook_texts(*_texts(base, head), "b", "h")
    modified, added = diff.cells
    (changed,) = modified.outputs
    size = human_size(len(huge.encode()))
    assert changed.text_hunks == ()
    assert changed.summaries == (f"text changed 3 B → {size} (too large to show)",)
    (new,) = added.outputs
    assert new.text == () and new.summaries == (f"text added ({size})",)


def test_long_added_output_shows_first_lines() -> None:
    text = "".join(f"line {i}\n" for i in range(50))
    base = _nb([])
    head = _nb([_code("a", "show()", 1, [v4.new_output("stream", name="stdout", text=text)])])
    diff = diff_notebook_texts(*_texts(base, head), "b", "h")
    (output,) = diff.cells[0].outputs
    assert output.text[0] == "line 0" and len(output.text) == 20 and output.hidden_lines == 30


def test_error_output_traceback_without_ansi_codes() -> None:
    error = v4.new_output(
        "error", ename="ValueError", evalue="bad", traceback=["\x1b[0;31mValueError\x1b[0m: bad"]
    )
    base = _nb([_code("a", "f()", 1)])
    head = copy.deepcopy(base)
    head.cells[0].outputs = [error]
    diff = diff_notebook_texts(*_texts(base, head), "b", "h")
    (output,) = diff.cells[0].outputs
    assert output.change == "added" and output.text == ("ValueError: bad",)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{not json", "b.ipynb: not a notebook: invalid JSON (Expecting property name"),
        ("[1, 2]", "b.ipynb: not a notebook: no 'nbformat' version number"),
        ('{"nbformat": 9, "cells": []}', "b.ipynb: unsupported notebook format version 9"),
        (
            '{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [3]}',
            "b.ipynb: not a valid notebook: 'cells' is not a list of cells",
        ),
    ],
)
def test_unparsable_notebooks_say_why(text: str, reason: str) -> None:
    with pytest.raises(NotebookParseError) as err:
        parse_notebook(text, "b.ipynb")
    assert str(err.value).startswith(reason)


def test_missing_cell_ids_are_not_invented() -> None:
    """nbformat.reads would add random ids to a 4.5 notebook without them: every read differs."""
    text = (
        '{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": '
        '[{"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [], '
        '"source": "x"}]}'
    )
    diff = diff_notebook_texts(text, text, "b", "h")
    assert diff.changes == ()
    assert "id" not in parse_notebook(text, "b").cells[0]


def test_long_output_diff_is_cut_with_a_count() -> None:
    before = "".join(f"loss {i}\n" for i in range(300))
    after = "".join(f"loss {i}.5\n" for i in range(300))
    base = _nb([_code("a", "fit()", 1, [v4.new_output("stream", name="stdout", text=before)])])
    head = copy.deepcopy(base)
    head.cells[0].outputs[0].text = after
    diff = diff_notebook_texts(*_texts(base, head), "b", "h")
    (output,) = diff.cells[0].outputs
    shown = sum(len(h.lines) for h in output.text_hunks)
    assert shown == MAX_DIFF_LINES
    assert output.hidden_lines > 0 and shown + output.hidden_lines > 300


def test_core_imports_stay_light() -> None:
    """`cd4ml-tui diff --help` and the core never load nbdime, nbformat or Textual up front."""
    code = (
        "import sys, cd4ml_tui.core.diff.changes, cd4ml_tui.core.diff.file, "
        "cd4ml_tui.core.diff.notebooks, "
        "cd4ml_tui.commands.diff, cd4ml_tui.render.diff; "
        "print(sorted(m for m in ('nbdime', 'nbformat', 'textual') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
