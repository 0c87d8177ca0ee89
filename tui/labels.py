"""Words for what the store records as codes: where a change came from, what it changed
(``store.words`` says them: one place)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from store.interface import Change
from store.words import UNDO_NOTE, history_note, say
from store.words import source as words_source


def source_label(source: str, note: str = "") -> str:
    """'tui' -> '界面', 'import:lanling.md' -> '导入 lanling.md', 'undo:tui' -> '撤销' (as is
    an older undo, recorded with its editor's source and known by its ``note``); anything
    else as written."""
    kind, _, _rest = source.partition(":")
    if kind == "undo" or note.startswith(UNDO_NOTE):
        return say("source.undo")
    return words_source(source)


def note_label(note: str) -> str:
    """A change's note in the report's words: an undo's says which change it took back."""
    return history_note(note)


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
