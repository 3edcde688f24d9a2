"""A persistent cache of read results, one file per immutable commit sha.

A commit's params and metrics never change, so a second start reads one small file per revision
instead of parsing. Entries live in `.dvc/tmp/cd4ml-tui/v<N>/` (DVC's own tmp dir, already
gitignored) or, without `.dvc`, in the user cache dir. Each file starts with a header line that
names the format, the reader version, the commit and a sha256 of the payload: anything that does
not check out (truncated, edited, another version) is deleted and read again, never trusted.
Writes go to a temporary file first and are renamed into place, so readers never see half a file.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cd4ml_tui.core.values.parse import READER_VERSION
from cd4ml_tui.core.values.reader import ReadResult

if TYPE_CHECKING:
    from cd4ml_tui.core.git.repo import Repo

MAGIC = "cd4ml-tui-values"
SHA = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")


def user_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "cd4ml-tui"


def cache_dir_for(root: Path) -> Path:
    """Where results of the repo at `root` are kept."""
    if (root / ".dvc").is_dir():
        return root / ".dvc" / "tmp" / "cd4ml-tui" / f"v{READER_VERSION}"
    digest = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
    return user_cache_dir() / digest / f"v{READER_VERSION}"


class ResultCache:
    """Results keyed by commit sha. `get` returns None for absent or untrustworthy entries."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @classmethod
    def for_repo(cls, repo: Repo) -> ResultCache:
        return cls(cache_dir_for(repo.project_root))

    def path(self, sha: str) -> Path:
        return self.directory / sha[:2] / f"{sha[2:]}.json"

    def get(self, sha: str) -> ReadResult | None:
        if not SHA.match(sha):
            return None
        path = self.path(sha)
        try:
            raw = path.read_bytes()
        except OSError:
            return None
        result = decode_entry(raw, sha)
        if result is None:  # corrupt or stale: drop it so that it is rebuilt
            path.unlink(missing_ok=True)
        return result

    def put(self, sha: str, result: ReadResult) -> None:
        if not SHA.match(sha):
            return
        path = self.path(sha)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(encode_entry(sha, result))
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError:
            pass  # a read-only or full disk only costs speed


def encode_entry(sha: str, result: ReadResult) -> bytes:
    payload = json.dumps(
        {"params": result.params, "metrics": result.metrics, "errors": result.errors},
        separators=(",", ":"),
    ).encode()
    digest = hashlib.sha256(payload).hexdigest()
    return f"{MAGIC} {READER_VERSION} {sha} {digest}\n".encode() + payload


def decode_entry(raw: bytes, sha: str) -> ReadResult | None:
    """The result stored in `raw`, or None unless header, checksum and shape all check out."""

    header, newline, payload = raw.partition(b"\n")
    if not newline:
        return None
    parts = header.decode("ascii", errors="replace").split(" ")
    if parts[:3] != [MAGIC, str(READER_VERSION), sha] or len(parts) != 4:
        return None
    if hashlib.sha256(payload).hexdigest() != parts[3]:
        return None
    try:
        data = json.loads(payload)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    params, metrics, errors = data.get("params"), data.get("metrics"), data.get("errors")
    if not (isinstance(params, dict) and isinstance(metrics, dict) and isinstance(errors, dict)):
        return None
    if not (_files(params) and _files(metrics)):
        return None
    if not all(isinstance(v, str) for v in errors.values()):
        return None
    return ReadResult(params=params, metrics=metrics, errors=errors, cacheable=True)


def _files(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(v, dict) for v in value.values())
