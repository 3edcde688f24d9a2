"""Which baseline a comparison is against, when the reviewer did not choose one: one rule.

Used by `c` on one row, `c` on marked rows and `cd4ml-tui compare REV...`, so that the TUI and the
CLI compare against the same revision:
1. the configured `baseline` (`[tool.cd4ml-tui] baseline = "main"`), unless it is the one
   revision being compared;
2. else, for one revision, its own baseline (`own_baseline`): an experiment's baseline commit (as
   `dvc exp diff EXP` compares), a commit's first parent, the workspace's HEAD (as `dvc exp diff`
   with no revision does);
3. else the first of the revisions.
A baseline chosen explicitly (`compare BASE REV`, `b` on the compare screen) always wins.
"""

from __future__ import annotations

from collections.abc import Sequence

from cd4ml_tui.core.errors import Cd4mlError, UnknownRevisionError
from cd4ml_tui.core.git.repo import Repo
from cd4ml_tui.core.model import Revision
from cd4ml_tui.core.revisions import resolve_revision


def own_baseline(revision: Revision) -> str | None:
    """The sha `revision` was made from: an experiment's baseline commit, a commit's first parent,
    the workspace's HEAD; None for a root commit."""
    if revision.kind == "experiment":
        return revision.baseline
    return revision.parents[0] if revision.parents else None


def default_baseline(revision: Revision, configured: str | None = None) -> str | None:
    """The name (or sha) of the baseline one revision is compared with: the configured baseline,
    else its own (`own_baseline`); None for a root commit with nothing configured."""
    return configured or own_baseline(revision)


def choose_baseline(
    repo: Repo,
    revisions: Sequence[Revision],
    configured: str | None = None,
    listed: list[Revision] | None = None,
) -> tuple[Revision, list[Revision]]:
    """(baseline, compared) for comparing `revisions` when no baseline was chosen (module rule).

    `configured` is the settings' `baseline`; `listed` the revisions already listed, if any.
    Raises a one-line `Cd4mlError` when the configured baseline names nothing, or when one
    revision alone has no baseline of its own (a root commit).
    """
    if not revisions:
        raise Cd4mlError("nothing to compare: name or mark at least one revision")
    if configured:
        try:
            base = resolve_revision(repo, configured, listed)
        except UnknownRevisionError as err:
            raise UnknownRevisionError(
                f"the configured baseline {configured!r}: {err}", err.candidates
            ) from None
        if len(revisions) > 1 or base.rev != revisions[0].rev:
            return base, [r for r in revisions if r.rev != base.rev]
    if len(revisions) == 1:
        revision = revisions[0]
        own = default_baseline(revision)  # the configured one was this revision itself
        if own is None:
            raise Cd4mlError(
                f"{revision.label} has no baseline (a first commit): name or mark one to compare"
            )
        return resolve_revision(repo, own, listed), [revision]
    return revisions[0], list(revisions[1:])
