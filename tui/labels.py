"""Words for what the store records in English: where a change came from."""

from __future__ import annotations

_SOURCES = {"tui": "界面", "cli": "命令行", "undo": "撤销", "restore": "恢复备份"}


def source_label(source: str) -> str:
    """'tui' -> '界面', 'import:lanling.md' -> '导入 lanling.md'; anything else as written."""
    kind, _, rest = source.partition(":")
    if kind == "import":
        return f"导入 {rest}".strip()
    if kind in _SOURCES:
        return f"{_SOURCES[kind]} {rest}".strip()
    return source
