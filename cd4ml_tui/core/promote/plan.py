"""Promotion, step one: plan the GTO tags for a reviewed revision and validate them; no writes.

`plan_promotion` returns a frozen `PromotionPlan` with the exact tags, optional branch, remote and
the git commands (argv lists) they amount to; it raises a `PromotionError` on any refusal. Writing
(apply, push, undo) lives in `core.promote_write`, which calls `validate` again right before it
writes, because the repo may have changed while the dialog was open.

Tag names follow GTO 1.x byte for byte because they are built and parsed by gto itself:
`NAME@vX.Y.Z` registers, `NAME#STAGE#N` assigns, `folder:name` is written `folder=name`.
When no artifact is declared anywhere, a promotion is a plain release tag `vX.Y.Z`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from cd4ml_tui.core.errors import PromotionError
from cd4ml_tui.core.git.refs import IDENTITY_HINT, git_ok, identity
from cd4ml_tui.core.git.remotes import RemoteError, check_remote, write_remote
from cd4ml_tui.core.git.repo import Repo
from cd4ml_tui.core.model import UNFINISHED, Revision, RevisionValues
from cd4ml_tui.core.promote.message import tag_message
from cd4ml_tui.core.promote.policy import PromotionChecks, override_note
from cd4ml_tui.core.promote.registry import (
    Registry,
    latest_version,
    list_artifacts,
    plain_release_versions,
    read_registry,
    version_choices,
)

Bump = Literal["patch", "minor", "major"]
TagKind = Literal["register", "assign", "release"]
BUMPS: tuple[Bump, ...] = ("patch", "minor", "major")


class DuplicateVersionError(PromotionError):
    """The version (or one of the planned tags) already exists."""


class VersionOnCommitError(PromotionError):
    """The commit already carries a version of this artifact; GTO allows one per commit."""


class InvalidNameError(PromotionError):
    """An artifact, stage, version or branch name that GTO or git would reject. `field` says
    which one, so a form can mark it."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


class NoIdentityError(PromotionError):
    """git has no user name/email to sign the annotated tags with."""


@dataclass(frozen=True)
class PlannedTag:
    name: str
    kind: TagKind
    message: str

    @property
    def ref(self) -> str:
        return f"refs/tags/{self.name}"


@dataclass(frozen=True)
class PromotionPlan:
    """Everything a promotion would write, computed before anything is written."""

    commit: str  # the 40-hex commit the tags point at
    source: str  # what the reviewer picked: experiment name, branch, tag or short sha
    artifact: str | None  # GTO full name; None for a plain release tag
    version: str
    stage: str | None
    tags: tuple[PlannedTag, ...]
    branch: str | None
    remote: str | None
    latest: str | None  # the artifact's latest registered version before this one
    warnings: tuple[str, ...] = ()

    @property
    def tag_commands(self) -> tuple[tuple[str, ...], ...]:
        return tuple(
            ("git", "tag", "-a", "--cleanup=whitespace", "-m", t.message, t.name, self.commit)
            for t in self.tags
        )

    @property
    def branch_command(self) -> tuple[str, ...] | None:
        return ("git", "branch", self.branch, self.commit) if self.branch else None

    @property
    def push_command(self) -> tuple[str, ...] | None:
        if not self.remote:
            return None
        refs = [t.ref for t in self.tags] + ([f"refs/heads/{self.branch}"] if self.branch else [])
        return ("git", "push", self.remote, *refs)

    @property
    def commands(self) -> tuple[tuple[str, ...], ...]:
        """Every git command the promotion runs, in order (argv lists, never a shell string)."""
        extra = [c for c in (self.branch_command, self.push_command) if c]
        return (*self.tag_commands, *extra)

    @property
    def tag_names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.tags)


def known_artifacts(repo: Repo, commit: str, registry: Registry) -> list[str]:
    """Artifacts declared in dvc.yaml at `commit` (`type: model` first: what a reviewer promotes
    most, and the dialog's default), then any others that GTO tags already name."""
    declared = list_artifacts(repo, commit)
    names = [a.name for a in sorted(declared, key=lambda a: a.type != "model")]
    names += sorted(n for n in registry.state.get_artifacts() if n not in names)
    return names


def check_identity(repo: Repo) -> str:
    """'Name <email>' git will sign tags with, or a refusal that says how to set it."""
    found = identity(repo)
    if found is None:
        raise NoIdentityError(f"no git identity to sign the tags with: run {IDENTITY_HINT}")
    return found


def _check_ref_format(repo: Repo, ref: str, what: str, field: str) -> None:
    if not git_ok(repo, "check-ref-format", ref):
        name = ref.split("/", 2)[-1]
        raise InvalidNameError(
            f"{what} {name!r} is not a valid git ref name (git check-ref-format)", field
        )


