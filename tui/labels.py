"""Words for what the store records as codes: where a change came from (``store.words`` says
them: one place)."""

from __future__ import annotations

from store import words


def source_label(source: str) -> str:
    """'tui' -> '界面', 'import:lanling.md' -> '导入 lanling.md'; anything else as written."""
    return words.source(source)
