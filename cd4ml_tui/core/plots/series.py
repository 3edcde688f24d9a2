"""From a plot's data files to x/y series, the way DVC's VegaConverter flattens them.

Kept apart from `plots.py` (which finds the plots and their files) because this part is pure: it
takes parsed file contents and a plot's properties, and returns numbers.
"""

from __future__ import annotations

import csv
import io
import posixpath
import re
from collections.abc import Iterator
from typing import Any

from cd4ml_tui.core.errors import ParseError

INDEX = "step"  # DVC's x field when a plot has none: the row number
_INT = re.compile(r"^[+-]?\d+$")


class PlotDataError(ParseError):
    """A revision's plot data does not fit its definition (worded as DVC words it)."""


def number_or_text(cell: Any) -> Any:
    """A CSV/TSV cell as a plot reads it: an int or float when it is one, else the text.

    A short row's missing cells (None) and a long row's extra cells (a list) stay as they are.
    """
    if not isinstance(cell, str):
        return cell
    text = cell.strip()
    if _INT.match(text):
        return int(text)
    try:
        return float(text)
    except ValueError:
        return cell


def parse_data(data: bytes, path: str, header: bool = True) -> Any:
    """Parse a plot data file like `dvc.repo.plots.parse`: CSV/TSV rows, or JSON/YAML/TOML."""
    from dvc.utils.serialize import PARSERS

    ext = posixpath.splitext(path)[1]
    if ext not in {".json", ".yaml", ".yml", ".toml", ".csv", ".tsv"}:
        raise ParseError(f"'{path}': only JSON, YAML, CSV and TSV plots are supported")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ParseError(f"unable to read: '{path}', is not valid utf-8") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if ext in (".csv", ".tsv"):
        delimiter = "\t" if ext == ".tsv" else ","
        if header:
            reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
        else:
            # DVC counts the columns of a headerless file with the default (comma) dialect.
            first_row = next(csv.reader(io.StringIO(text)), [])
            names = [str(i) for i in range(len(first_row))]
            reader = csv.DictReader(io.StringIO(text), delimiter=delimiter, fieldnames=names)
        return [{k: number_or_text(v) for k, v in row.items()} for row in reader]
    try:
        return PARSERS[ext](text, path)
    except Exception as err:
        cause = err.__cause__
        detail = f": {' '.join(str(cause).split())}" if cause else ""
        raise ParseError(f"{' '.join(str(err).split())}{detail}") from None


def _lists(blob: Any) -> Iterator[list[Any]]:
    if isinstance(blob, list):
        yield blob
    elif isinstance(blob, dict):
        for value in blob.values():
            if isinstance(value, dict):
                yield from _lists(value)
            elif isinstance(value, list):
                yield value


def _is_datapoints(items: list[Any]) -> bool:
    if not all(isinstance(item, dict) for item in items):
        return False
    if not items:
        raise PlotDataError("an empty list of datapoints")
    return set(items[0]) == {key for item in items for key in item}


def datapoints(content: Any) -> list[dict[str, Any]]:
    """Every list of same-keyed dicts in `content`, merged row by row (`get_datapoints`)."""
    result: list[dict[str, Any]] = []
    for items in _lists(content):
        if _is_datapoints(items):
            for index, point in enumerate(items):
                if len(result) <= index:
                    result.append({})
                result[index].update(point)
    return result


def _file_fields(axis: Any) -> Iterator[tuple[str, str]]:
    for file, value in axis.items() if isinstance(axis, dict) else []:
        for name in value if isinstance(value, list) else [value]:
            if isinstance(name, str):
                yield str(file), name


def infer_axes(plot_id: str, props: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """`x` and `y` as {file: field(s)}, filled in the way DVC fills them (`_infer_x_y`)."""
    x, y = props.get("x"), props.get("y")
    out = dict(props)
    if isinstance(x, str):
        if isinstance(y, dict):
            out["x"] = {f: [x] * len(v) if isinstance(v, list) else x for f, v in y.items()}
        else:
            out["x"] = {plot_id: x}
    if y is None:
        out["y"] = None
        for items in _lists(data.get(plot_id, [])):
            if items and all(isinstance(item, dict) for item in items):
                out["y"] = {plot_id: list(items[0])[-1]} if items[0] else None
                break
    elif not isinstance(y, dict):
        out["y"] = {plot_id: y}
    return out


def _verified(axis: Any, points: dict[str, list[dict[str, Any]]]) -> list[tuple[str, str]]:
    pairs = list(_file_fields(axis))
    for file, name in pairs:
        if file in points:
            first = points[file][0] if points[file] else None
            if first is None or name not in first:
                found = ", ".join(str(k) for k in first or {})
                raise PlotDataError(
                    f"Could not find provided field ('{name}') in data fields ('{found}')."
                )
    return pairs


def series_of(
    plot_id: str, props: dict[str, Any], data: dict[str, Any]
) -> tuple[str, list[tuple[str, list[Any], list[Any]]]]:
    """The x field's name and, per y `file::field` with data, its x values and y values.

    `data` maps each source file that has content to its parsed content. Raises PlotDataError
    where DVC would refuse the revision's data.
    """
    axes = infer_axes(plot_id, props, data)
    points = {file: datapoints(content) for file, content in data.items()}
    xs = _verified(axes.get("x"), points)
    ys = _verified(axes.get("y"), points)
    if len(xs) > 1 and len(xs) != len(ys):
        raise PlotDataError(
            "Cannot have different number of x and y data sources. "
            f"Found {len(xs)} x and {len(ys)} y data sources."
        )
    x_file, x_field = xs[0] if xs else (None, INDEX)
    y_files = list(dict.fromkeys(file for file, _ in ys))
    # Legends name a file without the folder all y files share, as DVC's do.
    common = len(posixpath.commonpath(y_files)) if len(y_files) > 1 else 0
    out: list[tuple[str, list[Any], list[Any]]] = []
    for i, (y_file, y_field) in enumerate(ys):
        if len(xs) > 1:
            x_file, x_field = xs[i]
        rows = points.get(y_file, [])
        if not rows:
            continue
        if x_file is None:
            x_values: list[Any] = list(range(len(rows)))
        else:
            x_rows = points.get(x_file, [])
            if len(x_rows) != len(rows):
                raise PlotDataError(
                    f"Cannot join '{x_field}' from '{x_file}' and '{y_field}' from '{y_file}'. "
                    "They have to have same length."
                )
            x_values = [
                xr[x_field] if x_field in xr else row.get(x_field)
                for xr, row in zip(x_rows, rows, strict=True)
            ]
        key = f"{y_file[common:].strip('/')}::{y_field}"
        out.append((key, x_values, [row.get(y_field) for row in rows]))
    x_names = list(dict.fromkeys(name for _, name in xs))
    return (INDEX if not x_names else x_names[0] if len(x_names) == 1 else "x"), out
