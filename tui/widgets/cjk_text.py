"""CJKText: Rich text that does not start a wrapped line with closing punctuation.

Rich folds Chinese text at any character, so a line may begin with "，" or "。", which reads
like a typo to anyone used to printed Chinese (the 避头 rule of line breaking). This moves
such a break one character earlier (two for "。”"), so the punctuation follows the character
before it onto the next line. Only the breaks change: every character is kept.
"""

from __future__ import annotations

from rich._wrap import divide_line
from rich.console import Console, JustifyMethod, OverflowMethod
from rich.containers import Lines
from rich.text import Text

#: characters that should not begin a line (closing punctuation, full and half width)
NO_LINE_START = frozenset("，。、；：？！）》」』】〕〉’”…·%‰℃,.;:?!)]}")


def line_breaks(text: str, width: int, *, fold: bool = True) -> list[int]:
    """Where the lines of ``text`` wrapped to ``width`` cells begin (after the first), as Rich
    would break them, but never before a character of NO_LINE_START if it can be helped."""
    breaks: list[int] = []
    start = 0
    while True:
        ahead = divide_line(text[start:], width, fold=fold)
        if not ahead:
            return breaks
        at = start + ahead[0]
        moved = at
        while moved - 1 > start and at - moved < 2 and text[moved] in NO_LINE_START:
            moved -= 1
        if text[moved] in NO_LINE_START:
            moved = at  # nothing better on this line: keep Rich's break
        breaks.append(moved)
        start = moved


class CJKText(Text):
    """Text whose wrapping keeps closing punctuation off the start of a line."""

    def wrap(  # noqa: PLR0913 (Rich's signature)
        self,
        console: Console,
        width: int,
        *,
        justify: JustifyMethod | None = None,
        overflow: OverflowMethod | None = None,
        tab_size: int = 8,
        no_wrap: bool | None = None,
    ) -> Lines:
        if no_wrap or self.no_wrap or overflow == "ignore":
            return super().wrap(console, width, justify=justify, overflow=overflow,
                                tab_size=tab_size, no_wrap=no_wrap)  # fmt: skip
        wrap_overflow = overflow or self.overflow or "fold"
        wrap_justify = justify or self.justify or "default"
        lines = Lines()
        for line in self.split(allow_blank=True):
            if "\t" in line.plain:
                line.expand_tabs(tab_size)
            pieces = line.divide(line_breaks(line.plain, width, fold=wrap_overflow == "fold"))
            for piece in pieces:
                piece.rstrip_end(width)
            pieces.justify(console, width, justify=wrap_justify, overflow=wrap_overflow)
            for piece in pieces:
                piece.truncate(width, overflow=wrap_overflow)
            lines.extend(pieces)
        return lines
