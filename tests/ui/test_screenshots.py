"""The screenshot exporter drives the real app on a real repo and saves SVGs the app renders."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow


def test_exporter_saves_every_screen_of_the_demo(demo_copy, tmp_path):
    out = tmp_path / "shots"
    result = subprocess.run(
        [sys.executable, "-m", "cd4ml_tui.screenshots", str(demo_copy), str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "compare.svg",
        "diff.svg",
        "help.svg",
        "insight-parallel.svg",
        "insight.svg",
        "main.svg",
        "notebook-diff.svg",
        "plots.svg",
        "promote.svg",
        "review.svg",
    ]
    order = (
        "main.svg",
        "help.svg",
        "compare.svg",
        "plots.svg",
        "insight.svg",
        "insight-parallel.svg",
        "review.svg",
        "diff.svg",
        "promote.svg",
        "notebook-diff.svg",
    )
    assert result.stdout.split() == [str(out / n) for n in order]
    main = (out / "main.svg").read_text()
    assert main.startswith("<svg") and "accuracy" in main and "epochs-20" in main
    assert "Mark" in (out / "help.svg").read_text()
    compare = (out / "compare.svg").read_text()
    assert "accuracy" in compare and "worse_by&#160;0.01" in compare  # the gate's marks
    review = (out / "review.svg").read_text()
    assert "Request&#160;changes" in review and "latency" in review
    notes = subprocess.run(
        ["git", "for-each-ref", "refs/notes"], cwd=demo_copy, capture_output=True, text=True
    )
    assert notes.stdout == ""  # the review dialog was closed with Escape: nothing recorded
    assert "Plots" in (out / "plots.svg").read_text()
    insight = (out / "insight.svg").read_text()
    assert "spearman" in insight and "train.lr" in insight
    assert "Parallel" in (out / "insight-parallel.svg").read_text()
    notebook = (out / "notebook-diff.svg").read_text()
    assert "added&#160;code&#160;cell&#160;5" in notebook and "higher&#160;latency" in notebook


def test_exporter_reports_a_bad_folder_in_one_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "cd4ml_tui.screenshots", str(tmp_path / "nope"), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "no such directory" in result.stderr
