"""SnapshotsScreen: the snapshots beside the database; pick two (or one and 当前) to compare.

The list is what ``minsheng snapshots`` prints (entries rebuilt from files the index lacks
are marked 补记, removed files 已删除); the comparison is ``minsheng diff``'s, per project.
The folder and its index may be written by anyone in the office's group, so a file the index
names is read only when it is a plain name in the folder and a regular file there (not a
symbolic link, a FIFO or a device), as the command line reads the newest snapshot unasked.
Every text from the files is shown as ``Text``, never as markup.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Static

from store.export import ExportError, format_of
from store.interface import DatabaseError, ProjectStore, StoreError
from store.models import ImportFormatError, clean_text, project_from_record
from store.snapshots import (
    Snapshot,
    SnapshotDiff,
    SnapshotEntry,
    compare,
    list_snapshots,
    read_snapshot_json,
    snapshot_dir,
)
from store.snapshots import brief_change as _brief_change
from store.snapshots import shorten as _shorten
from store.snapshots import shorten_apart as _shorten_apart
from store.text import fit, one_line
from store.words import at, moment, os_problem, quote, say
from tui.glyphs import cut_marks, glyph
from tui.keys import hide_key_help
from tui.screens.editing import HELP_BINDING
from tui.widgets.key_bar import KeyBar

STYLES = Path(__file__).parent.parent / "styles"

#: the row of the database as it is now
CURRENT = say("app.snapshots.current")
_CURRENT_KEY = "\0current"  # (no file name holds a NUL)
SCOPES = {"all": say("app.snapshots.all"), "list": say("app.snapshots.list")}
#: the formats a snapshot can be read back from (html is for reading, not for comparing)
READABLE = ("json", "md", "xlsx", "csv")
#: widths of the columns beside the file name (cells), and what the table adds around them
_MARK, _FORMAT, _PROJECTS, _SCOPE, _BY = 2, 4, 4, 4, 10
_AROUND = 7 * 2 + 2 + 2  # cell padding of the seven columns, the border, a scrollbar


def shorten(text: str, limit: int = 40) -> str:
    """The store's shortening, its … in the current profile."""
    return cut_marks(_shorten(text, limit))


def shorten_apart(texts: Iterable[str], limit: int = 24) -> dict[str, str]:
    """The store's shortening of names kept apart, its … in the current profile."""
    return {text: cut_marks(short) for text, short in _shorten_apart(texts, limit).items()}


def brief_change(old: str, new: str, limit: int = 40) -> tuple[str, str]:
    """The store's old and new around where they differ, their … in the current profile."""
    before, after = _brief_change(old, new, limit)
    return cut_marks(before), cut_marks(after)


def fit_end(text: str, width: int) -> str:
    """``text`` in at most ``width`` cells, its start cut with …: snapshot names differ at
    their end (the time, a -2 for a second one in the minute)."""
    return fit(text[::-1], width, glyph("ellipsis"), pad=False)[::-1]


def _comparable(row: SnapshotRow) -> bool:
    """Whether a row is a snapshot whose file is there, in a format that can be read back."""
    return (
        row.entry is not None
        and row.exists
        and format_of(Path(row.entry.file), default="") in READABLE
    )


class SnapshotUnreadable(Exception):
    """A snapshot the screen will not or cannot read; the message says why, in Chinese."""


@dataclass(frozen=True)
class SnapshotRow:
    """One row of the list: a recorded snapshot, or the database now (``entry`` None)."""

    key: str
    entry: SnapshotEntry | None
    exists: bool = True

    @property
    def label(self) -> str:
        """How the comparison names it."""
        return CURRENT if self.entry is None else one_line(self.entry.file)


def snapshot_file(home: Path, entry: SnapshotEntry) -> Path:
    """The file of an entry, if it is safe to read: a plain name in the snapshots folder,
    a regular file there, in a format that can be read back."""
    folder = snapshot_dir(home)
    name = entry.file
    shown = one_line(name)
    if not name or name != Path(name).name or name.startswith(".") or "\0" in name:
        raise SnapshotUnreadable(say("app.snapshots.not_in_folder", name=quote(shown)))
    path = folder / name
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        raise SnapshotUnreadable(at(shown, say("app.snapshots.deleted"))) from None
    except OSError as exc:
        raise SnapshotUnreadable(at(shown, os_problem(exc))) from None
    if stat.S_ISLNK(mode):
        raise SnapshotUnreadable(at(shown, say("app.snapshots.link")))
    if not stat.S_ISREG(mode):
        raise SnapshotUnreadable(at(shown, say("app.snapshots.not_regular")))
    if format_of(path, default="") not in READABLE:
        kind = one_line(entry.format) or say("app.snapshots.this_kind")
        raise SnapshotUnreadable(at(shown, say("app.snapshots.unreadable_format", kind=kind)))
    return path


