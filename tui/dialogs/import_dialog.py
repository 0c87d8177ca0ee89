"""ImportDialog: a report file to import (and its months when its title does not say them).

The file is read and stored in workers, as ``minsheng import`` does; the dialog dismisses
with what the import did (an ``ImportOutcome``), which the import review screen shows. A file
that cannot be read changes nothing and is said in one line here.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from store.interface import DatabaseError, ImportResult, ProjectStore, StoreError
from store.models import ImportFormatError, ParsedReport, Project, clean_text
from store.text import one_line
from store.words import at, os_problem, quote, say
from tui.glyphs import glyph

STYLES = Path(__file__).parent.parent / "styles"
#: what importers/report.py reads
SUFFIXES = (".md", ".txt", ".csv", ".tsv", ".xlsx", ".xlsm")
_MONTHS_RE = re.compile(r"\s*(\d{1,2})\s*[-~至到]\s*(\d{1,2})\s*月?(?:份)?\s*")


def parse_months(value: str) -> tuple[int, int] | None:
    """'1-7' (or 1至7月) as (1, 7), within 1-12; None when it is not that."""
    match = _MONTHS_RE.fullmatch(value)
    if match is None:
        return None
    months = (int(match.group(1)), int(match.group(2)))
    return months if 1 <= months[0] <= months[1] <= 12 else None


def format_error_text(path: Path, exc: Exception) -> str:
    """An importer's refusal in one line, as the store says it, naming the file by its name:
    '不能导入 t.md 第12行：…' (the path the message starts with is cut to the file's name)."""
    message = one_line(str(exc), 300)
    for shown in (str(path), path.name):
        if message.startswith(shown) and message[len(shown) : len(shown) + 1] in (" ", "："):
            return say("app.import_refused", what=path.name + message[len(shown) :])
    return say("app.import_refused", what=at(path.name, message))


@dataclass
class ImportOutcome:
    """What an import from the app did, with what the review screen shows of it."""

    path: Path
    period: str  # the months the table covers now, e.g. '1-7 月份'
    result: ImportResult
    #: the projects to review (differs and kept), as they are after the import
    projects: dict[str, Project] = field(default_factory=dict)
    not_updated: int = 0
    total: int = 0
    #: project id -> name, of every project in the store after the import
    names: dict[str, str] = field(default_factory=dict)


def review_ids(result: ImportResult) -> list[str]:
    """The projects an officer should look at: 工作成效 differing from the report's, then
    those whose hand edits were kept, each once, in the file's order."""
    return list(dict.fromkeys([*result.differs, *result.kept]))


def next_period(stored: tuple[int, int] | None) -> str:
    """What to offer for a table without months: the stored period a month longer."""
    if stored is None:
        return ""
    start, end = stored
    return f"{start}-{min(12, end + 1)}"


class ImportDialog(ModalScreen[ImportOutcome | None]):
    """Ask for a report file (and its months when its title has none), then import it."""

    CSS_PATH = STYLES / "import_dialog.tcss"
    BINDINGS = [Binding("escape", "cancel", "取消", id="cancel")]

    def __init__(
        self, store: ProjectStore, stored: tuple[int, int] | None, *, path: Path | None = None
    ) -> None:
        super().__init__()
        self.store = store
        #: a file to import at once (the bundled report, offered by an empty database)
        self.path = path
        #: the database's report period (offered, a month longer, for a table without one)
        self.stored = stored
        #: the file read and waiting for its months (None: not read, or it has them)
        self.parsed: tuple[Path, ParsedReport] | None = None
        self.busy = False
        #: the import is being stored: Esc waits for it
        self.importing = False
        self.closed = False

    def compose(self) -> ComposeResult:
        with Vertical(id="import-box"):
            yield Label(say("app.import.intro"), id="import-intro")
            with Horizontal(classes="import-row"):
                yield Label(say("app.import.file"), classes="import-label")
                yield Input(placeholder=say("app.import.file_placeholder"), id="import-path")
            with Horizontal(classes="import-row", id="import-period-row"):
                yield Label(say("app.import.months"), classes="import-label")
                yield Input(placeholder=say("app.import.months_placeholder"), id="import-period")
            yield Label("", id="import-message")
            yield Label(say("app.import.help"), id="import-help")

    def on_mount(self) -> None:
        self.query_one("#import-box").border_title = say("app.import.title")
        self.query_one("#import-period-row").display = False
        self.query_one("#import-message", Label).display = False
        for field_input in self.query(Input):
            field_input.cursor_blink = False
        field = self.query_one("#import-path", Input)
        field.focus()
        if self.path is not None:
            field.value = str(self.path)
            self.path_submitted()

    def _say(self, message: str, kind: str = "") -> None:
        label = self.query_one("#import-message", Label)
        label.update(Text(clean_text(message, single_line=True)))
        label.set_class(kind == "error", "error")
        label.display = bool(message)

    # --- the file ---------------------------------------------------------------------------
    @on(Input.Changed, "#import-path")
    def path_changed(self) -> None:
        if self.parsed is not None:  # another file: its own title says its months
            self.parsed = None
            self.query_one("#import-period-row").display = False
        self._say("")

    @on(Input.Submitted, "#import-path")
    def path_submitted(self) -> None:
        if self.busy:
            return
        if self.parsed is not None:  # (read already: its months are asked below)
            self.query_one("#import-period", Input).focus()
            return
        text = self.query_one("#import-path", Input).value.strip()
        if not text:
            self._say(say("app.import.no_path"), "error")
            return
        path = Path(text).expanduser()
        if path.suffix.lower() not in SUFFIXES:
            self._say(say("app.import.bad_suffix", name=path.name), "error")
            return
        self.busy = True
        self._say(say("app.import.reading", name=path.name, pending=glyph("pending")))
        self.read_file(path)

    @work(thread=True, exclusive=True, group="import-read", exit_on_error=False)
    def read_file(self, path: Path) -> None:
        """Read the file (nothing is stored yet)."""
        from importers.report import read_report  # (the xlsx reader is large: on first use)

        if not path.exists():
            where = path.parent.resolve() if not path.is_absolute() else path.parent
            self.app.call_from_thread(
                self._failed, say("app.import.no_file", name=path.name, where=where)
            )
            return
        if not path.is_file():
            what = say("app.import.is_folder") if path.is_dir() else say("app.import.not_regular")
            self.app.call_from_thread(
                self._failed, say("app.import_refused", what=at(path.name, what))
            )
            return
        try:
            parsed = read_report(path)
        except ImportFormatError as exc:
            self.app.call_from_thread(self._failed, format_error_text(path, exc))
            return
        except OSError as exc:
            self.app.call_from_thread(
                self._failed, say("app.import.cannot_read", name=path.name, detail=os_problem(exc))
            )
            return
        self.app.call_from_thread(self._read, path, parsed)

    def _read(self, path: Path, parsed: ParsedReport) -> None:
        self.busy = False
        if self.closed:
            return
        own = parsed.report
        if own.period_from is not None and own.period_to is not None:
            self._start_import(path, parsed)
            return
        self.parsed = (path, parsed)
        self.query_one("#import-period-row").display = True
        period = self.query_one("#import-period", Input)
        if not period.value:
            period.value = next_period(self.stored)
            period.cursor_position = len(period.value)
        period.focus()
        self._say(say("app.import.ask_months"))

    # --- the months -------------------------------------------------------------------------
    @on(Input.Submitted, "#import-period")
    def period_submitted(self) -> None:
        if self.busy or self.parsed is None:
            return
        text = self.query_one("#import-period", Input).value
        months = parse_months(text)
        if months is None:
            self._say(say("app.import.bad_months", value=quote(one_line(text, 20))), "error")
            return
        path, parsed = self.parsed
        report = dataclasses.replace(parsed.report, period_from=months[0], period_to=months[1])
        self._start_import(path, dataclasses.replace(parsed, report=report))

    # --- the import -------------------------------------------------------------------------
    def _start_import(self, path: Path, parsed: ParsedReport) -> None:
        self.busy = self.importing = True
        self._say(
            say(
                "app.import.importing",
                name=path.name,
                period=parsed.report.period_label(),
                pending=glyph("pending"),
            )
        )
        self.store_report(path, parsed)

    @work(thread=True, exclusive=True, group="import-store", exit_on_error=False)
    def store_report(self, path: Path, parsed: ParsedReport) -> None:
        """Store what was read (one transaction, backed up first) and gather the review."""
        store = self.store
        try:
            result = store.import_report(parsed, source=f"import:{path.name}")
            projects = {pid: store.get(pid) for pid in review_ids(result)}
            everything = store.projects()
            report = store.report()
        except (StoreError, DatabaseError, OSError) as exc:
            self.app.call_from_thread(
                self._failed, say("app.import.failed", detail=one_line(str(exc), 300))
            )
            return
        outcome = ImportOutcome(
            path=path,
            period=report.period_label(),
            result=result,
            projects=projects,
            not_updated=sum(p.not_updated for p in everything),
            total=len(everything),
            names={p.id: p.name for p in everything},
        )
        self.app.call_from_thread(self._imported, outcome)

    def _imported(self, outcome: ImportOutcome) -> None:
        self.busy = self.importing = False
        self.dismiss(outcome)

    def _failed(self, message: str) -> None:
        self.busy = self.importing = False
        if self.closed:
            return
        self._say(message, "error")

    def action_cancel(self) -> None:
        """Close without importing; not while the import is being stored (it is all or
        nothing, and its review follows). A file still being read is simply forgotten."""
        if self.importing:
            self._say(say("app.import.wait", pending=glyph("pending")))
            return
        self.closed = True
        self.dismiss(None)
