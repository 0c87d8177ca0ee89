"""Small helpers for reading what the app shows."""

from __future__ import annotations

import io

from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Static

from tui.widgets.project_table import ProjectTable


def text_of(pilot: Pilot, selector: str) -> str:
    """The plain text a Static shows (whatever renderable it holds)."""
    content = pilot.app.screen.query_one(selector, Static).content
    if isinstance(content, str):
        return content
    console = Console(width=400, file=io.StringIO(), record=True, color_system=None)
    console.print(content)
    return console.export_text()


def shown_ids(pilot: Pilot) -> list[str]:
    """The ids of the rows in the project table, in order."""
    return [p.id for p in pilot.app.screen.query_one(ProjectTable).rows]


async def settle(pilot: Pilot) -> None:
    """Let workers finish and their messages be handled."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
