"""Shared fixtures: an isolated environment and real git + DVC repos built once per session.

The environment is isolated in `pytest_configure` (before any test or fixture runs, in every
xdist worker), by setting `os.environ` directly so every git/dvc subprocess inherits it: a temp
HOME, a temp global git config with an identity, no system git config, and DVC's global, system
and site dirs under the temp HOME.

Read-only fixtures (`demo_repo`, `corrupt_metrics_repo`, `missing_cache_repo`) are built once and
shared by all xdist workers through a file lock. Never write to them: take a `demo_copy`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests import builders

DEMO_EXPERIMENTS_PER_BASELINE = 3  # 3 baselines x 3 = 9 experiments, plus one queued

_ISOLATED_HOME: Path | None = None
_LEAKY_VARS = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_AUTHOR_NAME",
    "GIT_AUTHOR_EMAIL",
    "GIT_AUTHOR_DATE",
    "GIT_COMMITTER_NAME",
    "GIT_COMMITTER_EMAIL",
    "GIT_COMMITTER_DATE",
    "DVC_STUDIO_TOKEN",
    "DVC_STUDIO_REPO_URL",
    "DVC_ROOT",
    "DVC_EXP_GIT_REMOTE",
    "DVC_EXP_AUTO_PUSH",
    "XDG_CONFIG_HOME",
    "XDG_CACHE_HOME",
    "XDG_DATA_HOME",
)

GIT_CONFIG = """\
[user]
\tname = Test Reviewer
\temail = reviewer@example.invalid
[init]
\tdefaultBranch = main
[commit]
\tgpgsign = false
[tag]
\tgpgsign = false
[protocol "file"]
\tallow = always
[advice]
\tdetachedHead = false
"""


def pytest_configure(config: pytest.Config) -> None:
    """Point HOME, git config and DVC config/cache dirs at a fresh temp folder."""
    global _ISOLATED_HOME
    del config
    home = Path(tempfile.mkdtemp(prefix="cd4ml-test-home-"))
    _ISOLATED_HOME = home
    for name in _LEAKY_VARS:
        os.environ.pop(name, None)
    (home / ".gitconfig").write_text(GIT_CONFIG, encoding="utf-8")
    dirs = {name: home / name for name in ("dvc-global", "dvc-system", "dvc-site", "xdg-cache")}
    for folder in dirs.values():
        folder.mkdir()
    os.environ.update(
        HOME=str(home),
        GIT_CONFIG_GLOBAL=str(home / ".gitconfig"),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_TERMINAL_PROMPT="0",
        # git never looks above the temp root for a repo, so tmp folders are never "inside" one.
        GIT_CEILING_DIRECTORIES=str(Path(tempfile.gettempdir()).resolve()),
        DVC_NO_ANALYTICS="1",
        DVC_STUDIO_OFFLINE="1",
        DVC_IGNORE_ISATTY="1",
        DVC_GLOBAL_CONFIG_DIR=str(dirs["dvc-global"]),
        DVC_SYSTEM_CONFIG_DIR=str(dirs["dvc-system"]),
        DVC_SITE_CACHE_DIR=str(dirs["dvc-site"]),
        XDG_CACHE_HOME=str(dirs["xdg-cache"]),
    )


def pytest_unconfigure(config: pytest.Config) -> None:
    del config
    if _ISOLATED_HOME is not None:
        shutil.rmtree(_ISOLATED_HOME, ignore_errors=True)


def _shared_build(
    tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], object]
) -> Path:
    """Build `name` once per session, shared by xdist workers (the pytest-xdist recipe).

    Without xdist the repo goes under this session's basetemp; with xdist under the folder
    that all workers' basetemps share, guarded by a file lock. A `.built` file marks success,
    so a worker never picks up a half-built repo.
    """
    from filelock import FileLock

    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        shared = tmp_path_factory.getbasetemp()
    else:
        shared = tmp_path_factory.getbasetemp().parent
    target = shared / name
    done = shared / f"{name}.built"
    with FileLock(str(shared / f"{name}.lock")):
        if not done.exists():
            if target.exists():
                shutil.rmtree(target)
            build(target)
            done.write_text("ok\n")
    return target


@pytest.fixture(scope="session")
def demo_repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The demo repo (3 baselines x 3 experiments + 1 queued, tag v0.1). READ-ONLY.

    At the end of the session its refs, HEAD and `git status` are checked against the start,
    so a test that writes to it fails loudly instead of corrupting other tests' fixture.
    """
    from cd4ml_tui.demo import build_demo

    repo = _shared_build(
        tmp_path_factory,
        "demo-repo",
        lambda path: build_demo(path, experiments_per_baseline=DEMO_EXPERIMENTS_PER_BASELINE),
    )
    before = _repo_state(repo)
    yield repo
    after = _repo_state(repo)
    assert after == before, f"a test wrote to the read-only demo_repo {repo}; use demo_copy"


