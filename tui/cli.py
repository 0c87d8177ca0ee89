"""The command line: `minsheng [--db PATH] COMMAND ...`; with no command, the app."""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import os
import re
import stat
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from store import words
from store.export import (
    CSV_ENCODINGS,
    DEFAULT_PAPER,
    EXPORT_FORMATS,
    PAPERS,
    ExportError,
    ExportExistsError,
    export_bytes,
    format_of,
    xlsx_overflow,
)
from store.interface import Change, DatabaseError, Edit, NewUpdate, ProjectStore, StoreError
from store.jsonfile import default_db_path, write_problem
from store.models import (
    FIELD_LABELS,
    LEVELS,
    STATUSES,
    ImportFormatError,
    ParsedReport,
    Project,
    Report,
    clean_text,
    local_minute,
    normalise_status,
    project_from_record,
)
from store.query import SORT_KEYS, ProjectIndex, ProjectQuery, latest_progress
from store.schedule_rule import BASES, parse_thresholds, rule_text, with_thresholds
from store.text import one_line
from store.vocabulary import FIELD_REGISTRY, SCHEDULE_CLASSES
from store.words import at, listing, os_problem, quote, say
from tui.crash import report_crash
from tui.editor import LockWaits
from tui.labels import change_values, note_label, source_label
from tui.zh_argparse import ChineseArgumentParser

if TYPE_CHECKING:
    from rich.table import Table

    from store.snapshots import Snapshot


