"""`cd4ml-tui promote` end to end: output, exit codes, confirmation, --dry-run, --json, --push."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from cd4ml_tui.cli import main
from tests.promote_support import (
    CLI,
    GTO,
    all_refs,
    fingerprint,
    git,
    make_registry_repo,
    tag_names,
)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_registry_repo(tmp_path / "reg")


def _cli(
    root: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, "promote", "--repo", str(root), *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env=env,
        check=False,
    )


def test_yes_creates_and_prints_the_tags_and_gto_cli_reads_them(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sha = git(root, "rev-parse", "HEAD~1")
    code = main(
        [
            "promote",
            "HEAD~1",
            "--repo",
            str(root),
            "--artifact",
            "clf",
            "--version",
            "v1.0.0",
            "--stage",
            "prod",
            "-m",
            "ok to ship",
            "--yes",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines() == [
        f"created tag clf@v1.0.0 -> {sha[:7]}",
        f"created tag clf#prod#1 -> {sha[:7]}",
    ]
    proc = subprocess.run(
        [GTO, "show", "-r", str(root), "--json"], capture_output=True, text=True, check=True
    )
    shown = json.loads(proc.stdout)["clf"]
    assert (shown["version"], shown["stage"]["prod"]) == ("v1.0.0", "v1.0.0")
    proc = subprocess.run(
        [GTO, "history", "clf", "-r", str(root), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    events = {(e["event"], e["commit"], e["ref"]) for e in json.loads(proc.stdout)}
    assert events == {("registration", sha, "clf@v1.0.0"), ("assignment", sha, "clf#prod#1")}
    messages = [e["message"] for e in json.loads(proc.stdout)]
    assert all(m.startswith("ok to ship\n\n") for m in messages)


def test_dry_run_writes_nothing_and_shows_the_commands(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before_refs, before_files = all_refs(root), fingerprint(root)
    code = main(
        [
            "promote",
            "main",
            "--repo",
            str(root),
            "--artifact",
            "nlp:tagger",
            "--bump",
            "minor",
            "--stage",
            "dev",
            "--branch",
            "--dry-run",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    sha = git(root, "rev-parse", "main")
    assert f"would create tag nlp=tagger@v0.1.0 -> {sha[:7]}" in out
    assert f"would create tag nlp=tagger#dev#1 -> {sha[:7]}" in out
    assert f"would create branch main-branch -> {sha[:7]}" in out
    assert f"git tag -a --cleanup=whitespace -m <message> nlp=tagger@v0.1.0 {sha}" in out
    assert f"git branch main-branch {sha}" in out
    assert all_refs(root) == before_refs
    assert fingerprint(root) == before_files


def test_json_output(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "promote",
            "main",
            "--repo",
            str(root),
            "--artifact",
            "clf",
            "--version",
            "v1.0.0",
            "--dry-run",
            "--json",
        ]
    )
    doc = json.loads(capsys.readouterr().out)
    assert code == 0
    assert doc["tags"] == ["clf@v1.0.0"] and doc["dry_run"] is True
    assert doc["commands"][0][:4] == ["git", "tag", "-a", "--cleanup=whitespace"]
    assert tag_names(root) == []


def test_refuses_without_yes_when_stdin_is_not_a_terminal(root: Path) -> None:
    proc = _cli(root, "main", "--artifact", "clf", "--version", "v1.0.0")
    assert proc.returncode == 2
    assert proc.stderr == (
        "cd4ml-tui: stdin is not a terminal: pass --yes to promote without asking\n"
    )
    assert tag_names(root) == []


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["nope", "--artifact", "clf", "--version", "v1.0.0"], "unknown revision 'nope'"),
        (["main", "--artifact", "clf", "--version", "1.0"], "invalid version '1.0'"),
        (["main", "--artifact", "clf", "--version", "v1.0.0", "--stage", "a b"], "invalid stage"),
        (["main", "--artifact", "nope", "--version", "v1.0.0"], "unknown artifact 'nope'"),
        (["main", "--version", "v1.0.0"], "name the artifact to promote: clf, nlp:tagger"),
    ],
)
def test_bad_input_exits_2_with_one_line(root: Path, args: list[str], needle: str) -> None:
    before = all_refs(root)
    proc = _cli(root, *args, "--yes")
    assert proc.returncode == 2, proc.stderr
    assert needle in proc.stderr and proc.stderr.count("\n") == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert all_refs(root) == before


def test_duplicate_version_exits_2(root: Path) -> None:
    assert _cli(root, "HEAD~1", "--artifact", "clf", "--version", "v1.0.0", "--yes").returncode == 0
    proc = _cli(root, "main", "--artifact", "clf", "--version", "v1.0.0", "--yes")
    assert proc.returncode == 2
    assert "version already exists: clf v1.0.0" in proc.stderr


def test_no_git_identity_exits_2_and_says_how(root: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.gitconfig"
    empty.write_text("")
    env = dict(os.environ, GIT_CONFIG_GLOBAL=str(empty))
    for name in ("GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL"):
        env.pop(name, None)
    proc = _cli(root, "main", "--artifact", "clf", "--version", "v1.0.0", "--yes", env=env)
    assert proc.returncode == 2
    assert "no git identity" in proc.stderr and "git config --global user.email" in proc.stderr
    assert tag_names(root) == []


def test_push_to_bare_remote_and_push_failure(root: Path, tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(root, "remote", "add", "origin", str(remote))
    proc = _cli(root, "HEAD~1", "--artifact", "clf", "--version", "v1.0.0", "--push", "--yes")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "pushed to origin"
    assert "refs/tags/clf@v1.0.0" in git(remote, "for-each-ref")

    missing = tmp_path / "missing.git"
    proc = _cli(
        root, "main", "--artifact", "clf", "--version", "v2.0.0", "--push", str(missing), "--yes"
    )
    assert proc.returncode == 1
    assert "created tag clf@v2.0.0" in proc.stdout and f"not pushed to {missing}" in proc.stdout
    assert f"retry with: git push {missing} refs/tags/clf@v2.0.0" in proc.stderr
    assert "clf@v2.0.0" in tag_names(root)


@pytest.mark.parametrize("extra", [["--dry-run"], ["--yes"]])
def test_refuses_a_queued_experiment_with_one_line_naming_the_status(
    demo_repo: Path, extra: list[str]
) -> None:
    from cd4ml_tui.core.api import list_revisions, open_repo

    with open_repo(demo_repo) as repo:
        queued = [r for r in list_revisions(repo) if r.status == "queued"]
    assert queued, "the demo has a queued experiment"
    before = all_refs(demo_repo)
    proc = _cli(demo_repo, queued[0].label, "--artifact", "classifier", "--bump", "patch", *extra)
    assert proc.returncode == 2, proc.stdout
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert f"cannot promote {queued[0].label}: its run is queued" in proc.stderr
    assert all_refs(demo_repo) == before
