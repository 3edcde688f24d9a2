"""The demo repo has what the issues rely on: baselines, experiments, a tag, plots, artifacts,
a notebook that differs between baselines, and a clean working tree."""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from cd4ml_tui.cli import main
from cd4ml_tui.core.errors import Cd4mlError
from cd4ml_tui.demo import (
    MARKER,
    SHARED_EXP_NAME,
    build_demo,
    demo_baselines,
    experiment_plan,
    is_demo,
    is_unfinished_demo,
)
from tests.conftest import DEMO_EXPERIMENTS_PER_BASELINE

pytestmark = pytest.mark.slow


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True
    ).stdout


def exp_refs(repo: Path) -> list[tuple[str, str]]:
    """(baseline sha, name) of every experiment ref, skipping DVC's internal refs."""
    out = git(repo, "for-each-ref", "--format=%(refname)", "refs/exps")
    found = []
    for ref in out.split():
        parts = ref.split("/")
        if len(parts) == 5 and len(parts[2]) == 2 and len(parts[3]) == 38:
            found.append((parts[2] + parts[3], parts[4]))
    return found


def test_experiments_spread_over_three_baselines(demo_repo: Path) -> None:
    refs = exp_refs(demo_repo)
    per_baseline = Counter(baseline for baseline, _ in refs)
    heads = {
        git(demo_repo, "rev-parse", branch).strip()
        for branch in ("main", "feature/wider", "feature/dropout")
    }
    assert set(per_baseline) == heads
    assert all(count == DEMO_EXPERIMENTS_PER_BASELINE for count in per_baseline.values())


def test_each_experiment_commit_has_its_baseline_as_parent(demo_repo: Path) -> None:
    for baseline, name in exp_refs(demo_repo):
        ref = f"refs/exps/{baseline[:2]}/{baseline[2:]}/{name}"
        assert git(demo_repo, "rev-parse", f"{ref}^").strip() == baseline


def test_one_experiment_name_is_shared_by_two_baselines(demo_repo: Path) -> None:
    names = Counter(name for _, name in exp_refs(demo_repo))
    assert [name for name, count in names.items() if count > 1] == [SHARED_EXP_NAME]
    assert names[SHARED_EXP_NAME] == 2


def test_queued_experiment_is_in_the_celery_stash(demo_repo: Path) -> None:
    message = git(demo_repo, "log", "-1", "--format=%s", "refs/exps/celery/stash").strip()
    main = git(demo_repo, "rev-parse", "main").strip()
    assert message == f"dvc-exp:{main}:{main}:queued-lr-0.05"


def test_annotated_tag_on_first_commit(demo_repo: Path) -> None:
    assert git(demo_repo, "cat-file", "-t", "v0.1").strip() == "tag"
    first = git(demo_repo, "rev-list", "--max-parents=0", "main").strip()
    assert git(demo_repo, "rev-parse", "v0.1^{commit}").strip() == first


def test_dvc_yaml_declares_metrics_plots_and_artifact(demo_repo: Path) -> None:
    dvc_yaml = YAML(typ="safe", pure=True).load((demo_repo / "dvc.yaml").read_text())
    stage = dvc_yaml["stages"]["train"]
    metrics = {next(iter(m)) if isinstance(m, dict) else m: m for m in stage["metrics"]}
    assert metrics["metrics.json"] == {"metrics.json": {"cache": False}}  # git-tracked
    assert metrics["eval/stats.yaml"] == "eval/stats.yaml"  # DVC-cached
    assert stage["params"] == ["train", "model", "data"]
    assert dvc_yaml["plots"] and dvc_yaml["artifacts"]["classifier"]["type"] == "model"
    assert dvc_yaml["artifacts"]["classifier"]["path"] == "model/model.json"


def test_metrics_files_tracked_as_declared(demo_repo: Path) -> None:
    tracked = set(git(demo_repo, "ls-files").split())
    assert {"metrics.json", "plots/train.csv", "dvc.lock", "params.yaml"} <= tracked
    assert "eval/stats.yaml" not in tracked and "model/model.json" not in tracked
    lock = YAML(typ="safe", pure=True).load((demo_repo / "dvc.lock").read_text())
    md5 = next(o["md5"] for o in lock["stages"]["train"]["outs"] if o["path"] == "eval/stats.yaml")
    cached = demo_repo / ".dvc" / "cache" / "files" / "md5" / md5[:2] / md5[2:]
    assert cached.read_bytes() == (demo_repo / "eval" / "stats.yaml").read_bytes()


def test_accuracy_varies_in_a_realistic_range(demo_repo: Path) -> None:
    accuracies = set()
    for baseline, name in exp_refs(demo_repo):
        ref = f"refs/exps/{baseline[:2]}/{baseline[2:]}/{name}"
        accuracies.add(json.loads(git(demo_repo, "show", f"{ref}:metrics.json"))["accuracy"])
    assert len(accuracies) >= 6
    assert all(0.7 <= acc <= 0.95 for acc in accuracies)