def version() -> str:
    """The installed version (as the package's metadata says)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("minsheng")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return say("cli.not_installed")


class CliError(Exception):
    """A refused command: printed as one line on stderr, exit status 1."""


def _shown(path: object) -> str:
    """A path as printed: on one line, without control characters."""
    return clean_text(str(path), single_line=True)


def _out() -> Console:
    # markup off: untrusted text such as "[bold]" prints as written.
    return Console(markup=False, highlight=False, emoji=False, soft_wrap=False)


def _err(message: str) -> None:
    print(f"minsheng：{clean_text(message, single_line=True)}", file=sys.stderr)


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < float("inf"):
        raise argparse.ArgumentTypeError(say("cli.not_seconds", value=quote(value)))
    return seconds


_MONTHS_RE = re.compile(r"\s*(\d{1,2})\s*[-~至到]\s*(\d{1,2})\s*月?(?:份)?\s*")


def _months(value: str) -> tuple[int, int] | None:
    """'1-7' (or 1至7月) as (1, 7); None when it is not of that form."""
    match = _MONTHS_RE.fullmatch(value)
    return (int(match.group(1)), int(match.group(2))) if match else None


def _months_arg(value: str) -> tuple[int, int]:
    months = _months(value)
    if months is None or not 1 <= months[0] <= months[1] <= 12:
        raise argparse.ArgumentTypeError(say("cli.bad_months", value=quote(value)))
    return months


def _status_arg(value: str) -> str:
    status = normalise_status(value.strip())
    if status not in STATUSES:
        raise argparse.ArgumentTypeError(
            say(
                "store.not_one_of",
                label=FIELD_LABELS["status"],
                choices=listing(STATUSES),
                value=quote(value),
            )
        )
    return status


def _date_arg(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(say("cli.bad_date", value=quote(value))) from None


def _theme(asked: str | None) -> str | None:
    """The theme --theme names, or a one-line refusal."""
    if not asked:
        return None  # (tui.theme loads Textual: not for a command that does not ask)
    from tui.theme import theme_name

    try:
        return theme_name(asked)
    except ValueError as e:
        raise CliError(str(e)) from None


def build_parser() -> argparse.ArgumentParser:
    """All sub-commands and their options."""
    parser = ChineseArgumentParser(
        prog="minsheng",
        description=say("cli.help.minsheng.description"),
        epilog=say("cli.help.minsheng.epilog"),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"minsheng {version()}",
        help=say("cli.help.minsheng.version"),
    )
    parser.add_argument(
        "--db", type=Path, metavar=say("cli.metavar.file"), help=say("cli.help.minsheng.db")
    )
    parser.add_argument("--read-only", action="store_true", help=say("cli.help.minsheng.read_only"))
    parser.add_argument(
        "--ascii",
        action=argparse.BooleanOptionalAction,
        default=None,
        help=say("cli.help.minsheng.ascii"),
    )
    parser.add_argument(
        "--theme", metavar=say("cli.metavar.theme"), help=say("cli.help.minsheng.theme")
    )
    # Set by `serve` for the app it starts for one person's browser page.
    parser.add_argument("--web-user", default="", help=argparse.SUPPRESS)
    parser.add_argument(
        "--i-know-locks-may-fail",
        action="store_true",
        dest="allow_network_fs",
        help=say("cli.help.minsheng.network_fs"),
    )
    parser.add_argument("--create", action="store_true", help=say("cli.help.minsheng.create"))
    parser.add_argument(
        "--wait",
        type=_seconds,
        metavar=say("cli.metavar.seconds"),
        help=say("cli.help.minsheng.wait"),
    )
    sub = parser.add_subparsers(dest="command", metavar=say("cli.metavar.command"))
    project_id = FIELD_REGISTRY["id"].label  # (a project's 编号, as the list heads it)
    file = say("cli.metavar.file")

    sub.add_parser("tui", help=say("cli.help.tui"))

    p = sub.add_parser("import", help=say("cli.help.import"))
    p.add_argument("files", nargs="+", type=Path, metavar=file, help=say("cli.help.import.files"))
    p.add_argument(
        "--period",
        type=_months_arg,
        metavar=say("cli.metavar.months"),
        help=say("cli.help.import.period"),
    )
    p.add_argument(
        "--take-reported", action="store_true", help=say("cli.help.import.take_reported")
    )
    p.add_argument("--clear-empty", action="store_true", help=say("cli.help.import.clear_empty"))

    p = sub.add_parser("list", help=say("cli.help.list"))
    _add_filter_options(p)
    p.add_argument("--json", action="store_true", help=say("cli.help.shared.json_table"))

    p = sub.add_parser("schedule", help=say("cli.help.schedule"))
    _add_filter_options(p)
    p.add_argument("--json", action="store_true", help=say("cli.help.shared.json_table"))
    p.add_argument(
        "--thresholds",
        metavar=say("cli.metavar.thresholds"),
        help=say("cli.help.schedule.thresholds"),
    )
    p.add_argument("--basis", choices=BASES, help=say("cli.help.schedule.basis"))

    p = sub.add_parser("units", help=say("cli.help.units"))
    units_sub = p.add_subparsers(dest="units_command", metavar=say("cli.metavar.action"))
    q = units_sub.add_parser("merge", help=say("cli.help.units.merge"))
    q.add_argument("old", metavar=say("cli.metavar.old_name"), help=say("cli.help.units.merge.old"))
    q.add_argument("new", metavar=say("cli.metavar.new_name"), help=say("cli.help.units.merge.new"))
    q = units_sub.add_parser("unmerge", help=say("cli.help.units.unmerge"))
    q.add_argument(
        "old", metavar=say("cli.metavar.old_name"), help=say("cli.help.units.unmerge.old")
    )

    p = sub.add_parser("show", help=say("cli.help.show"))
    p.add_argument("id", metavar=project_id, help=say("cli.help.shared.id"))
    p.add_argument("--json", action="store_true", help=say("cli.help.shared.json"))

    p = sub.add_parser("set-status", help=say("cli.help.set_status"))
    p.add_argument("id", metavar=project_id, help=say("cli.help.shared.id"))
    p.add_argument("status", metavar=FIELD_LABELS["status"], help=" | ".join(STATUSES))
    p.add_argument(
        "--note", default="", metavar=say("cli.metavar.note"), help=say("cli.help.set_status.note")
    )
    _add_expect_option(p)

    p = sub.add_parser("note", help=say("cli.help.note"))
    p.add_argument("id", metavar=project_id, help=say("cli.help.shared.id"))
    p.add_argument(
        "--month", required=True, metavar=say("cli.metavar.months"), help=say("cli.help.note.month")
    )
    p.add_argument("text", metavar=say("cli.metavar.text"), help=say("cli.help.note.text"))
    _add_expect_option(p)

    p = sub.add_parser("period", help=say("cli.help.period"))
    p.add_argument(
        "months", nargs="?", metavar=say("cli.metavar.months"), help=say("cli.help.period.months")
    )

    p = sub.add_parser("db", help=say("cli.help.db"))
    db_sub = p.add_subparsers(dest="db_command", metavar=say("cli.metavar.action"), required=True)
    db_sub.add_parser("check", help=say("cli.help.db.check"))
    q = db_sub.add_parser("restore", help=say("cli.help.db.restore"))
    q.add_argument(
        "backup", metavar=say("cli.metavar.backup"), help=say("cli.help.db.restore.backup")
    )
    q = db_sub.add_parser("migrate", help=say("cli.help.db.migrate"))
    q.add_argument(
        "source",
        metavar=say("cli.metavar.source_db"),
        type=Path,
        help=say("cli.help.db.migrate.source"),
    )
    q.add_argument(
        "target",
        metavar=say("cli.metavar.target_db"),
        type=Path,
        help=say("cli.help.db.migrate.target"),
    )

    p = sub.add_parser("history", help=say("cli.help.history"))
    p.add_argument("id", nargs="?", metavar=project_id, help=say("cli.help.history.id"))
    p.add_argument("--json", action="store_true", help=say("cli.help.shared.json"))

    p = sub.add_parser("export", help=say("cli.help.export"))
    p.add_argument("--format", choices=EXPORT_FORMATS, help=say("cli.help.export.format"))
    p.add_argument("-o", "--output", default="-", metavar=file, help=say("cli.help.shared.output"))
    p.add_argument("--force", action="store_true", help=say("cli.help.shared.force"))
    _add_encoding_option(p)
    p.add_argument(
        "--paper",
        choices=tuple(PAPERS),
        default=DEFAULT_PAPER,
        help=say("cli.help.export.paper"),
    )
    _add_filter_options(p)

    p = sub.add_parser("serve", help=say("cli.help.serve"))
    p.add_argument(
        "--host",
        default="127.0.0.1",
        metavar=say("cli.metavar.host"),
        help=say("cli.help.serve.host"),
    )
    p.add_argument(
        "--port",
        type=int,
        default=8000,
        metavar=say("cli.metavar.port"),
        help=say("cli.help.serve.port"),
    )
    p.add_argument(
        "--user",
        action="append",
        default=[],
        metavar=say("cli.metavar.user"),
        help=say("cli.help.serve.user"),
    )
    p.add_argument(
        "--public-url", metavar=say("cli.metavar.url"), help=say("cli.help.serve.public_url")
    )
    p = sub.add_parser("bulletin", help=say("cli.help.bulletin"))
    p.add_argument("--format", choices=("docx", "md", "html"), help=say("cli.help.bulletin.format"))
    p.add_argument("-o", "--output", default="-", metavar=file, help=say("cli.help.shared.output"))
    p.add_argument("--force", action="store_true", help=say("cli.help.shared.force"))
    p.add_argument(
        "--date", type=_date_arg, metavar="YYYY-MM-DD", help=say("cli.help.bulletin.date")
    )
    _add_filter_options(p)

    p = sub.add_parser("snapshot", help=say("cli.help.snapshot"))
    p.add_argument(
        "--format", choices=EXPORT_FORMATS, default="json", help=say("cli.help.snapshot.format")
    )
    _add_encoding_option(p)

    p = sub.add_parser("snapshots", help=say("cli.help.snapshots"))
    p.add_argument("--json", action="store_true", help=say("cli.help.shared.json"))

    p = sub.add_parser("diff", help=say("cli.help.diff"))
    p.add_argument("old", metavar=say("cli.metavar.old"), nargs="?", help=say("cli.help.diff.old"))
    p.add_argument(
        "new",
        metavar=say("cli.metavar.new"),
        nargs="?",
        default="db",
        help=say("cli.help.diff.new"),
    )
    p.add_argument("--json", action="store_true", help=say("cli.help.shared.json"))
    return parser


def _add_encoding_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--encoding",
        choices=CSV_ENCODINGS,
        default="utf-8-sig",
        help=say("cli.help.shared.encoding"),
    )


def _add_expect_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--expect-revision",
        type=int,
        metavar=say("cli.metavar.revision"),
        help=say("cli.help.shared.expect_revision"),
    )


def _add_filter_options(p: argparse.ArgumentParser) -> None:
    words_meta = say("cli.metavar.words")
    p.add_argument(
        "--department", default="", metavar=words_meta, help=say("cli.help.filter.department")
    )
    p.add_argument("--level", choices=LEVELS, action="append", help=say("cli.help.filter.level"))
    p.add_argument(
        "--status",
        type=_status_arg,
        action="append",
        metavar=FIELD_LABELS["status"],
        help=say("cli.help.filter.status", choices=" | ".join(STATUSES)),
    )
    p.add_argument("--search", default="", metavar=words_meta, help=say("cli.help.filter.search"))
    p.add_argument("--overdue", action="store_true", help=say("cli.help.filter.overdue"))
    p.add_argument("--not-updated", action="store_true", help=say("cli.help.filter.not_updated"))
    p.add_argument(
        "--schedule",
        choices=SCHEDULE_CLASSES,
        action="append",
        metavar=say("cli.metavar.schedule"),
        help=say("cli.help.filter.schedule", choices=" | ".join(SCHEDULE_CLASSES)),
    )
    p.add_argument("--sort", choices=SORT_KEYS, default="id", help=say("cli.help.filter.sort"))
    p.add_argument("--reverse", action="store_true", help=say("cli.help.filter.reverse"))


def _query(args: argparse.Namespace) -> ProjectQuery:
    return ProjectQuery(
        department_text=args.department,
        levels=frozenset(args.level or ()),
        statuses=frozenset(args.status or ()),
        search=args.search,
        overdue_only=args.overdue,
        not_updated=args.not_updated,
        schedules=frozenset(args.schedule or ()),
        sort=args.sort,
        descending=args.reverse,
    )


def _default_is_missing(db: Path | None) -> bool:
    """Whether this is the first run on the default file (no --db, no $MINSHENG_DB)."""
    return db is None and not os.environ.get("MINSHENG_DB") and not default_db_path().exists()


def _missing(path: Path, *, read_only: bool) -> CliError:
    """The refusal of a database file that is not there (a mistyped --db, say)."""
    where = path.parent
    while not where.exists() and where != where.parent:
        where = where.parent
    folder = "" if where == path.parent else say("cli.no_folder", folder=path.parent)
    if read_only:
        return CliError(say("cli.no_database_read_only", path=path, folder=folder))
    return CliError(say("cli.no_database", path=path, folder=folder))


def waiting_notice(path: Path, wait: float | None) -> Callable[[str], None]:
    """What the command line says when a save has waited a second for another writer."""

    def notice(holder: str) -> None:
        limit = (
            say("cli.wait_limit", seconds=words.seconds(wait))
            if wait is not None
            else say("cli.wait_forever")
        )
        _err(say("cli.waiting", path=path, holder=holder or say("lock.someone"), limit=limit))

    return notice


def open_store(
    db: Path | None,
    *,
    read_only: bool = False,
    allow_network_fs: bool = False,
    create: bool = False,
    wait: float | None = None,
    on_wait: Callable[[str], None] | None = None,
    user: str | None = None,
    notice: Callable[[str], None] | None = None,
    load: bool = True,
) -> ProjectStore:
    """Open the database; a first run on the default file loads the bundled report, and says
    so through ``notice`` (the app shows it on its first screen; by default a line on stderr).

    A file that does not exist is refused unless ``create`` (or it is that first run), so
    a mistyped path makes neither folders nor an empty database. A file this user cannot
    write is opened read-only, saying why. A save waits for another writer's lock for up
    to ``wait`` seconds (None: as long as it takes), telling ``on_wait`` who holds it after
    a second (by default a line on stderr). Without ``load`` the projects are read when
    first wanted (the app reads them after its first screen), not now.
    """
    first_run = _default_is_missing(db)
    path = db or default_db_path()
    if not os.path.exists(path) and (read_only or not (create or first_run)):
        raise _missing(path, read_only=read_only)
    reason = "--read-only" if read_only else ""
    problem = None if read_only else write_problem(path)
    if problem:
        read_only, reason = True, problem
    from store.jsonfile import open_store as open_file_store

    store = open_file_store(
        path,
        read_only=read_only,
        read_only_reason=reason,
        allow_network_fs=allow_network_fs,
        wait=wait,
        on_wait=on_wait or waiting_notice(path, wait),
        user=user,
        load=load,
    )
    if first_run and not read_only:
        from importlib.resources import as_file, files

        from data import BUNDLED_REPORT_NAME
        from importers.report import read_report

        # Package data: beside this file in a source tree, inside site-packages when installed.
        with as_file(files("data") / BUNDLED_REPORT_NAME) as bundled:
            parsed = read_report(bundled)
        result = store.import_report(parsed, source=f"import:{BUNDLED_REPORT_NAME}")
        first = say("cli.first_run", report=BUNDLED_REPORT_NAME, path=path, n=len(result.new))
        (notice or _err)(first)
    return store


def _clean_json(value: object) -> object:
    """Every string of a JSON value (keys too) without control or bidi characters."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [_clean_json(v) for v in value]
    if isinstance(value, dict):
        return {clean_text(str(k)): _clean_json(v) for k, v in value.items()}
    return value


