"""The stored form of a cache row: a header naming the format, the reader version, the commit and
the sha256 of the payload, then the payload as compact JSON. What each table's payload holds,
and how it is checked on the way back, is here; `cache.py` keeps the SQLite side."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from cd4ml_tui.core.git.objects import CommitInfo
from cd4ml_tui.core.model import Revision
from cd4ml_tui.core.values.parse import READER_VERSION
from cd4ml_tui.core.values.reader import ReadResult

MAGIC = "cd4ml-tui-values"
# a kept listing's row: `Revision`'s fields in order (a test holds them equal)
LISTED_FIELDS: tuple[str, ...] = ("rev", "kind", "name", "refs", "baseline", "timestamp")
LISTED_FIELDS += ("status", "message", "author", "parents")


def encode_entry(sha: str, result: ReadResult) -> bytes:
    payload = {"params": result.params, "metrics": result.metrics, "errors": result.errors}
    return seal(sha, payload)


def seal(sha: str, payload: Any) -> bytes:
    """The stored form: a header naming format, reader version, commit and the payload's
    sha256, then the payload as compact JSON."""
    data = json.dumps(payload, separators=(",", ":")).encode()
    digest = hashlib.sha256(data).hexdigest()
    return f"{MAGIC} {READER_VERSION} {sha} {digest}\n".encode() + data


def decode_entry(raw: bytes, sha: str) -> ReadResult | None:
    """The result stored in `raw`, or None unless header, checksum and shape all check out."""
    payload = checked_payload(raw, sha)
    return None if payload is None else result_from(sha, load_all([payload])[0])


def checked_payload(raw: bytes, sha: str) -> bytes | None:
    """The payload of `raw` if its header names this format, reader version and commit and its
    sha256 matches; else None."""
    header, newline, payload = raw.partition(b"\n")
    if not newline:
        return None
    parts = header.decode("ascii", errors="replace").split(" ")
    if parts[:3] != [MAGIC, str(READER_VERSION), sha] or len(parts) != 4:
        return None
    if hashlib.sha256(payload).hexdigest() != parts[3]:
        return None
    return payload


UNREADABLE = object()  # a payload that is not JSON


def load_all(payloads: list[bytes]) -> list[Any]:
    """Checked payloads parsed as one JSON array (one parse per batch, not per row); a payload
    that is not one JSON value gives UNREADABLE."""
    if not payloads:
        return []
    try:
        items = json.loads(b"[" + b",".join(payloads) + b"]")
    except ValueError:  # one bad payload: fall back to one parse each to find it
        if len(payloads) == 1:
            return [UNREADABLE]
        return [load_all([p])[0] for p in payloads]
    if len(items) != len(payloads):  # a payload held more than one value
        return [load_all([p])[0] if len(payloads) > 1 else UNREADABLE for p in payloads]
    return items


def result_from(sha: str, data: Any) -> ReadResult | None:
    """The result in a decoded payload. Its checksum matched a header that names this format and
    reader version, so it is what `encode_entry` wrote: only the outline is checked, not each
    file (that cost a fifth of a warm start at 10,000 revisions)."""
    if type(data) is not dict:
        return None
    params, metrics, errors = data.get("params"), data.get("metrics"), data.get("errors")
    if type(params) is not dict or type(metrics) is not dict or type(errors) is not dict:
        return None
    return ReadResult(params=params, metrics=metrics, errors=errors, cacheable=True)


def commit_payload(info: CommitInfo) -> list[Any]:
    return [
        info.tree,
        info.parents,
        info.author,
        info.author_time,
        info.committer_time,
        info.message,
    ]


def commit_from(sha: str, data: Any) -> CommitInfo | None:
    if type(data) is not list or len(data) != 6:
        return None
    tree, parents, author, author_time, committer_time, message = data
    return CommitInfo(sha, tree, tuple(parents), author, author_time, committer_time, message)


def listing_payload(revisions: list[Revision]) -> list[list[Any]]:
    """A listing as one row of fields per revision, in `Revision`'s field order."""
    return [[getattr(r, name) for name in LISTED_FIELDS] for r in revisions]


def listing_from(key: str, data: Any) -> list[Revision] | None:
    """The listing in a decoded payload (its checksum matched, so only the outline is checked:
    one row of ten fields per revision)."""
    try:
        return [
            Revision(rev, kind, name, tuple(refs), base, at, status, msg, author, tuple(parents))
            for rev, kind, name, refs, base, at, status, msg, author, parents in data
        ]
    except (TypeError, ValueError):  # not a list of rows of ten
        return None
