"""Promotion respects the review and the gate: `require_approval` / `require_gate` refuse (exit 2,
nothing written), `--override "reason"` promotes anyway and the tag message says so; tags are
read back with the real gto."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cd4ml_tui.cli import main
from tests.promote_support import all_refs, fingerprint, gto_history, gto_show
from tests.review_support import git, make_gate_repo, write_settings

GATE = """\
[gate]
against = "base"
require_gate = true
[gate.rules]
"metrics.json:accuracy" = { worse_by = 0.01 }
loss = { worse_by = 0.05 }
"""


@pytest.fixture(scope="module")
def gate_repo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_gate_repo(tmp_path_factory.mktemp("policy") / "gate")


@pytest.fixture
def repo(gate_repo_template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "repo"
    shutil.copytree(gate_repo_template, target, symlinks=True)
    return target


def promote(repo: Path, rev: str, *extra: str) -> list[str]:
    return ["promote", rev, "--repo", str(repo), "--artifact", "classifier", *extra, "--yes"]


def tag_message(repo: Path, tag: str) -> str:
    return git(repo, "for-each-ref", "--format=%(contents)", f"refs/tags/{tag}")


def test_require_approval_refuses_until_approved(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_settings(repo, "require_approval = true\n")
    refs, before = all_refs(repo), fingerprint(repo)
    assert main(promote(repo, "good", "--version", "v2.0.0")) == 2
    err = capsys.readouterr().err
    assert "not approved: no review yet" in err and "--override" in err
    assert len(err.strip().splitlines()) == 1
    assert main(["review", "good", "--request-changes", "-m", "redo eval", "-C", str(repo)]) == 0
    assert main(promote(repo, "good", "--version", "v2.0.0", "--dry-run")) == 2
    assert "the verdict is request-changes" in capsys.readouterr().err
    assert all_refs(repo).replace(git(repo, "rev-parse", "refs/notes/cd4ml-review"), "") != ""
    assert [r for r in all_refs(repo).splitlines() if "tags/" in r] == [
        r for r in refs.splitlines() if "tags/" in r
    ]
    assert main(["review", "good", "--approve", "-m", "eval redone", "-C", str(repo)]) == 0
    assert main(promote(repo, "good", "--version", "v2.0.0")) == 0
    assert "classifier@v2.0.0" in capsys.readouterr().out
    assert "Override" not in tag_message(repo, "classifier@v2.0.0")
    assert fingerprint(repo) == before
    versions = {v["version"] for v in gto_show(repo, "classifier")}
    assert "v2.0.0" in versions


def test_require_gate_refuses_a_failing_gate_and_override_records_why(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_settings(repo, GATE)
    tags = git(repo, "tag", "--list")
    before = fingerprint(repo)
    assert main(promote(repo, "bad", "--version", "v2.0.0", "--stage", "prod")) == 2
    err = capsys.readouterr().err
    assert "the gate failed against base: metrics.json:loss worse_by 0.05" in err
    assert git(repo, "tag", "--list") == tags

    reason = "hotfix: latency matters more this week"
    code = main(
        promote(repo, "bad", "--version", "v2.0.0", "--stage", "prod", "--override", reason)
    )
    assert code == 0
    for tag in ("classifier@v2.0.0", "classifier#prod#2"):
        message = tag_message(repo, tag)
        assert f"Override: {reason}" in message
        assert (
            "Overridden: the gate failed against base: metrics.json:loss worse_by 0.05" in message
        )
    assert fingerprint(repo) == before
    # gto reads both tags back: the registration and the assignment of prod to v2.0.0
    events = {
        (e["event"], e["version"], e["stage"], e["ref"]) for e in gto_history(repo, "classifier")
    }
    assert ("registration", "v2.0.0", None, "classifier@v2.0.0") in events
    assert ("assignment", "v2.0.0", "prod", "classifier#prod#2") in events

    # a passing gate needs no override; one given anyway is only a warning
    capsys.readouterr()
    assert main(promote(repo, "good", "--version", "v2.1.0", "--override", "just in case")) == 0
    assert "nothing to override" in capsys.readouterr().err
    assert "Override" not in tag_message(repo, "classifier@v2.1.0")


def test_promote_push_also_pushes_the_verdicts(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", str(origin))
    git(repo, "remote", "add", "origin", str(origin))
    assert main(["review", "good", "--approve", "-m", "ship it", "-C", str(repo)]) == 0
    assert main(promote(repo, "good", "--version", "v2.0.0", "--push")) == 0
    assert "pushed to origin" in capsys.readouterr().out
    notes = git(origin, "rev-parse", "refs/notes/cd4ml-review")
    assert notes == git(repo, "rev-parse", "refs/notes/cd4ml-review")
    assert git(origin, "rev-parse", "refs/tags/classifier@v2.0.0")
