"""Read one revision's params and metrics files: from git objects, the disk, or the DVC cache.

Which files, and in which order, follows `dvc exp show` (`dvc/repo/params/show.py`,
`dvc/repo/metrics/show.py`): params files of stages, then top-level `params:`, then the root
`params.yaml`; metrics outs of stages, then top-level `metrics:`. A file is read from git (or the
disk for the workspace) first, else from the local DVC cache by the hash in `dvc.lock`.

Many revisions share blobs (dvc.yaml, params.yaml), so parses are memoised by blob sha / md5, and
git trees by tree sha; an experiment costs only the objects that differ from its baseline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cd4ml_tui.core.dvc.files import (
    DEFAULT_PARAMS_FILE,
    DvcCache,
    DvcFileError,
    OutHash,
    Pipeline,
    build_pipeline,
    is_templated,
    load_pipeline_data,
    parse_dvc_file,
    parse_lock,
)
from cd4ml_tui.core.dvc.sources import CommitSource, GitMemo, Source, WorkspaceSource
from cd4ml_tui.core.dvc.templating import resolve
from cd4ml_tui.core.errors import Cd4mlError, ParseError
from cd4ml_tui.core.git.repo import Repo
from cd4ml_tui.core.model import FlatValues, ValueKind
from cd4ml_tui.core.values.parse import decode_text, flatten, parse_values
from cd4ml_tui.core.values.prefetch import Prefetcher

NOT_IN_CACHE = "not in local DVC cache; `dvc pull` fetches it"
NO_SUCH_FILE = "no such file in this revision"


@dataclass
class ReadResult:
    """One revision's values. `cacheable` is False when the result could change without a new
    commit (a DVC object missing now may be pulled later)."""

    params: dict[str, FlatValues] = field(default_factory=dict)
    metrics: dict[str, FlatValues] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    cacheable: bool = True


@dataclass(frozen=True)
class _Located:
    """Where a file's bytes are: a memo key and a way to get them (None = missing)."""

    key: str | None  # "blob:<sha>" / "md5:<md5>" / None for workspace files
    data: bytes | None
    error: str | None = None