def print_json(value: object) -> None:
    """Print JSON for a terminal or a program: no string in it holds a control character
    (escaped or not), a bidi mark or a lone surrogate, wherever the value came from."""
    text = json.dumps(value, ensure_ascii=False, indent=2, default=str)
    # Cleaning every string costs time at 10,000 projects; look first. json escapes the
    # C0 controls (\u001b, \b, \f, \r) and writes the rest as they are.
    if clean_text(text) != text or re.search(r"\\(?:u00[01]|[bfr])", text):
        text = json.dumps(_clean_json(value), ensure_ascii=False, indent=2, default=str)
    print(text)


def _cut(text: str) -> Text:
    return Text(one_line(text))  # the table cuts it to its column with …


def _plain_table(width: int) -> Table:
    """The command line's table: a rule under the header, no frame, as wide as ``width``."""
    from rich import box
    from rich.table import Table

    return Table(
        box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, collapse_padding=True,
        expand=True, width=width,
    )  # fmt: skip


def _list_table(projects: list[Project], width: int) -> Table:
    """One line per project; long text is cut with … to fit ``width`` cells."""

    # field (its label heads the column), ratio (0: as wide as it needs), value
    columns: list[tuple[str, int, Callable[[Project], str]]] = [
        ("id", 0, lambda p: p.id),
        ("name", 4, lambda p: p.name),
        ("department", 2, lambda p: p.department),
        ("level", 0, lambda p: p.level),
        ("status", 0, lambda p: p.status),
        ("deadline", 0, lambda p: p.deadline or p.deadline_raw),
        ("latest", 4, latest_progress),
    ]
    # Too narrow for everything: give up the columns that help least.
    if width < 100:
        columns = [c for c in columns if c[0] != "latest"]
    if width < 64:
        columns = [c for c in columns if c[0] not in ("department", "deadline")]
    if width < 44:
        columns = [c for c in columns if c[0] != "level"]
    table = _plain_table(width)
    for field, ratio, _value in columns:
        header = FIELD_REGISTRY[field].label
        if ratio:
            table.add_column(header, ratio=ratio, no_wrap=True, overflow="ellipsis", min_width=4)
        else:
            table.add_column(header, no_wrap=True)
    for p in projects:
        table.add_row(*(_cut(value(p)) for _h, _r, value in columns))
    return table


