"""Text from reports and edits is shown as written: markup in a field is never interpreted."""

from __future__ import annotations

from store.interface import Edit
from store.jsonfile import JSONFileStore as ProjectStore
from tests.tui.helpers import settle, text_of
from tui.widgets.month_grid import MonthGrid
from tui.widgets.project_table import ProjectTable

MARKUP_NAME = "[bold]路灯[/bold] [link=https://x]点我[/link]"
ACTION = "[@click=app.quit]退出[/] $accent"


async def test_markup_in_fields_is_shown_literally(store: ProjectStore, app) -> None:
    store.save(Edit("X01", {"name": MARKUP_NAME, "progress": ACTION}, source="test"))
    store.save(Edit("X02", {"department": "[bold]县教育局"}, source="test"))
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        table = pilot.app.screen.query_one(ProjectTable)
        first = "".join(segment.text for segment in table.render_line(1))
        assert "[bold]路灯[/bold]" in first and "[@click=app.quit]退出[/]" in first
        departments = pilot.app.screen.query_one("#facet-department")
        assert "[bold]县教育局" in departments.values
        await pilot.press("enter")
        await settle(pilot)
        assert MARKUP_NAME in text_of(pilot, "#detail-header")
        grid = pilot.app.screen.query_one(MonthGrid)
        assert any(ACTION in e.text for r in grid.rows for e in r.progress)
        await pilot.press("2")
        assert ACTION in text_of(pilot, "#progress-text")
        await pilot.click("#progress-text")  # a click on the text fires no action
        await settle(pilot)
        assert pilot.app.is_running
        await pilot.press("s")
        assert MARKUP_NAME in str(pilot.app.screen.query_one("#status-project").render())
