"""ProjectStore on real JSON files: imports, edits, history, conflicts, processes and crashes."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from bench.synthetic import DEPARTMENTS, make_projects
from store.interface import ConflictError, DatabaseError, StoreError, UnknownProjectError
from store.jsonfile import JSONFileStore as ProjectStore
from store.jsonfile import open_store
from store.models import LEVELS, STATUSES, ParsedReport, Project, ProjectRecord, Report
from store.words import moment

ROOT = Path(__file__).resolve().parents[2]


def _store(path: Path, n: int = 50, user: str = "alice") -> ProjectStore:
    store = open_store(path, user=user)
    store.import_report(make_projects(n), source="import:synthetic")
    return store


def _other_status(status: str) -> str:
    return STATUSES[(STATUSES.index(status) + 1) % len(STATUSES)]


# --- synthetic reports ---------------------------------------------------------------------


def test_synthetic_report_is_shaped_like_the_bundled_one() -> None:
    parsed = make_projects(200, seed=3)
    assert parsed == make_projects(200, seed=3)
    assert parsed != make_projects(200, seed=4)
    records = parsed.records
    assert len(records) == 200
    assert {r.table for r in records} == {"县级", "省市级"}
    assert {r.fields["level"] for r in records} == set(LEVELS)
    assert {r.fields["department"] for r in records} == set(DEPARTMENTS)
    assert len(DEPARTMENTS) == 20
    assert len({(r.table, r.number) for r in records}) == 200
    mean = sum(len(r.fields["plan"]) for r in records) / 200
    assert 150 < mean < 300  # the bundled report's plans average ~220 characters


# --- import --------------------------------------------------------------------------------


def test_import_counts_and_a_second_import_changes_nothing(db_path: Path) -> None:
    store = ProjectStore(db_path, user="alice")
    result = store.import_report(make_projects(50), source="import:a")
    assert (len(result.new), len(result.changed), len(result.unchanged)) == (50, 0, 0)
    assert result.summary() == "新增 50，有变化 0，无变化 0"
    assert len(store.projects()) == 50
    assert {p.status for p in store.projects()} == set(STATUSES)
    assert all(p.deadline.startswith("2023-") for p in store.projects())
    before = db_path.read_bytes()
    again = store.import_report(make_projects(50), source="import:a")
    assert again.summary() == "新增 0，有变化 0，无变化 50"
    assert db_path.read_bytes() == before  # nothing changed: nothing written


def test_reimport_reports_changed_projects_and_records_each_field(db_path: Path) -> None:
    store = _store(db_path)
    store.add_update("X01", "2023-07", "七月进展", source="tui")
    parsed = make_projects(50)
    parsed.records[0].fields["progress"] = "新的推进情况"
    parsed.records[1].fields["name"] = "改名的项目"
    parsed.records.append(
        ProjectRecord("省市级", 99, {"name": "新增项目", "status": "滞后"}, line=200)
    )
    result = store.import_report(parsed, source="import:b")
    assert result.new == ["S99"]
    assert result.changed == ["X01", "X02"]
    assert len(result.unchanged) == 48
    x01 = store.get("X01")
    assert x01.progress == "新的推进情况"
    assert [u.text for u in x01.updates] == ["七月进展"]  # an import never touches updates
    assert x01.revision == 3
    fields = [(c.project, c.field) for c in store.history() if c.source == "import:b"]
    assert fields == [("X01", "progress"), ("X02", "name"), ("S99", "*")]


def test_a_project_twice_in_one_file_is_counted_once_and_the_later_row_wins(
    db_path: Path, tmp_path: Path
) -> None:
    store = _store(db_path, 10)
    parsed = make_projects(10)
    duplicate = ProjectRecord("县级", 1, dict(parsed.records[0].fields), line=99)
    duplicate.fields["progress"] = "later row"
    parsed.records.append(duplicate)
    result = store.import_report(parsed, source="import:c")
    assert result.changed == ["X01"]
    assert len(result.new) + len(result.changed) + len(result.unchanged) == 10
    assert any("第99行" in w and "以后面的一行为准" in w for w in result.warnings)
    assert store.get("X01").progress == "later row"
    fresh = ProjectStore(tmp_path / "other.json")
    result = fresh.import_report(parsed, source="import:c")
    assert len(result.new) == 10 and fresh.get("X01").progress == "later row"


def test_import_keeps_the_report_metadata(db_path: Path) -> None:
    store = _store(db_path)
    report = store.report()
    assert (report.region, report.year, report.period_label()) == ("兰陵县", 2023, "1-6 月份")
    store.import_report(ParsedReport(Report(), []), source="import:empty")
    assert store.report().year == 2023  # an import without metadata keeps what was there


# --- edits ---------------------------------------------------------------------------------


def test_set_status_normalises_records_history_and_persists(db_path: Path) -> None:
    store = _store(db_path)
    current = store.get("x1").status
    target = "尚未启动" if current != "未启动" else "进度滞后"
    project = store.set_status("x1", target, source="cli", note="雨季停工")
    assert project.status in STATUSES and project.status != current
    assert project.revision == 2
    last = store.history("X01")[-1]
    assert (last.field, last.old, last.new, last.by, last.source, last.note) == (
        "status",
        current,
        project.status,
        "alice",
        "cli",
        "雨季停工",
    )
    assert ProjectStore(db_path).get("X01").status == project.status


def test_an_edit_that_changes_nothing_writes_nothing(db_path: Path) -> None:
    store = _store(db_path)
    status = store.get("X02").status
    before = db_path.read_bytes()
    project = store.set_status("X02", status, source="cli")
    assert project.revision == 1
    assert db_path.read_bytes() == before


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"status": "还行"}, "工作成效须是 推进正常、已完成、滞后、未启动 之一，不能是 “还行”"),
        ({"name": "  "}, "项目名称不能为空"),
        ({"deadline": "明年"}, "完成时限 “明年” 不是月份"),
        ({"level": "乡级"}, "项目等级须是 县级、市级、省级 之一，不能是 “乡级”"),
        ({"revision": "9"}, "“revision” 不是可以修改的字段"),
    ],
)
def test_bad_values_are_refused_and_nothing_is_written(
    db_path: Path, values: dict[str, str], message: str
) -> None:
    store = _store(db_path)
    before = db_path.read_bytes()
    with pytest.raises(StoreError, match=message):
        store.update_fields("X01", values, source="cli")
    assert db_path.read_bytes() == before


def test_unknown_ids_are_refused(db_path: Path) -> None:
    store = _store(db_path)
    with pytest.raises(UnknownProjectError):
        store.get("Z01")
    with pytest.raises(UnknownProjectError):
        store.set_status("Z01", "滞后", source="cli")


def test_department_edit_keeps_the_split_units_in_step(db_path: Path) -> None:
    store = _store(db_path)
    project = store.update_fields("X01", {"department": "县教育局、县财政局"}, source="tui")
    assert project.departments == ["县教育局", "县财政局"]
    assert [c.field for c in store.history("X01")][-1:] == ["department"]


def test_add_update_and_its_history(db_path: Path) -> None:
    store = _store(db_path)
    project = store.add_update("X01", "2023年7月", "  完成主体工程  ", source="cli")
    assert [(u.month, u.text, u.by) for u in project.updates] == [
        ("2023-07", "完成主体工程", "alice")
    ]
    assert store.get("X01").updates == project.updates
    with pytest.raises(StoreError, match="YYYY-MM"):
        store.add_update("X01", "soon", "x", source="cli")
    with pytest.raises(StoreError, match="进展须有内容"):
        store.add_update("X01", "2023-07", "  ", source="cli")


def test_read_only_store_refuses_edits(db_path: Path) -> None:
    _store(db_path)
    store = ProjectStore(db_path, read_only=True)
    assert len(store.projects()) == 50
    with pytest.raises(StoreError, match="以只读方式打开，不能修改"):
        store.set_status("X01", "滞后", source="cli")


# --- caches, generations and other stores ---------------------------------------------------


def test_own_writes_are_seen_at_once_without_a_reload(db_path: Path) -> None:
    store = _store(db_path)
    projects = store.projects()
    generation = store.generation
    target = _other_status(store.get("S03").status)
    store.set_status("S03", target, source="cli")
    assert store.generation != generation
    assert store.get("S03").status == target
    assert [p.id for p in store.projects()] == [p.id for p in projects]
    assert store.projects()[[p.id for p in projects].index("S03")].status == target
    assert store.history("S03")[-1].new == target
    assert store.refresh() is False  # the file is what we wrote


def test_changes_of_another_store_are_seen_by_reads_and_by_writes(db_path: Path) -> None:
    mine, theirs = _store(db_path), ProjectStore(db_path, user="bob")
    assert len(mine.history()) == 50
    theirs.set_status("X03", _other_status(theirs.get("X03").status), source="tui")
    theirs.import_report(
        ParsedReport(Report(), [ProjectRecord("县级", 77, {"name": "新项目"})]), source="import:d"
    )
    assert mine.get("X03").revision == 2
    assert mine.get("X77").name == "新项目"
    assert len(mine.history()) == 52
    assert mine.history("X03")[-1].by == "bob"
    # mine writes after theirs: both edits are in the file
    mine.set_status("X04", _other_status(mine.get("X04").status), source="cli")
    fresh = ProjectStore(db_path)
    assert fresh.get("X03").revision == fresh.get("X04").revision == 2
    assert len(fresh.history()) == 53


def test_conflict_names_who_changed_it_and_when(db_path: Path) -> None:
    mine, theirs = _store(db_path), ProjectStore(db_path, user="bob")
    seen = mine.get("X05")
    changed = theirs.set_status("X05", _other_status(seen.status), source="tui")
    before = db_path.read_bytes()
    with pytest.raises(ConflictError) as caught:
        mine.set_status("X05", seen.status, source="cli", expected_revision=seen.revision)
    at = theirs.history("X05")[-1].at
    message = str(caught.value)
    assert "X05" in message and "bob" in message and moment(at) in message and "界面" in message
    assert "现在是第2版" in message
    assert caught.value.project.revision == changed.revision
    assert db_path.read_bytes() == before
    mine.set_status("X05", seen.status, source="cli", expected_revision=2)  # after reloading


def test_a_save_from_an_older_revision_conflicts_only_on_the_fields_it_changes(
    db_path: Path,
) -> None:
    mine, theirs = _store(db_path), ProjectStore(db_path, user="bob")
    seen = mine.get("X05")
    theirs.update_fields("X05", {"plan": "鲍勃的计划"}, source="tui")
    with pytest.raises(ConflictError):  # a revision alone: any change is a conflict
        mine.update_fields("X05", {"progress": "我的"}, source="cli", expected_revision=1)
    saved = mine.update_fields(
        "X05", {"deadline": "2023年9月"}, source="tui", expected_revision=1, seen=seen
    )
    assert (saved.plan, saved.deadline, saved.revision) == ("鲍勃的计划", "2023-09", 3)
    saved = mine.add_update("X05", "2023-07", "更新", source="tui", expected_revision=1, seen=seen)
    assert saved.revision == 4
    theirs.update_fields("X05", {"deadline": "2023年10月"}, source="tui")
    before = db_path.read_bytes()
    with pytest.raises(ConflictError):  # bob changed the deadline (and its raw text) since
        mine.update_fields(
            "X05", {"deadline": "2023年11月"}, source="tui", expected_revision=4,
            seen=saved,
        )  # fmt: skip
    with pytest.raises(ConflictError):  # an update was added since the editor opened
        mine.add_update("X05", "2023-08", "再更新", source="tui", expected_revision=1, seen=seen)
    assert db_path.read_bytes() == before


def test_undo_puts_back_the_old_value_and_is_recorded(db_path: Path) -> None:
    store = _store(db_path)
    old = store.get("X06").status
    store.set_status("X06", _other_status(old), source="tui")
    change = store.history("X06")[-1]
    project = store.undo(change.id, source="tui").project
    assert project.status == old and project.revision == 3
    last = store.history("X06")[-1]
    assert (last.field, last.new, last.note) == ("status", old, f"undo of change {change.id}")
    store.add_update("X06", "2023-07", "进展", source="tui")
    assert store.undo(store.history("X06")[-1].id, source="tui").project.updates == []


def test_undo_refuses_what_cannot_be_undone(db_path: Path) -> None:
    store = _store(db_path)
    with pytest.raises(StoreError, match="没有第9999条更改"):
        store.undo(9999, source="tui")
    created = store.history("X01")[0]
    with pytest.raises(StoreError, match="不能撤销"):
        store.undo(created.id, source="tui")
    old = store.get("X01").status
    store.set_status("X01", _other_status(old), source="tui")
    first = store.history("X01")[-1]
    ProjectStore(db_path, user="bob").set_status(
        "X01", _other_status(_other_status(old)), source="cli"
    )
    before = db_path.read_bytes()
    with pytest.raises(ConflictError, match="bob"):
        store.undo(first.id, source="tui")
    assert db_path.read_bytes() == before


def test_set_period(db_path: Path) -> None:
    store = _store(db_path)
    assert store.set_period(1, 9).period_label() == "1-9 月份"
    assert ProjectStore(db_path).report().period_to == 9
    assert store.history()[-1].field == "period"
    with pytest.raises(StoreError):
        store.set_period(9, 1)


def test_a_broken_database_file_is_reported_on_open(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"{ this is not json")
    with pytest.raises(DatabaseError, match=str(db_path)):
        ProjectStore(db_path)


@pytest.mark.parametrize("suffix", [".json", ".sqlite"])
def test_threads_sharing_one_store_lose_no_edit(db_path: Path, suffix: str) -> None:
    db_path = db_path.with_suffix(suffix)
    store = _store(db_path, 40)
    ids = [p.id for p in store.projects()]
    errors: list[BaseException] = []

    def edit(part: list[str]) -> None:
        try:
            for pid in part:
                store.add_update(pid, "2023-07", f"{pid} 进展", source="tui")
                store.projects()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=edit, args=(ids[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    fresh = open_store(db_path)
    assert all(len(p.updates) == 1 for p in fresh.projects())
    assert len(fresh.history()) == 80


# --- separate processes ----------------------------------------------------------------------

_EDITOR = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from store.jsonfile import open_store as ProjectStore
    from store.models import STATUSES

    db, name, go, ids = sys.argv[1], sys.argv[2], Path(sys.argv[3]), sys.argv[4].split(",")
    store = ProjectStore(db, user=name)
    while not go.exists():
        time.sleep(0.001)
    for pid in ids:
        old = store.get(pid).status
        new = STATUSES[(STATUSES.index(old) + 1) % len(STATUSES)]
        store.set_status(pid, new, source=name, note=f"{name} {pid}")
    """
)


