"""Changed files between revisions, on real git (and DVC) repos built in temp dirs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cd4ml_tui.core.diff.changes import (
    FileChange,
    PathNotFoundError,
    RevisionDiff,
    changed_files,
    normalize_path,
)
from cd4ml_tui.core.diff.file import MAX_TEXT_BYTES, file_diff
from cd4ml_tui.core.git.repo import Repo, open_repo
from cd4ml_tui.core.revisions import list_revisions, resolve_revision
from cd4ml_tui.demo import RepoShell
from tests.builders import make_empty_git

NOTEBOOK = json.dumps(
    {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": 1,
                "id": "a",
                "metadata": {},
                "outputs": [],
                "source": "x = 1",
            },
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
)


def _shell(tmp_path: Path) -> RepoShell:
    return RepoShell(make_empty_git(tmp_path / "repo"))


def _two_commits(shell: RepoShell) -> None:
    """First commit, then one of each change: modify, add, delete, rename (+edit), binary."""
    long_text = "".join(f"line {i}\n" for i in range(40))
    shell.write(
        {
            "keep.txt": "same\n",
            "edit.py": "def f():\n    return 1\n",
            "gone.txt": "bye\n",
            "old_name.txt": long_text,
            "nb/explore.ipynb": NOTEBOOK,
        }
    )
    (shell.root / "image.bin").write_bytes(b"\x89PNG\0\x01\x02")
    shell.commit_all("first")
    shell.git("tag", "first")
    shell.write({"edit.py": "def f():\n    return 2\n", "new.md": "# new\n"})
    (shell.root / "gone.txt").unlink()
    shell.git("mv", "old_name.txt", "new_name.txt")
    (shell.root / "new_name.txt").write_text(long_text + "one more\n")
    (shell.root / "image.bin").write_bytes(b"\x89PNG\0\x03\x04\x05")
    shell.commit_all("second")
    shell.git("tag", "second")


def _diff(repo: Repo, base: str, head: str, paths: tuple[str, ...] = ()) -> RevisionDiff:
    revisions = list_revisions(repo)
    return changed_files(
        repo,
        resolve_revision(repo, base, revisions),
        resolve_revision(repo, head, revisions),
        paths,
    )


def _summary(files: tuple[FileChange, ...]) -> list[tuple[str, str, str, str | None]]:
    return [(f.path, f.status, f.kind, f.old_path) for f in files]


def test_statuses_kinds_and_renames_between_commits(tmp_path: Path) -> None:
    shell = _shell(tmp_path)
    _two_commits(shell)
    with open_repo(shell.root) as repo:
        diff = _diff(repo, "first", "second")
        assert _summary(diff.files) == [
            ("edit.py", "modified", "text", None),
            ("gone.txt", "deleted", "text", None),
            ("image.bin", "modified", "binary", None),
            ("new.md", "added", "text", None),
            ("new_name.txt", "renamed", "text", "old_name.txt"),
        ]
        renamed = diff.files[-1]
        assert renamed.similarity is not None and 80 <= renamed.similarity < 100
        loaded = file_diff(repo, diff, renamed)
        assert [
            (line.kind, line.text)
            for h in loaded.hunks
            for line in h.lines
            if line.kind != "context"
        ] == [("added", "one more")]
        binary = file_diff(repo, diff, diff.files[2])
        assert binary.kind == "binary" and binary.hunks == ()
        assert binary.note == "binary file, not diffed (7 B → 8 B)"
        edit = file_diff(repo, diff, diff.files[0])
        assert [(line.kind, line.text) for line in edit.hunks[0].lines] == [
            ("context", "def f():"),
            ("removed", "    return 1"),
            ("added", "    return 2"),
        ]
        # Reversed, every status flips and the rename points back.
        back = _diff(repo, "second", "first")
        assert _summary(back.files) == [
            ("edit.py", "modified", "text", None),
            ("gone.txt", "added", "text", None),
            ("image.bin", "modified", "binary", None),
            ("new.md", "deleted", "text", None),
            ("old_name.txt", "renamed", "text", "new_name.txt"),
        ]


def test_workspace_against_commit_includes_untracked_not_ignored(tmp_path: Path) -> None:
    shell = _shell(tmp_path)
    _two_commits(shell)
    shell.write({".gitignore": "*.log\n"})
    shell.commit_all("ignore logs")
    shell.write({"edit.py": "def f():\n    return 3\n", "untracked.txt": "u\n", "debug.log": "x\n"})
    shell.git("mv", "keep.txt", "kept.txt")
    (shell.root / "raw.dat").write_bytes(b"\0\0data")
    (shell.root / "nb" / "explore.ipynb").write_text(NOTEBOOK.replace("x = 1", "x = 2"))
    with open_repo(shell.root) as repo:
        diff = _diff(repo, "HEAD", "workspace")
        assert diff.head.is_workspace
        assert _summary(diff.files) == [
            ("edit.py", "modified", "text", None),
            ("kept.txt", "renamed", "text", "keep.txt"),
            ("nb/explore.ipynb", "modified", "notebook", None),
            ("raw.dat", "added", "binary", None),
            ("untracked.txt", "added", "text", None),
        ]
        notebook = file_diff(repo, diff, diff.files[2]).notebook
        assert notebook is not None
        assert [(c.change, c.parts) for c in notebook.changes] == [("modified", ("source",))]
        added = file_diff(repo, diff, diff.files[4])
        assert [line.text for h in added.hunks for line in h.lines] == ["u"]
        back = _diff(repo, "workspace", "HEAD")
        assert _summary(back.files) == [
            ("edit.py", "modified", "text", None),
            ("keep.txt", "renamed", "text", "kept.txt"),
            ("nb/explore.ipynb", "modified", "notebook", None),
            ("raw.dat", "deleted", "binary", None),
            ("untracked.txt", "deleted", "text", None),
        ]
        assert _diff(repo, "workspace", "workspace").files == ()


def test_paths_narrow_the_list_and_bad_paths_fail(tmp_path: Path) -> None:
    shell = _shell(tmp_path)
    _two_commits(shell)
    with open_repo(shell.root) as repo:
        assert [f.path for f in _diff(repo, "first", "second", ("nb", "edit.py")).files] == [
            "edit.py"
        ]
        assert [f.path for f in _diff(repo, "first", "second", ("old_name.txt",)).files] == [
            "new_name.txt"
        ]
        with pytest.raises(PathNotFoundError) as err:
            _diff(repo, "first", "second", ("nope/missing.txt",))
        assert str(err.value).startswith("nope/missing.txt: no such file or directory in first (")
        with pytest.raises(PathNotFoundError, match="outside the repository"):
            normalize_path(repo, "../elsewhere.txt", repo.root)
        assert normalize_path(repo, "edit.py", repo.root / "nb") == "nb/edit.py"
        assert normalize_path(repo, str(repo.root / "nb" / "x.ipynb")) == "nb/x.ipynb"


def test_unparsable_notebook_is_a_text_diff_with_a_note(tmp_path: Path) -> None:
    shell = _shell(tmp_path)
    shell.write({"broken.ipynb": NOTEBOOK})
    shell.commit_all("good")
    shell.write({"broken.ipynb": NOTEBOOK[:-10] + "\n<<<<<<< HEAD\n"})
    shell.commit_all("merge conflict markers")
    with open_repo(shell.root) as repo:
        diff = _diff(repo, "HEAD~1", "HEAD")
        loaded = file_diff(repo, diff, diff.files[0])
        assert diff.files[0].kind == "notebook"
        assert loaded.kind == "text" and loaded.notebook is None
        assert loaded.note is not None
        assert loaded.note.startswith("broken.ipynb at main: not a notebook: invalid JSON (")
        assert loaded.note.endswith("; shown as a text diff")
        assert any(line.text == "<<<<<<< HEAD" for h in loaded.hunks for line in h.lines)


def test_oversized_text_is_summarised_not_diffed(tmp_path: Path) -> None:
    shell = _shell(tmp_path)
    big = "x" * 100 + "\n"
    shell.write({"big.csv": big * (MAX_TEXT_BYTES // len(big) + 10)})
    shell.commit_all("big")
    shell.write({"big.csv": big * (MAX_TEXT_BYTES // len(big) + 20)})
    shell.commit_all("bigger")
    with open_repo(shell.root) as repo:
        diff = _diff(repo, "HEAD~1", "HEAD")
        loaded = file_diff(repo, diff, diff.files[0])
        assert loaded.hunks == ()
        assert loaded.note == "too large to diff line by line (1.9 MB → 1.9 MB)"


def _dvc_diff(
    shell: RepoShell, base: str, head: str
) -> dict[str, tuple[str, str | None, str | None]]:
    """`dvc diff --json --show-hash` per out: path -> (status, old hash, new hash).

    DVC also lists each file inside a changed folder out; those are left out (we list outs).
    """
    report = json.loads(shell.dvc("diff", "--json", "--show-hash", base, head) or "{}")
    result = {}
    for status in ("added", "deleted", "modified"):
        for entry in report.get(status, []):
            hashes = entry.get("hash")
            old = hashes.get("old") if isinstance(hashes, dict) else None
            new = hashes.get("new") if isinstance(hashes, dict) else None
            if status == "added":
                old, new = None, hashes
            elif status == "deleted":
                old, new = hashes, None
            result[entry["path"]] = (status, old, new)
    folders = [path for path in result if path.endswith("/")]
    return {
        path.rstrip("/"): value
        for path, value in result.items()
        if not any(path != f and path.startswith(f) for f in folders)
    }


def test_dvc_outs_match_dvc_diff(tmp_path: Path) -> None:
    """Outs added with real `dvc add` (a file and a folder), changed, and removed."""
    shell = _shell(tmp_path)
    shell.dvc("init", "-q")
    shell.write({"data/raw.csv": "a,b\n1,2\n", "images/one.txt": "1\n", "keep.csv": "k\n"})
    shell.dvc("add", "-q", "data/raw.csv", "images", "keep.csv")
    shell.commit_all("data v1")
    shell.write({"data/raw.csv": "a,b\n1,2\n3,4\n", "images/two.txt": "2\n", "new.csv": "n\n"})
    shell.dvc("add", "-q", "data/raw.csv", "images", "new.csv")
    shell.dvc("remove", "-q", "keep.csv.dvc")
    shell.commit_all("data v2")
    with open_repo(shell.root) as repo:
        diff = _diff(repo, "HEAD~1", "HEAD")
        outs = {f.path: f for f in diff.files if f.kind == "dvc"}
        ours = {
            path: (
                f.status,
                f.base_out.hash if f.base_out else None,
                f.head_out.hash if f.head_out else None,
            )
            for path, f in outs.items()
        }
        assert ours == _dvc_diff(shell, "HEAD~1", "HEAD")
        assert set(ours) == {"data/raw.csv", "images", "keep.csv", "new.csv"}
        folder = outs["images"]
        assert folder.base_out is not None and folder.head_out is not None
        assert (folder.base_out.nfiles, folder.head_out.nfiles) == (1, 2)
        assert folder.head_out.is_dir
        assert outs["data/raw.csv"].head_out.size == len("a,b\n1,2\n3,4\n")  # type: ignore[union-attr]
        # A path inside a folder out finds the out, even though git does not track it.
        narrowed = _diff(repo, "HEAD~1", "HEAD", ("images/two.txt",))
        assert [f.path for f in narrowed.files] == ["images"]


def test_demo_dvc_outs_match_dvc_diff(demo_repo: Path) -> None:
    shell = RepoShell(demo_repo)
    with open_repo(demo_repo) as repo:
        diff = _diff(repo, "main", "feature/wider")
        ours = {
            f.path: (
                "modified" if f.status == "modified" else f.status,
                f.base_out.hash if f.base_out else None,
                f.head_out.hash if f.head_out else None,
            )
            for f in diff.files
            if f.kind == "dvc"
        }
    assert ours and ours == _dvc_diff(shell, "main", "feature/wider")


def test_demo_notebook_between_baselines(demo_repo: Path) -> None:
    """The demo notebook differs by one changed source line and one added cell."""
    with open_repo(demo_repo) as repo:
        diff = _diff(repo, "main", "feature/wider")
        (change,) = [f for f in diff.files if f.path == "notebooks/explore.ipynb"]
        assert (change.status, change.kind) == ("modified", "notebook")
        notebook = file_diff(repo, diff, change).notebook
    assert notebook is not None
    changed_source = [c for c in notebook.cells if c.source_hunks]
    assert len(changed_source) == 1
    lines = [(line.kind, line.text) for h in changed_source[0].source_hunks for line in h.lines]
    assert ("removed", "layers = [64, 32]") in lines and ("added", "layers = [128, 64]") in lines
    added = [c for c in notebook.cells if c.change == "added"]
    assert [c.source for c in added] == ['print("wider layers: more capacity, higher latency")']
    assert [c.change for c in notebook.changes].count("added") == 1
