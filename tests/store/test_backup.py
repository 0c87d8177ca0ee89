"""Backups, `db check`, restore, shared-folder permissions, network file systems, TinyDB caches."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bench.synthetic import make_projects
from store.backup import (
    BACKUP_DIR,
    KEEP,
    backup_dir,
    check_database,
    list_backups,
    make_backup,
    newest_good_backup,
)
from store.files import (
    FileLock,
    atomic_write_bytes,
    filesystem_type,
    network_filesystem,
    new_file_mode,
)
from store.interface import ConflictError, DatabaseError, NetworkFilesystemError
from store.jsonfile import JSONFileStore as ProjectStore
from tests.store.test_export import kill_mid_write


def _store(path: Path, n: int = 10) -> ProjectStore:
    store = ProjectStore(path, user="alice")
    store.import_report(make_projects(n), source="import:synthetic")
    return store


def test_an_import_that_changes_something_keeps_a_backup_first(db_path: Path) -> None:
    store = _store(db_path)
    assert list_backups(db_path) == []  # the first import had no file to back up
    before = db_path.read_bytes()
    parsed = make_projects(10)
    parsed.records[0].fields["progress"] = "新的进展"
    store.import_report(parsed, source="import:second")
    backups = list_backups(db_path)
    assert len(backups) == 1 and backups[0].name.endswith("-import.json")
    assert backups[0].read_bytes() == before
    store.import_report(parsed, source="import:second")  # nothing changes: no new backup
    assert len(list_backups(db_path)) == 1


def test_the_first_write_of_the_day_keeps_a_backup_once(db_path: Path) -> None:
    _store(db_path)
    store = ProjectStore(db_path, user="bob")  # a new process: has not seen today's backup
    before = db_path.read_bytes()
    store.set_status("X01", "滞后", source="cli")
    backups = list_backups(db_path)
    assert [b.read_bytes() for b in backups] == [before]
    assert backups[0].name.endswith("-daily.json")
    store.set_status("X02", "滞后", source="cli")
    ProjectStore(db_path, user="carol").set_status("S03", "滞后", source="cli")
    assert len(list_backups(db_path)) == 1  # one a day, whoever writes


def test_only_the_newest_backups_are_kept(db_path: Path) -> None:
    store = _store(db_path)
    for n in range(KEEP + 5):
        store.update_fields("X01", {"progress": f"第 {n} 次"}, source="cli")
        make_backup(db_path, "import")
    backups = list_backups(db_path)
    assert len(backups) == KEEP
    assert "第 14 次" in backups[-1].read_text(encoding="utf-8")
    make_backup(db_path, "import")  # the same bytes again: nothing new
    assert list_backups(db_path) == backups


def test_a_killed_backups_temporary_file_is_removed_at_the_next_run(db_path: Path) -> None:
    _store(db_path)
    ProjectStore(db_path, user="bob").set_status("X01", "滞后", source="cli")  # today's backup
    assert len(list_backups(db_path)) == 1
    code = (
        "from bench.synthetic import make_projects; "
        "from store.jsonfile import JSONFileStore; "
        f"JSONFileStore({str(db_path)!r}, user='carol')"
        ".import_report(make_projects(12, seed=5), source='import:killed')"
    )
    kill_mid_write(f"/{BACKUP_DIR}/", code)  # killed while writing the backup before an import
    folder = backup_dir(db_path)
    left = [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]
    assert len(left) == 1 and left[0].startswith(f".{db_path.stem}-")
    (folder / ".other-20230101-000000-000000-daily.json.1-0123abcd.tmp").write_bytes(b"")
    # The next run is an ordinary edit (today's backup is there: no new one): it cleans up.
    ProjectStore(db_path, user="dave").set_status("X02", "滞后", source="cli")
    assert [p.name for p in folder.iterdir() if p.name.endswith(".tmp")] == [
        ".other-20230101-000000-000000-daily.json.1-0123abcd.tmp"  # another database's
    ]
    assert len(list_backups(db_path)) == 1 and check_database(list_backups(db_path)[0]).ok


def test_check_accepts_a_sound_database(db_path: Path) -> None:
    store = _store(db_path, 30)
    store.add_update("X01", "2023-07", "七月", source="tui")
    report = check_database(db_path)
    assert report.ok, report.problems
    assert (report.projects, report.changes) == (30, 31)


@pytest.mark.parametrize(
    ("mutate", "problem"),
    [
        (lambda d: d["projects"]["1"].pop("plan"), "项目文档 1：缺少 plan"),
        (
            lambda d: d["projects"]["2"].update(id=d["projects"]["1"]["id"]),
            "项目 X01（文档 2）：文档 1 也用了这个编号",
        ),
        (lambda d: d["projects"]["1"].update(revision=0), "版本号 0 不是正整数"),
        (lambda d: d["projects"]["1"].update(revision="2"), "版本号 '2' 不是正整数"),
        (lambda d: d["projects"]["1"].update(name="a\x1b[2Jb"), "name（项目名称） 含有控制字符"),
        (
            lambda d: d["projects"]["1"].update(updates=[{"month": "x"}]),
            "第1条进展缺少 month、text、at 或 by",
        ),
        (lambda d: d["history"]["1"].pop("by"), "历史记录文档 1：缺少 by"),
        (lambda d: d["history"].update({"x": {}}), "历史记录文档 x：编号不是正数"),
    ],
)
def test_check_names_each_kind_of_problem(
    db_path: Path, mutate: Callable[[dict[str, Any]], None], problem: str
) -> None:
    _store(db_path, 3)
    data = json.loads(db_path.read_bytes())
    mutate(data)
    db_path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    report = check_database(db_path)
    assert not report.ok
    assert any(problem in p for p in report.problems), report.problems


def test_check_finds_duplicate_history_ids_and_unparsable_files(db_path: Path) -> None:
    _store(db_path, 3)
    text = db_path.read_text(encoding="utf-8")
    first = next(line for line in text.splitlines() if line.startswith(' "1": {"project"'))
    db_path.write_text(text.replace(first, first + "\n" + first), encoding="utf-8")
    assert any("出现了两次" in p for p in check_database(db_path).problems)
    db_path.write_bytes(b'{"projects": {')
    report = check_database(db_path)
    assert report.problems and str(db_path) in report.problems[0]


def test_a_broken_file_is_never_overwritten_and_the_message_names_the_good_backup(
    db_path: Path,
) -> None:
    store = _store(db_path)
    good = make_backup(db_path, "import")
    db_path.write_bytes(b'{"projects": {"1": {"id": "X01"')  # cut short
    with pytest.raises(DatabaseError) as raised:
        ProjectStore(db_path)
    message = str(raised.value)
    assert str(db_path) in message and "文件没有改动" in message and good is not None
    assert str(good) in message and "db restore" in message
    with pytest.raises(DatabaseError):  # the store that was already open refuses too
        store.set_status("X01", "滞后", source="cli")
    assert db_path.read_bytes() == b'{"projects": {"1": {"id": "X01"'
    assert newest_good_backup(db_path) == good


def test_a_parsable_file_with_malformed_projects_is_refused_on_open(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_text('{"projects": {"1": {"name": "no id"}}}', encoding="utf-8")
    with pytest.raises(DatabaseError, match="项目文档 1 格式有误"):
        ProjectStore(db_path)


def test_restore_brings_a_backup_back_and_keeps_the_current_file(db_path: Path) -> None:
    store = _store(db_path)
    store.set_status("X01", "滞后", source="cli")
    backup = make_backup(db_path, "import")
    assert backup is not None
    stale = store.get("X02")
    store.update_fields("X02", {"progress": "恢复后应消失"}, source="cli")
    current = db_path.read_bytes()
    result = ProjectStore(db_path, user="admin", load=False).restore(backup)
    assert result.saved_current is not None and result.saved_current.read_bytes() == current
    fresh = ProjectStore(db_path)
    assert fresh.get("X02").progress != "恢复后应消失"
    assert fresh.get("X01").status == "滞后"
    # Revisions moved past the current file's: an editor holding X02 from before the restore
    # gets a conflict instead of silently writing over the restored project.
    assert fresh.get("X02").revision > stale.revision + 1
    with pytest.raises(ConflictError):
        fresh.update_fields(
            "X02", {"progress": "旧编辑器"}, source="tui", expected_revision=stale.revision + 1
        )
    last = fresh.history()[-1]
    assert (last.field, last.new, last.by) == ("restore", backup.name, "admin")
    assert check_database(db_path).ok


def test_restore_refuses_a_broken_backup_and_works_over_a_broken_database(
    db_path: Path,
) -> None:
    _store(db_path)
    good = make_backup(db_path, "import")
    assert good is not None
    broken = backup_dir(db_path) / "broken.json"
    broken.write_bytes(b"{")
    with pytest.raises(DatabaseError, match="没有恢复"):
        ProjectStore(db_path, user="admin", load=False).restore(broken)
    db_path.write_bytes(b"garbage")
    ProjectStore(db_path, user="admin", load=False).restore(good)
    assert len(ProjectStore(db_path).projects()) == 10
    assert any(b.read_bytes() == b"garbage" for b in list_backups(db_path))


# --- shared folders --------------------------------------------------------------------------


def test_files_in_a_setgid_group_folder_are_group_writable(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o2770)
    old = os.umask(0o022)
    try:
        assert new_file_mode(shared) & 0o060 == 0o060
        assert new_file_mode(tmp_path) & 0o060 == 0o040  # not a shared folder: the umask
        db = shared / "minsheng.json"
        store = _store(db)
        store.set_status("X01", "滞后", source="cli")
        make_backup(db, "import")
    finally:
        os.umask(old)
    for path in (db, db.with_name(db.name + ".lock"), *list_backups(db)):
        assert stat.S_IMODE(os.stat(path).st_mode) & 0o060 == 0o060, path
    assert stat.S_IMODE(os.stat(backup_dir(db)).st_mode) == 0o2770


def test_replacing_the_file_keeps_its_mode_and_the_lock_follows(tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    _store(db)
    os.chmod(db, 0o660)
    ProjectStore(db).set_status("X01", "滞后", source="cli")
    assert stat.S_IMODE(os.stat(db).st_mode) == 0o660
    assert stat.S_IMODE(os.stat(db.with_name("db.json.lock")).st_mode) == 0o660
    atomic_write_bytes(tmp_path / "export.json", b"{}", like=db)
    assert stat.S_IMODE(os.stat(tmp_path / "export.json").st_mode) == 0o660


def test_a_lock_file_this_user_cannot_write_still_locks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lock = FileLock(tmp_path / "db.json")
    lock.path.write_bytes(b"")
    os.chmod(lock.path, 0o444)
    real_open = os.open

    def no_write(path: Any, flags: int, *args: Any) -> int:
        """Root ignores modes: play a user who cannot write the lock file."""
        if str(path) == str(lock.path) and flags & os.O_EXCL:
            raise FileExistsError(17, "File exists", str(path))
        if str(path) == str(lock.path) and flags & (os.O_RDWR | os.O_WRONLY):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", no_write)
    with lock:
        assert lock._fd is not None


_MOUNTS = """\
22 1 0:21 / / rw,relatime - ext4 /dev/sda1 rw
30 22 0:40 / /srv/office rw - nfs4 files:/office rw
31 22 0:41 / /srv/office/local rw - ext4 /dev/sdb1 rw
32 22 0:42 / /mnt/my\\040share rw - cifs //nas/share rw
33 22 0:43 / /home/wang/remote rw - fuse.sshfs wang@host: rw
34 22 0:44 / /srv/officer rw - xfs /dev/sdc1 rw
"""


@pytest.mark.parametrize(
    ("path", "kind", "network"),
    [
        ("/srv/office/db.json", "nfs4", True),
        ("/srv/office/local/db.json", "ext4", False),
        ("/srv/officer/db.json", "xfs", False),
        ("/mnt/my share/minsheng.json", "cifs", True),
        ("/home/wang/remote/a/b.json", "fuse.sshfs", True),
        ("/var/lib/minsheng.json", "ext4", False),
    ],
)
def test_network_file_systems_are_told_from_mountinfo(path: str, kind: str, network: bool) -> None:
    assert filesystem_type(Path(path), _MOUNTS) == kind
    assert (network_filesystem(Path(path), _MOUNTS) is not None) == network


def test_a_store_on_a_network_file_system_is_refused_unless_allowed(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _store(db_path)
    monkeypatch.setattr("store.documents.network_filesystem", lambda path: "nfs4")
    with pytest.raises(NetworkFilesystemError, match="nfs4.*--i-know-locks-may-fail"):
        ProjectStore(db_path)
    assert ProjectStore(db_path, read_only=True).projects()
    ProjectStore(db_path, allow_network_fs=True).set_status("X01", "滞后", source="cli")
    assert filesystem_type(db_path)  # the real table names this machine's file system


# --- TinyDB as TinyDB --------------------------------------------------------------------------


def test_interleaved_writers_never_hand_out_an_id_twice(db_path: Path) -> None:
    a = _store(db_path)
    b = ProjectStore(db_path, user="bob")
    a.history()  # a has read the history (and its ids) before bob writes
    for n in range(3):
        b.update_fields("X01", {"progress": f"bob {n}"}, source="cli")
    a.update_fields("X02", {"progress": "alice"}, source="cli")
    history = ProjectStore(db_path).history()
    assert [c.id for c in history] == list(range(1, 15))  # no id handed out twice
    assert [c.by for c in history[-4:]] == ["bob", "bob", "bob", "alice"]


def test_a_stock_tinydb_reads_the_file(db_path: Path) -> None:
    from tinydb import Query, TinyDB

    store = _store(db_path)
    store.set_status("X02", "滞后", source="cli", note="材料未到")
    with TinyDB(db_path) as db:
        (x03,) = db.table("projects").search(Query().id == "X02")
        assert x03["status"] == "滞后" and x03["name"] == store.get("X02").name
        assert len(db.table("projects")) == 10
        notes = db.table("history").search(Query().note == "材料未到")
        assert [(c["project"], c["field"], c["new"]) for c in notes] == [("X02", "status", "滞后")]


# --- the command line ------------------------------------------------------------------------


def test_cli_db_check_and_restore(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tui.cli import run

    store = _store(db_path)
    store.set_status("X01", "滞后", source="cli")
    good = make_backup(db_path, "import")
    assert good is not None
    assert run(["--db", str(db_path), "db", "check"]) == 0
    out = capsys.readouterr().out
    assert "完好：10 个项目" in out and good.name in out
    db_path.write_bytes(b'{"projects": ')
    assert run(["--db", str(db_path), "list"]) == 1
    err = capsys.readouterr().err
    assert str(db_path) in err and good.name in err and "db restore" in err
    assert run(["--db", str(db_path), "db", "check"]) == 1
    assert str(db_path) in capsys.readouterr().err
    assert run(["--db", str(db_path), "--read-only", "db", "restore", good.name]) == 1
    assert run(["--db", str(db_path), "db", "restore", good.name]) == 0
    assert "恢复 10 个项目" in capsys.readouterr().out
    assert ProjectStore(db_path).get("X01").status == "滞后"
    assert run(["--db", str(db_path), "db", "restore", "no-such-backup.json"]) == 1
