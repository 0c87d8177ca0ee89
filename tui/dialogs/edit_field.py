"""EditFieldDialog and AddUpdateDialog: multi-line editors; the caller saves what they return."""

from __future__ import annotations

from datetime import date
from typing import cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static, TextArea

from store.models import FIELD_LABELS, Project
from store.words import say
from tui.glyphs import glyph

#: the fields offered for editing, most edited first (status has its own picker)
EDITABLE = ("progress", "plan", "deadline", "department", "overview", "target", "name", "level")


class EditFieldDialog(ModalScreen[tuple[str, str] | None]):
    """Edit one field of a project; dismisses with (field, text) or None."""

    BINDINGS = [
        Binding("ctrl+s", "save", "保存", id="save"),
        Binding("escape", "cancel", "取消", id="cancel"),
    ]

    def __init__(
        self,
        project: Project,
        field: str = "progress",
        *,
        text: str | None = None,
        error: str = "",
    ) -> None:
        super().__init__()
        self.project = project
        self.field = field if field in EDITABLE else "progress"
        self.initial = text
        self.error = error
        self._discard_armed = False  # Esc pressed once with unsaved text
        self._loaded = ""  # the text as the editor was given it, to tell what was typed

    def _value(self, field: str) -> str:
        if field == "deadline":
            return self.project.deadline or self.project.deadline_raw
        return str(getattr(self.project, field))

    def compose(self) -> ComposeResult:
        with Vertical(id="edit-box", classes="dialog"):
            yield Label(
                Text(say("app.edit.title", id=self.project.id, name=self.project.name)),
                id="edit-title",
            )
            yield Select(
                [(FIELD_LABELS[f], f) for f in EDITABLE],
                value=self.field,
                allow_blank=False,
                id="edit-field",
            )
            text = self.initial if self.initial is not None else self._value(self.field)
            area = TextArea(text, id="edit-text", soft_wrap=True, show_line_numbers=False)
            # What counts as untouched (set here: keys may arrive before on_mount). Text given
            # back after a failed save is the user's own: compare it with the stored field.
            self._loaded = self._value(self.field) if self.initial is not None else area.text
            yield area
            yield Label(Text(self.error), id="edit-error", classes="error")
            yield Label(say("app.edit.help"), id="edit-help")

    def on_mount(self) -> None:
        for label in self.query("#edit-error"):
            label.display = bool(self.error)
        for arrow, name in (("down", "sort_descending"), ("up", "sort_ascending")):
            for mark in self.query(f"Select .{arrow}-arrow").results(Static):
                mark.update(glyph(name))  # (Textual draws ▼ and ▲)
        for area in self.query(TextArea):
            area.focus()

    @property
    def modified(self) -> bool:
        """Whether the text differs from what the editor was given for this field."""
        return self.query_one(TextArea).text != self._loaded

    def _say(self, message: str) -> None:
        label = self.query_one("#edit-error", Label)
        label.update(Text(message))
        label.display = bool(message)

    def on_select_changed(self, event: Select.Changed) -> None:
        if not isinstance(event.value, str) or event.value == self.field:
            return
        if self.modified:  # switching would throw the typed text away: refuse, say why
            cast("Select[str]", event.select).value = self.field
            label = FIELD_LABELS[self.field]
            self._say(say("app.edit.unsaved_field", label=label))
            return
        self.field = event.value
        area = self.query_one(TextArea)
        area.text = self._value(self.field)
        self._loaded = area.text
        self._say("")

    def on_text_area_changed(self) -> None:
        self._discard_armed = False

    def action_save(self) -> None:
        self.dismiss((self.field, self.query_one(TextArea).text))

    def action_cancel(self) -> None:
        if self.modified and not self._discard_armed:
            self._discard_armed = True
            self._say(say("app.edit.unsaved"))
            return
        self.dismiss(None)


class AddUpdateDialog(ModalScreen[tuple[str, str] | None]):
    """Add a dated progress update; dismisses with (YYYY-MM, text) or None."""

    BINDINGS = [
        Binding("ctrl+s", "save", "保存", id="save"),
        Binding("escape", "cancel", "取消", id="cancel"),
    ]

    def __init__(
        self, project: Project, *, month: str | None = None, text: str = "", error: str = ""
    ) -> None:
        super().__init__()
        self.project = project
        self.month = month or date.today().strftime("%Y-%m")
        self.text = text
        self.error = error

    def compose(self) -> ComposeResult:
        with Vertical(id="update-box", classes="dialog"):
            yield Label(
                Text(say("app.update.title", id=self.project.id, name=self.project.name)),
                id="update-title",
            )
            with Horizontal(id="update-month-row"):
                yield Label(say("app.update.month"), id="update-month-label")
                yield Input(self.month, placeholder="YYYY-MM", id="update-month")
            yield TextArea(
                self.text, id="update-text", soft_wrap=True,
                placeholder=say("app.update.placeholder"),
            )  # fmt: skip
            yield Label(Text(self.error), id="update-error", classes="error")
            yield Label(say("app.edit.help"), id="update-help")

    def on_mount(self) -> None:
        for label in self.query("#update-error"):
            label.display = bool(self.error)
        for area in self.query(TextArea):
            area.focus()

    def action_save(self) -> None:
        self.dismiss((self.query_one(Input).value.strip(), self.query_one(TextArea).text))

    def action_cancel(self) -> None:
        self.dismiss(None)
