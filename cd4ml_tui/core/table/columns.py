"""One row per revision, one column per param/metric: column order, labels, cells and frames.

Columns and labels follow `dvc exp show`'s table (`dvc/repo/experiments/show.py`): metrics then
params, files in the order they are first seen across revisions, keys in file order; a key is
labelled `path:key` when the same key name appears in more than one file. Cells are formatted like
DVC's (`dvc.compare._format_field`). pandas is imported only by `to_frame`.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from cd4ml_tui.core.model import ColumnKey, RevisionValues

if TYPE_CHECKING:
    import pandas

# `dvc exp show`'s own headers: a param or metric with one of these names is shown with its file.
RESERVED_HEADERS = ("Experiment", "rev", "typ", "Created", "parent", "State", "Executor")
MISSING_CELL = "-"


def columns(values: Sequence[RevisionValues]) -> list[ColumnKey]:
    """Every column of `values`: metrics first, then params, in `dvc exp show`'s order."""
    metric_files: dict[str, dict[str, None]] = {}
    param_files: dict[str, dict[str, None]] = {}
    for row in values:
        for path, flat in row.metrics.items():
            metric_files.setdefault(path, {}).update(dict.fromkeys(flat))
        for path, flat in row.params.items():
            param_files.setdefault(path, {}).update(dict.fromkeys(flat))
    cols = [ColumnKey("metric", path, key) for path, keys in metric_files.items() for key in keys]
    cols += [ColumnKey("param", path, key) for path, keys in param_files.items() for key in keys]
    return cols


def labels(all_cols: Sequence[ColumnKey]) -> dict[ColumnKey, str]:
    """Each column's label: `accuracy`, or `metrics.json:accuracy` when the key name is
    ambiguous across files or is one of `dvc exp show`'s own headers."""
    counts = Counter(c.key for c in all_cols)
    return {col: _label(col, counts) for col in all_cols}


def _label(col: ColumnKey, counts: Mapping[str, int]) -> str:
    if col.key == "":  # a file holding a bare scalar: DVC's column is named after the file
        return col.path
    if counts.get(col.key, 0) > 1 or col.key in RESERVED_HEADERS:
        return col.qualified_name
    return col.key


def format_value(value: Any, precision: int) -> str:
    """A cell as `dvc exp show` prints it: floats to `precision` significant digits, lists and
    mappings with their floats rounded the same way, missing values as `-`."""
    if value is None:
        return MISSING_CELL
    return str(_round(value, precision))


def _round(value: Any, precision: int) -> Any:
    if isinstance(value, float) and precision:
        if math.isnan(value) or math.isinf(value):
            return str(value)
        return f"{value:.{precision}g}"
    if isinstance(value, Mapping):
        return {k: _round(v, precision) for k, v in value.items()}
    if isinstance(value, list):
        return [_round(v, precision) for v in value]
    return value


def to_frame(values: Sequence[RevisionValues]) -> pandas.DataFrame:
    """A DataFrame indexed by revision (`rev`), one column per `ColumnKey` in `columns` order.

    Every column holds the Python values as read (dtype object): ints stay ints, bools stay
    bools, lists stay lists, and an absent value is None (never 0), so nothing is coerced before
    a caller decides how to read a column. The one frame builder: insight computes on it.
    """
    import pandas as pd

    cols = columns(values)
    records = [[row.get(col) for col in cols] for row in values]
    index = pd.Index([row.revision.rev for row in values], name="rev", dtype=object)
    return pd.DataFrame(
        records,
        columns=pd.Index(cols, tupleize_cols=False, dtype=object),
        index=index,
        dtype=object,
    )
