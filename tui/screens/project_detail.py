"""ProjectDetailScreen: one project, its monthly plan beside its progress, the rest a key away."""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.console import Group, OverflowMethod
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import ContentSwitcher, DataTable, Static

from store.indicators import Indicator, Source
from store.interface import Change, DatabaseError, ProjectStore, StoreError
from store.models import FIELD_LABELS, Project, Report, clean_text
from store.month_grid import build_grid
from store.schedule import (
    DEFAULT_SETTINGS,
    JudgedIndicator,
    ProjectSchedule,
    ScheduleSettings,
    project_schedule,
)
from store.words import moment, say
from tui.copying import COPY_TIP, copy_detail
from tui.editor import Done, Editor
from tui.glyphs import ascii_box, glyph, is_ascii
from tui.keys import hide_key_help
from tui.labels import change_values, note_label, source_label
from tui.screens.editing import HELP_BINDING, EditingScreen, edit_bindings
from tui.widgets.cjk_text import CJKText
from tui.widgets.key_bar import KeyBar
from tui.widgets.month_grid import LABEL_WIDTH, STACK_BELOW, MonthGrid
from tui.widgets.progress_periods import ProgressPeriods
from tui.widgets.project_table import fit

VIEWS = (
    ("grid", say("app.detail.view.grid")),
    ("plan-progress", say("app.detail.view.plan_progress")),
    ("info", say("app.detail.view.info")),
    ("updates", say("app.updates")),
    ("history", say("app.detail.view.history")),
    ("schedule", say("app.schedule")),
    ("periods", say("app.detail.view.periods")),
)
FOCUS = {
    "grid": "#month-grid",
    "plan-progress": "#plan-pane",
    "schedule": "#indicator-table",
    "periods": "#period-now",
}
#: the keys of the 序时 view: offered there only, and only where edits can be saved
INDICATOR_ACTIONS = frozenset({"correct_indicator", "add_indicator", "schedule_rule"})
BASIS_LABELS = {
    "plan": say("app.detail.basis.plan"),
    "plan_share": say("app.detail.basis.plan_share"),
    "time_elapsed": say("app.detail.basis.time_elapsed"),
    "": "—",
}
ORIGIN_LABELS = {
    "text": say("app.detail.origin.text"),
    "column": say("app.detail.origin.column"),
    "edited": say("app.detail.origin.edited"),
}
SOURCE_ROLES = (
    ("target", say("app.detail.target")),
    ("planned", say("app.detail.planned")),
    ("actual", say("app.detail.actual")),
)


_CHANGE_LABELS = {
    "*": say("app.detail.history.created"),
    "updates": say("app.updates"),
    "period": say("app.detail.history.period"),
}


def _number(value: float | None) -> str:
    if value is None:
        return glyph("none")
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _source_text(source: Source) -> Text:
    """A number's source: its field, then the exact text with the number marked."""
    text = Text()
    text.append(f"[{FIELD_LABELS.get(source.field, source.field)}] ", style="dim")
    clause = clean_text(source.clause, single_line=True)
    exact = clean_text(source.text, single_line=True)
    at = clause.find(exact) if clause and exact else -1
    if at < 0:
        text.append(say("app.detail.exact", text=exact), style="bold")
        if clause:
            text.append(f" {clause}")
        return text
    text.append(clause[:at])
    text.append(exact, style="bold underline")
    text.append(clause[at + len(exact) :])
    return text


def status_reason(project: Project, history: list[Change]) -> str:
    """The reason given when the current 工作成效 was set: the note of the latest status
    change, if it set this status ("" when it gave none; an undo's note is not a reason)."""
    latest = next((c for c in reversed(history) if c.field == "status"), None)
    if latest is None or latest.new != project.status or latest.note.startswith("undo of "):
        return ""
    return latest.note


