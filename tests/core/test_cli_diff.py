"""`cd4ml-tui diff`: the JSON contract, readable output and bad input, on real repos."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cd4ml_tui.cli import main
from cd4ml_tui.demo import RepoShell
from tests.builders import make_empty_git

NOTEBOOK_PATH = "notebooks/explore.ipynb"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_contract_on_demo(demo_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "diff", "main", "feature/wider", "--json", "-C", str(demo_repo))
    assert code == 0, err
    document = json.loads(out)
    shell = RepoShell(demo_repo)
    assert set(document) == {"base", "head", "files"}
    assert document["base"] == shell.git("rev-parse", "main").strip()
    assert document["head"] == shell.git("rev-parse", "feature/wider").strip()
    for entry in document["files"]:
        assert set(entry) == (
            {"path", "status", "kind", "cells"}
            if entry["kind"] == "notebook"
            else {"path", "status", "kind"}
        )
        assert entry["status"] in ("added", "deleted", "modified", "renamed")
        assert entry["kind"] in ("notebook", "text", "binary", "dvc")
    paths = [e["path"] for e in document["files"]]
    assert paths == sorted(paths)
    git_paths = shell.git("diff", "--name-only", "main", "feature/wider").split()
    assert set(git_paths) <= set(paths)
    (notebook,) = [e for e in document["files"] if e["path"] == NOTEBOOK_PATH]
    assert notebook["cells"] == [
        {"change": "modified", "base_index": 2, "head_index": 2, "parts": ["source", "outputs"]},
        {"change": "modified", "base_index": 3, "head_index": 3, "parts": ["outputs"]},
        {
            "change": "added",
            "base_index": None,
            "head_index": 4,
            "parts": ["source", "outputs", "metadata", "execution_count", "id"],
        },
    ]


def test_json_narrowed_to_a_path(demo_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys, "diff", "main", "feature/wider", NOTEBOOK_PATH, "--json", "-C", str(demo_repo)
    )
    assert code == 0
    assert [e["path"] for e in json.loads(out)["files"]] == [NOTEBOOK_PATH]


def test_readable_output_shows_cells(demo_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "diff", "main", "feature/wider", "notebooks", "-C", str(demo_repo))
    assert code == 0
    assert "M notebooks/explore.ipynb  notebook" in out
    assert "- layers = [64, 32]" in out and "+ layers = [128, 64]" in out
    assert "added code cell 5" in out
    assert "… 2 unchanged cells" in out
    assert "image/png changed" in out


def test_bad_path_and_bad_revision_exit_2(
    demo_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(
        capsys, "diff", "main", "feature/wider", "no/such.py", "-C", str(demo_repo)
    )
    assert (code, out) == (2, "")
    assert err.startswith("cd4ml-tui: no/such.py: no such file or directory in main (")
    assert len(err.strip().splitlines()) == 1
    code, out, err = _run(capsys, "diff", "main", "nope-branch", "-C", str(demo_repo))
    assert (code, out) == (2, "")
    assert "unknown revision 'nope-branch'" in err


def test_unparsable_notebook_note_goes_to_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shell = RepoShell(make_empty_git(tmp_path / "repo"))
    shell.write({"a.ipynb": "{}\n"})
    shell.commit_all("empty json")
    shell.write({"a.ipynb": '{"cells": oops}\n'})
    code, out, err = _run(capsys, "diff", "HEAD", "workspace", "--json", "-C", str(shell.root))
    assert code == 0
    assert json.loads(out)["files"] == [{"path": "a.ipynb", "status": "modified", "kind": "text"}]
    assert json.loads(out)["head"] == "workspace"
    assert err.startswith("cd4ml-tui: note: a.ipynb: a.ipynb at main: not a notebook: ")
