"""Everything the command line prints is in Chinese: each refusal it can make, argparse's own
usage errors, every `--help`, and what each command says when it works (JSON output aside).

The detector is the catalogue's (tests/store/test_words.py): three Latin words in a row, once
options, file extensions, a typed command and the allowed words (formats, encodings) are out;
paths (this test's folders) are taken out first.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.store.test_words import english
from tui.cli import build_parser, waiting_notice
from tui.crash import crash_message

_PATH_RE = re.compile(r"\S*/\S*")  # a path: its folders' names are not words said to anyone


def said(text: str, *folders: Path) -> list[str]:
    """The English sentences in what was printed (paths out)."""
    for folder in sorted({str(f) for f in (*folders, ROOT)}, key=len, reverse=True):
        text = text.replace(folder, " ")
    return english(_PATH_RE.sub(" ", text))


def test_the_detector_sees_english_through_a_path() -> None:
    assert said("minsheng：/tmp/x/db.json: no such database") == ["no such database"]
    assert said("minsheng：/tmp/x/db.json：没有这个数据库") == []


@pytest.fixture
def db(tmp_path: Path, cli: Any, bundled: Path) -> Path:
    path = tmp_path / "db.json"
    assert cli("--db", path, "import", bundled).code == 0
    return path


def _commands() -> list[list[str]]:
    """Every sub-command (and sub-sub-command) of the parser, as argv."""
    found: list[list[str]] = [[]]

    def walk(parser: argparse.ArgumentParser, prefix: list[str]) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    found.append([*prefix, name])
                    walk(child, [*prefix, name])

    walk(build_parser(), [])
    return found


COMMANDS = _commands()


def test_every_command_is_seen() -> None:
    names = {" ".join(c) for c in COMMANDS}
    assert {"import", "list", "units merge", "db restore", "diff", "serve"} <= names
    assert len(COMMANDS) > 20


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "minsheng")
def test_every_help_is_in_chinese(command: list[str], cli: Any) -> None:
    result = cli(*command, "--help")
    assert result.code == 0 and result.out.startswith("用法：minsheng")
    assert said(result.out + result.err) == [], result.out
    assert "选项：" in result.out


#: (argv after `--db DB`, exit status): each a refusal the command line can make. {tmp} is the
#: test's folder, {db} the database (of the bundled report).
REFUSALS: list[tuple[list[str], int]] = [
    # argparse's own: usage errors
    (["frobnicate"], 2),
    (["list", "--bogus"], 2),
    (["set-status"], 2),
    (["note", "X01", "主体完工"], 2),
    (["--wait", "soon", "list"], 2),
    (["--wait"], 2),
    (["import", "--period", "13-14", "{bundled}"], 2),
    (["list", "--status", "很好"], 2),
    (["list", "--level", "乡级"], 2),
    (["list", "--sort", "colour"], 2),
    (["export", "--format", "pdf"], 2),
    (["bulletin", "--date", "2023-13-01"], 2),
    (["set-status", "X01", "滞后", "--expect-revision", "two"], 2),
    (["serve", "--port", "http"], 2),
    (["db"], 2),
    # files to import
    (["import", "{tmp}/nowhere.md"], 1),
    (["import", "{tmp}"], 1),
    (["import", "{tmp}/notes.md"], 1),
    (["import", "{tmp}/empty.md"], 1),
    (["import", "{tmp}/broken.xlsx"], 1),
    (["import", "--period", "1-8", "{bundled}"], 1),
    # projects, months, statuses, periods, revisions
    (["show", "Z99"], 1),
    (["history", "Z99"], 1),
    (["set-status", "Z99", "滞后"], 1),
    (["note", "X01", "--month", "2023-13", "主体完工"], 1),
    (["note", "X01", "--month", "2023-07", " "], 1),
    (["period", "13-14"], 1),
    (["period", "七月"], 1),
    (["set-status", "X01", "滞后", "--expect-revision", "99"], 1),
    (["--read-only", "set-status", "X01", "滞后"], 1),
    (["schedule", "--thresholds", "1,2"], 1),
    (["schedule", "--thresholds", "70,90,110"], 1),
    (["units", "merge", "县医保局", "县医保局"], 1),
    (["units", "unmerge", "县医保局"], 1),
    # exports and bulletins
    (["export", "-o", "{tmp}/out.txt"], 1),
    (["export", "-o", "{tmp}/taken.json"], 1),
    (["export", "-o", "{tmp}"], 1),
    (["export", "-o", "{tmp}/no/folder.json"], 1),
    (["bulletin", "-o", "{tmp}/b.txt"], 1),
    (["bulletin", "-o", "{tmp}/b"], 1),
    (["bulletin", "-o", "{tmp}/taken.json", "--format", "md"], 1),
    (["bulletin", "-o", "{tmp}/no/folder.md"], 1),
    # backups, snapshots, comparisons
    (["db", "restore", "minsheng-20231128.json"], 1),
    (["--read-only", "db", "restore", "minsheng-20231128.json"], 1),
    (["diff"], 1),
    (["diff", "{tmp}/nope.json", "db"], 1),
    (["diff", "{tmp}", "db"], 1),
    (["diff", "{tmp}/taken.json", "db"], 1),
    (["diff", "{tmp}/notes.md", "db"], 1),
]


def _prepare(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("一些笔记，没有表格\n", encoding="utf-8")
    (tmp_path / "empty.md").write_bytes(b"")
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    (tmp_path / "taken.json").write_text("not json at all", encoding="utf-8")


@pytest.mark.parametrize(
    ("argv", "status"), REFUSALS, ids=[" ".join(a) for a, _ in REFUSALS]
)  # fmt: skip
def test_every_refusal_is_one_line_of_chinese(
    argv: list[str], status: int, cli: Any, db: Path, tmp_path: Path, bundled: Path
) -> None:
    _prepare(tmp_path)
    args = [a.format(tmp=tmp_path, db=db, bundled=bundled) for a in argv]
    result = cli("--db", db, *args)
    assert result.code == status, result.err
    assert result.out == ""
    assert said(result.err, tmp_path) == [], result.err
    lines = result.err.splitlines()
    assert lines and lines[-1].startswith("minsheng"), result.err
    if status == 1:  # ours: one line, the program's name, then what is wrong
        assert len(lines) == 1 and lines[0].startswith("minsheng："), result.err


@pytest.mark.parametrize(
    "argv",
    [
        ["list"],
        ["--read-only", "list"],
        ["--read-only", "import", "{bundled}"],
        ["db", "check"],
        ["db", "restore", "x.json"],
    ],
    ids=" ".join,
)
def test_a_database_that_is_not_there_is_refused_in_chinese(
    argv: list[str], cli: Any, tmp_path: Path, bundled: Path
) -> None:
    args = [a.format(bundled=bundled) for a in argv]
    result = cli("--db", tmp_path / "nowhere" / "db.json", *args)
    assert result.code == 1 and len(result.err.splitlines()) == 1
    assert said(result.err, tmp_path) == [], result.err


def test_a_broken_database_is_refused_and_checked_in_chinese(cli: Any, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"projects": {"1": ', encoding="utf-8")
    opened = cli("--db", broken, "list")
    assert opened.code == 1 and said(opened.err, tmp_path) == [], opened.err
    checked = cli("--db", broken, "db", "check")
    assert checked.code == 1 and said(checked.out + checked.err, tmp_path) == [], checked.err


#: commands that work, and what they print (JSON aside: it is for programs)
WORKING = [
    ["list"],
    ["show", "S14"],
    ["schedule"],
    ["schedule", "--thresholds", "110,90,70"],
    ["units"],
    ["units", "merge", "体育局", "县教育体育局"],
    ["units", "unmerge", "体育局"],
    ["period"],
    ["period", "1-6"],
    ["set-status", "S14", "滞后", "--note", "进度慢"],
    ["note", "X01", "--month", "2023-07", "主体完工"],
    ["history"],
    ["history", "S14"],
    ["db", "check"],
    ["export", "-o", "{tmp}/out.xlsx"],
    ["export", "-o", "{tmp}/out.md", "--level", "县级"],
    ["bulletin", "-o", "{tmp}/通报.md"],
    ["snapshot"],
    ["snapshots"],
    ["import", "{bundled}"],
]


def test_what_the_commands_say_when_they_work_is_chinese(
    cli: Any, db: Path, tmp_path: Path, bundled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # tables wide enough to show every column whole
    for argv in WORKING:
        args = [a.format(tmp=tmp_path, bundled=bundled) for a in argv]
        result = cli("--db", db, *args)
        assert result.code == 0, (argv, result.err)
        assert said(result.out + result.err, tmp_path) == [], (argv, result.out, result.err)
    # an undo's note and the diff of the snapshot against the database
    change = cli("--db", db, "history", "S14", "--json").json()[-1]["id"]
    assert cli("--db", db, "history").code == 0
    from store.jsonfile import JSONFileStore

    JSONFileStore(db).undo(change, source="cli")
    history = cli("--db", db, "history", "S14")
    assert f"撤销第{change}条更改" in history.out and said(history.out) == []
    diff = cli("--db", db, "diff")
    assert diff.code == 0 and said(diff.out, tmp_path) == [], diff.out
    restored = cli("--db", db, "db", "check")
    backups = [line.split() for line in restored.out.splitlines() if line.startswith("  ")]
    assert backups and all(state == "完好" for *_, state in backups), restored.out
    backup = backups[-1][0]
    back = cli("--db", db, "db", "restore", backup)
    assert back.code == 0 and said(back.out + back.err, tmp_path) == [], (backup, back.err)


def test_a_first_import_and_an_untitled_table_are_said_in_chinese(
    cli: Any, tmp_path: Path, bundled: Path
) -> None:
    untitled = tmp_path / "untitled.md"
    text = bundled.read_text(encoding="utf-8").split("\n")
    untitled.write_text("\n".join(line for line in text if "月份" not in line), encoding="utf-8")
    fresh = cli("--db", tmp_path / "new.json", "import", bundled, untitled)
    assert fresh.code == 0 and "新建的数据库" in fresh.err
    assert said(fresh.out + fresh.err, tmp_path) == [], fresh.err


def test_the_lock_notice_and_a_crash_s_line_are_chinese(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    waiting_notice(tmp_path / "db.json", 1.5)("wang")
    waiting_notice(tmp_path / "db.json", None)("")
    err = capsys.readouterr().err
    assert "1.5 秒后放弃" in err and "另一个进程正在保存" in err
    assert said(err, tmp_path) == [], err
    for log in (tmp_path / "crash.log", None):
        line = crash_message(RuntimeError("secret"), log)
        assert "意外出错（RuntimeError）" in line and said(line, tmp_path) == [], line