def _repo_state(repo: Path) -> str:
    """Refs, HEAD and working-tree status: what a read must never change."""
    return (
        builders.git(repo, "for-each-ref")
        + builders.git(repo, "symbolic-ref", "-q", "HEAD")
        # no index refresh: another worker may be copying the repo (index.lock would vanish)
        + builders.git(repo, "--no-optional-locks", "status", "--porcelain", "-uall")
    )


@pytest.fixture
def demo_copy(demo_repo: Path, tmp_path: Path) -> Path:
    """A private copy of the demo repo (with its DVC cache), free to write to.

    Our own result cache is left behind: tests that read the shared repo through the CLI fill it,
    and a copy must start as a fresh clone would."""
    target = tmp_path / "demo"
    shutil.copytree(demo_repo, target, symlinks=True, ignore=shutil.ignore_patterns("cd4ml-tui"))
    return target


@pytest.fixture(scope="session")
def corrupt_metrics_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`builders.make_corrupt_metrics`: tags good, bad-metrics, bad-params, fixed. READ-ONLY."""
    return _shared_build(tmp_path_factory, "corrupt-metrics", builders.make_corrupt_metrics)


@pytest.fixture(scope="session")
def missing_cache_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`builders.make_missing_cache`: tag `first` lacks its cached metrics; remote unreachable.
    READ-ONLY."""
    return _shared_build(tmp_path_factory, "missing-cache", builders.make_missing_cache)


@pytest.fixture(scope="session")
def nocache_clone(demo_repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`git clone` of the demo with its experiment refs but no DVC cache: the DVC-cached outs
    (eval/stats.yaml, plots/confusion.json, the model) are only in the DVC remote. READ-ONLY."""
    return _shared_build(
        tmp_path_factory, "nocache-clone", lambda path: builders.make_clone(demo_repo, path)
    )


@pytest.fixture(scope="session")
def dvc2_cache_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`builders.make_dvc2_cache`: tag `dvc2` (DVC 2 lock + cache layout), `dvc3` = HEAD.
    READ-ONLY."""
    return _shared_build(tmp_path_factory, "dvc2-cache", builders.make_dvc2_cache)


@pytest.fixture(scope="session")
def varied_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`builders.make_varied_formats`: TOML/JSON/YAML params and metrics, NaN, a directory
    out, a sub-folder dvc.yaml, tag `v1` and experiment `lr-high`. READ-ONLY."""
    return _shared_build(tmp_path_factory, "varied-formats", builders.make_varied_formats)


@pytest.fixture
def plain_git_repo(tmp_path: Path) -> Path:
    """`builders.make_plain_git`: git without DVC."""
    return builders.make_plain_git(tmp_path / "plain")


@pytest.fixture
def empty_git_repo(tmp_path: Path) -> Path:
    """`builders.make_empty_git`: no commits."""
    return builders.make_empty_git(tmp_path / "empty")


@pytest.fixture
def bare_repo(tmp_path: Path) -> Path:
    """`builders.make_bare`: a bare repository."""
    return builders.make_bare(tmp_path / "bare.git")


@pytest.fixture
def detached_repo(demo_copy: Path) -> Path:
    """A demo copy with HEAD detached at main's head."""
    return builders.make_detached(demo_copy)


@pytest.fixture
def shallow_clone(demo_repo: Path, tmp_path: Path) -> Path:
    """A depth-1 clone of the demo repo (no exp refs, no DVC cache)."""
    return builders.make_shallow_clone(demo_repo, tmp_path / "shallow")


@pytest.fixture
def no_git_dir(tmp_path: Path) -> Path:
    """A folder outside any git repo (git's search stops at the temp root, see above)."""
    folder = tmp_path / "not-a-repo"
    folder.mkdir()
    return folder
