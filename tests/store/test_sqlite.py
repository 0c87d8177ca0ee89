"""The SQLite store on real files: migrating both ways, other processes, the write lock, kills."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from bench.synthetic import make_projects
from store.files import LockTimeout
from store.interface import DatabaseError, StoreError
from store.jsonfile import JSONFileStore, open_store
from store.migrate import migrate
from store.schedule_rule import ScheduleSettings
from store.sqlitestore import SQLiteStore
from tests.store.test_db import _WRITER
from tui.cli import run

ROOT = Path(__file__).resolve().parents[2]


def _filled(store: JSONFileStore | SQLiteStore) -> None:
    store.import_report(make_projects(30), source="import:synthetic")
    store.set_status("X01", "滞后", source="cli", note="核实")
    store.add_update("X02", "2023-07", "七月进展", source="tui")
    store.merge_units("县卫健局", "县卫生健康局", source="tui")
    store.correct_indicator("X03", {"name": "改造", "unit": "户", "target": 12}, source="tui")
    store.set_schedule_settings(ScheduleSettings(basis="points"), source="tui")
    store.set_period(1, 9, source="cli")
    (change,) = store.history("X01")[-1:]
    store.undo(change.id, source="tui")


def _contents(store: JSONFileStore | SQLiteStore) -> tuple[object, ...]:
    return (
        store.projects(),
        store.history(),
        store.report(),
        store.schedule_settings(),
        store.aliases(),
    )


def test_json_to_sqlite_to_json_keeps_everything(tmp_path: Path) -> None:
    original = JSONFileStore(tmp_path / "a.json", user="alice")
    _filled(original)
    assert migrate(tmp_path / "a.json", tmp_path / "b.sqlite") == (30, len(original.history()))
    on_sqlite = SQLiteStore(tmp_path / "b.sqlite", user="bob")
    assert _contents(on_sqlite) == _contents(original)
    migrate(tmp_path / "b.sqlite", tmp_path / "c.json")
    back = JSONFileStore(tmp_path / "c.json")
    assert _contents(back) == _contents(original)
    # and the copies go on as stores: history ids and revisions continue
    saved = on_sqlite.set_status("X05", "已完成", source="cli")
    assert saved.revision == original.get("X05").revision + 1
    assert on_sqlite.history()[-1].id == original.history()[-1].id + 1
    assert on_sqlite.check().ok and back.check().ok


def test_sqlite_to_json_to_sqlite_keeps_everything(tmp_path: Path) -> None:
    original = SQLiteStore(tmp_path / "a.sqlite", user="alice")
    _filled(original)
    migrate(tmp_path / "a.sqlite", tmp_path / "b.json")
    migrate(tmp_path / "b.json", tmp_path / "c.sqlite3")
    assert _contents(SQLiteStore(tmp_path / "c.sqlite3")) == _contents(original)


def test_migrate_refuses_an_existing_target_and_a_broken_source(tmp_path: Path) -> None:
    _filled(JSONFileStore(tmp_path / "a.json"))
    (tmp_path / "b.sqlite").write_bytes(b"mine")
    assert run(["db", "migrate", str(tmp_path / "a.json"), str(tmp_path / "b.sqlite")]) == 1
    assert (tmp_path / "b.sqlite").read_bytes() == b"mine"
    (tmp_path / "broken.json").write_text("{ not json")
    with pytest.raises(DatabaseError, match="没有复制"):
        migrate(tmp_path / "broken.json", tmp_path / "c.sqlite")
    assert not (tmp_path / "c.sqlite").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_open_store_chooses_by_suffix_and_the_command_line_works_on_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "new" / "minsheng.sqlite"
    assert isinstance(open_store(tmp_path / "x.sqlite3"), SQLiteStore)
    assert isinstance(open_store(tmp_path / "x.json"), JSONFileStore)
    assert run(["--db", str(db), "import", str(ROOT / "data" / "lanling-2023-h1.md")]) == 0
    with sqlite3.connect(db) as conn:  # one row a project, one a change
        assert conn.execute("SELECT count(*) FROM projects").fetchone() == (49,)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert run(["--db", str(db), "set-status", "S01", "滞后"]) == 0
    assert run(["--db", str(db), "db", "check"]) == 0
    out = capsys.readouterr().out
    assert "S01 工作成效：滞后" in out and "完好：49 个项目" in out
    # and copied back to a JSON file from the command line, saying what it copied
    assert run(["db", "migrate", str(db), str(tmp_path / "back.json")]) == 0
    out = capsys.readouterr().out
    assert "已从" in out and "复制 49 个项目" in out
    assert JSONFileStore(tmp_path / "back.json").get("S01").status == "滞后"
    assert SQLiteStore(db).get("S01").status == "滞后"


def test_another_connection_s_commit_moves_the_generation(tmp_path: Path) -> None:
    a = SQLiteStore(tmp_path / "db.sqlite", user="a")
    a.import_report(make_projects(10), source="import:synthetic")
    b = SQLiteStore(tmp_path / "db.sqlite", user="b")
    before = a.generation
    assert not a.refresh()
    a.set_status("X01", "滞后", source="tui")
    assert a.generation == before + 1  # our own write: exactly one
    assert b.get("X01").status == "滞后"
    b.set_status("X02", "滞后", source="tui")
    assert a.refresh() and a.generation == before + 2
    assert a.get("X02").status == "滞后"


def test_a_file_that_is_not_sqlite_is_refused_on_open(tmp_path: Path) -> None:
    (tmp_path / "db.sqlite").write_bytes(b"not a database at all" * 100)
    with pytest.raises(DatabaseError, match="db.sqlite"):
        SQLiteStore(tmp_path / "db.sqlite")


def test_a_backup_is_kept_before_an_import_and_restored(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "db.sqlite")
    store.import_report(make_projects(10), source="import:synthetic")
    store.set_status("X01", "滞后", source="cli")
    store.import_report(make_projects(12), source="import:more")
    backups = store.backups()
    assert len(backups) == 1 and all(store.check(b).ok for b in backups)
    result = store.restore(backups[-1].name)  # before the second import: 10 projects
    assert result.projects == 10 and len(store.projects()) == 10
    assert store.history()[-1].field == "restore"
    assert store.get("X01").status == "滞后"


_HOLDER = textwrap.dedent(
    """
    import sqlite3, sys, time
    from pathlib import Path
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    Path(sys.argv[1] + "-writer").write_text("wang pid 4242 on server\\n")
    print("held", flush=True)
    sys.stdin.readline()
    """
)


def _python(code: str, *args: str, stdin: int | None = None) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", code, *args], env=env, text=True, stdin=stdin,
        stdout=subprocess.PIPE,
    )  # fmt: skip


def test_a_save_waits_for_the_write_lock_says_who_holds_it_and_gives_up(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    SQLiteStore(db).import_report(make_projects(5), source="import:synthetic")
    told: list[str] = []
    store = SQLiteStore(db, wait=1.5, on_wait=told.append)
    holder = _python(_HOLDER, str(db), stdin=subprocess.PIPE)
    assert holder.stdout is not None and holder.stdin is not None
    try:
        assert holder.stdout.readline() == "held\n"
        with pytest.raises(LockTimeout, match="wang pid 4242 on server 占用锁已超过 1.5 秒"):
            store.set_status("X01", "滞后", source="cli")
        assert told == ["wang pid 4242 on server"]
    finally:
        holder.stdin.close()
        holder.wait(timeout=10)
    store.set_status("X01", "滞后", source="cli")  # let go: the save lands
    assert SQLiteStore(db).get("X01").status == "滞后"


def test_a_writer_killed_at_random_moments_leaves_the_old_or_the_new_state(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    store = SQLiteStore(db)
    store.import_report(make_projects(300), source="import:synthetic")
    store.update_fields("X01", {"progress": "count 0"}, source="writer")
    acks = tmp_path / "acks.txt"
    rng = random.Random(20230630)
    value = 0
    for _ in range(15):
        writer = _python(_WRITER, str(db), str(acks), str(value + 1))
        assert writer.stdout is not None
        assert writer.stdout.readline() == "ready\n"
        time.sleep(rng.uniform(0.0, 0.2))
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
        writer.stdout.close()
        lines = acks.read_text().split()
        acked = max(int(lines[-1]) if lines else 0, value)  # (as in test_db.py: why)
        fresh = SQLiteStore(db)
        value = int(fresh.get("X01").progress.removeprefix("count "))
        assert value in (acked, acked + 1)
        last = [c for c in fresh.history("X01") if c.field == "progress"][-1]
        assert last.new == f"count {value}"  # history and data were written together
        assert fresh.get("X01").revision == value + 2
        assert fresh.check().ok
    assert value > 0


def test_read_only_refuses_edits(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    SQLiteStore(db).import_report(make_projects(5), source="import:synthetic")
    store = SQLiteStore(db, read_only=True, read_only_reason="--read-only")
    assert len(store.projects()) == 5
    with pytest.raises(StoreError, match="只读"):
        store.set_status("X01", "滞后", source="cli")


def test_control_characters_someone_else_wrote_into_a_row_are_never_read_back(
    tmp_path: Path,
) -> None:
    db = tmp_path / "db.sqlite"
    SQLiteStore(db).import_report(make_projects(5), source="import:synthetic")
    with sqlite3.connect(db) as conn:  # a hand edit with the sqlite3 shell, say
        conn.execute(
            "UPDATE projects SET doc = json_set(doc, '$.name', ?) WHERE id = 'X01'",
            ("名称\x1b]52;c;aGk=\x07\u202e反转",),
        )
    store = SQLiteStore(db)
    assert store.get("X01").name == "名称]52;c;aGk=反转"
    assert store.check().problems  # and db check names it
    saved = SQLiteStore(db).set_status("X01", "滞后", source="cli")  # one row read: cleaned too
    assert saved.name == "名称]52;c;aGk=反转"
    assert SQLiteStore(db).check().ok  # the save wrote it back clean


def test_a_database_of_the_first_layout_gets_the_report_order_index_and_keeps_its_data(
    tmp_path: Path,
) -> None:
    path = tmp_path / "db.sqlite"
    SQLiteStore(path).import_report(make_projects(12), source="import:synthetic")
    conn = sqlite3.connect(path)
    conn.execute("DROP INDEX projects_order")  # as the first layout was
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    read_only = SQLiteStore(path, read_only=True)
    first = read_only.first_projects(3)  # (sorted without the index: the same rows)
    assert first is not None and [p.id for p in first.projects] == ["X01", "X02", "S01"]
    store = SQLiteStore(path)
    store.set_status("S05", "滞后", source="cli")
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone() == (2,)
    plan = conn.execute(
        "EXPLAIN QUERY PLAN SELECT doc FROM projects ORDER BY json_extract(doc, '$.table')"
        " != '县级', json_extract(doc, '$.table'), json_extract(doc, '$.number'), doc_id LIMIT 3"
    ).fetchall()
    conn.close()
    assert "projects_order" in str(plan)
    assert [p.id for p in SQLiteStore(path).projects()][:3] == ["X01", "X02", "S01"]
    assert len(SQLiteStore(path).projects()) == 12
