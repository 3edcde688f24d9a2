"""One rule in one place, pinned on real repos: the default remote, the default baseline, the
pending statuses, the column id and the one error base.

Each rule lives in one core function; these tests hold every user of it to the same answer.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import pkgutil
import re
from pathlib import Path

import pytest

import cd4ml_tui
from cd4ml_tui.cli import main
from cd4ml_tui.core.api import (
    choose_baseline,
    default_remote,
    fetch_experiments,
    list_revisions,
    open_repo,
    plan_promotion,
    read_values,
    remotes,
    resolve_revision,
)
from cd4ml_tui.core.errors import Cd4mlError
from cd4ml_tui.core.git.remotes import FetchError
from cd4ml_tui.core.model import ColumnKey
from cd4ml_tui.core.table.columns import columns
from tests.builders import git, make_bare, make_plain_git

PACKAGE = Path(cd4ml_tui.__file__).parent


# --- the default remote --------------------------------------------------------------------------
@pytest.fixture
def repo_with_remotes(tmp_path: Path) -> Path:
    """A plain git repo with two bare remotes, `backup` (added first) and `mirror`."""
    root = make_plain_git(tmp_path / "work")
    for name in ("backup", "mirror"):
        make_bare(tmp_path / f"{name}.git")
        git(root, "remote", "add", name, str(tmp_path / f"{name}.git"))
    return root


def test_default_remote_is_none_without_remotes(tmp_path: Path) -> None:
    with open_repo(make_plain_git(tmp_path / "work")) as repo:
        assert remotes(repo) == [] and default_remote(repo) is None
        with pytest.raises(FetchError, match="no git remote"):
            fetch_experiments(repo)


def test_default_remote_is_the_first_then_origin_then_the_upstream(
    repo_with_remotes: Path, tmp_path: Path
) -> None:
    root = repo_with_remotes
    with open_repo(root) as repo:
        assert remotes(repo) == ["backup", "mirror"]
        assert default_remote(repo) == "backup"  # no origin, no upstream: the first
    make_bare(tmp_path / "origin.git")
    git(root, "remote", "add", "origin", str(tmp_path / "origin.git"))
    with open_repo(root) as repo:
        assert default_remote(repo) == "origin"
    git(root, "push", "-q", "mirror", "main")
    git(root, "branch", "--set-upstream-to=mirror/main", "main")
    with open_repo(root) as repo:
        assert default_remote(repo) == "mirror"  # the branch's upstream, as `git push` picks
    git(root, "switch", "-q", "other")  # a branch without an upstream: origin again
    with open_repo(root) as repo:
        assert default_remote(repo) == "origin"


def test_fetch_and_promotion_use_the_default_remote(
    repo_with_remotes: Path, tmp_path: Path
) -> None:
    root = repo_with_remotes
    make_bare(tmp_path / "origin.git")
    git(root, "remote", "add", "origin", str(tmp_path / "origin.git"))
    git(root, "push", "-q", "mirror", "main")
    git(root, "branch", "--set-upstream-to=mirror/main", "main")
    # An experiment ref that only `mirror` has: fetching without a remote name must find it.
    sha = git(root, "rev-parse", "HEAD").strip()
    exp_ref = f"refs/exps/{sha[:2]}/{sha[2:]}/from-mirror"
    git(root, "update-ref", exp_ref, sha)
    git(root, "push", "-q", "mirror", exp_ref)
    git(root, "update-ref", "-d", exp_ref)
    with open_repo(root) as repo:
        fetch_experiments(repo)
        assert git(root, "rev-parse", exp_ref).strip() == sha
        head = resolve_revision(repo, "main")
        plan = plan_promotion(repo, head, artifact=None, version="v1.0.0", remote=True)
        assert plan.remote == default_remote(repo) == "mirror"
        assert plan.push_command is not None and plan.push_command[:3] == ("git", "push", "mirror")


# --- the default baseline ------------------------------------------------------------------------
def _configure_baseline(root: Path, name: str) -> None:
    (root / ".cd4ml-tui.toml").write_text(f'baseline = "{name}"\n')


def _compare_json(capsys: pytest.CaptureFixture[str], root: Path, *names: str) -> dict:
    assert main(["compare", *names, "--json", "--all", "--no-cache", "-C", str(root)]) == 0
    return json.loads(capsys.readouterr().out)


def test_one_revision_is_compared_with_its_own_baseline(
    demo_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with open_repo(demo_repo) as repo:
        listed = list_revisions(repo)
        exp = next(r for r in listed if r.kind == "experiment" and r.name == "wide-256")
        base, compared = choose_baseline(repo, [exp], None, listed)
        assert base.rev == exp.baseline and compared == [exp]
        main_rev = resolve_revision(repo, "main", listed)
        base, _ = choose_baseline(repo, [main_rev], None, listed)
        assert base.rev == main_rev.parents[0]  # a commit: its first parent
        assert choose_baseline(repo, [listed[0]], None, listed)[0].rev == repo.head  # workspace
    # The CLI with one REV agrees with naming that baseline explicitly.
    assert _compare_json(capsys, demo_repo, "wide-256") == _compare_json(
        capsys, demo_repo, exp.baseline or "", "wide-256"
    )


def test_the_configured_baseline_applies_to_one_row_marked_rows_and_the_cli(
    demo_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _configure_baseline(demo_copy, "main")
    with open_repo(demo_copy) as repo:
        listed = list_revisions(repo)
        main_rev = resolve_revision(repo, "main", listed)
        wide = resolve_revision(repo, "wide-256", listed)
        other = resolve_revision(repo, "feature/wider", listed)
        assert wide.baseline != main_rev.rev  # its own baseline is another commit
        assert choose_baseline(repo, [wide], "main", listed) == (main_rev, [wide])
        assert choose_baseline(repo, [wide, other], "main", listed) == (main_rev, [wide, other])
        marked_with_it = choose_baseline(repo, [other, main_rev, wide], "main", listed)
        assert marked_with_it == (main_rev, [other, wide])
        # Comparing the configured baseline alone: against its own baseline, not itself.
        assert choose_baseline(repo, [main_rev], "main", listed)[0].rev == main_rev.parents[0]
    assert _compare_json(capsys, demo_copy, "wide-256") == _compare_json(
        capsys, demo_copy, "main", "wide-256"
    )


def test_a_configured_baseline_that_names_nothing_says_so(
    demo_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _configure_baseline(demo_copy, "mian")
    assert main(["compare", "wide-256", "-C", str(demo_copy)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "the configured baseline 'mian'" in err[0]


# --- pending statuses, column ids, errors --------------------------------------------------------
def _sources() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_one_list_of_pending_statuses() -> None:
    """Only core/model.py spells out which statuses are pending (PENDING; UNFINISHED adds
    failed). Every status in order (a sort order, the RunStatus type) is not such a list."""
    found = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Tuple | ast.List | ast.Set):
                words = {e.value for e in node.elts if isinstance(e, ast.Constant)}
                if {"queued", "running"} <= words and "success" not in words:  # not an ordering
                    found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert [f.split(":")[0] for f in found] == ["core/model.py"]  # PENDING itself


def test_column_ids_round_trip_on_a_real_repo(demo_repo: Path) -> None:
    with open_repo(demo_repo) as repo:
        cols = columns(list(read_values(repo, list_revisions(repo)[:4])))
    assert len(cols) > 5
    for column in cols:
        assert ColumnKey.from_id(column.id) == column
        assert column.id == f"{column.kind}:{column.qualified_name}"
    odd = ColumnKey("param", "conf/params.yaml", "a:b.c")  # keys may hold ':'
    assert ColumnKey.from_id(odd.id) == odd
    for bad in ("name", "metric:only-a-path", "other:p:k", ":p:k"):
        with pytest.raises(ValueError):
            ColumnKey.from_id(bad)


def test_column_ids_are_built_only_by_column_key() -> None:
    """No module spells `kind:path:key` or `path:key` itself: they use `.id`/`.qualified_name`."""
    spelled = re.compile(r"\{[\w.]*\.(kind|path)\}:\{[\w.]*\.(path|key)\}")
    found = [
        f"{path.relative_to(PACKAGE)}:{number}"
        for path in _sources()
        if path != PACKAGE / "core" / "model.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if spelled.search(line)
    ]
    assert found == []


def test_every_error_is_a_cd4ml_error() -> None:
    """Every exception class the package defines derives from `Cd4mlError`, so front ends catch
    one base; fastyaml's HandBack is a signal between two functions, never shown."""
    names = [m.name for m in pkgutil.walk_packages([str(PACKAGE)], "cd4ml_tui.")]
    assert "cd4ml_tui.core.plots.series" in names and "cd4ml_tui.core.dvc.files" in names
    defined = {}
    for name in names:
        if name.endswith("__main__"):
            continue
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, BaseException) and cls.__module__ == name:
                defined[f"{name}.{cls.__name__}"] = cls
    assert "cd4ml_tui.core.plots.series.PlotDataError" in defined
    outside = sorted(n for n, cls in defined.items() if not issubclass(cls, Cd4mlError))
    assert outside == ["cd4ml_tui.core.dvc.fastyaml.HandBack"]


# --- git through GitPython never prompts ---------------------------------------------------------
def test_git_run_through_gitpython_never_prompts(tmp_path: Path) -> None:
    """Every git process the core starts through GitPython gets the no-prompt environment: the
    one a real git alias (`!env`) sees."""
    from cd4ml_tui.core.git.library import execute

    with open_repo(make_plain_git(tmp_path / "work")) as repo:
        status, out, _ = execute(repo.library, ["git", "-c", "alias.showenv=!env", "showenv"])
    env = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
    assert status == 0
    assert env["GIT_TERMINAL_PROMPT"] == "0"
    assert "BatchMode=yes" in env["GIT_SSH_COMMAND"]
