"""Text measured as a terminal shows it: widths in cells (a CJK character takes two).

One helper cuts text to a width for the project list, the panes, the command line and the
snapshot summaries; one list says which starts make a spreadsheet cell a live formula.
"""

from __future__ import annotations

from rich.cells import cell_len, get_character_cell_size

from store.models import clean_text

#: What makes a spreadsheet (Excel, WPS, LibreOffice) read a cell as a formula rather than
#: as text: the OWASP list for CSV injection. Every writer guards these, and the importer
#: takes back the guard it finds before them.
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")

ELLIPSIS = "…"


def fit(text: str, width: int, ellipsis: str = ELLIPSIS, *, pad: bool = True) -> str:
    """``text`` cut or padded to exactly ``width`` cells, ending in ``ellipsis`` where cut.

    Padding is spaces after text that fits, and before the ellipsis when a wide character
    did not fit at the cut (the ellipsis stays at the right edge). Without ``pad`` the
    result is at most ``width`` cells. When even the ellipsis does not fit, the text is
    cut without it.
    """
    if width <= 0:
        return ""
    cells = cell_len(text)
    if cells <= width:
        return text + " " * (width - cells) if pad else text
    mark = cell_len(ellipsis)
    if mark > width:
        ellipsis, mark = "", 0
    # Cut by character widths: rich's set_cell_size does the same through grapheme
    # splitting, several times slower, and the project list cuts on every repaint.
    room, used, kept = width - mark, 0, 0
    for char in text:
        size = get_character_cell_size(char)
        if used + size > room:
            break
        used += size
        kept += 1
    gap = " " * (room - used) if pad else ""
    return text[:kept] + gap + ellipsis


def one_line(text: str, limit: int | None = None) -> str:
    """Untrusted text on one line, control characters removed; the first ``limit``
    characters of it when given (a cheap bound before measuring)."""
    if limit is None:
        return clean_text(text, single_line=True)
    # Cleaning only removes characters (controls, runs of spaces): cut first, with room
    # to spare, so that a 64,000-character progress note is not cleaned whole to show 200.
    return clean_text(text[: limit * 2], single_line=True)[:limit]
