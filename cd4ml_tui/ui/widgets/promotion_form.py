"""The fields of the promote dialog: artifact, version (with bump buttons), stage, note, branch,
push. The form keeps its own fields in step (a checkbox enables its input, a bump button fills
the version) and posts `Changed` with the field that changed; the dialog re-plans from `values()`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from cd4ml_tui.core.api import VersionChoices
from cd4ml_tui.ui.messages import WidgetMessage

RELEASE = "\0release"  # the artifact choice for a plain release tag (repo without artifacts)
LOADING = "\0loading"  # the artifact select's only option until the registry is read
FIELDS = ("artifact", "version", "stage", "branch")  # inputs an InvalidNameError can point at
BUMPS = ("patch", "minor", "major")


class PromotionForm(Vertical):
    """What to promote to; `values()` is the keyword arguments of `core.api.plan_promotion`."""

    DEFAULT_CSS = """
    PromotionForm { height: auto; }
    """

    class Changed(WidgetMessage):
        """A field changed (`field` is its id: "artifact", "version", "branch-on", ...)."""

        def __init__(self, form: PromotionForm, field: str) -> None:
            super().__init__(form)
            self.form = form
            self.field = field

    def __init__(self, branch: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.branch = branch  # the suggested branch name

    def compose(self) -> ComposeResult:
        with Horizontal(classes="promote-row"):
            yield Label("Artifact", classes="promote-label")
            # Until the registry is read the only option is a disabled "loading…", never a
            # blank a user could pick as an artifact.
            yield Select[str](
                [("loading…", LOADING)],
                id="artifact",
                value=LOADING,
                allow_blank=False,
                disabled=True,
                compact=True,
            )
        with Horizontal(classes="promote-row"):
            yield Label("Version", classes="promote-label")
            yield Input(id="version", placeholder="v1.0.0", compact=True)
            for bump in BUMPS:
                yield Button(bump, id=f"bump-{bump}", compact=True, classes="bump")
        yield Static("", id="latest", classes="promote-hint")
        with Horizontal(classes="promote-row"):
            yield Label("Stage", classes="promote-label")
            yield Input(id="stage", placeholder="none (only register the version)", compact=True)
        yield Static("", id="stages", classes="promote-hint")
        with Horizontal(classes="promote-row"):
            yield Label("Note", classes="promote-label")
            yield Input(
                id="note", placeholder="optional: put first in the tag message", compact=True
            )
        with Horizontal(classes="promote-row"):
            yield Checkbox("Also create a branch", id="branch-on", compact=True)
            yield Input(self.branch, id="branch", disabled=True, compact=True)
        with Horizontal(classes="promote-row"):
            yield Checkbox("Push to remote", id="push-on", compact=True, disabled=True)
            yield Select[str]([], id="remote", prompt="no remote", disabled=True, compact=True)

    # --- filled in by the dialog ---------------------------------------------------------------
    def set_choices(
        self,
        artifacts: Sequence[str],
        remotes: Sequence[str],
        stages: Sequence[str] | None,
        default_remote: str | None = None,
    ) -> None:
        """The artifacts to choose from (none: a plain release tag), the git remotes (the core's
        `default_remote` chosen), and the stages `.gto` allows (None: any)."""
        select = self.query_one("#artifact", Select)
        select.disabled = False
        if artifacts:
            select.set_options([(name, name) for name in artifacts])
            select.value = artifacts[0]
        else:
            select.set_options([("release: a plain tag vX.Y.Z (no artifact declared)", RELEASE)])
            select.value = RELEASE
        if remotes:
            remote = self.query_one("#remote", Select)
            remote.set_options([(name, name) for name in remotes])
            remote.value = default_remote or remotes[0]
            self.query_one("#push-on", Checkbox).disabled = False
        self._hint("#stages", f"allowed by .gto: {', '.join(stages)}" if stages is not None else "")

    def suggest(self, choices: VersionChoices) -> None:
        """Fill in the next patch version, and label the bump buttons with their versions."""
        for bump in BUMPS:
            button = self.query_one(f"#bump-{bump}", Button)
            button.label = f"{bump} {getattr(choices, bump)}"
            button.refresh(layout=True)  # `label` alone does not re-measure the button
        self._hint("#latest", f"latest {choices.latest}" if choices.latest else "no version yet")
        self.query_one("#version", Input).value = choices.patch

    def mark_invalid(self, field: str | None) -> None:
        """Show which field a refused plan points at (None: none)."""
        for name in FIELDS:
            self.query_one(f"#{name}").set_class(name == field, "-invalid")

    # --- read by the dialog --------------------------------------------------------------------
    @property
    def artifact(self) -> str | None:
        value = self.query_one("#artifact", Select).value
        return None if value in (RELEASE, LOADING) or not isinstance(value, str) else value

    def values(self) -> dict[str, Any]:
        remote = self.query_one("#remote", Select).value
        push_on = self.query_one("#push-on", Checkbox).value
        branch_on = self.query_one("#branch-on", Checkbox).value
        return {
            "artifact": self.artifact,
            "version": self.query_one("#version", Input).value.strip(),
            "stage": self.query_one("#stage", Input).value.strip() or None,
            "note": self.query_one("#note", Input).value,
            "branch": self.query_one("#branch", Input).value.strip() if branch_on else None,
            "remote": remote if push_on and isinstance(remote, str) else None,
        }

    # --- keeping the fields in step ------------------------------------------------------------
    def _hint(self, selector: str, text: str) -> None:
        hint = self.query_one(selector, Static)
        hint.update(text)
        hint.display = bool(text)

    @on(Button.Pressed, ".bump")
    def _bump(self, event: Button.Pressed) -> None:
        event.stop()
        self.query_one("#version", Input).value = str(event.button.label).split(" ")[-1]

    @on(Checkbox.Changed, "#branch-on")
    def _branch_toggled(self, event: Checkbox.Changed) -> None:
        self.query_one("#branch", Input).disabled = not event.value

    @on(Checkbox.Changed, "#push-on")
    def _push_toggled(self, event: Checkbox.Changed) -> None:
        self.query_one("#remote", Select).disabled = not event.value

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _changed(self, event: Input.Changed | Select.Changed | Checkbox.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(self, event.control.id or ""))
