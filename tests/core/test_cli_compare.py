"""`cd4ml-tui compare` end to end on the demo repo: N-way JSON, Markdown, unchanged rows, errors.

Expected values are read straight from the core reader, independently of the compare module.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cd4ml_tui.cli import main
from cd4ml_tui.core.git.repo import open_repo
from cd4ml_tui.core.model import ColumnKey, RevisionValues
from cd4ml_tui.core.revisions import list_revisions, resolve_revision
from cd4ml_tui.core.values.read import read_values
from tests.builders import git

ACCURACY = ColumnKey("metric", "metrics.json", "accuracy")
LR = ColumnKey("param", "params.yaml", "train.lr")
SEED = ColumnKey("param", "params.yaml", "data.seed")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def values_of(root: Path, names: list[str]) -> list[RevisionValues]:
    with open_repo(root) as repo:
        listed = list_revisions(repo)
        revisions = [resolve_revision(repo, name, listed) for name in names]
        return list(read_values(repo, revisions, use_cache=False))


def test_nway_json(demo_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    names = ["main", "epochs-20", "lr-0.1", "feature/wider"]
    code, out, _ = run(capsys, "compare", *names, "--json", "--no-cache", "-C", str(demo_repo))
    assert code == 0
    doc: dict[str, Any] = json.loads(out)
    assert doc["baseline"] == "main" and doc["revisions"] == names[1:]
    base, *others = values_of(demo_repo, names)
    acc = doc["metrics"]["metrics.json"]["accuracy"]
    assert acc["old"] == base.get(ACCURACY)
    assert acc["new"] == {n: v.get(ACCURACY) for n, v in zip(names[1:], others, strict=True)}
    for name, other in zip(names[1:], others, strict=True):
        assert acc["diff"][name] == other.get(ACCURACY) - base.get(ACCURACY)
        assert acc["better"][name] is (other.get(ACCURACY) > base.get(ACCURACY))
    best = max([base, *others], key=lambda v: v.get(ACCURACY))
    assert acc["best"] == [names[[base, *others].index(best)]]
    assert acc["direction"] == "max" and acc["inferred"] is True
    lr = doc["params"]["params.yaml"]["train.lr"]
    assert lr["changed"] == ["lr-0.1"] and "direction" not in lr
    # Without --all a row that no revision changes is left out; with --all it is there.
    assert base.get(SEED) == others[0].get(SEED) == others[1].get(SEED) == others[2].get(SEED)
    assert "data.seed" not in doc["params"]["params.yaml"]
    code, out, _ = run(capsys, "compare", *names, "--json", "--all", "--no-cache",
                       "-C", str(demo_repo))  # fmt: skip
    assert json.loads(out)["params"]["params.yaml"]["data.seed"]["changed"] == []


def test_markdown(demo_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "compare", "main", "epochs-20", "lr-0.1", "--md", "--no-cache",
                       "-C", str(demo_repo))  # fmt: skip
    assert code == 0
    lines = out.splitlines()
    assert "| Path | Key | main (baseline) | epochs-20 | lr-0.1 |" in lines
    row = next(line for line in lines if line.startswith("| metrics.json | accuracy ↑ |"))
    base, better, worse = values_of(demo_repo, ["main", "epochs-20", "lr-0.1"])
    assert better.get(ACCURACY) > base.get(ACCURACY) > worse.get(ACCURACY)
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert "▲" in cells[3] and "✅ better" in cells[3] and cells[3].startswith("**")
    assert "▼" in cells[4] and "❌ worse" in cells[4]
    assert "data.seed" not in out  # unchanged: left out without --all


def test_table_output(demo_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "compare", "main", "lr-0.1", "--no-cache", "-C", str(demo_repo))
    assert code == 0
    assert "accuracy" in out and "lr-0.1" in out and "▼" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["main", "no-such-rev"], "unknown revision 'no-such-rev'"),
        (["main", "main"], "given twice"),
    ],
)
def test_bad_revisions_exit_2(
    demo_repo: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, "compare", *argv, "--json", "--no-cache", "-C", str(demo_repo))
    assert code == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_name_under_two_baselines_is_the_one_on_head(
    demo_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """DVC's `resolve_name`: the experiment whose baseline is HEAD (main), said on stderr."""
    with open_repo(demo_repo) as repo:
        listed = list_revisions(repo)
        on_head = [r for r in listed if r.name == "lr-0.01" and r.baseline == repo.head]
    code, out, err = run(capsys, "compare", "main", "lr-0.01", "--json", "-C", str(demo_repo))
    assert code == 0 and len(on_head) == 1
    assert f"picked {on_head[0].short}, whose baseline is HEAD" in err
    expected = values_of(demo_repo, ["main"])[0]
    assert json.loads(out)["metrics"]["metrics.json"]["accuracy"]["old"] == expected.get(ACCURACY)


def test_ambiguous_name_lists_candidates(demo_copy: Path, capsys: pytest.CaptureFixture[str]):
    """Neither baseline of the name is HEAD: ambiguous, as in DVC."""
    git(demo_copy, "checkout", "-q", "--detach", "feature/dropout")
    code, _, err = run(capsys, "compare", "main", "lr-0.01", "--no-cache", "-C", str(demo_copy))
    assert code == 2
    assert err.count("lr-0.01 (") == 2  # both candidates, each with its sha and baseline


def test_hidden_unchanged_rows_are_noted_on_stderr(
    demo_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cd4ml_tui.core.compare.deltas import compare
    from cd4ml_tui.core.config import load_settings

    values = values_of(demo_repo, ["main", "lr-0.1"])
    rows = compare(values[0], values[1:], load_settings(demo_repo)).rows
    hidden = sum(1 for row in rows if not row.changed)
    assert 0 < hidden < len(rows)
    for fmt in ([], ["--md"], ["--json"]):
        code, out, err = run(capsys, "compare", "main", "lr-0.1", *fmt, "-C", str(demo_repo))
        assert code == 0
        assert err == f"cd4ml-tui: note: {hidden} unchanged rows hidden (--all shows them)\n"
        assert "data.seed" not in out
    code, out, err = run(capsys, "compare", "main", "lr-0.1", "--all", "-C", str(demo_repo))
    assert code == 0 and err == "" and "data.seed" in out
