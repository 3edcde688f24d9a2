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

from cd4ml_tui.core.dvc.view import NO_SUCH_FILE
from cd4ml_tui.core.model import ColumnKey, RevisionValues, ValueKind

if TYPE_CHECKING:
    import pandas

# `dvc exp show`'s own headers: a param or metric with one of these names is shown with its file.
RESERVED_HEADERS = ("Experiment", "rev", "typ", "Created", "parent", "State", "Executor")
MISSING_CELL = "-"
# The key of a column that stands for a whole file: one no revision could read, as for a file
# holding a bare scalar (DVC names that column after the file).
UNREAD_KEY = ""
PIPELINE_FILES = ("dvc.yaml", "dvc.lock")
METRIC: ValueKind = "metric"
PARAM: ValueKind = "param"  # their errors are about a whole revision, not a column


def columns(values: Sequence[RevisionValues], *, unread: bool = False) -> list[ColumnKey]:
    """Every column of `values`: metrics first, then params, in `dvc exp show`'s order.

    With `unread`, a file that exists but has no readable value in any revision (an out missing
    from the local DVC cache, a file that never parses) still gets one column, keyed `""`, so a
    table can mark it instead of leaving it out without a word.
    """
    order = ColumnOrder()
    order.add(values)
    return order.columns(unread=unread)


class ColumnOrder:
    """`columns(rows)` kept up to date as rows stream in: each batch costs its own rows.

    Files come in order of first appearance, but a file first seen in a later row goes right
    after the file it follows in that row (before the one it precedes when it comes first), so
    a revision that cannot read a file (corrupt, not in the cache) does not move its columns.
    Keys within a file come in order of first appearance.
    """

    def __init__(self) -> None:
        self._files: dict[ValueKind, dict[str, dict[str, None]]] = {"metric": {}, "param": {}}
        self._unread: dict[str, None] = {}  # error paths no row has values for (yet)

    def add(self, rows: Sequence[RevisionValues]) -> None:
        known = self._files
        for row in rows:  # a revision shown by name before its values are read has no files
            for kind, files in ((METRIC, row.metrics), (PARAM, row.params)):
                seen = known[kind]
                for path, flat in files.items():  # the usual row: every file and key seen before
                    keys = seen.get(path)
                    if keys is None or not keys.keys() >= flat.keys():
                        self._merge(kind, files)
                        break
            for path, error in row.errors.items():
                if path and error != NO_SUCH_FILE and not path.endswith(PIPELINE_FILES):
                    self._unread[path] = None

    def _merge(self, kind: ValueKind, files: Mapping[str, Mapping[str, Any]]) -> None:
        """Add the files and keys of one row that some are new to."""
        known = self._files[kind]
        sequence = list(files)
        order = list(known)
        for index, path in enumerate(sequence):
            if path in known:
                continue
            if index:
                order.insert(order.index(sequence[index - 1]) + 1, path)
            else:
                later = [p for p in sequence[1:] if p in known]
                order.insert(order.index(later[0]) if later else len(order), path)
            known[path] = {}
        self._files[kind] = {path: known[path] for path in order}
        for path, flat in files.items():
            self._files[kind][path].update(dict.fromkeys(flat))

    def columns(self, *, unread: bool = False) -> list[ColumnKey]:
        cols = [
            ColumnKey(kind, path, key)
            for kind in ("metric", "param")
            for path, keys in self._files[kind].items()
            for key in keys
        ]
        if not unread:
            return cols
        with_values = {c.path for c in cols}
        # No revision read it, so its kind is unknown: a metric, the usual case (an out that only
        # the DVC remote has); a params file that fails at every revision is rare.
        placeholders = [
            ColumnKey("metric", path, UNREAD_KEY)
            for path in self._unread
            if path not in with_values and path not in self._files["param"]
        ]
        metrics = sum(1 for c in cols if c.kind == "metric")
        return [*cols[:metrics], *placeholders, *cols[metrics:]]


def error_notes(values: Sequence[RevisionValues], few: int = 3) -> list[str]:
    """One line per file and reason a value could not be read, with where: `eval/stats.yaml:
    not in local DVC cache; `dvc pull` fetches it (every revision)`; the revisions are named when
    there are at most `few`, else counted. What the `!` cells of a table stand for."""
    by_error: dict[tuple[str, str], list[str]] = {}
    for row in values:
        for path, message in row.errors.items():
            by_error.setdefault((path, message), []).append(row.revision.label)
    notes = []
    for (path, message), where in by_error.items():
        if len(where) == len(values) and len(where) > 1:
            revisions = "every revision"
        elif len(where) > few:
            revisions = f"{len(where)} revisions"
        else:
            revisions = ", ".join(where)
        notes.append(f"{path or 'revision'}: {message} ({revisions})")
    return notes


def labels(all_cols: Sequence[ColumnKey]) -> dict[ColumnKey, str]:
    """Each column's label: `accuracy`, or `metrics.json:accuracy` when the key name is
    ambiguous across files or is one of `dvc exp show`'s own headers."""
    counts = Counter(c.key for c in all_cols)
    return {col: _label(col, counts) for col in all_cols}


def _label(col: ColumnKey, counts: Mapping[str, int]) -> str:
    # A file holding a bare scalar (DVC names its column after the file), or one that no
    # revision could read (UNREAD_KEY, also ""): the column stands for the whole file.
    if col.key == UNREAD_KEY:
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
