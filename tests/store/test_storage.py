"""AtomicJSONStorage, FileLock and the file format, on real files in tmp_path."""

from __future__ import annotations

import json
import os
import re
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tinydb import TinyDB
from tinydb.table import Document, Table

from store.files import FileLock, atomic_write_bytes, sweep_temp_files
from store.interface import DatabaseError
from store.jsonstorage import (
    STAMP_TABLE,
    AtomicJSONStorage,
    _decode,
    decode_tables,
    encode_document,
    encode_tables,
)


def _write(storage: AtomicJSONStorage, table: str, doc_id: str, doc: dict[str, Any]) -> None:
    storage.begin()
    Table(storage, table).upsert(Document(doc, int(doc_id)))  # type: ignore[arg-type]
    storage.commit()


def test_file_is_readable_json_with_chinese_kept_and_one_document_a_line(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    storage = AtomicJSONStorage(path)
    storage.begin()
    projects = Table(storage, "projects")  # type: ignore[arg-type]
    projects.insert_multiple(
        [{"id": "X01", "name": "两河体育公园"}, {"id": "X02", "name": "清洁取暖"}]
    )
    storage.commit()
    text = path.read_text(encoding="utf-8")
    assert "两河体育公园" in text and "\\u" not in text
    lines = text.splitlines()
    assert lines[1] == f'"{STAMP_TABLE}": {{'
    assert ' "1": {"id":"X01","name":"两河体育公园"},' in lines
    assert ' "2": {"id":"X02","name":"清洁取暖"}' in lines
    data = json.loads(text)
    assert data["projects"]["2"] == {"id": "X02", "name": "清洁取暖"}


def test_plain_tinydb_reads_our_file_and_we_read_plain_tinydb(tmp_path: Path) -> None:
    ours = tmp_path / "ours.json"
    _write(AtomicJSONStorage(ours), "projects", "1", {"id": "X01"})
    with TinyDB(ours) as db:
        assert db.table("projects").all() == [{"id": "X01"}]

    theirs = tmp_path / "theirs.json"
    with TinyDB(theirs) as db:
        db.table("projects").insert({"id": "S01", "name": "岗位"})
    storage = AtomicJSONStorage(theirs)
    assert storage.tables()["projects"] == {"1": {"id": "S01", "name": "岗位"}}
    _write(storage, "projects", "2", {"id": "S02"})  # foreign layout: everything re-encoded
    assert json.loads(theirs.read_text())["projects"]["1"]["name"] == "岗位"


def test_tinydb_api_on_our_storage_writes_through_and_is_seen(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    storage = AtomicJSONStorage(path)
    _write(storage, "projects", "1", {"id": "X01", "status": "推进正常"})
    db = TinyDB(storage=lambda: storage)  # type: ignore[arg-type]
    db.table("projects").update({"status": "滞后"}, doc_ids=[1])
    assert json.loads(path.read_text())["projects"]["1"]["status"] == "滞后"
    _write(storage, "projects", "2", {"id": "X02"})  # cached lines were dropped by write()
    assert json.loads(path.read_text())["projects"]["1"]["status"] == "滞后"


def test_change_by_another_writer_is_seen_even_with_same_size_mtime_and_inode(
    tmp_path: Path,
) -> None:
    path = tmp_path / "db.json"
    writer, reader = AtomicJSONStorage(path), AtomicJSONStorage(path)
    _write(writer, "projects", "1", {"status": "滞后"})
    assert reader.tables()["projects"]["1"]["status"] == "滞后"
    generation = reader.generation
    st = os.stat(path)
    # Another version of the file, rewritten in place: same inode, same size, same mtime.
    other = AtomicJSONStorage(tmp_path / "other.json")
    _write(other, "projects", "1", {"status": "未启"})
    raw = (tmp_path / "other.json").read_bytes()
    assert len(raw) == st.st_size
    with open(path, "r+b") as handle:
        handle.write(raw)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert os.stat(path).st_ino == st.st_ino
    assert reader.refresh() is True
    assert reader.generation > generation
    assert reader.tables()["projects"]["1"]["status"] == "未启"


def test_refresh_is_cheap_when_nothing_changed(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    storage = AtomicJSONStorage(path)
    _write(storage, "t", "1", {"a": 1})
    generation = storage.generation
    assert storage.refresh() is False
    assert storage.generation == generation  # own write: no reload


def test_rollback_puts_memory_back_and_leaves_the_file(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    storage = AtomicJSONStorage(path)
    _write(storage, "t", "1", {"a": 1})
    before = path.read_bytes()
    storage.begin()
    table = Table(storage, "t")  # type: ignore[arg-type]
    table.update({"a": 2}, doc_ids=[1])  # TinyDB changes the document in place...
    table.insert({"a": 3})
    storage.rollback()
    assert storage.tables()["t"] == {"1": {"a": 1}}  # ...and the rollback forgot it
    assert path.read_bytes() == before
    storage.begin()
    assert Table(storage, "t").insert({"a": 4}) == 2  # type: ignore[arg-type]
    storage.commit()
    assert json.loads(path.read_text())["t"] == {"1": {"a": 1}, "2": {"a": 4}}


def test_commit_without_changes_does_not_touch_the_file(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    storage = AtomicJSONStorage(path)
    _write(storage, "t", "1", {"a": 1})
    st = os.stat(path)
    storage.begin()
    assert storage.commit() is False
    assert os.stat(path).st_ino == st.st_ino


def test_read_only_writes_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    storage = AtomicJSONStorage(path)
    _write(storage, "t", "1", {"a": 1})
    read_only = AtomicJSONStorage(path, read_only=True)
    read_only.begin()
    with pytest.raises(DatabaseError, match="以只读方式打开"):
        Table(read_only, "t").insert({})  # type: ignore[arg-type]
    read_only.rollback()
    with pytest.raises(DatabaseError, match="以只读方式打开"):
        read_only.write({})


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"\xff\xfe{", "不是 UTF-8 文本"),
        (b'{\n"projects": {\n "1": {"a": 1,,}\n}\n}\n', r"db\.json 第3行：不是民生实事数据库"),
        (b"[1, 2]", "JSON 结构不对"),
    ],
)
def test_broken_files_are_named_with_their_line(tmp_path: Path, raw: bytes, message: str) -> None:
    path = tmp_path / "db.json"
    path.write_bytes(raw)
    with pytest.raises(DatabaseError, match=message):
        AtomicJSONStorage(path).refresh()


def test_an_empty_or_missing_file_is_an_empty_database(tmp_path: Path) -> None:
    assert AtomicJSONStorage(tmp_path / "missing.json").read() == {}
    (tmp_path / "empty.json").write_bytes(b"")
    assert AtomicJSONStorage(tmp_path / "empty.json").read() == {}


def test_atomic_write_keeps_mode_and_leaves_no_temp_file(tmp_path: Path) -> None:
    path = tmp_path / "out.json"
    path.write_bytes(b"old")
    os.chmod(path, 0o640)
    atomic_write_bytes(path, b"new")
    assert path.read_bytes() == b"new"
    assert os.stat(path).st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_only_temp_files_no_live_writer_can_own_are_swept(tmp_path: Path) -> None:
    import subprocess
    import sys

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    dead = tmp_path / f".db.json.{gone.stdout.strip()}-0123abcd.tmp"  # its writer was killed
    live = tmp_path / f".db.json.{os.getppid()}-0123abcd.tmp"  # a live writer's, still writing
    old = tmp_path / ".db.json.abcd_123.tmp"  # an older version's name, no process id
    unrelated = tmp_path / f".other.json.{gone.stdout.strip()}-0123abcd.tmp"
    for temp in (dead, live, old, unrelated):
        temp.write_bytes(b"half a file")
    ours = lambda name: name == "db.json"  # noqa: E731
    assert sweep_temp_files(tmp_path, ours) == [dead]
    assert live.exists() and old.exists() and unrelated.exists()
    an_hour_ago = os.stat(old).st_mtime - 3700
    os.utime(old, (an_hour_ago, an_hour_ago))
    os.utime(live, (an_hour_ago, an_hour_ago))
    assert sorted(sweep_temp_files(tmp_path, ours)) == sorted([old, live])  # past the bound


def test_file_lock_excludes_other_threads_and_is_reentrant(tmp_path: Path) -> None:
    lock = FileLock(tmp_path / "db.json")
    inside: list[int] = []
    overlap: list[bool] = []

    def work() -> None:
        for _ in range(50):
            with lock, lock:  # re-entrant in one thread
                inside.append(1)
                overlap.append(len(inside) > 1)
                time.sleep(0.0001)
                inside.pop()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not any(overlap)
    assert lock.path.name == "db.json.lock"


_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20
) | st.sampled_from(["}", "},", "\n}", '"},\n "2": {', "\u2028", "两河"])
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | _text,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(_text, children, max_size=3),
    max_leaves=10,
)
_tables = st.dictionaries(
    _text,
    st.dictionaries(
        st.integers(min_value=1, max_value=10**6).map(str),
        st.dictionaries(_text, _json, max_size=4),
        max_size=4,
    ),
    max_size=3,
)


