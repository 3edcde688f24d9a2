"""What a promotion must respect: the gate (held against a GTO stage, or any revision) and the
review, as the settings' `require_gate` / `require_approval` ask.

The gate lives in `core.review`; naming its baseline by a GTO stage (`clf#prod`: the commit in
that stage now) needs the registry, which lives here, so the gate is run from here. A refusal
can be overridden with a reason, and the override and its reason go into the tag message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cd4ml_tui.core.compare.baseline import default_baseline
from cd4ml_tui.core.config import Settings
from cd4ml_tui.core.errors import Cd4mlError, PromotionError, UnknownRevisionError
from cd4ml_tui.core.git.repo import Repo
from cd4ml_tui.core.model import UNFINISHED, Revision, RevisionValues
from cd4ml_tui.core.promote.registry import Registry, read_registry, stage_commit, stages_in_use
from cd4ml_tui.core.review.gate import GateResult, evaluate_gate, require_rules
from cd4ml_tui.core.review.notes import review_summaries
from cd4ml_tui.core.review.verdicts import ReviewSummary
from cd4ml_tui.core.revisions import list_revisions, resolve_revision
from cd4ml_tui.core.values.read import read_values


def gate_baseline_name(
    repo: Repo, revision: Revision, settings: Settings, against: str | None = None
) -> str:
    """What the gate holds `revision` against: `against`, else the settings' gate.against, else
    the compare baseline rule (`default_baseline`: the configured baseline, else the revision's
    own: an experiment's baseline commit, a commit's parent), else HEAD (a root commit)."""
    return (
        against
        or settings.gate.against
        or default_baseline(revision, settings.baseline)
        or repo.head
    )


def resolve_against(
    repo: Repo,
    name: str,
    revisions: list[Revision] | None = None,
    registry: Registry | None = None,
) -> Revision:
    """The revision `name` names: `artifact#stage` (a GTO stage: the commit in it now), else a
    branch, tag, sha or experiment name as everywhere else."""
    artifact, sep, stage = name.rpartition("#")
    if sep and artifact and stage:
        registry = registry if registry is not None else read_registry(repo)
        if registry.artifact(artifact) is not None:
            commit = stage_commit(registry, artifact, stage)
            if commit is None:
                held = ", ".join(stages_in_use(registry, artifact)) or "none"
                raise UnknownRevisionError(
                    f"no version of {artifact} is in stage {stage!r} (stages held: {held})"
                )
            return resolve_revision(repo, commit, revisions)
        try:
            return resolve_revision(repo, name, revisions)
        except UnknownRevisionError:
            raise UnknownRevisionError(
                f"{name!r} names no GTO artifact stage (no artifact {artifact!r}) and no revision"
            ) from None
    return resolve_revision(repo, name, revisions)


def run_gate(
    repo: Repo,
    revision: Revision,
    settings: Settings,
    against: str | None = None,
    revisions: list[Revision] | None = None,
    values: RevisionValues | None = None,
) -> GateResult:
    """Hold `revision` against its gate baseline. Reads without the result cache (a check from
    the CLI writes nothing); `values` may be passed when already read."""
    require_rules(settings)
    name = gate_baseline_name(repo, revision, settings, against)
    base = resolve_against(repo, name, revisions if revisions is not None else list_revisions(repo))
    wanted = [base] if values is not None else [revision, base]
    read = list(read_values(repo, wanted, use_cache=False))
    mine = values if values is not None else read[0]
    return evaluate_gate(mine, read[-1], settings, name)


@dataclass(frozen=True)
class PromotionChecks:
    """The review and the gate of a revision about to be promoted, and what the settings ask."""

    require_approval: bool
    require_gate: bool
    review: ReviewSummary | None
    gate: GateResult | None  # None when no rules are configured or the gate could not run
    gate_error: str | None = None

    @property
    def refusals(self) -> tuple[str, ...]:
        """Why the promotion is refused, one reason each; empty when it may go ahead."""
        found = []
        if self.require_approval:
            if self.review is None:
                found.append("not approved: no review yet")
            elif self.review.verdict != "approve":
                found.append(
                    f"not approved: the verdict is {self.review.verdict} by {self.review.author}"
                )
        if self.require_gate:
            if self.gate_error is not None:
                found.append(f"the gate could not run: {self.gate_error}")
            elif self.gate is not None and not self.gate.passed:
                rules = ", ".join(f"{c.metric} {c.rule.label}" for c in self.gate.failed)
                found.append(f"the gate failed against {self.gate.against_name}: {rules}")
        return tuple(found)


def promotion_checks(
    repo: Repo,
    revision: Revision,
    settings: Settings,
    values: RevisionValues | None = None,
    revisions: list[Revision] | None = None,
) -> PromotionChecks:
    """The verdict and the gate result of `revision` (the gate when rules exist; an error of
    the gate is kept as text, so a dialog can show it)."""
    review = review_summaries(repo, [revision.rev]).get(revision.rev)
    gate, error = None, None
    if settings.gate.rules:
        try:
            gate = run_gate(repo, revision, settings, revisions=revisions, values=values)
        except Cd4mlError as err:
            error = str(err)
    elif settings.gate.require_gate:
        error = "require_gate is set but there are no gate rules"
    return PromotionChecks(
        settings.gate.require_approval, settings.gate.require_gate, review, gate, error
    )


def override_note(checks: PromotionChecks | None, override: str | None) -> str:
    """The lines an override puts in the tag message; a PromotionError when the checks refuse
    and no reason is given. Empty when nothing was refused."""
    refusals = checks.refusals if checks is not None else ()
    if not refusals:
        return ""
    reason = (override or "").strip()
    if not reason:
        raise PromotionError(
            "refused: " + "; ".join(refusals) + ' (nothing written; --override "reason" '
            "promotes anyway and records why)"
        )
    return "\n".join([f"Override: {reason}", *(f"Overridden: {r}" for r in refusals)])


def gate_rows(
    repo: Repo,
    rows: Sequence[RevisionValues],
    settings: Settings,
    revisions: list[Revision] | None = None,
) -> dict[str, GateResult | str]:
    """The gate of every row (by rev) against its gate baseline, for the table's gate column:
    a `GateResult`, or the one-line error that kept it from running. Values already read are
    reused; a baseline not among `rows` (a GTO stage's commit, HEAD's parent) is read once."""
    require_rules(settings)
    listed = revisions if revisions is not None else [row.revision for row in rows]
    known = {row.revision.rev: row for row in rows if not row.revision.is_workspace}
    bases: dict[str, Revision | str] = {}
    results: dict[str, GateResult | str] = {}
    for row in rows:
        revision = row.revision
        if revision.status in UNFINISHED:
            continue
        name = gate_baseline_name(repo, revision, settings)
        if name not in bases:
            try:
                bases[name] = resolve_against(repo, name, listed)
            except Cd4mlError as err:
                bases[name] = str(err)
        base = bases[name]
        if isinstance(base, str):
            results[revision.rev] = base
            continue
        if base.rev not in known:
            known[base.rev] = next(iter(read_values(repo, [base], use_cache=False)))
        try:
            results[revision.rev] = evaluate_gate(row, known[base.rev], settings, name)
        except Cd4mlError as err:
            results[revision.rev] = str(err)
    return results
