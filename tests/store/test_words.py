"""The catalogue of messages: all in Chinese, every one used, every use filled as written."""

from __future__ import annotations

import ast
import datetime as dt
import re
import string
from pathlib import Path

import pytest

from store import words
from store.words import (
    MESSAGES,
    count,
    day,
    history_note,
    json_problem,
    moment,
    month,
    months,
    os_problem,
    say,
    size,
    source,
)

ROOT = Path(__file__).resolve().parents[2]
#: Where messages are said: the store, the importers, the app and the command line.
PACKAGES = ("store", "importers", "tui")

#: Latin words a Chinese message may hold: formats, encodings, file systems, units, names.
ALLOWED = {
    "JSON", "SQLite", "NFS", "SMB", "sshfs", "xlsx", "csv", "CSV", "md", "html", "docx",
    "UTF", "GB18030", "Big5", "Shift", "JIS", "MiB", "KiB", "XML", "NUL", "FIFO", "Excel",
    "WPS", "YYYY", "MM",
}  # fmt: skip
_PLACEHOLDER_RE = re.compile(r"\{[^{}]*\}")
_OPTION_RE = re.compile(r"--[A-Za-z][\w-]*")
_SUFFIX_RE = re.compile(r"\.[A-Za-z]+\b")
_COMMAND_RE = re.compile(r"minsheng(?: +(?:[a-z]+|\{\}))*")  # a command to type, as typed
_KEY_RE = re.compile(r'"[a-z_]+"')  # a stored key named as the file has it: "projects"
#: three or more Latin words in a row, with only spaces or Latin punctuation between them
_SENTENCE_RE = re.compile(r"[A-Za-z]+(?:[ ,;:'()/-]+[A-Za-z]+){2,}")


def english(text: str) -> list[str]:
    """The English sentences in a message: runs of three Latin words or more, once file
    extensions, --options, placeholders, a typed command and the allowed words are taken out."""
    text = _PLACEHOLDER_RE.sub("{}", text)
    text = _COMMAND_RE.sub(" ", text)
    text = _OPTION_RE.sub(" ", text)
    text = _SUFFIX_RE.sub(" ", text)
    text = _KEY_RE.sub(" ", text)
    text = re.sub(r"[A-Za-z]+", lambda m: " " if m[0] in ALLOWED else m[0], text)
    return _SENTENCE_RE.findall(text.replace("{}", " "))


def test_the_detector_finds_english_and_lets_the_allowed_words_through() -> None:
    assert english("the file is empty") == ["the file is empty"]
    assert english("{path}: not a JSON snapshot") != []  # an allowed word inside English
    assert english("文件超过 {limit}（上限）") == []
    assert english("不是 UTF-8 或 UTF-16 文本，按 GB18030 读取；Big5、Shift-JIS 须另存") == []
    assert english("（加 --force 覆盖，或 --i-know-locks-may-fail）") == []
    assert english("恢复：minsheng --db {db} db restore {name}") == []


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_no_message_is_an_english_sentence(key: str) -> None:
    assert english(MESSAGES[key]) == [], MESSAGES[key]


def _sources() -> dict[Path, str]:
    """Every module that may say something, with the catalogue itself left out of words.py."""
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            if path == Path(words.__file__).resolve():
                catalogue = next(
                    node
                    for node in ast.parse(text).body
                    if isinstance(node, ast.AnnAssign) and ast.unparse(node.target) == "MESSAGES"
                )
                text = text.replace(ast.get_source_segment(text, catalogue) or "", "")
            found[path] = text
    return found


def test_every_message_is_used() -> None:
    text = "\n".join(_sources().values())
    unused = [key for key in MESSAGES if f'"{key}"' not in text]
    assert unused == []


def _says(tree: ast.AST) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Name) and node.func.id == "say")
            or (isinstance(node.func, ast.Attribute) and node.func.attr == "say")
        )
    ]