@settings(max_examples=200, deadline=None)
@given(_tables)
def test_encode_decode_round_trip_and_lines_are_reused_exactly(data: dict[str, Any]) -> None:
    data.pop(STAMP_TABLE, None)
    raw = encode_tables(data)
    decoded, lines = _decode(raw, Path("x.json"))
    assert decoded == json.loads(raw) == data
    if re.search(rb"\d{19}", raw):  # integers that may exceed 64 bits: the exact, slow path
        assert lines == {}
        return
    for name, table in data.items():  # the fast path took every document's own line
        assert lines[name] == {k: encode_document(k, doc) for k, doc in table.items()}
    assert decode_tables(raw, Path("x.json")) == data


def test_a_document_split_over_lines_takes_the_slow_path(tmp_path: Path) -> None:
    raw = b'{\n"t": {\n "1": {"a":\n 1}\n}\n}\n'
    data, lines = _decode(raw, tmp_path / "x.json")
    assert data == {"t": {"1": {"a": 1}}}
    assert lines == {}


@settings(max_examples=300, deadline=None)
@given(_tables, st.lists(st.tuples(st.integers(min_value=0), st.sampled_from(["\n", " ", ","]))))
def test_any_valid_variant_of_the_layout_decodes_right_and_caches_only_whole_lines(
    data: dict[str, Any], edits: list[tuple[int, str]]
) -> None:
    text = encode_tables(data).decode()
    for position, char in edits:  # hand edits: stray newlines, spaces and commas anywhere
        position %= len(text) + 1
        text = text[:position] + char + text[position:]
    try:
        expected = json.loads(text)
    except ValueError:
        return
    if not isinstance(expected, dict) or not all(isinstance(t, dict) for t in expected.values()):
        return
    expected.pop(STAMP_TABLE, None)
    decoded, lines = _decode(text.encode(), Path("x.json"))
    assert decoded == expected
    for name, cached in lines.items():
        for key, line in cached.items():  # each kept line is exactly one whole document
            prefix = f' "{key}": '.encode()
            assert line.startswith(prefix) and b"\n" not in line
            assert json.loads(line[len(prefix) :]) == decoded[name][key]


