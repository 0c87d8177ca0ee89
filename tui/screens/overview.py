"""OverviewScreen (总览): the counts the office reviews from, each one a key away from its
projects.

Every number is read from the list's own ``ProjectIndex`` through ``ProjectQuery``, as the
list's filters count: a cell's count is the number of rows the list shows when Enter applies
that cell's filters. The 序时 classes are the list's too (computed in its worker after the
first rows): until they are ready their cells say so instead of showing a number.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.coordinate import Coordinate
from textual.screen import Screen
from textual.widgets import DataTable, Static
from textual.widgets.data_table import ColumnDoesNotExist, RowDoesNotExist

from store.interface import ProjectStore
from store.models import LEVELS, clean_text
from store.query import SCHEDULE_FACET, ProjectIndex, ProjectQuery
from store.text import fit_apart
from store.vocabulary import FIELD_REGISTRY, SCHEDULE_CLASSES, STATUSES
from store.words import say
from tui.glyphs import glyph
from tui.keys import hide_key_help
from tui.screens.editing import HELP_BINDING
from tui.widgets.key_bar import KeyBar

STYLES = Path(__file__).resolve().parent.parent / "styles"

#: the two ways of counting: by 序时 class, or by 工作成效 as reported / judged
MODES = {SCHEDULE_FACET: say("app.schedule"), "status": FIELD_REGISTRY["status"].label}
#: the row key of the totals row, and of the shares row
TOTAL = "*"
SHARE = "%"
#: from this width the tables stand side by side (the level table, 67 cells, beside the
#: unit table at its full width, 89)
WIDE = 156
#: the 牵头单位 column is cut to this many cells: 20 in 80 columns, 26 from 100
UNIT_WIDTH = (20, 26)
ROOMY = 100
#: a count's style in its column (behind the plan: warm colours)
CELL_STYLES = {
    "超序时": "bold green",
    "按序时": "green",
    "慢序时": "yellow",
    "滞后": "bold red",
    "未启动": "yellow",
}
PENDING = "…"


@dataclass(frozen=True)
class Place:
    """Where the cursor was: the mode, the table and its cell (row key, column key)."""

    mode: str = SCHEDULE_FACET
    table: str = "level-table"
    row: str = TOTAL
    column: str = ""


@dataclass(frozen=True)
class DrillDown:
    """What Enter on a count asks the list to show, and where to come back to."""

    query: ProjectQuery
    label: str
    count: int
    place: Place


@dataclass
class Counts:
    """One table's numbers: rows (the row facet's values) by columns (the column facet's)."""

    rows: list[str]
    columns: list[str]
    cells: dict[tuple[str, str], int]
    row_totals: Counter[str]
    column_totals: dict[str, int]
    total: int


def facet_order(index: ProjectIndex, facet: str) -> list[str]:
    """A facet's values in the registry's order, every one of them (a status or level no
    project has counts 0), then any other value the projects hold."""
    present = index.all_values(facet)
    known = {"status": STATUSES, "level": LEVELS}.get(facet)
    if known is None:
        return present
    return [*known, *(v for v in present if v not in known)]


def count_table(index: ProjectIndex, row_facet: str, column_facet: str) -> Counts:
    """Count ``index`` by two facets through the list's own query: the cell (r, c) is how many
    projects the list shows filtered to r and c. A project naming two units counts under each
    (as the 牵头单位 pane counts it). The 序时 facet must be computed before (schedule_ready)."""
    if column_facet == SCHEDULE_FACET:
        assert index.schedule_ready, "the 序时 classes are not computed yet"
    everything, all_counts = index.evaluate(ProjectQuery())
    row_totals = all_counts[row_facet]
    columns = facet_order(index, column_facet)
    cells: dict[tuple[str, str], int] = {}
    column_totals: dict[str, int] = {}
    for column in columns:
        found, counts = index.evaluate(ProjectQuery().with_selected(column_facet, {column}))
        column_totals[column] = len(found)
        for row, n in counts[row_facet].items():
            cells[(row, column)] = n
    return Counts(
        rows=facet_order(index, row_facet),
        columns=columns,
        cells=cells,
        row_totals=row_totals,
        column_totals=column_totals,
        total=len(everything),
    )


def _percent(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else glyph("none")


def summary_line(index: ProjectIndex, *, compact: bool) -> str:
    """Totals, completion rate (已完成 / all), start rate (not 未启动 / all), overdue."""
    everything, counts = index.evaluate(ProjectQuery())
    total = len(everything)
    done = counts["status"].get("已完成", 0)
    started = total - counts["status"].get("未启动", 0)
    overdue = index.overdue_count(everything)
    if compact:
        return say(
            "app.overview.summary_compact",
            total=total,
            done=done,
            done_rate=_percent(done, total),
            started=started,
            started_rate=_percent(started, total),
            not_started=total - started,
            overdue=overdue,
        )
    return say(
        "app.overview.summary",
        total=total,
        done=done,
        done_rate=_percent(done, total),
        started=started,
        started_rate=_percent(started, total),
        not_started=total - started,
        overdue=overdue,
        sep=f" {glyph('separator')} ",
    )


def _label(value: str) -> str:
    return clean_text(value, single_line=True) or say("app.unfilled")


class CountTable(DataTable[Text]):
    """Counts by two facets; Enter on a cell opens the list filtered to its projects."""

    BINDINGS = [Binding("enter", "select_cursor", "查看项目", id="drill-down")]

    def __init__(self, row_facet: str, row_label: str, *, id: str) -> None:  # noqa: A002
        super().__init__(id=id, cursor_type="cell", zebra_stripes=True)
        self.row_facet = row_facet
        self.row_label = row_label
        self.column_facet = SCHEDULE_FACET
        self.row_values: list[str] = []
        self.column_values: list[str] = []
        #: the count under each (row key, column key), as shown
        self.numbers: dict[tuple[str, str], int] = {}

    def show(
        self,
        index: ProjectIndex,
        column_facet: str,
        *,
        label_width: int,
        order: Callable[[Counts], list[str]] | None = None,
        shares: bool = False,
    ) -> None:
        """Fill the table from ``index``; the 序时 columns say PENDING until it is ready."""
        keep = self._cursor_keys()
        self.column_facet = column_facet
        ready = column_facet != SCHEDULE_FACET or index.schedule_ready
        columns = facet_order(index, column_facet)
        if ready:
            counts = count_table(index, self.row_facet, column_facet)
        else:  # the totals are known already; the classes are not
            everything, all_counts = index.evaluate(ProjectQuery())
            counts = Counts(
                rows=facet_order(index, self.row_facet),
                columns=columns,
                cells={},
                row_totals=all_counts[self.row_facet],
                column_totals={},
                total=len(everything),
            )
        rows = order(counts) if order is not None and ready else counts.rows
        if order is not None and not ready:  # most projects first, until 序时 is known
            rows = sorted(rows, key=lambda r: (-counts.row_totals[r], r))
        self.clear(columns=True)
        self.add_column(Text(self.row_label), key="row", width=label_width)
        for column in columns:
            self.add_column(
                Text(column, justify="right"), key=column, width=max(5, cell_len(column))
            )
        self.add_column(Text(say("app.overview.total"), justify="right"), key=TOTAL, width=5)
        self.numbers = {}
        row_keys = [*rows, TOTAL] + ([SHARE] if shares else [])
        # (cut at the end; two units that would then read alike, in the middle)
        names = fit_apart(map(_label, rows), label_width, glyph("ellipsis"), pad=False)
        for row in row_keys:
            cells = [self._row_label(row, names)]
            for column in columns:
                if not ready:
                    cells.append(Text(PENDING, justify="right", style="dim"))
                    continue
                if row == SHARE:  # (Enter on a share: the projects of its column)
                    n = counts.column_totals.get(column, 0)
                    self.numbers[(row, column)] = n
                    cells.append(Text(_percent(n, counts.total), justify="right", style="dim"))
                    continue
                if row == TOTAL:
                    n = counts.column_totals.get(column, 0)
                else:
                    n = counts.cells.get((row, column), 0)
                self.numbers[(row, column)] = n
                cells.append(self._number(n, column, bold=row == TOTAL))
            n = counts.total if row in (TOTAL, SHARE) else counts.row_totals.get(row, 0)
            self.numbers[(row, TOTAL)] = n
            if row == SHARE:
                cells.append(
                    Text("100%" if counts.total else glyph("none"), justify="right", style="dim")
                )
            else:
                cells.append(Text(str(n), justify="right", style="bold"))
            self.add_row(*cells, key=row)
        self.row_values, self.column_values = rows, columns
        self._restore_cursor(keep)

    @staticmethod
    def _row_label(row: str, names: dict[str, str]) -> Text:
        if row == TOTAL:
            return Text(say("app.overview.total"), style="bold")
        if row == SHARE:
            return Text(say("app.overview.share"), style="dim")
        return Text(names[_label(row)])

    @staticmethod
    def _number(n: int, column: str, *, bold: bool) -> Text:
        if n == 0:
            return Text("0", justify="right", style="dim")
        style = CELL_STYLES.get(column, "")
        return Text(str(n), justify="right", style=f"{style} bold" if bold else style)

    def _cursor_keys(self) -> tuple[str, str] | None:
        if not self.row_count:
            return None
        return self.keys_at(self.cursor_coordinate)

    def keys_at(self, where: Coordinate) -> tuple[str, str]:
        """(row key, column key) of a cell; the label column stands for the row's total."""
        row_key, column_key = self.coordinate_to_cell_key(where)
        column = str(column_key.value)
        return str(row_key.value), TOTAL if column == "row" else column

    def move_to(self, row: str, column: str) -> None:
        """Put the cursor on a cell by its keys (what is missing: the first of its kind)."""
        self._restore_cursor((row, column))

    def _restore_cursor(self, keys: tuple[str, str] | None) -> None:
        if keys is None or not self.row_count:
            self.move_cursor(row=0, column=1)
            return
        row, column = keys
        try:
            y = self.get_row_index(row)
        except RowDoesNotExist:  # (a unit no longer there: the first row)
            y = 0
        try:
            x = self.get_column_index(column)
        except ColumnDoesNotExist:  # (the other mode's column: the first count)
            x = 1
        self.move_cursor(row=y, column=max(1, x))

    def query_at(self, where: Coordinate) -> ProjectQuery:
        """The list's query for a cell."""
        row, column = self.keys_at(where)
        query = ProjectQuery()
        if row not in (TOTAL, SHARE):
            query = query.with_selected(self.row_facet, {row})
        if column != TOTAL:
            query = query.with_selected(self.column_facet, {column})
        return query

    def label_at(self, where: Coordinate) -> str:
        """The cell's filters in words, as the status line names them."""
        row, column = self.keys_at(where)
        parts = []
        if row not in (TOTAL, SHARE):
            parts.append(_label(row))
        if column != TOTAL:
            parts.append(column)
        return f" {glyph('separator')} ".join(parts) or say("app.overview.all")


class OverviewScreen(Screen[DrillDown | None]):
    """Counts by 项目等级 and by 牵头单位, by 序时 class or by 工作成效; Enter on a count opens
    the list filtered to exactly those projects (Esc there comes back here)."""

    CSS_PATH = STYLES / "overview.tcss"
    BINDINGS = [
        HELP_BINDING,
        Binding("escape", "back", "返回", id="back"),
        Binding("v", "switch_mode", "序时/工作成效", id="switch-mode"),
        Binding("tab", "next_table", "切换表格", id="next-table"),
        Binding("x", "bulletin", "写通报", id="bulletin"),
    ]

    def __init__(
        self,
        index_of: Callable[[], ProjectIndex | None],
        place: Place | None = None,
        *,
        store: ProjectStore | None = None,
    ) -> None:
        """``index_of`` gives the list's index as it is now (None before the first read):
        asked again a few times a second, so that the 序时 classes and edits show here too.
        ``store``: where the 通报 (``x``) reads the notes of its projects' statuses."""
        super().__init__()
        self.store = store
        self.index_of = index_of
        self.place = place or Place()
        self.mode = self.place.mode
        #: the index shown, and whether its 序时 was ready then
        self._shown: tuple[ProjectIndex | None, bool] = (None, False)

    def compose(self) -> ComposeResult:
        yield Static(id="overview-title")
        yield Static(id="overview-summary")
        with Horizontal(id="overview-body"):
            with Vertical(id="overview-levels"):
                yield CountTable("level", FIELD_REGISTRY["level"].label, id="level-table")
                yield CountTable("level", FIELD_REGISTRY["level"].label, id="level-other")
            yield CountTable("department", FIELD_REGISTRY["department"].label, id="unit-table")
        yield KeyBar()

    def on_mount(self) -> None:
        self._fold_for_width(self.app.size.width)
        self.refresh_counts()
        place = self.place
        table = self.query_one(f"#{place.table}", CountTable)
        if not table.display:  # (a table of the wide layout, now narrow)
            table = self.query_one("#level-table", CountTable)
        table.move_to(place.row, place.column)
        table.focus()
        self.set_interval(0.25, self.refresh_counts)

    def on_resize(self) -> None:
        self._fold_for_width(self.app.size.width)
        self._shown = (None, False)  # (the summary's and the unit column's room change)
        self.refresh_counts()

    def _fold_for_width(self, width: int) -> None:
        """Side by side from WIDE columns, one above the other below."""
        wide = width >= WIDE
        self.set_class(wide, "-wide")
        other = self.query_one("#level-other")
        other.display = wide
        if not wide and other.has_focus:
            self.query_one("#level-table").focus()

    # --- the numbers -------------------------------------------------------------------
    def refresh_counts(self) -> None:
        """Show the index as it is now (only when it changed: a new read, an edit, 序时)."""
        index = self.index_of()
        shown = (index, index is not None and index.schedule_ready)
        if shown == self._shown:
            return
        self._shown = shown
        title = self.query_one("#overview-title", Static)
        summary = self.query_one("#overview-summary", Static)
        if index is None:
            title.update(Text(say("app.overview.title")))
            summary.update(Text(say("app.overview.reading", pending=glyph("pending"))))
            return
        report = index.report
        year = say("app.year", year=report.year) if report.year else ""
        parts = [report.region, year, say("app.overview.heading")]
        period = report.period_label()
        months = say("app.period", period=period) if period else ""
        title.update(Text(" ".join(p for p in parts if p) + months))
        width = self.app.size.width - 2
        line = summary_line(index, compact=False)
        if cell_len(line) > width:
            line = summary_line(index, compact=True)
        summary.update(Text(line))
        wide = self.has_class("-wide")
        levels = self.query_one("#level-table", CountTable)
        levels.show(index, SCHEDULE_FACET if wide else self.mode, label_width=8, shares=True)
        if wide:
            other = self.query_one("#level-other", CountTable)
            other.show(index, "status", label_width=8, shares=True)
        units = self.query_one("#unit-table", CountTable)
        unit_width = UNIT_WIDTH[1] if self.app.size.width >= ROOMY else UNIT_WIDTH[0]
        units.show(index, self.mode, label_width=unit_width, order=self._worst_first)
        self._show_titles(index)

    def _worst_first(self, counts: Counts) -> list[str]:
        """Units with the most projects behind first (滞后, then 慢序时 / 未启动), then the
        most projects, then by name."""
        if counts.columns and counts.columns[0] in SCHEDULE_CLASSES:
            worst = ("滞后", "慢序时")
        else:
            worst = ("滞后", "未启动")

        def key(row: str) -> tuple[int, int, int, str]:
            first, second = (counts.cells.get((row, c), 0) for c in worst)
            return (-first, -second, -counts.row_totals.get(row, 0), row)

        return sorted(counts.rows, key=key)

    def _show_titles(self, index: ProjectIndex) -> None:
        pending = not index.schedule_ready
        wide = self.has_class("-wide")
        levels = self.query_one("#level-table", CountTable)
        mode = SCHEDULE_FACET if wide else self.mode
        levels.border_title = say(
            "app.overview.by_level",
            level=FIELD_REGISTRY["level"].label,
            times=glyph("times"),
            mode=MODES[mode],
        )
        levels.border_subtitle = (
            say("app.overview.computing", pending=glyph("pending"))
            if pending and mode == SCHEDULE_FACET
            else ""
        )
        other = self.query_one("#level-other", CountTable)
        other.border_title = say(
            "app.overview.by_level",
            level=FIELD_REGISTRY["level"].label,
            times=glyph("times"),
            mode=FIELD_REGISTRY["status"].label,
        )
        units = self.query_one("#unit-table", CountTable)
        units.border_title = say(
            "app.overview.by_unit",
            unit=FIELD_REGISTRY["department"].label,
            times=glyph("times"),
            mode=MODES[self.mode],
        )
        units.border_subtitle = (
            say("app.overview.computing", pending=glyph("pending"))
            if pending and self.mode == SCHEDULE_FACET
            else say("app.overview.unit_order", separator=glyph("separator"))
        )

    # --- actions -----------------------------------------------------------------------
    def _focused_table(self) -> CountTable:
        focused = self.focused
        if isinstance(focused, CountTable):
            return focused
        return self.query_one("#unit-table", CountTable)

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        if isinstance(event.data_table, CountTable):
            self._drill(event.data_table, event.coordinate)

    def _drill(self, table: CountTable, where: Coordinate) -> None:
        if not table.row_count:
            return
        query = table.query_at(where)
        row, column = table.keys_at(where)
        if (row, column) not in table.numbers:  # (a 序时 cell before the classes are known)
            self.notify(say("app.schedule_pending"), markup=False)
            return
        count = table.numbers[(row, column)]
        label = table.label_at(where)
        if not count:
            self.notify(say("app.overview.no_projects", label=label), markup=False)
            return
        place = Place(self.mode, str(table.id), row, column)
        self.dismiss(DrillDown(query, label, count, place))

    def action_switch_mode(self) -> None:
        self.mode = "status" if self.mode == SCHEDULE_FACET else SCHEDULE_FACET
        self._shown = (None, False)
        self.refresh_counts()

    def action_next_table(self) -> None:
        tables = [t for t in self.query(CountTable) if t.display]
        focused = self._focused_table()
        at = tables.index(focused) if focused in tables else -1
        tables[(at + 1) % len(tables)].focus()

    def action_back(self) -> None:
        if hide_key_help(self):  # Esc first closes the key help, then leaves
            return
        self.dismiss(None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The 通报 needs the store."""
        if action == "bulletin":
            return self.store is not None
        return True

    def action_bulletin(self) -> None:
        """Write the 通报 of the projects counted here, through the export dialog (format,
        path, overwrite as for exports)."""
        index = self.index_of()
        if index is None or self.store is None:
            self.notify(say("app.overview.still_reading"), markup=False)
            return
        from tui.dialogs.export_dialog import ExportDialog, bulletin_output

        rows = index.apply(ProjectQuery())
        dialog = ExportDialog(self.store, rows, index.report, output=bulletin_output())
        self.app.push_screen(dialog)


def drilled_query(drill: DrillDown, before: ProjectQuery) -> ProjectQuery:
    """The list's query after a drill-down: the cell's filters, the list's sort as it was."""
    return replace(drill.query, sort=before.sort, descending=before.descending)