def _python(code: str, *args: str, **kwargs: object) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-c", code, *args], env=env, text=True, **kwargs
    )


@pytest.mark.parametrize("suffix", [".json", ".sqlite"])
def test_two_processes_editing_at_once_lose_nothing(
    db_path: Path, tmp_path: Path, suffix: str
) -> None:
    db_path = db_path.with_suffix(suffix)
    store = _store(db_path, 200)
    projects = store.projects()
    targets = {p.id: _other_status(p.status) for p in projects}
    go = tmp_path / "go"
    ids = [p.id for p in projects]
    workers = [
        _python(_EDITOR, str(db_path), "A", str(go), ",".join(ids[:100])),
        _python(_EDITOR, str(db_path), "B", str(go), ",".join(ids[100:])),
    ]
    time.sleep(0.5)  # both have started and opened the store
    go.touch()
    for w in workers:
        assert w.wait(timeout=120) == 0
    fresh = open_store(db_path)
    assert {p.id: p.status for p in fresh.projects()} == targets
    assert all(p.revision == 2 for p in fresh.projects())
    edits = [c for c in fresh.history() if c.field == "status"]
    assert len(edits) == 200
    assert sorted(c.project for c in edits) == sorted(ids)
    assert {c.source for c in edits if c.project in ids[:100]} == {"A"}
    assert [c.id for c in fresh.history()] == list(range(1, 401))
    sources = [c.source for c in edits]
    assert sum(a != b for a, b in zip(sources, sources[1:], strict=False)) >= 2  # interleaved


