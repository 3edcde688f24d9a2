"""`cd4ml-tui show`: the JSON contract, CSV, Markdown and the rich table, on the demo repo."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from cd4ml_tui.cli import main
from cd4ml_tui.core.values.read import load
from cd4ml_tui.demo import RepoShell
from tests.builders import make_empty_git

HEX40 = re.compile(r"^[0-9a-f]{40}$")
KEYS = {"rev", "kind", "name", "refs", "baseline", "timestamp", "status", "params", "metrics"}


def _show(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["show", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def demo_json(demo_repo: Path) -> dict:
    """`show --json --no-cache` of the demo (read-only: --no-cache writes nothing)."""
    import contextlib

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert main(["show", "--json", "--no-cache", str(demo_repo)]) == 0
    return json.loads(buffer.getvalue())


def test_json_shape(demo_json: dict, demo_repo: Path) -> None:
    assert demo_json["repo"] == str(demo_repo)
    revisions = demo_json["revisions"]
    assert revisions[0]["rev"] == "workspace" and revisions[0]["kind"] == "workspace"
    for rev in revisions:
        assert KEYS | {"errors"} <= set(rev)
        assert rev["kind"] in ("workspace", "commit", "experiment")
        assert rev["status"] in (None, "success", "queued", "running", "failed")
        if rev["kind"] != "workspace":
            assert HEX40.match(rev["rev"]) and rev["timestamp"].startswith("20")
        if rev["kind"] == "experiment":
            assert HEX40.match(rev["baseline"]) and rev["name"]
        else:
            assert rev["baseline"] is None
    main_rev = next(r for r in revisions if "refs/heads/main" in r["refs"])
    assert main_rev["name"] == "main" and main_rev["status"] is None
    assert isinstance(main_rev["params"]["params.yaml"]["train.layers"], list)
    assert {"queued", "success"} <= {r["status"] for r in revisions}


def test_json_values_are_the_readers(demo_json: dict, demo_repo: Path) -> None:
    repo, rows = load(demo_repo, use_cache=False)
    repo.close()
    ours = [
        {"rev": r.revision.rev, "params": r.params, "metrics": r.metrics, "errors": r.errors}
        for r in rows
    ]
    theirs = [
        {k: r[k] for k in ("rev", "params", "metrics", "errors")} for r in demo_json["revisions"]
    ]
    assert json.dumps(theirs) == json.dumps(ours)


def test_cached_json_equals_no_cache_json(
    demo_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outputs = [
        _show(capsys, "--json", *flag, str(demo_copy))[1] for flag in ([], [], ["--no-cache"])
    ]
    assert outputs[0] == outputs[1] == outputs[2]


def test_csv(demo_repo: Path, demo_json: dict, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _show(capsys, "--csv", "--no-cache", str(demo_repo))
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][:2] == ["Experiment", "rev"] and "accuracy" in rows[0]
    assert len(rows) == 1 + len(demo_json["revisions"])
    col = rows[0].index("accuracy")
    main_row = next(r for r in rows[1:] if r[0] == "main")
    main_rev = next(r for r in demo_json["revisions"] if r["name"] == "main")
    assert float(main_row[col]) == main_rev["metrics"]["metrics.json"]["accuracy"]


def test_markdown(demo_repo: Path, demo_json: dict, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _show(capsys, "--md", "--no-cache", str(demo_repo))
    lines = out.splitlines()
    assert code == 0 and lines[0].startswith("| Experiment | rev | Created |")
    assert lines[1].startswith("| --- |")
    assert len(lines) == 2 + len(demo_json["revisions"])
    assert any("├──" in line or "└──" in line for line in lines)


def test_rich_table(demo_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _show(capsys, "--no-cache", str(demo_repo))
    header = out.splitlines()[0]
    assert code == 0
    assert header.index("accuracy") < header.index("train.lr")  # metrics, then params
    assert "└── " in out and "main" in out


def test_rich_table_has_a_status_column(
    demo_repo: Path, demo_json: dict, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _show(capsys, "--no-cache", str(demo_repo))
    lines = out.splitlines()
    start = lines[0].index("Status")
    assert code == 0 and lines[0].index("Created") < start < lines[0].index("accuracy")
    statuses = [line[start:].split(" ", 1)[0] for line in lines[1:]]
    assert statuses == [row["status"] or "" for row in demo_json["revisions"]]
    assert "queued" in statuses and "success" in statuses


def test_rev_widens_the_set(demo_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = json.loads(_show(capsys, "--json", "--no-cache", str(demo_repo))[1])
    listed = {r["rev"] for r in first["revisions"]}
    code, out, _ = _show(capsys, "--json", "--no-cache", "--rev", "v0.1~0", str(demo_repo))
    assert code == 0 and {r["rev"] for r in json.loads(out)["revisions"]} == listed
    code, out, err = _show(capsys, "--json", "--rev", "no-such-rev", str(demo_repo))
    assert code == 2 and out == "" and "no-such-rev" in err and len(err.splitlines()) == 1


def test_all_commits_adds_history_but_no_experiment_commits(
    demo_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _show(capsys, "--json", "--no-cache", "--all-commits", str(demo_repo))
    revisions = json.loads(out)["revisions"]
    exps = {r["rev"] for r in revisions if r["kind"] == "experiment"}
    commits = [r["rev"] for r in revisions if r["kind"] == "commit"]
    assert code == 0 and not exps & set(commits) and len(commits) == len(set(commits))


def test_cached_json_is_byte_for_byte_the_fresh_json_with_non_ascii_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A warm `show --json` copies cached rows into the output as stored; they must give the same
    bytes as rows read fresh (here: a param and a metric that are not ASCII)."""
    shell = RepoShell(make_empty_git(tmp_path / "repo"))
    shell.dvc("init")
    shell.write({"params.yaml": "optimizer: Adam-β\nlabel: café\n", "metrics.json": '{"ü": 0.5}'})
    shell.write({"dvc.yaml": "metrics:\n- metrics.json\n"})
    shell.commit_all("Non-ASCII values")
    repo = str(shell.root)
    cold, first, warm = (_show(capsys, "--json", *f, repo)[1] for f in (["--no-cache"], [], []))
    assert cold == first == warm
    head = json.loads(warm)["revisions"][1]
    assert head["params"]["params.yaml"] == {"optimizer": "Adam-β", "label": "café"}
    assert head["metrics"]["metrics.json"] == {"ü": 0.5}
