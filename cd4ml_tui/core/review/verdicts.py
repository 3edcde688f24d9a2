"""Verdicts as plain data: one JSON object per line of a git note, and the summary of a thread.

A note may hold lines written by others (or by hand): a line that is not a JSON object with a known
`verdict` is skipped, never fatal. After `git notes merge -s cat_sort_uniq` the lines are sorted
as text, so the thread is put back in time order by each verdict's `date`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

VerdictKind = Literal["approve", "request-changes", "comment"]
VERDICTS: tuple[VerdictKind, ...] = ("approve", "request-changes", "comment")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Verdict:
    """One recorded review of a commit. `record` is the whole JSON object as stored (with any
    extra keys, such as the metrics at review time)."""

    verdict: VerdictKind
    author: str  # "Name <email>"
    date: str  # ISO 8601
    message: str
    record: Mapping[str, Any] = field(default_factory=dict)

    @property
    def decisive(self) -> bool:
        """Approve and request-changes decide; a comment leaves the decision as it was."""
        return self.verdict != "comment"

    @property
    def when(self) -> datetime:
        return parse_date(self.date)


@dataclass(frozen=True)
class ReviewSummary:
    """What a table cell and `show --json` say of a thread: its verdict and how many entries.

    The verdict is the latest decision (approve or request-changes), as on a pull request, where
    a later comment does not withdraw an approval; a thread of comments only is "comment".
    `author` and `date` are those of that verdict."""

    verdict: VerdictKind
    author: str
    date: str
    count: int

    def document(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "author": self.author,
            "date": self.date,
            "count": self.count,
        }


def parse_date(text: str) -> datetime:
    """An ISO 8601 date as an aware datetime (naive means UTC); the epoch when unreadable."""
    try:
        when = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return _EPOCH
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def now_iso() -> str:
    """The current time in ISO 8601, UTC, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def parse_line(line: str) -> Verdict | None:
    """The verdict on one note line, or None when the line is not one."""
    try:
        record = json.loads(line)
    except ValueError:
        return None
    if not isinstance(record, dict) or record.get("verdict") not in VERDICTS:
        return None
    return Verdict(
        verdict=record["verdict"],
        author=str(record.get("author", "")),
        date=str(record.get("date", "")),
        message=str(record.get("message", "")),
        record=record,
    )


def parse_note(text: str) -> tuple[Verdict, ...]:
    """Every verdict in a note, oldest first (file order breaks ties)."""
    found = [v for v in (parse_line(line) for line in text.splitlines() if line.strip()) if v]
    return tuple(sorted(found, key=lambda v: v.when))


def verdict_line(
    verdict: VerdictKind, author: str, date: str, message: str, extra: Mapping[str, Any]
) -> str:
    """The JSON object of one verdict on a single line (a message's line breaks are escaped)."""
    record = {"verdict": verdict, "author": author, "date": date, "message": message, **extra}
    return json.dumps(record, ensure_ascii=False, default=str)


def summarize_thread(verdicts: Sequence[Verdict]) -> ReviewSummary | None:
    """The summary of a thread (oldest first), or None when there is no verdict."""
    if not verdicts:
        return None
    decisions = [v for v in verdicts if v.decisive]
    chosen = decisions[-1] if decisions else verdicts[-1]
    return ReviewSummary(chosen.verdict, chosen.author, chosen.date, len(verdicts))
