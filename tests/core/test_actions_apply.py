"""`apply`: the workspace ends byte for byte as after a real `dvc exp apply` on a copy; refusals
change nothing at all; undo brings back the saved workspace, index, stash and refs."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cd4ml_tui.core import api
from cd4ml_tui.core.errors import ActionError
from cd4ml_tui.core.model import Revision
from cd4ml_tui.demo import dvc_command
from tests.promote_support import all_refs, fingerprint, git


def _files(root: Path) -> dict[str, str]:
    """Every file outside .git and DVC's temp folder (DVC-tracked outs included): sha256."""
    found = {}
    for file in sorted(root.rglob("*")):
        rel = file.relative_to(root).as_posix()
        if rel.startswith((".git/", ".dvc/tmp/")) or not (file.is_file() or file.is_symlink()):
            continue
        found[rel] = hashlib.sha256(file.read_bytes()).hexdigest()
    return found


def _git_state(root: Path) -> tuple[str, ...]:
    """HEAD, the staged entries, status and stash: what git says about the workspace."""
    return (
        git(root, "symbolic-ref", "-q", "HEAD")
        if (root / ".git" / "HEAD").read_text().startswith("ref:")
        else "",
        git(root, "rev-parse", "HEAD"),
        git(root, "ls-files", "-s"),
        git(root, "status", "--porcelain", "--untracked-files=all"),
        git(root, "stash", "list", "--format=%H %s"),
    )


def _experiment(root: Path, baseline: str = "HEAD") -> Revision:
    """An experiment of `baseline` whose DVC outs differ from the workspace."""
    with api.open_repo(root) as repo:
        base = git(root, "rev-parse", baseline).strip()
        exps = [
            r for r in api.list_revisions(repo) if r.kind == "experiment" and r.baseline == base
        ]
        exps = [r for r in exps if r.status == "success"]
        for exp in exps:
            if any(c.dvc for c in api.plan_apply(repo, exp).changes):
                return exp
    raise AssertionError("no experiment with a DVC out change in the demo")


def _dvc_exp_apply(root: Path, rev: str) -> None:
    subprocess.run([*dvc_command(), "exp", "apply", rev], cwd=root, check=True, capture_output=True)


def _dirty(root: Path) -> None:
    """Uncommitted work apply keeps: an untracked note and a new staged file, neither of
    which the experiments have."""
    (root / "notes.txt").write_text("my notes\n")
    (root / "extra").mkdir()
    (root / "extra" / "new.txt").write_text("new\n")
    git(root, "add", "extra/new.txt")


@pytest.mark.parametrize(
    ("baseline", "dirty"),
    [("HEAD", False), ("HEAD", True), ("feature/wider", False)],
    ids=["clean", "unrelated-uncommitted-work", "other-baseline"],
)
def test_apply_ends_exactly_as_dvc_exp_apply(
    demo_copy: Path, tmp_path: Path, baseline: str, dirty: bool
) -> None:
    theirs = tmp_path / "theirs"
    shutil.copytree(demo_copy, theirs, symlinks=True)
    exp = _experiment(demo_copy, baseline)
    if dirty:
        _dirty(demo_copy)
        _dirty(theirs)
    before = _files(demo_copy)
    with api.open_repo(demo_copy) as repo:
        plan = api.plan_apply(repo, exp)
        assert plan.refusal is None
        api.apply_to_workspace(repo, plan)
    _dvc_exp_apply(theirs, exp.rev)
    ours_files, their_files = _files(demo_copy), _files(theirs)
    assert ours_files == their_files
    assert _git_state(demo_copy) == _git_state(theirs)
    # the preview named exactly the files that changed
    changed = {p for p in set(before) | set(ours_files) if before.get(p) != ours_files.get(p)}
    assert {c.path for c in plan.changes} == changed
    assert any(c.dvc for c in plan.changes)


@pytest.mark.parametrize("dirty", [False, True], ids=["clean", "with-an-untracked-note"])
def test_a_file_head_has_and_the_experiment_lacks(
    demo_copy: Path, tmp_path: Path, dirty: bool
) -> None:
    """DVC deletes it when the workspace is clean (a forced checkout, no stash) and keeps it
    when there is anything to stash (the stash's files REV lacks are copied back)."""
    (demo_copy / "added.txt").write_text("only on the newer HEAD\n")
    git(demo_copy, "add", "added.txt")
    git(demo_copy, "commit", "-q", "-m", "Add a file")
    exp = _experiment(demo_copy, "HEAD~1")
    theirs = tmp_path / "theirs"
    shutil.copytree(demo_copy, theirs, symlinks=True)
    for root in (demo_copy, theirs):
        if dirty:
            (root / "notes.txt").write_text("my notes\n")
    before = _files(demo_copy)
    with api.open_repo(demo_copy) as repo:
        plan = api.plan_apply(repo, exp)
        api.apply_to_workspace(repo, plan)
    _dvc_exp_apply(theirs, exp.rev)
    assert _files(demo_copy) == _files(theirs)
    assert _git_state(demo_copy) == _git_state(theirs)
    after = _files(demo_copy)
    changed = {p for p in set(before) | set(after) if before.get(p) != after.get(p)}
    assert {c.path for c in plan.changes} == changed
    assert ("added.txt" in after) is dirty
    assert any(c.change == "delete" for c in plan.changes) is not dirty


