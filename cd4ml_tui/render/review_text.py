"""Rich text for verdicts and the gate: the CLI and the TUI draw them alike.

A verdict is a glyph in a colour: ✓ approved (green), ✗ changes requested (red), ✎ comments only
(blue). A gate check is ✓ pass (green) or ✗ fail (red) with its reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Group
from rich.table import Table
from rich.text import Text

from cd4ml_tui.core import api  # `api.name`: imported on first use, off the start-up path

if TYPE_CHECKING:
    from cd4ml_tui.core.api import GateCheck, GateResult, PromotionChecks, ReviewSummary, Verdict

VERDICT_GLYPHS = {"approve": "✓", "request-changes": "✗", "comment": "✎"}
VERDICT_STYLES = {"approve": "bold green", "request-changes": "bold red", "comment": "blue"}
VERDICT_WORDS = {
    "approve": "approved",
    "request-changes": "changes requested",
    "comment": "comment",
}
PASS_STYLE = "bold green"
FAIL_STYLE = "bold red"


def verdict_glyph(summary: ReviewSummary | None) -> Text:
    """The review column's cell: one glyph, or nothing for an unreviewed revision."""
    if summary is None:
        return Text("")
    return Text(VERDICT_GLYPHS[summary.verdict], style=VERDICT_STYLES[summary.verdict])


def summary_text(summary: ReviewSummary | None) -> Text:
    """`✓ approved · 3 entries`, or `not reviewed`."""
    if summary is None:
        return Text("not reviewed", style="dim")
    text = verdict_glyph(summary)
    text.append(f" {VERDICT_WORDS[summary.verdict]}", style=VERDICT_STYLES[summary.verdict])
    entries = "entry" if summary.count == 1 else "entries"
    text.append(f" · {summary.count} {entries}", style="dim")
    return text


def _date(text: str) -> str:
    return text[:16].replace("T", " ")


def verdict_text(verdict: Verdict) -> Text:
    """One entry of a thread: glyph, verdict, author and date, then the message indented."""
    style = VERDICT_STYLES[verdict.verdict]
    text = Text()
    text.append(f"{VERDICT_GLYPHS[verdict.verdict]} {verdict.verdict}", style=style)
    text.append(f"  {verdict.author}  {_date(verdict.date)}", style="dim")
    for line in verdict.message.splitlines():
        text.append(f"\n  {line}")
    return text


def thread(verdicts: Sequence[Verdict]) -> Group:
    """The whole thread, oldest first."""
    if not verdicts:
        return Group(Text("no verdicts yet", style="dim"))
    return Group(*(verdict_text(v) for v in verdicts))


def gate_cell(result: GateResult | str | None) -> Text:
    """The gate column's cell: `pass`, `fail`, `err` (the gate could not run), or nothing."""
    if result is None:
        return Text("")
    if isinstance(result, str):
        return Text("err", style="yellow")
    return Text("pass", style=PASS_STYLE) if result.passed else Text("fail", style=FAIL_STYLE)


def gate_marks(checks: Sequence[GateCheck]) -> Text:
    """After a compared value: ` ✓` when its gate rules pass, ` ✗` when one fails."""
    if not checks:
        return Text("")
    if all(check.passed for check in checks):
        return Text(" ✓", style=PASS_STYLE)
    return Text(" ✗", style=FAIL_STYLE)


def rule_labels(checks: Sequence[GateCheck]) -> Text:
    """After a metric's name: its gate rules, e.g. ` [worse_by 0.01]`."""
    if not checks:
        return Text("")
    return Text(f" [{', '.join(check.rule.label for check in checks)}]", style="dim")


def check_mark(check: GateCheck) -> Text:
    return Text("✓", style=PASS_STYLE) if check.passed else Text("✗", style=FAIL_STYLE)


def gate_outcome(result: GateResult) -> Text:
    """`✓ gate passed against clf#prod (1a2b3c4)` or `✗ gate failed (2 of 3) against ...`."""
    if result.passed:
        text = Text("✓ gate passed", style=PASS_STYLE)
    else:
        text = Text(f"✗ gate failed ({len(result.failed)} of {len(result.checks)})", FAIL_STYLE)
    text.append(f" against {result.against_name} ({result.against.short})", style="dim")
    return text


def gate_table(result: GateResult, precision: int) -> Table:
    """Every check as a row: metric, rule, baseline, value, delta, result and reason."""
    table = Table(title=gate_outcome(result), title_justify="left", header_style="bold")
    for name, justify in (
        ("metric", "left"),
        ("rule", "left"),
        ("baseline", "right"),
        ("value", "right"),
        ("delta", "right"),
        ("", "left"),
        ("reason", "left"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for check in result.checks:
        delta = "" if check.delta is None else api.format_number(check.delta, precision)
        if delta and check.delta and not delta.startswith("-"):
            delta = "+" + delta
        table.add_row(
            check.metric,
            check.rule.label,
            api.format_number(check.baseline, precision),
            api.format_number(check.value, precision),
            delta,
            check_mark(check),
            Text(check.reason, style="" if check.passed else "red"),
        )
    return table


def checks_text(checks: PromotionChecks) -> Text:
    """What the promote dialog says before confirming: the verdict, the gate, any refusal."""
    text = Text("Review  ", style="bold")
    text.append_text(summary_text(checks.review))
    text.append("\nGate    ", style="bold")
    if checks.gate is not None:
        text.append_text(gate_outcome(checks.gate))
        for check in checks.gate.failed:
            text.append(f"\n        ✗ {check.metric} {check.rule.label}: {check.reason}", "red")
    elif checks.gate_error is not None:
        text.append(f"could not run: {checks.gate_error}", style="yellow")
    else:
        text.append("no gate rules configured", style="dim")
    if checks.refusals:
        needs = [
            what
            for what, on in (
                ("approval", checks.require_approval),
                ("a passing gate", checks.require_gate),
            )
            if on
        ]
        text.append(
            f"\nRefused: the settings require {' and '.join(needs)}; "
            "give a reason in Override to promote anyway",
            "bold red",
        )
    return text
