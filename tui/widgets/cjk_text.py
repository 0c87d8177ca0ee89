"""CJKText: Rich text that does not start a wrapped line with closing punctuation.

Rich folds Chinese text at any character, so a line may begin with "，" or "。", which reads
like a typo to anyone used to printed Chinese (the 避头 rule of line breaking). This moves
such a break one character earlier (two for "。”"), so the punctuation follows the character
before it onto the next line. Only the breaks change: every character is kept.
"""

from __future__ import annotations

from rich.cells import cell_len, get_character_cell_size
from rich.console import Console, JustifyMethod, OverflowMethod
from rich.containers import Lines
from rich.text import Text

#: characters that should not begin a line (closing punctuation, full and half width)
NO_LINE_START = frozenset("，。、；：？！）》」』】〕〉’”…·%‰℃,.;:?!)]}")


def _is_word(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char in "-_./%")


def _word_start(text: str, start: int, cut: int, width: int) -> int:
    """A break inside what follows a space on this line, or inside a Latin word or a number,
    moves to its start if it fits a line (as Rich keeps words whole)."""
    run = cut
    while run > start and text[run - 1] != " ":
        run -= 1
    if run > start:
        end = cut
        while end < len(text) and text[end] != " ":
            end += 1
        if cell_len(text[run:end]) <= width:
            return run
    if not (_is_word(text[cut - 1]) and _is_word(text[cut])):
        return cut
    word = end = cut
    while word > start and _is_word(text[word - 1]):
        word -= 1
    while end < len(text) and _is_word(text[end]):
        end += 1
    return word if word > start and cell_len(text[word:end]) <= width else cut


def line_breaks(text: str, width: int) -> list[int]:
    """Where the lines of ``text`` wrapped to ``width`` cells begin (after the first).

    Chinese text breaks between any two characters, but never before closing punctuation if
    it can be helped (the character before it goes along); what follows a space, a Latin word
    or a number moves whole to the next line when it fits one; spaces at a break stay at the
    end of the line before it. One pass: a long text costs about its length.
    """
    breaks: list[int] = []
    start = used = i = 0
    n = len(text)
    while i < n:
        size = get_character_cell_size(text[i])
        if used + size <= width or i == start:  # (a line holds at least one character)
            used += size
            i += 1
            continue
        cut = i  # text[i] does not fit: the line is text[start:i]
        if text[cut] == " ":
            while cut < n and text[cut] == " ":
                cut += 1
            if cut == n:
                break
        else:
            back = cut
            while back - 1 > start and cut - back < 2 and text[back] in NO_LINE_START:
                back -= 1
            if text[back] not in NO_LINE_START:
                cut = back  # the punctuation takes the character before it along
            cut = _word_start(text, start, cut, width)
        breaks.append(cut)
        start = i = cut
        used = 0
    return breaks


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
            pieces = line.divide(line_breaks(line.plain, width))
            for piece in pieces:
                piece.rstrip_end(width)
            pieces.justify(console, width, justify=wrap_justify, overflow=wrap_overflow)
            for piece in pieces:
                piece.truncate(width, overflow=wrap_overflow)
            lines.extend(pieces)
        return lines
