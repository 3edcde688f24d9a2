"""The message of a promotion tag: what was promoted, from where, with which numbers.

Short on purpose: `git show`, `gto history` and GitHub's release page show it whole. The reviewer's
note comes first; then the source, the baseline, the metrics and the params that differ from it.
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any

from cd4ml_tui.core.errors import Cd4mlError
from cd4ml_tui.core.model import Revision, RevisionValues
from cd4ml_tui.core.revisions import resolve_revision
from cd4ml_tui.core.values.read import read_values

if TYPE_CHECKING:
    from cd4ml_tui.core.git.repo import Repo

MAX_LINES_PER_BLOCK = 12


def format_value(value: Any) -> str:
    """A value as DVC would print it: floats round-trip exactly, lists/dicts as JSON."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return repr(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, sort_keys=False, default=str)
    return "null" if value is None else str(value)


def describe_source(revision: Revision) -> str:
    """'experiment exp-1a2b', 'branch main', 'tag v1' or 'commit 1a2b3c4'."""
    if revision.kind == "experiment":
        return f"experiment {revision.name or revision.short}"
    for ref in revision.refs:
        if ref.startswith("refs/heads/"):
            return f"branch {ref.removeprefix('refs/heads/')}"
        if ref.startswith("refs/tags/"):
            return f"tag {ref.removeprefix('refs/tags/')}"
    return f"commit {revision.short}"


def _block(title: str, lines: list[str]) -> list[str]:
    if not lines:
        return []
    shown = lines[:MAX_LINES_PER_BLOCK]
    if len(lines) > len(shown):
        shown.append(f"  ... and {len(lines) - len(shown)} more")
    return [title, *shown]


def _metric_lines(values: RevisionValues) -> list[str]:
    lines = []
    for path, flat in values.metrics.items():
        lines += [f"  {path}: {key} = {format_value(v)}" for key, v in flat.items()]
    return lines


def changed_params(
    values: RevisionValues, baseline: RevisionValues
) -> list[tuple[str, str, Any, Any]]:
    """(file, key, value, baseline value) for every param that differs from the baseline."""
    changed = []
    files = list(values.params) + [p for p in baseline.params if p not in values.params]
    for path in files:
        mine, theirs = values.params.get(path, {}), baseline.params.get(path, {})
        keys = list(mine) + [k for k in theirs if k not in mine]
        for key in keys:
            new, old = mine.get(key), theirs.get(key)
            if key not in mine or key not in theirs or format_value(new) != format_value(old):
                changed.append((path, key, new, old))
    return changed


def _param_line(path: str, key: str, values: RevisionValues, baseline: RevisionValues) -> str:
    mine, theirs = values.params.get(path, {}), baseline.params.get(path, {})
    if key not in mine:
        return f"  {path}: {key} removed (baseline {format_value(theirs[key])})"
    if key not in theirs:
        return f"  {path}: {key} = {format_value(mine[key])} (new)"
    return f"  {path}: {key} = {format_value(mine[key])} (baseline {format_value(theirs[key])})"


def tag_message(
    revision: Revision,
    headline: str,
    note: str = "",
    values: RevisionValues | None = None,
    baseline_values: RevisionValues | None = None,
    override: str = "",
) -> str:
    """The annotated tag message; `headline` says what the tag does ('Register clf v1.0.0').
    `override` (the reason and what it overrode) follows the reviewer's note."""
    lines: list[str] = []
    if note.strip():
        lines += [note.strip(), ""]
    if override.strip():
        lines += [override.strip(), ""]
    lines.append(headline)
    lines.append(f"Source: {describe_source(revision)} ({revision.rev})")
    base_sha = revision.baseline or (baseline_values.revision.rev if baseline_values else None)
    if base_sha and base_sha != revision.rev:
        label = ""
        if baseline_values is not None and baseline_values.revision.rev == base_sha:
            name = baseline_values.revision.name
            label = f"{name} " if name and name != base_sha[:7] else ""
        lines.append(f"Baseline: {label}({base_sha[:7]})")
    if values is not None:
        lines += _block("Metrics:", _metric_lines(values))
        if baseline_values is not None and baseline_values.revision.rev != revision.rev:
            params = [
                _param_line(path, key, values, baseline_values)
                for path, key, _, _ in changed_params(values, baseline_values)
            ]
            lines += _block("Params changed from baseline:", params)
        errors = [f"  {path}: {reason}" for path, reason in values.errors.items()]
        lines += _block("Not read:", errors)
    return "\n".join(lines) + "\n"


def read_baseline_values(
    repo: Repo, revision: Revision, baseline: str | None = None, use_cache: bool = False
) -> RevisionValues | None:
    """Values of what `revision` is compared with in the tag message: an experiment's baseline,
    else the commit `baseline` names (the repo's configured baseline); None when there is none."""

    base_name = revision.baseline or baseline
    if not base_name:
        return None
    try:
        base = resolve_revision(repo, base_name)
    except Cd4mlError:
        return None
    if base.rev == revision.rev or base.is_workspace:
        return None
    return next(iter(read_values(repo, [base], use_cache=use_cache)))


def message_values(
    repo: Repo, revision: Revision, baseline: str | None = None
) -> tuple[RevisionValues, RevisionValues | None]:
    """Values of `revision` and of its baseline for the tag message. Read without the result
    cache, so that planning from the CLI writes nothing at all."""

    values = next(iter(read_values(repo, [revision], use_cache=False)))
    return values, read_baseline_values(repo, revision, baseline)
