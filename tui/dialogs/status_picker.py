"""StatusPicker: choose 工作成效 with arrows + Enter, a number, or the first letter; choosing
one that asks why (滞后, 未启动) then offers a one-line reason, kept as the change's note."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from store.models import FIELD_LABELS, STATUSES, Project
from store.vocabulary import STATUS_REGISTRY
from store.words import say
from tui.glyphs import glyph

#: the pinyin initial of each status, for terminals without a Chinese input method
STATUS_LETTERS = {s.name: s.letter for s in STATUS_REGISTRY.values()}
#: the statuses whose reason the office asks for (the 通报 quotes it under 存在问题)
ASKS_REASON = frozenset({"滞后", "未启动"})
#: a reason is one line; longer belongs in 推进情况
REASON_MAX = 200


@dataclass(frozen=True)
class StatusChoice:
    """The status chosen, and the reason given for it ("" when none was asked or given)."""

    status: str
    note: str = ""


class StatusPicker(ModalScreen[StatusChoice | None]):
    """A short list of statuses; dismisses with the choice (and its reason) or None."""

    BINDINGS = [Binding("escape", "cancel", "取消", id="cancel")]

    def __init__(self, project: Project) -> None:
        super().__init__()
        self.project = project
        #: the status whose reason is being typed (None: still choosing)
        self.asking: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="status-box"):
            yield Label(Text(f"{self.project.id} {self.project.name}"), id="status-project")
            options = []
            for number, status in enumerate(STATUSES, start=1):
                current = say("app.status.current") if status == self.project.status else ""
                prompt = Text(f"{number} {status}  [{STATUS_LETTERS[status]}]{current}")
                options.append(Option(prompt, id=status))
            yield OptionList(*options, id="status-options")
            with Vertical(id="status-reason"):
                yield Label(id="status-reason-label")
                yield Input(
                    placeholder=say("app.status.reason_placeholder"),
                    max_length=REASON_MAX,
                    id="status-reason-input",
                )
            yield Label(self._choosing_help(), id="status-help")

    @staticmethod
    def _choosing_help() -> str:
        return say("app.status.help", up_down=glyph("up_down"), n=len(STATUSES))

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self.project.status in STATUSES:
            options.highlighted = STATUSES.index(self.project.status)
        self.query_one("#status-reason").display = False
        self.query_one(Input).cursor_blink = False  # (a repaint every half second over SSH)
        self.border_title = FIELD_LABELS["status"]

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self._chosen(event.option.id)

    def on_key(self, event: events.Key) -> None:
        if self.asking is not None:
            return  # (typing the reason)
        key = event.character or ""
        if key.isdigit() and 1 <= int(key) <= len(STATUSES):
            event.stop()
            self._chosen(STATUSES[int(key) - 1])
            return
        for status, letter in STATUS_LETTERS.items():
            if key.lower() == letter:
                event.stop()
                self._chosen(status)
                return

    def _chosen(self, status: str) -> None:
        """Done, or (a status that asks why, other than the current one) ask for the reason."""
        if status not in ASKS_REASON or status == self.project.status:
            self.dismiss(StatusChoice(status))
            return
        self.asking = status
        self.query_one(OptionList).display = False
        self.query_one("#status-reason").display = True
        self.query_one("#status-reason-label", Label).update(
            Text(say("app.status.reason", status=status))
        )
        self.query_one("#status-help", Label).update(say("app.status.reason_help"))
        self.query_one(Input).focus()

    @on(Input.Submitted, "#status-reason-input")
    def reason_given(self, event: Input.Submitted) -> None:
        event.stop()
        if self.asking is not None:
            self.dismiss(StatusChoice(self.asking, event.value.strip()))

    def action_cancel(self) -> None:
        if self.asking is None:
            self.dismiss(None)
            return
        # Back to the list: another status, or Esc again to leave it as it was
        self.asking = None
        self.query_one(Input).value = ""
        self.query_one("#status-reason").display = False
        options = self.query_one(OptionList)
        options.display = True
        options.focus()
        self.query_one("#status-help", Label).update(self._choosing_help())