def test_every_use_names_a_message_and_fills_exactly_its_blanks() -> None:
    uses = 0
    for path, text in _sources().items():
        for call in _says(ast.parse(text)):
            where = f"{path.relative_to(ROOT)}:{call.lineno}"
            assert call.args and isinstance(call.args[0], ast.Constant), where
            key = call.args[0].value
            assert key in MESSAGES, where
            blanks = {name for _, name, _, _ in string.Formatter().parse(MESSAGES[key]) if name}
            assert {k.arg for k in call.keywords} == blanks, (where, key)
            uses += 1
    assert uses > len(MESSAGES) / 2  # the scan sees the calls


def test_numbers_are_written_as_an_office_writes_them() -> None:
    assert [count(n) for n in (0, 7, 1001, 16384, 131072, 123456789)] == [
        "0", "7", "1001", "16384", "131072", "123456789",
    ]  # fmt: skip
    assert [count(n) for n in (10_000, 15_000, 20_000, 100_000, 1_000_000, 300_000_000)] == [
        "1万", "1.5万", "2万", "10万", "100万", "3亿",
    ]  # fmt: skip
    assert [size(n) for n in (1000, 2048, 64 * 1024 * 1024, 300_000_000)] == [
        "1000 字节", "2 KiB", "64 MiB", "286.1 MiB",
    ]  # fmt: skip


def test_dates_and_months_are_written_as_an_office_writes_them() -> None:
    assert day(dt.date(2023, 6, 30)) == "2023年6月30日"
    assert month(2023, 8) == "2023年8月"
    assert (months(1, 6), months(7, 7)) == ("1-6月", "7月")
    assert moment("2023-07-01T09:30:00") == "2023年7月1日 09:30"  # no zone: as written
    assert moment("not a time") == "not a time"


def test_sources_read_as_people_say_them() -> None:
    assert [source(c) for c in ("tui", "cli", "undo", "restore", "import:t.md", "x")] == [
        "界面", "命令行", "撤销", "恢复备份", "导入 t.md", "x",
    ]  # fmt: skip
    assert say("where.at", where="t.md 第3行", what="文件是空的") == "t.md 第3行：文件是空的"


def test_the_json_reader_s_complaints_are_said_in_chinese() -> None:
    import json

    said = []
    for text in ("{", '{"a" 1}', "[1,]", '{"a":1}x', '"abc', '{"a":1 "b":2}'):
        with pytest.raises(json.JSONDecodeError) as info:
            json.loads(text)
        said.append(json_problem(info.value.msg))
    assert said == [
        "缺少用双引号括起的键名", "缺少冒号", "缺少一个值", "数据结束后还有多余的内容",
        "字符串没有结束", "缺少逗号",
    ]  # fmt: skip
    assert json_problem("something new") == "something new"


def test_the_system_s_common_complaints_are_said_in_chinese() -> None:
    import errno

    assert os_problem(OSError(errno.ENOSPC, "No space left on device")) == "磁盘已满"
    assert os_problem(PermissionError(errno.EACCES, "Permission denied", "x")) == "没有权限"
    assert os_problem(OSError(errno.EMLINK, "Too many links")) == "Too many links"  # as said
    assert os_problem(ValueError("bad")) == "bad"


def test_an_undo_s_stored_note_reads_in_chinese() -> None:
    assert history_note("undo of change 21") == "撤销第21条更改"
    assert history_note("undo of change x") == "undo of change x"  # not an undo's: as written
    assert history_note("县教育局 并入 县教体局") == "县教育局 并入 县教体局"


#: Text in these is matched against, not shown: argparse's English, which it translates.
_MATCHED = ("tui/zh_argparse.py",)
#: a widget's id or class, a CSS selector that starts with one ('period-row', '#a .b'), or an
#: action a binding runs ("view('plan')")
_NAME_RE = re.compile(
    r"[a-z][a-z0-9_-]*|[#.][a-z][\w-]*(?:[ >,]+[#.]?[A-Za-z][\w-]*)*|[a-z_.]+\([^()]*\)"
)