def test_long_integers_stay_exact_across_writes_that_vouch_for_the_file(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    storage = AtomicJSONStorage(path)
    _write(storage, "t", "1", {"n": 1})
    _write(storage, "t", "2", {"n": 2})
    big = 123456789012345678901234567890
    path.write_bytes(path.read_bytes().replace(b'{"n":1}', f'{{"n": {big}}}'.encode()))
    storage = AtomicJSONStorage(path)
    assert storage.tables()["t"]["1"] == {"n": big}
    _write(storage, "t", "2", {"n": 3})  # the hand-edited line is kept as it was
    assert b'"long_numbers": true' in path.read_bytes()
    assert AtomicJSONStorage(path).tables()["t"] == {"1": {"n": big}, "2": {"n": 3}}
    _write(storage, "t", "1", {"n": 4})
    assert b'"long_numbers": false' in path.read_bytes()
    assert AtomicJSONStorage(path).tables()["t"] == {"1": {"n": 4}, "2": {"n": 3}}


def test_every_way_of_writing_puts_the_documents_as_they_are_now_in_the_file(
    tmp_path: Path,
) -> None:
    """Lines kept from the file read must never stand for a document that changed since."""
    path = tmp_path / "db.json"
    _write(AtomicJSONStorage(path), "t", "1", {"a": 1})
    _write(AtomicJSONStorage(path), "t", "2", {"a": 2})

    fresh = AtomicJSONStorage(path)  # TinyDB in place, outside a transaction, nothing copied
    Table(fresh, "t").update({"a": 10}, doc_ids=[1])  # type: ignore[arg-type]
    assert json.loads(path.read_text())["t"] == {"1": {"a": 10}, "2": {"a": 2}}

    compared = AtomicJSONStorage(path)  # in a transaction that announces nothing
    compared.begin()
    Table(compared, "t").update({"a": 20}, doc_ids=[2])  # type: ignore[arg-type]
    compared.commit()
    assert json.loads(path.read_text())["t"] == {"1": {"a": 10}, "2": {"a": 20}}

    announced = AtomicJSONStorage(path)  # the store's way: the changed documents are named
    announced.begin(announced=True)
    announced.announce("t", ["1"])
    Table(announced, "t").update({"a": 30}, doc_ids=[1])  # type: ignore[arg-type]
    Table(announced, "t").insert({"a": 40})  # type: ignore[arg-type]
    announced.commit()
    assert json.loads(path.read_text())["t"] == {"1": {"a": 30}, "2": {"a": 20}, "3": {"a": 40}}
    Table(announced, "t").update({"a": 50}, doc_ids=[2])  # type: ignore[arg-type]  # then not
    assert json.loads(path.read_text())["t"] == {"1": {"a": 30}, "2": {"a": 50}, "3": {"a": 40}}


def test_a_file_not_promised_in_order_is_read_whole_until_the_store_writes_it_in_order(
    tmp_path: Path,
) -> None:
    from bench.synthetic import make_projects
    from store.jsonfile import JSONFileStore
    from store.jsonstorage import write_tables

    path = tmp_path / "db.json"
    JSONFileStore(path).import_report(make_projects(12), source="import:synthetic")
    tables = json.loads(path.read_text(encoding="utf-8"))
    assert list(tables) == ["_stamp", "meta", "projects", "history"]
    assert tables["_stamp"]["1"]["ordered"] is True
    # As an older version or a hand wrote it: projects last first, no promise in the stamp.
    del tables["_stamp"]
    tables["projects"] = dict(reversed(tables["projects"].items()))
    write_tables(path, tables)
    store = JSONFileStore(path, load=False)
    assert store.first_projects(3) is None
    assert [p.id for p in store.projects()[:3]] == ["X01", "X02", "S01"]
    store.set_status("S05", "滞后", source="cli")
    fresh = JSONFileStore(path, load=False)
    first = fresh.first_projects(3)
    assert first is not None and [p.id for p in first.projects] == ["X01", "X02", "S01"]
    assert TinyDB(path).table("projects").get(doc_id=1)["id"] == "X01"  # (still TinyDB's)
