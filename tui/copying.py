"""Copy what the cursor is on to the local clipboard, through the terminal (OSC 52).

Selecting text with the mouse in a terminal app copies the screen (borders, cut lines, both
panes side by side), and over SSH there is no other way out. Textual's ``copy_to_clipboard``
writes an OSC 52 sequence: the terminal on the user's own computer puts the text into its
clipboard (tmux and screen pass it on only when told to: see the README).
"""

from __future__ import annotations

import io

from rich.console import Console, ConsoleRenderable, RichCast
from rich.text import Text
from textual.app import App
from textual.containers import ScrollableContainer
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

from store.models import Project, clean_text
from store.query import latest_progress
from store.vocabulary import FIELD_REGISTRY
from store.words import say

COPY_TIP = say("app.copy.tip")

#: the list row as copied: the report's columns, whole (not cut to the screen), and the
#: latest progress
ROW_FIELDS = ("id", "name", "department", "level", "status", "deadline")


def plain(renderable: object, width: int) -> str:
    """The text a widget shows, without styles (a table laid out ``width`` cells wide)."""
    if isinstance(renderable, str):
        return renderable
    if isinstance(renderable, Text | Content):
        return renderable.plain
    if not isinstance(renderable, ConsoleRenderable | RichCast):
        return ""
    console = Console(width=width, file=io.StringIO(), color_system=None, record=True)
    console.print(renderable)
    return "\n".join(line.rstrip() for line in console.export_text().splitlines())


def statics_text(root: Widget, width: int) -> str:
    """The text of the Statics shown inside ``root``, one block each."""
    blocks = []
    for static in root.query(Static):
        if static.display and static.parent is not None and static.parent.display:
            text = plain(static.content, width).strip("\n")
            if text:
                blocks.append(text)
    return "\n\n".join(blocks)


def project_row(project: Project) -> str:
    """A project as one tab-separated row (pastes into a spreadsheet as its columns)."""
    p = project
    status, deadline = p.status or p.status_raw, p.deadline or p.deadline_raw
    cells = [p.id, p.name, p.department, p.level, status, deadline, latest_progress(p)]
    return "\t".join(clean_text(cell, single_line=True) for cell in cells)


def row_heading() -> str:
    """The labels of ``project_row``'s cells, as the report names them."""
    return "、".join(FIELD_REGISTRY[key].label for key in ROW_FIELDS)


def focused_pane(view: Widget, focused: Widget | None) -> Widget:
    """The scrollable pane inside ``view`` that has the focus, else ``view`` itself."""
    node = focused
    while node is not None and node is not view:
        if isinstance(node, ScrollableContainer) and node.has_class("pane"):
            return node
        parent = node.parent
        node = parent if isinstance(parent, Widget) else None
    return view


def copy_detail(
    app: App[object],
    project: Project | None,
    view: Widget | None,
    focused: Widget | None,
    label: str,
) -> None:
    """Copy from the detail screen: the month grid's current row, the focused pane's text
    (a plan or a progress whole, as the report has it, not as wrapped on the screen), or the
    text of the view."""
    if project is None or view is None:
        return
    whose = f" {project.id} "
    width = max(view.size.width, 40)
    from tui.widgets.month_grid import MonthGrid  # (the month reader loads with the detail)

    grids = view.query(MonthGrid)
    if grids:
        row = grids.first().current_row
        if row is None:
            return
        plan = "\n".join(e.text for e in row.plan) or say("app.none")
        progress = "\n".join(e.text for e in row.progress) or say("app.none")
        text = say(
            "app.copy.month",
            month=row.label,
            plan_label=FIELD_REGISTRY["plan"].label,
            plan=plan,
            progress_label=FIELD_REGISTRY["progress"].label,
            progress=progress,
        )
        copy_text(app, say("app.copy.month_what", whose=whose, month=row.label), text)
        return
    pane = focused_pane(view, focused)
    fields = {"plan-pane": "plan", "progress-pane": "progress"}
    if pane.id in fields:
        key = fields[pane.id]
        text = clean_text(getattr(project, key))
        copy_text(app, f"{whose}{FIELD_REGISTRY[key].label}", text)
        return
    title = pane.border_title or view.border_title or ""
    what = f"{whose}{plain(title, width) if title else label}"
    copy_text(app, what, statics_text(pane, width))


def copy_text(app: App[object], what: str, text: str) -> None:
    """Put ``text`` on the local clipboard and say what it was."""
    if not text.strip():
        app.notify(say("app.copy.nothing", what=what), severity="warning")
        return
    app.copy_to_clipboard(text)
    app.notify(
        say("app.copy.done", what=what, n=len(text)),
        title=say("app.copy.title"),
    )
