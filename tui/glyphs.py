"""The marks the app draws, each with an ASCII stand-in: one registry the widgets read.

A terminal reached over SSH from an old client, or a server whose locale is ``C``, often
shows box drawing, arrows and bullets as question marks. The ASCII profile (``--ascii``, or a
locale that is not UTF-8) draws every border as Textual's ``ascii`` border
(styles/ascii.tcss) and every mark here by its second spelling. Chinese text stays as it is:
a terminal that cannot show UTF-8 cannot show it either, and the app says so once at start.

One process runs one app (``minsheng serve`` starts a process per browser page), so the
profile is the process's: the app sets it when it is built.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import NamedTuple

from rich import box
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.widgets import Checkbox, RadioButton


class Glyph(NamedTuple):
    """A mark as a UTF-8 terminal shows it and as a plain ASCII terminal does."""

    unicode: str
    ascii: str


#: every mark the app draws itself, by what it means
GLYPHS: dict[str, Glyph] = {
    # the sorted column's header
    "sort_ascending": Glyph("▲", "^"),
    "sort_descending": Glyph("▼", "v"),
    # where text is cut to its column (the same width: the columns stay where they are)
    "ellipsis": Glyph("…", "~"),
    # text on its way: 正在导出…, a 序时 cell before its worker is done
    "pending": Glyph("…", "..."),
    # a 序时 class that the reported 工作成效 contradicts
    "differs": Glyph("≠", "!"),
    "differs_words": Glyph("≠", "!="),
    # parts of one line: 排序 · 筛选, 共 N 项 · 已完成 N 项
    "separator": Glyph("·", "|"),
    # a value that is missing
    "none": Glyph("—", "-"),
    # from the old value to the new
    "arrow": Glyph("→", "->"),
    # a pane's rows by another pane's: 分项目等级 × 工作成效
    "times": Glyph("×", "x"),
    "at_least": Glyph("≥", ">="),
    # the chosen radio button, the values picked in a filter pane
    "radio_on": Glyph("●", "*"),
    "radio_off": Glyph("○", " "),
    "picked": Glyph("■", "x"),
    "not_picked": Glyph("□", "-"),
    # the month grid's 报告期 and a month without progress
    "period_mark": Glyph("▌", "|"),
    "warning": Glyph("⚠", "!"),
    # keys in the hints
    "up_down": Glyph("↑↓", "Up/Down"),
    "left_right": Glyph("←→", "Left/Right"),
    # Textual's command palette
    "search": Glyph("🔎", "> "),
}

#: keys as the key bar and the help show them (Textual's own names are arrows and ⏎)
ASCII_KEYS: dict[str, str] = {
    "↑": "Up",
    "↓": "Down",
    "←": "Left",
    "→": "Right",
    "⏎": "Enter",
    "⌫": "Bksp",
}

_ascii = False


def use_ascii(on: bool) -> None:
    """Draw marks (and Textual's own: scrollbars, check boxes) in ASCII or not."""
    global _ascii
    _ascii = on
    ScrollBar.renderer = AsciiScrollBarRender if on else ScrollBarRender
    # Textual's check boxes and radio buttons: ▐X▌ and ▐●▌, [X] and [*] in ASCII
    for toggle, inner in ((Checkbox, "X"), (RadioButton, "●")):
        toggle.BUTTON_LEFT, toggle.BUTTON_RIGHT = ("[", "]") if on else ("▐", "▌")
        toggle.BUTTON_INNER = "*" if on and inner != "X" else inner


def is_ascii() -> bool:
    """Whether marks are drawn in ASCII."""
    return _ascii


def glyph(name: str) -> str:
    """The mark called ``name`` in the current profile."""
    mark = GLYPHS[name]
    return mark.ascii if _ascii else mark.unicode


def ascii_box() -> box.Box:
    """The lines of a Rich table: ASCII, or Rich's default heavy head."""
    return box.ASCII if _ascii else box.HEAVY_HEAD


def cut_marks(text: str) -> str:
    """Text cut by the store (``store.text.fit``'s …) with the current profile's mark: an
    ASCII terminal shows no … (nor the text's own, so those are replaced too)."""
    return text.replace(GLYPHS["ellipsis"].unicode, glyph("ellipsis")) if _ascii else text


def key_display(display: str) -> str:
    """A key as Textual shows it, in the current profile (``⏎`` is ``Enter`` in ASCII)."""
    if not _ascii:
        return display
    return "+".join(ASCII_KEYS.get(part, part) for part in display.split("+"))


class AsciiScrollBarRender(ScrollBarRender):
    """Scrollbars of whole cells: the thumb is its colour, without the eighth blocks at its
    ends (which a plain terminal shows as question marks)."""

    VERTICAL_BARS = [" "] * 8
    HORIZONTAL_BARS = [" "] * 8


def locale_is_utf8(
    environ: Mapping[str, str] | None = None, *, utf8_mode: bool | None = None
) -> bool:
    """Whether the terminal's locale, as the user set it, is UTF-8.

    The first of LC_ALL, LC_CTYPE and LANG that is set decides, as for any terminal program
    (none set is the C locale). Python replaces a C locale by C.UTF-8 at start (PEP 538,
    which writes LC_CTYPE=C.UTF-8 into the environment, and PEP 540's UTF-8 mode), so its
    own encoding says UTF-8 on every server left at ``LANG=C``: an LC_CTYPE of C.UTF-8 is
    taken as that replacement when UTF-8 mode is on without having been asked for
    (``utf8_mode``: this process's, unless given).
    """
    env = os.environ if environ is None else environ
    mode = bool(sys.flags.utf8_mode) if utf8_mode is None else utf8_mode
    coerced = mode and "PYTHONUTF8" not in env
    for name in ("LC_ALL", "LC_CTYPE", "LANG"):
        value = env.get(name, "")
        if not value:
            continue
        if name == "LC_CTYPE" and coerced and value in ("C.UTF-8", "C.utf8", "UTF-8"):
            continue
        codeset = value.partition(".")[2].partition("@")[0]
        return codeset.lower().replace("-", "") == "utf8"
    return False
