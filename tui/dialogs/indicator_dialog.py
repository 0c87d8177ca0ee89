"""IndicatorDialog: correct, add or remove one 序时 indicator; the caller saves what it returns."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label

from store.indicators import Indicator
from store.words import say

#: the numbers a correction may give, with their labels
NUMBER_FIELDS = (
    ("target", say("app.indicator.target")),
    ("planned", say("app.indicator.planned")),
    ("actual", say("app.indicator.actual")),
)


def number_text(value: float | None) -> str:
    """A number as people type it: no trailing .0; '' for none."""
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.4f}".rstrip("0").rstrip(".")


def parse_number(text: str) -> float | None:
    """A typed number ('' : as read, None); ValueError for anything else or below 0."""
    text = text.strip().replace(",", "").replace("，", "")
    if not text:
        return None
    value = float(text)
    if value != value or value < 0 or value in (float("inf"),):
        raise ValueError(text)
    return value


class IndicatorDialog(ModalScreen[dict[str, Any] | None]):
    """The numbers of one indicator (or a new one); dismisses with the correction or None.

    A blank number keeps what the text says (shown as the placeholder); the correction is the
    store's form: name, unit, target, planned, actual, remove, note.
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "保存", id="save"),
        Binding("escape", "cancel", "取消", id="cancel"),
    ]

    def __init__(
        self,
        title: str,
        indicator: Indicator | None = None,
        edit: dict[str, Any] | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.indicator = indicator
        self.edit = edit or {}

    def compose(self) -> ComposeResult:
        ind = self.indicator
        adding = ind is None
        with Vertical(id="indicator-box", classes="dialog"):
            heading = say("app.indicator.add") if adding else say("app.indicator.correct")
            yield Label(Text(f"{heading}：{self.title_text}"), id="indicator-title")
            with Horizontal(classes="indicator-row"):
                yield Label(say("app.indicator.name"), classes="indicator-label")
                yield Input(
                    ind.name if ind else "", id="indicator-name", disabled=not adding,
                    placeholder=say("app.indicator.name_placeholder"),
                )  # fmt: skip
            with Horizontal(classes="indicator-row"):
                yield Label(say("app.indicator.unit"), classes="indicator-label")
                yield Input(
                    ind.unit if ind else "", id="indicator-unit", disabled=not adding,
                    placeholder=say("app.indicator.unit_placeholder"),
                )  # fmt: skip
            for key, label in NUMBER_FIELDS:
                read = getattr(ind, key) if ind else None
                with Horizontal(classes="indicator-row"):
                    yield Label(label, classes="indicator-label")
                    yield Input(
                        number_text(self.edit.get(key)),
                        id=f"indicator-{key}",
                        placeholder=say(
                            "app.indicator.read",
                            value=number_text(read) or say("app.indicator.no_value"),
                        ),
                    )
            with Horizontal(classes="indicator-row"):
                yield Label(say("app.indicator.note"), classes="indicator-label")
                yield Input(str(self.edit.get("note", "")), id="indicator-note")
            if not adding:
                yield Checkbox(say("app.indicator.remove"), id="indicator-remove")
            yield Label("", id="indicator-error")
            yield Label(say("app.indicator.help"), id="indicator-help")

    def on_mount(self) -> None:
        first = "#indicator-name" if self.indicator is None else "#indicator-actual"
        self.query_one(first, Input).focus()

    def on_input_submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        """Check the numbers and dismiss with the correction."""
        name = self.query_one("#indicator-name", Input).value.strip()
        unit = self.query_one("#indicator-unit", Input).value.strip()
        if not name and not unit:
            self._error(say("app.indicator.unnamed"))
            return
        correction: dict[str, Any] = {"name": name, "unit": unit}
        for key, label in NUMBER_FIELDS:
            text = self.query_one(f"#indicator-{key}", Input).value
            try:
                correction[key] = parse_number(text)
            except ValueError:
                self._error(say("app.indicator.not_number", label=label))
                self.query_one(f"#indicator-{key}", Input).focus()
                return
        if self.indicator is None and all(correction[k] is None for k, _ in NUMBER_FIELDS):
            self._error(say("app.indicator.no_number"))
            return
        removes = self.query("#indicator-remove").results(Checkbox)
        correction["remove"] = any(box.value for box in removes)
        correction["note"] = self.query_one("#indicator-note", Input).value.strip()
        self.dismiss(correction)

    def _error(self, message: str) -> None:
        self.query_one("#indicator-error", Label).update(Text(message))

    def action_cancel(self) -> None:
        self.dismiss(None)
