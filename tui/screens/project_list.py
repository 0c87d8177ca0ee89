"""ProjectListScreen: the projects, filter panes, search, sort and the count always in view."""

from __future__ import annotations

import gc
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from data import BUNDLED_REPORT_NAME
from store.interface import DatabaseError, ProjectStore
from store.models import FIELD_LABELS, Project, Report, clean_text
from store.query import SCHEDULE_FACET, SORT_KEYS, ProjectIndex, ProjectQuery, is_overdue
from store.words import say
from tui.copying import COPY_TIP, copy_text, project_row, row_heading
from tui.editor import Done, Editor
from tui.glyphs import glyph
from tui.keys import hide_key_help
from tui.screens.editing import HELP_BINDING, EditingScreen, edit_bindings
from tui.widgets.facet_pane import FacetPane
from tui.widgets.key_bar import KeyBar
from tui.widgets.project_table import COLUMNS, EMPTY_MESSAGE, ProjectTable
from tui.widgets.search_box import SearchBox

if TYPE_CHECKING:
    from tui.screens.overview import DrillDown, OverviewScreen
    from tui.viewstate import ViewState

FACET_LABELS = {
    "department": FIELD_LABELS["department"],
    "level": FIELD_LABELS["level"],
    "status": FIELD_LABELS["status"],
    SCHEDULE_FACET: say("app.schedule"),
}
#: what an empty database has nothing for: left out of its key bar, which offers b instead
_NEEDS_PROJECTS = frozenset(
    ("clear_filters", "sort_next", "sort_reverse", "toggle_facets", "export", "overview",
     "set_status", "edit_field", "add_update", "toggle_overdue", "toggle_not_updated")
)  # fmt: skip
NARROW = 100  # below this many columns the filter panes fold away
#: the 序时 worker computes this many projects between looks at whether someone is typing
SCHEDULE_CHUNK = 25
#: ... and waits while the last keystroke is this recent (seconds): typing stays as quick
QUIET_FOR = 0.5


class StatusLine(Static):
    """One line that fits its room: the full wording, or the compact one when it is too long
    (also when the room changes: the filter panes folding, the terminal resized)."""

    _lines = ("", "")

    def show(self, full: str, compact: str) -> None:
        self._lines = (full, compact)
        self._fit()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        full, compact = self._lines
        width = self.size.width
        line = compact if width and cell_len(full) > width else full
        # One fixed line: no need to lay the screen out again for it.
        self.update(Text(line), layout=False)


