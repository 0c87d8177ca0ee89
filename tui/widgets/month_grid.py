"""MonthGrid: 月度计划 beside 推进情况, one row per month or span, the current row followable."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widgets import Static

from store.models import clean_text
from store.month_grid import GridEntry, GridRow
from store.words import say
from tui.glyphs import glyph
from tui.widgets.cjk_text import CJKText

STACK_BELOW = 100  # columns: narrower grids stack plan over progress in each row
LABEL_WIDTH = 8


def _entries(entries: list[GridEntry], *, empty: str) -> Text:
    text = CJKText()
    if not entries:
        text.append(empty, style="dim")
        return text
    for index, entry in enumerate(entries):
        if index:
            text.append("\n")
        if entry.source == "update":
            text.append(say("app.grid.update"), style="bold")
        text.append(clean_text(entry.text))
        if entry.no_progress:
            text.append(" ")  # (unstyled: at a line's end it would show as a block)
            text.append(say("app.grid.no_progress", warning=glyph("warning")), style="bold reverse")
    return text


class GridRowView(Static):
    """One row of the grid; drawn side by side, or stacked when it is narrow."""

    DEFAULT_CSS = """
    GridRowView { height: auto; padding: 0 1 0 0; border-left: blank; }
    GridRowView.-period { border-left: thick $success; }
    GridRowView.-current { background: $accent 25%; }
    MonthGrid:focus GridRowView.-current { background: $accent 40%; }
    """

    def __init__(self, row: GridRow) -> None:
        super().__init__()
        self.row = row
        self.set_class(row.in_period, "-period")
        self._stacked: bool | None = None

    def on_resize(self) -> None:
        stacked = self.size.width < STACK_BELOW
        if stacked != self._stacked:
            self._stacked = stacked
            self.update(self.build(stacked))

    def build(self, stacked: bool) -> RenderableType:
        """The row as a Rich renderable."""
        row = self.row
        label = Text(row.label, style="bold" if row.in_period else "")
        plan = _entries(row.plan, empty=glyph("none"))
        # (a row made only for the measures: the progress is in the rows of its spans)
        empty = "" if row.measures else say("app.none") if row.in_period else glyph("none")
        progress = _entries(row.progress, empty=empty)
        for line in row.measures:  # (computed: planned by the period against actual)
            if progress.plain:
                progress.append("\n")
            progress.append(clean_text(line, single_line=True), style="bold")
        if stacked:
            rows = Table.grid(padding=(0, 1), expand=True)
            rows.add_column(width=4, no_wrap=True)
            rows.add_column(ratio=1, overflow="fold")
            rows.add_row(Text(say("app.grid.plan"), style="bold"), plan)
            rows.add_row(Text(say("app.grid.progress"), style="bold"), progress)
            return Group(label, rows)
        grid = Table.grid(padding=(0, 1), expand=True)
        grid.add_column(width=LABEL_WIDTH, no_wrap=True)
        # "fold": Chinese has no spaces, so word wrapping would cut a whole sentence with "…"
        grid.add_column(ratio=1, overflow="fold")
        grid.add_column(ratio=1, overflow="fold")
        grid.add_row(label, plan, progress)
        return grid


class MonthGrid(VerticalScroll, can_focus=True):
    """The rows of a project's month grid; ↑/↓ move the current row, the view follows it."""

    BINDINGS = [
        Binding("up,k", "move_row(-1)", "上一行", show=False),
        Binding("down,j", "move_row(1)", "下一行", show=False),
        Binding("home", "jump(0)", "首行", show=False),
        Binding("end", "jump(-1)", "末行", show=False),
    ]

    current: reactive[int] = reactive(0)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[GridRow] = []

    def compose(self) -> ComposeResult:
        yield Static(id="grid-empty")

    async def show(self, rows: list[GridRow], period_label: str = "") -> None:
        """Replace the rows; the current row is the first one of the report period."""
        self.rows = rows
        await self.query(GridRowView).remove()
        empty = self.query_one("#grid-empty", Static)
        empty.display = not rows
        empty.update(Text(say("app.grid.empty")))
        await self.mount_all(GridRowView(row) for row in rows)
        first = next((i for i, r in enumerate(rows) if r.in_period), 0)
        self.current = first
        self._mark_current()
        self.scroll_home(animate=False)
        self.border_subtitle = (
            say("app.grid.period", mark=glyph("period_mark"), period=period_label)
            if period_label
            else ""
        )

    def _views(self) -> list[GridRowView]:
        return list(self.query(GridRowView).results(GridRowView))

    def _mark_current(self) -> None:
        for index, view in enumerate(self._views()):
            view.set_class(index == self.current, "-current")

    def validate_current(self, value: int) -> int:
        return max(0, min(value, len(self.rows) - 1)) if self.rows else 0

    def watch_current(self) -> None:
        self._mark_current()
        views = self._views()
        if 0 <= self.current < len(views):
            self.scroll_to_widget(views[self.current], animate=False, top=False)

    def action_move_row(self, step: int) -> None:
        self.current += step

    def action_jump(self, where: int) -> None:
        self.current = 0 if where == 0 else len(self.rows) - 1

    @property
    def current_row(self) -> GridRow | None:
        """The row the cursor is on."""
        return self.rows[self.current] if 0 <= self.current < len(self.rows) else None
