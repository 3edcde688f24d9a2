"""The model registry as GTO sees it: artifacts declared in dvc.yaml, and the state of GTO tags.

Tags are read with one `git for-each-ref` and indexed with GTO's own code (`gto.tag.index_tag`, in
the order GTO's managers use), so versions, stages and counters mean exactly what `gto show` says.
gto and ruamel are imported lazily: they cost about half a second.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cd4ml_tui.core.errors import ConfigError, ParseError
from cd4ml_tui.core.git.objects import run_git

if TYPE_CHECKING:
    from gto.base import Artifact, BaseRegistryState

    from cd4ml_tui.core.git.repo import Repo

PROJECT_FILE = "dvc.yaml"
GTO_CONFIG = ".gto"
_FIELD = "%00"
_TAG_FORMAT = _FIELD.join(
    (
        "%(refname:strip=2)",
        "%(objecttype)",
        "%(objectname)",
        "%(object)",
        "%(*objecttype)",
        "%(*objectname)",
        "%(taggername)",
        "%(taggeremail:trim)",
        "%(taggerdate:raw)",
    )
)


@dataclass(frozen=True)
class ArtifactSpec:
    """One `artifacts:` entry. `name` is GTO's full name (`folder:name` in a sub-folder)."""

    name: str
    path: str  # repo-relative path of the artifact
    dvcfile: str  # repo-relative path of the dvc.yaml declaring it
    type: str | None = None
    desc: str | None = None
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class TagRecord:
    """One tag as git stores it. `commit` is the peeled commit (None when it names no commit)."""

    name: str
    oid: str  # the tag object (annotated) or the commit (lightweight)
    annotated: bool
    target: str  # the object an annotated tag points to directly
    commit: str | None
    tagger_name: str = ""
    tagger_email: str = ""
    time: int = 0
    offset: int = 0  # seconds east of UTC


@dataclass(frozen=True)
class Badge:
    """A registry fact shown on a commit: a registered version, or a stage held there."""

    artifact: str | None  # None for a plain release tag (`v1.2.3`)
    version: str | None  # None when a stage is held by an unregistered commit
    stage: str | None = None

    @property
    def label(self) -> str:
        if self.artifact is None:
            return self.version or ""
        if self.stage:
            return f"{self.artifact}#{self.stage}"
        return f"{self.artifact}@{self.version}"


@dataclass
class Registry:
    """GTO's state of a repo plus what a plan needs besides: every tag name and the stage list."""

    tags: list[TagRecord]
    state: BaseRegistryState
    stages: list[str] | None  # `.gto` `stages:`; None means any valid name
    by_name: dict[str, TagRecord] = field(default_factory=dict)

    def artifact(self, name: str) -> Artifact | None:
        return self.state.get_artifacts().get(name)


