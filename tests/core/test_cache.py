"""The persistent result cache (one SQLite store): identical results, corrupt rows and files
rebuilt, never trusted, shared by two real processes."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from cd4ml_tui.core.git.repo import open_repo
from cd4ml_tui.core.model import RevisionValues
from cd4ml_tui.core.revisions import list_revisions
from cd4ml_tui.core.values.cache import STORE_NAME, ResultCache, cache_dir_for
from cd4ml_tui.core.values.entries import decode_entry, encode_entry
from cd4ml_tui.core.values.parse import READER_VERSION
from cd4ml_tui.core.values.read import read_values, result_cache
from cd4ml_tui.core.values.reader import ReadResult


def _read(path: Path, use_cache: bool) -> list[RevisionValues]:
    with open_repo(path) as repo:
        return list(read_values(repo, list_revisions(repo), use_cache=use_cache))


def _dump(rows: list[RevisionValues]) -> str:
    """Comparable text (NaN != NaN in a plain == of dicts)."""
    return json.dumps(
        [[r.revision.rev, r.params, r.metrics, r.errors] for r in rows], allow_nan=True
    )


def _store(repo: Path) -> Path:
    return cache_dir_for(repo) / STORE_NAME


def _rows(store: Path) -> dict[str, bytes]:
    """sha -> stored entry, read with SQLite itself (not through the code under test)."""
    if not store.exists():
        return {}
    with closing(sqlite3.connect(store)) as db:
        return dict(db.execute("SELECT sha, entry FROM results").fetchall())


def _stored(repo: Path) -> set[str]:
    return set(_rows(_store(repo)))


def test_results_with_and_without_cache_are_identical(demo_copy: Path) -> None:
    fresh = _read(demo_copy, use_cache=False)
    assert not (demo_copy / ".dvc" / "tmp" / "cd4ml-tui").exists()  # --no-cache writes nothing
    cold = _read(demo_copy, use_cache=True)
    commits = {r.revision.rev for r in fresh if r.revision.kind != "workspace"}
    stored = _stored(demo_copy)
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
    assert len(_rows(folder / STORE_NAME)) == 2  # main and the v1/other commit
    assert list(folder.iterdir()) == [folder / STORE_NAME]  # one file, WAL checkpointed on close


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
def test_corrupt_row_is_detected_and_rebuilt(demo_copy: Path, damage) -> None:
    expected = _dump(_read(demo_copy, use_cache=True))
    store = _store(demo_copy)
    sha, entry = sorted(_rows(store).items())[0]
    with closing(sqlite3.connect(store)) as db, db:
        db.execute("UPDATE results SET entry = ? WHERE sha = ?", (damage(entry), sha))
    with ResultCache(cache_dir_for(demo_copy)) as cache:
        assert cache.get(sha) is None
    assert sha not in _rows(store)  # dropped, not trusted
    assert _dump(_read(demo_copy, use_cache=True)) == expected
    with ResultCache(cache_dir_for(demo_copy)) as cache:
        assert cache.get(sha) is not None  # rebuilt
    assert _rows(store)[sha] == entry


def _overwrite_middle(path: Path) -> None:
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 3 : len(raw) // 3 + 4096] = b"\xff" * 4096
    path.write_bytes(bytes(raw))


@pytest.mark.parametrize(
    "damage",
    [
        lambda path: path.write_bytes(b"not a database at all" * 100),
        lambda path: path.write_bytes(path.read_bytes()[:100]),  # header page cut short
        lambda path: path.write_bytes(b""),
        _overwrite_middle,
    ],
    ids=["garbage", "truncated", "empty", "pages-overwritten"],
)
def test_corrupt_store_file_is_rebuilt(demo_copy: Path, damage) -> None:
    fresh = _dump(_read(demo_copy, use_cache=False))
    _read(demo_copy, use_cache=True)
    complete = _stored(demo_copy)
    damage(_store(demo_copy))
    assert _dump(_read(demo_copy, use_cache=True)) == fresh  # re-read, identical to fresh
    assert _stored(demo_copy) == complete  # and the store made again, whole
    assert _dump(_read(demo_copy, use_cache=True)) == fresh


READ_IN_CHILD = """
import json, sys
from cd4ml_tui.core.git.repo import open_repo
from cd4ml_tui.core.revisions import list_revisions
from cd4ml_tui.core.values.read import read_values, result_cache
with open_repo(sys.argv[1]) as repo:
    rows = list(read_values(repo, list_revisions(repo), use_cache=True))
