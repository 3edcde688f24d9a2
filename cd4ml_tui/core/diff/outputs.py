"""What changed inside one cell's outputs, metadata and attachments, summarised for a reviewer.

Text outputs are diffed line by line; images and other rich outputs are summarised by mime type and
size ("image/png changed 12 KB → 14 KB"), so a notebook with MBs of outputs is never dumped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from cd4ml_tui.core.diff.text import Hunk, line_hunks, truncate_hunks

OutputChangeKind = Literal["added", "removed", "modified"]

MAX_TEXT_DIFF_CHARS = 200_000  # a text output bigger than this is summarised, not diffed
MAX_SHOWN_LINES = 20  # lines shown of an added or removed text output
MAX_DIFF_LINES = 40  # diff lines shown of a modified text output
MAX_VALUE_CHARS = 80  # a metadata value longer than this is shortened

ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
TEXT_MIME = "text/plain"


@dataclass(frozen=True)
class OutputChange:
    """One output of a cell that was added, removed or modified."""

    change: OutputChangeKind
    output_type: str
    noise: frozenset[str] = (
        frozenset()
    )  # a modified output whose only changes are these noise kinds
    text_hunks: tuple[Hunk, ...] = ()  # line diff of the text part (modified outputs)
    text: tuple[str, ...] = ()  # first lines of the text part (added / removed outputs)
    hidden_lines: int = 0  # text (or diff) lines not included in `text` (or `text_hunks`)
    summaries: tuple[str, ...] = field(default_factory=tuple)  # rich parts and oversized text


@dataclass(frozen=True)
class ValueChange:
    """One dotted key whose JSON value differs; a side without the key is None."""

    key: str
    base: str | None
    head: str | None


def human_size(size: int) -> str:
    """A size as people read it: 68 B, 12 KB, 1.4 MB (powers of 1024)."""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            if unit == "B":
                return f"{int(value)} B"
            return f"{value:.1f} {unit}" if value < 10 else f"{value:.0f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def _joined(value: Any) -> str:
    if isinstance(value, list):
        return "".join(str(v) for v in value)
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1)


def mime_size(mime: str, value: Any) -> int:
    """Bytes of one mime part: decoded size for base64 images, UTF-8 size for the rest."""
    text = _joined(value)
    if mime.startswith("image/") and not mime.startswith("image/svg"):
        compact = "".join(text.split())
        return max(0, len(compact) * 3 // 4 - compact[-2:].count("="))
    return len(text.encode())


def output_text(output: Mapping[str, Any]) -> str | None:
    """The text a reader sees for an output: stream text, text/plain, or an error's traceback."""
    kind = output.get("output_type")
    if kind == "stream":
        return _joined(output.get("text", ""))
    if kind == "error":
        trace = output.get("traceback") or [f"{output.get('ename')}: {output.get('evalue')}"]
        return ANSI_ESCAPE.sub("", "\n".join(_joined(t) for t in trace))
    data = output.get("data")
    if isinstance(data, Mapping) and TEXT_MIME in data:
        return _joined(data[TEXT_MIME])
    return None


def _rich_parts(output: Mapping[str, Any]) -> dict[str, Any]:
    data = output.get("data")
    if not isinstance(data, Mapping):
        return {}
    return {mime: value for mime, value in data.items() if mime != TEXT_MIME}


def _text_lines(text: str) -> tuple[tuple[str, ...], int]:
    lines = text.splitlines()
    return tuple(lines[:MAX_SHOWN_LINES]), max(0, len(lines) - MAX_SHOWN_LINES)


def one_sided_output(change: OutputChangeKind, output: Mapping[str, Any]) -> OutputChange:
    """An output present on one side only: its first text lines and a summary of rich parts."""
    kind = str(output.get("output_type", "?"))
    text = output_text(output)
    summaries = [
        f"{mime} {change} ({human_size(mime_size(mime, v))})"
        for mime, v in sorted(_rich_parts(output).items())
    ]
    if text is not None and len(text) > MAX_TEXT_DIFF_CHARS:
        summaries.insert(0, f"text {change} ({human_size(len(text.encode()))})")
        text = None
    shown, hidden = _text_lines(text) if text is not None else ((), 0)
    return OutputChange(change, kind, text=shown, hidden_lines=hidden, summaries=tuple(summaries))


def _changed_keys(base: Mapping[str, Any], head: Mapping[str, Any]) -> set[str]:
    return {key for key in set(base) | set(head) if base.get(key) != head.get(key)}


