"""Oracle tests on the project layouts DVC's own tests use (see `tests/core/layouts.py`): our
plots, values and comparisons held against DVC's own Python API."""

from __future__ import annotations

from pathlib import Path

from cd4ml_tui.core.diff.changes import changed_files
from cd4ml_tui.core.git.repo import open_repo
from cd4ml_tui.core.revisions import list_revisions, resolve_revision
from tests.core.layouts import subdir_plots_repo, wdir_plots_repo
from tests.core.test_compare_oracle import quiet_dvc
from tests.core.test_plots_oracle import dvc_plots, normalise_ours, ours

__all__ = ["subdir_plots_repo", "wdir_plots_repo"]


def test_plots_of_a_sub_folder_project_equal_dvc(subdir_plots_repo: Path) -> None:
    """`dvc init --subdir`: ids relative to the project, DVC-cached data from its own cache."""
    revs = ["workspace", "main", "v1", "lr-3"]
    got = ours(subdir_plots_repo, revs)
    assert normalise_ours(got) == dvc_plots(subdir_plots_repo, revs)
    assert set(got["plots"]) == {"logs/train.csv", "eval/curve.json", "Both losses"}
    for plot in got["plots"].values():
        assert set(plot["series"]) == set(revs) and "errors" not in plot


def test_plots_of_wdir_stages_equal_dvc(wdir_plots_repo: Path) -> None:
    """Stage plots under their `wdir`, in the root and in a nested dvc.yaml; a top-level plot
    with two fields of one file."""
    revs = ["workspace", "main", "scale-2", "v1"]
    got = ours(wdir_plots_repo, revs)
    assert normalise_ours(got) == dvc_plots(wdir_plots_repo, revs)
    assert "work/out/steps.csv" in got["plots"] and "sub/inner/curve.json" in got["plots"]
    assert set(got["plots"]["Steps"]["series"]["main"]["y"]) == {"loss", "acc"}


def test_data_diff_of_a_sub_folder_project_equals_dvc_diff(subdir_plots_repo: Path) -> None:
    """The DVC outs a diff lists are `dvc diff`'s, found through the project's own dvc.lock
    (paths stay relative to the git root, as the rest of a diff)."""
    from dvc.repo import Repo

    with quiet_dvc(), Repo(str(subdir_plots_repo)) as dvc_repo:
        theirs = dvc_repo.diff("v1", "lr-3")
    expected = {(kind, f"ml/{e['path']}") for kind in ("added", "deleted", "modified")
                for e in theirs[kind]}  # fmt: skip
    with open_repo(subdir_plots_repo) as repo:
        listed = list_revisions(repo)
        base, head = (resolve_revision(repo, name, listed) for name in ("v1", "lr-3"))
        changes = changed_files(repo, base, head).files
    assert {(c.status, c.path) for c in changes if c.kind == "dvc"} == expected
    assert ("modified", "ml/logs/train.csv") in expected
