"""ProjectTable: the project list, drawn line by line so that 10,000 rows stay instant."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip

from store.models import Project
from store.query import latest_progress
from store.text import fit, fit_apart, fit_middle
from store.text import one_line as _one_line
from store.vocabulary import FIELD_REGISTRY, LIST_COLUMNS, SCHEDULE_REGISTRY, STATUS_REGISTRY
from store.words import say
from tui.glyphs import glyph
from tui.widgets.line_list import LineList

if TYPE_CHECKING:
    from store.schedule import ProjectSchedule

_NO_STYLE = Style.null()
#: each status's component class (its style is the status registry's ``list_style``)
STATUS_CLASSES = {s.name: f"project-table--{s.css_class}" for s in STATUS_REGISTRY.values()}
#: each 序时 class's component class (its style is the 序时 registry's ``list_style``)
SCHEDULE_CLASSES = {
    c.name: f"project-table--schedule-{c.css_class}" for c in SCHEDULE_REGISTRY.values()
}
# (after the 序时 class of a project whose 工作成效 says otherwise: glyph "differs"; the
# 序时 cell until the classes are computed, by a worker after the first rows: "pending")
#: before the 最新进展 of a project whose 推进情况 is as in the previous period
NOT_UPDATED_MARK = say("app.not_updated")
_MARK_CELLS = cell_len(NOT_UPDATED_MARK)


@dataclass(frozen=True)
class Column:
    """One column: its report word, the model key it sorts by, and how it takes width."""

    key: str
    label: str
    width: int  # fixed cells, or the minimum for a flexible column
    flex: int = 0  # share of the remaining width


def _columns() -> tuple[Column, ...]:
    columns = []
    for f in map(FIELD_REGISTRY.__getitem__, LIST_COLUMNS):
        columns.append(Column(f.key, f.label, f.list_width, flex=f.list_flex))
        if f.key == "status":  # the computed 序时 beside the reported 工作成效
            columns.append(Column("schedule", say("app.schedule"), 7))
    return tuple(columns)


COLUMNS: tuple[Column, ...] = _columns()
_UNIT_COLUMN = [c.key for c in COLUMNS].index("department")


def one_line(text: str, limit: int = 200) -> str:
    """The start of a text, on one line, control characters removed."""
    return _one_line(text, limit)


def name_line(name: str, limit: int = 200) -> str:
    """A name on one line, its start and its end (a long one loses its middle, as the
    list cuts it there)."""
    if len(name) <= 2 * limit:
        return _one_line(name)
    return _one_line(name, limit) + _one_line(name[-limit:])


EMPTY_MESSAGE = say("app.list.none")

#: the columns given up, in this order, when the others would not fit whole (序时 last: with
#: the filter panes unfolded in a narrow terminal, its pane is in view)
NARROW_DROPS = ("latest", "level", "schedule")


def _least(column: Column, sort_key: str | None) -> int:
    """A column's narrowest width: its label (with the sort mark) and its values fit whole."""
    if column.key == sort_key and not column.flex:
        return max(column.width, cell_len(column.label) + 1)
    return column.width


@lru_cache(maxsize=64)
def column_widths(total: int, sort_key: str | None = None) -> tuple[int, ...]:
    """Share ``total`` cells between the columns (one space between shown columns).

    When the columns would not fit at their narrowest, 最新进展, 项目等级, then 序时 are left out
    (width 0) rather than cutting 完成时限 at the edge; flexible columns share what is left.
    """
    shown = list(COLUMNS)

    def need(columns: list[Column]) -> int:
        return sum(_least(c, sort_key) for c in columns) + len(columns) - 1

    for key in NARROW_DROPS:
        if need(shown) <= total:
            break
        shown = [c for c in shown if c.key != key]
    spare = max(0, total - need(shown))
    flex_total = sum(c.flex for c in shown)
    widths = []
    given = flex_seen = 0
    for column in COLUMNS:
        if column not in shown:
            widths.append(0)
        elif column.flex:
            flex_seen += column.flex
            share = spare * flex_seen // flex_total - given
            given += share
            widths.append(column.width + share)
        else:
            widths.append(_least(column, sort_key))
    return tuple(widths)  # (asked once a line drawn: kept per width and sort)


