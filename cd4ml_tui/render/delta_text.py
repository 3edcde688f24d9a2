"""Rich text for a comparison's cells: the CLI table and the compare screen colour them alike.

Better is green, worse is red, neutral is plain; the best value of a metric row is bold and
underlined; a changed param is yellow; a missing value says "missing" (never 0).
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.table import Table
from rich.text import Text

from cd4ml_tui.core.api import Comparison, DeltaCell, DeltaRow, format_delta, format_number
from cd4ml_tui.core.model import ColumnKey

BETTER = "green"
WORSE = "red"
CHANGED = "yellow"
BEST = "bold underline"
MISSING_STYLE = "dim italic"
INFERRED_MARK = "*"
LEGEND = (
    "↑ higher is better  ↓ lower is better  · neutral  "
    f"{INFERRED_MARK} guessed from the name  bold underline: best of the row"
)


def direction_text(row: DeltaRow) -> Text:
    """`↑ max`, `↓ min*` (* = inferred from the name), or empty for params."""
    if row.column.kind != "metric":
        return Text("")
    direction = row.direction
    mark = INFERRED_MARK if direction.inferred else ""
    return Text(f"{direction.arrow} {direction.direction}{mark}", style="dim")


def base_text(row: DeltaRow, precision: int) -> Text:
    if row.base is None:
        return Text("missing", style=MISSING_STYLE)
    return Text(format_number(row.base, precision), style=BEST if row.base_best else "")


def cell_text(row: DeltaRow, cell: DeltaCell, precision: int) -> Text:
    """The value, then its change: `0.851  ▲ +0.0234 (+2.8%)`, coloured by direction."""
    if cell.missing:
        return Text("missing", style=MISSING_STYLE)
    style = BEST if cell.best else ""
    if row.column.kind == "param" and cell.changed:
        style = f"bold {CHANGED}"
    text = Text()
    text.append(format_number(cell.value, precision), style=style)
    delta = format_delta(cell, precision)
    if delta:
        colour = BETTER if cell.better is True else WORSE if cell.better is False else "dim"
        text.append("  ")
        text.append(delta, style=colour)
    elif row.column.kind == "metric" and cell.changed and row.base is not None:
        text.append("  changed", style=CHANGED)
    return text


def comparison_table(
    comparison: Comparison,
    base_name: str,
    names: list[str],
    labels: Mapping[ColumnKey, str],
    all_rows: bool,
    precision: int,
) -> Table:
    """The comparison as a rich table: one row per metric/param, baseline then revisions."""
    table = Table(caption=LEGEND, caption_justify="left", header_style="bold")
    table.add_column("")
    table.add_column("dir")
    table.add_column(f"{base_name} (baseline)", justify="right")
    for name in names:
        table.add_column(name, justify="right")
    kind = None
    for row in comparison.rows:
        if not all_rows and not row.changed:
            continue
        if row.column.kind != kind:
            kind = row.column.kind
            table.add_section()
        label = labels.get(row.column, row.column.key)
        cells = [cell_text(row, cell, precision) for cell in row.cells]
        table.add_row(label, direction_text(row), base_text(row, precision), *cells)
    return table
