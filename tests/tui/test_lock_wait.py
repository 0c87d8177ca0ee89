"""A save that waits for another writer's lock: the app says who holds it, and gives up when
told to (--wait)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from store.jsonfile import JSONFileStore as ProjectStore
from tests.test_hostile import hold_lock
from tests.tui.helpers import settle
from tui.app import MinshengApp, make_app
from tui.editor import LockWaits


async def _until(pilot: Pilot, notes: list[tuple[str, str]], text: str, seconds: float) -> bool:
    """Let the app run until a notification holding ``text`` was shown (no waiting for the
    workers: the save worker is blocked on the lock)."""
    for _ in range(int(seconds * 10)):
        if any(text in message for message, _title in notes):
            return True
        await pilot.pause(0.1)
    return False


def _app(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, wait: float | None
) -> tuple[MinshengApp, list[tuple[str, str]]]:
    waits = LockWaits(lambda holder: None)  # as the command line opens it for the app
    store = ProjectStore(db_path, user="tester", wait=wait, on_wait=waits)
    app = make_app(store, state_path=tmp_path / "view.json", lock_waits=waits)
    notes: list[tuple[str, str]] = []

    def notify(message: str, *, title: str = "", **kw: Any) -> None:
        notes.append((message, title))

    monkeypatch.setattr(app, "notify", notify)
    return app, notes


async def test_a_save_waiting_for_the_lock_says_who_holds_it_then_lands(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, notes = _app(db_path, tmp_path, monkeypatch, wait=None)
    holder = hold_lock(db_path, "wang pid 4242 on server\n")
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            try:
                await settle(pilot)
                await pilot.press("s")
                await pilot.pause()
                await pilot.press("4", "enter")  # 未启动, no reason
                assert await _until(pilot, notes, "wang pid 4242 on server", 5)
                assert any(title == "等待保存" for _message, title in notes)
                assert not any("未启动" in message for message, _title in notes)
            finally:
                holder.kill()
            assert await _until(pilot, notes, "工作成效 → 未启动", 10)  # landed once let go
    finally:
        holder.kill()
        holder.wait()
    assert ProjectStore(db_path).get("X01").status == "未启动"


async def test_with_wait_a_save_gives_up_naming_who_holds_the_lock(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = db_path.read_bytes()
    app, notes = _app(db_path, tmp_path, monkeypatch, wait=1.5)
    holder = hold_lock(db_path, "wang pid 4242 on server\n")
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            try:
                await settle(pilot)
                await pilot.press("s")
                await pilot.pause()
                await pilot.press("4", "enter")  # 未启动, no reason
                assert await _until(pilot, notes, "wang pid 4242 on server 占用锁已超过 1.5 秒", 10)
            finally:
                holder.kill()
            failed = [(m, t) for m, t in notes if "占用锁已超过" in m]
            assert failed[0][1] == "保存失败" and "wang pid 4242 on server" in failed[0][0]
    finally:
        holder.kill()
        holder.wait()
    assert db_path.read_bytes() == before