class ProjectListScreen(EditingScreen):
    """The list of projects the office follows."""

    BINDINGS = [
        # (first: after a drill-down from the overview, the key bar says how to go back)
        Binding("escape", "back_to_overview", "返回总览", id="back-to-overview"),
        HELP_BINDING,
        Binding(
            "b",
            "import_bundled",
            "导入随附报告",
            id="import-bundled",
            tooltip="数据库还没有项目时：导入随软件附带的报告",
        ),
        Binding("slash", "search", "搜索", id="search"),
        Binding("f", "toggle_facets", "筛选栏", id="toggle-facets"),
        Binding("c", "clear_filters", "清除筛选", id="clear"),
        Binding("o", "sort_next", "排序", id="sort"),
        Binding("O", "sort_reverse", "倒序", id="sort-reverse", show=False),
        Binding("d", "toggle_overdue", "仅看逾期", id="overdue", show=False),
        Binding(
            "u",
            "toggle_not_updated",
            "仅看未更新",
            id="not-updated",
            show=False,
            tooltip="只看推进情况与上期相同的项目",
        ),
        *edit_bindings(compact=True),
        Binding("x", "export", "导出", id="export"),
        Binding("y", "copy", "复制", id="copy", show=False, tooltip=COPY_TIP),
        Binding(
            "I",
            "import_report",
            "导入",
            id="import",
            show=False,
            tooltip="导入新一期的报表，然后核对与报告不一致的项目",
        ),
        Binding(
            "r",
            "schedule_rule",
            "序时规则",
            id="schedule-rule",
            show=False,
            tooltip="序时的依据和阈值（所有人共用）",
        ),
        Binding("z", "overview", "总览", id="overview", show=False),
        Binding("q", "quit", "退出", id="quit"),
        Binding("escape", "focus_table", "回到项目表", show=False),
    ]

    class Loaded(Message):
        """Projects were (re)read from the store."""

        def __init__(self, index: ProjectIndex, generation: int) -> None:
            super().__init__()
            self.index = index
            self.generation = generation

    class Previewed(Message):
        """The first screenful of projects, read before the rest (the list as it opens)."""

        def __init__(self, index: ProjectIndex, painted: threading.Event) -> None:
            super().__init__()
            self.index = index
            #: set once the rows are on screen (the reading of the rest waits for it)
            self.painted = painted

    class LoadFailed(Message):
        """The database cannot be read: the app ends, saying why."""

        def __init__(self, problem: str) -> None:
            super().__init__()
            self.problem = problem

    class StoreChanged(Message):
        """The store's data is not what the list shows any more (a save here or elsewhere)."""

    class ScheduleReady(Message):
        """Every project's 序时 in an index is computed."""

        def __init__(self, index: ProjectIndex) -> None:
            super().__init__()
            self.index = index

    def __init__(self, store: ProjectStore, editor: Editor, view_state: ViewState) -> None:
        super().__init__(store, editor)
        self.view_state = view_state
        self.index = ProjectIndex([])
        self.query_state = ProjectQuery()
        #: the store's generation the index shows (-1: not loaded yet)
        self.generation = -1
        self.show_facets = False
        #: when someone last typed or moved (the 序时 worker waits while they do)
        self.last_input = 0.0
        #: counts the 序时 classes shown (a read, a computation): the table redraws its rows
        #: when it changes (an edit patched into the index changes its project's revision)
        self.schedule_epoch = 0
        #: after a drill-down from the overview: the query before it, and the cell (Esc: back)
        self.drilled: tuple[ProjectQuery, DrillDown] | None = None
        #: how many of the rows shown are 未更新 (the status line counts them)
        self.not_updated_shown = 0
        self._not_updated_of: ProjectIndex | None = None
        self._not_updated_ids: frozenset[str] = frozenset()

    def compose(self) -> ComposeResult:
        yield Static(id="list-title")
        yield Static(id="read-only-banner")
        with Horizontal(id="list-body"):
            with Vertical(id="facets"):
                for facet, label in FACET_LABELS.items():
                    yield FacetPane(facet, label, id=f"facet-{facet}")
            with Vertical(id="list-main"):
                yield SearchBox(
                    placeholder=say("app.list.search"),
                    id="search",
                )
                yield ProjectTable(id="projects")
                yield StatusLine(id="list-status")
        yield KeyBar()

    # --- lifecycle ---------------------------------------------------------------------
    def on_mount(self) -> None:
        self.query_state = self.view_state.load()
        search = self.query_one(Input)
        search.value = self.query_state.search
        search.cursor_blink = False  # a blinking cursor is a repaint every half second over SSH
        self.watch(search, "value", self.search_typed, init=False)
        store = self.store
        banner = self.query_one("#read-only-banner", Static)
        why = (
            say("app.list.read_only_why", reason=store.read_only_reason)
            if store.read_only_reason
            else ""
        )
        banner.update(Text(clean_text(say("app.list.read_only", where=store.location, why=why))))
        banner.display = store.read_only
        self.query_one(ProjectTable).focus()
        self._fold_for_width(self.app.size.width)
        # The list as it opens, in its own order: its first screenful can be shown before
        # every project is read (a filter, a search or another order needs them all).
        opening = self.query_state == ProjectQuery()
        self.load(first_screen=self.app.size.height if opening else 0)
        self.set_interval(1.0, self.check_for_changes)

    def on_unmount(self) -> None:
        self.view_state.save(self.query_state)

    def on_screen_resume(self) -> None:
        self.catch_up()  # edits made on the detail screen

    def on_resize(self) -> None:
        self._fold_for_width(self.app.size.width)

    def _fold_for_width(self, width: int) -> None:
        narrow = width < NARROW
        self.set_class(narrow, "-narrow")
        self.query_one("#facets").display = self.show_facets or not narrow

    @work(thread=True, exclusive=True, group="load")
    def load(self, first_screen: int = 0) -> None:
        """Read the projects and build the search index off the UI thread; with
        ``first_screen``, show that many first projects before reading the rest, when the
        store can read them alone."""
        store = self.store
        try:
            if first_screen:
                first = store.first_projects(first_screen)
                if first is not None and first.projects:
                    preview = ProjectIndex(first.projects, first.report, first.schedule)
                    painted = threading.Event()
                    self.post_message(self.Previewed(preview, painted))
                    # Reading the rest holds the interpreter most of the time: drawing the
                    # first screen meanwhile would take several times as long.
                    painted.wait(1.0)
            store.refresh()
            # (read first: a change while reading then shows as one more to catch up with)
            generation = store.generation
            index = ProjectIndex(store.projects(), store.report(), store.schedule_settings())
        except DatabaseError as exc:
            self.post_message(self.LoadFailed(str(exc)))
            return
        self.post_message(self.Loaded(index, generation))

    def on_project_list_screen_previewed(self, message: Previewed) -> None:
        self.call_after_refresh(message.painted.set)
        if self.generation != -1:
            return  # everything was read first
        index = message.index
        rows, _counts = index.evaluate(self.query_state)
        table = self.query_one(ProjectTable)
        report = index.report
        table.is_overdue = lambda p: is_overdue(p, report)
        table.schedule_of = index.schedule
        table.schedule_key = (self.schedule_epoch, False)
        table.set_rows(rows)
        self._show_title(report)
        reading = say("app.list.reading", pending=glyph("pending"))
        self.query_one(StatusLine).show(reading, reading)

    def on_project_list_screen_load_failed(self, message: LoadFailed) -> None:
        from tui.app import MinshengApp  # (loaded already: it runs this screen)

        if isinstance(self.app, MinshengApp):
            self.app.fail(message.problem)

    @work(thread=True, exclusive=True, group="search-prep")
    def prepare_search(self, index: ProjectIndex, *, preload: bool = False) -> None:
        """Prepare search text and pinyin (for Latin input) before anyone types.

        With ``preload``, also load the screens and dialogs that keys open, so that the first
        Enter or ``s`` is as quick as later ones (they are not needed for the first screen).
        """
        index.prepare_search()
        index.prepare_pinyin()
        if preload:
            import tui.dialogs.conflict_dialog
            import tui.dialogs.edit_field
            import tui.dialogs.export_dialog
            import tui.dialogs.status_picker
            import tui.screens.project_detail  # noqa: F401

    @work(thread=True, exclusive=True, group="schedule-prep")
    def prepare_schedule(self, index: ProjectIndex) -> None:
        """Compute every project's 序时 (seconds at 10,000 projects) after the first rows,
        a few projects at a time, pausing while someone types: the list stays as quick."""
        from store.schedule import project_schedule  # (the indicator reader: after first rows)

        worker = get_current_worker()
        report, settings = index.report, index.settings
        entries = index.entries
        for start in range(0, len(entries), SCHEDULE_CHUNK):
            while time.monotonic() - self.last_input < QUIET_FOR:
                if worker.is_cancelled:
                    return
                time.sleep(0.05)
            if worker.is_cancelled:
                return
            for entry in entries[start : start + SCHEDULE_CHUNK]:
                project_schedule(entry.project, report, settings)  # fills the reading's cache
            # What the readings keep is long-lived: out of the collector, as the projects are
            # (else every full collection in the middle of a keystroke walks all of it)
            gc.freeze()
        while time.monotonic() - self.last_input < QUIET_FOR:
            if worker.is_cancelled:
                return
            time.sleep(0.05)
        index.prepare_schedule()  # (each project's reading is cached now)
        gc.freeze()
        self.post_message(self.ScheduleReady(index))

    def on_project_list_screen_schedule_ready(self, message: ScheduleReady) -> None:
        if message.index is not self.index:  # an edit patched a copy meanwhile: once more
            if not self.index.schedule_ready:
                self.prepare_schedule(self.index)
            return
        self.schedule_epoch += 1
        self.refresh_view()

    @work(thread=True, exclusive=True, group="watch")
    def check_for_changes(self) -> None:
        """Notice what other people saved (another process, another user)."""
        store = self.store
        try:
            store.refresh()
        except Exception:  # a file mid-replacement or unreadable: try again next tick
            return
        if store.generation != self.generation and self.generation != -1:
            self.post_message(self.StoreChanged())

    def on_project_list_screen_store_changed(self) -> None:
        self.catch_up()

    def catch_up(self) -> None:
        """Show the store's data as it is now: our own saves since the list was read are
        patched in, project by project; anything else (someone else's save, an import) reads
        every project again."""
        if self.generation == -1:
            return  # the first load is on its way
        now = self.store.generation
        if now == self.generation:
            return
        own = self.editor.own_writes(self.generation, now)
        index = self.index
        try:
            for done in own or ():
                index = index.replace(done.project)
        except KeyError:  # (a project the list has not seen: read them all)
            own = None
        if own is None:
            self.load()
            return
        self.index, self.generation = index, now
        self.refresh_view()

    def on_project_list_screen_loaded(self, message: Loaded) -> None:
        if message.generation < self.generation:
            return  # a read that began before a newer one was shown (our own save, patched)
        first = self.generation == -1
        self.index = message.index
        # Tens of thousands of long-lived objects make every full collection slow, and those
        # run in the middle of keystrokes: keep what we hold out of the collector. A reload
        # first lets the previous generation of projects go (not needed on the first load).
        if not first:
            gc.unfreeze()
            gc.collect()
        gc.freeze()
        gc.enable()  # the entry point turned collection off while opening the database
        self.generation = message.generation
        self.schedule_epoch += 1
        self.refresh_view()
        self._show_title(self.index.report)  # (an import moves the period)
        # Off the UI thread, but after the rows are on screen: until then it would only
        # compete with drawing them.
        self.call_after_refresh(self.prepare_search, self.index, preload=first)
        if not self.index.schedule_ready:
            # (counted as activity: it starts once the first screen has settled)
            self.last_input = time.monotonic()
            self.call_after_refresh(self.prepare_schedule, self.index)

    def after_save(self, done: Done) -> None:
        self.catch_up()

    def after_save_conflict(self) -> None:
        self.load()

    def _show_title(self, report: Report) -> None:
        parts = [
            report.region,
            say("app.year", year=report.year) if report.year else "",
            say("app.list.heading"),
        ]
        period = report.period_label()
        title = " ".join(p for p in parts if p) + (
            say("app.period", period=period) if period else ""
        )
        self.query_one("#list-title", Static).update(Text(title))

    # --- the view ----------------------------------------------------------------------
    def refresh_view(self) -> None:
        """Apply the query: rows, facet counts and the status line."""
        query = self.query_state
        rows, counts = self.index.evaluate(query)
        table = self.query_one(ProjectTable)
        table.sort_key, table.descending = query.sort, query.descending
        report = self.index.report
        table.is_overdue = lambda p: is_overdue(p, report)
        ready = self.index.schedule_ready
        table.schedule_of = self.index.schedule
        table.schedule_key = (self.schedule_epoch, ready)
        table.set_rows(rows)
        self._say_when_empty()
        for facet in FACET_LABELS:
            pane = self.query_one(f"#facet-{facet}", FacetPane)
            pending = facet == SCHEDULE_FACET and not ready
            values = self.index.all_values(facet)
            pane.show(values, query.selected(facet), counts[facet], pending=pending)
        self._show_status(len(rows), self.index.overdue_count(rows))

    @property
    def database_empty(self) -> bool:
        """Whether the database has no projects at all (read, and none there)."""
        return self.generation != -1 and not len(self.index)

    def _say_when_empty(self) -> None:
        """Why the table has no rows, and the way out: an empty database offers the imports;
        a filter says how to clear it, from where the focus is (in the search box ``c``
        would be typed)."""
        table = self.query_one(ProjectTable)
        if self.generation == -1:
            table.say_when_empty()  # (still reading: say nothing yet)
        elif self.database_empty and self.store.read_only:
            table.say_when_empty(say("app.list.empty_read_only"))
        elif self.database_empty:
            table.say_when_empty(
                say("app.list.empty"),
                "",
                say("app.list.empty_bundled", name=BUNDLED_REPORT_NAME),
                say("app.list.empty_import"),
            )
        elif self.query_one(Input).has_focus:
            table.say_when_empty(say("app.list.none_from_search"))
        else:
            table.say_when_empty(EMPTY_MESSAGE)
        self.refresh_bindings()  # (b is offered only by an empty database)

    def on_descendant_focus(self) -> None:
        self._say_when_empty()

    def on_descendant_blur(self) -> None:
        self._say_when_empty()

    def _show_status(self, shown: int, overdue: int) -> None:
        self.not_updated_shown = self._not_updated_count(self.query_one(ProjectTable).rows)
        self.query_one(StatusLine).show(
            self._status_line(shown, overdue, compact=False),
            self._status_line(shown, overdue, compact=True),
        )

    def _not_updated_count(self, rows: list[Project]) -> int:
        """How many of ``rows`` are 未更新 (the ids found once per index: this runs on every
        keystroke of a search)."""
        if self._not_updated_of is not self.index:
            entries = self.index.entries
            self._not_updated_ids = frozenset(
                e.project.id for e in entries if e.project.not_updated
            )
            self._not_updated_of = self.index
        found = self._not_updated_ids
        if not found:
            return 0
        if len(rows) == len(self.index):
            return len(found)
        return sum(p.id in found for p in rows)

    def _status_line(self, shown: int, overdue: int, *, compact: bool) -> str:
        query = self.query_state
        parts = [f"{shown} / {len(self.index)}"]
        # What narrows the list first: in a narrow terminal the end of the line is cut.
        for facet, label in FACET_LABELS.items():
            chosen = query.selected(facet)
            if chosen and compact and len(chosen) > 1:
                parts.append(say("app.list.chosen_n", label=label, n=len(chosen)))
            elif chosen:
                parts.append(f"{label}: {'、'.join(sorted(chosen))}")
        if query.search.strip():
            parts.append(say("app.list.searched", text=query.search.strip()))
        if query.overdue_only:
            parts.append(say("app.list.overdue_only"))
        elif overdue:
            parts.append(say("app.list.overdue", n=overdue))
        if query.not_updated:
            parts.append(say("app.list.not_updated_only"))
        elif self.not_updated_shown:
            parts.append(say("app.list.not_updated", n=self.not_updated_shown))
        if not query.is_filtered:
            parts.insert(1, say("app.list.all"))
        sort_label = next(c.label for c in COLUMNS if c.key == query.sort)
        if not compact or query.sort != "id" or query.descending:
            arrow = glyph("sort_descending" if query.descending else "sort_ascending")
            parts.append(say("app.list.sorted", label=sort_label, arrow=arrow))
        return f" {glyph('separator')} ".join(parts)

    def _set_query(self, query: ProjectQuery) -> None:
        self.query_state = query
        self.refresh_view()

    def editing_target(self) -> Project | None:
        return self.query_one(ProjectTable).current

    # --- events ------------------------------------------------------------------------
    def search_typed(self, value: str) -> None:
        """Narrow the list as the search text changes.

        Watched directly (not through Input.Changed) so that the list is redrawn in the same
        frame as the typed character: one repaint a keystroke instead of two.
        """
        self.last_input = time.monotonic()
        if value != self.query_state.search:
            self._set_query(replace(self.query_state, search=value))

    @on(Input.Submitted, "#search")
    def search_submitted(self) -> None:
        self.query_one(ProjectTable).focus()

    def on_project_table_cursor_moved(self) -> None:
        self.last_input = time.monotonic()

    def _schedule_pending(self) -> bool:
        """Whether the 序时 classes are still being computed (then say so)."""
        if self.index.schedule_ready:
            return False
        self.notify(say("app.schedule_pending"), markup=False)
        return True

    def on_facet_pane_changed(self, event: FacetPane.Changed) -> None:
        if event.facet == SCHEDULE_FACET and self._schedule_pending():
            return
        self._set_query(self.query_state.toggled(event.facet, event.value))

    def on_project_table_selected(self, event: ProjectTable.Selected) -> None:
        from tui.screens.project_detail import ProjectDetailScreen

        rows = self.query_one(ProjectTable).rows
        ids = [p.id for p in rows]

        def back(project_id: str | None) -> None:
            if project_id:
                table = self.query_one(ProjectTable)
                table.set_rows(table.rows, keep=project_id)

        detail = ProjectDetailScreen(self.store, self.editor, ids, ids.index(event.project_id))
        self.app.push_screen(detail, back)

    # --- actions -----------------------------------------------------------------------
    def action_search(self) -> None:
        self.query_one(Input).focus()

    def action_focus_table(self) -> None:
        if hide_key_help(self):
            return
        self.query_one(ProjectTable).focus()

    def action_toggle_facets(self) -> None:
        facets = self.query_one("#facets")
        self.show_facets = not facets.display
        facets.display = self.show_facets
        if self.show_facets:
            self.query_one("#facet-department", FacetPane).focus()
        else:
            self.query_one(ProjectTable).focus()

    def action_clear_filters(self) -> None:
        self.query_one(Input).value = ""
        self._set_query(self.query_state.cleared())
        self.notify(say("app.list.cleared"), markup=False)

    def action_toggle_overdue(self) -> None:
        self._set_query(replace(self.query_state, overdue_only=not self.query_state.overdue_only))

    def action_toggle_not_updated(self) -> None:
        """Only the 未更新 projects (推进情况 as in the previous period), or all again."""
        query = self.query_state
        self._set_query(replace(query, not_updated=not query.not_updated))

    def action_sort_next(self) -> None:
        keys = list(SORT_KEYS)
        following = keys[(keys.index(self.query_state.sort) + 1) % len(keys)]
        if following == SCHEDULE_FACET and not self.index.schedule_ready:
            self.notify(say("app.list.sort_pending"), markup=False)
            following = keys[(keys.index(following) + 1) % len(keys)]
        self._set_query(replace(self.query_state, sort=following, descending=False))

    def action_sort_reverse(self) -> None:
        self._set_query(replace(self.query_state, descending=not self.query_state.descending))

    def action_copy(self) -> None:
        """Copy the project under the cursor as one tab-separated row."""
        project = self.query_one(ProjectTable).current
        if project is not None:
            what = say("app.list.copy_row", id=project.id, heading=row_heading())
            copy_text(self.app, what, project_row(project))

    def action_export(self) -> None:
        """Export all projects or what the list shows (a dialog asks which, where, how)."""
        from tui.dialogs.export_dialog import ExportDialog

        rows = self.query_one(ProjectTable).rows
        self.app.push_screen(ExportDialog(self.store, rows, self.index.report))

    def action_import_report(self) -> None:
        """Import a later report (a dialog asks for the file), then review what it did."""
        from tui.dialogs.import_dialog import ImportDialog, ImportOutcome

        def imported(outcome: ImportOutcome | None) -> None:
            if outcome is not None:
                from tui.screens.import_review import ImportReviewScreen

                self.app.push_screen(ImportReviewScreen(self.store, self.editor, outcome))

        report = self.index.report
        stored = (
            (report.period_from, report.period_to)
            if report.period_from is not None and report.period_to is not None
            else None
        )
        self.app.push_screen(ImportDialog(self.store, stored), imported)

    def action_import_bundled(self) -> None:
        """Import the report bundled with the program (offered while the database is empty):
        the import dialog with its path, then the review, as for any file."""
        from importlib.resources import files

        from tui.dialogs.import_dialog import ImportDialog, ImportOutcome

        # Package data: a file beside data/__init__.py, in a source tree or in site-packages.
        bundled = Path(str(files("data") / BUNDLED_REPORT_NAME))

        def imported(outcome: ImportOutcome | None) -> None:
            if outcome is not None:
                from tui.screens.import_review import ImportReviewScreen

                self.app.push_screen(ImportReviewScreen(self.store, self.editor, outcome))

        self.app.push_screen(ImportDialog(self.store, None, path=bundled), imported)

    def action_schedule_rule(self) -> None:
        """Change the 序时 rule; every project's class is computed again by it."""
        from tui.dialogs.schedule_settings import edit_schedule_rule

        edit_schedule_rule(self, self.store, self.index.settings, self.load)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Importing needs a store that can be written; Esc goes back to the overview only
        after a drill-down from it."""
        if action in ("import_report", "import_bundled") and self.store.read_only:
            return False
        if action == "import_bundled":
            return self.database_empty
        if self.database_empty and action in _NEEDS_PROJECTS:
            return False  # (an empty database: the key bar offers the imports instead)
        if action == "back_to_overview":
            return self.drilled is not None
        return super().check_action(action, parameters)

    def action_overview(self) -> None:
        """The overview (总览): counts by level and unit; Enter on one shows its projects."""
        from tui.screens.overview import OverviewScreen

        self._open_overview(OverviewScreen(self._loaded_index, store=self.store))

    def _loaded_index(self) -> ProjectIndex | None:
        return self.index if self.generation != -1 else None

    def _open_overview(self, overview: OverviewScreen) -> None:
        before = self.query_state
        self.drilled = None
        self.refresh_bindings()

        def chosen(drill: DrillDown | None) -> None:
            if drill is not None:
                self.show_drill_down(drill, before)

        self.app.push_screen(overview, chosen)

    def show_drill_down(self, drill: DrillDown, before: ProjectQuery) -> None:
        """Show exactly the projects of an overview cell (Esc: back to the overview, and the
        list as it was before it)."""
        from tui.screens.overview import drilled_query

        self.drilled = (before, drill)
        self.query_one(Input).value = ""
        self._set_query(drilled_query(drill, before))
        self.query_one(ProjectTable).focus()
        self.refresh_bindings()
        self.notify(say("app.list.drilled", label=drill.label, n=drill.count), markup=False)

    def action_back_to_overview(self) -> None:
        if self.drilled is None:
            return
        if hide_key_help(self) or not self.query_one(ProjectTable).has_focus:
            self.action_focus_table()
            return
        from tui.screens.overview import OverviewScreen

        before, drill = self.drilled
        self.query_one(Input).value = before.search
        self._set_query(before)
        self._open_overview(OverviewScreen(self._loaded_index, drill.place, store=self.store))

    def action_quit(self) -> None:
        self.view_state.save(self.query_state)
        self.app.exit(0)
