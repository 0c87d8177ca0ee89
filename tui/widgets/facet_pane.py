"""FacetPane: one filter pane (牵头单位, 项目等级 or 工作成效) listing values with their counts."""

from __future__ import annotations

from collections import Counter

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.widgets.project_table import fit


class FacetPane(OptionList):
    """Values of one facet; Space or Enter switches a value on or off."""

    BINDINGS = [
        Binding("space", "toggle", "选中/取消", id="facet-toggle"),
    ]

    class Changed(Message):
        """The user switched a value on or off."""

        def __init__(self, pane: FacetPane, value: str) -> None:
            super().__init__()
            self.pane = pane
            self.facet = pane.facet
            self.value = value

    def __init__(self, facet: str, label: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.facet = facet
        self.label = label
        self.border_title = label
        self.values: list[str] = []
        self.selected: frozenset[str] = frozenset()
        self.counts: Counter[str] = Counter()

    def _prompt(self, value: str) -> Text:
        mark = "■" if value in self.selected else "□"
        count = str(self.counts.get(value, 0))
        width = max(8, self.scrollable_content_region.width or 24)
        name_width = max(2, width - 2 - cell_len(count) - 1)
        text = Text(f"{mark} {fit(value or '（空）', name_width)} {count}")
        if not self.counts.get(value):
            text.stylize("dim")
        if value in self.selected:
            text.stylize("bold")
        return text

    def show(self, values: list[str], selected: frozenset[str], counts: Counter[str]) -> None:
        """Show these values (in order), with ``selected`` marked and ``counts`` beside them."""
        self.selected = selected
        self.counts = counts
        if values != self.values:
            highlighted = self.highlighted
            self.values = list(values)
            self.set_options(Option(self._prompt(v)) for v in self.values)
            if self.values:
                self.highlighted = min(highlighted or 0, len(self.values) - 1)
        else:
            for index, value in enumerate(self.values):
                self.replace_option_prompt_at_index(index, self._prompt(value))
        chosen = len(selected)
        self.border_subtitle = f"已选 {chosen}" if chosen else ""

    def on_resize(self) -> None:
        for index, value in enumerate(self.values):
            self.replace_option_prompt_at_index(index, self._prompt(value))

    def action_toggle(self) -> None:
        """Switch the highlighted value."""
        if self.highlighted is not None and self.values:
            self.post_message(self.Changed(self, self.values[self.highlighted]))

    def _on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.Changed(self, self.values[event.option_index]))