class ProjectTable(LineList):
    """Rows of projects with a fixed header; only the visible lines are ever drawn."""

    CURSOR_CLASS = "project-table--cursor"

    COMPONENT_CLASSES = {
        "project-table--header",
        "project-table--cursor",
        "project-table--overdue",
        "project-table--not-updated",
        *STATUS_CLASSES.values(),
        *SCHEDULE_CLASSES.values(),
    }

    DEFAULT_CSS = (
        """
    ProjectTable {
        background: $surface;
        overflow-x: hidden;
    }
    ProjectTable > .project-table--header { text-style: bold; background: $panel; }
    ProjectTable > .project-table--cursor { background: $accent 30%; }
    ProjectTable:focus > .project-table--cursor { background: $accent 60%; }
"""
        + "".join(
            f"    ProjectTable > .{STATUS_CLASSES[s.name]} {{ {s.list_style} }}\n"
            for s in STATUS_REGISTRY.values()
        )
        + "".join(
            f"    ProjectTable > .{SCHEDULE_CLASSES[c.name]} {{ {c.list_style} }}\n"
            for c in SCHEDULE_REGISTRY.values()
        )
        + "    ProjectTable > .project-table--overdue { color: $error; }\n"
        + "    ProjectTable > .project-table--not-updated { color: $warning; text-style: bold; }\n"
    )

    BINDINGS = [
        Binding("up,k", "cursor(-1)", "上移", show=False),
        Binding("down,j", "cursor(1)", "下移", show=False),
        Binding("pageup", "page(-1)", "上页", show=False),
        Binding("pagedown", "page(1)", "下页", show=False),
        Binding("home,g", "jump(0)", "首行", show=False),
        Binding("end,G", "jump(-1)", "末行", show=False),
        Binding("enter", "select", "详情", id="open"),
    ]

    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)

    class Selected(Message):
        """A project was chosen (Enter)."""

        def __init__(self, project_id: str) -> None:
            super().__init__()
            self.project_id = project_id

    class CursorMoved(Message):
        """The cursor is on another project."""

        def __init__(self, project_id: str | None) -> None:
            super().__init__()
            self.project_id = project_id

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[Project] = []
        self.sort_key = "id"
        self.descending = False
        self.is_overdue: Callable[[Project], bool] = lambda p: False
        #: a project's 序时 by id (None: not computed yet, the cell shows …)
        self.schedule_of: Callable[[str], ProjectSchedule | None] = lambda project_id: None
        #: changes when the 序时 classes do (computed, or settings changed): rows are redrawn
        self.schedule_key: object = None
        #: what the table says when it has no rows (the screen knows why: a filter, or an
        #: empty database)
        self.empty_lines: tuple[str, ...] = (EMPTY_MESSAGE,)
        self._strips: dict[tuple[str, int, tuple[int, ...], object, str], Strip] = {}
        #: the 牵头单位 of the rows, and each as the column shows it, by the column's width:
        #: cut at the end, or in the middle where two would read alike (fit_apart)
        self._units: frozenset[str] = frozenset()
        self._unit_cuts: dict[int, dict[str, str]] = {}
        self._latest: dict[tuple[str, int], str] = {}
        self._prefetch_pending = False

    # --- data --------------------------------------------------------------------------
    def say_when_empty(self, *lines: str) -> None:
        """What the table says when it has no rows."""
        if lines != self.empty_lines:
            self.empty_lines = lines
            if not self.rows:
                self.refresh()

    def set_rows(self, rows: list[Project], *, keep: str | None = None) -> None:
        """Show ``rows``; the cursor stays on project ``keep`` (or the current one) if shown."""
        current = keep or self.current_id
        self.rows = rows
        units = frozenset(p.department for p in rows)
        if units != self._units:
            self._units, self._unit_cuts = units, {}
        if len(self._strips) > 4096:  # rows are cached by id and revision; bound the memory
            self._strips.clear()
        index = 0
        if current is not None:
            for i, project in enumerate(rows):
                if project.id == current:
                    index = i
                    break
        self.resize_content(Size(self.size.width, len(rows) + 1))
        self.cursor = min(index, max(0, len(rows) - 1))
        self.refresh()
        self._prefetch_soon()

    @property
    def current(self) -> Project | None:
        """The project under the cursor."""
        if 0 <= self.cursor < len(self.rows):
            return self.rows[self.cursor]
        return None

    @property
    def current_id(self) -> str | None:
        """The id of the project under the cursor."""
        project = self.current
        return project.id if project else None

    # --- cursor ------------------------------------------------------------------------
    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self.rows) - 1)) if self.rows else 0

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_cursor_into_view()
        self.refresh_lines_for(old)
        self.refresh_lines_for(new)
        self.post_message(self.CursorMoved(self.current_id))

    def refresh_lines_for(self, row: int) -> None:
        """Repaint the screen line that shows ``row``."""
        y = row - round(self.scroll_y) + 1
        if 1 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    @property
    def page_rows(self) -> int:
        """How many rows fit below the header."""
        return max(1, self.scrollable_content_region.height - 1)

    def _scroll_cursor_into_view(self) -> None:
        top = round(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + self.page_rows:
            self.scroll_to(y=self.cursor - self.page_rows + 1, animate=False, immediate=True)

    def action_cursor(self, delta: int) -> None:
        self.cursor += delta

    def action_page(self, direction: int) -> None:
        self.cursor += direction * self.page_rows

    def action_jump(self, where: int) -> None:
        self.cursor = 0 if where == 0 else len(self.rows) - 1

    def action_select(self) -> None:
        if self.current is not None:
            self.post_message(self.Selected(self.current.id))

    def on_click(self, event: events.Click) -> None:
        row = event.y + round(self.scroll_y) - 1
        if event.y >= 1 and 0 <= row < len(self.rows):
            if row == self.cursor and event.chain >= 2:
                self.action_select()
            self.cursor = row

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._prefetch_soon()

    def _prefetch_soon(self) -> None:
        if not self._prefetch_pending:
            self._prefetch_pending = True
            self.call_after_refresh(self._prefetch)

    def _prefetch(self) -> None:
        """Once a frame is out, build the rows of the pages above and below it: the next
        PageUp or PageDown then only draws (building 30 rows is about half of such a frame)."""
        self._prefetch_pending = False
        widths = column_widths(self.scrollable_content_region.width, self.sort_key)
        top, page = round(self.scroll_y), self.page_rows
        for project in self.rows[max(0, top - page) : top + 2 * page + 1]:
            self._row_strip(project, widths)

    def on_resize(self) -> None:
        self._strips.clear()
        self.virtual_size = Size(self.size.width, len(self.rows) + 1)

    # --- drawing -----------------------------------------------------------------------
    def _header_strip(self, widths: tuple[int, ...]) -> Strip:
        style = self.get_component_rich_style("project-table--header")
        cells = []
        for column, width in zip(COLUMNS, widths, strict=True):
            if not width:
                continue  # left out in a narrow terminal
            label = column.label
            if column.key == self.sort_key:
                label += glyph("sort_descending" if self.descending else "sort_ascending")
            cells.append(fit(label, width, glyph("ellipsis")))
        return Strip([Segment(" ".join(cells), style)])

    def _latest_text(self, project: Project) -> str:
        key = (project.id, project.revision)
        text = self._latest.get(key)
        if text is None:
            text = one_line(latest_progress(project))
            self._latest[key] = text
        return text

    def _unit_text(self, department: str, width: int) -> str:
        """A row's 牵头单位 as the column shows it in ``width`` cells."""
        cuts = self._unit_cuts.get(width)
        if cuts is None:
            units = {unit: one_line(unit) for unit in self._units | {department}}
            apart = fit_apart(units.values(), width, glyph("ellipsis"))
            cuts = self._unit_cuts[width] = {unit: apart[text] for unit, text in units.items()}
        if department not in cuts:  # (a row drawn before set_rows saw it)
            return fit(one_line(department), width, glyph("ellipsis"))
        return cuts[department]

    def _row_strip(self, project: Project, widths: tuple[int, ...]) -> Strip:
        unit_width = widths[_UNIT_COLUMN]
        unit = self._unit_text(project.department, unit_width) if unit_width else ""
        key = (project.id, project.revision, tuple(widths), self.schedule_key, unit)
        strip = self._strips.get(key)
        if strip is not None:
            return strip
        status_class = STATUS_CLASSES.get(project.status)
        part = self.get_component_rich_style
        status_style = part(status_class, partial=True) if status_class else Style.null()
        overdue = self.is_overdue(project)
        deadline_style = part("project-table--overdue", partial=True) if overdue else Style.null()
        deadline = one_line(project.deadline or project.deadline_raw)
        if overdue:
            deadline = "!" + deadline
        schedule = self.schedule_of(project.id)
        if schedule is None:
            schedule_text, schedule_style = glyph("pending"), _NO_STYLE
        else:
            schedule_text = schedule.class_name + (glyph("differs") if schedule.disagrees else "")
            schedule_style = part(SCHEDULE_CLASSES[schedule.class_name], partial=True)
        values = (
            (one_line(project.id), _NO_STYLE),
            (name_line(project.name), _NO_STYLE),
            (unit, _NO_STYLE),
            (one_line(project.level), _NO_STYLE),
            (one_line(project.status or project.status_raw), status_style),
            (schedule_text, schedule_style),
            (deadline, deadline_style),
            (self._latest_text(project), _NO_STYLE),
        )
        segments: list[Segment] = []
        cut = glyph("ellipsis")
        for (text, style), width, column in zip(values, widths, COLUMNS, strict=True):
            if not width:
                continue  # left out in a narrow terminal
            if segments:
                segments.append(Segment(" ", _NO_STYLE))
            if column.key == "latest" and project.not_updated and width > _MARK_CELLS + 1:
                marked = part("project-table--not-updated", partial=True)
                segments.append(Segment(NOT_UPDATED_MARK, marked))
                segments.append(Segment(" " + fit(text, width - _MARK_CELLS - 1, cut), style))
                continue
            if column.key == "department":  # (cut already, apart from the others)
                segments.append(Segment(text, style))
                continue
            fitted = fit_middle if column.key == "name" else fit
            segments.append(Segment(fitted(text, width, cut), style))
        # Cells of one style joined into one segment: a third of the bytes a repaint sends.
        strip = Strip(segments).simplify()
        self._strips[key] = strip
        return strip

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        widths = column_widths(width, self.sort_key)
        base, cursor_style = self.line_styles()
        if y == 0:
            return self._header_strip(widths).adjust_cell_length(width, base).apply_style(base)
        row = round(self.scroll_y) + y - 1
        if row >= len(self.rows):
            lines = self.empty_lines
            if not self.rows and 2 <= y < 2 + len(lines):  # why it is empty, and the way out
                line = lines[y - 2]
                return Strip([Segment(fit(f"  {line}" if line else "", width))]).apply_style(base)
            return Strip.blank(width, base)
        strip = self._row_strip(self.rows[row], widths).adjust_cell_length(width)
        if row == self.cursor:
            strip = strip.apply_style(cursor_style)
        return strip.apply_style(base)
