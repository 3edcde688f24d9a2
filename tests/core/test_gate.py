"""The gate end to end on real repos: `cd4ml-tui gate` passes (exit 0), fails (exit 1) and errs
(exit 2) with the exact values DVC reports; its baseline is a GTO stage set by the real gto, a
revision, or the compare baseline rule; nothing in the repo changes."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from cd4ml_tui.cli import main
from cd4ml_tui.core.api import list_revisions, open_repo, run_gate
from cd4ml_tui.core.config import GateRule, GateSettings, Settings
from tests.core.oracle import dvc_view
from tests.promote_support import GTO, fingerprint
from tests.review_support import git, make_gate_repo, write_settings

RULES = """\
[gate]
against = "base"
[gate.rules]
"metrics.json:accuracy" = { worse_by = 0.01 }
"val.f1" = { worse_by_pct = 1.0 }
latency_ms = { max = 5.0 }
loss = { worse_by = 0.05 }
"""


@pytest.fixture(scope="module")
def gate_repo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_gate_repo(tmp_path_factory.mktemp("gate") / "gate")


@pytest.fixture(scope="module")
def dvc_values(gate_repo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """DVC's own metrics of every revision (read from a private copy: DVC writes its cache)."""
    copy = tmp_path_factory.mktemp("oracle") / "gate"
    shutil.copytree(gate_repo_template, copy, symlinks=True)
    return dvc_view(copy)


