"""CJKText: Rich text that does not start a wrapped line with closing punctuation.

Rich folds Chinese text at any character, so a line may begin with "，" or "。", which reads
like a typo to anyone used to printed Chinese (the 避头 rule of line breaking). Here such a
break moves one character earlier (two for "。”"), so the punctuation follows the character
before it onto the next line; a number, a Latin word or what follows a space moves whole
when it fits a line. Only the breaks change: every character is kept.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.cells import cell_len, get_character_cell_size
from rich.console import Console, ConsoleOptions, JustifyMethod, OverflowMethod, RenderResult
from rich.containers import Lines
from rich.measure import Measurement
from rich.text import Text

#: characters that should not begin a line (closing punctuation, full and half width)
NO_LINE_START = frozenset("，。、；：？！）》」』】〕〉’”…·%‰℃,.;:?!)]}")


def _is_word(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char in "-_./%")


def _in_word(text: str, i: int) -> bool:
    """Whether ``text[i]`` is part of a Latin word or a number ("11.5", "30%", "2023-2027",
    and "1,000" or "3+2": a comma or a plus between two of them; "药品,14批" breaks at it)."""
    char = text[i]
    if char in ",+":
        return (
            0 < i < len(text) - 1
            and _is_word(text[i - 1])
            and text[i + 1].isascii()
            and (text[i + 1].isalnum())
        )
    return _is_word(char)


def _run_start(
    text: str, start: int, cut: int, width: int, inside: Callable[[int], bool]
) -> int | None:
    """Where the run of characters ``inside`` accepts that the break at ``cut`` falls in
    begins, if it begins after the line's ``start`` and fits a line; else None."""
    begin = cut
    while begin > start and inside(begin - 1):
        begin -= 1
    if begin == start:
        # The run fills the line, so it cannot move whole: no need to find its end, which
        # in text without spaces is the end of the text (a scan per line made that quadratic).
        return None
    # A run's width only grows with its length, so stop looking for the end once the part
    # seen is too wide; measure at doubling lengths to keep the cost linear.
    end, n, measure_at = cut, len(text), cut - begin + width + 1
    while end < n and inside(end):
        end += 1
        if end - begin >= measure_at:
            if cell_len(text[begin:end]) > width:
                return None
            measure_at *= 2
    return begin if cell_len(text[begin:end]) <= width else None


def _word_start(text: str, start: int, cut: int, width: int) -> int:
    """A break inside what follows a space on this line, or inside a Latin word or a number,
    moves to its start if it fits a line (as Rich keeps words whole)."""
    begin = _run_start(text, start, cut, width, lambda i: text[i] != " ")
    if begin is None and _in_word(text, cut - 1) and _in_word(text, cut):
        begin = _run_start(text, start, cut, width, lambda i: _in_word(text, i))
    return cut if begin is None else begin


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


class _RichWrapped:
    """A CJKText as a Rich renderable that is not a ``Text``: Textual turns a ``Text`` given
    to a widget into its own ``Content`` and wraps that itself (breaking "2023" as "202" /
    "3"), and measures a ``Text``'s height by Rich's plain wrap; through this both go by
    ``CJKText.wrap``."""

    def __init__(self, text: CJKText) -> None:
        self.text = text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.text

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return self.text.__rich_measure__(console, options)


class CJKText(Text):
    """Text whose wrapping keeps closing punctuation off the start of a line."""

    def visualize(self) -> _RichWrapped:
        """What a Textual widget draws (Textual's ``visualize`` protocol)."""
        return _RichWrapped(self)

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
