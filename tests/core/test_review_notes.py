"""Verdicts in git notes, end to end with the real git: written by `cd4ml-tui review`, read back
with `git notes`, shared between two clones (cat_sort_uniq after a fetch), and refused without
writing anything (no identity, the workspace, a pending or failed run)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from cd4ml_tui.cli import main
from cd4ml_tui.core.api import (
    NOTES_REF,
    ReviewError,
    check_reviewable,
    fetch_reviews,
    list_revisions,
    open_repo,
    read_reviews,
    record_review,
    refs_fingerprint,
    resolve_revision,
    review_summaries,
    reviews_fingerprint,
)
from tests.builders import settle
from tests.promote_support import fingerprint
from tests.review_support import git, make_gate_repo, no_identity_env

CLI = [sys.executable, "-m", "cd4ml_tui"]


@pytest.fixture(scope="module")
def gate_repo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_gate_repo(tmp_path_factory.mktemp("review") / "gate")


@pytest.fixture
def repo(gate_repo_template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "repo"
    shutil.copytree(gate_repo_template, target, symlinks=True)
    return target


def note_lines(repo: Path, rev: str) -> list[str]:
    return git(repo, "notes", f"--ref={NOTES_REF}", "show", rev).splitlines()


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def test_verdicts_are_appended_as_json_lines_that_git_notes_reads_back(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = fingerprint(repo)
    sha = git(repo, "rev-parse", "good")
    assert main(["review", "good", "--approve", "-m", "looks right", "-C", str(repo)]) == 0
    assert "recorded approve on good" in capsys.readouterr().out
    first = note_lines(repo, sha)
    assert len(first) == 1
    record = json.loads(first[0])
    assert record["verdict"] == "approve"
    assert record["author"] == "Test Reviewer <reviewer@example.invalid>"
    assert record["message"] == "looks right"
    assert record["metrics"]["metrics.json"] == {"accuracy": 0.925, "loss": 0.27, "val.f1": 0.81}
    assert "T" in record["date"] and record["date"].endswith("+00:00")

    message = "accuracy on eval drops\nsee eval/stats.yaml"
    code = main(["review", "good", "--request-changes", "-m", message, "-C", str(repo)])
    assert code == 0
    lines = note_lines(repo, sha)
    assert lines[0] == first[0]  # appended, never rewritten
    assert len(lines) == 2 and json.loads(lines[1])["message"] == message
    assert fingerprint(repo) == before  # HEAD, index, stash, work tree untouched

    capsys.readouterr()
    assert main(["review", "good", "--json", "-C", str(repo)]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [v["verdict"] for v in listed] == ["approve", "request-changes"]
    assert listed[1]["message"] == message

    assert main(["review", "good", "-C", str(repo)]) == 0
    out = capsys.readouterr().out
    assert "changes requested · 2 entries" in out and "see eval/stats.yaml" in out


def test_show_json_gives_each_revision_its_review(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["review", "good", "--approve", "-C", str(repo)]) == 0
    assert main(["review", "good", "--comment", "-m", "nit: rename", "-C", str(repo)]) == 0
    assert main(["review", "bad", "--comment", "-m", "why slower?", "-C", str(repo)]) == 0
    capsys.readouterr()
    assert main(["show", str(repo), "--json"]) == 0
    revisions = json.loads(capsys.readouterr().out)["revisions"]
    by_rev = {r["rev"]: r for r in revisions}
    by_name = {name: by_rev[git(repo, "rev-parse", name)] for name in ("good", "bad", "base")}
    by_name["workspace"] = by_rev["workspace"]
    good = by_name["good"]["review"]
    # a later comment does not withdraw the approval; count is every entry
    assert good["verdict"] == "approve" and good["count"] == 2
    assert good["author"] == "Test Reviewer <reviewer@example.invalid>"
    assert by_name["bad"]["review"]["verdict"] == "comment"
    assert by_name["base"]["review"] is None
    assert by_name["workspace"]["review"] is None


def test_without_a_git_identity_exit_2_names_git_config_and_writes_nothing(
    repo: Path, tmp_path: Path
) -> None:
    before = git(repo, "for-each-ref")
    proc = run_cli(
        "review", "good", "--approve", "-m", "ok", "-C", str(repo), env=no_identity_env(tmp_path)
    )
    assert proc.returncode == 2
    assert "git config user.email" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
    assert git(repo, "for-each-ref") == before
    assert git(repo, "notes", f"--ref={NOTES_REF}", "list") == ""


def test_the_workspace_and_unfinished_runs_are_refused(repo: Path, demo_repo: Path) -> None:
    with open_repo(repo) as opened:
        workspace = resolve_revision(opened, "workspace")
        with pytest.raises(ReviewError, match="workspace is not a commit"):
            record_review(opened, workspace, "approve", "")
        good = resolve_revision(opened, "good")
        for status in ("queued", "running", "failed"):
            with pytest.raises(ReviewError, match=f"is a {status} run"):
                record_review(opened, replace(good, status=status), "approve", "ok")
        with pytest.raises(ReviewError, match="needs a message"):
            record_review(opened, good, "request-changes", "  ")
    assert git(repo, "notes", f"--ref={NOTES_REF}", "list") == ""
    # the demo's real queued experiment, through the CLI (refused before anything is written)
    with open_repo(demo_repo) as opened:
        queued = [r for r in list_revisions(opened) if r.status == "queued"]
        assert queued
        with pytest.raises(ReviewError, match="queued run"):
            check_reviewable(queued[0])
    proc = run_cli("review", queued[0].name or queued[0].rev, "--approve", "-C", str(demo_repo))
    assert proc.returncode == 2 and "queued run" in proc.stderr


def test_writers_appending_at_once_lose_nothing(repo: Path) -> None:
    """Threads of one process and several `cd4ml-tui review` processes at once."""
    sha = git(repo, "rev-parse", "bad")
    errors: list[BaseException] = []

    def write(who: int) -> None:
        try:
            with open_repo(repo) as opened:
                revision = resolve_revision(opened, "bad")
                for n in range(3):
                    record_review(opened, revision, "comment", f"thread {who} note {n}")
        except BaseException as err:  # collected, asserted below
            errors.append(err)

    processes = [
        subprocess.Popen(
            [*CLI, "review", "bad", "--comment", "-m", f"process {who}", "-C", str(repo)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
        )
        for who in range(4)
    ]
    threads = [threading.Thread(target=write, args=(who,)) for who in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for process in processes:
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr
    assert not errors
    messages = sorted(json.loads(line)["message"] for line in note_lines(repo, sha))
    expected = [f"thread {w} note {n}" for w in range(3) for n in range(3)]
    assert messages == sorted(expected + [f"process {w}" for w in range(4)])
    # no temporary ref is left behind
    assert git(repo, "for-each-ref", "--format=%(refname)", "refs/notes") == NOTES_REF


def test_verdicts_from_two_clones_merge_after_a_fetch(repo: Path, tmp_path: Path) -> None:
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(repo), str(origin)], check=True)
    alice, bob = tmp_path / "alice", tmp_path / "bob"
    for clone in (alice, bob):
        subprocess.run(["git", "clone", "-q", str(origin), str(clone)], check=True)
    sha = git(repo, "rev-parse", "good")
    bob_env = {**no_identity_env(tmp_path)}
    git(bob, "config", "user.name", "Bob")
    git(bob, "config", "user.email", "bob@example.invalid")

    assert main(["review", "good", "--approve", "-m", "alice ok", "--push", "-C", str(alice)]) == 0
    before = fingerprint(bob)
    # bob reviews offline, then pushes: the remote has alice's verdict, so his push first fetches
    # and merges (cat_sort_uniq), then goes through
    proc = run_cli(
        "review",
        "good",
        "--request-changes",
        "-m",
        "bob: loss?",
        "--push",
        "-C",
        str(bob),
        env=bob_env,
    )
    assert proc.returncode == 0, proc.stderr
    assert fingerprint(bob) == before
    bob_lines = note_lines(bob, sha)
    assert sorted(json.loads(line)["message"] for line in bob_lines) == ["alice ok", "bob: loss?"]
    assert bob_lines == sorted(bob_lines)  # cat_sort_uniq: sorted lines, each once

    with open_repo(alice) as opened:
        assert fetch_reviews(opened) is True
        assert fetch_reviews(opened) is False  # nothing new the second time
        thread = read_reviews(opened, [sha])[sha]
        # read back in time order, whatever order the merge left the lines in
        assert [v.author.split()[0] for v in thread] == ["Test", "Bob"]
        assert review_summaries(opened)[sha].verdict == "request-changes"
    assert note_lines(alice, sha) == bob_lines


def test_fetch_from_a_remote_without_verdicts_is_not_an_error(repo: Path, tmp_path: Path) -> None:
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(repo), str(origin)], check=True)
    git(repo, "remote", "add", "origin", str(origin))
    with open_repo(repo) as opened:
        assert fetch_reviews(opened) is False
    git(repo, "remote", "set-url", "origin", str(tmp_path / "gone.git"))
    with (
        open_repo(repo) as opened,
        pytest.raises(Exception, match="fetching refs/notes/cd4ml-review"),
    ):
        fetch_reviews(opened)


def test_a_verdict_moves_the_reviews_fingerprint_but_not_the_refs_one(repo: Path) -> None:
    with open_repo(repo) as opened:
        settle(opened.git_dir)  # fingerprints of changes younger than a second equal no other
        refs, reviews = refs_fingerprint(opened.git_dir), reviews_fingerprint(opened)
        record_review(opened, resolve_revision(opened, "good"), "approve", "")
        assert refs_fingerprint(opened.git_dir) == refs  # no row needs reading again
        assert reviews_fingerprint(opened) != reviews
        settle(opened.git_dir)
        moved = reviews_fingerprint(opened)
        git(repo, "tag", "another")
        assert refs_fingerprint(opened.git_dir) != refs
        assert reviews_fingerprint(opened) == moved