class RevisionReader:
    """Reads revisions of one repo; keep one per load so that the memos are shared."""

    def __init__(self, repo: Repo) -> None:
        self.repo = repo
        self._dvc_cache: DvcCache | None = None
        self._parsed: dict[tuple[str, str, ValueKind, tuple[str, ...]], FlatValues | str] = {}
        self._pipelines: dict[tuple[str, str], Pipeline | str] = {}
        self.git = GitMemo()

    @property
    def dvc_cache(self) -> DvcCache:
        if self._dvc_cache is None:
            self._dvc_cache = DvcCache(self.repo.project_root)
        return self._dvc_cache

    def read_commit(self, sha: str, *, with_metrics: bool = True) -> ReadResult:
        """Values of commit `sha`; `with_metrics=False` for a queued run, whose commit holds
        the params it will run with but metrics of its baseline (DVC shows none)."""
        tree = self.git.commit_trees.get(sha)
        if tree is None:
            info = self.repo.objects.commit(sha)
            if info is None:
                missing = f"commit {sha} is not in the repository"
                return ReadResult(errors={"": missing}, cacheable=False)
            tree = self.git.commit_trees[sha] = info.tree
        source = CommitSource(self.repo.objects, tree, self.git, self.repo.project_prefix)
        try:
            return self._read(source, with_metrics=with_metrics)
        except Cd4mlError:
            raise
        except Exception as err:  # a reader bug must not hide every other revision
            message = f"could not read this revision: {type(err).__name__}: {err}"
            return ReadResult(errors={"": " ".join(message.split())}, cacheable=False)

    def prefetch(self, shas: Sequence[str]) -> None:
        """Read ahead, in bulk, what reading these commits will ask git for."""

        self.git.blobs.clear()
        Prefetcher(self.repo.objects, self.git).run(shas, self.repo.project_prefix)

    def read_workspace(self, folder: Path | None = None) -> ReadResult:
        """The files on disk: the workspace, or a running experiment's live work dir."""
        result = self._read(WorkspaceSource(folder or self.repo.project_root))
        result.cacheable = False
        return result

    # -- one revision -------------------------------------------------------------------------

    def _read(self, source: Source, *, with_metrics: bool = True) -> ReadResult:
        result = ReadResult()
        pipelines: list[Pipeline] = []
        dvc_files = source.dvc_files()
        for path in dvc_files:
            if not path.endswith("dvc.yaml"):
                continue
            pipeline = self._pipeline(source, path)
            if isinstance(pipeline, str):
                # DVC cannot build its index for this revision: it shows no values at all.
                result.errors[path] = pipeline
                return result
            pipelines.append(pipeline)
        outs = _OutIndex(self, source, pipelines, [p for p in dvc_files if p.endswith(".dvc")])

        params: list[tuple[str, tuple[str, ...]]] = []
        for pipeline in pipelines:
            params += pipeline.stage_params
        for pipeline in pipelines:
            params += [(p, ()) for p in pipeline.top_params]
        if source.exists(DEFAULT_PARAMS_FILE) or outs.find(DEFAULT_PARAMS_FILE):
            params.append((DEFAULT_PARAMS_FILE, ()))
        for path, keys in merge_params(params).items():
            for file in self._expand(source, outs, path):
                self._read_file(source, outs, file, "param", tuple(keys), result)

        for pipeline in pipelines:
            for file, used in pipeline.tracked_vars:
                if file in result.params or file in result.errors:
                    continue  # DVC lists a vars file's used keys only when no stage names it
                try:
                    result.params.setdefault(file, {}).update(flatten(used, file))
                except ParseError as err:
                    result.errors[file] = str(err)
        if not with_metrics:
            return result
        metrics = [m for p in pipelines for m in p.stage_metrics]
        metrics += [m for p in pipelines for m in p.top_metrics]
        files = [f for m in metrics for f in self._expand(source, outs, m)]
        for file in dict.fromkeys(files):
            self._read_file(source, outs, file, "metric", (), result)
        return result

    def _pipeline(self, source: Source, path: str) -> Pipeline | str:
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
        except (ParseError, DvcFileError) as err:
            parsed = str(err)
        if memo_key:
            self._pipelines[memo_key] = parsed
            self.git.known_blobs.add(memo_key[0].partition(":")[2])
        return parsed

    def _expand(self, source: Source, outs: _OutIndex, path: str) -> list[str]:
        """A directory expands to every file under it, sorted (DVC's `try_expand_paths`)."""
        if source.isdir(path):
            return sorted(set(source.files_under(path)) | set(outs.files_under(path)))
        under = outs.files_under(path)
        return sorted(under) if under else [path]

    def _locate(self, source: Source, outs: _OutIndex, path: str) -> _Located:
        data = source.read(path)
        if data is not None:
            return _Located(source.memo_key(path), data)
        out_md5 = outs.find(path)
        if out_md5 is None:
            return _Located(None, None, NO_SUCH_FILE)
        if out_md5 == "":
            return _Located(None, None, NOT_IN_CACHE)
        raw = self.dvc_cache.read(out_md5)
        if raw is None:
            return _Located(None, None, NOT_IN_CACHE)
        return _Located(f"md5:{out_md5}", raw)

    def _read_file(
        self,
        source: Source,
        outs: _OutIndex,
        path: str,
        kind: ValueKind,
        keys: tuple[str, ...],
        result: ReadResult,
    ) -> None:
        key = source.memo_key(path)
        if key is not None and (key, path, kind, keys) in self._parsed:
            located = _Located(key, None)  # parsed before: no need for the bytes again
        else:
            located = self._locate(source, outs, path)
        if located.data is None and located.key is None:
            result.errors[path] = located.error or NO_SUCH_FILE
            if located.error == NOT_IN_CACHE:
                result.cacheable = False
            return
        memo = (located.key, path, kind, keys) if located.key else None
        parsed = self._parsed.get(memo) if memo else None
        if parsed is None:
            try:
                parsed = parse_values(located.data or b"", path, kind, keys)
            except ParseError as err:
                parsed = str(err)
            if memo:
                self._parsed[memo] = parsed
                self.git.known_blobs.add(memo[0].partition(":")[2])
        if isinstance(parsed, str):
            result.errors[path] = parsed
        elif kind == "metric":
            result.metrics[path] = dict(parsed)
        else:
            result.params[path] = dict(parsed)


