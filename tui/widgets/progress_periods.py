"""ProgressPeriods: this period's 推进情况 beside the previous period's, with what is new marked.

Each imported period's text is kept in ``Project.progress_history`` (oldest first). The two
latest are shown side by side, each headed by its months and the file it came from; in this
period's text what the previous one did not have is marked (bold, underlined), in the
previous one what this period's no longer says is struck through. Marks go by the passages
the two texts share (at least a few characters long), so a sentence added at the end, or
a number changed inside one, is what stands out.
"""

from __future__ import annotations

from collections.abc import Mapping
from difflib import Match, SequenceMatcher
from typing import Any

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Static

from store.models import FIELD_LABELS, Project, clean_text
from store.text import one_line
from store.words import months, say
from tui.glyphs import glyph, is_ascii
from tui.labels import source_label
from tui.widgets.cjk_text import CJKText

#: passages shorter than this that both texts have are not counted as kept (a "，" or a
#: "月" in common says nothing)
LEAST_SHARED = 4
NEW_STYLE = "bold underline"
DROPPED_STYLE = "dim strike"


def changed_spans(before: str, after: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The (start, end) spans of ``after`` that ``before`` does not have, and the spans of
    ``before`` that ``after`` no longer has."""
    matcher = SequenceMatcher(None, before, after, autojunk=False)
    ends = (len(before), len(after))

    def anchored(block: Match) -> bool:  # (a short run both texts begin or end with counts)
        return (block.a, block.b) == (0, 0) or (block.a + block.size, block.b + block.size) == ends

    shared = [b for b in matcher.get_matching_blocks() if b.size >= LEAST_SHARED or anchored(b)]

    def gaps(length: int, kept: list[tuple[int, int]]) -> list[tuple[int, int]]:
        spans, at = [], 0
        for start, size in kept:
            if start > at:
                spans.append((at, start))
            at = max(at, start + size)
        if at < length:
            spans.append((at, length))
        return spans

    added = gaps(len(after), sorted((b.b, b.size) for b in shared))
    dropped = gaps(len(before), sorted((b.a, b.size) for b in shared))
    added = [(s, e) for s, e in added if after[s:e].strip()]
    dropped = [(s, e) for s, e in dropped if before[s:e].strip()]
    return added, dropped


def period_words(entry: Mapping[str, Any]) -> str:
    """'1-6月' (or '7月') from an entry's period."""
    period = entry.get("period") or {}
    start, end = period.get("from"), period.get("to")
    if start is None or end is None:
        return say("app.periods.unknown")
    return months(start, end)


def _heading(which: str, entry: Mapping[str, Any]) -> str:
    """'本期 1-7月 · lanling-m07.md': the months, and the file (or who wrote it)."""
    kind, _, name = str(entry.get("source", "")).partition(":")
    source = name if kind == "import" else source_label(str(entry.get("source", "")))
    sep = glyph("separator")
    shown = f"{which} {period_words(entry)}" + (f" {sep} {source}" if source else "")
    return one_line(shown)


def _marked(text: str, spans: list[tuple[int, int]], style: str) -> CJKText:
    shown = CJKText(text)
    for start, end in spans:
        shown.stylize(style, start, end)
    return shown


class ProgressPeriods(Vertical):
    """The previous period's 推进情况 (left) and this period's (right), what changed marked."""

    def compose(self) -> ComposeResult:
        yield Static(id="periods-summary")
        with Horizontal(id="periods-panes"):
            with VerticalScroll(id="period-before", classes="pane"):
                yield Static(id="period-before-text")
            with VerticalScroll(id="period-now", classes="pane"):
                yield Static(id="period-now-text")

    def on_mount(self) -> None:
        self.query_one("#period-before").border_title = say("app.periods.before")
        self.query_one("#period-now").border_title = say("app.periods.now")

    def show(self, project: Project) -> None:
        """Draw ``project``'s two latest periods."""
        history = project.progress_history
        before_pane, now_pane = self.query_one("#period-before"), self.query_one("#period-now")
        summary = Text()
        if not history:
            before = Text(say("app.none"), style="dim")
            now = CJKText(clean_text(project.progress) or say("app.none"))
            before_pane.border_title = say("app.periods.before")
            now_pane.border_title = FIELD_LABELS["progress"]
            summary.append(say("app.periods.no_history"))
        elif len(history) == 1:
            entry = history[0]
            before = Text(say("app.periods.no_before"), style="dim")
            now = CJKText(clean_text(str(entry.get("text", ""))) or say("app.none"))
            before_pane.border_title = say("app.periods.before")
            now_pane.border_title = _heading(say("app.periods.now"), entry)
            summary.append(say("app.periods.one", period=period_words(entry)), "bold")
            summary.append(say("app.periods.one_then"))
        else:
            old, new = history[-2], history[-1]
            old_text = clean_text(str(old.get("text", "")))
            new_text = clean_text(str(new.get("text", "")))
            before_pane.border_title = _heading(say("app.periods.before"), old)
            now_pane.border_title = _heading(say("app.periods.now"), new)
            if project.not_updated:
                before = CJKText(old_text or say("app.none"))
                now = CJKText(new_text or say("app.none"))
                summary.append(say("app.not_updated"), "bold reverse")
                summary.append(
                    say("app.periods.same", now=period_words(new), before=period_words(old))
                )
            else:
                added, dropped = changed_spans(old_text, new_text)
                before = _marked(old_text or say("app.none"), dropped, DROPPED_STYLE)
                now = _marked(new_text or say("app.none"), added, NEW_STYLE)
                summary.append(say("app.periods.added"), "bold")
                summary.append(say("app.periods.places", n=len(added)), NEW_STYLE)
                summary.append(say("app.periods.added_how", separator=glyph("separator")), "")
                summary.append(say("app.periods.places", n=len(dropped)), DROPPED_STYLE)
                summary.append(say("app.periods.dropped_how"))
                if added:  # what is new, in view even when it is at the end of a long text
                    passages = f" {glyph('pending')} ".join(
                        one_line(new_text[a:b], 200) for a, b in added
                    )
                    summary.append("\n" + say("app.periods.new_text"), "bold")
                    summary.append(one_line(passages, 300))
            if clean_text(project.progress) != new_text:
                summary.append("\n" + say("app.periods.edited"), "dim")
        lines = list(summary.split("\n"))
        for line in lines:  # each a line of its own, cut at the edge rather than wrapped
            line.no_wrap, line.overflow = True, "crop" if is_ascii() else "ellipsis"
        self.query_one("#periods-summary", Static).update(Group(*lines))
        self.query_one("#period-before-text", Static).update(before)
        self.query_one("#period-now-text", Static).update(now)
