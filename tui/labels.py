"""Words for what the store records in English: where a change came from, what it changed."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from store.interface import Change

_SOURCES = {"tui": "界面", "cli": "命令行", "undo": "撤销", "restore": "恢复备份"}

#: the note the store gives an undo ("undo of change 12"; in Chinese, 撤销 and the number),
#: which is how an undo recorded before its source said "undo:" is known
_UNDO_NOTE = re.compile(r"^\s*(?:undo of change|撤销)\D*(\d+)")


def source_label(source: str, note: str = "") -> str:
    """'tui' -> '界面', 'import:lanling.md' -> '导入 lanling.md', 'undo:tui' -> '撤销' (as is
    an older undo, known by its ``note``); anything else as written."""
    kind, _, rest = source.partition(":")
    if kind == "undo" or _UNDO_NOTE.match(note):
        return _SOURCES["undo"]
    if kind == "import":
        return f"导入 {rest}".strip()
    if kind in _SOURCES:
        return f"{_SOURCES[kind]} {rest}".strip()
    return source


def note_label(note: str) -> str:
    """A change's note in the report's words: an undo's says which change it took back."""
    undo = _UNDO_NOTE.match(note)
    return f"撤销序号 {undo.group(1)} 的修改" if undo else note


def _update_line(update: Mapping[str, Any]) -> str:
    return f"{update.get('month', '')} {update.get('text', '')}".strip()


def _updates(value: object) -> list[Mapping[str, Any]]:
    if not isinstance(value, list):
        return []
    return [u for u in value if isinstance(u, Mapping)]


def value_text(value: object) -> str:
    """A recorded value as text: as written, a list of updates as their month and text, other
    structures as JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value and len(_updates(value)) == len(value):
        return "；".join(_update_line(u) for u in value)
    return json.dumps(value, ensure_ascii=False)


def change_values(change: Change) -> tuple[str, str]:
    """What a change replaced and what it wrote, as text. A change of the updates holds
    every update before and after: shown is only what differs (``2023-07 完成…`` added, or
    the update as it was and as it is now)."""
    if change.field == "*":
        return "", ""
    if change.field == "updates":
        old = [_update_line(u) for u in _updates(change.old)]
        new = [_update_line(u) for u in _updates(change.new)]
        gone = [line for line in old if line not in new]
        came = [line for line in new if line not in old]
        return "；".join(gone), "；".join(came)
    return value_text(change.old), value_text(change.new)
