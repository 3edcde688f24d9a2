"""Oracle tests: our cell changes equal what `nbdime.diff_notebooks` reports on real notebook files.

Each case writes two notebooks with nbformat into a temp dir. The expected changes come straight
from nbdime's raw diff of the `cells` list; head indices are checked by content, with nbdime's own
`patch` applied to the base cell, so nothing here reuses our index arithmetic.
"""

from __future__ import annotations

import base64
import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbdime
import nbformat
import pytest
from nbdime.patching import patch
from nbformat import v4

from cd4ml_tui.core.diff.notebooks import PART_ORDER, diff_notebook_texts

Notebook = Any


def _png(size: int, seed: int) -> str:
    return base64.b64encode(bytes((seed + i) % 251 for i in range(size))).decode()


def _base() -> Notebook:
    kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb = v4.new_notebook(metadata={"kernelspec": kernel})
    nb.cells = [
        v4.new_markdown_cell("# Title\n\nSome words.", id="md-intro"),
        v4.new_code_cell(
            "import math\nx = 2",
            id="c-import",
            execution_count=1,
        ),
        v4.new_code_cell(
            "print(x)",
            id="c-print",
            execution_count=2,
            outputs=[v4.new_output("stream", name="stdout", text="2\n")],
        ),
        v4.new_code_cell(
            "x * 10",
            id="c-result",
            execution_count=3,
            outputs=[v4.new_output("execute_result", data={"text/plain": "20"}, execution_count=3)],
        ),
        v4.new_code_cell(
            "plot()",
            id="c-plot",
            execution_count=4,
            outputs=[
                v4.new_output(
                    "display_data",
                    data={"image/png": _png(12 * 1024, 1), "text/plain": "<Figure>"},
                )
            ],
        ),
        v4.new_markdown_cell("## The end", id="md-end"),
    ]
    return nb


def _source_change(nb: Notebook) -> None:
    nb.cells[1].source = "import math\nx = 3"


def _output_change(nb: Notebook) -> None:
    nb.cells[2].outputs[0].text = "3\n"


def _execution_count_only(nb: Notebook) -> None:
    for offset, cell in enumerate(nb.cells[1:5]):
        cell.execution_count = 10 + offset
        for output in cell.outputs:
            if "execution_count" in output:
                output.execution_count = 10 + offset


def _metadata_change(nb: Notebook) -> None:
    nb.cells[3].metadata["tags"] = ["parameters"]
    nb.cells[0].metadata["collapsed"] = True


def _cells_added(nb: Notebook) -> None:
    nb.cells.insert(2, v4.new_code_cell("y = x + 1", id="c-new-1", execution_count=None))
    nb.cells.append(v4.new_markdown_cell("Appendix", id="md-new-2"))


def _cells_removed(nb: Notebook) -> None:
    del nb.cells[3]
    del nb.cells[0]


def _cells_moved(nb: Notebook) -> None:
    moved = nb.cells.pop(4)
    nb.cells.insert(1, moved)


def _attachments(nb: Notebook) -> None:
    nb.cells[5].attachments = {"chart.png": {"image/png": _png(2048, 7)}}
    nb.cells[5].source = "## The end\n\n![chart](attachment:chart.png)"


def _image_change(nb: Notebook) -> None:
    nb.cells[4].outputs[0].data["image/png"] = _png(14 * 1024, 2)


def _unicode(nb: Notebook) -> None:
    nb.cells[0].source = "# Τίτλος 🚀\n\n数据 und Grüße."
    nb.cells[2].outputs[0].text = "ünïcödé ✓\n"


def _everything(nb: Notebook) -> None:
    _cells_moved(nb)
    _source_change(nb)
    _cells_added(nb)
    _metadata_change(nb)
    del nb.cells[-2]


CASES: dict[str, Callable[[Notebook], None]] = {
    "source": _source_change,
    "output": _output_change,
    "execution-count-only": _execution_count_only,
    "metadata": _metadata_change,
    "cells-added": _cells_added,
    "cells-removed": _cells_removed,
    "cells-moved": _cells_moved,
    "attachments": _attachments,
    "image": _image_change,
    "unicode": _unicode,
    "everything": _everything,
}


def _write_pair(tmp_path: Path, edit: Callable[[Notebook], None]) -> tuple[Path, Path]:
    base = _base()
    head = copy.deepcopy(base)
    edit(head)
    base_path, head_path = tmp_path / "base.ipynb", tmp_path / "head.ipynb"
    nbformat.write(base, base_path)
    nbformat.write(head, head_path)
    return base_path, head_path


