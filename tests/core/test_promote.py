"""Promotion writes GTO tags that the real gto reads back as the intended version, stage, commit
and counter; and it leaves HEAD, the index, the stash and the working tree untouched."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from cd4ml_tui.core.errors import Cd4mlError
from cd4ml_tui.core.git.repo import open_repo
from cd4ml_tui.core.model import Revision
from cd4ml_tui.core.promote.badges import RegistryBadges, read_by_child
from cd4ml_tui.core.promote.message import format_value, message_values
from cd4ml_tui.core.promote.plan import (
    default_branch_name,
    known_artifacts,
    plan_promotion,
    version_choices,
)
from cd4ml_tui.core.promote.registry import list_artifacts, read_registry, registry_state
from cd4ml_tui.core.promote.write import apply, undo
from cd4ml_tui.core.revisions import list_revisions, resolve_revision
from tests.promote_support import (
    fingerprint,
    git,
    gto_history,
    gto_show,
    make_registry_repo,
    tag_names,
    write_gto_history,
)


@pytest.fixture
def registry_repo(tmp_path: Path) -> Path:
    return make_registry_repo(tmp_path / "reg")


@pytest.fixture
def gto_history_repo(registry_repo: Path) -> Path:
    write_gto_history(registry_repo)
    return registry_repo


def _promote(root: Path, rev: str, **kwargs: object) -> tuple[Revision, object]:
    with open_repo(root) as repo:
        revision = resolve_revision(repo, rev)
        plan = plan_promotion(repo, revision, **kwargs)  # type: ignore[arg-type]
        return revision, apply(repo, plan)


def _events(root: Path, name: str) -> list[tuple[str, str | None, str | None, str, str]]:
    return [
        (e["event"], e["version"], e["stage"], e["commit"], e["ref"])
        for e in gto_history(root, name)
    ]


def test_register_reads_back_with_gto(registry_repo: Path) -> None:
    revision, result = _promote(registry_repo, "HEAD~1", artifact="clf", version="v1.0.0")
    assert result
    assert gto_show(registry_repo)["clf"]["version"] == "v1.0.0"
    [version] = gto_show(registry_repo, "clf")
    assert (version["version"], version["commit_hexsha"]) == ("v1.0.0", revision.rev)
    assert _events(registry_repo, "clf") == [
        ("registration", "v1.0.0", None, revision.rev, "clf@v1.0.0")
    ]


def test_counter_continues_gto_history(gto_history_repo: Path) -> None:
    before = tag_names(gto_history_repo)
    highest = max(int(t.rsplit("#", 1)[1]) for t in before if t.startswith("clf#"))
    assert highest == 3  # prod#1, staging#2 and the unassignment prod!#3, all by gto itself
    revision, result = _promote(
        gto_history_repo, "main", artifact="clf", bump="minor", stage="prod"
    )
    assert result.tag_names == ("clf@v1.2.0", "clf#prod#4")  # type: ignore[attr-defined]
    show = gto_show(gto_history_repo)["clf"]
    assert show["version"] == "v1.2.0"
    assert show["stage"] == {"prod": "v1.2.0", "staging": "v1.1.0"}
    events = _events(gto_history_repo, "clf")
    assert ("assignment", "v1.2.0", "prod", revision.rev, "clf#prod#4") in events
    assert ("registration", "v1.2.0", None, revision.rev, "clf@v1.2.0") in events


def test_sub_folder_artifact_is_written_with_equals(registry_repo: Path) -> None:
    with open_repo(registry_repo) as repo:
        names = [a.name for a in list_artifacts(repo, repo.head)]
    assert names == ["clf", "nlp:tagger"]
    revision, result = _promote(
        registry_repo, "main", artifact="nlp:tagger", version="v0.1.0", stage="dev"
    )
    assert result.tag_names == ("nlp=tagger@v0.1.0", "nlp=tagger#dev#1")  # type: ignore[attr-defined]
    show = gto_show(registry_repo)["nlp:tagger"]
    assert (show["version"], show["stage"]["dev"]) == ("v0.1.0", "v0.1.0")
    [version] = gto_show(registry_repo, "nlp:tagger")
    assert version["commit_hexsha"] == revision.rev


def test_first_bump_starts_from_zero_and_lower_version_warns(registry_repo: Path) -> None:
    with open_repo(registry_repo) as repo:
        choices = version_choices(read_registry(repo), "clf")
    assert (choices.latest, choices.patch, choices.minor, choices.major) == (
        None,
        "v0.0.1",
        "v0.1.0",
        "v1.0.0",
    )
    _promote(registry_repo, "HEAD~1", artifact="clf", version="v2.0.0")
    with open_repo(registry_repo) as repo:
        plan = plan_promotion(
            repo, resolve_revision(repo, "main"), artifact="clf", version="v1.5.0"
        )
        assert plan.latest == "v2.0.0"
        assert plan.warnings == ("v1.5.0 is lower than the latest of clf v2.0.0",)
        apply(repo, plan)
    assert gto_show(registry_repo)["clf"]["version"] == "v2.0.0"
    assert {v["version"] for v in gto_show(registry_repo, "clf")} == {"v2.0.0", "v1.5.0"}


def test_gto_config_restricts_stages(registry_repo: Path) -> None:
    (registry_repo / ".gto").write_text("stages: [dev, prod]\n")
    _, result = _promote(registry_repo, "main", artifact="clf", version="v1.0.0", stage="prod")
    assert gto_show(registry_repo)["clf"]["stage"]["prod"] == "v1.0.0"
    assert result


def test_plain_release_tag_when_no_artifact_is_declared(tmp_path: Path) -> None:
    root = make_registry_repo(tmp_path / "plain", artifacts=False)
    revision, result = _promote(root, "HEAD~1", artifact=None, bump="major", note="first")
    assert result.tag_names == ("v1.0.0",)  # type: ignore[attr-defined]
    assert git(root, "cat-file", "-t", "v1.0.0") == "tag"  # annotated
    assert git(root, "rev-parse", "v1.0.0^{commit}") == revision.rev
    assert git(root, "tag", "-l", "--format=%(contents)", "v1.0.0").startswith("first\n\n")
    with open_repo(root) as repo:
        assert version_choices(read_registry(repo), None).patch == "v1.0.1"


def test_badges_match_gto_show(gto_history_repo: Path) -> None:
    _promote(gto_history_repo, "main", artifact="clf", version="v1.2.0", stage="prod")
    _promote(gto_history_repo, "main", artifact="nlp:tagger", version="v0.1.0")
    with open_repo(gto_history_repo) as repo:
        badges = registry_state(repo)
    expected: set[tuple[str, str, str | None, str | None]] = set()
    for name, shown in gto_show(gto_history_repo).items():
        commits = {v["version"]: v["commit_hexsha"] for v in gto_show(gto_history_repo, name)}
        for version, commit in commits.items():
            expected.add((commit, name, version, None))
        for stage, version in shown["stage"].items():
            if version:
                expected.add((commits[version], name, version, stage))
    got = {(sha, b.artifact, b.version, b.stage) for sha, items in badges.items() for b in items}
    assert got == expected
    assert "v1.0.0" in {b.version for b in badges[git(gto_history_repo, "rev-parse", "HEAD~3")]}


def test_a_second_process_reads_the_same_badges_and_sends_back_its_error(
    gto_history_repo: Path,
) -> None:
    """The TUI's badges come from a second process while GTO is not imported (see
    `core.promote.badges`): the same state, and the same one-line error."""
    _promote(gto_history_repo, "main", artifact="clf", version="v1.2.0", stage="prod")
    with open_repo(gto_history_repo) as repo:
        assert read_by_child(repo) == registry_state(repo) != {}
        (gto_history_repo / ".gto").write_text("stages: [dev, prod\n")  # not YAML
        with pytest.raises(Cd4mlError) as here:
            registry_state(repo)
        with pytest.raises(type(here.value), match=re.escape(str(here.value))):
            read_by_child(repo)


def test_the_badges_are_read_again_when_the_tags_or_the_gto_config_change(
    gto_history_repo: Path,
) -> None:
    with open_repo(gto_history_repo) as repo:
        badges = RegistryBadges(repo)
        first = badges.read()
        assert first == registry_state(repo) and badges.read() is first  # not read again
        _promote(gto_history_repo, "main", artifact="clf", version="v1.2.0", stage="prod")
        assert badges.read() == registry_state(repo) != first
        (gto_history_repo / ".gto").write_text("stages: [dev, prod\n")  # not YAML
        with pytest.raises(Cd4mlError):
            badges.read()
        with pytest.raises(Cd4mlError):  # an error is not kept as a read
            badges.read()


def test_experiment_promotion_message_branch_and_safety(demo_copy: Path) -> None:
    # A realistic work tree: an unstaged edit, a staged file and a stash entry.
    (demo_copy / "scratch.txt").write_text("stashed\n")
    git(demo_copy, "add", "scratch.txt")
    git(demo_copy, "stash", "push", "-q", "-m", "reviewer's stash")
    (demo_copy / "staged.txt").write_text("staged\n")
    git(demo_copy, "add", "staged.txt")
    with (demo_copy / "params.yaml").open("a") as params:
        params.write("# unsaved thought\n")
    before = fingerprint(demo_copy)

    with open_repo(demo_copy) as repo:
        revisions = list_revisions(repo)
        experiments = [r for r in revisions if r.kind == "experiment" and r.status == "success"]
        names = [r.name for r in experiments]
        revision = next(r for r in experiments if names.count(r.name) == 1)
        values, baseline_values = message_values(repo, revision)
        assert values is not None and baseline_values is not None
        assert baseline_values.revision.rev == revision.baseline
        plan = plan_promotion(
            repo,
            revision,
            artifact="classifier",
            version="v1.0.0",
            stage="prod",
            note="Best accuracy so far.",
            branch=True,
            values=values,
            baseline_values=baseline_values,
        )
        result = apply(repo, plan)
    assert fingerprint(demo_copy) == before

    assert plan.branch == f"{revision.name}-branch"
    assert git(demo_copy, "rev-parse", f"refs/heads/{plan.branch}") == revision.rev
    show = gto_show(demo_copy)["classifier"]
    assert (show["version"], show["stage"]["prod"]) == ("v1.0.0", "v1.0.0")
    message = git(demo_copy, "tag", "-l", "--format=%(contents)", "classifier@v1.0.0")
    lines = message.splitlines()
    assert lines[0] == "Best accuracy so far."
    assert f"Source: experiment {revision.name} ({revision.rev})" in lines
    assert f"({revision.baseline[:7]})" in message  # type: ignore[index]
    for path, flat in values.metrics.items():
        for key, value in list(flat.items())[:3]:
            assert f"  {path}: {key} = {format_value(value)}" in lines
    changed = [line for line in lines if "(baseline " in line]
    assert changed, message  # an experiment differs from its baseline in some param

    with open_repo(demo_copy) as repo:
        report = undo(repo, result)
    assert sorted(report.deleted) == sorted(["classifier@v1.0.0", "classifier#prod#1", plan.branch])
    assert "classifier" not in gto_show(demo_copy)
    assert fingerprint(demo_copy) == before


def test_default_branch_name_is_what_dvc_exp_branch_creates(demo_copy: Path) -> None:
    with open_repo(demo_copy) as repo:
        revisions = list_revisions(repo)
    experiments = [r for r in revisions if r.kind == "experiment" and r.status == "success"]
    names = [r.name for r in experiments]
    revision = next(r for r in experiments if names.count(r.name) == 1)
    subprocess.run(
        [str(Path(sys.executable).with_name("dvc")), "exp", "branch", str(revision.name)],
        cwd=demo_copy,
        check=True,
        capture_output=True,
    )
    branch = default_branch_name(revision)
    assert git(demo_copy, "rev-parse", f"refs/heads/{branch}") == revision.rev


def test_known_artifacts_put_models_first(tmp_path: Path) -> None:
    root = make_registry_repo(tmp_path / "reg")
    (root / "dvc.yaml").write_text(
        "artifacts:\n  raw-data:\n    path: data.csv\n    type: dataset\n"
        "  clf:\n    path: model/clf.pkl\n    type: model\n"
    )
    git(root, "commit", "-qam", "declare a dataset first")
    with open_repo(root) as repo:
        names = known_artifacts(repo, repo.head, read_registry(repo))
    assert names[0] == "clf" and set(names) == {"clf", "raw-data", "nlp:tagger"}