def _index(store: ProjectStore, projects: list[Project] | None = None) -> ProjectIndex:
    """The projects (by default all of the store's) ready to query, with the store's 序时 rule."""
    every = store.projects() if projects is None else projects
    return ProjectIndex(every, store.report(), store.schedule_settings())


def cmd_list(store: ProjectStore, args: argparse.Namespace) -> None:
    """Print the selected projects."""
    every = store.projects()
    index = _index(store, every)
    projects = index.apply(_query(args))
    if args.json:
        schedules = index.schedules(projects)
        print_json(
            [
                {**p.to_dict(), "not_updated": p.not_updated, "schedule": s.class_name}
                for p, s in zip(projects, schedules, strict=True)
            ]
        )
        return
    console = _out()
    console.print(_list_table(projects, console.width))
    console.print(Text(say("cli.list_count", shown=len(projects), total=len(every))))


def _reported_note(p: Project) -> str:
    """'' when the office's 工作成效 is the reported one, else what the report says."""
    if not p.status_reported or p.status_reported == p.status:
        return ""
    return say("cli.reported", status=p.status_reported)


def cmd_show(store: ProjectStore, args: argparse.Namespace) -> None:
    """Print one project."""
    from rich.table import Table

    from tui.widgets.cjk_text import CJKText

    p = store.get(args.id)
    if args.json:
        print_json(p.to_dict())
        return
    console = _out()
    console.print(Text(f"{p.id}  {clean_text(p.name, single_line=True)}", style="bold"))
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True, style="bold")
    grid.add_column(overflow="fold")
    rows = [
        (say("cli.show.table"), p.table),
        (FIELD_LABELS["level"], p.level),
        (FIELD_LABELS["department"], p.department),
        (FIELD_LABELS["status"], p.status + _reported_note(p)),
        (FIELD_LABELS["deadline"], p.deadline or p.deadline_raw),
        (FIELD_LABELS["overview"], p.overview),
        (FIELD_LABELS["target"], p.target),
        (FIELD_LABELS["plan"], p.plan),
        (FIELD_LABELS["progress"], p.progress),
    ]
    history = p.progress_history
    if len(history) >= 2:  # the previous period's, to read beside this one's
        before = history[-2]
        period = before.get("period") or {}
        first, last = period.get("from", "?"), period.get("to", "?")
        shown = (
            words.months(first, last)
            if isinstance(first, int) and isinstance(last, int)
            else say("cli.show.months_as_given", first=first, last=last)
        )
        label = say("cli.progress_before", months=shown)
        rows.append(
            (label, say("cli.not_updated") if p.not_updated else str(before.get("text", "")))
        )
    rows += [
        (
            say("cli.update_label", month=_month(u.month)),
            say("cli.update_text", text=u.text, by=u.by, at=words.moment(u.at)),
        )
        for u in p.updates
    ]
    rows += [(k, v) for k, v in p.extra.items()]
    rows.append((say("cli.show.revision"), str(p.revision)))
    for label, value in rows:
        # (wrapped as the app wraps it: no line starts with "，", "2023" stays whole)
        grid.add_row(Text(clean_text(label, single_line=True)), CJKText(clean_text(value)))
    console.print(grid)


def _month(value: str) -> str:
    """A stored month ('2023-08') as an office writes it ('2023年8月'); else as stored."""
    year, _, number = value.partition("-")
    if year.isdigit() and number.isdigit() and 1 <= int(number) <= 12:
        return words.month(int(year), int(number))
    return value


def _short(value: object, limit: int = 40) -> Text:
    if value is None:
        value = ""
    elif isinstance(value, list) and all(isinstance(u, dict) for u in value):  # updates
        value = f"{value[-1].get('month', '')} {value[-1].get('text', '')}" if value else ""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = clean_text(text or "", single_line=True)
    result = Text(text)
    result.truncate(limit, overflow="ellipsis")
    return result


_FIELD_NAMES = {
    **FIELD_LABELS,
    "*": say("cli.history.created"),
    "updates": say("cli.history.updates"),
    "period": say("cli.history.period"),
    "extra": say("cli.history.extra"),
}


def _fit_source(label: str, width: int) -> Text:
    """A change's source cut to ``width`` cells at its end ('导入 lanling…'), its first word
    (界面, 命令行, 导入, 撤销) kept whole: alone when nothing more fits."""
    text = Text(label)
    if cell_len(label) > width:
        kind = label.split(" ", 1)[0]
        text = Text(kind) if cell_len(kind) + 3 > width else text  # (a name, not "…")
        text.truncate(width, overflow="ellipsis")
    return text


