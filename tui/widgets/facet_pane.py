"""FacetPane: one filter pane (牵头单位, 项目等级, 工作成效 or 序时) listing values with counts."""

from __future__ import annotations

from collections import Counter

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip

from store.text import fit_apart
from store.words import say
from tui.glyphs import glyph
from tui.widgets.line_list import LineList
from tui.widgets.project_table import one_line


class FacetPane(LineList):
    """Values of one facet with counts; Space or Enter switches the highlighted value."""

    CURSOR_CLASS = "facet-pane--cursor"

    COMPONENT_CLASSES = {"facet-pane--cursor", "facet-pane--selected", "facet-pane--empty"}

    DEFAULT_CSS = """
    FacetPane { background: $surface; overflow-x: hidden; scrollbar-size-vertical: 0; }
    FacetPane > .facet-pane--cursor { background: $accent 30%; }
    FacetPane:focus > .facet-pane--cursor { background: $accent 60%; }
    FacetPane > .facet-pane--selected { text-style: bold; color: $accent; }
    FacetPane > .facet-pane--empty { color: $text-disabled; }
    """

    BINDINGS = [
        Binding("space,enter", "toggle_value", "选中/取消", id="facet-toggle"),
        Binding("up,k", "cursor(-1)", "上移", show=False),
        Binding("down,j", "cursor(1)", "下移", show=False),
        Binding("home", "jump(0)", "首项", show=False),
        Binding("end", "jump(-1)", "末项", show=False),
    ]

    cursor: reactive[int] = reactive(0, repaint=False)
    _value_styles: tuple[Style, Style] | None = None

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
        #: the counts are not known yet (序时, before its worker is done): shown as …
        self.pending = False
        #: each value as shown in a width (cut apart: fit_apart), by width; new values clear it
        self._names: dict[int, dict[str, str]] = {}

    # --- data --------------------------------------------------------------------------
    def show(
        self,
        values: list[str],
        selected: frozenset[str],
        counts: Counter[str],
        *,
        pending: bool = False,
    ) -> None:
        """Show these values (in order), with ``selected`` marked and ``counts`` beside them
        (``pending``: the counts are on their way; … instead)."""
        same_values = values == self.values and pending == self.pending
        self.pending = pending
        old_rows = {v: (v in self.selected, self.counts.get(v, 0)) for v in self.values}
        self.selected, self.counts = selected, counts
        if not same_values:
            self.values = list(values)
            self._names = {}
            self.virtual_size = Size(self.size.width, len(self.values))
            self.cursor = min(self.cursor, max(0, len(self.values) - 1))
        self._show_subtitle()
        if not same_values:
            self.refresh()
            return
        top = round(self.scroll_y)
        for row, value in enumerate(self.values):  # repaint only the lines that changed
            if old_rows[value] != (value in selected, counts.get(value, 0)):
                self.refresh(Region(0, row - top, self.size.width, 1))

    def _show_subtitle(self) -> None:
        """How many are chosen and, when the values do not all fit, which ones are in view
        (in place of a scrollbar: a scrollbar beside the counts makes every keystroke of a
        search a third slower)."""
        parts = [say("app.facets.selected", n=len(self.selected))] if self.selected else []
        height = self.scrollable_content_region.height
        if height and len(self.values) > height:
            top = round(self.scroll_y)
            parts.append(f"{top + 1}-{min(top + height, len(self.values))}/{len(self.values)}")
        subtitle = " ".join(parts)
        if subtitle != self.border_subtitle:
            self.border_subtitle = subtitle

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._show_subtitle()

    def on_resize(self) -> None:
        self._show_subtitle()

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.values)

    # --- keys and mouse ----------------------------------------------------------------
    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self.values) - 1)) if self.values else 0

    def watch_cursor(self, old: int, new: int) -> None:
        top = round(self.scroll_y)
        height = self.scrollable_content_region.height
        if new < top:
            self.scroll_to(y=new, animate=False, immediate=True)
        elif height and new >= top + height:
            self.scroll_to(y=new - height + 1, animate=False, immediate=True)
        for row in (old, new):
            y = row - round(self.scroll_y)
            self.refresh(Region(0, y, self.size.width, 1))

    def action_cursor(self, delta: int) -> None:
        self.cursor += delta

    def action_jump(self, where: int) -> None:
        self.cursor = 0 if where == 0 else len(self.values) - 1

    def action_toggle_value(self) -> None:
        """Switch the highlighted value."""
        if self.values:
            self.post_message(self.Changed(self, self.values[self.cursor]))

    def on_click(self, event: events.Click) -> None:
        row = event.y + round(self.scroll_y)
        if 0 <= row < len(self.values):
            self.cursor = row
            self.action_toggle_value()

    # --- drawing -----------------------------------------------------------------------
    def notify_style_update(self) -> None:
        self._value_styles = None  # focus, theme or CSS changed: look them up again
        super().notify_style_update()

    def _styles_of_values(self) -> tuple[Style, Style]:
        """The styles of a picked value and of one that would give no rows."""
        if self._value_styles is None:
            self._value_styles = (
                self.get_component_rich_style("facet-pane--selected", partial=True),
                self.get_component_rich_style("facet-pane--empty", partial=True),
            )
        return self._value_styles

    @staticmethod
    def _shown(value: str) -> str:
        return one_line(value) or say("app.empty")  # imported text: no control characters

    def render_line(self, y: int) -> Strip:
        # (every line of every pane is drawn again at each keystroke of a search, whose
        # counts change: one segment of text and one of padding, styled once)
        width = self.scrollable_content_region.width
        base, cursor_style = self.line_styles()
        row = round(self.scroll_y) + y
        if row >= len(self.values):
            return Strip.blank(width, base)
        value = self.values[row]
        count = self.counts.get(value, 0)
        picked = value in self.selected
        number = glyph("pending") if self.pending else str(count)
        name_width = max(2, width - 2 - cell_len(number) - 1)
        names = self._names.get(name_width)
        if names is None:  # (the values' names, each cut so that no two read alike)
            names = self._names[name_width] = fit_apart(
                map(self._shown, self.values), name_width, glyph("ellipsis")
            )
        mark = glyph("picked" if picked else "not_picked")
        text = f"{mark} {names[self._shown(value)]} {number}"
        line = base + cursor_style if row == self.cursor else base
        if picked:
            style = line + self._styles_of_values()[0]
        elif not count and not self.pending:
            style = line + self._styles_of_values()[1]
        else:
            style = line
        used = cell_len(text)
        if used >= width:
            return Strip([Segment(text, style)]).crop_extend(0, width, line)
        return Strip([Segment(text, style), Segment(" " * (width - used), line)], width)
