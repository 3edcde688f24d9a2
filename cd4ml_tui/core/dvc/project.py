"""Opening the DVC project through DVC's own API, for the few writes only DVC can do right
(`dvc exp apply`, `dvc checkout`, starting the queue's workers).

DVC is heavy to import, so it is imported here, lazily, and only by writes. DVC's console is off
unless its CLI turns it on; its logger is quietened too, so a warning never lands on the TUI.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from cd4ml_tui.core.errors import Cd4mlError


class DvcError(Cd4mlError):
    """DVC refused or failed; the message is DVC's own, on one line."""


@contextmanager
def quiet_dvc() -> Iterator[None]:
    """DVC's logger neither prints nor propagates while the block runs."""
    log = logging.getLogger("dvc")
    saved = (log.level, log.propagate, log.disabled)
    log.setLevel(logging.CRITICAL + 1)
    log.propagate = False
    log.disabled = True
    try:
        yield
    finally:
        log.setLevel(saved[0])
        log.propagate = saved[1]
        log.disabled = saved[2]


@contextmanager
def dvc_project(root: Path) -> Iterator[Any]:
    """`dvc.repo.Repo(root)`, quiet, closed afterwards; DVC's exceptions become a `DvcError`."""
    from dvc.exceptions import DvcException
    from dvc.repo import Repo as DvcRepo

    with quiet_dvc():
        try:
            with DvcRepo(str(root)) as project:
                yield project
        except DvcException as err:
            lines = str(err).strip().splitlines() or [type(err).__name__]
            raise DvcError(f"dvc: {lines[0]}") from None