def cmd_history(store: ProjectStore, args: argparse.Namespace) -> None:
    """Print recorded changes."""

    if args.id:
        store.get(args.id)  # an unknown id is an error, not an empty history
    changes: list[Change] = store.history(args.id)
    if args.json:
        print_json([dataclasses.asdict(c) for c in changes])
        return
    console = _out()
    # The note (why) has a column of its own when any change gives one.
    notes = any(c.note.strip() for c in changes)
    fixed_headers = (
        say("cli.history.number"),
        say("cli.history.at"),
        FIELD_REGISTRY["id"].label,
        say("cli.history.field"),
        say("cli.history.by"),
    )
    rows = []
    for c in changes:
        old, new = change_values(c)
        fixed = [
            Text(str(c.id)),
            Text(local_minute(c.at)),
            _short(c.project),
            _short(_FIELD_NAMES.get(c.field, c.field)),
            _short(c.by, 16),
        ]
        values = [
            _short(old, 200),
            _short(say("cli.history.created") if c.field == "*" else new, 200),
        ]
        note = [_short(note_label(c.note), 200)] if notes else []
        rows.append((fixed, values, source_label(c.source, c.note), note))
    # The source is short (界面, 命令行, 导入 and the file's name): as wide as its values when
    # the line has room, else a fifth of what is left, its first word whole at the least; the
    # values and the note share the rest.
    header = say("cli.history.source")
    sources = [source for _f, _v, source, _n in rows]
    fixed_width = sum(
        max([cell_len(h), *(r[0][i].cell_len for r in rows)]) for i, h in enumerate(fixed_headers)
    )
    columns = len(fixed_headers) + 3 + notes
    rest = console.width - fixed_width - 2 * (columns - 1)
    least = max((cell_len(s.split(" ", 1)[0]) for s in sources), default=0)
    widest = max((cell_len(s) for s in sources), default=0)
    shown = widest if rest - widest >= 60 else min(widest, rest // 5)
    source_width = max(cell_len(header), least, shown)
    table = _plain_table(console.width)
    for title in fixed_headers:
        table.add_column(title, no_wrap=True)
    for title, ratio in ((say("cli.history.old"), 1), (say("cli.history.new"), 2 if notes else 1)):
        table.add_column(title, ratio=ratio, no_wrap=True, overflow="ellipsis", min_width=4)
    table.add_column(header, width=source_width, no_wrap=True, overflow="ellipsis")
    if notes:
        note_header = say("cli.history.note")
        table.add_column(note_header, ratio=1, no_wrap=True, overflow="ellipsis", min_width=4)
    for fixed, values, source, note in rows:
        table.add_row(*fixed, *values, _fit_source(source, source_width), *note)
    console.print(table)


def read_all(paths: Sequence[Path]) -> list[tuple[Path, ParsedReport]]:
    """Read every file before anything is stored, so that a bad file changes nothing."""
    from importers.report import read_report

    for path in paths:
        if not path.exists():
            raise CliError(say("cli.no_such_file", path=_shown(path)))
        if not path.is_file():
            raise CliError(say("cli.not_a_file", path=_shown(path)))
    return [(path, read_report(path)) for path in paths]


def with_period(
    parsed: list[tuple[Path, ParsedReport]],
    period: tuple[int, int] | None,
    stored: tuple[int, int] | None,
) -> list[tuple[Path, ParsedReport]]:
    """Each report with the months it covers: its title's, else ``period`` (--period), else
    the database's (``stored``, or an earlier file's); refused when none says, and when
    --period contradicts a title."""
    result = []
    for path, report in parsed:
        own = report.report
        if own.period_from is not None and own.period_to is not None:
            if period is not None and period != (own.period_from, own.period_to):
                raise CliError(
                    say(
                        "cli.period_contradicts",
                        path=_shown(path),
                        title=words.months(own.period_from, own.period_to),
                        given=words.months(*period),
                    )
                )
        elif period is not None:
            months = dataclasses.replace(own, period_from=period[0], period_to=period[1])
            report = dataclasses.replace(report, report=months)
        elif stored is None:
            raise CliError(say("cli.no_period", path=_shown(path)))
        else:
            _err(say("cli.period_taken", path=_shown(path), months=words.months(*stored)))
        months = report.report
        if months.period_from is not None and months.period_to is not None:
            stored = (months.period_from, months.period_to)  # what the next file would find
        result.append((path, report))
    return result


def _labels(fields: Sequence[str]) -> str:
    return "、".join(_FIELD_NAMES.get(f, f) for f in fields)


def cmd_import(
    store: ProjectStore,
    parsed: list[tuple[Path, ParsedReport]],
    *,
    take_reported: bool = False,
    clear_empty: bool = False,
) -> None:
    """Store what was read; say per file what changed, which hand edits were kept and where
    the office's 工作成效 now differs from the report's."""
    for path, report in parsed:
        result = store.import_report(
            report,
            source=f"import:{path.name}",
            take_reported=take_reported,
            clear_empty=clear_empty,
        )
        print(at(_shown(path), result.summary()))
        for warning in result.warnings:
            print(say("cli.import_warning", text=clean_text(warning, single_line=True)))
        for pid in result.changed:
            print(say("cli.import_changed", id=pid, fields=_labels(result.fields.get(pid, []))))
        if result.kept:
            print(say("cli.import_kept"))
            for pid, fields in result.kept.items():
                print(say("cli.import_item", id=pid, fields=_labels(fields)))
        if result.differs:
            print(say("cli.import_differs"))
            for pid in result.differs:
                p = store.get(pid)
                name = clean_text(p.name, single_line=True)
                reported = p.status_reported or "—"
                print(
                    say("cli.import_differs_item", id=pid, name=name, status=p.status,
                        reported=reported)
                )  # fmt: skip


def cmd_export(store: ProjectStore, args: argparse.Namespace) -> None:
    """Write an export to a file or standard output (into snapshots/: recorded there too)."""
    from store.snapshots import save_export

    report = store.report()
    query = _query(args)
    projects = _index(store).apply(query)
    to_stdout = args.output == "-"
    fmt = args.format or ("json" if to_stdout else format_of(Path(args.output)))
    suffix = Path(args.output).suffix.lower().lstrip(".")
    if not args.format and not to_stdout and suffix and suffix not in EXPORT_FORMATS:
        raise CliError(
            say(
                "cli.unknown_suffix",
                path=_shown(args.output),
                suffix=suffix,
                choices=" | ".join(EXPORT_FORMATS),
            )
        )
    if to_stdout:
        if fmt == "xlsx" and sys.stdout.isatty():
            raise CliError(say("cli.xlsx_terminal"))
        from store.derived import DerivedCache

        settings = store.schedule_settings()
        data = export_bytes(
            fmt, report, projects, encoding=args.encoding, paper=args.paper, settings=settings,
            derived=DerivedCache.of_store(store),
        )  # fmt: skip
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    scope = "list" if query.is_filtered else "all"
    save_export(
        store,
        Path(args.output),
        fmt,
        projects,
        report=report,
        force=args.force,
        scope=scope,
        encoding=args.encoding,
        paper=args.paper,
    )
    print(say("cli.wrote", n=len(projects), path=_shown(args.output)), file=sys.stderr)
    if fmt == "xlsx":
        _warn_overflow(report, projects, args.paper)


def _warn_overflow(report: Report, projects: list[Project], paper: str) -> None:
    """Say which cells are too long to print whole in a row of the workbook on ``paper``."""
    cut = xlsx_overflow(report, projects, paper)
    if not cut:
        return
    where = "、".join(f"{p.id} {FIELD_LABELS[field]}" for p, field in cut)
    bigger = say("cli.overflow_a3") if paper == "A4" else ""
    print(say("cli.overflow", n=len(cut), where=where, bigger=bigger), file=sys.stderr)


def _scope(query: ProjectQuery) -> str:
    """The filters of a query in the report's words ('' when it selects every project)."""
    parts = []
    if query.levels:
        levels = listing(v for v in LEVELS if v in query.levels)
        parts.append(say("cli.scope.values", label=FIELD_LABELS["level"], values=levels))
    if query.statuses:
        ordered: list[str] = sorted(query.statuses, key=_status_order)
        statuses = listing(ordered)
        parts.append(say("cli.scope.values", label=FIELD_LABELS["status"], values=statuses))
    if query.schedules:
        classes = listing(c for c in SCHEDULE_CLASSES if c in query.schedules)
        parts.append(say("cli.scope.values", label=say("cli.scope.schedule"), values=classes))
    if query.department_text:
        department = FIELD_LABELS["department"]
        parts.append(say("cli.scope.department", label=department, text=query.department_text))
    if query.search.strip():
        parts.append(say("cli.scope.search", text=query.search.strip()))
    if query.overdue_only:
        parts.append(say("cli.scope.overdue"))
    if query.not_updated:
        parts.append(say("cli.scope.not_updated"))
    return "；".join(parts)


def _status_order(status: str) -> int:
    return STATUSES.index(status) if status in STATUSES else len(STATUSES)


def cmd_bulletin(store: ProjectStore, args: argparse.Namespace) -> None:
    """Write the 通报 of the selected projects to a file or standard output."""
    from store.bulletin import (
        BULLETIN_FORMATS,
        bulletin_bytes,
        bulletin_format_of,
        compute_bulletin,
    )
    from store.export import write_export

    to_stdout = args.output == "-"
    suffix = Path(args.output).suffix
    fmt = args.format
    if fmt is None:
        fmt = "md" if to_stdout else bulletin_format_of(suffix)
        if fmt is None:
            choices = " | ".join(BULLETIN_FORMATS)
            output = _shown(args.output)
            raise CliError(
                say("cli.unknown_suffix", path=output, suffix=suffix.lstrip("."), choices=choices)
                if suffix
                else say("cli.no_suffix", path=output, choices=choices)
            )
    if to_stdout and fmt == "docx" and sys.stdout.isatty():
        raise CliError(say("cli.docx_terminal"))
    if not to_stdout:  # refused before the work, as the write would refuse it after
        from store.export import check_export_target

        check_export_target(Path(args.output), force=args.force)
    index = _index(store)
    query = _query(args)
    projects = index.apply(query)
    bulletin = compute_bulletin(
        store,
        projects,
        args.date or date.today(),
        scope=_scope(query),
        schedules=index.schedules(projects),
    )
    data = bulletin_bytes(fmt, bulletin)
    if to_stdout:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    write_export(Path(args.output), data, force=args.force)
    print(say("cli.wrote_bulletin", n=len(projects), path=_shown(args.output)), file=sys.stderr)


def cmd_snapshot(store: ProjectStore, args: argparse.Namespace) -> None:
    """Export every project to a new dated file in the snapshots folder."""
    from store.snapshots import write_snapshot

    for attempt in range(5):
        try:
            path, entry = write_snapshot(store, args.format, encoding=args.encoding)
            break
        except ExportExistsError as exc:
            # Someone's snapshot took the name since it was chosen: the next try takes the
            # next free one (a snapshot never replaces a file).
            if attempt == 4:
                raise CliError(say("cli.snapshot_taken", path=_shown(exc.path))) from exc
    print(say("cli.wrote", n=entry.projects, path=_shown(path)))


def cmd_snapshots(store: ProjectStore, args: argparse.Namespace) -> None:
    """List the recorded snapshots, oldest first."""
    from rich import box
    from rich.table import Table

    from store.snapshots import list_snapshots, snapshot_dir

    entries = list_snapshots(store.home)
    if args.json:
        print_json([{**dataclasses.asdict(e), "exists": there} for e, there in entries])
        return
    console = _out()
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, collapse_padding=True)
    # (a file someone put in the folder may have any name: measured in cells)
    longest = max((cell_len(one_line(e.file)) for e, _there in entries), default=4)
    table.add_column(
        say("cli.snapshots.file"),
        overflow="fold",
        min_width=min(longest, max(console.width - 40, 8)),
    )
    for header in (
        say("cli.snapshots.at"),
        say("cli.snapshots.format"),
        say("cli.snapshots.projects"),
        say("cli.snapshots.scope"),
    ):
        table.add_column(header, no_wrap=True)
    table.add_column(say("cli.snapshots.by"), no_wrap=True, overflow="ellipsis")
    scopes = {"all": say("cli.snapshots.all"), "list": say("cli.snapshots.list")}
    for e, there in entries:
        name = e.file if there else e.file + say("cli.snapshots.deleted")
        name += (
            say("cli.snapshots.rebuilt") if e.rebuilt else ""
        )  # (from the file: its export was not recorded)
        projects = "—" if e.projects is None else str(e.projects)
        when = local_minute(e.at)
        row = (name, when, e.format, projects, scopes.get(e.scope, "—"), e.by)
        table.add_row(*(_cut(v) for v in row))
    console.print(table)
    console.print(
        Text(say("cli.snapshots", n=len(entries), folder=_shown(snapshot_dir(store.home))))
    )


