"""ExportDialog: format, path and scope; the export itself runs in a worker (store.snapshots)."""

from __future__ import annotations

import errno
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, RadioButton, RadioSet

from store.export import FORMAT_REGISTRY, ExportError, ExportExistsError, ExportFormat
from store.interface import DatabaseError, ProjectStore, StoreError
from store.models import Project, Report
from store.snapshots import default_export_path, save_export
from store.words import MESSAGES, at, say
from tui.glyphs import glyph

DEFAULT_FORMAT = "xlsx"  # what the office sends on


def _write_export(
    store: ProjectStore, path: Path, fmt: str, projects: list[Project], force: bool, scope: str
) -> None:
    save_export(store, path, fmt, projects, report=store.report(), force=force, scope=scope)


def _write_bulletin(
    store: ProjectStore, path: Path, fmt: str, projects: list[Project], force: bool, scope: str
) -> None:
    from store.bulletin import save_bulletin  # (python-docx loads only for a bulletin)

    words = say("app.export.list") if scope == "list" else ""
    save_bulletin(store, path, fmt, projects, scope=words, force=force)


def _bulletin_path(home: Path, report: Report, fmt: str, when: datetime | None) -> Path:
    from store.bulletin import default_bulletin_path

    return default_bulletin_path(home, report, fmt, when)


@dataclass(frozen=True)
class Output:
    """What the dialog writes: the projects as an export, or their 通报. The dialog only
    collects the choices; the writing is ``write``'s (store.snapshots, store.bulletin)."""

    title: str  # the box's title
    formats: Mapping[str, ExportFormat]  # the choices, in the order offered
    default: str  # the format chosen at first
    #: ``(home, report, fmt, when) -> path``: the path offered at first
    default_path: Callable[[Path, Report, str, datetime | None], Path]
    #: ``(store, path, fmt, projects, force, scope)``: write it (raises ExportExistsError...)
    write: Callable[[ProjectStore, Path, str, list[Project], bool, str], None]
    done: str  # the notice once written: ``{count}`` projects, ``{path}``

    def format_of(self, path: Path) -> str:
        """The format a path's extension names ('' : none of ours)."""
        suffix = path.suffix.lower()
        return next((f.name for f in self.formats.values() if f.suffix == suffix), "")


EXPORT = Output(
    say("app.export.title"), FORMAT_REGISTRY, DEFAULT_FORMAT, default_export_path,
    _write_export, MESSAGES["app.export.done"],
)  # fmt: skip


def bulletin_output() -> Output:
    """The 通报 (store.bulletin loads here: the list does not need it)."""
    from store.bulletin import BULLETIN_REGISTRY

    return Output(
        say("app.bulletin.title"), BULLETIN_REGISTRY, "docx", _bulletin_path,
        _write_bulletin, MESSAGES["app.bulletin.done"],
    )  # fmt: skip


_REASONS = {
    errno.EACCES: say("app.export.no_permission"),
    errno.EPERM: say("app.export.no_permission"),
    errno.ENOSPC: say("os.no_space"),
    errno.EDQUOT: say("app.export.quota"),
    errno.EROFS: say("app.export.read_only_fs"),
    errno.EISDIR: say("os.is_folder"),
    errno.ENOTDIR: say("os.not_a_folder"),
    errno.ENAMETOOLONG: say("os.name_too_long"),
}


def export_error_text(exc: Exception) -> str:
    """A failed export in a line of Chinese, naming the file or folder."""
    path = getattr(exc, "path", None) or Path(getattr(exc, "filename", "") or "")
    code = getattr(exc, "code", None) or getattr(exc, "errno", None)
    if code == errno.ENOENT:
        return say("app.export.no_folder", folder=Path(path).parent)
    if code in _REASONS:
        return at(_REASONS[code], str(path))
    return say("app.export.failed_because", detail=exc)