def test_notebook_differs_between_baselines_by_one_line_and_one_cell(demo_repo: Path) -> None:
    import nbformat
    from nbdime import diff_notebooks

    main_nb, wider_nb = (
        nbformat.reads(git(demo_repo, "show", f"{rev}:notebooks/explore.ipynb"), as_version=4)
        for rev in ("main", "feature/wider")
    )
    for nb in (main_nb, wider_nb):
        nbformat.validate(nb)
        assert nb.nbformat_minor == 5
    diff = diff_notebooks(main_nb, wider_nb)
    cell_ops = next(entry for entry in diff if entry["key"] == "cells")["diff"]
    assert Counter(op["op"] for op in cell_ops) == {"patch": 2, "addrange": 1}
    patched_parts = {
        main_nb.cells[op["key"]].id: {part["key"] for part in op["diff"]}
        for op in cell_ops
        if op["op"] == "patch"
    }
    # One cell changes its source (and so its result); another only its image output.
    assert patched_parts == {"layer-sizes": {"source", "outputs"}, "plot-curve": {"outputs"}}
    old_cell, new_cell = (
        next(c for c in nb.cells if c.id == "layer-sizes") for nb in (main_nb, wider_nb)
    )
    changed = set(old_cell.source.splitlines()) ^ set(new_cell.source.splitlines())
    assert changed == {"layers = [64, 32]", "layers = [128, 64]"}
    added = next(op for op in cell_ops if op["op"] == "addrange")["valuelist"]
    assert [cell.id for cell in added] == ["capacity-note"]
    outputs = [o for c in main_nb.cells if c.cell_type == "code" for o in c.outputs]
    assert {o.output_type for o in outputs} >= {"stream", "display_data"}
    assert any("image/png" in o.get("data", {}) for o in outputs)


def test_working_tree_clean_on_main(demo_repo: Path) -> None:
    assert git(demo_repo, "status", "--porcelain") == ""
    assert git(demo_repo, "symbolic-ref", "HEAD").strip() == "refs/heads/main"
    assert is_demo(demo_repo)


def test_dvc_sees_every_experiment(demo_repo: Path) -> None:
    from dvc.repo import Repo

    with Repo(str(demo_repo)) as repo:
        shown = repo.experiments.show(all_branches=True, all_tags=True)
    names = [exp.name for base in shown for exp in base.experiments or []]
    assert len(names) == 3 * DEMO_EXPERIMENTS_PER_BASELINE + 1  # + the queued one
    assert {base.name for base in shown} >= {"main", "feature/wider", "feature/dropout", "v0.1"}


def test_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("user data\n")
    with pytest.raises(Cd4mlError, match="not empty"):
        build_demo(tmp_path, experiments_per_baseline=0)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


def test_same_params_give_same_metrics(demo_repo: Path, tmp_path: Path) -> None:
    """Deterministic: a second build's baselines have the same commits (fixed dates/author)."""
    rebuilt = build_demo(tmp_path / "again", experiments_per_baseline=0, queued=False)
    for branch in ("main", "feature/wider", "feature/dropout"):
        assert git(rebuilt, "rev-parse", branch) == git(demo_repo, "rev-parse", branch)
    assert (rebuilt / MARKER).is_file()


def test_cli_refuses_a_non_empty_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("mine\n")
    assert main(["demo", str(tmp_path), "--no-open"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not empty" in err and str(tmp_path) in err
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


@pytest.mark.parametrize("argv", [["--experiments", "-1"], []])
def test_cli_rejects_bad_arguments(tmp_path: Path, argv: list[str]) -> None:
    target = tmp_path / "a-file"
    target.write_text("x\n")
    path = str(tmp_path / "new") if argv else str(target)
    assert main(["demo", path, "--no-open", *argv]) == 2
    assert not (tmp_path / "new").exists()


def test_cli_reopens_an_existing_demo_without_touching_it(
    demo_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    refs = git(demo_copy, "for-each-ref")
    assert main(["demo", str(demo_copy), "--no-open"]) == 0
    assert "reopening" in capsys.readouterr().err
    assert git(demo_copy, "for-each-ref") == refs
    assert git(demo_copy, "status", "--porcelain") == ""


def test_cli_names_an_interrupted_build(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def interrupt(line: str) -> None:
        if line.startswith("running the pipeline"):
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build_demo(tmp_path / "demo", progress=interrupt)
    assert is_unfinished_demo(tmp_path / "demo") and not is_demo(tmp_path / "demo")
    assert main(["demo", str(tmp_path / "demo"), "--no-open"]) == 2
    assert "unfinished demo build" in capsys.readouterr().err


def test_a_user_repo_is_never_called_an_unfinished_demo(demo_copy: Path) -> None:
    (demo_copy / MARKER).unlink()
    exclude = demo_copy / ".git" / "info" / "exclude"
    exclude.write_text(exclude.read_text().replace(MARKER, ""))
    assert not is_unfinished_demo(demo_copy)
    assert main(["demo", str(demo_copy), "--no-open"]) == 2


def test_more_experiments_than_named_ones_come_from_a_sweep() -> None:
    for baseline in demo_baselines():
        plan = experiment_plan(baseline, 40)
        assert plan[: len(baseline.experiments)] == list(baseline.experiments)
        assert len({name for name, _ in plan}) == 40
        assert len({frozenset(sets) for _, sets in plan}) == 40


def test_demo_readme_says_the_commands_need_the_venv(demo_repo: Path) -> None:
    readme = (demo_repo / "README.md").read_text(encoding="utf-8")
    assert "cd4ml-tui ." in readme and "dvc exp show" in readme
    assert "not on your PATH until you activate it" in readme and "bin/activate" in readme
