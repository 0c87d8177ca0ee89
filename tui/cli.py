"""The command line: `minsheng [--db PATH] COMMAND ...`; with no command, the app."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from importers.report import read_report
from rich.console import Console
from rich.table import Table
from rich.text import Text

from store.db import ProjectStore, StoreError, default_db_path
from store.export import ExportError, export_json, write_export
from store.models import LEVELS, STATUSES, ImportFormatError, Project, clean_text
from store.query import ProjectIndex, ProjectQuery, latest_progress
from store.storage import DatabaseError

BUNDLED_REPORT = Path(__file__).resolve().parent.parent / "data" / "lanling-2023-h1.md"


class CliError(Exception):
    """A refused command: printed as one line on stderr, exit status 1."""


def _out() -> Console:
    return Console(markup=False, highlight=False, emoji=False, soft_wrap=False)


def _err(message: str) -> None:
    print(f"minsheng: {clean_text(message, single_line=True)}", file=sys.stderr)


def build_parser() -> argparse.ArgumentParser:
    """All sub-commands and their options."""
    parser = argparse.ArgumentParser(
        prog="minsheng",
        description="重点民生实事项目推进情况 tracker: review, edit and export projects.",
    )
    parser.add_argument(
        "--db",
        type=Path,
        help="database file (default: $MINSHENG_DB, else ~/.local/share/minsheng/minsheng.json)",
    )
    parser.add_argument("--read-only", action="store_true", help="browse and export only")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    sub.add_parser("tui", help="open the app (the default)")

    p = sub.add_parser("import", help="import report files (.md/.txt, .csv, .xlsx)")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")

    p = sub.add_parser("list", help="list projects")
    _add_filter_options(p)
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")

    p = sub.add_parser("show", help="show one project")
    p.add_argument("id")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("set-status", help="set 工作成效")
    p.add_argument("id")
    p.add_argument("status", help=" | ".join(STATUSES))
    p.add_argument("--note", default="", help="why (kept in history)")

    p = sub.add_parser("note", help="add a dated progress update")
    p.add_argument("id")
    p.add_argument("--month", required=True, help="YYYY-MM")
    p.add_argument("text")

    p = sub.add_parser("history", help="recorded changes")
    p.add_argument("id", nargs="?")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("export", help="export projects")
    p.add_argument("--format", choices=["json"], default="json")
    p.add_argument("-o", "--output", default="-", help="file, or - for standard output")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    _add_filter_options(p)
    return parser


def _add_filter_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--department", default="", help="牵头单位 contains TEXT")
    p.add_argument("--level", choices=LEVELS, action="append", help="项目等级 (repeatable)")
    p.add_argument("--status", action="append", help="工作成效 (repeatable)")
    p.add_argument("--search", default="", help="text or pinyin to look for")


def _query(args: argparse.Namespace) -> ProjectQuery:
    return ProjectQuery(
        department_text=args.department,
        levels=frozenset(args.level or ()),
        statuses=frozenset(args.status or ()),
        search=args.search,
    )


def open_store(db: Path | None, *, read_only: bool = False) -> ProjectStore:
    """Open the database; a first run on the default file loads the bundled report."""
    path = db or default_db_path()
    first_run = db is None and not path.exists()
    store = ProjectStore(path, read_only=read_only)
    if first_run and not read_only:
        result = store.import_report(
            read_report(BUNDLED_REPORT), source=f"import:{BUNDLED_REPORT.name}"
        )
        print(
            f"minsheng: created {path} with the bundled report {BUNDLED_REPORT.name} "
            f"({len(result.new)} projects)",
            file=sys.stderr,
        )
    return store


def _project_line(p: Project) -> list[Text]:
    return [
        Text(p.id),
        Text(p.name),
        Text(p.department),
        Text(p.level),
        Text(p.status),
        Text(p.deadline),
        Text(clean_text(latest_progress(p), single_line=True)),
    ]


def cmd_list(store: ProjectStore, args: argparse.Namespace) -> None:
    """Print the selected projects."""
    projects = ProjectIndex(store.projects(), store.report()).apply(_query(args))
    if args.json:
        print(json.dumps([p.to_dict() for p in projects], ensure_ascii=False, indent=2))
        return
    table = Table(show_lines=False, expand=False, pad_edge=False)
    for header, opts in (
        ("编号", {"no_wrap": True}),
        ("项目名称", {"ratio": 3, "overflow": "ellipsis", "no_wrap": True}),
        ("牵头单位", {"ratio": 2, "overflow": "ellipsis", "no_wrap": True}),
        ("项目等级", {"no_wrap": True}),
        ("工作成效", {"no_wrap": True}),
        ("完成时限", {"no_wrap": True}),
        ("最新进展", {"ratio": 3, "overflow": "ellipsis", "no_wrap": True}),
    ):
        table.add_column(header, **opts)  # type: ignore[arg-type]
    for p in projects:
        table.add_row(*_project_line(p))
    console = _out()
    console.print(table)
    console.print(Text(f"{len(projects)} / {len(store.projects())}"))


def cmd_show(store: ProjectStore, args: argparse.Namespace) -> None:
    """Print one project."""
    p = store.get(args.id)
    if args.json:
        print(json.dumps(p.to_dict(), ensure_ascii=False, indent=2))
        return
    console = _out()
    console.print(Text(f"{p.id}  {p.name}", style="bold"))
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True, style="bold")
    grid.add_column()
    rows = [
        ("项目等级", p.level),
        ("牵头单位", p.department),
        ("工作成效", p.status),
        ("完成时限", p.deadline or p.deadline_raw),
        ("项目概况", p.overview),
        ("任务目标", p.target),
        ("月度计划", p.plan),
        ("推进情况", p.progress),
    ]
    rows += [(f"{u.month} 进展", f"{u.text}（{u.by} {u.at}）") for u in p.updates]
    rows += [(k, v) for k, v in p.extra.items()]
    for label, value in rows:
        grid.add_row(Text(label), Text(clean_text(value)))
    console.print(grid)


def cmd_history(store: ProjectStore, args: argparse.Namespace) -> None:
    """Print recorded changes."""
    changes = store.history(args.id)
    if args.json:
        print(
            json.dumps(
                [c.__dict__ for c in changes], ensure_ascii=False, indent=2, default=str
            )
        )
        return
    table = Table(pad_edge=False)
    for header in ("时间", "编号", "字段", "原值", "新值", "修改人", "来源"):
        table.add_column(header, overflow="ellipsis", no_wrap=True)
    for c in changes:

        def short(value: object) -> Text:
            text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
            return Text(clean_text(text or "", single_line=True)[:40])

        table.add_row(
            Text(c.at), Text(c.project), Text(c.field), short(c.old), short(c.new),
            Text(c.by), Text(c.source),
        )
    _out().print(table)


def cmd_import(store: ProjectStore, args: argparse.Namespace) -> None:
    """Import files; all are read before any is stored, so a bad file changes nothing."""
    parsed = [(path, read_report(path)) for path in args.files]
    for path, report in parsed:
        result = store.import_report(report, source=f"import:{path.name}")
        print(f"{path}: {result.summary()}")
        for warning in result.warnings:
            print(f"  warning: {clean_text(warning, single_line=True)}")


def cmd_export(store: ProjectStore, args: argparse.Namespace) -> None:
    """Write an export to a file or standard output."""
    projects = ProjectIndex(store.projects(), store.report()).apply(_query(args))
    data = export_json(store.report(), projects)
    if args.output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    write_export(Path(args.output), data, force=args.force)
    print(f"wrote {len(projects)} projects to {args.output}", file=sys.stderr)


def run(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, run one command, and return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    command = args.command or "tui"
    try:
        if command == "import":
            for path in args.files:  # a missing file is bad input, found before opening the DB
                if not path.is_file():
                    raise CliError(f"{path}: no such file")
        store = open_store(args.db, read_only=args.read_only)
        if command == "tui":
            from tui.app import run_app

            return run_app(store)
        if command == "import":
            cmd_import(store, args)
        elif command == "list":
            cmd_list(store, args)
        elif command == "show":
            cmd_show(store, args)
        elif command == "set-status":
            p = store.set_status(args.id, args.status, note=args.note, source="cli")
            print(f"{p.id} 工作成效: {p.status}")
        elif command == "note":
            p = store.add_update(args.id, args.month, args.text, source="cli")
            print(f"{p.id}: update for {p.updates[-1].month} added")
        elif command == "history":
            cmd_history(store, args)
        elif command == "export":
            cmd_export(store, args)
    except (CliError, StoreError, ImportFormatError, DatabaseError, ExportError) as exc:
        _err(str(exc))
        return 1
    except BrokenPipeError:
        return 0
    except OSError as exc:
        _err(f"{getattr(exc, 'filename', '') or ''}: {exc.strerror or exc}")
        return 1
    return 0
