"""What DVC's own files declare: which params and metrics files a revision has, and where outs live.

`dvc exp show` builds a whole DVC index per revision to learn this. We only need four facts, read
from the raw files: params files (with the keys stages name), metrics files, the out paths (so that
walking stops at them, as DVC's does) and each out's hash in `dvc.lock` / `.dvc` files. All paths
here are repo-relative POSIX paths, already joined with the dvc.yaml folder and stage `wdir`.
"""

from __future__ import annotations

import configparser
import importlib
import json
import posixpath
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from cd4ml_tui.core.dvc import fastyaml
from cd4ml_tui.core.errors import ParseError

PROJECT_FILE = "dvc.yaml"
LOCK_FILE = "dvc.lock"
DVC_FILE_SUFFIX = ".dvc"
DEFAULT_PARAMS_FILE = "params.yaml"


class DvcFileError(ParseError):
    """A dvc.yaml / dvc.lock / .dvc file DVC itself would refuse (message names file and reason)."""


@dataclass(frozen=True)
class Pipeline:
    """What one dvc.yaml declares, in DVC's order, with repo-relative paths."""

    path: str  # repo-relative path of the dvc.yaml
    stage_params: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (file, keys); () = whole file
    top_params: tuple[str, ...] = ()
    stage_metrics: tuple[str, ...] = ()
    top_metrics: tuple[str, ...] = ()
    outs: tuple[str, ...] = ()  # every stage out path (walking does not descend into them)
    uncached: tuple[str, ...] = ()  # outs with `cache: false`: DVC never reads them from cache
    stage_wdirs: dict[str, str] = field(default_factory=dict)  # stage name -> repo-relative wdir
    templated: bool = False  # uses vars / ${...} / foreach / matrix
    # top-level `plots:` entries (id, props or None) as written, ids not joined with the folder
    top_plots: tuple[tuple[str, dict[str, Any] | None], ...] = ()
    # stage `plots:` outs (project-relative path, the entry's options or None), stage order
    stage_plots: tuple[tuple[str, dict[str, Any] | None], ...] = ()
    # vars files' values the templated stages used: [(file, {dotted key: value})], stage order
    tracked_vars: tuple[tuple[str, dict[str, Any]], ...] = ()


def decode_text(data: bytes, path: str) -> str:
    """Decode like DVC opens files: utf-8 text mode with universal newlines."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ParseError(f"unable to read: '{path}', is not valid utf-8") from None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def join(folder: str, path: str) -> str:
    """Join and normalise a repo-relative path the way DVC's fs does (`a/./b/../c` -> `a/c`)."""
    joined = posixpath.normpath(posixpath.join(folder, path) if folder else path)
    return "" if joined == "." else joined


def is_dvc_file(name: str) -> bool:
    """A file DVC loads stages from: `dvc.yaml` or `*.dvc` (as `dvc.dvcfile.is_valid_filename`)."""
    return name == PROJECT_FILE or name.endswith(DVC_FILE_SUFFIX)


def dvc_serialize() -> ModuleType:
    """DVC's own parsers (`dvc.utils.serialize`), imported without its side effects.

    Importing any `dvc` module runs `dvc.logger.setup()`, whose `colorama.init()` swaps
    `sys.stdout`/`sys.stderr` for wrappers that strip colours from pipes; we put them back.
    """
    module = sys.modules.get("dvc.utils.serialize")
    if module is None:
        with _IMPORT_LOCK:
            out, err = sys.stdout, sys.stderr
            try:
                module = importlib.import_module("dvc.utils.serialize")
            finally:
                sys.stdout, sys.stderr = out, err
    return module


_IMPORT_LOCK = threading.Lock()


def parse_yaml_text(text: str, path: str) -> Any:
    """Parse YAML exactly as DVC does (ruamel.yaml, safe, YAML 1.2). Errors name the file.

    The libyaml fast path (`fastyaml`) gives ruamel's values; what it cannot type, and every
    error, goes to DVC's own parser."""

    try:
        return fastyaml.load(text) or {}
    except fastyaml.HandBack:
        return dvc_serialize().parse_yaml(text, path)


