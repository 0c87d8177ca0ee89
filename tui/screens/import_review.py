"""ImportReviewScreen: what an import from the app did, and the projects to look at now.

The counts (new, changed, unchanged, 未更新), then the projects whose 工作成效 (the office's
judgement) now differs from what the report says, and those whose hand edits the import kept
over the report's values; Enter opens one in the detail screen (n / p go through the rest of
this list there). The importer's warnings below.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Static

from store.interface import DatabaseError, ProjectStore, StoreError
from store.models import FIELD_LABELS, Project, clean_text
from store.text import fit, one_line
from store.words import say
from tui.dialogs.import_dialog import ImportOutcome, review_ids
from tui.editor import Editor
from tui.glyphs import glyph
from tui.keys import hide_key_help
from tui.screens.editing import HELP_BINDING
from tui.widgets.key_bar import KeyBar

STYLES = Path(__file__).parent.parent / "styles"
#: widths of the columns (cells; the name at most _NAME, 保留的手工修改 the rest), and what
#: the table adds around its five columns
_ID, _STATUS, _KEPT, _NAME = 5, 8, 14, 36
_AROUND = 5 * 2 + 2 + 2  # cell padding, the border, a scrollbar
_FIELD_WORDS = {
    **FIELD_LABELS,
    "updates": say("app.updates"),
    "extra": say("app.review.extra"),
    "status_reported": FIELD_LABELS["status"],  # (the report's: beside the office's, one word)
    "period": say("app.review.month"),
}


def warning_text(warning: str, path: Path | None = None) -> str:
    """An importer's warning on one line, without the file it names (the header does):
    't.md 第12行：X03 …' -> '第12行：X03 …'."""
    text = clean_text(warning, single_line=True)
    for shown in (str(path), path.name) if path is not None else ():
        rest = text[len(shown) :]
        if text.startswith(shown) and rest[:1] in (" ", "："):
            return rest.lstrip(" ：")
    return text


class ReviewTable(DataTable[Text]):
    """The projects to review; Enter opens one."""

    BINDINGS = [Binding("enter", "select_cursor", "详情", id="open")]


class ImportReviewScreen(Screen[None]):
    """What an import did; Enter on a project opens it, Esc returns to the list."""

    CSS_PATH = STYLES / "import_review.tcss"
    BINDINGS = [
        HELP_BINDING,
        Binding("escape", "back", "返回列表", id="back"),
    ]

    class Reread(Message):
        """The reviewed projects were read again (after the detail screen)."""

        def __init__(self, projects: dict[str, Project]) -> None:
            super().__init__()
            self.projects = projects

    def __init__(self, store: ProjectStore, editor: Editor, outcome: ImportOutcome) -> None:
        super().__init__()
        self.store = store
        self.editor = editor
        self.outcome = outcome
        self.ids = [pid for pid in review_ids(outcome.result) if pid in outcome.projects]
        self.projects = dict(outcome.projects)
        self._shown_width = 0

    def compose(self) -> ComposeResult:
        yield Static(id="review-header")
        yield Static(id="review-counts")
        yield ReviewTable(id="review-table", cursor_type="row", zebra_stripes=False)
        yield Static(id="review-none")
        with VerticalScroll(id="review-details"):
            yield Static(id="review-details-text")
        yield KeyBar()

    def on_mount(self) -> None:
        outcome, result = self.outcome, self.outcome.result
        period = say("app.review.period", period=outcome.period) if outcome.period else ""
        header = say("app.review.header", name=one_line(outcome.path.name), period=period)
        self.query_one("#review-header", Static).update(Text(header))
        counts = Text()
        sep = f" {glyph('separator')} "
        counts.append(
            say(
                "app.review.counts",
                new=len(result.new),
                changed=len(result.changed),
                unchanged=len(result.unchanged),
                sep=sep,
            )
        )
        if outcome.not_updated:
            counts.append(say("app.review.not_updated", sep=sep, n=outcome.not_updated))
        differs = [pid for pid in self.ids if pid in result.differs]
        kept = [pid for pid in self.ids if pid in result.kept]
        counts.append("\n")
        counts.append(
            say("app.review.to_check", differs=len(differs), kept=len(kept), sep=sep), "bold"
        )
        if self.ids:
            counts.append(say("app.review.check_each"), "bold")
        self.query_one("#review-counts", Static).update(counts)
        table = self.query_one(ReviewTable)
        table.border_title = say("app.review.table")
        table.display = bool(self.ids)
        none = self.query_one("#review-none", Static)
        none.display = not self.ids
        none.update(Text(say("app.review.none")))
        details = self.query_one("#review-details")
        titles = [
            say("app.review.titled", title=title, n=len(items))
            for title, items in (
                (say("app.review.changed"), result.changed),
                (say("app.review.warnings"), result.warnings),
            )
            if items
        ]
        details.border_title = f" {glyph('separator')} ".join(titles)
        details.display = bool(result.changed or result.warnings)
        self.query_one("#review-details-text", Static).update(self._details())
        self._fill_table()
        (table if self.ids else details).focus()

    def _details(self) -> Text:
        """What changed, project by project (the fields), then the importer's warnings."""
        result, names = self.outcome.result, self.outcome.names
        text = Text(end="")
        for pid in result.changed:
            fields = "、".join(
                dict.fromkeys(_FIELD_WORDS.get(f, f) for f in result.fields.get(pid, []))
            )
            text.append(f"{one_line(pid)} ", "bold")
            text.append(f"{one_line(names.get(pid, ''), 40)}：", "")
            text.append(f"{fields}\n", "dim")
        if result.warnings:
            text.append(
                ("\n" if result.changed else "") + say("app.review.warnings") + "\n", "bold"
            )
            text.append("\n".join(warning_text(w, self.outcome.path) for w in result.warnings))
        text.rstrip()
        return text

    def on_resize(self) -> None:
        if self.size.width != self._shown_width:
            self._fill_table()

    def on_screen_resume(self) -> None:
        self.reread()  # the officer may have set a 工作成效 on the detail screen

    # --- the table ---------------------------------------------------------------------------
    def _fill_table(self) -> None:
        table = self.query_one(ReviewTable)
        at = table.cursor_row if table.row_count else 0
        table.clear(columns=True)
        self._shown_width = self.size.width
        room = self.size.width - _ID - 2 * _STATUS - _AROUND
        name_width = max(10, min(_NAME, room - _KEPT))
        kept_width = max(_KEPT, room - name_width)
        for label, width in (
            (say("app.review.number"), _ID), (FIELD_LABELS["name"], name_width),
            (FIELD_LABELS["status"], _STATUS), (say("app.review.reported"), _STATUS),
            (say("app.review.kept"), kept_width),
        ):  # fmt: skip
            table.add_column(label, width=width)
        result = self.outcome.result
        cut, none = glyph("ellipsis"), glyph("none")
        for pid in self.ids:
            p = self.projects[pid]
            differs = (p.status or "") != (p.status_reported or "")
            kept = "、".join(_FIELD_WORDS.get(f, f) for f in result.kept.get(pid, []))
            table.add_row(
                Text(one_line(p.id)),
                Text(fit(one_line(p.name), name_width, cut, pad=False)),
                Text(one_line(p.status) or none, style="bold" if differs else ""),
                Text(one_line(p.status_reported) or none),
                Text(fit(kept, kept_width, cut, pad=False) if kept else "", style="dim"),
                key=pid,
            )
        if table.row_count:
            table.move_cursor(row=min(at, table.row_count - 1))

    @work(thread=True, exclusive=True, group="review-reread")
    def reread(self) -> None:
        """Read the reviewed projects again: a 工作成效 set meanwhile shows here."""
        try:
            projects = {pid: self.store.get(pid) for pid in self.ids}
        except (StoreError, DatabaseError, OSError):
            return  # (a project removed meanwhile, an unreadable moment: keep what is shown)
        self.post_message(self.Reread(projects))

    def on_import_review_screen_reread(self, message: Reread) -> None:
        self.projects.update(message.projects)
        self._fill_table()

    @on(DataTable.RowSelected, "#review-table")
    def row_selected(self, event: DataTable.RowSelected) -> None:
        from tui.screens.project_detail import ProjectDetailScreen

        pid = str(event.row_key.value)
        if pid in self.ids:
            detail = ProjectDetailScreen(self.store, self.editor, self.ids, self.ids.index(pid))
            self.app.push_screen(detail, self._back_from_detail)

    def _back_from_detail(self, project_id: str | None) -> None:
        if project_id in self.ids:
            self.query_one(ReviewTable).move_cursor(row=self.ids.index(project_id))

    def action_back(self) -> None:
        """Close the key help, or return to the list (which reads the projects again)."""
        if hide_key_help(self):
            return
        self.dismiss(None)
