"""ScheduleSettingsDialog: the 序时 rule (basis and thresholds); the caller saves what it returns.

``edit_schedule_rule`` opens it from a screen and saves the rule in a worker, as the command
line's ``minsheng schedule --thresholds`` does: recorded, for everyone on this data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Label, RadioButton, RadioSet

from store.interface import DatabaseError, ProjectStore, StoreError
from store.schedule_rule import (
    BASES,
    BASIS_LABELS,
    ScheduleSettings,
    rule_text,
    thresholds_of,
    with_thresholds,
)
from store.words import say
from tui.dialogs.indicator_dialog import number_text
from tui.glyphs import glyph

#: the three thresholds of each basis, as the dialog labels them
THRESHOLD_LABELS: dict[str, tuple[str, str, str]] = {
    "ratio": (
        say("app.rule.ratio_ahead"),
        say("app.rule.ratio_on_time"),
        say("app.rule.ratio_slow"),
    ),
    "points": (
        say("app.rule.points_ahead"),
        say("app.rule.points_on_time"),
        say("app.rule.points_slow"),
    ),
}
BASIS_HINTS = {
    "ratio": say("app.rule.ratio_help"),
    "points": say("app.rule.points_help"),
}


class ScheduleSettingsDialog(ModalScreen[ScheduleSettings | None]):
    """The rule's basis and its three thresholds; dismisses with the new rule or None."""

    BINDINGS = [
        Binding("ctrl+s", "save", "保存", id="save"),
        Binding("escape", "cancel", "取消", id="cancel"),
    ]

    def __init__(self, settings: ScheduleSettings) -> None:
        super().__init__()
        self.settings = settings
        self.basis = settings.basis

    def compose(self) -> ComposeResult:
        with Vertical(id="rule-box", classes="dialog"):
            yield Label(Text(say("app.rule.title")), id="rule-title")
            with RadioSet(id="rule-basis"):
                for basis in BASES:
                    label = say("app.rule.basis", basis=BASIS_LABELS[basis])
                    yield RadioButton(label, value=basis == self.basis, id=f"rule-{basis}")
            yield Label("", id="rule-hint")
            for number in range(3):
                with Horizontal(classes="rule-row"):
                    yield Label("", classes="rule-label", id=f"rule-label-{number}")
                    yield Input(id=f"rule-{number}")
            yield Label("", id="rule-text")
            yield Label("", id="rule-error")
            yield Label(
                say("app.rule.help", left_right=glyph("left_right")),
                id="rule-help",
            )

    def on_mount(self) -> None:
        self._fill()
        self.query_one("#rule-0", Input).focus()

    def _fill(self) -> None:
        """The current basis's labels and thresholds into the inputs."""
        for number, (label, value) in enumerate(
            zip(THRESHOLD_LABELS[self.basis], thresholds_of(self.settings, self.basis), strict=True)
        ):
            shown = label.replace("≥", glyph("at_least"))
            self.query_one(f"#rule-label-{number}", Label).update(Text(shown))
            self.query_one(f"#rule-{number}", Input).value = number_text(value)
        self.query_one("#rule-hint", Label).update(Text(BASIS_HINTS[self.basis]))
        self._check()

    def _typed(self) -> ScheduleSettings:
        """The rule as typed; ValueError with the reason."""
        values: list[float] = []
        for number in range(3):
            text = self.query_one(f"#rule-{number}", Input).value.strip().replace("%", "")
            try:
                values.append(float(text))
            except ValueError:
                raise ValueError(
                    say("app.rule.not_number", label=THRESHOLD_LABELS[self.basis][number])
                ) from None
        return with_thresholds(self.settings, self.basis, tuple(values))

    def _check(self) -> ScheduleSettings | None:
        """Show the typed rule in words, or why it cannot be saved."""
        try:
            settings = self._typed()
        except ValueError as exc:
            self.query_one("#rule-text", Label).update(Text(""))
            self.query_one("#rule-error", Label).update(Text(str(exc)))
            return None
        shown = rule_text(settings).replace("≥", glyph("at_least"))  # (the store's words)
        self.query_one("#rule-text", Label).update(Text(shown))
        self.query_one("#rule-error", Label).update(Text(""))
        return settings

    def on_input_changed(self) -> None:
        self._check()

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        basis = BASES[event.index]
        if basis == self.basis:
            return
        typed = self._check()
        if typed is not None:  # what was typed for the other basis is kept for this visit
            self.settings = typed
        self.basis = basis
        self._fill()

    def on_input_submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        """Dismiss with the rule as typed, unless it cannot be one."""
        settings = self._check()
        if settings is not None:
            self.dismiss(settings)

    def action_cancel(self) -> None:
        self.dismiss(None)


def edit_schedule_rule(
    screen: Screen[Any],
    store: ProjectStore,
    current: ScheduleSettings,
    saved: Callable[[], object],
) -> None:
    """Open the dialog on the rule the screen shows (``current``); save what it returns in a
    worker, then call ``saved`` on the UI thread (the screen shows every project's 序时 again
    by the new rule)."""
    if store.read_only:
        return
    app = screen.app

    def save(settings: ScheduleSettings) -> None:
        try:
            if settings == store.schedule_settings():
                return
            store.set_schedule_settings(settings, source="tui")
        except (StoreError, DatabaseError, OSError) as exc:
            app.call_from_thread(
                app.notify, str(exc), title=say("app.save_failed"), severity="error", markup=False
            )
            return
        said = rule_text(settings).replace("≥", glyph("at_least"))
        app.call_from_thread(app.notify, said, title=say("app.rule.saved"), markup=False)
        app.call_from_thread(saved)

    def chosen(settings: ScheduleSettings | None) -> None:
        if settings is not None:
            screen.run_worker(
                lambda: save(settings), thread=True, group="save", exit_on_error=False
            )

    app.push_screen(ScheduleSettingsDialog(current), chosen)