def _snapshot_of(spec: str, store: ProjectStore) -> Snapshot:
    """`db`, a JSON snapshot (or database file), or a report file as an import would read it."""
    from importers.report import read_report
    from store.snapshots import Snapshot, read_snapshot_json

    if spec == "db":
        return Snapshot("db", store.report(), store.projects())
    path = Path(spec)
    if not path.is_file():
        shown = _shown(path)
        raise CliError(
            say("cli.not_a_file", path=shown)
            if path.exists()
            else say("cli.no_such_file", path=shown)
        )
    if path.suffix.lower() == ".json":
        return read_snapshot_json(path)
    parsed = read_report(path)
    latest = {}
    for record in parsed.records:  # as an import: a repeated row replaces the earlier one
        project = project_from_record(record, parsed.report.year)
        latest[project.id] = project
    return Snapshot(str(path), parsed.report, list(latest.values()), has_updates=False)


def _safe_snapshot(folder: Path, name: str) -> Path:
    """The newest snapshot as the index names it, if it is safe to read unasked.

    The snapshots folder is often writable by the whole group, and so is its index: the file
    must be a plain name directly in the folder, and a regular file there, not a symbolic
    link (to someone else's file, a FIFO that never ends, a device). A file named on the
    command line is read as given.
    """
    path = folder / name
    if not name or name != Path(name).name or name.startswith(".") or "\0" in name:
        raise CliError(
            say(
                "cli.index_bad_name",
                index=_shown(folder / "index.json"),
                name=quote(clean_text(name, single_line=True)),
            )
        )
    try:
        mode = os.lstat(path).st_mode
    except OSError as exc:
        raise CliError(at(_shown(path), os_problem(exc))) from exc
    if not stat.S_ISREG(mode):
        shown = _shown(path)
        raise CliError(
            say("cli.newest_is_link", path=shown)
            if stat.S_ISLNK(mode)
            else say("cli.newest_not_regular", path=shown)
        )
    return path


