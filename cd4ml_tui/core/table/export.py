"""The `show` outputs as plain data and text: the JSON document, CSV and Markdown.

The JSON document is the contract the README documents and the tests pin. Floats that are NaN or
infinite are written as `NaN` / `Infinity` / `-Infinity`, as `dvc exp show --json` writes them
(Python's `json` and JavaScript's JSON5 read them; strict parsers need a replacement hook).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from cd4ml_tui.core.model import Revision, RevisionValues
from cd4ml_tui.core.table.columns import columns, format_value, labels
from cd4ml_tui.core.values.encoded import EncodedValues


def revision_header(rev: Revision) -> dict[str, Any]:
    """A revision's entry in the JSON document up to its values."""
    return {
        "rev": rev.rev,
        "kind": rev.kind,
        "name": rev.name,
        "refs": list(rev.refs),
        "baseline": rev.baseline,
        "timestamp": rev.timestamp,
        "status": rev.status,
    }


def revision_document(row: RevisionValues) -> dict[str, Any]:
    return revision_header(row.revision) | {
        "params": row.params,
        "metrics": row.metrics,
        "errors": row.errors,
    }


def to_document(
    root: Path,
    values: Sequence[RevisionValues],
    reviews: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """`{"repo": "/abs/path", "revisions": [...]}`, one entry per revision in order. With
    `reviews` (commit sha -> review summary), each entry gets `"review"`: its summary or null."""
    documents = [revision_document(row) for row in values]
    if reviews is not None:
        for document in documents:
            found = reviews.get(document["rev"])
            document["review"] = dict(found) if found is not None else None
    return {"repo": str(root), "revisions": documents}


def to_json(
    root: Path,
    values: Sequence[RevisionValues | EncodedValues],
    *,
    indent: int | None = 2,
    reviews: Mapping[str, Mapping[str, Any]] | None = None,
) -> str:
    """The document as JSON: indented, or (`indent=None`, for pipes and scripts) compact, with
    each row written on its own and the values the cache holds copied in as stored."""
    if indent is not None:
        rows = [row.decoded() if isinstance(row, EncodedValues) else row for row in values]
        document = to_document(root, rows, reviews)  # a fresh tree: no cycle to look for
        return json.dumps(document, indent=indent, ensure_ascii=False, check_circular=False)
    entries = ",".join(_compact_entry(row, reviews) for row in values)
    return f'{{"repo":{_compact(str(root))},"revisions":[{entries}]}}'


def _compact_entry(
    row: RevisionValues | EncodedValues, reviews: Mapping[str, Mapping[str, Any]] | None
) -> str:
    """One revision's entry, keys in `to_document`'s order, its values copied from the cache's
    compact JSON when it has them (its object's braces stripped to splice it in)."""
    if isinstance(row, EncodedValues):
        values = row.payload.decode()
    else:
        values = _compact({"params": row.params, "metrics": row.metrics, "errors": row.errors})
    entry = f"{_compact(revision_header(row.revision))[:-1]},{values[1:-1]}"
    if reviews is not None:
        found = reviews.get(row.revision.rev)
        entry += f',"review":{_compact(dict(found)) if found is not None else "null"}'
    return entry + "}"


# As the cache stores values (`entries.seal`): ASCII only, so a cached row and a fresh one give the
# same bytes. One encoder for every call: `json.dumps` with options builds one per call.
_compact = json.JSONEncoder(separators=(",", ":"), check_circular=False).encode


def tree_label(rev: Revision, is_last: bool) -> str:
    """`dvc exp show`'s Experiment cell: baselines by name, experiments as `├── sha [name]`."""
    if rev.kind != "experiment":
        return rev.name or rev.short
    branch = "└──" if is_last else "├──"
    return f"{branch} {rev.short} [{rev.name}]" if rev.name else f"{branch} {rev.short}"


def tree_labels(values: Sequence[RevisionValues]) -> list[str]:
    """The tree label of every row; the last experiment under a baseline gets `└──`."""
    result = []
    for i, row in enumerate(values):
        nxt = values[i + 1].revision if i + 1 < len(values) else None
        last = nxt is None or nxt.kind != "experiment" or nxt.baseline != row.revision.baseline
        result.append(tree_label(row.revision, last))
    return result


META_HEADERS = ("Experiment", "rev", "kind", "baseline", "Created", "State")


def _meta_cells(rev: Revision, label: str) -> list[str]:
    return [
        label,
        rev.rev,
        rev.kind,
        rev.baseline or "",
        rev.timestamp or "",
        rev.status or "",
    ]


def _error_marked(
    row: RevisionValues, path: str, value: Any, precision: int, missing: str = "-"
) -> str:
    """A cell, `!` when its file could not be read (as `dvc exp show` marks it)."""
    if value is None:
        return "!" if path in row.errors else missing
    return format_value(value, precision)


def to_csv(values: Sequence[RevisionValues]) -> str:
    """CSV with full-precision values; missing cells are empty, cells of unreadable files `!`."""
    cols = columns(values)
    names = labels(cols)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*META_HEADERS, *(names[c] for c in cols)])
    plain = [row.revision.name or row.revision.short for row in values]
    for row, label in zip(values, plain, strict=True):
        cells = [_error_marked(row, col.path, row.get(col), 0, "") for col in cols]
        writer.writerow([*_meta_cells(row.revision, label), *cells])
    return out.getvalue()


def to_markdown(values: Sequence[RevisionValues], precision: int) -> str:
    """A GitHub Markdown table: Experiment, rev, Created, then each metric and param."""
    cols = columns(values)
    names = labels(cols)
    header = ["Experiment", "rev", "Created", *(names[c] for c in cols)]
    lines = [md_row(header), md_row(["---"] * len(header))]
    for row, label in zip(values, tree_labels(values), strict=True):
        rev = row.revision
        cells = [label, rev.short, rev.timestamp or "-"]
        cells += [_error_marked(row, c.path, row.get(c), precision) for c in cols]
        lines.append(md_row(cells))
    return "\n".join(lines) + "\n"


def md_row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |"