def _load_yaml(text: str, where: str) -> Any:
    """YAML 1.2 as DVC reads it (ruamel, safe): `1e-4` is a float, `yes` a string."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        return YAML(typ="safe", pure=True).load(text)
    except YAMLError as err:
        reason = str(err).strip().splitlines()[0] if str(err).strip() else "invalid YAML"
        raise ParseError(f"{where}: cannot parse YAML: {reason}") from None


def list_artifacts(repo: Repo, commit: str) -> list[ArtifactSpec]:
    """Every artifact declared by a `dvc.yaml` at `commit`, root file first, as DVC names them."""
    listing = run_git(repo.root, "ls-tree", "-r", "-z", "--name-only", commit)
    dvcfiles = [
        p for p in listing.split("\0") if p == PROJECT_FILE or p.endswith("/" + PROJECT_FILE)
    ]
    dvcfiles.sort(key=lambda p: (p.count("/"), p))
    found: list[ArtifactSpec] = []
    for dvcfile in dvcfiles:
        blob = repo.objects.blob(commit, dvcfile)
        if blob is None:
            continue
        where = f"{dvcfile} at {commit[:7]}"
        data = _load_yaml(blob.decode("utf-8", errors="replace"), where)
        section = data.get("artifacts") if isinstance(data, dict) else None
        if section is None:
            continue
        if not isinstance(section, dict):
            raise ParseError(f"{where}: `artifacts` must be a mapping of name -> {{path: ...}}")
        folder = posixpath.dirname(dvcfile)
        for name, spec in section.items():
            spec = spec if isinstance(spec, dict) else {}
            labels = spec.get("labels") or ()
            found.append(
                ArtifactSpec(
                    name=f"{folder}:{name}" if folder else str(name),
                    path=posixpath.normpath(posixpath.join(folder, str(spec.get("path", "")))),
                    dvcfile=dvcfile,
                    type=None if spec.get("type") is None else str(spec["type"]),
                    desc=None if spec.get("desc") is None else str(spec["desc"]),
                    labels=tuple(str(label) for label in labels)
                    if isinstance(labels, list)
                    else (),
                )
            )
    return found


def read_tags(repo: Repo) -> list[TagRecord]:
    """Every tag in refname order, with what GTO needs of annotated ones (one git call)."""
    out = run_git(repo.root, "for-each-ref", f"--format={_TAG_FORMAT}", "refs/tags")
    records: list[TagRecord] = []
    for line in out.splitlines():
        parts = line.split("\0")
        if len(parts) != 9:
            continue
        name, obj_type, oid, target, peeled_type, peeled, tagger, email, date = parts
        annotated = obj_type == "tag"
        commit = (peeled if peeled_type == "commit" else None) if annotated else None
        if not annotated and obj_type == "commit":
            commit = oid
        stamp, _, zone = date.partition(" ")
        records.append(
            TagRecord(
                name=name,
                oid=oid,
                annotated=annotated,
                target=target if annotated else oid,
                commit=commit,
                tagger_name=tagger,
                tagger_email=email,
                time=int(stamp) if stamp.isdigit() else 0,
                offset=_zone_seconds(zone),
            )
        )
    return records


def _zone_seconds(zone: str) -> int:
    if len(zone) != 5 or zone[0] not in "+-" or not zone[1:].isdigit():
        return 0
    seconds = int(zone[1:3]) * 3600 + int(zone[3:]) * 60
    return -seconds if zone[0] == "-" else seconds


def read_stages(repo: Repo) -> list[str] | None:
    """The stages `.gto` allows (GTO reads it from the work tree), or None for any valid name."""
    from gto.config import read_registry_config
    from gto.exceptions import GTOException

    path = repo.root / GTO_CONFIG
    if not path.is_file():
        return None
    try:
        config = read_registry_config(str(path))
    except GTOException as err:
        raise ConfigError(f"{path}: invalid GTO config: {err}") from None
    return list(config.stages) if config.stages is not None else None


def build_state(tags: list[TagRecord]) -> BaseRegistryState:
    """Index annotated GTO tags exactly as `GitRegistry.get_state` does (without enrichments)."""
    from gto.base import BaseRegistryState
    from gto.constants import ACTION, NAME, Action
    from gto.tag import index_tag, parse_name
    from scmrepo.git import GitTag

    state = BaseRegistryState()
    parsed = [(t, parse_name(t.name, raise_on_fail=False)) for t in tags if t.annotated]
    phases = (
        {Action.CREATE, Action.DEPRECATE},
        {Action.REGISTER, Action.DEREGISTER},
        {Action.ASSIGN, Action.UNASSIGN},
    )
    for actions in phases:
        # GTO sorts each manager's tags by tag time; `sorted` is stable, refname order breaks ties.
        chosen = sorted(
            (t for t, p in parsed if p and p[ACTION] in actions and t.commit), key=lambda t: t.time
        )
        for record in chosen:
            git_tag = GitTag(
                record.name,
                record.oid,
                record.target,
                record.tagger_name,
                record.tagger_email,
                record.time,
                record.offset,
                "",
            )
            artifact = state.find_artifact(parse_name(record.name)[NAME], create_new=True)
            state.update_artifact(index_tag(artifact, git_tag))
    return state


def read_registry(repo: Repo) -> Registry:
    """Tags, GTO state and allowed stages of `repo`, read now (never cached: plans need fresh)."""
    tags = read_tags(repo)
    return Registry(
        tags=tags,
        state=build_state(tags),
        stages=read_stages(repo),
        by_name={t.name: t for t in tags},
    )


def plain_release_versions(registry: Registry) -> dict[str, str | None]:
    """Plain `vX.Y.Z` tags (the release naming used when no artifact is declared) -> commit."""
    from gto.versions import SemVer

    return {t.name: t.commit for t in registry.tags if SemVer.is_valid(t.name)}


def registry_state(repo: Repo) -> dict[str, list[Badge]]:
    """Commit sha -> badges: registered versions and the stages `gto show` lists, plus plain
    release tags. Deprecated artifacts are left out, as `gto show` leaves them out."""
    from gto.constants import VersionSort

    registry = read_registry(repo)
    badges: dict[str, list[Badge]] = {}
    for name, artifact in sorted(registry.state.get_artifacts().items()):
        if not artifact.is_active:
            continue
        for version in artifact.get_versions(active_only=True):
            badges.setdefault(version.commit_hexsha, []).append(Badge(name, version.version))
        for stage, vstages in artifact.get_vstages(sort=VersionSort.Timestamp).items():
            for vstage in vstages:
                version_name = vstage.version if vstage.version != vstage.commit_hexsha else None
                badges.setdefault(vstage.commit_hexsha, []).append(Badge(name, version_name, stage))
    for tag, commit in plain_release_versions(registry).items():
        if commit:
            badges.setdefault(commit, []).append(Badge(None, tag))
    return badges


@dataclass(frozen=True)
class VersionChoices:
    """The latest registered version of an artifact and the next patch/minor/major after it."""

    latest: str | None
    patch: str
    minor: str
    major: str


def version_choices(registry: Registry, artifact: str | None) -> VersionChoices:
    """Next versions, bumped from the latest (GTO's SemVer); from v0.0.0 for a first version."""
    from gto.versions import SemVer

    latest = latest_version(registry, artifact)
    base = SemVer(latest or "v0.0.0")
    return VersionChoices(
        latest=latest,
        patch=base.bump_patch().version,
        minor=base.bump_minor().version,
        major=base.bump_major().version,
    )


def latest_version(registry: Registry, artifact: str | None) -> str | None:
    """The greatest registered, active version (as `gto show` names it), or None."""
    from gto.versions import SemVer

    if artifact is None:
        versions = sorted(plain_release_versions(registry), key=SemVer)
        return versions[-1] if versions else None
    found = registry.artifact(artifact)
    if found is None:
        return None
    latest = found.get_latest_version(registered_only=True)
    return latest.version if latest else None


def stage_commit(registry: Registry, artifact: str, stage: str) -> str | None:
    """The commit holding `artifact`'s `stage` now, as `gto which ARTIFACT STAGE` answers it
    (GTO's defaults: every assignment of a version counts, one version per stage); None when the
    stage is empty or unknown."""
    from gto.constants import ASSIGNMENTS_PER_VERSION, VERSIONS_PER_STAGE

    if registry.artifact(artifact) is None:
        return None
    held = registry.state.which(
        artifact,
        stage,
        raise_if_not_found=False,
        assignments_per_version=ASSIGNMENTS_PER_VERSION,
        versions_per_stage=VERSIONS_PER_STAGE,
    )
    return str(held[0].commit_hexsha) if held else None


def stages_in_use(registry: Registry, artifact: str) -> list[str]:
    """The stages `artifact` holds a version in now, for messages."""
    found = registry.artifact(artifact)
    return sorted(found.get_vstages()) if found is not None else []
