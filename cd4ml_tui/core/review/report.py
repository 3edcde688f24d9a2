"""The gate and the verdicts as the CLI prints them: the JSON contracts and CI Markdown.

`gate --json` is `{"revision", "against", "passed", "checks": [...]}` with each check's
`metric` (`path:key`), `rule`, `baseline`, `value`, `delta`, `passed` and `reason`; values are the
ones DVC reports (NaN as `NaN`, as `dvc exp show --json` writes it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cd4ml_tui.core.compare.deltas import MetricDirection
from cd4ml_tui.core.review.gate import GateCheck, GateResult
from cd4ml_tui.core.review.verdicts import Verdict
from cd4ml_tui.core.table.columns import format_value

PASS_MARK = "✅"
FAIL_MARK = "❌"


def gate_json(result: GateResult) -> dict[str, Any]:
    return {
        "revision": result.revision.rev,
        "against": result.against.rev,
        "passed": result.passed,
        "checks": [check_json(check) for check in result.checks],
    }


def check_json(check: GateCheck) -> dict[str, Any]:
    return {
        "metric": check.metric,
        "rule": check.rule.label,
        "baseline": check.baseline,
        "value": check.value,
        "delta": check.delta,
        "passed": check.passed,
        "reason": check.reason,
    }


def verdicts_json(verdicts: Sequence[Verdict]) -> list[dict[str, Any]]:
    """`review REV --json`: every verdict as recorded, oldest first."""
    return [dict(verdict.record) for verdict in verdicts]


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _delta(check: GateCheck, precision: int) -> str:
    if check.delta is None:
        return ""
    if check.delta == 0:
        return "0"
    if isinstance(check.delta, float):
        return f"{check.delta:+.{precision}g}"
    return f"{check.delta:+d}"


def gate_markdown(result: GateResult, precision: int = 4) -> str:
    """A heading with the outcome and a table of every check, for a pull-request comment."""
    mark = PASS_MARK if result.passed else FAIL_MARK
    outcome = (
        "passed" if result.passed else f"failed ({len(result.failed)} of {len(result.checks)})"
    )
    rev, base = result.revision, result.against
    lines = [
        f"### {mark} Gate {outcome}",
        "",
        f"`{_md(rev.label)}` ({rev.short}) against `{_md(result.against_name)}` ({base.short})",
        "",
        "| Metric | Rule | Baseline | Value | Delta | Result |",
        "|---|---|---:|---:|---:|---|",
    ]
    for check in result.checks:
        arrow = MetricDirection(check.direction, inferred=False).arrow
        name = f"`{_md(check.metric)}`" + (f" {arrow}" if check.direction != "none" else "")
        cells = [
            name,
            _md(check.rule.label),
            format_value(check.baseline, precision),
            format_value(check.value, precision),
            _delta(check, precision),
            f"{PASS_MARK if check.passed else FAIL_MARK} {_md(check.reason)}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
