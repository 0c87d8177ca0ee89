"""Text measured as a terminal shows it: widths in cells (a CJK character takes two).

One helper cuts text to a width for the project list, the panes, the command line and the
snapshot summaries; one list says which starts make a spreadsheet cell a live formula.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rich.cells import cell_len, get_character_cell_size

from store.models import clean_text

#: What makes a spreadsheet (Excel, WPS, LibreOffice) read a cell as a formula rather than
#: as text: the OWASP list for CSV injection. Every writer guards these, and the importer
#: takes back the guard it finds before them.
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")

ELLIPSIS = "…"

#: What ends a sentence in a report's cell. A table row that a page break (or a workbook's
#: tallest row) cut goes on in the row below; its text joins the part above on a new line
#: when that part ends a sentence, straight on otherwise: the importer joins so, and the
#: workbook cuts only where that join gives back the text.
SENTENCE_ENDS: tuple[str, ...] = tuple("。；;！？.!?")
#: The 编号/序号 of a row that goes on with the project above (a workbook's text too long for
#: one row), as an office writes it: one character, so that it fits the narrow column.
CONTINUED = "续"


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
    room = width - mark
    kept, used = _take(text, room)
    gap = " " * (room - used) if pad else ""
    return text[:kept] + gap + ellipsis


def _take(chars: Iterable[str], room: int) -> tuple[int, int]:
    """How many of ``chars`` fit in ``room`` cells, and the cells they take."""
    used = kept = 0
    for char in chars:
        size = get_character_cell_size(char)
        if used + size > room:
            break
        used += size
        kept += 1
    return kept, used


def fit_middle(text: str, width: int, ellipsis: str = ELLIPSIS, *, pad: bool = True) -> str:
    """``text`` in ``width`` cells as ``fit`` makes it, but cut in the middle: its start, the
    ellipsis, then its end, so that names which differ only at the end stay apart
    (开展适龄妇女"两…检查 and 开展适龄妇女"两…救助). The end takes about a third of the
    room (two Chinese characters at least, when there is room for four); padding (when
    ``pad``) is spaces after the text."""
    if width <= 0:
        return ""
    cells = cell_len(text)
    if cells <= width:
        return text + " " * (width - cells) if pad else text
    mark = cell_len(ellipsis)
    room = width - mark
    if room < 4:  # too narrow to show both ends: the start alone
        return fit(text, width, ellipsis, pad=pad)
    tail_kept, tail_used = _take(reversed(text), max(room // 3, min(4, room // 2)))
    head_kept, head_used = _take(text, room - tail_used)
    # A wide character that did not fit the head may leave a cell a narrow one can use.
    tail_kept, tail_used = _take(reversed(text[head_kept:]), room - head_used)
    tail = text[len(text) - tail_kept :] if tail_kept else ""
    gap = " " * (room - head_used - tail_used) if pad else ""
    return text[:head_kept] + ellipsis + tail + gap


def fit_apart(
    names: Iterable[str], width: int, ellipsis: str = ELLIPSIS, *, pad: bool = True
) -> dict[str, str]:
    """Each of ``names`` in ``width`` cells, cut at the end as ``fit`` cuts it, except names
    that would then read alike: those are cut in the middle (``fit_middle``) when that
    tells them apart from each other and from the rest (县住房和城乡建设局 and
    县住房和城乡规划局 at 10 cells: 县住…设局, 县住…划局, not 县住房和 … twice). A unit's
    name says most at its start (县教育局, 县教育体育局): the end is cut only where the start
    cannot keep two apart."""
    shown = {name: fit(name, width, ellipsis, pad=pad) for name in dict.fromkeys(names)}
    alike: dict[str, list[str]] = {}
    for name, text in shown.items():
        alike.setdefault(text, []).append(name)
    for text, same in alike.items():
        if len(same) < 2:
            continue
        middle = {name: fit_middle(name, width, ellipsis, pad=pad) for name in same}
        others = {t for t in alike if t != text}
        cuts = set(middle.values())
        if len(cuts) == len(same) and not cuts & others:
            shown.update(middle)
    return shown


def one_line(text: str, limit: int | None = None) -> str:
    """Untrusted text on one line, control characters removed; the first ``limit``
    characters of it when given (a cheap bound before measuring)."""
    if limit is None:
        return clean_text(text, single_line=True)
    # Cleaning only removes characters (controls, runs of spaces): cut first, with room
    # to spare, so that a 64,000-character progress note is not cleaned whole to show 200.
    return clean_text(text[: limit * 2], single_line=True)[:limit]


# ---------------------------------------------------------------------------------------------
# Lines as a report's cell has them: what an import makes of a cell, the store makes of text
# people type into a multi-line field (an update), so that an export read back is the same.

_BLANKS_RE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")

_IDEO = "\u2e80-\u2fdf\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
# Full-width and CJK punctuation: 、。《》〔〕（），：；！？ and the like.
_FW_PUNCT = "\u3001-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
# Marks that sit tight against Chinese text but may stand between Latin words.
_CJK_MARKS = "\u2018\u2019\u201c\u201d\u2014\u2026\u00b7\u2460-\u24ff"
_SCRIPTS = "\u00b2\u00b3\u00b9\u2070-\u209f"
# Digits, Latin letters, ASCII signs and units: a space between these and Chinese is PDF noise.
_NARROW = "!-~\uff10-\uff19\uff21-\uff3a\uff41-\uff5a%‰℃°\u3380-\u33ff" + _SCRIPTS
# "…审核 2 月：开展…", "…统计 4-5月,对…": the space separates plan items; keep it.
_MONTH_ITEM = r"\d{1,2}(?:\s*[-~、至]\s*\d{1,2})?\s*月份?\s*[：:，,]"
_GLUED_SPACE_RE = re.compile(
    f"(?<=[{_IDEO}]) (?!{_MONTH_ITEM})(?=[{_NARROW}{_CJK_MARKS}])"
    f"|(?<=[{_NARROW}{_CJK_MARKS}]) (?=[{_IDEO}])"
    f"|(?<=[{_FW_PUNCT}]) "
    f"| (?=[{_FW_PUNCT}{_SCRIPTS}])"
)


def tidy_lines(text: str) -> str:
    """Untrusted text as lines of a report cell: control characters out, blank lines dropped,
    runs of spaces one space, and the spaces a PDF or a typist leaves between Chinese and
    digits or punctuation ("完成 50 %", "工程 ，") removed; a space before a month item
    ("…审核 2 月：") is kept."""
    lines = []
    for line in clean_text(text).split("\n"):
        line = _BLANKS_RE.sub(" ", line).strip()
        line = _GLUED_SPACE_RE.sub("", line)
        if line:
            lines.append(line)
    return "\n".join(lines)