def read_state(store: ProjectStore, row: SnapshotRow) -> Snapshot:
    """The projects of a row: the database now, or its snapshot file read back."""
    if row.entry is None:
        return Snapshot(CURRENT, store.report(), store.projects())
    path = snapshot_file(store.home, row.entry)
    try:
        if path.suffix.lower() == ".json":
            state = read_snapshot_json(path)
            return Snapshot(row.label, state.report, state.projects, state.has_updates)
        from importers.report import read_report  # (the xlsx reader is large: on first use)

        parsed = read_report(path)
    except (ExportError, ImportFormatError, StoreError, DatabaseError, OSError) as exc:
        raise SnapshotUnreadable(
            at(row.label, say("app.snapshots.cannot_read", detail=one_line(str(exc), 200)))
        ) from None
    latest = {}
    for record in parsed.records:  # as an import: a repeated row replaces the earlier one
        project = project_from_record(record, parsed.report.year)
        latest[project.id] = project
    return Snapshot(row.label, parsed.report, list(latest.values()), has_updates=False)


class SnapshotDiffView(Static):
    """What changed between two states, per project; every text from the files as Text."""

    COMPONENT_CLASSES = {
        "snapshot-diff--heading",
        "snapshot-diff--id",
        "snapshot-diff--old",
        "snapshot-diff--new",
        "snapshot-diff--dim",
    }

    def show_diff(self, diff: SnapshotDiff, limit: int) -> None:
        """Draw ``diff``; long texts are shortened to ``limit`` cells around what changed."""
        style = self.get_component_rich_style
        heading, ident = style("snapshot-diff--heading"), style("snapshot-diff--id")
        old, new, dim = (
            style("snapshot-diff--old"),
            style("snapshot-diff--new"),
            style("snapshot-diff--dim"),
        )
        text = Text(end="")
        sep, arrow = glyph("separator"), glyph("arrow")
        text.append(
            say(
                "app.snapshots.compared",
                old=one_line(diff.old_label),
                arrow=arrow,
                new=one_line(diff.new_label),
            )
            + "\n",
            heading,
        )
        text.append(
            say(
                "app.snapshots.counts",
                changed=len(diff.changed),
                unchanged=len(diff.unchanged),
                added=len(diff.added),
                removed=len(diff.removed),
                progress_unchanged=len(diff.progress_unchanged),
                sep=sep,
            )
            + "\n"
        )
        text.append("\n" + say("diff.changed", n=len(diff.changed)) + "\n", heading)
        for change in diff.changed:
            text.append(f"  {one_line(change.id)} ", ident)
            text.append(f"{shorten(change.name, limit)}\n")
            for c in change.changes:
                text.append(f"    {c.label}：", dim)
                if c.field == "updates":
                    added = c.new.split("\n") if c.new else []
                    dropped = c.old.split("\n") if c.old else []
                    lines = [("+ ", t, new) for t in added] + [("- ", t, old) for t in dropped]
                    for i, (sign, line, look) in enumerate(lines):
                        if i:
                            text.append(" " * (4 + cell_len(f"{c.label}：")))
                        text.append(sign + shorten(line, limit * 2) + "\n", look)
                    if not lines:
                        text.append("\n")
                    continue
                before, after = brief_change(c.old, c.new, limit)
                text.append(before, old)
                text.append(f" {glyph('arrow')} ", dim)
                text.append(after + "\n", new)
        for title, projects in (
            (say("diff.added", n=len(diff.added)), diff.added),
            (say("diff.removed", n=len(diff.removed)), diff.removed),
        ):
            text.append(f"\n{title}\n", heading)
            for p in projects:
                text.append(f"  {one_line(p.id)} ", ident)
                text.append(f"{shorten(p.name, limit)}\n")
        text.append(
            "\n" + say("diff.progress_unchanged", n=len(diff.progress_unchanged)) + "\n", heading
        )
        units = shorten_apart(p.department for p in diff.progress_unchanged)
        for p in diff.progress_unchanged:
            text.append(f"  {one_line(p.id)} ", ident)
            text.append(f"{shorten(p.name, limit)}  ")
            text.append(f"{units[p.department]}  {one_line(p.status) or glyph('none')}\n", dim)
        text.rstrip()
        self.update(text)


