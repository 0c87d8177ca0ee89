"""The short form of bench/reliability.py: killed writers, writers at once, conflicting saves,
and hostile text through every display path and export format."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bench.reliability import (
    PAYLOADS,
    HostileTally,
    _hostile_exports,
    concurrent_writers,
    conflicting_saves,
    crash_trials,
    hostile_payloads,
    parse_args,
    plant_payloads,
)

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="fork, SIGKILL and pseudo-terminals: Linux"
)


def test_killed_writers_leave_the_acknowledged_state_and_sound_backups(tmp_path: Path) -> None:
    crash = crash_trials(40, tmp_path, seed=1)
    # Every acknowledged edit is there after each kill, the file opens and checks, and so do
    # the backups: whatever the machine's speed.
    assert (crash["unreadable"], crash["wrong"], crash["broken_backups"]) == (0, 0, 0), crash
    # Not vacuous: the writers got somewhere, and some kills landed in the middle of a write
    # (a temporary file was left behind). How far they got depends on the machine, not on us.
    assert crash["edits"] >= 1 and crash["mid_write"] >= 1, crash
    if crash["edits"] >= 5:  # operation 4 is an import, which keeps a backup first
        assert crash["backups"] >= 1, crash


def test_writers_at_once_lose_nothing_and_conflicts_are_never_silent(tmp_path: Path) -> None:
    together = concurrent_writers(4, 30, tmp_path)
    assert (together["lost"], together["failed"], together["duplicate_history_ids"]) == (0, 0, 0)
    assert together["ok"]
    conflicts = conflicting_saves(20, tmp_path)
    assert conflicts["refused"] == 20 and conflicts["overwritten"] == 0, conflicts
    assert conflicts["both_refused"] == conflicts["wrong_value"] == 0


def test_hostile_text_is_shown_literally_everywhere(tmp_path: Path) -> None:
    assert len(PAYLOADS) >= 30
    result = hostile_payloads(tmp_path, full=False)
    for kind in ("markup", "actions", "escapes", "formulas"):
        assert result[kind] == [], (kind, result[kind][:5])
    assert result["markers_seen"] == len(PAYLOADS)  # every payload was on screen somewhere
    assert result["pty_bytes"] > 10_000 and result["db_untouched"]
    assert {"terminal output (pty)", "conflict dialog", "notifications", "export xlsx"} <= set(
        result["paths"]
    )


def test_export_title_and_header_rows_hold_no_formulas(tmp_path: Path) -> None:
    tally = HostileTally()
    plant_payloads(tmp_path / "minsheng.json")
    _hostile_exports(tmp_path / "minsheng.json", tally)
    assert tally.formulas == []
    assert tally.header_formulas == []


def test_the_full_run_has_the_counts_it_promises() -> None:
    args = parse_args([])
    assert (args.kills, args.writers, args.edits, args.conflicts) == (500, 4, 200, 100)
    quick = parse_args(["--quick"])
    assert quick.kills < args.kills and quick.edits < args.edits