def modified_output(base: Mapping[str, Any], head: Mapping[str, Any]) -> OutputChange:
    """Two versions of one output: text diff, rich parts summarised, noise-only changes marked."""
    kind = str(head.get("output_type", base.get("output_type", "?")))
    changed = _changed_keys(base, head)
    noise = (
        frozenset(changed)
        if changed and changed <= {"execution_count", "metadata"}
        else frozenset()
    )
    summaries: list[str] = []
    hunks: tuple[Hunk, ...] = ()
    hidden = 0
    old_text, new_text = output_text(base), output_text(head)
    if old_text != new_text:
        if max(len(old_text or ""), len(new_text or "")) > MAX_TEXT_DIFF_CHARS:
            summaries.append(
                f"text changed {human_size(len((old_text or '').encode()))} → "
                f"{human_size(len((new_text or '').encode()))} (too large to show)"
            )
        else:
            hunks, hidden = truncate_hunks(
                line_hunks(old_text or "", new_text or ""), MAX_DIFF_LINES
            )
    old_rich, new_rich = _rich_parts(base), _rich_parts(head)
    for mime in sorted(set(old_rich) | set(new_rich)):
        if mime not in new_rich:
            summaries.append(f"{mime} removed ({human_size(mime_size(mime, old_rich[mime]))})")
        elif mime not in old_rich:
            summaries.append(f"{mime} added ({human_size(mime_size(mime, new_rich[mime]))})")
        elif old_rich[mime] != new_rich[mime]:
            old_size, new_size = mime_size(mime, old_rich[mime]), mime_size(mime, new_rich[mime])
            summaries.append(f"{mime} changed {human_size(old_size)} → {human_size(new_size)}")
    return OutputChange(
        "modified", kind, noise, hunks, hidden_lines=hidden, summaries=tuple(summaries)
    )


def _render_value(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


def _flatten(value: Any, prefix: str, out: dict[str, Any]) -> None:
    if isinstance(value, Mapping) and (value or not prefix):
        for key, inner in value.items():
            _flatten(inner, f"{prefix}.{key}" if prefix else str(key), out)
    else:
        out[prefix] = value


def value_changes(base: Any, head: Any) -> tuple[ValueChange, ...]:
    """The dotted keys whose values differ between two JSON mappings (e.g. cell metadata)."""
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    _flatten(base if base is not None else {}, "", old)
    _flatten(head if head is not None else {}, "", new)
    changes = []
    for key in sorted(set(old) | set(new)):
        if key in old and key in new and old[key] == new[key]:
            continue
        changes.append(
            ValueChange(
                key or "(value)",
                _render_value(old[key]) if key in old else None,
                _render_value(new[key]) if key in new else None,
            )
        )
    return tuple(changes)


def attachment_summaries(base: Any, head: Any) -> tuple[str, ...]:
    """Per attachment name: added, removed or changed, with mime types and sizes."""
    old = base if isinstance(base, Mapping) else {}
    new = head if isinstance(head, Mapping) else {}

    def sizes(bundle: Any) -> str:
        if not isinstance(bundle, Mapping):
            return "?"
        return ", ".join(f"{m} {human_size(mime_size(m, v))}" for m, v in sorted(bundle.items()))

    lines = []
    for name in sorted(set(old) | set(new)):
        if name not in new:
            lines.append(f"attachment {name} removed ({sizes(old[name])})")
        elif name not in old:
            lines.append(f"attachment {name} added ({sizes(new[name])})")
        elif old[name] != new[name]:
            lines.append(f"attachment {name} changed ({sizes(old[name])} → {sizes(new[name])})")
    return tuple(lines)


def ordered_ops(ops: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """nbdime's sequence ops by base key; inserts at a key come before the base item there."""
    return sorted(ops, key=lambda e: (e["key"], 0 if e["op"] == "addrange" else 1))


def cell_outputs(cell: Mapping[str, Any]) -> list[Any]:
    outputs = cell.get("outputs")
    return list(outputs) if isinstance(outputs, list) else []


def output_changes(
    base: Mapping[str, Any], head: Mapping[str, Any], ops: Sequence[Mapping[str, Any]]
) -> list[OutputChange]:
    """Outputs added, removed or modified, from nbdime's diff of one cell's `outputs` list.

    An output nbdime replaces (removed and added at the same place, same output type) is shown as
    one modified output: nbdime never aligns two versions of an image, a reviewer wants the sizes.
    """
    old, new = cell_outputs(base), cell_outputs(head)
    ordered = ordered_ops(ops)
    result: list[OutputChange] = []
    offset = 0
    i = 0
    while i < len(ordered):
        entry = ordered[i]
        key, op = entry["key"], entry["op"]
        if op == "patch":
            result.append(modified_output(old[key], new[key + offset]))
        else:
            added = list(entry["valuelist"]) if op == "addrange" else []
            removed: list[Any] = []
            if op == "removerange":
                removed = old[key : key + entry["length"]]
            else:
                after = ordered[i + 1] if i + 1 < len(ordered) else None
                if after is not None and after["op"] == "removerange" and after["key"] == key:
                    removed = old[key : key + after["length"]]
                    i += 1
            for j in range(max(len(added), len(removed))):
                gone = removed[j] if j < len(removed) else None
                came = added[j] if j < len(added) else None
                if (
                    gone is not None
                    and came is not None
                    and (gone.get("output_type") == came.get("output_type"))
                ):
                    result.append(modified_output(gone, came))
                    continue
                if gone is not None:
                    result.append(one_sided_output("removed", gone))
                if came is not None:
                    result.append(one_sided_output("added", came))
            offset += len(added) - len(removed)
        i += 1
    return result
