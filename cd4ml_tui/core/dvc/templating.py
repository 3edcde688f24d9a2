"""dvc.yaml templating (`vars`, `${...}`, `foreach`, `matrix`) resolved by DVC's own resolver.

DVC's `DataResolver` only needs a small file-system object to load `vars` files from; here it
reads the revision being shown (git objects or the disk) through our `Source`, so templated
pipelines resolve exactly as `dvc exp show` resolves them, with no DVC repo opened. Imported only
for templated dvc.yaml files.
"""

from __future__ import annotations

import io
import posixpath
import sys
from typing import Any

from cd4ml_tui.core.dvc.files import dvc_serialize
from cd4ml_tui.core.dvc.sources import Source


class SourceFS:
    """The few `fsspec`-like calls `dvc.parsing` makes, over repo-relative POSIX paths."""

    sep = "/"

    def __init__(self, source: Source) -> None:
        self.source = source

    def join(self, *parts: str) -> str:
        kept = [p for p in parts if p]
        return posixpath.join(*kept) if kept else ""

    def normpath(self, path: str) -> str:
        normal = posixpath.normpath(path) if path else ""
        return "" if normal == "." else normal

    def relpath(self, path: str, start: str | None = None) -> str:
        return posixpath.relpath(path, start or "")

    def exists(self, path: str) -> bool:
        return not path or self.source.exists(self.normpath(path))

    def isdir(self, path: str) -> bool:
        return not path or self.source.isdir(self.normpath(path))

    def suffix(self, path: str) -> str:
        return posixpath.splitext(path)[1]

    def open(self, path: str, mode: str = "r", encoding: str | None = None, **_: Any) -> Any:
        data = self.source.read(self.normpath(path))
        if data is None:
            raise FileNotFoundError(path)
        if "b" in mode:
            return io.BytesIO(data)
        return io.StringIO(data.decode(encoding or "utf-8"), newline=None)


class _RepoLike:
    """What `DataResolver` reads from a repo: its fs and its `parsing` config."""

    def __init__(self, fs: SourceFS) -> None:
        self.fs = fs
        self.config: dict[str, Any] = {}


def resolve(data: dict[str, Any], path: str, source: Source) -> tuple[dict[str, Any], list]:
    """The dvc.yaml `data` with every stage and top-level entry resolved, and the vars each
    stage used: `[(vars file, {dotted key: value}), ...]` in stage order (DVC lists those as
    params when no stage names the file)."""
    dvc_serialize()  # imports `dvc` once, undoing its stdout wrapping
    out, err = sys.stdout, sys.stderr
    try:
        from dvc.parsing import DataResolver
    finally:
        sys.stdout, sys.stderr = out, err

    resolver = DataResolver(_RepoLike(SourceFS(source)), posixpath.dirname(path), data)
    stages: dict[str, Any] = {}
    for key in resolver.get_keys():
        stages.update(resolver.resolve_one(key))
    resolved = {
        "stages": stages,
        "params": resolver.resolve_params(),
        "metrics": resolver.resolve_metrics(),
        "plots": resolver.resolve_plots(),
    }
    tracked = [
        (file, dict(values))
        for name in stages
        for file, values in (resolver.tracked_vars.get(name) or {}).items()
    ]
    return resolved, tracked