class ProjectDetailScreen(EditingScreen):
    """The detail of one project among those the list showed."""

    BINDINGS = [
        HELP_BINDING,
        Binding("escape", "back", "返回", id="back"),
        Binding("n,right_square_bracket", "move(1)", "下一个", id="next"),
        Binding("p,left_square_bracket", "move(-1)", "上一个", id="previous"),
        Binding("1", "view('grid')", "月度对照", show=False),
        Binding("2", "view('plan-progress')", "计划/进展", show=False),
        Binding("3", "view('info')", "概况/目标", show=False),
        Binding("4", "view('updates')", "进展更新", show=False),
        Binding("5", "view('history')", "修改记录", show=False),
        Binding("6", "view('schedule')", "序时", show=False),
        Binding("7", "view('periods')", "本期/上期", show=False),
        Binding("v", "next_view", "切换视图", id="next-view"),
        Binding("y", "copy", "复制", id="copy", show=False, tooltip=COPY_TIP),
        # (before the edit keys: in the 序时 view, the key bar's first room is for these)
        Binding("i", "correct_indicator", "修正指标", id="correct-indicator"),
        Binding("plus", "add_indicator", "新增指标", id="add-indicator"),
        Binding(
            "r",
            "schedule_rule",
            "序时规则",
            id="schedule-rule",
            tooltip="序时的依据和阈值（所有人共用）",
        ),
        *edit_bindings(),
    ]

    class Loaded(Message):
        """The project and its history were read."""

        def __init__(
            self,
            project: Project,
            history: list[Change],
            report: Report,
            generation: int,
            schedule: ProjectSchedule,
            settings: ScheduleSettings = DEFAULT_SETTINGS,
        ) -> None:
            super().__init__()
            self.project = project
            self.history = history
            self.report = report
            self.generation = generation
            self.schedule = schedule
            self.settings = settings  # the 序时 rule it was judged by

    def __init__(self, store: ProjectStore, editor: Editor, ids: list[str], position: int) -> None:
        super().__init__(store, editor)
        self.ids = ids
        self.position = position
        self.project: Project | None = None
        self.schedule: ProjectSchedule | None = None
        self.settings = DEFAULT_SETTINGS
        self.generation = -1

    def compose(self) -> ComposeResult:
        yield Static(id="detail-header")
        yield Static(id="detail-tabs")
        with ContentSwitcher(initial="grid", id="detail-body"):
            with Vertical(id="grid"):
                yield Static(id="grid-header")
                yield MonthGrid(id="month-grid")
            with Horizontal(id="plan-progress"):
                with VerticalScroll(id="plan-pane", classes="pane"):
                    yield Static(id="plan-text")
                with VerticalScroll(id="progress-pane", classes="pane"):
                    yield Static(id="progress-text")
            with VerticalScroll(id="info", classes="pane"):
                yield Static(id="info-text")
            with VerticalScroll(id="updates", classes="pane"):
                yield Static(id="updates-text")
            with VerticalScroll(id="history", classes="pane"):
                yield Static(id="history-text")
            with Vertical(id="schedule"):
                yield Static(id="schedule-summary")
                yield DataTable(id="indicator-table", cursor_type="row", zebra_stripes=False)
                with VerticalScroll(id="indicator-sources", classes="pane"):
                    yield Static(id="indicator-sources-text")
            yield ProgressPeriods(id="periods")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#plan-pane").border_title = FIELD_LABELS["plan"]
        self.query_one("#progress-pane").border_title = FIELD_LABELS["progress"]
        self.query_one("#indicator-sources").border_title = say("app.detail.sources")
        table = self.query_one("#indicator-table", DataTable)
        for label, key in (
            (say("app.detail.column.name"), "name"), (say("app.detail.column.unit"), "unit"),
            (say("app.detail.target"), "target"), (say("app.detail.column.planned"), "planned"),
            (say("app.detail.actual"), "actual"), (say("app.detail.column.ratio"), "ratio"),
            (say("app.schedule"), "class"), (say("app.detail.column.origin"), "origin"),
            (say("app.detail.column.basis"), "basis"),
        ):  # fmt: skip
            table.add_column(label, key=key)
        self._show_tabs()
        self.query_one("#month-grid").focus()
        self.load()
        self.set_interval(1.0, self.check_for_changes)

    @work(thread=True, exclusive=True, group="detail-load")
    def load(self) -> None:
        """Read the project and its history off the UI thread."""
        store = self.store
        generation = store.generation
        try:
            project = store.get(self.ids[self.position])
        except (StoreError, DatabaseError) as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", markup=False)
            return
        history = store.history(project.id)
        report = store.report()
        # (one project: milliseconds; the list computes all of them in its own worker)
        settings = store.schedule_settings()
        schedule = project_schedule(project, report, settings)
        self.post_message(self.Loaded(project, history, report, generation, schedule, settings))

    @work(thread=True, exclusive=True, group="detail-watch")
    def check_for_changes(self) -> None:
        """Show what other people saved while this screen is open."""
        store = self.store
        try:
            store.refresh()
        except Exception:
            return
        if store.generation != self.generation:
            self.generation = store.generation
            self.load()

    async def on_project_detail_screen_loaded(self, message: Loaded) -> None:
        moved = self.project is None or self.project.id != message.project.id
        keep = self.query_one(MonthGrid).current
        self.project = message.project
        self.schedule = message.schedule
        self.settings = message.settings
        # (the watch may have seen a newer generation meanwhile: this read is at least as new)
        self.generation = max(self.generation, message.generation)
        self._render_project(message.project, message.history)
        self._render_schedule(message.schedule, keep_cursor=not moved)
        grid = self.query_one(MonthGrid)
        period = message.report.period_label()
        await grid.show(build_grid(message.project, message.report, message.schedule), period)
        if not moved:  # the same project refreshed (an edit, another person's save)
            grid.current = keep
        self._show_grid_header()

    def on_resize(self) -> None:
        self._show_grid_header()
        self._show_tabs()

    def _show_grid_header(self) -> None:
        header = self.query_one("#grid-header", Static)
        wide = self.query_one(MonthGrid).size.width >= STACK_BELOW
        header.display = wide
        if wide:
            # the grid's border (1) + row marker (1), then the label, plan and progress columns
            plan_width = (self.query_one(MonthGrid).size.width - 4 - LABEL_WIDTH - 2) // 2
            line = "  " + fit(say("app.detail.month"), LABEL_WIDTH)
            line += " " + fit(FIELD_LABELS["plan"], plan_width + 1)
            header.update(Text(line + " " + FIELD_LABELS["progress"], style="bold"))

    def editing_target(self) -> Project | None:
        return self.project

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The indicator keys in the 序时 view only, and only where edits can be saved."""
        if action in INDICATOR_ACTIONS:
            if self.store.read_only:
                return False
            switchers = self.query(ContentSwitcher)
            return bool(switchers) and switchers.first().current == "schedule"
        return super().check_action(action, parameters)

    def after_save(self, done: Done) -> None:
        self.load()

    def after_save_conflict(self) -> None:
        self.load()

    # --- drawing -----------------------------------------------------------------------
    def _show_tabs(self) -> None:
        current = self.query_one(ContentSwitcher).current
        tabs = self.query_one("#detail-tabs", Static)
        where = f"  {self.position + 1} / {len(self.ids)}"
        room = tabs.content_region.width or self.app.size.width - 2
        for compact in (False, True):  # narrow: the other views by their number only
            text = Text()
            for number, (view, label) in enumerate(VIEWS, start=1):
                style = "reverse bold" if view == current else "dim"
                shown = f" {number} " if compact and view != current else f" {number} {label} "
                text.append(shown, style=style)
                text.append(" ")
            text.append(where, style="dim")
            if text.cell_len <= room:
                break
        tabs.update(text)

    def _render_project(self, p: Project, history: list[Change]) -> None:
        header = Text()
        header.append(clean_text(p.name, single_line=True), style="bold")
        header.append(f"  {clean_text(p.id, single_line=True)}\n", style="dim")
        meta = [
            (FIELD_LABELS["level"], p.level),
            (FIELD_LABELS["department"], p.department),
            (FIELD_LABELS["deadline"], p.deadline or p.deadline_raw),
            (FIELD_LABELS["status"], p.status or p.status_raw),
        ]
        pairs = [f"{label} {clean_text(value, single_line=True)}" for label, value in meta]
        header.append("  ".join(pairs[:2]) + "\n" + "  ".join(pairs[2:]))
        reason = clean_text(status_reason(p, history), single_line=True)
        if reason:  # beside 工作成效, or on a line of its own when it does not fit there
            room = self.app.size.width - 2
            beside = say("app.detail.reason_beside", reason=reason)
            if cell_len("  ".join(pairs[2:]) + beside) <= room:
                header.append(beside)
            else:
                line = say("app.detail.reason", reason=reason)
                header.append("\n" + fit(line, room, glyph("ellipsis"), pad=False))
        self.query_one("#detail-header", Static).update(header)
        self.query_one("#plan-text", Static).update(CJKText(clean_text(p.plan) or say("app.none")))
        self.query_one("#progress-text", Static).update(
            CJKText(clean_text(p.progress) or say("app.none"))
        )
        self.query_one("#info-text", Static).update(self._info(p))
        self.query_one("#updates-text", Static).update(self._updates(p))
        self.query_one("#history-text", Static).update(self._history(history))
        self.query_one(ProgressPeriods).show(p)
        self._show_tabs()

    @staticmethod
    def _section(title: str, body: str) -> Group:
        return Group(
            Text(clean_text(title, single_line=True), style="bold underline"),
            CJKText(clean_text(body) or say("app.none")),
            Text(""),
        )

    def _info(self, p: Project) -> Group:
        parts = [
            self._section(FIELD_LABELS["overview"], p.overview),
            self._section(FIELD_LABELS["target"], p.target),
        ]
        parts += [self._section(key, value) for key, value in p.extra.items()]
        return Group(*parts)

    def _updates(self, p: Project) -> Group | Text:
        if not p.updates:
            return Text(say("app.detail.no_updates"))
        parts = []
        for update in sorted(p.updates, key=lambda u: (u.month, u.at)):
            title = say("app.detail.update", month=update.month, by=update.by, at=moment(update.at))
            parts.append(self._section(title, update.text))
        return Group(*parts)

    def _history(self, changes: list[Change]) -> Table | Text:
        if not changes:
            return Text(say("app.detail.no_history"))
        table = Table(expand=True, show_lines=False, pad_edge=False, box=ascii_box())
        longest = max(cell_len(moment(change.at)) for change in changes)
        table.add_column(say("app.detail.history.at"), no_wrap=True, min_width=longest)
        table.add_column(say("app.detail.history.field"), no_wrap=True)
        cut: OverflowMethod = (
            "crop" if is_ascii() else "ellipsis"
        )  # (Rich's … has no ASCII spelling)
        table.add_column(say("app.detail.history.old"), ratio=2, overflow=cut, no_wrap=True)
        table.add_column(say("app.detail.history.new"), ratio=2, overflow=cut, no_wrap=True)
        table.add_column(
            say("app.detail.history.by"), ratio=2, overflow=cut, no_wrap=True, min_width=8
        )
        for change in reversed(changes):
            label = _CHANGE_LABELS.get(change.field) or FIELD_LABELS.get(change.field, change.field)
            old, new = change_values(change)
            source = source_label(change.source, change.note)
            who = say("app.detail.history.who", by=change.by, source=source)
            if change.note:  # (an undo's says which change it took back)
                who += f" {note_label(change.note)}"
            table.add_row(
                Text(clean_text(moment(change.at), single_line=True)),
                Text(clean_text(label, single_line=True)),
                Text(clean_text(old, single_line=True)[:80]),
                Text(clean_text(new, single_line=True)[:80]),
                Text(clean_text(who, single_line=True)),
            )
        return table

    def _render_schedule(self, schedule: ProjectSchedule, *, keep_cursor: bool) -> None:
        """The 序时 view: the class and why, then each indicator and where its numbers are."""
        summary = Text()
        summary.append(say("app.schedule") + " ", style="bold")
        summary.append(f" {schedule.class_name} ", style="reverse bold")
        worst = schedule.worst
        if worst is not None and worst.indicator.ratio is not None:
            summary.append(
                say("app.detail.worst", ratio=f"{worst.indicator.ratio:.0%}"), style="dim"
            )
        summary.append(say("app.detail.basis"))
        summary.append(clean_text(schedule.reason, single_line=True))
        reported = clean_text(schedule.reported or say("app.unfilled"), single_line=True)
        summary.append(f"\n{FIELD_LABELS['status']} {reported}")
        if schedule.disagrees:
            summary.append(
                say("app.detail.disagrees", mark=glyph("differs_words")), style="bold red"
            )
        self.query_one("#schedule-summary", Static).update(summary)
        table = self.query_one("#indicator-table", DataTable)
        row = table.cursor_row if keep_cursor else 0
        table.clear()
        for number, judged in enumerate(schedule.indicators):
            table.add_row(*self._indicator_cells(judged), key=str(number))
        if schedule.indicators:
            table.move_cursor(row=min(row, len(schedule.indicators) - 1))
        self._show_sources()

    @staticmethod
    def _indicator_cells(judged: JudgedIndicator) -> list[Text]:
        ind = judged.indicator
        ratio = f"{ind.ratio:.0%}" if ind.ratio is not None else glyph("none")
        name = judged.class_name or say("app.detail.unjudged")
        style = {"滞后": "bold red", "慢序时": "yellow", "超序时": "bold green", "按序时": "green"}
        origin = ORIGIN_LABELS.get(ind.origin, ind.origin)
        return [
            Text(
                fit(
                    clean_text(ind.name or say("app.detail.unnamed"), single_line=True),
                    16,
                    glyph("ellipsis"),
                ).rstrip()
            ),
            Text(clean_text(ind.unit, single_line=True)),
            Text(_number(ind.target), justify="right"),
            Text(_number(ind.planned), justify="right"),
            Text(_number(ind.actual), justify="right"),
            Text(ratio, justify="right"),
            Text(name, style=style.get(name, "dim")),
            Text(origin, style="bold magenta" if ind.origin == "edited" else ""),
            Text(BASIS_LABELS.get(ind.basis, ind.basis) if ind.basis else glyph("none")),
        ]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_sources()

    def _current_indicator(self) -> Indicator | None:
        if self.schedule is None or not self.schedule.indicators:
            return None
        row = self.query_one("#indicator-table", DataTable).cursor_row
        if 0 <= row < len(self.schedule.indicators):
            return self.schedule.indicators[row].indicator
        return None

    def _show_sources(self) -> None:
        """Where each number of the highlighted indicator came from: field and exact text."""
        out = Text()
        ind = self._current_indicator()
        if ind is None:
            out.append(say("app.detail.no_indicators"), style="dim")
            if not self.store.read_only:
                out.append(say("app.detail.add_indicator"), style="dim")
        else:
            out.append(
                clean_text(
                    say("app.detail.indicator", name=ind.name, unit=ind.unit), single_line=True
                ),
                style="bold",
            )
            if ind.origin == "edited":
                edited = ORIGIN_LABELS["edited"]
                note = "" if ind.note in ("", edited) else ind.note
                note = clean_text(f"  {edited} {note}", single_line=True)
                out.append(note.rstrip(), style="bold magenta")
            out.append("\n")
            found = {
                "target": [ind.target_source] if ind.target_source else [],
                "planned": list(ind.planned_sources),
                "actual": [ind.actual_source] if ind.actual_source else [],
            }
            for key, label in SOURCE_ROLES:
                out.append(f"{label} {_number(getattr(ind, key))}{ind.unit}  ", style="bold")
                sources = found[key]
                if key == "planned" and ind.basis == "time_elapsed" and ind.planned is not None:
                    out.append(
                        say("app.detail.time_elapsed", times=glyph("times")) + "\n", style="dim"
                    )
                    continue
                if not sources:
                    missing = (
                        say("app.detail.not_in_text")
                        if ind.origin != "edited"
                        else say("app.detail.corrected")
                    )
                    out.append(missing + "\n", style="dim")
                for n, source in enumerate(sources):
                    if n:
                        out.append(" " * (len(label) * 2 + 2))
                    out.append_text(_source_text(source))
                    out.append("\n")
            if ind.plan:
                months = "、".join(
                    say(
                        "app.detail.plan_month", month=q.source.month or "?", value=_number(q.value)
                    )
                    for q in ind.plan
                )
                reading = {
                    "cumulative": say("app.detail.reading.cumulative"),
                    "per_period": say("app.detail.reading.per_period"),
                    "single": say("app.detail.reading.single"),
                }
                how = reading.get(ind.reading, ind.reading)
                out.append(say("app.detail.plan_series", how=how), style="bold")
                out.append(clean_text(f" {months}", single_line=True) + "\n")
            if ind.note and ind.origin != "edited":
                out.append(
                    clean_text(say("app.detail.note", note=ind.note), single_line=True) + "\n",
                    style="dim",
                )
        unused = self.schedule.unused if self.schedule is not None else ()
        if unused:
            out.append("\n" + say("app.detail.unused") + "\n", style="bold")
            for quantity in unused[:20]:
                why = quantity.excluded or say("app.detail.unmatched")
                out.append_text(_source_text(quantity.source))
                out.append(
                    clean_text(say("app.detail.why", why=why), single_line=True) + "\n", style="dim"
                )
        self.query_one("#indicator-sources-text", Static).update(out)

    # --- actions -----------------------------------------------------------------------
    def action_correct_indicator(self) -> None:
        """Change the numbers of the highlighted indicator, or remove it."""
        indicator = self._current_indicator()
        if indicator is None:
            self.action_add_indicator()
            return
        self._open_indicator(indicator)

    def action_add_indicator(self) -> None:
        """Add an indicator the reading missed."""
        self._open_indicator(None)

    def _open_indicator(self, indicator: Indicator | None) -> None:
        project = self.project
        if project is None or self.store.read_only:
            return
        from tui.dialogs.indicator_dialog import IndicatorDialog

        edit = None
        if indicator is not None:
            key = (indicator.name, indicator.unit)
            edit = next(
                (e for e in project.indicator_edits if (e.get("name"), e.get("unit")) == key),
                None,
            )

        def chosen(correction: dict[str, Any] | None) -> None:
            if correction is not None:
                self.save_indicator(project.id, correction)

        title = say("app.detail.title", id=project.id, name=project.name)
        self.app.push_screen(IndicatorDialog(title, indicator, edit), chosen)

    def save_indicator(self, project_id: str, correction: dict[str, Any]) -> None:
        """Save a correction of an indicator (recorded, kept by later imports) the way other
        edits are saved: in a worker, undone by ctrl+z, the list patching its one row."""
        name = correction["name"] or correction["unit"]
        done = say("app.detail.removed") if correction.get("remove") else say("app.detail.saved")
        self._save(
            lambda editor: editor.correct_indicator(project_id, correction),
            say("app.detail.indicator_done", name=name, done=done),
        )

    def action_schedule_rule(self) -> None:
        """Change the 序时 rule (for every project: the list judges them all again)."""
        from tui.dialogs.schedule_settings import edit_schedule_rule

        edit_schedule_rule(self, self.store, self.settings, self.load)

    def action_back(self) -> None:
        if hide_key_help(self):  # Esc first closes the key help, then leaves
            return
        self.dismiss(self.ids[self.position])

    def action_move(self, step: int) -> None:
        position = self.position + step
        if 0 <= position < len(self.ids):
            self.position = position
            self.load()
            for pane in self.query(".pane").results(VerticalScroll):
                pane.scroll_home(animate=False)
        else:
            self.notify(
                say("app.detail.last") if step > 0 else say("app.detail.first"), markup=False
            )

    def action_view(self, view: str) -> None:
        switcher = self.query_one(ContentSwitcher)
        switcher.current = view
        self._show_tabs()
        self.refresh_bindings()  # the 序时 view's keys
        self.query_one(FOCUS.get(view, f"#{view}")).focus()

    def action_copy(self) -> None:
        """Copy the text of the current view (its focused pane's, where it has two)."""
        switcher = self.query_one(ContentSwitcher)
        label = dict(VIEWS).get(switcher.current or "", "")
        copy_detail(self.app, self.project, switcher.visible_content, self.focused, label)

    def action_next_view(self) -> None:
        names = [v for v, _ in VIEWS]
        current = self.query_one(ContentSwitcher).current or names[0]
        self.action_view(names[(names.index(current) + 1) % len(names)])
