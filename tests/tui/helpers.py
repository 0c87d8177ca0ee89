"""Small helpers for reading what the app shows."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Static
from textual.worker import WorkerCancelled

from store.interface import Edit, NewUpdate, Saved
from store.jsonfile import JSONFileStore
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
    """Let workers finish and their messages be handled. A worker the app cancels meanwhile
    (an exclusive one started again: the 序时 preparation after a reload) is not waited for."""
    for _ in range(2):
        await pilot.pause()
        for _attempt in range(20):
            running = [w for w in pilot.app.workers if not w.is_cancelled]
            try:
                await pilot.app.workers.wait_for_complete(running)
                break
            except WorkerCancelled:  # cancelled while we waited: wait for the others
                continue
    await pilot.pause()


def save_as(
    db_path: Path,
    user: str,
    project_id: str,
    fields: dict[str, str] | None = None,
    *,
    update: tuple[str, str] | None = None,
) -> Saved:
    """Someone else saves (a store of their own on the same file, as another process would):
    ``fields``, or an update (month, text)."""
    edit = Edit(
        project_id,
        fields or {},
        update=NewUpdate(*update) if update else None,
        source="cli",
    )
    return JSONFileStore(db_path, user=user).save(edit)
