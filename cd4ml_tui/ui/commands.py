"""Command-palette provider: every key of the current screen, runnable by name (ctrl+p)."""

from __future__ import annotations

from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from cd4ml_tui.ui.screens.help import KeyEntry, collect_bindings


class ScreenActionsProvider(Provider):
    """Offers the actions bound on the screen the palette was opened from."""

    def _entries(self) -> list[KeyEntry]:
        return [e for e in collect_bindings(self.screen) if e.action != "command_palette"]

    def _run(self, entry: KeyEntry) -> partial[Any]:
        return partial(self.app.run_action, entry.action, entry.node)

    async def discover(self) -> Hits:
        for entry in self._entries():
            help_text = f"{entry.key} · {entry.section}"
            yield DiscoveryHit(entry.description, self._run(entry), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for entry in self._entries():
            score = matcher.match(entry.description)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(entry.description),
                    self._run(entry),
                    help=f"{entry.key} · {entry.section}",
                )
