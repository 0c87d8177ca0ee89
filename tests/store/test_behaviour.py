"""The store's behaviour, the same on every implementation of the interface.

Each test runs on the in-memory store, on the JSON file and on SQLite (TinyDB's own
tests/conftest.py runs every test on its memory and JSON storages the same way).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bench.synthetic import make_projects
from store.interface import (
    ConflictError,
    Edit,
    NewUpdate,
    ProjectStore,
    StoreError,
    UnknownProjectError,
)
from store.jsonfile import JSONFileStore
from store.memory import MemoryStore
from store.models import ParsedReport, ProjectRecord, Report
from store.sqlitestore import SQLiteStore

Factory = Callable[..., ProjectStore]


@pytest.fixture(params=["memory", "json", "sqlite"])
def make_store(request: pytest.FixtureRequest, tmp_path: Path) -> Factory:
    """Build stores of one kind; stores built twice see the same data (json: the same file)."""
    memory: dict[str, MemoryStore] = {}

    def make(user: str = "alice", read_only: bool = False, load: bool = True) -> ProjectStore:
        if request.param == "json":
            return JSONFileStore(tmp_path / "db.json", user=user, read_only=read_only, load=load)
        if request.param == "sqlite":
            path = tmp_path / "db.sqlite"
            return SQLiteStore(path, user=user, read_only=read_only, load=load)
        if "shared" not in memory:
            memory["shared"] = MemoryStore(user=user)
        store = memory["shared"]
        store.user, store.read_only = user, read_only
        store.read_only_reason = "--read-only" if read_only else ""
        return store

    return make


@pytest.fixture
def store(make_store: Factory) -> ProjectStore:
    """A store holding 20 synthetic projects."""
    s = make_store()
    s.import_report(make_projects(20), source="import:synthetic")
    return s


def test_every_implementation_is_a_project_store(store: ProjectStore) -> None:
    assert isinstance(store, ProjectStore)
    assert len(store.projects()) == 20 and store.get("x1").id == "X01"


def test_save_returns_the_project_and_the_changes_it_recorded(store: ProjectStore) -> None:
    before = store.get("X01")
    saved = store.save(
        Edit(
            "X01", {"status": "滞后", "progress": "新进展"}, source="tui", note="核实", seen=before
        )
    )
    assert (saved.project.status, saved.project.progress) == ("滞后", "新进展")
    assert saved.project.revision == before.revision + 1
    assert sorted(c.field for c in saved.changes) == ["progress", "status"]
    assert all(c.note == "核实" and c.by == "alice" for c in saved.changes)
    assert store.history("X01")[-2:] == sorted(saved.changes, key=lambda c: c.id)
    assert store.get("X01") == saved.project


def test_a_save_that_changes_nothing_records_nothing(store: ProjectStore) -> None:
    project = store.get("X02")
    saved = store.save(Edit("X02", {"name": project.name}, source="tui", seen=project))
    assert saved.changes == () and saved.project.revision == project.revision


def test_a_dated_update_is_added_and_recorded(store: ProjectStore) -> None:
    saved = store.save(Edit("X03", update=NewUpdate("2023年7月", " 完成招标 "), source="cli"))
    (update,) = saved.project.updates
    assert (update.month, update.text, update.by) == ("2023-07", "完成招标", "alice")
    assert [c.field for c in saved.changes] == ["updates"]


def test_an_editor_behind_conflicts_only_on_the_fields_someone_else_changed(
    make_store: Factory, store: ProjectStore
) -> None:
    theirs = make_store(user="bob")
    seen = store.get("X04")
    theirs.save(Edit("X04", {"plan": "鲍勃的计划"}, source="tui"))
    with pytest.raises(ConflictError, match="bob"):
        store.save(Edit("X04", {"plan": "我的计划"}, source="tui", seen=seen))
    with pytest.raises(ConflictError):  # the command line's revision check is strict
        store.save(Edit("X04", {"progress": "我的"}, source="cli", expected_revision=seen.revision))
    saved = store.save(Edit("X04", {"progress": "我的"}, source="tui", seen=seen))
    assert (saved.project.plan, saved.project.progress) == ("鲍勃的计划", "我的")


def test_undo_puts_back_the_old_value_and_is_recorded(store: ProjectStore) -> None:
    old = store.get("X03").status
    new = "滞后" if old != "滞后" else "已完成"
    (change,) = store.save(Edit("X03", {"status": new}, source="tui")).changes
    undone = store.undo(change.id, source="tui")
    assert undone.project.status == old
    assert undone.changes[0].note == f"undo of change {change.id}"
    with pytest.raises(StoreError):
        store.undo(99999, source="tui")


def test_bad_values_and_unknown_ids_change_nothing(store: ProjectStore) -> None:
    count = len(store.history())
    for values in ({"status": "好"}, {"deadline": "下周"}, {"level": "乡级"}, {"name": " "}):
        with pytest.raises(StoreError):
            store.save(Edit("X01", values, source="cli"))
    with pytest.raises(UnknownProjectError):
        store.save(Edit("X99", {"progress": "x"}, source="cli"))
    assert len(store.history()) == count


def test_read_only_refuses_every_write(make_store: Factory, store: ProjectStore) -> None:
    reader = make_store(read_only=True)
    with pytest.raises(StoreError, match="以只读方式打开"):
        reader.save(Edit("X01", {"progress": "x"}, source="cli"))
    with pytest.raises(StoreError, match="以只读方式打开"):
        reader.set_period(1, 7)


def test_period_is_kept_and_recorded(store: ProjectStore) -> None:
    report = store.set_period(1, 9, source="cli")
    assert (report.period_from, report.period_to) == (1, 9)
    assert store.report().period_label() == "1-9 月份"
    assert store.history()[-1].field == "period"
    with pytest.raises(StoreError):
        store.set_period(5, 3)


def _sheet(fields: dict[str, str], number: int = 1) -> ParsedReport:
    return ParsedReport(Report(), [ProjectRecord("县级", number, fields, line=2)])


def test_an_import_of_some_columns_changes_only_those_fields(store: ProjectStore) -> None:
    before = store.get("X01")
    status = "滞后" if before.status != "滞后" else "已完成"
    result = store.import_report(
        _sheet({"name": before.name, "status": status}), source="import:status.csv"
    )
    after = store.get("X01")
    assert result.changed == ["X01"] and result.fields == {"X01": ["status", "status_reported"]}
    assert after.status == status
    for kept in ("department", "deadline", "overview", "target", "plan", "progress", "level"):
        assert getattr(after, kept) == getattr(before, kept), kept


def test_an_empty_cell_clears_its_field_only_when_asked(store: ProjectStore) -> None:
    before = store.get("X02")
    sheet = _sheet({"name": before.name, "progress": ""}, number=2)
    assert store.import_report(sheet, source="import:a.csv").unchanged == ["X02"]
    assert store.get("X02").progress == before.progress
    result = store.import_report(sheet, source="import:a.csv", clear_empty=True)
    assert result.fields == {"X02": ["progress"]} and store.get("X02").progress == ""


def test_a_negated_status_word_is_kept_as_written_and_warned(store: ProjectStore) -> None:
    before = store.get("X01")
    sheet = _sheet({"name": before.name, "status": "没有完成"})
    result = store.import_report(sheet, source="import:a.csv")
    assert store.get("X01").status not in ("已完成", before.status) or before.status == "没有完成"
    assert store.get("X01").status_raw == "没有完成"
    assert any("第2行" in w and "X01 工作成效 “没有完成”" in w for w in result.warnings)


def test_merging_a_unit_counts_its_projects_under_the_new_name_and_can_be_undone(
    make_store: Factory, store: ProjectStore
) -> None:
    units = {d for p in store.projects() for d in p.departments}
    old, new = sorted(units)[:2]
    theirs = [p.id for p in store.projects() if old in p.departments]
    assert theirs
    changes = store.merge_units(old, new, source="cli")
    assert {c.project for c in changes if c.project} == set(theirs)
    for pid in theirs:
        project = store.get(pid)
        assert new in project.departments and old not in project.departments
        assert old in project.department_raw  # the name as reported is kept
    assert store.aliases() == {old: new}
    assert make_store().aliases() == {old: new}  # kept: seen by the next one to open it
    again = store.import_report(make_projects(20), source="import:synthetic")  # and next month
    assert all(old not in store.get(pid).departments for pid in theirs), again.changed
    store.unmerge_units(old, source="cli")
    assert store.aliases() == {}
    assert all(old in store.get(pid).departments for pid in theirs)
    assert all(store.get(pid).department_raw == "" for pid in theirs)


def test_a_corrected_indicator_changes_the_class_is_recorded_and_survives_an_import(
    make_store: Factory,
) -> None:
    from importers.report import read_report
    from store.schedule import project_schedule

    store = make_store()
    bundled = Path(__file__).resolve().parents[2] / "data" / "lanling-2023-h1.md"
    store.import_report(read_report(bundled), source="import:lanling-2023-h1.md")
    s15 = store.get("S15")
    before = project_schedule(s15, store.report(), store.schedule_settings())
    assert before.class_name == "滞后"
    worst = before.worst
    assert worst is not None and worst.indicator.actual == 31
    saved = store.correct_indicator(
        "S15",
        {"name": worst.indicator.name, "unit": worst.indicator.unit, "actual": 190, "note": "核实"},
        source="tui",
    )
    assert [c.field for c in saved.changes] == ["indicator_edits"]
    after = project_schedule(saved.project, store.report(), store.schedule_settings())
    assert after.class_name != "滞后"
    edited = [j.indicator for j in after.indicators if j.indicator.origin == "edited"]
    assert [(i.actual, i.note) for i in edited] == [(190.0, "核实")]
    store.import_report(read_report(bundled), source="import:again.md")  # the same report again
    assert store.get("S15").indicator_edits == saved.project.indicator_edits
    with pytest.raises(StoreError):
        store.correct_indicator("S15", {"name": "x", "actual": -1}, source="cli")


def test_the_schedule_rule_is_kept_with_the_data_and_recorded(make_store: Factory) -> None:
    from store.schedule import ScheduleSettings

    store = make_store()
    assert store.schedule_settings() == ScheduleSettings()
    stricter = ScheduleSettings(on_time=0.95, slow=0.8)
    store.set_schedule_settings(stricter, source="cli")
    assert make_store().schedule_settings() == stricter
    assert make_store().history()[-1].field == "schedule"


def test_undo_of_an_indicator_correction_puts_back_the_reading(store: ProjectStore) -> None:
    corrected = {"name": "新建", "unit": "处", "actual": 3}
    first = store.correct_indicator("S05", corrected, source="tui")
    second = store.correct_indicator(
        "S05", {"name": "新建", "unit": "处", "actual": 5, "note": "核实"}, source="tui"
    )
    assert [e["actual"] for e in second.project.indicator_edits] == [5]
    (change,) = second.changes
    undone = store.undo(change.id, source="tui")
    assert [e["actual"] for e in undone.project.indicator_edits] == [3]
    assert undone.changes[0].field == "indicator_edits"
    assert undone.changes[0].note == f"undo of change {change.id}"
    assert store.get("S05").indicator_edits == first.project.indicator_edits
    store.undo(first.changes[0].id, source="tui")
    assert store.get("S05").indicator_edits == []
    with pytest.raises(ConflictError):  # the correction was undone already
        store.undo(second.changes[0].id, source="tui")


def test_the_first_screen_is_the_first_projects_of_the_list(make_store: Factory) -> None:
    make_store().import_report(make_projects(20), source="import:synthetic")

    def first_five() -> list[str]:
        fresh = make_store(load=False)  # (file and SQLite: another process, nothing read)
        first = fresh.first_projects(5)
        assert first is not None
        assert first.projects == fresh.projects()[:5]
        assert first.report == fresh.report() and first.schedule == fresh.schedule_settings()
        return [p.id for p in first.projects]

    assert first_five() == ["X01", "X02", "X03", "X04", "S01"]
    one = make_store(load=False).first_projects(1)
    assert one is not None and [p.id for p in one.projects] == ["X01"]
    make_store().set_status("X01", "滞后", source="cli")  # (a saved project keeps its place)
    assert first_five() == ["X01", "X02", "X03", "X04", "S01"]
    # New 县级 projects come before the 省市级 ones the store already had.
    make_store().import_report(make_projects(30), source="import:synthetic")
    assert first_five() == ["X01", "X02", "X03", "X04", "X05"]
