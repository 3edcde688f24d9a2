"""The revisions table of `cd4ml-tui show`: like `dvc exp show`'s, as a rich renderable.

rich is imported where first drawn: `show --json` and `--csv` load this module and never draw,
and rich costs them about 40 ms (a third of their import time).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from cd4ml_tui.core.api import columns, error_notes, format_value, labels, tree_labels
from cd4ml_tui.core.model import RevisionValues

# As the TUI's status column: an unfinished run stands out (its values are only params).
STATUS_STYLE = {"failed": "red", "queued": "yellow", "running": "yellow"}

if TYPE_CHECKING:
    from rich.table import Table
    from rich.text import Text


def values_table(values: Sequence[RevisionValues], precision: int) -> Table:
    """Experiments as a tree under their baseline; metric columns right-aligned, then params
    left-aligned; a value missing because its file could not be read is a red `!`."""
    from rich.table import Table
    from rich.text import Text

    cols = columns(values, unread=True)  # a file no revision could read keeps a column: `!`
    names = labels(cols)
    table = Table(show_edge=False, header_style="bold", pad_edge=False, box=None)
    table.add_column("Experiment", no_wrap=True)
    table.add_column("Created", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    for col in cols:
        style = "yellow" if col.kind == "metric" else "cyan"
        header = Text(names[col], style=style)
        if col.kind == "metric":
            table.add_column(header, justify="right", no_wrap=True)
        else:
            table.add_column(header, justify="left", no_wrap=True)
    for row, label in zip(values, tree_labels(values), strict=True):
        rev = row.revision
        created = (rev.timestamp or "")[:16].replace("T", " ") or "-"
        cells = [
            Text(label, style="bold" if rev.kind != "experiment" else ""),
            Text(created),
            Text(rev.status or "", style=STATUS_STYLE.get(rev.status or "", "")),
        ]
        for col in cols:
            value = row.get(col)
            if value is None and col.path in row.errors:
                cells.append(Text("!", style="red"))
            else:
                cells.append(Text(format_value(value, precision)))
        table.add_row(*cells)
    return table


def value_errors(values: Sequence[RevisionValues]) -> list[Text]:
    """What the `!` cells stand for: one red line per file and reason, with where."""
    from rich.text import Text

    return [Text(f"! {note}", style="red") for note in error_notes(values)]
