"""One view of a revision's files as DVC sees them: the git tree (or the workspace on disk), then
the local DVC cache through the revision's outs index; never the network.

Paths are relative to the DVC project, as DVC prints them, wherever the project sits in the git
repo (`dvc init --subdir`). `ProjectFiles` is shared by every revision of one load: git trees,
parsed dvc.yaml files and the cache handle are memoised across revisions, since experiments share
almost everything with their baseline. The reader, plots and diffs all open revisions here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from cd4ml_tui.core.dvc.files import (
    PROJECT_FILE,
    DvcCache,
    DvcFileError,
    Pipeline,
    build_pipeline,
    decode_text,
    is_templated,
    load_pipeline_data,
)
from cd4ml_tui.core.dvc.outs import OutsIndex
from cd4ml_tui.core.dvc.sources import CommitSource, GitMemo, Source, WorkspaceSource
from cd4ml_tui.core.dvc.templating import resolve
from cd4ml_tui.core.errors import ParseError
from cd4ml_tui.core.git.repo import Repo
from cd4ml_tui.core.model import Revision

NOT_IN_CACHE = "not in local DVC cache; `dvc pull` fetches it"
NO_SUCH_FILE = "no such file in this revision"


@dataclass(frozen=True)
class Located:
    """Where a file's bytes are: a memo key ("blob:<sha>", "md5:<md5>", None for the disk),
    the bytes (None when missing) and, when missing, why."""

    key: str | None
    data: bytes | None
    error: str | None = None


class ProjectFiles:
    """The DVC project of one opened repo, across revisions: the shared memos and cache."""

    def __init__(self, repo: Repo) -> None:
        self.repo = repo
        self.git = GitMemo()
        self._pipelines: dict[tuple[str, str], Pipeline | str] = {}

    @cached_property
    def cache(self) -> DvcCache:
        return DvcCache(self.repo.project_root)

    def commit(self, sha: str) -> RevisionView | None:
        """The files of commit `sha`, or None when there is no such commit."""
        tree = self.git.commit_trees.get(sha)
        if tree is None:
            info = self.repo.objects.commit(sha)
            if info is None:
                return None
            tree = self.git.commit_trees[sha] = info.tree
        source = CommitSource(self.repo.objects, tree, self.git, self.repo.project_prefix)
        return RevisionView(self, source)

    def workspace(self, folder: Path | None = None) -> RevisionView:
        """The files on disk: the workspace, or a running experiment's live work dir."""
        return RevisionView(self, WorkspaceSource(folder or self.repo.project_root))

    def revision(self, revision: Revision) -> RevisionView | None:
        return self.workspace() if revision.is_workspace else self.commit(revision.rev)

    def pipeline(self, source: Source, path: str) -> Pipeline | str:
        """The parsed dvc.yaml at `path`, or the one-line reason DVC could not load it.

        Plain files are memoised by blob; templated ones are resolved per revision, since
        what they resolve to depends on the vars files next to them."""
        key = source.memo_key(path)
        memo_key = (key, path) if key else None
        if memo_key and memo_key in self._pipelines:
            return self._pipelines[memo_key]
        try:
            data = load_pipeline_data(decode_text(source.read(path) or b"", path), path)
            if is_templated(data):
                return _resolved_pipeline(data, path, source)
            parsed: Pipeline | str = build_pipeline(data, path)
        except ParseError as err:  # DvcFileError is one
            parsed = str(err)
        if memo_key:
            self._pipelines[memo_key] = parsed
            self.git.known_blobs.add(memo_key[0].partition(":")[2])
        return parsed


def _resolved_pipeline(data: dict, path: str, source: Source) -> Pipeline | str:
    try:
        resolved, tracked = resolve(data, path, source)
        return build_pipeline(resolved, path, tracked, templated=True)
    except DvcFileError as err:
        return str(err)
    except Exception as err:  # DVC's resolver: interpolation, missing vars file, ...
        message = " ".join(str(err).split()) or type(err).__name__
        return message if path in message else f"'{path}': {message}"


class RevisionView:
    """One revision's files: git (or disk) first, then the local DVC cache by recorded hash."""

    def __init__(self, project: ProjectFiles, source: Source) -> None:
        self.project = project
        self.source = source
        self._loaded: tuple[list[Pipeline], dict[str, str]] | None = None

    @cached_property
    def dvc_files(self) -> list[str]:
        """Every dvc.yaml and `.dvc` file of the revision, in DVC's walk order."""
        return self.source.dvc_files()

    def _load(self) -> tuple[list[Pipeline], dict[str, str]]:
        if self._loaded is None:
            pipelines: list[Pipeline] = []
            errors: dict[str, str] = {}
            for path in self.dvc_files:
                if path == PROJECT_FILE or path.endswith("/" + PROJECT_FILE):
                    found = self.project.pipeline(self.source, path)
                    if isinstance(found, str):
                        errors[path] = found
                    else:
                        pipelines.append(found)
            self._loaded = (pipelines, errors)
        return self._loaded

    @property
    def pipelines(self) -> list[Pipeline]:
        """The dvc.yaml files that DVC can load, parsed (and resolved when templated)."""
        return self._load()[0]

    @property
    def pipeline_errors(self) -> dict[str, str]:
        """dvc.yaml path -> why DVC cannot load it; DVC then builds no index for the revision."""
        return self._load()[1]

    @cached_property
    def outs(self) -> OutsIndex:
        return OutsIndex(
            self.source.read, self.pipelines, self.dvc_files, lambda: self.project.cache
        )

    def memo_key(self, path: str) -> str | None:
        return self.source.memo_key(path)

    def locate(self, path: str) -> Located:
        """The bytes of `path`: from git or disk, else from the local cache by recorded hash."""
        data = self.source.read(path)
        if data is not None:
            return Located(self.source.memo_key(path), data)
        md5 = self.outs.find(path)
        if md5 is None:
            return Located(None, None, NO_SUCH_FILE)
        raw = self.project.cache.read(md5) if md5 else None
        if raw is None:
            return Located(None, None, NOT_IN_CACHE)
        return Located(f"md5:{md5}", raw)

    def read(self, path: str) -> bytes | None:
        return self.locate(path).data

    def exists(self, path: str) -> bool:
        return self.source.exists(path) or self.outs.find(path) is not None or self.isdir(path)

    def isdir(self, path: str) -> bool:
        return self.source.isdir(path) or self.outs.is_dir(path)

    def files_under(self, path: str) -> list[str]:
        """Files under the folder `path`, from git (or disk) and the DVC outs, sorted."""
        return sorted(set(self.source.files_under(path)) | set(self.outs.files_under(path)))

    def expand(self, path: str) -> list[str]:
        """A folder expands to every file under it, sorted (DVC's `try_expand_paths`)."""
        if self.source.isdir(path):
            return self.files_under(path)
        return sorted(self.outs.files_under(path)) or [path]
