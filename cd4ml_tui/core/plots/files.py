"""The files of one revision as `dvc plots` sees them: git (or the disk), then the local DVC cache.

A plot's data file is usually a stage out: committed to git when `cache: false`, else only in the
DVC cache under the md5 that `dvc.lock` records. Nothing here touches a remote: a file that is not
in the local cache is reported as missing.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from cd4ml_tui.core.dvc.files import (
    LOCK_FILE,
    PROJECT_FILE,
    DvcCache,
    DvcFileError,
    OutHash,
    build_pipeline,
    parse_dvc_file,
    parse_lock,
    parse_yaml_text,
)
from cd4ml_tui.core.dvc.sources import CommitSource, Source, WorkspaceSource
from cd4ml_tui.core.git.repo import Repo
from cd4ml_tui.core.model import Revision


class RevisionFiles:
    """Read access to one revision's files, with DVC-tracked outs read from the local cache."""

    def __init__(self, repo: Repo, revision: Revision, cache: DvcCache, memo: dict[str, object]):
        self.revision = revision
        self.cache = cache
        source: Source | None = None
        if revision.is_workspace:
            source = WorkspaceSource(repo.root)
        else:
            info = repo.objects.commit(revision.rev)
            if info is not None:
                source = CommitSource(repo.objects, info.tree, memo)
        self.source = source
        self._pipelines: dict[str, Any] | None = None
        self._hashes: list[OutHash] | None = None

    def pipelines(self) -> dict[str, Any]:
        """Every dvc.yaml of the revision, parsed (a str value is the reason it could not be)."""
        if self._pipelines is None:
            self._pipelines = {}
            if self.source is not None:
                for path in self.source.dvc_files():
                    if path == PROJECT_FILE or path.endswith("/" + PROJECT_FILE):
                        self._pipelines[path] = self._parse_yaml(path)
        return self._pipelines

    def _parse_yaml(self, path: str) -> Any:
        data = self.source.read(path) if self.source else None
        if data is None:
            return f"'{path}': cannot read"
        try:
            return parse_yaml_text(data.decode("utf-8"), path)
        except UnicodeDecodeError:
            return f"'{path}': not valid utf-8"
        except Exception as err:
            return " ".join(str(err).split()) or f"'{path}': cannot parse"

    @property
    def hashes(self) -> list[OutHash]:
        """The cached outs recorded in every dvc.lock and .dvc file of the revision."""
        if self._hashes is None:
            hashes: list[OutHash] = []
            uncached: set[str] = set()
            for path, doc in self.pipelines().items():
                lock = path[: -len(PROJECT_FILE)] + LOCK_FILE
                text = self._text(lock)
                if text is not None and isinstance(doc, dict):
                    with contextlib.suppress(DvcFileError):
                        pipeline = build_pipeline(doc, path)
                        uncached.update(pipeline.uncached)
                        hashes += parse_lock(text, lock, pipeline.stage_wdirs)
            for path in self.source.dvc_files() if self.source else []:
                if path.endswith(".dvc") and (text := self._text(path)) is not None:
                    with contextlib.suppress(DvcFileError):
                        hashes += parse_dvc_file(text, path)
            # DVC never reads a `cache: false` out from the cache, even when the object is there.
            self._hashes = [h for h in hashes if h.path not in uncached]
        return self._hashes

    def _text(self, path: str) -> str | None:
        data = self.source.read(path) if self.source else None
        try:
            return data.decode("utf-8") if data is not None else None
        except UnicodeDecodeError:
            return None

    def _tracked(self, path: str) -> str | None:
        """The md5 DVC recorded for the file `path`, through directory manifests if need be."""
        for out in self.hashes:
            if out.path == path and not out.is_dir:
                return out.md5
            if out.is_dir and path.startswith(out.path + "/"):
                entries = self.cache.dir_entries(out.md5) or {}
                return entries.get(path[len(out.path) + 1 :])
        return None

    def read(self, path: str) -> bytes | None:
        """The bytes of `path` in this revision, or None when neither git nor the cache has it."""
        if self.source is None:
            return None
        data = self.source.read(path)
        if data is not None:
            return data
        md5 = self._tracked(path)
        return self.cache.read(md5) if md5 else None

    def missing_reason(self, path: str) -> str:
        if self._tracked(path) is not None:
            return f"'{path}' is not in the local DVC cache; `dvc pull` fetches it"
        return f"'{path}' does not exist in {self.revision.label}"

    def isdir(self, path: str) -> bool:
        if self.source is not None and self.source.isdir(path):
            return True
        return any(out.is_dir and out.path == path for out in self.hashes)

    def files_under(self, path: str) -> list[str]:
        """Files under the directory `path`, from git/disk and from DVC directory outs, sorted."""
        found = set(self.source.files_under(path)) if self.source else set()
        prefix = path.rstrip("/") + "/"
        for out in self.hashes:
            if out.path.startswith(prefix) and not out.is_dir:
                found.add(out.path)
            elif out.is_dir and (out.path == path or out.path.startswith(prefix)):
                found.update(f"{out.path}/{rel}" for rel in self.cache.dir_entries(out.md5) or {})
        return sorted(found)


def open_files(repo: Repo, revisions: list[Revision]) -> list[RevisionFiles]:
    """One `RevisionFiles` per revision, sharing a tree memo and the cache handle."""
    cache = DvcCache(Path(repo.root))
    memo: dict[str, object] = {}
    return [RevisionFiles(repo, revision, cache, memo) for revision in revisions]