#: (tests/store/test_sqlite.py runs it on a SQLite database too)
_WRITER = textwrap.dedent(
    """
    import os, sys
    from store.jsonfile import open_store  # (the JSON file, or SQLite for a .sqlite path)

    db, acks, start = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = open_store(db, user="writer")
    print("ready", flush=True)
    with open(acks, "a") as side:
        value = start
        while True:
            store.update_fields("X01", {"progress": f"count {value}"}, source="writer")
            side.write(f"{value}\\n")
            side.flush()
            os.fsync(side.fileno())
            value += 1
    """
)


def test_a_writer_killed_at_random_moments_leaves_the_old_or_the_new_state(
    db_path: Path, tmp_path: Path
) -> None:
    store = _store(db_path, 300)
    store.update_fields("X01", {"progress": "count 0"}, source="writer")
    acks = tmp_path / "acks.txt"
    rng = random.Random(20230630)
    value = mid_write = 0
    for _ in range(20):
        writer = _python(_WRITER, str(db_path), str(acks), str(value + 1), stdout=subprocess.PIPE)
        assert writer.stdout is not None
        assert writer.stdout.readline() == "ready\n"
        time.sleep(rng.uniform(0.0, 0.25))
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
        writer.stdout.close()
        mid_write += bool(list(db_path.parent.glob(".*.tmp")))
        lines = acks.read_text().split()
        # The last save known to be whole: this writer's last acknowledged one, or, when it
        # was killed before acknowledging any, the value the file held when it started (a
        # save the writer before it made and was killed before acknowledging counts too).
        acked = max(int(lines[-1]) if lines else 0, value)
        fresh = ProjectStore(db_path)  # opens: the file is whole
        value = int(fresh.get("X01").progress.removeprefix("count "))
        assert value in (acked, acked + 1)
        last = [c for c in fresh.history("X01") if c.field == "progress"][-1]
        assert last.new == f"count {value}"  # history and data were written together
        assert fresh.get("X01").revision == value + 2
        json.loads(db_path.read_bytes())
    assert value > 0  # the writer got somewhere
    print(f"{mid_write} of 20 kills hit a write in progress")
    ProjectStore(db_path).set_status("X02", _other_status(store.get("X02").status), source="cli")
    assert not list(db_path.parent.glob(".*.tmp"))  # the next write cleared what kills left


