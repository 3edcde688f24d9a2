"""Plot definitions beyond the demo, held against DVC's own plots data on a purpose-built repo.

The repo has a directory of CSVs as one plot id, TSV/JSON/YAML data, y from two files with the
same field, an x given per file, inferred x and y, a nested dvc.yaml with a stage `wdir` and a
headerless CSV, the same plot id in two dvc.yaml files, a file missing in one revision, changed
titles between revisions (the first revision's win), and an uncommitted workspace change.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cd4ml_tui.core.git.repo import open_repo
from cd4ml_tui.core.plots.load import load_plots, plots_json
from cd4ml_tui.core.revisions import list_revisions, resolve_revision
from cd4ml_tui.demo import RepoShell
from tests.core.test_plots_oracle import dvc_plots, normalise_ours

ROOT_DVC_YAML = """\
plots:
  - curves:
      x: step
      y: value
  - curves/special:
      y: value
  - Both losses:
      title: {title}
      x: epoch
      y:
        logs/train.tsv: loss
        logs/val.json: loss
  - logs/metrics.yaml:
      y: [acc, f1]
  - Cross:
      x:
        logs/train.tsv: epoch
      y:
        logs/val.json: acc
  - logs/nested.json
"""

SUB_DVC_YAML = """\
stages:
  make:
    cmd: python -c "pass"
    wdir: data
    plots:
      - raw.csv:
          cache: false
          header: false
          x: "0"
          y: "1"
plots:
  - Cross:
      y:
        table.csv: b
      x: a
"""


def _files(version: int) -> dict[str, str]:
    n = 3 + version
    tsv = "epoch\tloss\n" + "".join(f"{i}\t{1 / i + version:.3f}\n" for i in range(1, n + 1))
    val_rows = ", ".join(
        f'{{"epoch": {i}, "loss": {0.9 / i:.3f}, "acc": {0.5 + i / 20:.2f}}}'
        for i in range(1, n + 1)
    )
    files = {
        "dvc.yaml": ROOT_DVC_YAML.format(title=f"Losses v{version}"),
        "curves/a.csv": "step,value\n" + "".join(f"{i},{i * i + version}\n" for i in range(n)),
        "curves/b.csv": "step,value\n1,5\n2,4\n",
        "curves/special/c.csv": "value,other\n7,1\n8,2\n",
        "logs/train.tsv": tsv,
        "logs/val.json": f'{{"history": [{val_rows}], "note": "ok"}}\n',
        "logs/nested.json": '{"a": {"points": [{"t": 1, "v": 2.5}, {"t": 2, "v": 3.5}]}}\n',
        "sub/dvc.yaml": SUB_DVC_YAML,
        "sub/data/raw.csv": "".join(f"{i},{10 - i + version}\n" for i in range(4)),
        "sub/table.csv": "a,b\nx,1\ny,2\n",
    }
    if version >= 2:
        rows = "  - acc: 0.5\n    f1: 0.4\n  - acc: 0.6\n    f1: 0.55\n"
        files["logs/metrics.yaml"] = "rows:\n" + rows
    return files


@pytest.fixture(scope="module")
def plots_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("plots-defs") / "repo"
    root.mkdir()
    shell = RepoShell(root)
    shell.git("init", "-q", "-b", "main")
    shell.dvc("init", "-q")
    shell.write(_files(1))
    shell.commit_all("first plots")
    shell.git("tag", "one")
    shell.write(_files(2))
    shell.commit_all("second plots")
    shell.git("tag", "two")
    shell.write({"logs/train.tsv": "epoch\tloss\n1\t0.1\n2\t0.05\n"})  # uncommitted change
    return root


def ours(root: Path, revs: list[str]) -> dict:
    with open_repo(root) as repo:
        listed = list_revisions(repo)
        revisions = [resolve_revision(repo, name, listed) for name in revs]
        return plots_json(load_plots(repo, revisions, revs))


@pytest.mark.parametrize("revs", [["one", "two"], ["two", "one", "workspace"]])
def test_definitions_and_data_equal_dvc(plots_repo: Path, tmp_path: Path, revs: list[str]) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(plots_repo, copy, symlinks=True)
    got = ours(copy, revs)
    assert normalise_ours(got) == dvc_plots(copy, revs)
    plots = got["plots"]
    assert {"curves/a.csv", "curves/b.csv", "curves/special/c.csv"} <= set(plots)
    assert {"dvc.yaml::Cross", "sub/dvc.yaml::Cross", "sub/data/raw.csv"} <= set(plots)
    both = plots["Both losses"]["series"]["two"]["y"]
    assert set(both) == {"train.tsv::loss", "val.json::loss"}
    assert plots["logs/nested.json"]["x"] == "step"
    assert "one" not in plots["logs/metrics.yaml"]["series"]  # no file there, no series
    assert plots["Both losses"]["title"] == f"Losses v{1 if revs[0] == 'one' else 2}"


def test_read_only(plots_repo: Path) -> None:
    """Loading plots writes nothing: the repo's status and files are unchanged."""
    shell = RepoShell(plots_repo)
    before = shell.git("status", "--porcelain", "--ignored")
    ours(plots_repo, ["one", "workspace"])
    assert shell.git("status", "--porcelain", "--ignored") == before
