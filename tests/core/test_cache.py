"""The persistent per-commit cache: identical results, corrupt entries rebuilt, never trusted."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cd4ml_tui.core.git.repo import open_repo
from cd4ml_tui.core.model import RevisionValues
from cd4ml_tui.core.revisions import list_revisions
from cd4ml_tui.core.values.cache import ResultCache, cache_dir_for, decode_entry, encode_entry
from cd4ml_tui.core.values.parse import READER_VERSION
from cd4ml_tui.core.values.read import read_values
from cd4ml_tui.core.values.reader import ReadResult


def _read(path: Path, use_cache: bool) -> list[RevisionValues]:
    with open_repo(path) as repo:
        return list(read_values(repo, list_revisions(repo), use_cache=use_cache))


def _dump(rows: list[RevisionValues]) -> str:
    """Comparable text (NaN != NaN in a plain == of dicts)."""
    return json.dumps(
        [[r.revision.rev, r.params, r.metrics, r.errors] for r in rows], allow_nan=True
    )


def _entries(repo: Path) -> list[Path]:
    return sorted(cache_dir_for(repo).glob("*/*.json"))


def test_results_with_and_without_cache_are_identical(demo_copy: Path) -> None:
    fresh = _read(demo_copy, use_cache=False)
    assert _entries(demo_copy) == []  # --no-cache writes nothing
    cold = _read(demo_copy, use_cache=True)
    commits = {r.revision.rev for r in fresh if r.revision.kind != "workspace"}
    stored = {p.parent.name + p.stem for p in _entries(demo_copy)}
    assert stored == {r.revision.rev for r in fresh if r.revision.status not in ("queued",)} - {
        "workspace"
    }
    assert stored <= commits
    warm = _read(demo_copy, use_cache=True)
    assert _dump(fresh) == _dump(cold) == _dump(warm)


def test_cache_lives_in_dvc_tmp(demo_copy: Path) -> None:
    assert cache_dir_for(demo_copy) == (
        demo_copy / ".dvc" / "tmp" / "cd4ml-tui" / f"v{READER_VERSION}"
    )


def test_cache_without_dvc_goes_to_user_cache_dir(plain_git_repo: Path) -> None:
    folder = cache_dir_for(plain_git_repo)
    assert not folder.is_relative_to(plain_git_repo)
    _read(plain_git_repo, use_cache=True)
    assert len(list(folder.glob("*/*.json"))) == 2  # main and the v1/other commit


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: raw[:-5],  # truncated
        lambda raw: raw.replace(b'"', b"'", 1) if b'"' in raw else raw + b"x",  # edited payload
        lambda raw: b"",  # empty
        lambda raw: raw.replace(f" {READER_VERSION} ".encode(), b" 999 ", 1),  # other version
        lambda raw: raw.split(b"\n", 1)[1],  # header gone
    ],
)
def test_corrupt_entry_is_detected_and_rebuilt(demo_copy: Path, damage) -> None:
    expected = _dump(_read(demo_copy, use_cache=True))
    entry = _entries(demo_copy)[0]
    sha = entry.parent.name + entry.stem
    entry.write_bytes(damage(entry.read_bytes()))
    assert ResultCache(cache_dir_for(demo_copy)).get(sha) is None
    assert not entry.exists()  # dropped, not trusted
    assert _dump(_read(demo_copy, use_cache=True)) == expected
    assert ResultCache(cache_dir_for(demo_copy)).get(sha) is not None  # rebuilt


def test_entry_of_another_commit_is_rejected(tmp_path: Path) -> None:
    result = ReadResult(params={"params.yaml": {"lr": 0.1}}, metrics={}, errors={})
    raw = encode_entry("a" * 40, result)
    assert decode_entry(raw, "a" * 40) == result
    assert decode_entry(raw, "b" * 40) is None


def test_nan_and_infinity_survive_the_cache(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path)
    result = ReadResult(metrics={"m.json": {"n": float("nan"), "i": float("-inf")}})
    cache.put("c" * 40, result)
    back = cache.get("c" * 40)
    assert back is not None
    assert json.dumps(back.metrics) == json.dumps(result.metrics)
    assert list(tmp_path.rglob(".tmp-*")) == []  # the atomic write left no temp file


def test_missing_dvc_objects_are_not_cached(missing_cache_repo: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "missing"
    shutil.copytree(missing_cache_repo, copy, symlinks=True)
    rows = _read(copy, use_cache=True)
    first = next(r for r in rows if "refs/tags/first" in r.revision.refs)
    assert first.errors  # the lost object
    stored = {p.parent.name + p.stem for p in _entries(copy)}
    assert first.revision.rev not in stored  # a `dvc pull` may bring it later
    assert stored  # the complete revisions are cached


def test_workspace_is_never_cached(demo_copy: Path) -> None:
    before = _read(demo_copy, use_cache=True)[0]
    params = demo_copy / "params.yaml"
    params.write_text(re.sub(r"lr: [0-9.e-]+", "lr: 0.07", params.read_text(), count=1))
    after = _read(demo_copy, use_cache=True)[0]
    assert before.params["params.yaml"]["train.lr"] != 0.07
    assert after.params["params.yaml"]["train.lr"] == 0.07
