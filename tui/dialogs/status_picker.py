"""StatusPicker: choose 工作成效 with arrows + Enter, a number, or the first letter."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from store.models import STATUSES, Project
from store.vocabulary import STATUS_REGISTRY

#: the pinyin initial of each status, for terminals without a Chinese input method
STATUS_LETTERS = {s.name: s.letter for s in STATUS_REGISTRY.values()}


class StatusPicker(ModalScreen[str | None]):
    """A short list of statuses; dismisses with the chosen one or None."""

    BINDINGS = [Binding("escape", "cancel", "取消", id="cancel")]

    def __init__(self, project: Project) -> None:
        super().__init__()
        self.project = project

    def compose(self) -> ComposeResult:
        with Vertical(id="status-box"):
            yield Label(Text(f"{self.project.id} {self.project.name}"), id="status-project")
            options = []
            for number, status in enumerate(STATUSES, start=1):
                current = "（当前）" if status == self.project.status else ""
                prompt = Text(f"{number} {status}  [{STATUS_LETTERS[status]}]{current}")
                options.append(Option(prompt, id=status))
            yield OptionList(*options, id="status-options")
            help_text = f"↑↓ 选择  Enter 确定  1-{len(STATUSES)} / 首字母  Esc 取消"
            yield Label(help_text, id="status-help")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self.project.status in STATUSES:
            options.highlighted = STATUSES.index(self.project.status)
        self.border_title = "工作成效"

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def on_key(self, event: events.Key) -> None:
        key = event.character or ""
        if key.isdigit() and 1 <= int(key) <= len(STATUSES):
            event.stop()
            self.dismiss(STATUSES[int(key) - 1])
            return
        for status, letter in STATUS_LETTERS.items():
            if key.lower() == letter:
                event.stop()
                self.dismiss(status)
                return

    def action_cancel(self) -> None:
        self.dismiss(None)
