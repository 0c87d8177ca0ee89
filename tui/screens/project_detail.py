"""ProjectDetailScreen: one project, its monthly plan beside its progress, the rest a key away."""

from __future__ import annotations

import json

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import ContentSwitcher, Static

from store.interface import Change, DatabaseError, ProjectStore, StoreError
from store.models import FIELD_LABELS, Project, Report, clean_text, local_minute
from store.month_grid import build_grid
from tui.editor import Done, Editor
from tui.keys import hide_key_help
from tui.labels import source_label
from tui.screens.editing import HELP_BINDING, EditingScreen, edit_bindings
from tui.widgets.cjk_text import CJKText
from tui.widgets.key_bar import KeyBar
from tui.widgets.month_grid import LABEL_WIDTH, STACK_BELOW, MonthGrid
from tui.widgets.project_table import fit

VIEWS = (
    ("grid", "月度对照"),
    ("plan-progress", "计划/进展"),
    ("info", "概况/目标"),
    ("updates", "进展更新"),
    ("history", "修改记录"),
)
FOCUS = {"grid": "#month-grid", "plan-progress": "#plan-pane"}


_CHANGE_LABELS = {"*": "新建", "updates": "进展更新", "period": "报告期"}


def _value_text(value: object) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


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
        Binding("v", "next_view", "切换视图", id="next-view"),
        *edit_bindings(),
    ]

    class Loaded(Message):
        """The project and its history were read."""

        def __init__(
            self, project: Project, history: list[Change], report: Report, generation: int
        ) -> None:
            super().__init__()
            self.project = project
            self.history = history
            self.report = report
            self.generation = generation

    def __init__(self, store: ProjectStore, editor: Editor, ids: list[str], position: int) -> None:
        super().__init__(store, editor)
        self.ids = ids
        self.position = position
        self.project: Project | None = None
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
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#plan-pane").border_title = "月度计划"
        self.query_one("#progress-pane").border_title = "推进情况"
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
        self.post_message(self.Loaded(project, history, store.report(), generation))

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
        # (the watch may have seen a newer generation meanwhile: this read is at least as new)
        self.generation = max(self.generation, message.generation)
        self._render_project(message.project, message.history)
        grid = self.query_one(MonthGrid)
        period = message.report.period_label()
        await grid.show(build_grid(message.project, message.report), period)
        if not moved:  # the same project refreshed (an edit, another person's save)
            grid.current = keep
        self._show_grid_header()

    def on_resize(self) -> None:
        self._show_grid_header()

    def _show_grid_header(self) -> None:
        header = self.query_one("#grid-header", Static)
        wide = self.query_one(MonthGrid).size.width >= STACK_BELOW
        header.display = wide
        if wide:
            # the grid's border (1) + row marker (1), then the label, plan and progress columns
            plan_width = (self.query_one(MonthGrid).size.width - 4 - LABEL_WIDTH - 2) // 2
            line = "  " + fit("月份", LABEL_WIDTH) + " " + fit("月度计划", plan_width + 1)
            header.update(Text(line + " 推进情况", style="bold"))

    def editing_target(self) -> Project | None:
        return self.project

    def after_save(self, done: Done) -> None:
        self.load()

    def after_save_conflict(self) -> None:
        self.load()

    # --- drawing -----------------------------------------------------------------------
    def _show_tabs(self) -> None:
        current = self.query_one(ContentSwitcher).current
        text = Text()
        for number, (view, label) in enumerate(VIEWS, start=1):
            style = "reverse bold" if view == current else "dim"
            text.append(f" {number} {label} ", style=style)
            text.append(" ")
        text.append(f"  {self.position + 1} / {len(self.ids)}", style="dim")
        self.query_one("#detail-tabs", Static).update(text)

    def _render_project(self, p: Project, history: list[Change]) -> None:
        header = Text()
        header.append(clean_text(p.name, single_line=True), style="bold")
        header.append(f"  {clean_text(p.id, single_line=True)}\n", style="dim")
        meta = [
            ("项目等级", p.level),
            ("牵头单位", p.department),
            ("完成时限", p.deadline or p.deadline_raw),
            ("工作成效", p.status or p.status_raw),
        ]
        pairs = [f"{label} {clean_text(value, single_line=True)}" for label, value in meta]
        header.append("  ".join(pairs[:2]) + "\n" + "  ".join(pairs[2:]))
        self.query_one("#detail-header", Static).update(header)
        self.query_one("#plan-text", Static).update(CJKText(clean_text(p.plan) or "（无）"))
        self.query_one("#progress-text", Static).update(CJKText(clean_text(p.progress) or "（无）"))
        self.query_one("#info-text", Static).update(self._info(p))
        self.query_one("#updates-text", Static).update(self._updates(p))
        self.query_one("#history-text", Static).update(self._history(history))
        self._show_tabs()

    @staticmethod
    def _section(title: str, body: str) -> Group:
        return Group(
            Text(clean_text(title, single_line=True), style="bold underline"),
            CJKText(clean_text(body) or "（无）"),
            Text(""),
        )

    def _info(self, p: Project) -> Group:
        parts = [self._section("项目概况", p.overview), self._section("任务目标", p.target)]
        parts += [self._section(key, value) for key, value in p.extra.items()]
        return Group(*parts)

    def _updates(self, p: Project) -> Group | Text:
        if not p.updates:
            return Text("还没有进展更新。按 a 添加。")
        parts = []
        for update in sorted(p.updates, key=lambda u: (u.month, u.at)):
            title = f"{update.month}（{update.by} {update.at}）"
            parts.append(self._section(title, update.text))
        return Group(*parts)

    def _history(self, changes: list[Change]) -> Table | Text:
        if not changes:
            return Text("没有修改记录。")
        table = Table(expand=True, show_lines=False, pad_edge=False)
        table.add_column("时间", no_wrap=True, min_width=16)
        table.add_column("字段", no_wrap=True)
        table.add_column("原值", ratio=3, overflow="ellipsis", no_wrap=True)
        table.add_column("新值", ratio=3, overflow="ellipsis", no_wrap=True)
        table.add_column("修改人", ratio=2, overflow="ellipsis", no_wrap=True, min_width=8)
        for change in reversed(changes):
            label = _CHANGE_LABELS.get(change.field) or FIELD_LABELS.get(change.field, change.field)
            created = change.field == "*"
            old = "" if created else _value_text(change.old)
            new = "" if created else _value_text(change.new)
            who = f"{change.by}（{source_label(change.source)}）"
            if change.note:
                who += f" {change.note}"
            table.add_row(
                Text(clean_text(local_minute(change.at), single_line=True)),
                Text(clean_text(label, single_line=True)),
                Text(clean_text(old, single_line=True)[:80]),
                Text(clean_text(new, single_line=True)[:80]),
                Text(clean_text(who, single_line=True)),
            )
        return table

    # --- actions -----------------------------------------------------------------------
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
            self.notify("已是最后一个" if step > 0 else "已是第一个", markup=False)

    def action_view(self, view: str) -> None:
        switcher = self.query_one(ContentSwitcher)
        switcher.current = view
        self._show_tabs()
        self.query_one(FOCUS.get(view, f"#{view}")).focus()

    def action_next_view(self) -> None:
        names = [v for v, _ in VIEWS]
        current = self.query_one(ContentSwitcher).current or names[0]
        self.action_view(names[(names.index(current) + 1) % len(names)])