@pytest.fixture
def repo(gate_repo_template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "repo"
    shutil.copytree(gate_repo_template, target, symlinks=True)
    write_settings(target, RULES)
    return target


def gate(repo: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["gate", *args, "-C", str(repo)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def dvc_metric(dvc_values: dict, repo: Path, rev: str, metric: str) -> object:
    path, key = metric.split(":", 1)
    return dvc_values[git(repo, "rev-parse", rev)]["metrics"][path][key]


def test_a_passing_gate_exits_0_with_dvcs_values(
    repo: Path, dvc_values: dict, capsys: pytest.CaptureFixture[str]
) -> None:
    before = fingerprint(repo)
    code, out, _ = gate(repo, "good", "--json", capsys=capsys)
    assert code == 0
    doc = json.loads(out)
    assert set(doc) == {"revision", "against", "passed", "checks"}
    assert doc["revision"] == git(repo, "rev-parse", "good")
    assert doc["against"] == git(repo, "rev-parse", "base")
    assert doc["passed"] is True
    metrics = [c["metric"] for c in doc["checks"]]
    assert metrics == [
        "metrics.json:accuracy",
        "metrics.json:val.f1",
        "eval/stats.yaml:latency_ms",
        "metrics.json:loss",
    ]
    for check in doc["checks"]:
        assert set(check) == {"metric", "rule", "baseline", "value", "delta", "passed", "reason"}
        value = dvc_metric(dvc_values, repo, "good", check["metric"])
        baseline = dvc_metric(dvc_values, repo, "base", check["metric"])
        assert check["value"] == value and type(check["value"]) is type(value)
        assert check["baseline"] == baseline
        assert check["delta"] == value - baseline  # as `dvc exp diff` computes it
        assert check["passed"] is True
    assert [c["rule"] for c in doc["checks"]] == [
        "worse_by 0.01",
        "worse_by_pct 1.0",
        "max 5.0",
        "worse_by 0.05",
    ]
    assert fingerprint(repo) == before


def test_a_failing_gate_exits_1_and_says_why(
    repo: Path, dvc_values: dict, capsys: pytest.CaptureFixture[str]
) -> None:
    before = fingerprint(repo)
    code, out, _ = gate(repo, "bad", "--json", capsys=capsys)
    assert code == 1
    doc = json.loads(out)
    assert doc["passed"] is False
    checks = {c["metric"]: c for c in doc["checks"]}
    accuracy = checks["metrics.json:accuracy"]
    # 0.9 - 0.91 is -0.010000000000000009 in floats: worse by exactly the allowed 0.01
    assert accuracy["delta"] == dvc_metric(dvc_values, repo, "bad", "metrics.json:accuracy") - 0.91
    assert accuracy["passed"] is True
    f1 = checks["metrics.json:val.f1"]
    assert f1["passed"] is False and "worse by 2.5%" in f1["reason"]
    latency = checks["eval/stats.yaml:latency_ms"]
    assert (
        latency["passed"] is False and latency["value"] == 6.25 and "> max 5.0" in latency["reason"]
    )
    loss = checks["metrics.json:loss"]  # lower is better: up by 0.06 is worse by 0.06
    assert loss["passed"] is False and loss["delta"] == 0.36 - 0.3

    code, md, _ = gate(repo, "bad", "--md", capsys=capsys)
    assert code == 1
    assert md.startswith("### ❌ Gate failed (3 of 4)")
    assert "| `metrics.json:loss` ↓ | worse_by 0.05 | 0.3 | 0.36 | +0.06 | ❌ worse by 0.06" in md
    code, text, _ = gate(repo, "bad", capsys=capsys)
    assert code == 1 and "gate failed" in text
    assert fingerprint(repo) == before


def test_a_gto_stage_is_the_baseline_and_follows_the_stage(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_settings(repo, RULES.replace('against = "base"', 'against = "classifier#prod"'))
    code, out, _ = gate(repo, "bad", "--json", capsys=capsys)
    assert code == 1
    assert json.loads(out)["against"] == git(repo, "rev-parse", "base")
    # the real gto moves prod to v1.1.0 (on `good`): the gate now holds against `good`
    subprocess.run(
        [GTO, "assign", "classifier", "good", "--stage", "prod"],
        cwd=repo,
        check=True,
        capture_output=True,
    )
    code, out, _ = gate(repo, "bad", "--json", capsys=capsys)
    assert json.loads(out)["against"] == git(repo, "rev-parse", "good")
    code, out, _ = gate(repo, "good", "--against", "classifier#prod", "--json", capsys=capsys)
    assert code == 0 and json.loads(out)["against"] == git(repo, "rev-parse", "good")
    code, md, _ = gate(repo, "good", "--md", capsys=capsys)
    assert "against `classifier#prod`" in md
    code, _, err = gate(repo, "good", "--against", "classifier#staging", capsys=capsys)
    assert code == 2 and "no version of classifier is in stage 'staging'" in err


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ("[gate.rules]\naccuracy = { worse_by = 0.01 }\n", "ambiguous; use one of"),
        ("[gate.rules]\nacurracy = { max = 1 }\n", "no such metric"),
        ("[gate.rules]\nsamples = { worse_by = 10 }\n", "has no direction"),
        ('[gate.rules]\nloss = { worse_by = "a lot" }\n', "worse_by must be a number"),
        ("[gate.rules]\nloss = { below = 1 }\n", "unknown bound 'below'"),
        ('[gate]\nagainst = "base"\n', "no gate rules"),
        ('[gate]\nagainst = "nowhere"\n[gate.rules]\nloss = { max = 1 }\n', "'nowhere'"),
    ],
)
def test_errors_exit_2_with_one_line(
    repo: Path, settings: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    write_settings(repo, settings)
    code, out, err = gate(repo, "bad", "--json", capsys=capsys)
    assert code == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1


def test_unknown_revision_and_non_numbers(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = gate(repo, "no-such-rev", capsys=capsys)
    assert code == 2 and "unknown revision" in err
    code, out, _ = gate(repo, "text", "--json", capsys=capsys)
    assert code == 1
    accuracy = json.loads(out)["checks"][0]
    assert accuracy["value"] == "n/a" and accuracy["passed"] is False
    assert "not a number" in accuracy["reason"] and accuracy["delta"] is None


def test_a_value_missing_from_the_dvc_cache_fails_with_the_reason(
    missing_cache_repo: Path,
) -> None:
    rules = (GateRule("latency_ms", "max", 100), GateRule("accuracy", "worse_by", 0.5))
    settings = Settings(gate=GateSettings(rules=rules))
    with open_repo(missing_cache_repo) as repo:
        revisions = list_revisions(repo)
        first = next(r for r in revisions if "refs/tags/first" in r.refs)
        result = run_gate(repo, first, settings, "second", revisions)
    latency, accuracy = result.checks
    assert not result.passed
    assert latency.metric == "eval/stats.yaml:latency_ms" and latency.value is None
    assert "not in local DVC cache" in latency.reason
    assert accuracy.passed  # metrics.json is in git: read fine


def test_without_against_the_gate_uses_the_compare_baseline(demo_repo: Path) -> None:
    settings = Settings(gate=GateSettings(rules=(GateRule("accuracy", "worse_by", 0.5),)))
    with open_repo(demo_repo) as repo:
        revisions = list_revisions(repo)
        experiment = next(r for r in revisions if r.kind == "experiment" and r.status == "success")
        result = run_gate(repo, experiment, settings, revisions=revisions)
        assert result.against.rev == experiment.baseline  # the experiment's own baseline
        head = next(r for r in revisions if r.rev == repo.head and r.kind == "commit")
        result = run_gate(repo, head, settings, revisions=revisions)
        assert result.against.rev == head.parents[0]  # HEAD against its parent
        configured = Settings(baseline="v0.1", gate=settings.gate)
        result = run_gate(repo, experiment, configured, revisions=revisions)
        assert result.against_name == "v0.1"