def _check_names(artifact: str | None, version: str, stage: str | None, registry: Registry) -> None:
    from gto.constants import check_string_is_valid, fullname_re, name_re

    if artifact is not None and not check_string_is_valid(artifact, regex=fullname_re):
        raise InvalidNameError(
            f"invalid artifact name {artifact!r}: GTO allows letters, digits, '-', '_', '/', "
            "starting and ending with a letter or digit (`folder:name` for a sub-folder)",
            "artifact",
        )
    from gto.versions import SemVer

    if not SemVer.is_valid(version):
        raise InvalidNameError(
            f"invalid version {version!r}: use semantic versioning with a 'v', like v1.2.3",
            "version",
        )
    if stage is None:
        return
    if not check_string_is_valid(stage, regex=name_re):
        raise InvalidNameError(
            f"invalid stage name {stage!r}: GTO allows letters, digits, '-', '_', '/', "
            "starting and ending with a letter or digit",
            "stage",
        )
    if registry.stages is not None and stage not in registry.stages:
        allowed = ", ".join(registry.stages) or "none"
        raise InvalidNameError(
            f"stage {stage!r} is not allowed by .gto (stages: {allowed})", "stage"
        )


def _default_remote(repo: Repo) -> str:
    try:
        return write_remote(repo)
    except RemoteError as err:
        raise PromotionError(str(err)) from None


def check_promotable(revision: Revision) -> None:
    """Refuse (PromotionError) a revision with nothing trained to promote: the workspace (not a
    commit) or an unfinished run (queued, running or failed: DVC's queue entry holds only the
    params it runs with). The one rule for the CLI, the dialog and the main screen's `p`."""
    if revision.is_workspace:
        raise PromotionError("the workspace is not a commit: commit it or pick a revision")
    if revision.status in UNFINISHED:
        raise PromotionError(
            f"cannot promote {revision.label}: its run is {revision.status}, so it has no "
            "trained result; promote a finished run"
        )


def default_branch_name(revision: Revision) -> str:
    """As `dvc exp branch EXP` names it: `<experiment name>-branch` (any revision's label here)."""
    return f"{revision.label}-branch"


def plan_promotion(
    repo: Repo,
    revision: Revision,
    *,
    artifact: str | None,
    version: str | None = None,
    bump: Bump | None = None,
    stage: str | None = None,
    note: str = "",
    branch: str | bool | None = None,
    remote: str | bool | None = None,
    values: RevisionValues | None = None,
    baseline_values: RevisionValues | None = None,
    registry: Registry | None = None,
    checks: PromotionChecks | None = None,
    override: str | None = None,
) -> PromotionPlan:
    """Plan the tags that promote `revision` to `artifact` `version` (or the `bump` of the latest).

    `branch=True` names the branch like `dvc exp branch`; `remote=True` pushes to the default
    remote. `checks` (the review and gate the settings require) refuse unless `override` gives a
    reason, which then goes into the tag message. Raises a `PromotionError` subclass (one line,
    nothing written) on any refusal.
    """
    check_promotable(revision)
    overridden = override_note(checks, override)
    if (version is None) == (bump is None):
        raise PromotionError("give exactly one of a version (like v1.2.3) or a bump")
    registry = registry if registry is not None else read_registry(repo)
    known = known_artifacts(repo, revision.rev, registry)
    if artifact is not None and artifact not in known:
        listed = ", ".join(known) or "none: declare one under `artifacts:` in dvc.yaml"
        raise PromotionError(f"unknown artifact {artifact!r} at {revision.label} ({listed})")
    if artifact is None and known:
        raise PromotionError(f"name the artifact to promote: {', '.join(known)}")
    if artifact is None and stage is not None:
        raise PromotionError(
            "a stage needs an artifact: declare one under `artifacts:` in dvc.yaml"
        )
    if bump is not None:
        if bump not in BUMPS:
            raise PromotionError(f"unknown bump {bump!r}: use patch, minor or major")
        version = getattr(version_choices(registry, artifact), bump)
    assert version is not None
    _check_names(artifact, version, stage, registry)
    branch_name = default_branch_name(revision) if branch is True else (branch or None)
    remote_name = _default_remote(repo) if remote is True else (remote or None)
    latest = latest_version(registry, artifact)
    message = _MessageParts(note, values, baseline_values, overridden)
    tags = _plan_tags(revision, artifact, version, stage, message, registry)
    plan = PromotionPlan(
        commit=revision.rev,
        source=revision.label,
        artifact=artifact,
        version=version,
        stage=stage,
        tags=tags,
        branch=branch_name,
        remote=remote_name,
        latest=latest,
        warnings=_warnings(artifact, version, latest)
        + (
            ("nothing to override: the review and the gate allow this promotion",)
            if override and override.strip() and not overridden
            else ()
        ),
    )
    validate(repo, plan, registry)
    return plan


def _warnings(artifact: str | None, version: str, latest: str | None) -> tuple[str, ...]:
    from gto.versions import SemVer

    if latest and SemVer(version) < SemVer(latest):
        what = f"of {artifact}" if artifact else "release"
        return (f"{version} is lower than the latest {what} {latest}",)
    return ()