def cmd_diff(store: ProjectStore, args: argparse.Namespace) -> None:
    """Print what changed between two states."""
    from store.snapshots import compare, diff_lines, list_snapshots, snapshot_dir

    old = args.old
    if old is None:  # the newest snapshot of every project, against the database now
        folder = snapshot_dir(store.home)
        whole = [e for e, there in list_snapshots(store.home) if there and e.scope == "all"]
        if not whole:
            raise CliError(say("cli.no_snapshot", folder=_shown(folder)))
        old = str(_safe_snapshot(folder, whole[-1].file))
    diff = compare(_snapshot_of(old, store), _snapshot_of(args.new, store))
    if args.json:
        print_json(diff.to_dict())
        return
    for line in diff_lines(diff):  # text from files anyone may have written: cleaned
        print(clean_text(line).replace("\n", " "))


def cmd_schedule(store: ProjectStore, args: argparse.Namespace) -> None:
    """Print each selected project's 序时: class, ratio and the indicator that decides it;
    with --thresholds or --basis, change the rule instead (recorded)."""
    if args.thresholds is not None or args.basis is not None:
        try:
            thresholds = parse_thresholds(args.thresholds) if args.thresholds is not None else ()
            settings = with_thresholds(store.schedule_settings(), args.basis, thresholds)
        except ValueError as exc:
            raise CliError(str(exc)) from None
        store.set_schedule_settings(settings, source="cli")
        print(rule_text(store.schedule_settings()))
        return
    index = _index(store)
    projects = index.apply(_query(args))
    schedules = index.schedules(projects)
    if args.json:
        print_json([s.to_json() for s in schedules])
        return
    console = _out()
    table = _plain_table(console.width)
    table.add_column(FIELD_REGISTRY["id"].label, no_wrap=True)
    table.add_column(FIELD_LABELS["name"], ratio=2, no_wrap=True, overflow="ellipsis", min_width=4)
    for header in (FIELD_LABELS["status"], say("cli.schedule.class"), say("cli.schedule.ratio")):
        table.add_column(header, no_wrap=True)
    worst = say("cli.schedule.worst")
    table.add_column(worst, ratio=3, no_wrap=True, overflow="ellipsis", min_width=4)
    for p, s in zip(projects, schedules, strict=True):
        ratio = "—" if s.ratio is None else f"{s.ratio:.0%}"
        status = p.status + ("*" if s.disagrees else "")
        table.add_row(*(_cut(v) for v in (p.id, p.name, status, s.class_name, ratio, s.reason)))
    console.print(table)
    behind = sum(s.behind for s in schedules)
    disagree = sum(s.disagrees for s in schedules)
    console.print(
        Text(say("cli.schedule_summary", n=len(projects), behind=behind, disagree=disagree))
    )
    console.print(Text(rule_text(index.settings)))


def cmd_units(store: ProjectStore, args: argparse.Namespace) -> None:
    """List the 牵头单位 names with counts and suggested aliases, or merge and unmerge."""
    from store.units import suggest_aliases, unit_counts

    action = args.units_command
    if action in ("merge", "unmerge"):
        if action == "merge":
            changes = store.merge_units(args.old, args.new, source="cli")
            done = f"{args.old} → {args.new}"
        else:
            target = store.aliases().get(clean_text(args.old, single_line=True).strip(), "")
            changes = store.unmerge_units(args.old, source="cli")
            done = say("store.unmerge_note", old=args.old, new=target) if target else args.old
        projects = len({c.project for c in changes if c.project})
        print(clean_text(say("cli.units_done", done=done, n=projects), single_line=True))
        return
    counts = unit_counts(store.projects())
    console = _out()
    longest = max((cell_len(one_line(name)) for name in counts), default=4)
    for name, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        cut = one_line(name)
        console.print(Text(cut + " " * (longest - cell_len(cut)) + f"  {count:>4}"))
    console.print(Text(say("cli.units_count", n=len(counts))))
    aliases = store.aliases()
    if aliases:
        console.print(Text(say("cli.units_merged")))
        for old, new in sorted(aliases.items()):
            console.print(Text(f"  {one_line(old)} → {one_line(new)}"))
    suggested = suggest_aliases(counts)
    if suggested:
        console.print(Text(say("cli.units_suggested")))
        for old, new in suggested:
            console.print(Text(f"  {one_line(old)} → {one_line(new)}"))


def cmd_period(store: ProjectStore, args: argparse.Namespace) -> None:
    """Print the report period, or set it from 'FROM-TO'."""
    if args.months:
        months = _months(args.months)
        if months is None:
            raise CliError(say("cli.bad_period", value=quote(args.months)))
        store.set_period(*months)
    report = store.report()
    print(say("cli.period", months=report.period_label() or say("cli.period_unset")))