def _as_list(value: Any, what: str, path: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise DvcFileError(f"'{path}': {what} must be a list, not {type(value).__name__}")
    return value


def _entry_path(entry: Any, what: str, path: str) -> str:
    """A list entry is `name` or `{name: {options}}`; return the name."""
    if isinstance(entry, str):
        return entry
    if isinstance(entry, dict) and len(entry) == 1:
        (name,) = entry
        if isinstance(name, str):
            return name
    raise DvcFileError(f"'{path}': invalid {what} entry {entry!r}")


def plot_entries(value: Any) -> list[tuple[str, dict[str, Any] | None]]:
    """`plots:` list entries: `id` or `{id: props}` (props None when not a mapping)."""
    found: list[tuple[str, dict[str, Any] | None]] = []
    for entry in value if isinstance(value, list) else []:
        if isinstance(entry, str):
            found.append((entry, None))
        elif isinstance(entry, dict) and len(entry) == 1:
            ((plot_id, props),) = entry.items()
            found.append((str(plot_id), props if isinstance(props, dict) else None))
    return found


def _uncached(entry: Any) -> bool:
    if not isinstance(entry, dict) or len(entry) != 1:
        return False
    (options,) = entry.values()
    return isinstance(options, dict) and options.get("cache") is False


def _has_template(value: Any) -> bool:
    if isinstance(value, str):
        return "${" in value
    if isinstance(value, dict):
        return any(_has_template(k) or _has_template(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_template(v) for v in value)
    return False


def _stage_params(entries: list[Any], wdir: str, path: str) -> list[tuple[str, tuple[str, ...]]]:
    """A stage's `params:` merged like `dvc.dependency._merge_params`: a file listed bare is
    tracked whole and then its named keys are dropped."""
    merged: dict[str, list[str]] = {}
    whole: set[str] = set()
    for entry in entries:
        if isinstance(entry, dict):
            whole.update(str(k) for k, keys in entry.items() if not keys)
    for entry in entries:
        if isinstance(entry, str):
            if DEFAULT_PARAMS_FILE not in whole:
                merged.setdefault(DEFAULT_PARAMS_FILE, []).append(entry)
            continue
        if not isinstance(entry, dict):
            raise DvcFileError(f"'{path}': params entries must be keys or {{file: [keys]}}")
        for file, keys in entry.items():
            file = str(file)
            if file in whole:
                merged[file] = []
                continue
            if not isinstance(keys, list):
                raise DvcFileError(
                    f"'{path}': expected a list of params for '{file}', got {type(keys).__name__}"
                )
            merged.setdefault(file, []).extend(str(k) for k in keys)
    return [(join(wdir, file), tuple(keys)) for file, keys in merged.items()]


def load_pipeline_data(text: str, path: str) -> dict[str, Any]:
    """The raw content of one dvc.yaml, or a `DvcFileError` naming what is wrong."""
    try:
        data = parse_yaml_text(text, path)
    except Exception as err:
        raise DvcFileError(_yaml_error(err, path)) from None
    if not isinstance(data, dict):
        raise DvcFileError(f"'{path}': expected a mapping at the top level")
    return data


def is_templated(data: dict[str, Any]) -> bool:
    """Whether DVC's resolver must run first: `vars`, `${...}`, `foreach` or `matrix`."""
    if "vars" in data or _has_template(data):
        return True
    stages = data.get("stages")
    return isinstance(stages, dict) and any(
        isinstance(s, dict) and ("foreach" in s or "matrix" in s) for s in stages.values()
    )


def build_pipeline(
    data: dict[str, Any],
    path: str,
    tracked_vars: Sequence[tuple[str, dict[str, Any]]] = (),
    *,
    templated: bool = False,
) -> Pipeline:
    """A `Pipeline` from dvc.yaml content (already resolved when it was templated)."""
    folder = posixpath.dirname(path)
    stages = data.get("stages") or {}
    if not isinstance(stages, dict):
        raise DvcFileError(f"'{path}': `stages` must be a mapping")
    stage_params: list[tuple[str, tuple[str, ...]]] = []
    stage_metrics: list[str] = []
    outs: list[str] = []
    uncached: list[str] = []
    wdirs: dict[str, str] = {}
    stage_plots: list[tuple[str, dict[str, Any] | None]] = []
    for name, stage in stages.items():
        if not isinstance(stage, dict):
            raise DvcFileError(f"'{path}': stage '{name}' must be a mapping")
        if "foreach" in stage or "matrix" in stage:
            raise DvcFileError(f"'{path}': stage '{name}' is a template that was not resolved")
        wdir = stage.get("wdir") or "."
        if not isinstance(wdir, str):
            raise DvcFileError(f"'{path}': stage '{name}': `wdir` must be a string")
        stage_dir = join(folder, wdir)
        wdirs[str(name)] = stage_dir
        entries = _as_list(stage.get("params"), "params", path)
        stage_params += _stage_params(entries, stage_dir, path)
        for kind in ("outs", "metrics", "plots"):
            for entry in _as_list(stage.get(kind), kind, path):
                out = join(stage_dir, _entry_path(entry, kind, path))
                outs.append(out)
                if _uncached(entry):
                    uncached.append(out)
                if kind == "metrics":
                    stage_metrics.append(out)
        stage_plots += [(join(stage_dir, p), o) for p, o in plot_entries(stage.get("plots"))]
    top_params = [join(folder, str(p)) for p in _as_list(data.get("params"), "params", path)]
    top_metrics = [join(folder, str(m)) for m in _as_list(data.get("metrics"), "metrics", path)]
    return Pipeline(
        path=path,
        stage_params=tuple(stage_params),
        top_params=tuple(top_params),
        stage_metrics=tuple(stage_metrics),
        top_metrics=tuple(top_metrics),
        outs=tuple(outs),
        uncached=tuple(uncached),
        stage_wdirs=wdirs,
        templated=templated,
        tracked_vars=tuple(tracked_vars),
        top_plots=tuple(plot_entries(data.get("plots"))),
        stage_plots=tuple(stage_plots),
    )


def _yaml_error(err: Exception, path: str) -> str:
    cause = err.__cause__
    detail = f": {' '.join(str(cause).split())}" if cause else ""
    return f"{err}{detail}" if str(err) else f"'{path}': {type(err).__name__}{detail}"


class DvcCache:
    """Read-only access to the local DVC cache (DVC 3 `files/md5/` and the DVC 2 layout).

    Never touches remotes: a missing object is reported, not fetched.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.dir = find_cache_dir(root)

    def object_path(self, md5: str) -> Path | None:
        """The file holding object `md5`, or None when it is not in the local cache."""
        if len(md5) < 3 or "/" in md5 or "\\" in md5 or md5.startswith("."):
            return None
        for candidate in (
            self.dir / "files" / "md5" / md5[:2] / md5[2:],
            self.dir / md5[:2] / md5[2:],
        ):
            if candidate.is_file():
                return candidate
        return None

    def read(self, md5: str) -> bytes | None:
        found = self.object_path(md5)
        if found is None:
            return None
        try:
            return found.read_bytes()
        except OSError:
            return None

    def dir_entries(self, md5: str) -> dict[str, str] | None:
        """A directory out's manifest: relpath -> md5, or None when absent or unreadable."""
        raw = self.read(md5)
        if raw is None:
            return None
        try:
            entries = json.loads(raw)
        except ValueError:
            return None
        if not isinstance(entries, list):
            return None
        return {
            str(e["relpath"]): str(e["md5"])
            for e in entries
            if isinstance(e, dict) and "relpath" in e and "md5" in e
        }


def find_cache_dir(root: Path) -> Path:
    """The cache dir: `cache.dir` of `.dvc/config.local`, else `.dvc/config`, else `.dvc/cache`.

    A relative `cache.dir` is relative to the config file's folder, as DVC resolves it.
    """
    dvc_dir = root / ".dvc"
    for name in ("config.local", "config"):
        config = configparser.ConfigParser(interpolation=None, strict=False)
        try:
            config.read(dvc_dir / name, encoding="utf-8")
        except (configparser.Error, UnicodeDecodeError):
            continue
        if config.has_option("cache", "dir"):
            value = config.get("cache", "dir").strip().strip("'\"")
            if value:
                return (dvc_dir / Path(value).expanduser()).resolve()
    return dvc_dir / "cache"
