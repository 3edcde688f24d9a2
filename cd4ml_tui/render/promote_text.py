"""Rich text for a promotion plan: what confirming writes (the promote dialog's preview)."""

from __future__ import annotations

from rich.text import Text

from cd4ml_tui.core.api import PromotionPlan, format_command


def preview_text(plan: PromotionPlan) -> Text:
    """What confirming writes: tags, branch, push, any warning, and the git commands."""
    short = plan.commit[:7]
    text = Text()
    for tag in plan.tags:
        text.append("tag ", "bold").append(f"{tag.name} → {short}\n")
    if plan.branch:
        text.append("branch ", "bold").append(f"{plan.branch} → {short}\n")
    if plan.remote:
        text.append("push ", "bold").append(f"to {plan.remote}\n")
    for warning in plan.warnings:
        text.append(f"⚠ {warning}\n", "bold yellow")
    text.append("git commands:\n", "dim")
    for argv in plan.commands:
        text.append(f"  {format_command(argv)}\n", "dim")
    text.rstrip()
    return text