print(json.dumps([[r.revision.rev, r.params, r.metrics, r.errors] for r in rows], allow_nan=True))
"""


def _children(repo: Path, count: int) -> list[str]:
    """Start `count` real processes reading `repo` through the cache at once; their outputs."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", READ_IN_CHILD, str(repo)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    outs = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        assert "Traceback" not in err
        outs.append(out.strip())
    return outs


def test_two_processes_share_one_store(demo_copy: Path) -> None:
    fresh = _dump(_read(demo_copy, use_cache=False))
    first = _children(demo_copy, 2)  # both start on an empty store and write it together
    assert first == [fresh, fresh]
    stored = _stored(demo_copy)
    assert stored and stored <= {json.loads(fresh)[i][0] for i in range(len(json.loads(fresh)))}
    assert _children(demo_copy, 2) == [fresh, fresh]  # both warm from the shared store
    assert _stored(demo_copy) == stored


def test_a_store_locked_by_another_process_only_costs_speed(demo_copy: Path) -> None:
    fresh = _dump(_read(demo_copy, use_cache=False))
    _store(demo_copy).parent.mkdir(parents=True)
    holder = subprocess.Popen(  # another process holds the write lock of a WAL store
        [
            sys.executable,
            "-c",
            "import sqlite3, sys; db = sqlite3.connect(sys.argv[1], isolation_level=None);"
            "db.execute('PRAGMA journal_mode=WAL');"
            "db.execute('CREATE TABLE results (sha TEXT PRIMARY KEY, entry BLOB NOT NULL) "
            "WITHOUT ROWID'); db.execute('BEGIN IMMEDIATE'); print('locked', flush=True);"
            "sys.stdin.read()",
            str(_store(demo_copy)),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        assert _children(demo_copy, 1) == [fresh]  # read from git; the write was skipped
    finally:
        holder.communicate("", timeout=30)
    assert _stored(demo_copy) == set()
    assert _dump(_read(demo_copy, use_cache=True)) == fresh  # the lock gone, it writes again
    assert _stored(demo_copy)


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
    cache.close()


def test_missing_dvc_objects_are_not_cached(missing_cache_repo: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "missing"
    shutil.copytree(missing_cache_repo, copy, symlinks=True)
    rows = _read(copy, use_cache=True)
    first = next(r for r in rows if "refs/tags/first" in r.revision.refs)
    assert first.errors  # the lost object
    stored = _stored(copy)
    assert first.revision.rev not in stored  # a `dvc pull` may bring it later
    assert stored  # the complete revisions are cached


def test_workspace_is_never_cached(demo_copy: Path) -> None:
    before = _read(demo_copy, use_cache=True)[0]
    params = demo_copy / "params.yaml"
    params.write_text(re.sub(r"lr: [0-9.e-]+", "lr: 0.07", params.read_text(), count=1))
    after = _read(demo_copy, use_cache=True)[0]
    assert before.params["params.yaml"]["train.lr"] != 0.07
    assert after.params["params.yaml"]["train.lr"] == 0.07


@pytest.mark.parametrize("payload", [b"{", b"[1]", b'{"params": {}}, {"x": 1}', b'"text"'])
def test_a_checksummed_but_bad_payload_drops_only_its_row(tmp_path: Path, payload: bytes) -> None:
    import hashlib

    shas = [c * 40 for c in "abc"]
    with ResultCache(tmp_path) as cache:
        cache.put_many(
            (sha, ReadResult(params={"params.yaml": {"lr": i}})) for i, sha in enumerate(shas)
        )
    header = f"cd4ml-tui-values {READER_VERSION} {shas[1]} {hashlib.sha256(payload).hexdigest()}"
    with closing(sqlite3.connect(tmp_path / STORE_NAME)) as db, db:
        db.execute(
            "UPDATE results SET entry = ? WHERE sha = ?",
            (header.encode() + b"\n" + payload, shas[1]),
        )
    with ResultCache(tmp_path) as cache:
        found = cache.get_many(shas)
    assert sorted(found) == [shas[0], shas[2]]
    assert found[shas[2]].params == {"params.yaml": {"lr": 2}}
    assert set(_rows(tmp_path / STORE_NAME)) == {shas[0], shas[2]}  # the bad row is gone


def test_the_file_per_commit_layout_is_removed_when_the_store_is_made(demo_copy: Path) -> None:
    folder = cache_dir_for(demo_copy)
    old = folder / "ab" / f"{'c' * 38}.json"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"cd4ml-tui-values old entry")
    other = folder / "notes.txt"
    other.write_text("not ours to delete")
    fresh = _dump(_read(demo_copy, use_cache=False))
    assert old.exists()  # --no-cache touches nothing
    assert _dump(_read(demo_copy, use_cache=True)) == fresh
    assert not old.parent.exists()
    assert other.read_text() == "not ours to delete"
    assert _stored(demo_copy)


def test_read_ahead_serves_the_same_results_and_still_drops_bad_rows(demo_copy: Path) -> None:
    expected = _dump(_read(demo_copy, use_cache=True))
    store = _store(demo_copy)
    sha, entry = sorted(_rows(store).items())[0]
    with closing(sqlite3.connect(store)) as db, db:
        db.execute("UPDATE results SET entry = ? WHERE sha = ?", (entry[:-1] + b"!", sha))
    with open_repo(demo_copy) as repo, result_cache(repo) as cache:
        assert cache is not None
        revisions = list_revisions(repo, commits=cache)
        rows = list(read_values(repo, revisions, cache=cache))
    assert _dump(rows) == expected
    assert _rows(store)[sha] == entry  # the damaged row was dropped while reading ahead, rebuilt


def _commit_rows(store: Path) -> dict[str, bytes]:
    with closing(sqlite3.connect(store)) as db:
        return dict(db.execute("SELECT sha, entry FROM commits").fetchall())


def test_listing_keeps_commits_in_the_store_and_lists_the_same(demo_copy: Path) -> None:
    """A commit never changes: the store keeps each listed commit's header, and a listing that
    takes them from it equals one that reads every commit from git."""
    with open_repo(demo_copy) as repo:
        plain = list_revisions(repo)
        with result_cache(repo) as cache:
            first = list_revisions(repo, commits=cache)
        commits = {r.rev for r in plain if r.kind != "workspace"}
        assert set(_commit_rows(_store(demo_copy))) == commits
        with result_cache(repo) as cache:
            assert cache is not None
            stored = cache.get_commits(sorted(commits))
            assert stored == {sha: repo.objects.commit(sha) for sha in commits}
            again = list_revisions(repo, commits=cache)
    assert plain == first == again


def test_a_damaged_commit_row_is_read_from_git_again(demo_copy: Path) -> None:
    with open_repo(demo_copy) as repo:
        with result_cache(repo) as cache:
            expected = list_revisions(repo, commits=cache)
        store = _store(demo_copy)
        sha, entry = sorted(_commit_rows(store).items())[0]
        with closing(sqlite3.connect(store)) as db, db:
            db.execute("UPDATE commits SET entry = ? WHERE sha = ?", (entry + b" ", sha))
        with result_cache(repo) as cache:
            assert list_revisions(repo, commits=cache) == expected
    assert _commit_rows(store)[sha] == entry
