"""The one index of a revision's DVC outs: what its `dvc.lock` and `.dvc` files record.

DVC learns where a file's bytes are from its index: every out of every stage (paths relative to
the stage `wdir`, itself relative to its dvc.yaml) and of every `.dvc` file, with the hash that
names its cache object; a directory out's hash ends in `.dir` and names a JSON manifest of its
files. `dvc exp show`, `dvc plots diff` and `dvc diff` all go through it, so the reader, plots and
diffs go through this one. Paths are relative to the DVC project (as DVC prints them), whatever
folder of the git repo the project sits in. Nothing here touches a remote: a manifest missing from
the local cache is reported, not fetched.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from cd4ml_tui.core.dvc.files import (
    DVC_FILE_SUFFIX,
    LOCK_FILE,
    PROJECT_FILE,
    DvcCache,
    Pipeline,
    join,
    parse_yaml_text,
)


@dataclass(frozen=True)
class OutState:
    """One out as a revision records it. `hash` ends in `.dir` for a directory out."""

    hash: str
    size: int | None = None
    nfiles: int | None = None

    @property
    def is_dir(self) -> bool:
        return self.hash.endswith(".dir")


@dataclass(frozen=True)
class Out:
    """One recorded out: its project-relative path, its state, and whether DVC caches it.

    `md5` is the hash of the local cache object (None for an out recorded by `etag` or
    `checksum` only, which no local cache holds)."""

    path: str
    state: OutState
    md5: str | None
    cached: bool
    record: str  # the dvc.lock / .dvc file that records it

    @property
    def is_dir(self) -> bool:
        return self.state.is_dir


def records_outs(path: str) -> bool:
    """Whether `path` is a file where DVC records out hashes (`dvc.lock` or `*.dvc`)."""
    return posixpath.basename(path) == LOCK_FILE or (
        path.endswith(DVC_FILE_SUFFIX) and posixpath.basename(path) != DVC_FILE_SUFFIX
    )


def lock_of(pipeline_path: str) -> str:
    """The dvc.lock next to a dvc.yaml."""
    return pipeline_path[: -len(PROJECT_FILE)] + LOCK_FILE


def _yaml(text: str, path: str) -> Any:
    """Parse YAML as DVC does; None when it does not parse (the file then records no outs)."""
    try:
        return parse_yaml_text(text, path)
    except Exception:
        return None


def _state(entry: Any) -> tuple[str, OutState, str | None] | None:
    if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
        return None
    md5 = entry.get("md5")
    found = md5 or entry.get("etag") or entry.get("checksum")
    if not isinstance(found, str) or not found:
        return None
    size, nfiles = entry.get("size"), entry.get("nfiles")
    state = OutState(
        found,
        size if isinstance(size, int) and not isinstance(size, bool) else None,
        nfiles if isinstance(nfiles, int) and not isinstance(nfiles, bool) else None,
    )
    return entry["path"], state, md5 if isinstance(md5, str) and md5 else None


def parse_record(
    path: str, text: str, stage_wdirs: dict[str, str], uncached: Sequence[str] = ()
) -> list[Out]:
    """The outs recorded in one `dvc.lock` (paths relative to each stage's wdir, from
    `stage_wdirs`: stage name -> project-relative folder) or `.dvc` file (relative to its own
    `wdir`). `uncached` are the outs that dvc.yaml marks `cache: false`."""
    data = _yaml(text, path)
    if not isinstance(data, dict):
        return []
    folder = posixpath.dirname(path)
    skip = set(uncached)
    outs: list[Out] = []
    if posixpath.basename(path) == LOCK_FILE:
        stages = data.get("stages")
        for name, stage in stages.items() if isinstance(stages, dict) else ():
            if not isinstance(stage, dict):
                continue
            base = str(name).split("@", 1)[0]
            wdir = stage_wdirs.get(str(name), stage_wdirs.get(base, folder))
            for entry in stage.get("outs") or []:
                if found := _state(entry):
                    out_path = join(wdir, found[0])
                    outs.append(Out(out_path, found[1], found[2], out_path not in skip, path))
        return outs
    file_wdir = data.get("wdir") if isinstance(data.get("wdir"), str) else "."
    base_dir = join(folder, str(file_wdir))
    for entry in data.get("outs") or []:
        if found := _state(entry):
            cached = not (isinstance(entry, dict) and entry.get("cache") is False)
            outs.append(Out(join(base_dir, found[0]), found[1], found[2], cached, path))
    return outs


class OutsIndex:
    """The outs of one revision, parsed lazily (most reads never need them).

    `read(path)` gives the bytes of a project-relative file of that revision (git or disk).
    """

    def __init__(
        self,
        read: Callable[[str], bytes | None],
        pipelines: Sequence[Pipeline],
        dvc_files: Sequence[str],
        cache: Callable[[], DvcCache],
    ) -> None:
        self._read = read
        self._pipelines = {p.path: p for p in pipelines}
        self._records = [lock_of(p.path) for p in pipelines]
        self._records += [f for f in dvc_files if f.endswith(DVC_FILE_SUFFIX)]
        self._cache = cache
        self._by_record: dict[str, list[Out]] = {}
        self._all: list[Out] | None = None

    def recorded(self, record: str) -> list[Out]:
        """The outs that the `dvc.lock` or `.dvc` file `record` holds (cached or not)."""
        found = self._by_record.get(record)
        if found is None:
            raw = self._read(record)
            text = raw.decode("utf-8", errors="replace") if raw is not None else None
            pipeline = None
            if posixpath.basename(record) == LOCK_FILE:
                pipeline = self._pipelines.get(record[: -len(LOCK_FILE)] + PROJECT_FILE)
            wdirs = pipeline.stage_wdirs if pipeline else {}
            uncached = pipeline.uncached if pipeline else ()
            found = parse_record(record, text, wdirs, uncached) if text else []
            self._by_record[record] = found
        return found

    @property
    def outs(self) -> list[Out]:
        """Every out of the revision: dvc.lock files in dvc.yaml order, then `.dvc` files."""
        if self._all is None:
            self._all = [out for record in self._records for out in self.recorded(record)]
        return self._all

    def _manifest(self, out: Out) -> dict[str, str] | None:
        return self._cache().dir_entries(out.md5) if out.md5 else None

    def find(self, path: str) -> str | None:
        """The cache md5 of the DVC-cached file `path`: "" when DVC tracks it but its directory
        manifest (or any local object) is missing; None when no cached out holds it. Outs with
        `cache: false` are left out: DVC never reads those from its cache."""
        for out in self.outs:
            if not out.cached:
                continue
            if out.path == path:
                if not out.is_dir:
                    return out.md5 or ""
                return "" if self._manifest(out) is None else None
            if out.is_dir and path.startswith(out.path + "/"):
                entries = self._manifest(out)
                if entries is None:
                    return ""
                return entries.get(path[len(out.path) + 1 :])
        return None

    def is_dir(self, path: str) -> bool:
        """Whether `path` is a cached directory out, or a folder inside one's manifest."""
        prefix = path + "/"
        for out in self.outs:
            if not out.cached or not out.is_dir:
                continue
            if out.path == path or out.path.startswith(prefix):
                return True
            if path.startswith(out.path + "/"):
                inner = path[len(out.path) + 1 :] + "/"
                return any(rel.startswith(inner) for rel in self._manifest(out) or {})
        return False

    def files_under(self, path: str) -> list[str]:
        """Files DVC caches under the folder `path`: file outs below it, and the files of
        directory outs that are below it or that hold it (through their manifests)."""
        found: list[str] = []
        prefix = path.rstrip("/") + "/" if path else ""
        for out in self.outs:
            if not out.cached:
                continue
            if not out.is_dir:
                if out.path.startswith(prefix):
                    found.append(out.path)
            elif out.path == path or out.path.startswith(prefix):
                found += [f"{out.path}/{rel}" for rel in self._manifest(out) or {}]
            elif path.startswith(out.path + "/"):
                inner = path[len(out.path) + 1 :] + "/"
                found += [
                    f"{out.path}/{rel}"
                    for rel in self._manifest(out) or {}
                    if rel.startswith(inner)
                ]
        return found