def cmd_db(args: argparse.Namespace) -> int:
    """`db check` and `db restore`: they work on a file the store would refuse to open."""
    from store.jsonfile import open_store as open_file_store

    if args.db_command == "migrate":
        from store.migrate import migrate

        projects, changes = migrate(args.source, args.target)
        print(
            say(
                "cli.migrated",
                target=args.target,
                source=args.source,
                projects=projects,
                changes=changes,
            )
        )
        return 0
    path = args.db or default_db_path()
    if args.db_command == "restore":
        if args.read_only:
            raise CliError(say("cli.restore_read_only"))
        if not Path(path).parent.is_dir() and not args.create:  # (a lost file: it may be gone)
            raise _missing(Path(path), read_only=False)
        store = open_file_store(
            path,
            load=False,
            allow_network_fs=args.allow_network_fs,
            wait=args.wait,
            on_wait=waiting_notice(path, args.wait),
        )
        result = store.restore(args.backup)
        if result.saved_current is not None:
            print(say("cli.kept_current", path=result.saved_current))
        print(say("cli.restored", path=path, backup=result.restored, n=result.projects))
        return 0
    store = open_file_store(path, read_only=True, load=False)
    report = store.check()
    backups = store.backups()
    if report.ok:
        print(say("cli.db_ok", path=path, projects=report.projects, changes=report.changes))
    else:
        for problem in report.problems[:50]:
            _err(problem)
        more = len(report.problems) - 50
        if more > 0:
            _err(say("cli.more_problems", n=more))
    folder = backups[0].parent if backups else Path(path).parent / "backups"
    print(say("cli.backups", folder=folder, n=len(backups)))
    for backup in backups:
        sound = say("cli.backup_ok") if store.check(backup).ok else say("cli.backup_broken")
        size = words.size(backup.stat().st_size)
        print(say("cli.backup_line", name=backup.name, size=size, state=sound))
    return 0 if report.ok else 1


def _dispatch(args: argparse.Namespace) -> int:
    command = args.command or "tui"
    if command == "db":
        return cmd_db(args)
    parsed = read_all(args.files) if command == "import" else []
    path = args.db or default_db_path()
    new = not os.path.exists(path) and not _default_is_missing(args.db)  # (not the first run)
    # The app shows who holds the lock in a notification; the command line on stderr.
    waits = LockWaits(waiting_notice(path, args.wait))
    theme = _theme(args.theme)  # (a wrong name refused before the database is opened)
    notices: list[str] = []  # (the app shows them; other commands print them)
    store = open_store(
        args.db,
        read_only=args.read_only,
        allow_network_fs=args.allow_network_fs,
        create=args.create or command == "import",  # an import is how a database starts
        wait=args.wait,
        on_wait=waits,
        user=web_user(args.web_user),
        notice=notices.append if command == "tui" else None,
        load=command != "tui",  # (the app shows its first screen, then reads the rest)
    )
    if command == "serve":
        return cmd_serve(store, args)
    if command != "tui":
        gc.enable()  # (turned off for start-up by the entry point; the app turns it on itself)
    if command == "tui":
        from tui.app import run_app

        return run_app(store, lock_waits=waits, ascii=args.ascii, theme=theme, notices=notices)
    if command == "import":
        report = store.report()
        from store.schedule import period_of

        stored = period_of(report)
        parsed = with_period(parsed, args.period, stored)
        cmd_import(store, parsed, take_reported=args.take_reported, clear_empty=args.clear_empty)
        from store.derived import keep_derived

        keep_derived(store)  # (what the texts say, read now: the next export only reads it)
        if new and os.path.exists(path):
            _err(say("cli.new_by_import", path=path))
    elif command == "list":
        cmd_list(store, args)
    elif command == "show":
        cmd_show(store, args)
    elif command == "schedule":
        cmd_schedule(store, args)
    elif command == "units":
        cmd_units(store, args)
    elif command == "set-status":
        p = store.save(
            Edit(
                args.id,
                {"status": args.status},
                source="cli",
                note=args.note,
                expected_revision=args.expect_revision,
            )
        ).project
        print(say("cli.status_set", id=p.id, status=p.status))
    elif command == "note":
        update = NewUpdate(args.month, args.text)
        edit = Edit(args.id, update=update, source="cli", expected_revision=args.expect_revision)
        p = store.save(edit).project
        print(say("cli.update_added", id=p.id, month=_month(p.updates[-1].month)))
    elif command == "period":
        cmd_period(store, args)
    elif command == "history":
        cmd_history(store, args)
    elif command == "export":
        cmd_export(store, args)
    elif command == "bulletin":
        cmd_bulletin(store, args)
    elif command == "snapshot":
        cmd_snapshot(store, args)
    elif command == "snapshots":
        cmd_snapshots(store, args)
    elif command == "diff":
        cmd_diff(store, args)
    return 0


def web_user(name: str) -> str | None:
    """Who a browser page's app records changes as: the person's name, and the account that
    really writes the file (a name given in an address is a claim; the account is not)."""
    if not name:
        return None
    from store.identity import current_user

    return say("cli.web_user", name=one_line(name), account=current_user())


def cmd_serve(store: ProjectStore, args: argparse.Namespace) -> int:
    """Serve the app to browsers until ctrl+c."""
    try:
        from tui.serve import LOOPBACK, addresses, make_access, make_server
    except ImportError as exc:  # (textual-serve is a dependency; a broken install)
        raise CliError(say("cli.serve_needs", detail=exc)) from exc
    accesses = make_access(args.user)
    shown_host = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    base = args.public_url or f"http://{shown_host}:{args.port}"
    server = make_server(
        Path(store.location),
        accesses,
        host=args.host,
        port=args.port,
        read_only=store.read_only,
        public_url=args.public_url or f"http://{shown_host}:{args.port}",
    )
    if args.host != LOOPBACK:
        _err(say("cli.serve_network", host=args.host))
    if not args.user:
        _err(say("cli.serve_no_user"))
    read_only = say("cli.serve_read_only") if store.read_only else ""
    print(say("cli.serve_title", path=store.location, read_only=read_only))
    for name, address in addresses(base, accesses):
        print(say("cli.serve_address", name=name or say("cli.serve_open"), address=address))
    print(say("cli.serve_stop"), flush=True)
    server.serve()
    return 0


def run(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, run one command, and return the exit status."""
    args = build_parser().parse_args(argv)  # usage errors exit 2 here
    try:
        return _dispatch(args)
    except (CliError, StoreError, ImportFormatError, DatabaseError, ExportError) as exc:
        _err(str(exc))
        return 1
    except BrokenPipeError:
        # The reader went away (`minsheng list | head`): stop quietly, without a second error
        # when Python flushes stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as exc:
        where = exc.filename or ""
        _err(at(str(where), os_problem(exc)) if where else os_problem(exc))
        return 1
    except Exception as exc:  # a bug: the traceback goes to a private log, not the terminal
        return report_crash(exc)
