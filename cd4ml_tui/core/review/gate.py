"""The gate: each rule of the settings' `[gate.rules]` held against a baseline revision.

Directions come from `core.compare.metric_direction` (the `[metrics]` settings, else the name),
deltas from `value_diff` (`new - old` exactly as `dvc exp diff`), relative changes from
`relative_change`, and metric names resolve as the table filter resolves them (`resolve_column`:
a key, a unique key suffix, or `path:key`). A rule that cannot mean anything (an unknown or
ambiguous name, `worse_by` on a neutral metric, no rules at all) is a `ConfigError`; a value that is
missing or not a number fails its rule, with the reason.

A limit is met when the change is within it, counting a difference of float rounding as within
(0.91 -> 0.90 is "worse by 0.01", though 0.90 - 0.91 is -0.010000000000000009 in binary floats).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cd4ml_tui.core.compare.deltas import metric_direction, relative_change, value_diff
from cd4ml_tui.core.config import Direction, GateRule, Settings
from cd4ml_tui.core.errors import ConfigError
from cd4ml_tui.core.model import MISSING, ColumnKey, Revision, RevisionValues
from cd4ml_tui.core.table.columns import columns
from cd4ml_tui.core.table.query import QueryError, resolve_column

REL_TOL = 1e-9
ABS_TOL = 1e-12


@dataclass(frozen=True)
class GateCheck:
    """One rule's result. `metric` is `path:key`, or the name as configured when no column has
    it (then the check failed because no value was read)."""

    rule: GateRule
    metric: str
    column: ColumnKey | None
    direction: Direction
    baseline: Any  # MISSING (None) when the baseline has no value
    value: Any
    delta: float | int | None  # value - baseline, as DVC computes it; None unless both numbers
    passed: bool
    reason: str


@dataclass(frozen=True)
class GateResult:
    revision: Revision
    against: Revision
    against_name: str  # how the baseline was named: `clf#prod`, `main`, a sha...
    checks: tuple[GateCheck, ...]

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)

    @property
    def failed(self) -> tuple[GateCheck, ...]:
        return tuple(check for check in self.checks if not check.passed)

    def check_for(self, column: ColumnKey) -> list[GateCheck]:
        return [check for check in self.checks if check.column == column]


def _where(settings: Settings) -> str:
    return f"{settings.source}: " if settings.source else ""


def require_rules(settings: Settings) -> tuple[GateRule, ...]:
    """The configured rules, or a ConfigError saying where to write them."""
    if not settings.gate.rules:
        raise ConfigError(
            f"{_where(settings)}no gate rules: add [tool.cd4ml-tui.gate.rules] to pyproject.toml "
            "(or [gate.rules] to .cd4ml-tui.toml), e.g. accuracy = { worse_by = 0.01 }"
        )
    return settings.gate.rules


def _is_real(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and not math.isnan(value)


def _within(amount: float, limit: float) -> bool:
    return amount <= limit or math.isclose(amount, limit, rel_tol=REL_TOL, abs_tol=ABS_TOL)


def _num(value: float) -> str:
    return f"{value:.6g}"


def _absent(values: RevisionValues, column: ColumnKey | None, name: str) -> str:
    """Why `values` has no value for the column: the file's read error, else plain absence."""
    label = values.revision.label
    if column is not None and column.path in values.errors:
        return f"{column.path} not read in {label}: {values.errors[column.path]}"
    if column is None and values.errors:
        path, error = next(iter(values.errors.items()))
        return f"{name}: no value in {label} ({path} not read: {error})"
    return f"no value of {name} in {label}"


def _bad_value(values: RevisionValues, column: ColumnKey, value: Any, name: str) -> str | None:
    if value is MISSING:
        return _absent(values, column, name)
    if not _is_real(value):
        return f"{name} in {values.revision.label} is not a number: {value!r}"
    return None


