"""The short form of bench/reliability.py: killed writers and exports, writers at once,
conflicting saves, a symlinked database, a deleted lock file, a partial-column import, oversized
workbooks, export targets that are not files, and hostile text through every display path and
export format."""

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
    export_targets,
    hostile_payloads,
    killed_exports,
    lock_file_deleted,
    oversized_xlsx,
    parse_args,
    partial_import,
    plant_payloads,
    symlinked_database,
)

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="fork, SIGKILL and pseudo-terminals: Linux"
)


def test_killed_writers_leave_the_acknowledged_state_and_sound_backups(tmp_path: Path) -> None:
    crash = crash_trials(40, tmp_path, seed=1)
    # Every acknowledged edit is there after each kill, the file opens and checks, and so do
    # the backups: whatever the machine's speed.
    assert (crash["unreadable"], crash["wrong"], crash["broken_backups"]) == (0, 0, 0), crash
    assert crash["temp_left"] == 0, crash  # the next run removed what the kills left
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


def test_on_sqlite_killed_writers_writers_at_once_conflicts_and_a_link_lose_nothing(
    tmp_path: Path,
) -> None:
    crash = crash_trials(25, tmp_path, seed=1, engine="sqlite")
    assert (crash["unreadable"], crash["wrong"], crash["broken_backups"]) == (0, 0, 0), crash
    assert crash["temp_left"] == 0 and crash["edits"] >= 1, crash
    if crash["edits"] >= 5:  # operation 4 is an import, which keeps a backup first
        assert crash["backups"] >= 1, crash
    together = concurrent_writers(4, 20, tmp_path, engine="sqlite")
    assert (together["lost"], together["failed"], together["duplicate_history_ids"]) == (0, 0, 0)
    assert together["ok"]
    conflicts = conflicting_saves(15, tmp_path, engine="sqlite")
    assert conflicts["refused"] == 15 and conflicts["overwritten"] == 0, conflicts
    assert conflicts["both_refused"] == conflicts["wrong_value"] == conflicts["stale_reads"] == 0
    linked = symlinked_database(10, tmp_path, engine="sqlite")
    assert linked["edits"] == 30 and linked["ok"], linked
    assert (linked["lost"], linked["failed"], linked["link_replaced"]) == (0, 0, 0), linked
    assert linked["stray_files"] == 0, linked


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
    assert {
        "cli diff SNAPSHOT.json",
        "cli diff SNAPSHOT.json --json",
        "cli diff (the newest snapshot)",
        "cli snapshots",
        "cli snapshots --json",
    } <= set(result["paths"])
    assert {"\u061c", "\u200f"} <= {text[0] for _kind, text in PAYLOADS}  # the bidi marks


def test_export_title_and_header_rows_hold_no_formulas(tmp_path: Path) -> None:
    tally = HostileTally()
    plant_payloads(tmp_path / "minsheng.json")
    _hostile_exports(tmp_path / "minsheng.json", tally)
    assert tally.formulas == []
    assert tally.header_formulas == []


def test_killed_exports_leave_nothing_behind_at_the_next_run(tmp_path: Path) -> None:
    exports = killed_exports(10, tmp_path, seed=1)
    assert exports["acked"] >= 1, exports  # the writers got somewhere
    for figure in ("temp_left", "unrecorded", "acked_not_recorded", "gone", "unreadable"):
        assert exports[figure] == 0, exports


def test_a_symlinked_database_is_edited_through_the_link(tmp_path: Path) -> None:
    linked = symlinked_database(10, tmp_path)
    assert linked["edits"] == 30 and linked["ok"], linked
    assert (linked["lost"], linked["failed"], linked["link_replaced"]) == (0, 0, 0), linked
    assert linked["stray_files"] == 0, linked


def test_deleting_the_lock_file_loses_no_acknowledged_edit(tmp_path: Path) -> None:
    deleted = lock_file_deleted(4, 15, tmp_path)
    assert deleted["deletions"] >= 1 and deleted["edits"] >= 1, deleted
    assert (deleted["lost"], deleted["failed"]) == (0, 0), deleted
    assert deleted["ok"]


def test_a_status_only_sheet_changes_only_the_status(tmp_path: Path) -> None:
    partial = partial_import(tmp_path)
    assert partial["imports"] == 2 and partial["refused"] == 0, partial
    assert partial["wrong_fields"] == 0, partial["changed"]


def test_oversized_workbooks_are_refused_within_bounds(tmp_path: Path) -> None:
    big = oversized_xlsx(tmp_path)
    assert len(big["cases"]) == 3 and big["db_changed"] == 0
    for case in big["cases"]:
        assert case["accepted"] == case["crashed"] == 0, case
        assert case["over_time"] == case["over_memory"] == 0, case
        assert case["rss_mb"] > 5 and case["said"], case  # measured, and told why


def test_exports_onto_what_is_not_a_file_write_nothing(tmp_path: Path) -> None:
    targets = export_targets(tmp_path)
    assert targets["tried"] >= 4, targets
    assert (targets["written"], targets["replaced"], targets["new_files"]) == (0, 0, 0)
    assert targets["unnamed"] == 0, targets


def test_the_full_run_has_the_counts_it_promises() -> None:
    args = parse_args([])
    assert (args.kills, args.writers, args.edits, args.conflicts) == (500, 4, 200, 100)
    assert args.writers * args.lock_edits >= 200  # issue 11: 200+ edits with the lock deleted
    assert args.export_kills >= 120
    assert args.engines == ["json"] and parse_args(["--engine", "both"]).engines == [
        "json",
        "sqlite",
    ]
    quick = parse_args(["--quick"])
    assert quick.kills < args.kills and quick.edits < args.edits
    assert quick.export_kills < args.export_kills and quick.lock_edits < args.lock_edits
