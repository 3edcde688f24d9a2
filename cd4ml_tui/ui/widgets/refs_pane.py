"""The refs pane: local branches, remote branches and tags, each with its experiment count.

Choosing a ref posts `RefsPane.Chosen` with the commit it points to; the screen narrows the table
to that commit's group. `set_badges` adds labels by commit (GTO versions and stages) to its refs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from cd4ml_tui.core.model import Revision
from cd4ml_tui.ui.messages import WidgetMessage

SECTIONS = (("refs/heads/", "Branches"), ("refs/remotes/", "Remotes"), ("refs/tags/", "Tags"))


def short_ref(ref: str) -> str:
    """`refs/heads/main` -> `main`, `refs/tags/v1` -> `v1`, `refs/remotes/o/x` -> `o/x`."""
    for prefix, _ in SECTIONS:
        if ref.startswith(prefix):
            return ref[len(prefix) :]
    return ref


def middle_ellipsis(text: Text, width: int) -> Text:
    """`text` in at most `width` cells: its start and end with `…` between (styles kept)."""
    if text.cell_len <= width:
        return text
    if width <= 1:
        return Text("…")
    keep = width - 1
    head, tail = (keep + 1) // 2, keep // 2
    cut = text[:head]
    cut.append("…")
    if tail:
        cut.append_text(text[len(text) - tail :])
    return cut


class RefsPane(Tree[str]):
    """Refs by kind; each leaf's data is the full ref name."""

    DEFAULT_CSS = """
    RefsPane > .refs-pane--count { color: $text-muted; }
    RefsPane > .refs-pane--badge { color: $warning; text-style: bold; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"refs-pane--count", "refs-pane--badge"}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Show group", id="refs.choose"),
        Binding("j", "cursor_down", "Down", show=False, id="refs.down"),
        Binding("k", "cursor_up", "Up", show=False, id="refs.up"),
    ]

    HELP_TITLE = "Refs pane"

    class Chosen(WidgetMessage):
        """A ref was chosen: narrow to the group of `rev` (the commit `ref` points to)."""

        def __init__(self, refs_pane: RefsPane, ref: str, rev: str) -> None:
            super().__init__(refs_pane)
            self.refs_pane = refs_pane
            self.ref = ref
            self.rev = rev

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("refs", id=id)
        self.show_root = False
        self.guide_depth = 2
        self._commit_of: dict[str, str] = {}
        self._exp_counts: Counter[str] = Counter()
        self._badges: dict[str, Sequence[str]] = {}  # labels by commit sha
        self._leaves: dict[str, TreeNode[str]] = {}

    def _style(self, part: str) -> Style:
        """The foreground style of one of our component classes (no background)."""
        return self.get_component_rich_style(f"refs-pane--{part}", partial=True)

    def set_revisions(self, revisions: Sequence[Revision]) -> None:
        """Rebuild from the listed revisions (refs come from the commit revisions); not when
        no ref and no count changed (a load lists again the revisions shown by name first)."""
        counts = Counter(r.baseline for r in revisions if r.baseline)
        commit_of = {ref: r.rev for r in revisions if r.kind == "commit" for ref in r.refs}
        if (counts, commit_of) == (self._exp_counts, self._commit_of) and self._leaves:
            return
        self._exp_counts, self._commit_of = counts, commit_of
        self._rebuild()

    def set_badges(self, badges: Mapping[str, Sequence[str]]) -> None:
        """Show the labels of each ref's commit (`badges` by commit sha: GTO versions and
        stages) next to the ref."""
        self._badges = dict(badges)
        for ref, node in self._leaves.items():
            node.set_label(self._label(ref))

    @property
    def refs(self) -> list[str]:
        """Every ref shown, as full ref names."""
        return list(self._commit_of)

    def leaf(self, ref: str) -> TreeNode[str] | None:
        """The tree node of `ref` (e.g. to move the cursor to it)."""
        return self._leaves.get(ref)

    def commit_of(self, ref: str) -> str | None:
        return self._commit_of.get(ref)

    def _rebuild(self) -> None:
        cursor_ref = self.cursor_node.data if self.cursor_node else None
        self.clear()
        self._leaves.clear()
        refs = sorted(self._commit_of)
        other = [r for r in refs if not r.startswith(tuple(p for p, _ in SECTIONS))]
        for prefix, title in SECTIONS:
            members = [r for r in refs if r.startswith(prefix)]
            if prefix == "refs/heads/":
                members = other + members  # a detached HEAD shows with the branches
            if not members:
                continue
            section = self.root.add(f"{title} ({len(members)})", expand=True)
            for ref in members:
                self._leaves[ref] = section.add_leaf(self._label(ref), data=ref)
        if cursor_ref in self._leaves:
            self.move_cursor(self._leaves[cursor_ref])

    def _label(self, ref: str) -> Text:
        """The ref's name, experiment count and badges, cut in the middle (`text-cl…prod#3`)
        when the pane is too narrow, so both ends stay readable; the tooltip has it whole."""
        label = self._full_label(ref)
        room = self.scrollable_content_region.width - self.guide_depth - 1
        return middle_ellipsis(label, room) if room > 0 else label

    def _full_label(self, ref: str) -> Text:
        label = Text(short_ref(ref))
        count = self._exp_counts.get(self._commit_of.get(ref, ""), 0)
        if count:
            label.append(
                f" {count} exp",
                style=self._style("count"),
            )
        badge = " ".join(self._badges.get(self._commit_of.get(ref, ""), ()))
        if badge:
            label.append(f" {badge}", style=self._style("badge"))
        return label

    def on_resize(self) -> None:
        for ref, node in self._leaves.items():
            node.set_label(self._label(ref))

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[str]) -> None:
        ref = event.node.data
        self.tooltip = self._full_label(ref) if ref in self._leaves else None

    def on_tree_node_selected(self, event: Tree.NodeSelected[str]) -> None:
        event.stop()
        ref = event.node.data
        if ref is not None and ref in self._commit_of:
            self.post_message(self.Chosen(self, ref, self._commit_of[ref]))
