"""A comparison as the CLI prints it: `dvc exp diff`-shaped JSON, an N-way JSON, and Markdown.

The two-revision JSON is exactly `dvc exp diff BASE REV --json [--all]` plus keys of our own on
each entry (`pct`, `better`, and for metrics `direction`, `inferred`), so scripts written for DVC
keep working. The N-way JSON keeps the same `old`/`new`/`diff` words, keyed by revision.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cd4ml_tui.core.compare.deltas import Comparison, DeltaCell, DeltaRow, dvc_value
from cd4ml_tui.core.table.columns import format_value


def _rows(comparison: Comparison, all_rows: bool) -> list[DeltaRow]:
    return [row for row in comparison.rows if all_rows or row.changed]


def _grouped(rows: list[DeltaRow]) -> dict[str, dict[str, dict[str, DeltaRow]]]:
    out: dict[str, dict[str, dict[str, DeltaRow]]] = {"metrics": {}, "params": {}}
    for row in rows:
        kind = "metrics" if row.column.kind == "metric" else "params"
        out[kind].setdefault(row.column.path, {})[row.column.key] = row
    return out


def _direction_keys(row: DeltaRow) -> dict[str, Any]:
    if row.column.kind != "metric":
        return {}
    return {"direction": row.direction.direction, "inferred": row.direction.inferred}


def diff_json(comparison: Comparison, all_rows: bool = False) -> dict[str, Any]:
    """`dvc exp diff BASE REV --json [--all]` for a comparison of one revision, plus our keys."""
    if len(comparison.revisions) != 1:
        raise ValueError("diff_json compares exactly one revision against the baseline")
    out: dict[str, Any] = {}
    for kind, files in _grouped(_rows(comparison, all_rows)).items():
        out[kind] = {}
        for path, keys in files.items():
            out[kind][path] = {}
            for key, row in keys.items():
                cell = row.cells[0]
                entry: dict[str, Any] = {"old": dvc_value(row.base), "new": dvc_value(cell.value)}
                if cell.diff is not None:
                    entry["diff"] = cell.diff
                entry.update(pct=cell.pct, better=cell.better, **_direction_keys(row))
                out[kind][path][key] = entry
    return out


def nway_json(
    comparison: Comparison, base_name: str, names: Sequence[str], all_rows: bool = False
) -> dict[str, Any]:
    """Several revisions against one baseline; `names` are the revisions as the user gave them."""
    out: dict[str, Any] = {"baseline": base_name, "revisions": list(names)}
    for kind, files in _grouped(_rows(comparison, all_rows)).items():
        out[kind] = {}
        for path, keys in files.items():
            out[kind][path] = {}
            for key, row in keys.items():
                pairs = list(zip(names, row.cells, strict=True))
                entry: dict[str, Any] = {
                    "old": dvc_value(row.base),
                    "new": {name: dvc_value(cell.value) for name, cell in pairs},
                    "diff": {name: cell.diff for name, cell in pairs if cell.diff is not None},
                    "pct": {name: cell.pct for name, cell in pairs},
                    "better": {name: cell.better for name, cell in pairs},
                    "changed": [name for name, cell in pairs if cell.changed],
                }
                if row.column.kind == "metric":
                    entry.update(_direction_keys(row))
                    best = [base_name] if row.base_best else []
                    entry["best"] = best + [name for name, cell in pairs if cell.best]
                out[kind][path][key] = entry
    return out


def format_number(value: Any, precision: int = 4) -> str:
    """A value as the main table shows it (`dvc exp show`'s format); missing is `-`, never 0."""

    return format_value(value, precision)


def format_delta(cell: DeltaCell, precision: int = 4) -> str:
    """`▲ +0.0234 (+2.8%)`; empty when the value is unchanged or the change is not numeric."""
    if cell.diff is None or isinstance(cell.value, bool) or not cell.arrow or not cell.changed:
        return ""
    diff = cell.diff
    number = f"{diff:+.{precision}g}" if isinstance(diff, float) else f"{diff:+d}"
    text = f"{cell.arrow} {number}"
    if cell.pct is not None:
        text += f" ({cell.pct:+.1f}%)"
    return text


def _mark(cell: DeltaCell) -> str:
    if cell.better is True:
        return " ✅ better"
    if cell.better is False:
        return " ❌ worse"
    return ""


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|")


def markdown(
    comparison: Comparison,
    base_name: str,
    names: Sequence[str],
    all_rows: bool = False,
    precision: int = 4,
) -> str:
    """GitHub-flavoured tables, metrics then params, ready to paste into a pull request."""
    rows = _rows(comparison, all_rows)
    header = ["Path", "Key", f"{base_name} (baseline)", *names]
    sections: list[str] = []
    for title, kind in (("Metrics", "metric"), ("Params", "param")):
        kind_rows = [row for row in rows if row.column.kind == kind]
        lines = [f"### {title}", ""]
        if not kind_rows:
            lines.append("No changes." if not all_rows else f"No {title.lower()}.")
            sections.append("\n".join(lines))
            continue
        lines.append("| " + " | ".join(_md_escape(h) for h in header) + " |")
        lines.append("|" + "---|" * 2 + "---:|" * (len(header) - 2))
        for row in kind_rows:
            key = row.column.key
            if kind == "metric" and row.direction.direction != "none":
                key += f" {row.direction.arrow}"
            base = format_number(row.base, precision)
            cells = [_md_escape(row.column.path), _md_escape(key), _bold(base, row.base_best)]
            for cell in row.cells:
                text = _bold(format_number(cell.value, precision), cell.best)
                delta = format_delta(cell, precision)
                if delta:
                    text += f" {delta}"
                text += _mark(cell)
                cells.append(_md_escape(text))
            lines.append("| " + " | ".join(cells) + " |")
        sections.append("\n".join(lines))
    legend = "↑ higher is better, ↓ lower is better; **bold** is the best value of a row."
    return "\n\n".join([*sections, legend]) + "\n"


def _bold(text: str, on: bool) -> str:
    return f"**{text}**" if on else text