class SnapshotsScreen(Screen[None]):
    """The snapshots: pick two (or one and 当前) and see what changed per project."""

    CSS_PATH = STYLES / "snapshots.tcss"
    BINDINGS = [
        HELP_BINDING,
        Binding("escape", "back", "返回", id="back"),
        Binding("space", "pick", "选择", id="pick"),
        Binding("r", "reload", "刷新", id="reload"),
    ]

    class Listed(Message):
        """The snapshots were listed (in a worker): rows oldest first, 当前 last."""

        def __init__(self, rows: list[SnapshotRow], error: str = "") -> None:
            super().__init__()
            self.rows = rows
            self.error = error

    class Compared(Message):
        """Two states were read and compared (in a worker), or could not be."""

        def __init__(self, keys: tuple[str, str], diff: SnapshotDiff | None, error: str) -> None:
            super().__init__()
            self.keys = keys
            self.diff = diff
            self.error = error

    def __init__(self, store: ProjectStore) -> None:
        super().__init__()
        self.store = store
        self.rows: list[SnapshotRow] = []
        #: the picked rows' keys, in the order picked (at most two)
        self.picked: list[str] = []
        self.diff: SnapshotDiff | None = None
        self._shown_width = 0

    def compose(self) -> ComposeResult:
        yield Static(id="snapshots-header")
        yield DataTable(id="snapshot-table", cursor_type="row", zebra_stripes=False)
        yield Static(id="snapshots-picked")
        with VerticalScroll(id="snapshot-diff"):
            yield SnapshotDiffView(id="snapshot-diff-text")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#snapshot-table").border_title = say("app.snapshots.table")
        self.query_one("#snapshot-diff").border_title = say("app.snapshots.diff")
        self.query_one("#snapshots-header", Static).update(Text(say("app.snapshots.reading")))
        self._say(say("app.snapshots.help", current=quote(CURRENT)))
        self.query_one("#snapshot-table").focus()
        self.load()

    # --- the list ------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="snapshots-list")
    def load(self) -> None:
        """List the snapshots (rebuilding entries for files the index lacks)."""
        try:
            listed = list_snapshots(self.store.home)
        except (ExportError, OSError) as exc:
            self.post_message(self.Listed([SnapshotRow(_CURRENT_KEY, None)], str(exc)))
            return
        rows = [SnapshotRow(f"file:{e.file}", e, there) for e, there in listed]
        self.post_message(self.Listed([*rows, SnapshotRow(_CURRENT_KEY, None)]))

    def on_snapshots_screen_listed(self, message: Listed) -> None:
        self.rows = message.rows
        count = len(self.rows) - 1
        self.query_one("#snapshots-header", Static).update(
            Text(say("app.snapshots.header", n=count))
        )
        keys = {r.key for r in self.rows}
        self.picked = [k for k in self.picked if k in keys]
        if not self.picked:  # as `minsheng diff`: the newest snapshot of all against now
            whole = [
                r for r in self.rows[:-1] if _comparable(r) and r.entry and r.entry.scope == "all"
            ]
            self.picked = [whole[-1].key, _CURRENT_KEY] if whole else []
        self._fill_table()
        if message.error:
            self._say(say("app.snapshots.bad_index", detail=one_line(message.error, 200)), "error")
        elif count == 0:
            self._say(say("app.snapshots.none"))
        self._compare_picked()

    def _file_width(self) -> int:
        """As wide as the longest name (with its marks), within what the screen leaves."""
        fixed = _MARK + self._time_width() + _FORMAT + _PROJECTS + _SCOPE + _BY + _AROUND
        longest = max((cell_len(self._file_label(r)) for r in self.rows), default=8)
        return max(12, min(longest, self.size.width - fixed))

    def _time_width(self) -> int:
        """As wide as the longest time shown ('2026年12月1日 13:21', 18 to 20 cells)."""
        times = (cell_len(moment(r.entry.at)) for r in self.rows if r.entry is not None)
        return max(times, default=4)

    @staticmethod
    def _file_label(row: SnapshotRow) -> str:
        """The file column: the name, 已删除 when the file is gone, 补记 when rebuilt."""
        if row.entry is None:
            return CURRENT + say("app.snapshots.database")
        name = one_line(row.entry.file)
        name += "" if row.exists else say("app.snapshots.file_deleted")
        return name + (say("app.snapshots.rebuilt") if row.entry.rebuilt else "")

    def _ordered(self) -> list[str]:
        """The picked keys, older first (the list's order: 当前 is last)."""
        place = {r.key: i for i, r in enumerate(self.rows)}
        return sorted(self.picked, key=lambda k: place.get(k, 0))

    def _fill_table(self) -> None:
        table = self.query_one("#snapshot-table", DataTable)
        at = table.cursor_row if table.row_count else len(self.rows) - 1
        table.clear(columns=True)
        width = self._file_width()
        self._shown_width = self.size.width
        time_width = self._time_width()
        for label, w in (
            ("", _MARK), (say("app.snapshots.at"), time_width), (say("app.snapshots.file"), width),
            (say("app.snapshots.format"), _FORMAT), (say("app.snapshots.projects"), _PROJECTS),
            (say("app.snapshots.scope"), _SCOPE), (say("app.snapshots.by"), _BY),
        ):  # fmt: skip
            table.add_column(label, width=w)
        order = self._ordered()
        pair = (say("app.snapshots.old"), say("app.snapshots.new"))
        marks = dict(
            zip(order, pair if len(order) == 2 else (say("app.snapshots.picked"),), strict=False)
        )
        for row in self.rows:
            mark = Text(marks.get(row.key, ""), style="bold")
            entry = row.entry
            if entry is None:
                cells = [Text(glyph("none")), Text(self._file_label(row), style="bold"), Text("")]
                cells += [Text(""), Text(""), Text("")]
            else:
                name = self._file_label(row)
                projects = glyph("none") if entry.projects is None else str(entry.projects)
                cells = [
                    Text(one_line(moment(entry.at))),
                    Text(fit_end(name, width), style="" if row.exists else "dim"),
                    Text(one_line(entry.format)),
                    Text(projects, justify="right"),
                    Text(SCOPES.get(entry.scope, glyph("none"))),
                    Text(fit(one_line(entry.by), _BY, pad=False)),
                ]
            table.add_row(mark, *cells, key=row.key)
        if table.row_count:
            table.move_cursor(row=min(at, table.row_count - 1))

    def on_resize(self) -> None:
        if self.rows and self.size.width != self._shown_width:
            self._fill_table()
            if self.diff is not None:
                self._show(self.diff)

    # --- picking and comparing -----------------------------------------------------------
    def action_pick(self) -> None:
        """Pick the row under the cursor (again: unpick it); with two picked, compare them."""
        table = self.query_one("#snapshot-table", DataTable)
        if not self.rows or not table.row_count:
            return
        row = self.rows[table.cursor_row]
        key = row.key
        if not row.exists and key not in self.picked:
            self._say(at(row.label, say("app.snapshots.deleted_no_compare")), "error")
            return
        if key in self.picked:
            self.picked.remove(key)
        else:
            self.picked = [*self.picked, key][-2:]  # a third pick replaces the first
        self._fill_table()
        self._compare_picked()

    @on(DataTable.RowSelected, "#snapshot-table")
    def row_selected(self) -> None:
        self.action_pick()

    def _compare_picked(self) -> None:
        order = self._ordered()
        if len(order) < 2:
            self.diff = None
            self.query_one("#snapshot-diff-text", SnapshotDiffView).update("")
            if self.rows and len(self.rows) > 1:
                self._say(
                    say("app.snapshots.pick_one_more") if order else say("app.snapshots.pick_two")
                )
            return
        by_key = {r.key: r for r in self.rows}
        old, new = by_key[order[0]], by_key[order[1]]
        self._say(
            say(
                "app.snapshots.comparing",
                old=old.label,
                arrow=glyph("arrow"),
                new=new.label,
                pending=glyph("pending"),
            )
        )
        self.compare_rows(old, new)

    @work(thread=True, exclusive=True, group="snapshots-compare")
    def compare_rows(self, old: SnapshotRow, new: SnapshotRow) -> None:
        """Read both states and compare them."""
        keys = (old.key, new.key)
        try:
            diff = compare(read_state(self.store, old), read_state(self.store, new))
        except SnapshotUnreadable as exc:
            self.post_message(self.Compared(keys, None, str(exc)))
        except (StoreError, DatabaseError, OSError) as exc:
            failed = say("app.snapshots.read_failed", detail=one_line(str(exc), 200))
            self.post_message(self.Compared(keys, None, failed))
        else:
            self.post_message(self.Compared(keys, diff, ""))

    def on_snapshots_screen_compared(self, message: Compared) -> None:
        if tuple(self._ordered()) != message.keys:  # picked again meanwhile
            return
        if message.diff is None:
            self.diff = None
            self.query_one("#snapshot-diff-text", SnapshotDiffView).update("")
            self._say(message.error, "error")
            return
        self.diff = message.diff
        self._show(message.diff)
        d = message.diff
        # (the names are in the table and below: in a narrow terminal they would not fit here)
        self._say(
            say(
                "app.snapshots.compared_counts",
                arrow=glyph("arrow"),
                changed=len(d.changed),
                added=len(d.added),
                removed=len(d.removed),
            )
        )

    def _show(self, diff: SnapshotDiff) -> None:
        limit = max(16, (self.size.width - 20) // 2)
        self.query_one("#snapshot-diff-text", SnapshotDiffView).show_diff(diff, limit)

    def _say(self, message: str, kind: str = "") -> None:
        line = self.query_one("#snapshots-picked", Static)
        line.update(Text(clean_text(message, single_line=True)))
        line.set_class(kind == "error", "error")

    # --- leaving and reloading -----------------------------------------------------------
    def action_reload(self) -> None:
        """List the snapshots again and compare the picked ones again (当前 as it is now)."""
        self.load()

    def action_back(self) -> None:
        """Close the key help, or go back to the screen before."""
        if hide_key_help(self):
            return
        self.dismiss(None)