class _OutIndex:
    """The DVC-cached outs of one revision (from its dvc.lock and .dvc files), parsed lazily:
    only a file missing from git needs them. Outs with `cache: false` are left out: DVC never
    reads those from its cache, even when an object with their hash is there."""

    def __init__(
        self,
        reader: RevisionReader,
        source: Source,
        pipelines: list[Pipeline],
        dvc_files: list[str],
    ) -> None:
        self._reader = reader
        self._source = source
        self._pipelines = pipelines
        self._dvc_files = dvc_files
        self._hashes: list[OutHash] | None = None

    @property
    def hashes(self) -> list[OutHash]:
        if self._hashes is None:
            hashes: list[OutHash] = []
            uncached = {out for pipeline in self._pipelines for out in pipeline.uncached}
            for pipeline in self._pipelines:
                lock = pipeline.path[: -len("dvc.yaml")] + "dvc.lock"
                data = self._source.read(lock)
                if data is None:
                    continue
                try:
                    hashes += parse_lock(decode_text(data, lock), lock, pipeline.stage_wdirs)
                except (DvcFileError, ParseError):
                    continue
            for path in self._dvc_files:
                data = self._source.read(path)
                if data is None:
                    continue
                try:
                    hashes += parse_dvc_file(decode_text(data, path), path)
                except (DvcFileError, ParseError):
                    continue
            self._hashes = [h for h in hashes if h.path not in uncached]
        return self._hashes

    def find(self, path: str) -> str | None:
        """The md5 of the DVC-tracked file `path`; "" when tracked but its directory manifest is
        not in the cache; None when DVC does not track it."""
        for out in self.hashes:
            if out.path == path and not out.is_dir:
                return out.md5
            if out.is_dir and path.startswith(out.path + "/"):
                entries = self._reader.dvc_cache.dir_entries(out.md5)
                if entries is None:
                    return ""
                return entries.get(path[len(out.path) + 1 :])
        return None

    def files_under(self, path: str) -> list[str]:
        """Files DVC tracks under the directory `path` (through directory manifests)."""
        found: list[str] = []
        prefix = path.rstrip("/") + "/"
        for out in self.hashes:
            if out.path.startswith(prefix) and not out.is_dir:
                found.append(out.path)
            elif out.is_dir and (out.path == path or out.path.startswith(prefix)):
                entries = self._reader.dvc_cache.dir_entries(out.md5) or {}
                found += [f"{out.path}/{rel}" for rel in entries]
        return found


def _resolved_pipeline(data: dict, path: str, source: Source) -> Pipeline | str:

    try:
        resolved, tracked = resolve(data, path, source)
        return build_pipeline(resolved, path, tracked, templated=True)
    except DvcFileError as err:
        return str(err)
    except Exception as err:  # DVC's resolver: interpolation, missing vars file, ...
        message = " ".join(str(err).split()) or type(err).__name__
        return message if path in message else f"'{path}': {message}"


def merge_params(entries: list[tuple[str, tuple[str, ...]]]) -> dict[str, list[str]]:
    """Merge params files across stages like `dvc.dependency._merge_params`: a file that any
    entry tracks whole is read whole; otherwise the union of the named keys, in order."""
    whole = {path for path, keys in entries if not keys}
    merged: dict[str, list[str]] = {}
    for path, keys in entries:
        if path in whole:
            merged[path] = []
        else:
            merged.setdefault(path, []).extend(keys)
    return merged