@dataclass(frozen=True)
class _MessageParts:
    """What every tag message of a promotion carries besides its headline."""

    note: str
    values: RevisionValues | None
    baseline_values: RevisionValues | None
    override: str

    def message(self, revision: Revision, headline: str) -> str:
        return tag_message(
            revision, headline, self.note, self.values, self.baseline_values, self.override
        )


def _plan_tags(
    revision: Revision,
    artifact: str | None,
    version: str,
    stage: str | None,
    parts: _MessageParts,
    registry: Registry,
) -> tuple[PlannedTag, ...]:
    from gto.constants import Action
    from gto.tag import name_tag

    if artifact is None:
        return (PlannedTag(version, "release", parts.message(revision, f"Release {version}")),)
    register = name_tag(Action.REGISTER, artifact, version=version, simple=True)
    message = parts.message(revision, f"Register {artifact} {version}")
    tags = [PlannedTag(register, "register", message)]
    if stage is not None:
        # gto's own counter: 1 + the highest `#N` on any tag of this artifact.
        assign = name_tag(Action.ASSIGN, artifact, stage=stage, scm=_TagList(registry))  # type: ignore[arg-type]
        message = parts.message(revision, f"Assign stage {stage} to {artifact} {version}")
        tags.append(PlannedTag(assign, "assign", message))
    return tuple(tags)


class _TagList:
    """What `gto.tag.name_tag` asks of a repo: the names of all its tags."""

    def __init__(self, registry: Registry) -> None:
        self._names = sorted(registry.by_name)

    def list_tags(self) -> list[str]:
        return self._names


def validate(repo: Repo, plan: PromotionPlan, registry: Registry | None = None) -> None:
    """Refuse (PromotionError) unless `plan` can be written to the repo as it is now."""
    from gto.constants import NAME, STAGE, VERSION
    from gto.tag import parse_name

    registry = registry if registry is not None else read_registry(repo)
    check_identity(repo)
    for tag in plan.tags:
        _check_ref_format(repo, tag.ref, "tag", "stage" if tag.kind == "assign" else "version")
        if plan.artifact is not None:
            parsed = parse_name(tag.name, raise_on_fail=False)
            expected = plan.version if tag.kind == "register" else plan.stage
            key = VERSION if tag.kind == "register" else STAGE
            if not parsed or parsed[NAME] != plan.artifact or parsed.get(key) != expected:
                raise InvalidNameError(
                    f"tag {tag.name!r} would not read back as {plan.artifact}", "artifact"
                )
        if tag.name in registry.by_name:
            raise DuplicateVersionError(_exists(plan, tag))
    _check_versions(plan, registry)
    if plan.branch:
        _check_ref_format(repo, f"refs/heads/{plan.branch}", "branch", "branch")
        if git_ok(repo, "rev-parse", "-q", "--verify", f"refs/heads/{plan.branch}"):
            raise PromotionError(f"branch {plan.branch!r} already exists: name another one")
    if plan.remote:
        try:
            check_remote(repo, plan.remote)
        except RemoteError as err:
            raise PromotionError(str(err)) from None


def _exists(plan: PromotionPlan, tag: PlannedTag) -> str:
    what = f"{plan.artifact} {plan.version}" if plan.artifact else f"release {plan.version}"
    if tag.kind == "assign":
        return f"tag {tag.name!r} already exists (another promotion of {plan.artifact} just ran)"
    return f"version already exists: {what} (tag {tag.name!r}); pick another version"


def _check_versions(plan: PromotionPlan, registry: Registry) -> None:
    short = plan.commit[:7]
    if plan.artifact is None:
        for tag, commit in plain_release_versions(registry).items():
            if tag == plan.version:
                raise DuplicateVersionError(_exists(plan, plan.tags[0]))
            if commit == plan.commit:
                raise VersionOnCommitError(f"commit {short} is already released as {tag}")
        return
    artifact = registry.artifact(plan.artifact)
    if artifact is None:
        return
    if any(v.version == plan.version for v in artifact.versions):
        raise DuplicateVersionError(_exists(plan, plan.tags[0]))
    at_commit = [
        v for v in artifact.versions if v.commit_hexsha == plan.commit and not v.discovered
    ]
    for found in at_commit:
        state = "" if found.is_active else " (deregistered)"
        raise VersionOnCommitError(
            f"commit {short} already carries {plan.artifact} {found.version}{state}; "
            "GTO allows one version per commit"
        )


def format_command(argv: tuple[str, ...]) -> str:
    """An argv for display only (it is never run through a shell): shell-quoted, with the tag
    message after `-m` shown as <message>."""
    import shlex

    return " ".join(
        "<message>" if i and argv[i - 1] == "-m" else shlex.quote(arg) for i, arg in enumerate(argv)
    )
