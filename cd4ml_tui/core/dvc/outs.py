"""The DVC outs a revision records (hash, size, file count), read from `dvc.lock` and `.dvc` files.

`dvc diff` tells what data changed by comparing these recorded hashes; so do we, without DVC.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cd4ml_tui.core.dvc.files import DVC_FILE_SUFFIX, LOCK_FILE, PROJECT_FILE, parse_yaml_text
from cd4ml_tui.core.dvc.files import join as _join


@dataclass(frozen=True)
class OutState:
    """One out as a revision records it. `hash` ends in `.dir` for a directory out."""

    hash: str
    size: int | None = None
    nfiles: int | None = None

    @property
    def is_dir(self) -> bool:
        return self.hash.endswith(".dir")


def records_outs(path: str) -> bool:
    """Whether `path` is a file where DVC records out hashes."""
    return posixpath.basename(path) == LOCK_FILE or (
        path.endswith(DVC_FILE_SUFFIX) and posixpath.basename(path) != DVC_FILE_SUFFIX
    )


def _yaml(text: str) -> Any:
    """Parse YAML as DVC does; None when it does not parse (the file then records no outs)."""
    try:
        return parse_yaml_text(text, "")
    except Exception:
        return None


def _state(entry: Any) -> tuple[str, OutState] | None:
    if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
        return None
    md5 = entry.get("md5") or entry.get("etag") or entry.get("checksum")
    if not isinstance(md5, str) or not md5:
        return None
    size = entry.get("size")
    nfiles = entry.get("nfiles")
    return entry["path"], OutState(
        md5,
        size if isinstance(size, int) else None,
        nfiles if isinstance(nfiles, int) else None,
    )


def _stage_wdirs(dvc_yaml_text: str | None) -> dict[str, str]:
    data = _yaml(dvc_yaml_text) if dvc_yaml_text else None
    stages = data.get("stages") if isinstance(data, dict) else None
    if not isinstance(stages, dict):
        return {}
    return {
        str(name): stage["wdir"]
        for name, stage in stages.items()
        if isinstance(stage, dict) and isinstance(stage.get("wdir"), str)
    }


def recorded_outs(
    path: str, text: str | None, read: Callable[[str], str | None]
) -> dict[str, OutState]:
    """Repo-relative out path -> state, from the `dvc.lock` or `.dvc` file `path` holding `text`.

    `read(path)` reads a sibling file of the same revision (the `dvc.yaml` that gives stage
    `wdir`s, which `dvc.lock` paths are relative to).
    """
    data = _yaml(text) if text else None
    if not isinstance(data, dict):
        return {}
    folder = posixpath.dirname(path)
    outs: dict[str, OutState] = {}
    if posixpath.basename(path) == LOCK_FILE:
        stages = data.get("stages")
        if not isinstance(stages, dict):
            return {}
        wdirs = _stage_wdirs(read(_join(folder, PROJECT_FILE)))
        for name, stage in stages.items():
            if not isinstance(stage, dict):
                continue
            wdir = wdirs.get(str(name), wdirs.get(str(name).split("@", 1)[0], "."))
            for entry in stage.get("outs") or []:
                found = _state(entry)
                if found:
                    outs[_join(_join(folder, wdir), found[0])] = found[1]
        return outs
    file_wdir = data.get("wdir") if isinstance(data.get("wdir"), str) else "."
    for entry in data.get("outs") or []:
        found = _state(entry)
        if found:
            outs[_join(_join(folder, str(file_wdir)), found[0])] = found[1]
    return outs