def test_documents_of_any_shape_read_back_as_the_same_project(db_path: Path) -> None:
    store = _store(db_path, 5)
    store.add_update("X01", "2023-07", "进展", source="tui")
    for project in store.projects():
        doc = project.to_dict()
        assert Project.from_dict(doc) == project
        assert Project.from_dict(json.loads(json.dumps(doc))) == project
        odd = {**doc, "number": str(doc["number"]), "unknown": 1}
        odd["departments"] = [*doc["departments"], 7]
        read = Project.from_dict(odd)  # a hand-edited document: converted, not trusted
        assert read.number == project.number and read.departments[-1] == "7"
        assert not hasattr(read, "unknown")
    x01 = store.get("X01")
    assert [u.text for u in x01.updates] == ["进展"] and type(x01.updates[0]).__name__ == "Update"


def test_to_dict_is_the_dataclass_s_own_dict(db_path: Path) -> None:
    import dataclasses

    store = _store(db_path, 5)
    store.add_update("X01", "2023-07", "进展", source="tui")
    store.update_fields("X01", {"department": "县教育局、县财政局"}, source="tui")
    for project in store.projects():
        assert project.to_dict() == dataclasses.asdict(project)
        assert list(project.to_dict()) == list(dataclasses.asdict(project))


def test_recorded_moments_read_in_the_reader_s_time_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    from store.models import local_minute

    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        assert local_minute("2023-07-01T01:30:00+00:00") == "2023年7月1日 09:30"
        assert local_minute("2023-07-01T09:30:00+08:00") == "2023年7月1日 09:30"
        assert local_minute("2023-07-01T09:30:00") == "2023年7月1日 09:30"  # no zone: as written
        assert local_minute("not a time") == "not a time"
    finally:
        monkeypatch.undo()
        time.tzset()


