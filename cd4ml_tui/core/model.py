"""Plain, frozen data shared by every layer: what a revision is and what was read for it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

WORKSPACE = "workspace"

ValueKind = Literal["metric", "param"]
RevisionKind = Literal["workspace", "commit", "experiment"]
RunStatus = Literal["success", "queued", "running", "failed"]

# Runs not finished: their commit is a DVC stash holding only the params they run with. DVC shows
# no metrics for them, and they are read fresh (a queued run may become failed).
PENDING: tuple[RunStatus, ...] = ("queued", "running")
# Runs that produced no trained result to review or promote: pending ones and failed ones.
UNFINISHED: tuple[RunStatus, ...] = (*PENDING, "failed")

# A flattened file's values: dotted key -> scalar or list (lists stay lists, as DVC shows them).
FlatValues = dict[str, Any]


@dataclass(frozen=True)
class Revision:
    """One reviewable point: the workspace, a commit (branch head, tag, ...) or an experiment."""

    rev: str  # "workspace" or a 40-hex commit sha
    kind: RevisionKind
    name: str | None = None  # branch, tag or experiment name; None for an anonymous commit
    refs: tuple[str, ...] = ()  # full ref names pointing here, e.g. "refs/heads/main"
    baseline: str | None = None  # an experiment's baseline commit sha, else None
    timestamp: str | None = None  # ISO 8601 commit time, None for the workspace
    status: RunStatus | None = None
    message: str = ""  # full commit message
    author: str = ""  # "Name <email>"
    parents: tuple[str, ...] = ()

    @property
    def is_workspace(self) -> bool:
        return self.rev == WORKSPACE

    @property
    def settled(self) -> bool:
        """A commit whose params and metrics can never change: not the workspace, not a run
        that is still queued or running."""
        return not self.is_workspace and self.status not in PENDING

    @property
    def short(self) -> str:
        """The short form shown in tables: 7 hex digits, or 'workspace'."""
        return self.rev if self.is_workspace else self.rev[:7]

    @property
    def label(self) -> str:
        """A human name: the ref/experiment name if any, else the short sha."""
        return self.name or self.short


@dataclass(frozen=True, order=True)
class ColumnKey:
    """One table column: a flattened key of one params or metrics file."""

    kind: ValueKind
    path: str  # repo-relative file path, e.g. "eval/metrics.json"
    key: str  # dotted key inside the file, e.g. "val.f1"

    @property
    def id(self) -> str:
        """The column's one string id, `kind:path:key` (e.g. `metric:eval/metrics.json:val.f1`):
        the key of table columns and rows, column choosers and saved choices. `from_id` reads it."""
        return f"{self.kind}:{self.path}:{self.key}"

    @classmethod
    def from_id(cls, column_id: str) -> ColumnKey:
        """The column whose `id` is `column_id`; ValueError for a string that is not one. The path
        ends at the first `:` after the kind, as in DVC's `path:key` (keys may hold `:`)."""
        kind, _, rest = column_id.partition(":")
        path, sep, key = rest.partition(":")
        if kind not in ("metric", "param") or not sep or not path or not key:
            raise ValueError(f"not a column id: {column_id!r}")
        return cls(kind, path, key)  # type: ignore[arg-type]

    @property
    def qualified_name(self) -> str:
        """`path:key`, as DVC names a param or metric with its file (`dvc exp show` headers, the
        `/` filter and the configuration accept it)."""
        return f"{self.path}:{self.key}"


MISSING: Any = None  # what `RevisionValues.get` returns for an absent value (never 0)


@dataclass(frozen=True)
class RevisionValues:
    """Params and metrics read for one revision, exactly as DVC would report them.

    `params` and `metrics` map a repo-relative file path to its flattened values. `errors` maps a
    file path to a one-line reason it has no values (parse error, not in the local DVC cache, ...).
    """

    revision: Revision
    params: dict[str, FlatValues] = field(default_factory=dict)
    metrics: dict[str, FlatValues] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def for_good(self) -> bool:
        """Whether these values hold for their commit for good: not the workspace, not a
        pending run, nothing that failed to read (and might read fine later)."""
        return self.revision.settled and not self.errors

    def get(self, column: ColumnKey) -> Any:
        """The value of `column` in this revision, or MISSING (None) when absent."""
        files = self.metrics if column.kind == "metric" else self.params
        return files.get(column.path, {}).get(column.key, MISSING)

    def columns(self) -> list[ColumnKey]:
        """Every column this revision has a value for: metrics first, then params."""
        cols = [ColumnKey("metric", p, k) for p, vals in self.metrics.items() for k in vals]
        cols += [ColumnKey("param", p, k) for p, vals in self.params.items() for k in vals]
        return cols


NO_VALUES: dict[str, Any] = {}  # the values of a file a revision does not have


def column_of(rows: Sequence[RevisionValues], column: ColumnKey) -> list[Any]:
    """`[row.get(column) for row in rows]`, a column at a time: sorting or measuring a column
    of 10,000 rows without a method call per row."""
    path, key = column.path, column.key
    files = [v.metrics for v in rows] if column.kind == "metric" else [v.params for v in rows]
    return [f.get(path, NO_VALUES).get(key, MISSING) for f in files]