def _shown_literals(path: Path) -> list[tuple[int, str]]:
    """The string literals of a module that may reach a user: not docstrings, dict keys (the
    English a translation table reads), assertions' messages, CSS, or widget ids."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    hidden: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            hidden.add(id(body[0].value))  # a docstring
        if isinstance(node, ast.Dict):
            hidden.update(id(k) for k in node.keys if k is not None)
        if isinstance(node, ast.Assert) and node.msg is not None:
            hidden.update(id(n) for n in ast.walk(node.msg))
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(ast.unparse(t).endswith("CSS") for t in targets):
                hidden.update(id(n) for n in ast.walk(node))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in hidden
        and not _NAME_RE.fullmatch(node.value)
    ]


def test_no_string_the_app_or_the_command_line_shows_is_english() -> None:
    found = []
    for path in sorted((ROOT / "tui").rglob("*.py")):
        if path.relative_to(ROOT).as_posix() in _MATCHED:
            continue
        for line, text in _shown_literals(path):
            if english(text):
                found.append(f"{path.relative_to(ROOT)}:{line}: {text!r}")
    assert found == []


def test_the_literal_scan_sees_an_english_notice() -> None:
    tree = 'def f(app):\n    """Doc string here."""\n    app.notify("the file was saved")\n'
    with_english = ROOT / "tests" / "store" / "_scan_probe.py"
    try:
        with_english.write_text(tree, encoding="utf-8")
        shown = [text for _, text in _shown_literals(with_english)]
    finally:
        with_english.unlink()
    assert shown == ["the file was saved"]


_HAN_RE = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
#: Chinese kept where it is registered, each table one place for its idea (ROOT-relative):
#: argparse's messages, each beside the English pattern it translates; and Textual's own
#: key descriptions, each beside Textual's English.
_REGISTERED = {
    "tui/zh_argparse.py": None,  # the whole module is that one table
    "tui/widgets/key_help.py": "TEXTUAL_WORDS",
}


def _registered(tree: ast.AST) -> set[int]:
    """The string constants that belong to a registry: a binding's description and tooltip
    (the screen's key table, which the key bar, the help and the palette read), a pattern
    to match (re.compile), and the names of statuses and 序时 classes (registered in
    store.vocabulary, used as keys: ``{"滞后": "bold red"}``)."""
    from store.vocabulary import SCHEDULE_CLASSES, STATUSES

    names = {*STATUSES, *SCHEDULE_CLASSES}
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            called = ast.unparse(node.func)
            if called in ("Binding", "re.compile"):
                found.update(id(n) for n in ast.walk(node))
        if isinstance(node, ast.Constant) and node.value in names:
            found.add(id(node))
    return found


def chinese_in_place(path: Path) -> list[tuple[int, str]]:
    """The string literals of an app module that hold Chinese a user reads and are neither in
    the catalogue nor in a registry (docstrings, dict keys and CSS are not shown)."""
    relative = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name
    if relative in _REGISTERED and _REGISTERED[relative] is None:
        return []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    allowed = _registered(tree)
    table = _REGISTERED.get(relative)
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AnnAssign) and table is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(ast.unparse(t) == table for t in targets):
                allowed.update(id(n) for n in ast.walk(node))
    constants = {
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) in allowed
    }
    return [(line, text) for line, text in _shown_literals(path) if _HAN_RE.search(text)
            and (line, text) not in constants]  # fmt: skip


def test_the_app_says_nothing_in_chinese_outside_the_catalogue() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}: {text!r}"
        for path in sorted((ROOT / "tui").rglob("*.py"))
        for line, text in chinese_in_place(path)
    ]
    assert found == [], "a message the app shows belongs in store/words.py's MESSAGES"


def test_the_chinese_scan_sees_a_notice_written_in_place(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(
        '"""模块说明。"""\n'
        "from textual.binding import Binding\n"
        'BINDINGS = [Binding("q", "quit", "退出")]\n'
        'STYLE = {"滞后": "bold red"}\n'
        "def f(app):\n"
        '    app.notify("已保存")\n'
        '    app.notify(f"{app.name} 已保存（{len(app.name)} 个字）")\n'
        '    app.notify("（" + app.name + "）")\n',
        encoding="utf-8",
    )
    assert [text for _, text in chinese_in_place(probe)] == ["已保存", " 已保存（", " 个字）"]