def _nbdime_cells(base: Notebook, head: Notebook) -> list[dict[str, Any]]:
    raw = nbdime.diff_notebooks(base, head)
    return next((e["diff"] for e in raw if e["key"] == "cells"), [])


@pytest.mark.parametrize("case", sorted(CASES))
def test_cells_equal_nbdime(tmp_path: Path, case: str) -> None:
    base_path, head_path = _write_pair(tmp_path, CASES[case])
    base_text, head_text = base_path.read_text("utf-8"), head_path.read_text("utf-8")
    base, head = nbformat.reads(base_text, as_version=4), nbformat.reads(head_text, as_version=4)
    raw_cells = _nbdime_cells(base, head)
    assert raw_cells, f"the {case} edit must change cells"

    ours = diff_notebook_texts(base_text, head_text, "base", "head")

    # Same verdicts on the same base cells, in nbdime's order.
    expected: list[tuple[str, int | None, tuple[str, ...] | None]] = []
    added_cells: list[Any] = []
    for entry in raw_cells:
        if entry["op"] == "addrange":
            expected += [("added", None, None)] * len(entry["valuelist"])
            added_cells += entry["valuelist"]
        elif entry["op"] == "removerange":
            expected += [("removed", entry["key"] + j, None) for j in range(entry["length"])]
        else:
            assert entry["op"] == "patch"
            keys = tuple(sorted({e["key"] for e in entry["diff"]}))
            expected.append(("modified", entry["key"], keys))
    got = [
        (c.change, c.base_index, tuple(sorted(c.parts)) if c.change == "modified" else None)
        for c in ours.changes
    ]
    assert sorted(got, key=repr) == sorted(expected, key=repr)

    # Head indices, checked by content: an added cell is the head cell there, a patched base cell
    # patched with nbdime's own diff is the head cell there.
    patches = {e["key"]: e["diff"] for e in raw_cells if e["op"] == "patch"}
    added_seen = []
    for change in ours.changes:
        if change.change == "added":
            assert change.base_index is None and change.head_index is not None
            added_seen.append(head.cells[change.head_index])
        elif change.change == "modified":
            assert change.base_index is not None and change.head_index is not None
            patched = patch(base.cells[change.base_index], patches[change.base_index])
            assert patched == head.cells[change.head_index]
        else:
            assert change.head_index is None
    assert added_seen == added_cells

    # Parts of added and removed cells: the cell's own top-level keys.
    for change in ours.changes:
        if change.change in ("added", "removed"):
            cell = (
                head.cells[change.head_index]
                if change.change == "added"
                else base.cells[change.base_index]
            )
            assert set(change.parts) == set(cell) & set(PART_ORDER)

    # The display covers every cell of both notebooks once, unchanged cells included.
    assert sorted(c.base_index for c in ours.cells if c.base_index is not None) == list(
        range(len(base.cells))
    )
    assert sorted(c.head_index for c in ours.cells if c.head_index is not None) == list(
        range(len(head.cells))
    )
    for cell in ours.cells:
        if cell.change == "unchanged":
            assert base.cells[cell.base_index] == head.cells[cell.head_index]


def test_notebook_metadata_only_change_has_no_cells(tmp_path: Path) -> None:
    def edit(nb: Notebook) -> None:
        nb.metadata["language_info"] = {"name": "python", "version": "3.12.1"}

    base_path, head_path = _write_pair(tmp_path, edit)
    ours = diff_notebook_texts(base_path.read_text(), head_path.read_text(), "b", "h")
    assert ours.changes == ()
    assert [m.key for m in ours.metadata] == ["language_info.name", "language_info.version"]
    assert all(c.change == "unchanged" for c in ours.cells)


def test_added_notebook_lists_every_cell_as_added(tmp_path: Path) -> None:
    base_path, _ = _write_pair(tmp_path, _source_change)
    text = base_path.read_text()
    ours = diff_notebook_texts(None, text, "absent", "head")
    nb = nbformat.reads(text, as_version=4)
    expected = _nbdime_cells(v4.new_notebook(), nb)
    assert [c.head_index for c in ours.changes] == list(range(len(nb.cells)))
    assert sum(len(e["valuelist"]) for e in expected) == len(nb.cells)
    deleted = diff_notebook_texts(text, None, "base", "absent")
    assert [(c.change, c.base_index) for c in deleted.changes] == [
        ("removed", i) for i in range(len(nb.cells))
    ]
