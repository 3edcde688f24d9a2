"""DVC's own view of a repo, flattened the way `dvc exp show` flattens it, to hold ours against.

`dvc_view(path)` runs `Repo(path).experiments.show(all_branches=True, all_tags=True, force=True)`
in-process and returns {rev: {"params": {file: flat | ERROR}, "metrics": {...}, "error": bool}},
with values passed through the JSON that `dvc exp show --json` prints. DVC writes its own
experiment cache while doing so: only call it on a private copy of a fixture.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

ERROR = "<error>"


def _json_default(item: Any) -> Any:
    from datetime import date, datetime

    if isinstance(item, date | datetime):
        return item.isoformat()
    if isinstance(item, Exception):
        return {"type": type(item).__name__, "msg": str(item)}
    raise TypeError(type(item).__name__)


def _files(results: dict[str, Any]) -> dict[str, Any]:
    from dvc.utils.flatten import flatten

    files: dict[str, Any] = {}
    for path, result in results.items():
        if result.get("error") is not None:
            files[path] = ERROR
            continue
        data = result.get("data", {})
        # a bare scalar file is `{"data": 0.75}` in `exp show --json`, the key "" in `exp diff`
        scalar = isinstance(data, int | float | str)
        flat = flatten(data) if isinstance(data, dict) else {"": data} if scalar else {}
        files[path] = json.loads(json.dumps(flat, default=_json_default))
    return files


def _state(state: Any) -> dict[str, Any]:
    data = state.data
    if data is None:
        return {"params": {}, "metrics": {}, "error": True}
    return {
        "params": _files(data.params),
        "metrics": _files(data.metrics),
        "error": state.error is not None,
    }


def dvc_view(path: Path) -> dict[str, dict[str, Any]]:
    """Every revision `dvc exp show -a -T -f` lists: rev ("workspace" or sha) -> values."""
    out, err = sys.stdout, sys.stderr
    try:
        from dvc.repo import Repo

        with Repo(str(path)) as repo:
            states = repo.experiments.show(all_branches=True, all_tags=True, force=True)
    finally:
        sys.stdout, sys.stderr = out, err
    view: dict[str, dict[str, Any]] = {}
    for baseline in states:
        view[baseline.rev] = _state(baseline)
        for exp_range in baseline.experiments or []:
            head = exp_range.revs[0]
            entry = _state(head)
            entry["name"] = head.name
            entry["executor"] = exp_range.executor.state if exp_range.executor else None
            view[head.rev] = entry
    return view


def same(a: Any, b: Any) -> bool:
    """Equality where NaN equals NaN, and types matter (True is not 1, 1 is not 1.0)."""
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or a == b
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def ours_view(values: list[Any]) -> dict[str, dict[str, Any]]:
    """Our RevisionValues in the same shape as `dvc_view` (errors as ERROR, JSON round trip)."""
    view = {}
    for row in values:
        params = {p: json.loads(json.dumps(v)) for p, v in row.params.items()}
        metrics = {p: json.loads(json.dumps(v)) for p, v in row.metrics.items()}
        for path in row.errors:
            if path in params or path in metrics:
                continue
            # an error names one file; DVC files it under params or metrics
            params.setdefault(path, ERROR)
            metrics.setdefault(path, ERROR)
        view[row.revision.rev] = {"params": params, "metrics": metrics, "errors": row.errors}
    return view


def differences(dvc: dict[str, Any], ours: dict[str, Any]) -> list[str]:
    """Human-readable differences for every revision DVC lists (empty when all agree)."""
    problems = []
    for rev, theirs in dvc.items():
        mine = ours.get(rev)
        if mine is None:
            problems.append(f"{rev}: listed by DVC, missing from ours")
            continue
        if theirs["error"] and not theirs["params"] and not mine["errors"]:
            problems.append(f"{rev}: DVC could not read this revision, ours reports no error")
        for kind in ("params", "metrics"):
            for path, their_flat in theirs[kind].items():
                my_flat = mine[kind].get(path)
                if their_flat == ERROR:
                    if path not in mine["errors"]:
                        problems.append(f"{rev} {kind} {path}: DVC failed, ours read {my_flat}")
                elif not same(their_flat, my_flat):
                    problems.append(f"{rev} {kind} {path}: DVC {their_flat} != ours {my_flat}")
            extra = [p for p, v in mine[kind].items() if p not in theirs[kind] and v != ERROR]
            if extra and not theirs["error"]:
                problems.append(f"{rev} {kind}: ours has files DVC does not: {extra}")
    return problems
