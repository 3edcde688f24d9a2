"""Bad input: one clear line on stderr, exit code 2, no traceback; odd-but-valid repos work."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cd4ml_tui.cli import main
from cd4ml_tui.core.values.reader import NOT_IN_CACHE


def _show(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["show", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _fails_cleanly(capsys: pytest.CaptureFixture[str], path: Path, words: str) -> None:
    code, out, err = _show(capsys, "--json", str(path))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert str(path.name) in err and words in err


def test_folder_outside_any_repo(no_git_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _fails_cleanly(capsys, no_git_dir, "not inside a git repository")


def test_missing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _fails_cleanly(capsys, tmp_path / "nowhere", "no such directory")


def test_empty_repo(empty_git_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _fails_cleanly(capsys, empty_git_repo, "no commits")


def test_bare_repo(bare_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _fails_cleanly(capsys, bare_repo, "bare")


def test_git_without_dvc_lists_revisions_with_a_note(
    plain_git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _show(capsys, "--json", "--no-cache", str(plain_git_repo))
    assert code == 0
    assert err.count("\n") == 1 and "DVC is not set up" in err
    revisions = json.loads(out)["revisions"]
    names = {r["name"] for r in revisions}
    assert {"workspace", "main", "other"} <= names
    main_rev = next(r for r in revisions if r["name"] == "main")
    assert main_rev["params"] == {"params.yaml": {"lr": 0.1}}  # root params.yaml, as DVC would


def test_detached_head_works(detached_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _show(capsys, "--json", "--no-cache", str(detached_repo))
    revisions = json.loads(out)["revisions"]
    assert code == 0 and revisions[1]["kind"] == "commit"
    assert revisions[1]["metrics"]["metrics.json"]["accuracy"] > 0


def test_shallow_clone_works_and_says_what_is_missing(
    shallow_clone: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _show(capsys, "--json", "--no-cache", str(shallow_clone))
    revisions = json.loads(out)["revisions"]
    head = revisions[1]
    assert code == 0 and head["name"] == "main"
    assert head["metrics"]["metrics.json"]["accuracy"] > 0  # git-tracked: there
    assert head["errors"]["eval/stats.yaml"] == NOT_IN_CACHE  # DVC-cached: not pulled


def test_corrupt_file_in_one_revision(
    corrupt_metrics_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _show(capsys, "--json", "--no-cache", str(corrupt_metrics_repo))
    assert code == 0
    by_tag = {
        ref.removeprefix("refs/tags/"): r for r in json.loads(out)["revisions"] for ref in r["refs"]
    }
    bad = by_tag["bad-metrics"]
    assert set(bad["errors"]) == {"metrics.json"} and "JSON" in bad["errors"]["metrics.json"]
    assert bad["params"]["params.yaml"] == {"train.lr": 0.2}
    bad_params = by_tag["bad-params"]
    assert set(bad_params["errors"]) == {"params.yaml"}
    assert "YAML" in bad_params["errors"]["params.yaml"]
    assert bad_params["metrics"]["metrics.json"] == {"accuracy": 0.86, "loss": 0.3}
    assert by_tag["good"]["errors"] == {} and by_tag["fixed"]["errors"] == {}


def test_corrupt_file_is_marked_in_the_table(
    corrupt_metrics_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _show(capsys, "--no-cache", str(corrupt_metrics_repo))
    assert code == 0
    line = next(line for line in out.splitlines() if line.startswith("bad-metrics"))
    assert "!" in line
    assert "bad-metrics" in err and "metrics.json" in err  # the details name file and revision


def test_bad_precision(demo_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _show(capsys, "--precision", "0", str(demo_repo))
    assert code == 2 and out == "" and "--precision" in err


def test_corrupt_dvc_yaml_names_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests import builders

    repo = builders.make_plain_git(tmp_path / "repo")
    (repo / ".dvc").mkdir()
    (repo / "dvc.yaml").write_text("stages:\n  train: [unclosed\n")
    builders.git(repo, "add", "-A")
    builders.git(repo, "commit", "-qm", "broken pipeline")
    code, out, _ = _show(capsys, "--json", "--no-cache", str(repo))
    head = json.loads(out)["revisions"][1]
    assert code == 0 and set(head["errors"]) == {"dvc.yaml"}
    assert "dvc.yaml" in head["errors"]["dvc.yaml"] and "line 2" in head["errors"]["dvc.yaml"]
    assert head["params"] == {}  # DVC cannot build this revision's index: no values at all
