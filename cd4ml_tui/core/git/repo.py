"""An opened git work tree: where it is, where its DVC project sits, and its object reader."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from cd4ml_tui.core.errors import EmptyRepoError, NotARepoError
from cd4ml_tui.core.git.library import open_library
from cd4ml_tui.core.git.objects import GitObjects, run_git

if TYPE_CHECKING:
    import git


@dataclass
class Repo:
    """An opened git work tree (with or without DVC) and its shared object reader."""

    root: Path
    git_dir: Path
    shallow: bool
    objects: GitObjects
    # The DVC project: the nearest folder with `.dvc` from the opened path up to the git root
    # (DVC's own rule; a monorepo may keep it in a sub-folder). Params and metrics paths are
    # relative to it, as `dvc exp show` prints them.
    dvc_root: Path | None = None

    @property
    def has_dvc(self) -> bool:
        return self.dvc_root is not None

    @property
    def project_root(self) -> Path:
        """Where DVC paths start: the DVC root, else the git root."""
        return self.dvc_root or self.root

    @property
    def project_prefix(self) -> str:
        """The DVC root relative to the git root, as a POSIX path ("" when they are one)."""
        return self.project_root.relative_to(self.root).as_posix().strip(".")

    @cached_property
    def head(self) -> str:
        return run_git(self.root, "rev-parse", "--verify", "HEAD").strip()

    def forget_head(self) -> None:
        """Drop the cached HEAD: a commit or checkout since it was read may have moved it."""
        self.__dict__.pop("head", None)

    @cached_property
    def library(self) -> git.Repo:
        """The repo as GitPython sees it (refs, remotes, writes), opened on first use."""
        return open_library(self.root)

    def close(self) -> None:
        self.objects.close()
        library = self.__dict__.pop("library", None)
        if library is not None:
            library.close()

    def __enter__(self) -> Repo:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_repo(path: str | Path = ".") -> Repo:
    """Open the git work tree containing `path`, or raise a one-line, actionable error."""
    where = Path(path).expanduser()
    if not where.exists():
        raise NotARepoError(f"{where}: no such directory")
    if not where.is_dir():
        raise NotARepoError(f"{where}: not a directory")
    out = run_git(
        where,
        "rev-parse",
        "--is-bare-repository",
        "--absolute-git-dir",
        "--is-shallow-repository",
        check=False,
    ).split("\n")
    if len(out) < 3 or out[0] not in ("true", "false"):
        raise NotARepoError(f"{where.resolve()}: not inside a git repository (run `git init`)")
    if out[0] == "true":
        raise NotARepoError(
            f"{where.resolve()}: a bare git repository; open a clone with a work tree"
        )
    top = run_git(where, "rev-parse", "--show-toplevel", check=False).strip()
    if not top:
        raise NotARepoError(f"{where.resolve()}: inside a .git directory; open the work tree")
    root = Path(top)
    if not run_git(root, "rev-parse", "--verify", "-q", "HEAD", check=False).strip():
        raise EmptyRepoError(
            f"{root}: the git repository has no commits yet; commit something first"
        )
    return Repo(root, Path(out[1]), out[2] == "true", GitObjects(root), _dvc_root(where, root))


def _dvc_root(start: Path, git_root: Path) -> Path | None:
    """The nearest folder holding `.dvc`, from `start` up to the git root (as DVC finds it)."""
    here = start.resolve()
    top = git_root.resolve()
    while True:
        if (here / ".dvc").is_dir():
            return git_root / here.relative_to(top) if here != top else git_root
        if here == top or here.parent == here or top not in here.parents:
            return None
        here = here.parent