# --- the file as the system has it ---------------------------------------------------------


def test_a_database_reached_through_a_symlink_is_edited_in_place(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    _store(real, 5)
    link = tmp_path / "link.json"
    link.symlink_to(real)
    ProjectStore(link).set_status("X01", "滞后", source="cli")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert ProjectStore(real).get("X01").status == "滞后"
    assert (tmp_path / "real.json.lock").exists() and not (tmp_path / "link.json.lock").exists()


def test_a_lock_file_deleted_while_held_is_not_shared_by_two_writers(tmp_path: Path) -> None:
    import threading

    from store.files import FileLock

    path = tmp_path / "db.json"
    first = FileLock(path)
    first.acquire()
    assert first.held_at_path()
    first.path.unlink()  # someone removes the lock file while it is held
    second = FileLock(path)
    took = threading.Event()

    def take() -> None:
        second.acquire()  # a new lock file, but the folder is still locked by the first
        took.set()
        second.release()

    thread = threading.Thread(target=take)
    thread.start()
    assert not took.wait(0.5)  # the second writer waits...
    assert not first.held_at_path() and first.exclusive()  # ...and the first knows it is alone
    first.release()
    assert took.wait(5)
    thread.join()


def test_a_save_whose_lock_file_was_removed_is_retried_not_lost(db_path: Path) -> None:
    store = _store(db_path, 5)
    lock = store._file_lock  # (the store's own lock, to remove its file mid-save)
    removed = []
    original = store._before_commit

    def remove_once(reason: str | None) -> None:
        original(reason)
        if not removed:
            lock.path.unlink()
            removed.append(True)

    store._before_commit = remove_once  # type: ignore[method-assign]
    saved = store.set_status("X01", "滞后", source="cli")
    assert removed and saved.status == "滞后"
    assert ProjectStore(db_path).get("X01").status == "滞后"


def test_a_lock_file_deleted_between_the_last_check_and_the_rename_loses_nothing(
    db_path: Path,
) -> None:
    """Writer A has checked its lock; the lock file goes; B starts a save of its own. B waits
    for A (the folder is locked too), then reads A's edit and saves on top of it."""
    import threading

    a = _store(db_path, 5)
    b = ProjectStore(db_path, user="bob")
    original = a._before_write
    done: list[str] = []

    def delete_and_start_b() -> None:
        original()
        a._file_lock.path.unlink()
        thread = threading.Thread(
            target=lambda: done.append(b.update_fields("S01", {"progress": "B"}, source="cli").id)
        )
        thread.start()
        thread.join(0.5)  # B cannot go ahead while A holds the folder
        assert thread.is_alive() and not done
        threads.append(thread)

    threads: list[threading.Thread] = []
    a._before_write = delete_and_start_b  # type: ignore[method-assign]
    a.update_fields("X01", {"progress": "A"}, source="cli")
    threads[0].join(10)
    fresh = ProjectStore(db_path)
    assert done == ["S01"]
    assert (fresh.get("X01").progress, fresh.get("S01").progress) == ("A", "B")