def test_stash_saves_uncommitted_work_and_undo_restores_everything(demo_copy: Path) -> None:
    exp = _experiment(demo_copy)
    (demo_copy / "params.yaml").write_text((demo_copy / "params.yaml").read_text() + "# mine\n")
    _dirty(demo_copy)
    with (demo_copy / "src" / "train.py").open("a") as stream:
        stream.write("# local tweak\n")
    (demo_copy / "staged.txt").write_text("staged\n")
    git(demo_copy, "add", "staged.txt")
    files, state, refs = _files(demo_copy), _git_state(demo_copy), all_refs(demo_copy)
    with api.open_repo(demo_copy) as repo:
        refused = api.plan_apply(repo, exp)
        assert refused.refusal and "params.yaml" in refused.refusal
        plan = api.plan_apply(repo, exp, stash=True)
        assert plan.refusal is None
        assert set(plan.stashed) == {
            "params.yaml",
            "src/train.py",
            "notes.txt",
            "staged.txt",
            "extra/new.txt",
        }
        result = api.apply_to_workspace(repo, plan)
        assert result.stash_oid == git(demo_copy, "rev-parse", "refs/stash").strip()
        assert "my notes" in git(demo_copy, "show", f"{result.stash_oid}^3:notes.txt")
        assert git(demo_copy, "rev-parse", "HEAD") == state[1]
        assert _files(demo_copy) != files
        api.undo_apply(repo, result)
    assert _files(demo_copy) == files
    assert _git_state(demo_copy) == state
    assert all_refs(demo_copy) == refs


def _refuse(root: Path, plan_stash: bool, match: str) -> None:
    exp = _experiment(root)
    before, refs = fingerprint(root), all_refs(root)
    with api.open_repo(root) as repo:
        plan = api.plan_apply(repo, exp, stash=plan_stash)
        assert plan.refusal is not None and match in plan.refusal
        with pytest.raises(ActionError, match=match) as caught:
            api.apply_to_workspace(repo, plan)
    assert "\n" not in str(caught.value)
    assert fingerprint(root) == before
    assert all_refs(root) == refs


def test_refuses_to_overwrite_uncommitted_changes(demo_copy: Path) -> None:
    (demo_copy / "params.yaml").write_text("train:\n  lr: 1\n")
    _refuse(demo_copy, False, "params.yaml")


def test_refuses_to_overwrite_a_partly_staged_file(demo_copy: Path) -> None:
    readme = demo_copy / "README.md"
    readme.write_text(readme.read_text() + "staged line\n")
    git(demo_copy, "add", "README.md")
    readme.write_text(readme.read_text() + "unstaged line\n")
    _refuse(demo_copy, False, "README.md")


def test_refuses_uncached_dvc_changes_even_with_stash(demo_copy: Path) -> None:
    for out in ("model/model.json", "plots/confusion.json"):
        (demo_copy / out).write_text('{"hand": "edited"}\n')
    _refuse(demo_copy, True, "dvc commit")


def test_cli_refusal_is_one_line_exit_2_and_changes_nothing(demo_copy: Path) -> None:
    exp = _experiment(demo_copy)
    (demo_copy / "params.yaml").write_text("train:\n  lr: 1\n")
    before, refs = fingerprint(demo_copy), all_refs(demo_copy)
    proc = subprocess.run(
        [sys.executable, "-m", "cd4ml_tui", "apply", exp.rev, "-C", str(demo_copy)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "--stash" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert fingerprint(demo_copy) == before
    assert all_refs(demo_copy) == refs


def test_workspace_changed_after_the_preview_is_refused(demo_copy: Path) -> None:
    exp = _experiment(demo_copy)
    with api.open_repo(demo_copy) as repo:
        plan = api.plan_apply(repo, exp)
        (demo_copy / "params.yaml").write_text("train:\n  lr: 1\n")
        before = fingerprint(demo_copy)
        with pytest.raises(ActionError, match="changed since the preview"):
            api.apply_to_workspace(repo, plan)
    assert fingerprint(demo_copy) == before


def test_undo_refuses_when_the_workspace_changed_since(demo_copy: Path) -> None:
    exp = _experiment(demo_copy)
    with api.open_repo(demo_copy) as repo:
        result = api.apply_to_workspace(repo, api.plan_apply(repo, exp))
        (demo_copy / "params.yaml").write_text("train:\n  lr: 2\n")
        before = fingerprint(demo_copy)
        with pytest.raises(ActionError, match=r"params\.yaml"):
            api.undo_apply(repo, result)
    assert fingerprint(demo_copy) == before


def test_cli_restore_hint_brings_the_work_back_from_any_folder(
    demo_copy: Path, tmp_path: Path
) -> None:
    """The `to go back:` line `apply --stash` prints, run in a shell from another folder,
    restores the uncommitted work (the stash popped) and the DVC outs."""
    exp = _experiment(demo_copy)
    (demo_copy / "params.yaml").write_text((demo_copy / "params.yaml").read_text() + "# mine\n")
    (demo_copy / "notes.txt").write_text("my notes\n")
    files, state = _files(demo_copy), _git_state(demo_copy)
    argv = [sys.executable, "-m", "cd4ml_tui", "apply", exp.rev, "--stash", "-C", str(demo_copy)]
    proc = subprocess.run(argv, capture_output=True, text=True, check=True)
    hint = [line for line in proc.stdout.splitlines() if line.startswith("to go back: ")]
    assert len(hint) == 1 and _files(demo_copy) != files
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    command = hint[0].removeprefix("to go back: ")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    subprocess.run(["bash", "-c", command], cwd=elsewhere, env=env, check=True, capture_output=True)
    assert _files(demo_copy) == files
    assert _git_state(demo_copy) == state
