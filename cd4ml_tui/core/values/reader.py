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

from cd4ml_tui.core.dvc.files import DEFAULT_PARAMS_FILE
from cd4ml_tui.core.dvc.view import NO_SUCH_FILE, NOT_IN_CACHE, Located, ProjectFiles, RevisionView
from cd4ml_tui.core.errors import Cd4mlError, ParseError
from cd4ml_tui.core.git.repo import Repo
from cd4ml_tui.core.model import FlatValues, ValueKind
from cd4ml_tui.core.values.parse import flatten, parse_values
from cd4ml_tui.core.values.prefetch import Prefetcher

__all__ = ["NOT_IN_CACHE", "NO_SUCH_FILE", "ReadResult", "RevisionReader", "merge_params"]


@dataclass
class ReadResult:
    """One revision's values. `cacheable` is False when the result could change without a new
    commit (a DVC object missing now may be pulled later)."""

    params: dict[str, FlatValues] = field(default_factory=dict)
    metrics: dict[str, FlatValues] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    cacheable: bool = True


class RevisionReader:
    """Reads revisions of one repo; keep one per load so that the memos are shared."""

    def __init__(self, repo: Repo) -> None:
        self.repo = repo
        self.project = ProjectFiles(repo)
        self.git = self.project.git
        self._parsed: dict[tuple[str, str, ValueKind, tuple[str, ...]], FlatValues | str] = {}

    def read_commit(self, sha: str, *, with_metrics: bool = True) -> ReadResult:
        """Values of commit `sha`; `with_metrics=False` for a queued run, whose commit holds
        the params it will run with but metrics of its baseline (DVC shows none)."""
        view = self.project.commit(sha)
        if view is None:
            return ReadResult(
                errors={"": f"commit {sha} is not in the repository"}, cacheable=False
            )
        try:
            return self._read(view, with_metrics=with_metrics)
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
        result = self._read(self.project.workspace(folder))
        result.cacheable = False
        return result

    # -- one revision -------------------------------------------------------------------------

    def _read(self, view: RevisionView, *, with_metrics: bool = True) -> ReadResult:
        result = ReadResult()
        if view.pipeline_errors:
            # DVC cannot build its index for this revision: it shows no values at all.
            path, message = next(iter(view.pipeline_errors.items()))
            result.errors[path] = message
            return result
        pipelines = view.pipelines

        params: list[tuple[str, tuple[str, ...]]] = []
        for pipeline in pipelines:
            params += pipeline.stage_params
        for pipeline in pipelines:
            params += [(p, ()) for p in pipeline.top_params]
        if view.source.exists(DEFAULT_PARAMS_FILE) or view.outs.find(DEFAULT_PARAMS_FILE):
            params.append((DEFAULT_PARAMS_FILE, ()))
        for path, keys in merge_params(params).items():
            for file in view.expand(path):
                self._read_file(view, file, "param", tuple(keys), result)

        named = set(result.params) | set(result.errors)
        for pipeline in pipelines:
            for file, used in pipeline.tracked_vars:
                if file in named:
                    continue  # DVC lists a vars file's used keys only when no stage names it
                try:
                    result.params.setdefault(file, {}).update(flatten(used, file))
                except ParseError as err:
                    result.errors[file] = str(err)
        if not with_metrics:
            return result
        metrics = [m for p in pipelines for m in p.stage_metrics]
        metrics += [m for p in pipelines for m in p.top_metrics]
        files = [f for m in metrics for f in view.expand(m)]
        for file in dict.fromkeys(files):
            self._read_file(view, file, "metric", (), result)
        return result

    def _read_file(
        self,
        view: RevisionView,
        path: str,
        kind: ValueKind,
        keys: tuple[str, ...],
        result: ReadResult,
    ) -> None:
        key = view.memo_key(path)
        if key is not None and (key, path, kind, keys) in self._parsed:
            located = Located(key, None)  # parsed before: no need for the bytes again
        else:
            located = view.locate(path)
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
