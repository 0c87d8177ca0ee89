"""The list as it opens: its first screenful before every project is read, and a database
that turns out unreadable after that first screen."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from store.jsonfile import JSONFileStore
from store.models import Project
from tests.tui.helpers import settle, shown_ids, text_of
from tui.app import make_app
from tui.widgets.facet_pane import FacetPane

SIZE = (120, 36)


class HeldStore(JSONFileStore):
    """The database file, opened as the app opens it (nothing read yet), whose full read of
    the projects waits until the test lets it go: a file of many projects, read slowly."""

    def __init__(self, path: Path, **kwargs: Any) -> None:
        self.gate = threading.Event()
        super().__init__(path, load=False, **kwargs)

    def projects(self) -> list[Project]:
        self.gate.wait(10)
        return super().projects()


async def test_the_first_screenful_shows_before_the_rest_is_read(
    db_path: Path, tmp_path: Path
) -> None:
    store = HeldStore(db_path, user="tester")
    expected = [p.id for p in JSONFileStore(db_path, user="tester").projects()]
    app = make_app(store, state_path=tmp_path / "view.json")
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(100):
            await pilot.pause(0.02)
            if shown_ids(pilot):
                break
        # The first projects of the list, one screen's worth, as the file starts with them.
        first = shown_ids(pilot)
        assert first == expected[: SIZE[1]]
        assert text_of(pilot, "#list-status").startswith("读取中")
        assert "兰陵县 2023 年" in text_of(pilot, "#list-title")
        assert pilot.app.screen.query_one("#facet-department", FacetPane).values == []
        store.gate.set()
        await settle(pilot)
        assert shown_ids(pilot) == expected
        assert text_of(pilot, "#list-status").startswith("49 / 49")
        assert "县民政局" in pilot.app.screen.query_one("#facet-department", FacetPane).values


async def test_a_filtered_list_waits_for_every_project(db_path: Path, tmp_path: Path) -> None:
    """A remembered search is not applied to the first screenful (it would miss matches)."""
    state = tmp_path / "view.json"
    async with make_app(JSONFileStore(db_path), state_path=state).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"教育", "escape")
        await settle(pilot)
        searched = shown_ids(pilot)
    store = HeldStore(db_path, user="tester")
    async with make_app(store, state_path=state).run_test(size=SIZE) as pilot:
        for _ in range(10):
            await pilot.pause(0.02)
        assert shown_ids(pilot) == []
        store.gate.set()
        await settle(pilot)
        assert shown_ids(pilot) == searched and 0 < len(searched) < 49


async def test_a_database_found_broken_after_the_first_screen_ends_the_app_saying_where(
    db_path: Path, tmp_path: Path
) -> None:
    raw = db_path.read_bytes()
    assert raw.endswith(b"\n}\n}\n")
    db_path.write_bytes(raw[: -len(b"\n}\n}\n")] + b"\n,,\n}\n}\n")  # the last table spoilt
    app = make_app(JSONFileStore(db_path, load=False), state_path=tmp_path / "view.json")
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(100):
            await pilot.pause(0.02)
            if app.failure is not None:
                break
    assert app.return_code == 1
    assert app.failure is not None and str(db_path) in app.failure and "备份" in app.failure
    assert "\n" not in app.failure.strip()