class Choice(RadioButton):
    """A radio button that marks the chosen one by its shape (● / ○), not by colour alone:
    a 16-colour terminal, or a reader who does not tell the colours apart, still sees it."""

    BUTTON_INNER = " "

    def on_mount(self) -> None:
        self._mark()

    def watch_value(self) -> None:
        super().watch_value()
        self._mark()

    def _mark(self) -> None:
        self.BUTTON_INNER = glyph(
            "radio_on" if self.value else "radio_off"
        )  # (Textual draws it, public since 0.x)
        self.refresh()


class ExportDialog(ModalScreen[Path | None]):
    """Export all projects or those the list shows, or write their 通报 (``output``);
    dismisses with the written path or None."""

    BINDINGS = [
        Binding("ctrl+s", "export", "导出", id="export"),
        Binding("escape", "cancel", "取消", id="cancel"),
    ]

    def __init__(
        self,
        store: ProjectStore,
        rows: list[Project],
        report: Report,
        *,
        when: datetime | None = None,
        output: Output = EXPORT,
    ) -> None:
        super().__init__()
        self.output = output
        self.store = store
        self.rows = list(rows)  # what the list shows, in its order
        self.report = report
        self.when = when
        self.confirmed: tuple[Path, str] | None = None  # overwrite this file in this format
        self.busy = False
        self.closed = False

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box"):
            with Horizontal(classes="export-row"):
                yield Label(say("app.export.format"), classes="export-label")
                with RadioSet(id="export-format"):
                    for fmt in self.output.formats.values():
                        chosen = fmt.name == self.output.default
                        yield Choice(fmt.label, value=chosen, id=f"format-{fmt.name}")
            yield Label(self.output.formats[self.output.default].hint, id="export-format-hint")
            with Horizontal(classes="export-row"):
                yield Label(say("app.export.path"), classes="export-label")
                yield Input(placeholder=say("app.export.path_placeholder"), id="export-path")
            with Horizontal(classes="export-row"):
                yield Label(say("app.export.scope"), classes="export-label")
                with RadioSet(id="export-scope"):
                    yield Choice(say("app.export.all"), id="scope-all")
                    yield Choice(
                        say("app.export.list_n", n=len(self.rows)), value=True, id="scope-list"
                    )
            yield Label("", id="export-message")
            yield Label(say("app.export.help", title=self.output.title), id="export-help")

    def on_mount(self) -> None:
        box = self.query_one("#export-box")
        box.border_title = self.output.title
        self.query_one("#export-message", Label).display = False
        self.query_one("#export-format", RadioSet).focus()
        self.call_after_refresh(self._cursor_on_pressed)
        self.find_defaults()

    def _cursor_on_pressed(self) -> None:
        # A RadioSet's cursor starts on its first button; start it on the chosen one instead.
        # (Textual 8.2.x has no setter for it: the set's own "next" action, pressed_index times)
        for radio in self.query(RadioSet):
            for _ in range(max(0, radio.pressed_index)):
                radio.action_next_button()

    # --- defaults, off the UI thread (the file name's pinyin loads a dictionary) ----------
    @work(thread=True, exclusive=True, group="export-prepare")
    def find_defaults(self) -> None:
        """Find the default path (in exports/ beside the database) and how many projects there
        are in all."""
        store = self.store
        output = self.output
        path = output.default_path(store.home, self.report, output.default, self.when)
        total = len(store.projects())
        self.app.call_from_thread(self._prepared, path, total)

    def _prepared(self, path: Path, total: int) -> None:
        field = self.query_one("#export-path", Input)
        if not field.value:
            field.value = str(path.with_suffix(self.output.formats[self.chosen_format].suffix))
            self._show_end(field)
        self.query_one("#scope-all", RadioButton).label = say("app.export.all_n", n=total)

    def _show_end(self, field: Input) -> None:
        """The cursor at the end of the path and the field scrolled to it: a long path shows
        its file name and extension, not the folders it starts with."""
        field.cursor_position = len(field.value)
        # (Input scrolls to its cursor as the cursor moves, but not for the first value it is
        # given, and its width for the new value is known only after the next layout)
        self.call_after_refresh(lambda: field.scroll_to(x=field.max_scroll_x, animate=False))

    # --- what was chosen --------------------------------------------------------------------
    @property
    def chosen_format(self) -> str:
        """The chosen format."""
        pressed = self.query_one("#export-format", RadioSet).pressed_button
        return (pressed.id or "").removeprefix("format-") if pressed else self.output.default

    @property
    def chosen_scope(self) -> str:
        """'list' (what the list shows) or 'all'."""
        pressed = self.query_one("#export-scope", RadioSet).pressed_button
        return "all" if pressed is not None and pressed.id == "scope-all" else "list"

    @on(RadioSet.Changed, "#export-format")
    def format_changed(self) -> None:
        field = self.query_one("#export-path", Input)
        path = Path(field.value)
        chosen = self.output.formats[self.chosen_format]
        if self.output.format_of(path):  # the suffix of a format: it follows the choice
            field.value = str(path.with_suffix(chosen.suffix))
            self._show_end(field)
        self.query_one("#export-format-hint", Label).update(chosen.hint)
        self._forget_confirmation()

    @on(Input.Changed, "#export-path")
    def path_changed(self, event: Input.Changed) -> None:
        # A typed extension chooses the format: x.csv is never an xlsx workbook.
        typed = self.output.format_of(Path(event.value))
        if typed and typed != self.chosen_format:
            self.query_one(f"#format-{typed}", RadioButton).value = True
        self._forget_confirmation()

    @on(Input.Submitted, "#export-path")
    def path_submitted(self) -> None:
        self.action_export()

    def _forget_confirmation(self) -> None:
        if self.confirmed is not None:
            self.confirmed = None
            self._say("")

    def _say(self, message: str, kind: str = "") -> None:
        label = self.query_one("#export-message", Label)
        label.update(Text(message))
        label.set_class(kind == "error", "error")
        label.set_class(kind == "warning", "warning")
        label.display = bool(message)

    # --- actions ----------------------------------------------------------------------------
    def action_export(self) -> None:
        """Write the file (a second Ctrl+S confirms overwriting an existing one)."""
        if self.busy:
            return
        text = self.query_one("#export-path", Input).value.strip()
        if not text:
            self._say(say("app.export.no_path"), "error")
            return
        path = Path(text).expanduser()
        fmt, scope = self.chosen_format, self.chosen_scope
        force = self.confirmed == (path, fmt)
        self.busy = True
        self._say(say("app.export.busy", pending=glyph("pending")))
        self.write_file(path, fmt, scope, force)

    def action_cancel(self) -> None:
        self.closed = True
        self.dismiss(None)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def write_file(self, path: Path, fmt: str, scope: str, force: bool) -> None:
        """Export in a worker thread; the result goes back to the UI thread."""
        store = self.store
        try:
            projects = self.rows if scope == "list" else store.projects()
            self.output.write(store, path, fmt, projects, force, scope)
        except ExportExistsError:
            self.app.call_from_thread(self._exists, path, fmt)
        except (ExportError, StoreError, DatabaseError, OSError) as exc:
            self.app.call_from_thread(self._failed, export_error_text(exc))
        else:
            self.app.call_from_thread(self._written, path, len(projects))

    def _written(self, path: Path, count: int) -> None:
        self.busy = False
        done = self.output.done.format(count=count, path=path)
        self.app.notify(done, title=self.output.title, markup=False)
        if not self.closed:
            self.closed = True
            self.dismiss(path)

    def _exists(self, path: Path, fmt: str) -> None:
        self.busy = False
        self.confirmed = (path, fmt)
        self._say(say("app.export.exists", name=path.name), "warning")

    def _failed(self, message: str) -> None:
        self.busy = False
        if self.closed:
            self.app.notify(message, title=say("app.export.failed"), severity="error", markup=False)
        else:
            self._say(message, "error")
