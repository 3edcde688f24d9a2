"""The registry's badges for a front end that reads them at every load of its table.

`registry_state` imports GTO and pydantic the first time: about 0.8 s of CPU. In a thread, that
held the GIL from the UI it ran beside: at 10,000 experiments the table's last swap and the frame
after it took 0.09 s longer, and a key pressed meanwhile waited as long. So `RegistryBadges`:
- reads nothing while the tags and the GTO config are as at its last read (one `git
  for-each-ref`): a sweep's new experiments reload the table, not the registry;
- has a second Python read it while GTO is not imported here (`python -m
  cd4ml_tui.core.promote.badges ROOT`, a `child.Child`), which sends back the state or its
  one-line error. Once GTO is imported here (a promotion), reading here costs less than a
  Python start. If the second process fails in any way, the state is read here: it can cost
  time, never a badge.
"""

from __future__ import annotations

import sys

from cd4ml_tui.core.errors import Cd4mlError
from cd4ml_tui.core.git.repo import Repo, open_repo
from cd4ml_tui.core.promote.registry import GTO_CONFIG, Badge, TagRecord, read_tags, registry_state
from cd4ml_tui.core.values.child import Child

RegistryKey = tuple[list[TagRecord], bytes | None]  # the tags, and the GTO config as stored


class RegistryBadges:
    """`read()`: the registry state of `repo` (`registry_state`), read again only when its
    tags or its GTO config changed."""

    def __init__(self, repo: Repo) -> None:
        self.repo = repo
        self._read_for: RegistryKey | None = None
        self._state: dict[str, list[Badge]] = {}

    def read(self) -> dict[str, list[Badge]]:
        key = _registry_key(self.repo)
        if key != self._read_for:
            self._state = _read(self.repo)
            self._read_for = key  # not on an error: it is raised again at the next read
        return self._state


def read_by_child(repo: Repo) -> dict[str, list[Badge]] | None:
    """`registry_state(repo)` as a second process read it (its error is raised here); None if
    that process failed."""
    answer = Child(__name__, [str(repo.root)]).answer()
    if isinstance(answer, Cd4mlError):
        raise answer
    return answer if isinstance(answer, dict) else None


def _read(repo: Repo) -> dict[str, list[Badge]]:
    if "gto" not in sys.modules:
        found = read_by_child(repo)
        if found is not None:
            return found
    return registry_state(repo)


def _registry_key(repo: Repo) -> RegistryKey:
    try:
        config: bytes | None = (repo.root / GTO_CONFIG).read_bytes()
    except OSError:
        config = None
    return read_tags(repo), config


def _answer(root: str) -> dict[str, list[Badge]] | Cd4mlError:
    """What the second process sends: the state, or the error that says why there is none."""
    try:
        with open_repo(root) as repo:
            return registry_state(repo)
    except Cd4mlError as err:
        return err


if __name__ == "__main__":
    import pickle

    sys.stdout.buffer.write(pickle.dumps(_answer(sys.argv[1]), pickle.HIGHEST_PROTOCOL))
