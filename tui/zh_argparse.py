"""argparse speaking Chinese: its headings, its own ``-h``, and its error messages.

argparse writes its words through ``gettext``, whose catalogue depends on the user's locale;
an office's server often runs with ``LANG=C``. So the words are put in here whatever the locale:
the headings of usage and help, the ``-h`` option's line, and each of the errors argparse raises
(read back from the English it formats, by the patterns below).
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any, NoReturn

from rich.cells import cell_len

# Patterns as text: compiled (and kept by ``re``'s cache) when help or an error is first
# shown, not at every start of the app.
_HEADINGS = (
    (r"^usage: ", "用法："),
    (r"^positional arguments:$", "参数："),
    (r"^options:$", "选项："),
)

#: argparse's own error messages (Python 3.11-3.13), and how they read in Chinese.
_ERRORS: tuple[tuple[str, str], ...] = tuple(
    (pattern, words)
    for pattern, words in (
        (r"the following arguments are required: (?P<a>.+)", "缺少参数：{a}"),
        (r"unrecognized arguments: (?P<a>.+)", "不认识的参数：{a}"),
        (r"one of the arguments (?P<a>.+) is required", "以下参数要给一个：{a}"),
        (r"ambiguous option: (?P<a>\S+) could match (?P<b>.+)", "选项 {a} 不明确，可能是：{b}"),
        (r"argument (?P<a>[^:]+): invalid choice: (?P<v>.+?) \(choose from (?P<c>.+)\)",
         "参数 {a}：没有 {v} 这一项（可以是：{c}）"),
        (r"argument (?P<a>[^:]+): invalid (?P<t>\w+) value: (?P<v>.+)",
         "参数 {a}：{v} 不是{t}"),
        (r"argument (?P<a>[^:]+): expected one argument", "参数 {a} 后面要跟一个值"),
        (r"argument (?P<a>[^:]+): expected at least one argument",
         "参数 {a} 后面至少要跟一个值"),
        (r"argument (?P<a>[^:]+): expected at most one argument", "参数 {a} 后面最多跟一个值"),
        (r"argument (?P<a>[^:]+): expected (?P<n>\d+) arguments?",
         "参数 {a} 后面要跟 {n} 个值"),
        (r"argument (?P<a>[^:]+): ignored explicit argument (?P<v>.+)",
         "参数 {a} 不带值（给了 {v}）"),
        (r"argument (?P<a>[^:]+): not allowed with argument (?P<b>.+)",
         "参数 {a} 不能与 {b} 同时使用"),
        (r"argument (?P<a>[^:]+): (?P<m>.+)", "参数 {a}：{m}"),
        (r"can't open '(?P<f>.+)': (?P<e>.+)", "打不开 {f}：{e}"),
    )
)  # fmt: skip
#: type names argparse puts in "invalid ... value"
_TYPES = {"int": "整数", "float": "数字"}


def chinese_error(message: str) -> str:
    """argparse's English error message in Chinese (a message of ours passes unchanged)."""
    for pattern, words in _ERRORS:
        found = re.fullmatch(pattern, message, re.S)
        if found:
            values = found.groupdict()
            if "t" in values:
                values["t"] = _TYPES.get(values["t"], "有效的值")
            if "c" in values:  # the choices as a list is said: tui、import、list
                values["c"] = "、".join(c.strip("'") for c in values["c"].split(", "))
            if "v" in values and values["v"].startswith("'") and values["v"].endswith("'"):
                values["v"] = f"“{values['v'][1:-1]}”"
            if "m" in values:
                values["m"] = chinese_error(values["m"])
            return words.format(**values)
    return message


#: what may not start a line (it stays with the character before it)
_CLOSING = set("，。；：、）》」』”’！？…")
_TOKEN_RE = (
    r"\s+|[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+"
)


class ChineseHelpFormatter(argparse.HelpFormatter):
    """argparse's help, measured in terminal cells: a Chinese character takes two, so lines
    are wrapped and help columns aligned by cells, not by characters."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        tokens = re.findall(_TOKEN_RE, " ".join(text.split()))
        lines: list[str] = []
        line = ""
        for token in tokens:
            if token.isspace():
                token = " "
            if line and cell_len(line + token) > width and token != " " and token not in _CLOSING:
                lines.append(line.rstrip())
                line = ""
            if line or token != " ":
                line += token
        if line.strip():
            lines.append(line.rstrip())
        return lines

    def _format_action(self, action: argparse.Action) -> str:
        text = super()._format_action(action)
        header = self._format_action_invocation(action)
        extra = cell_len(header) - len(header)  # wide characters padded as if narrow
        first, newline, rest = text.partition("\n")
        start = " " * self._current_indent + header
        if extra and first.startswith(start) and first[len(start) :].startswith("  "):
            after = first[len(start) :]
            column = len(start) + len(after) - len(after.lstrip(" "))  # where help starts
            if after.startswith(" " * (extra + 2)):
                first = start + after[extra:]
            else:  # too wide to stand beside its help: the help goes on the next line
                first = start + "\n" + " " * column + after.lstrip(" ")
        return first + newline + rest

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(indent + line for line in self._split_lines(text, width - len(indent)))


class ChineseArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose usage, help and errors are in Chinese (sub-parsers too)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        add_help = kwargs.pop("add_help", True)
        kwargs["add_help"] = False  # (ours below: its line in Chinese)
        super().__init__(*args, **kwargs)
        if add_help:
            self.add_argument("-h", "--help", action="help", help="显示这份说明，然后退出")

    def format_usage(self) -> str:
        return _chinese_headings(super().format_usage())

    def format_help(self) -> str:
        return _chinese_headings(super().format_help())

    def error(self, message: str) -> NoReturn:
        """Usage, then the problem in a line (exit status 2, as argparse has it)."""
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：{chinese_error(message)}\n")


def _chinese_headings(text: str) -> str:
    for pattern, words in _HEADINGS:
        text = re.sub(pattern, words, text, flags=re.M)
    return text