def _check(
    rule: GateRule,
    column: ColumnKey,
    direction: Direction,
    values: RevisionValues,
    base: RevisionValues,
) -> GateCheck:
    name = column.qualified_name
    value, old = values.get(column), base.get(column)
    delta = value_diff(old, value) if _is_real(old) and _is_real(value) else None

    def result(passed: bool, reason: str) -> GateCheck:
        return GateCheck(rule, name, column, direction, old, value, delta, passed, reason)

    problem = _bad_value(values, column, value, name)
    if problem is None and rule.kind.startswith("worse_by"):
        problem = _bad_value(base, column, old, name)
    if problem is not None:
        return result(False, problem)
    if rule.kind == "min":
        ok = value >= rule.limit
        return result(ok, f"{_num(value)} {'>=' if ok else '<'} min {rule.limit!r}")
    if rule.kind == "max":
        ok = value <= rule.limit
        return result(ok, f"{_num(value)} {'<=' if ok else '>'} max {rule.limit!r}")
    sign = -1 if direction == "max" else 1  # worse = lower when higher is better
    if rule.kind == "worse_by":
        assert delta is not None
        worse, unit = sign * delta, ""
    else:
        pct = relative_change(old, value)
        if pct is None:
            return result(False, f"the baseline's {name} is 0: no relative change")
        worse, unit = sign * pct, "%"
    if worse <= 0 or math.isclose(worse, 0, abs_tol=ABS_TOL):
        text = "unchanged" if worse == 0 else f"better by {_num(-worse)}{unit}"
        return result(True, text)
    if _within(worse, rule.limit):
        return result(True, f"worse by {_num(worse)}{unit}, within {rule.limit!r}{unit}")
    return result(False, f"worse by {_num(worse)}{unit}, more than {rule.limit!r}{unit} allowed")


def resolve_rule(
    rule: GateRule, metric_columns: Sequence[ColumnKey], settings: Settings
) -> ColumnKey | None:
    """The metric column `rule` names (None when no column has the name), or a ConfigError for
    an ambiguous name or a direction-aware rule on a neutral metric."""
    where = _where(settings)
    try:
        found = resolve_column(rule.metric, metric_columns)
    except QueryError as err:
        if "unknown column" in str(err):
            return None
        raise ConfigError(f"{where}gate rule {rule.metric!r}: {err}") from None
    if isinstance(found, str):  # a revision field (name, sha, ...), not a metric
        return None
    if rule.kind.startswith("worse_by"):
        direction = metric_direction(found, settings).direction
        if direction == "none":
            raise ConfigError(
                f"{where}gate rule {rule.metric!r}: {found.qualified_name} has no direction, "
                f'so {rule.kind} means nothing; set it under [metrics] to "min" or "max"'
            )
    return found


def evaluate_gate(
    values: RevisionValues,
    base: RevisionValues,
    settings: Settings,
    against_name: str | None = None,
) -> GateResult:
    """Hold `values` against `base` by every rule of the settings (in their order)."""
    rules = require_rules(settings)
    metric_columns = [c for c in columns([base, values]) if c.kind == "metric"]
    checks = []
    for rule in rules:
        column = resolve_rule(rule, metric_columns, settings)
        if column is None:
            if not values.errors and not base.errors:
                known = ", ".join(c.qualified_name for c in metric_columns) or "none"
                raise ConfigError(
                    f"{_where(settings)}gate rule {rule.metric!r}: no such metric in "
                    f"{values.revision.label} or {base.revision.label} (metrics: {known})"
                )
            reading = values if values.errors else base
            reason = _absent(reading, None, rule.metric)
            checks.append(
                GateCheck(rule, rule.metric, None, "none", MISSING, MISSING, None, False, reason)
            )
            continue
        direction = metric_direction(column, settings).direction
        checks.append(_check(rule, column, direction, values, base))
    name = against_name or base.revision.label
    return GateResult(values.revision, base.revision, name, tuple(checks))
