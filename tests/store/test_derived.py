"""The derived data kept beside the database: the json export reads it instead of the texts,
and a missing, stale, corrupt or foreign cache is worked out again without a word."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pytest

from importers.report import read_report
from store import derived as derived_module
from store.derived import CACHE_SUFFIX, KEEP_WRITES, DerivedCache
from store.export import export_json
from store.jsonfile import JSONFileStore
from store.schedule import ScheduleSettings
from store.snapshots import save_export


@pytest.fixture
def store(db_path: Path, bundled: Path) -> JSONFileStore:
    """The bundled report imported into a fresh database."""
    s = JSONFileStore(db_path, user="tester")
    s.import_report(read_report(bundled), source="import:bundled")
    return s


def cache_path(store: JSONFileStore) -> Path:
    return store.path.with_name(store.path.name + CACHE_SUFFIX)


def export(store: JSONFileStore, tmp_path: Path) -> bytes:
    """The json export as the command line and the export dialog write it."""
    out = tmp_path / "out.json"
    save_export(store, out, "json", store.projects(), force=True)
    return out.read_bytes()


def plain(store: JSONFileStore) -> bytes:
    """The json export read from the texts, no cache."""
    return export_json(store.report(), store.projects(), settings=store.schedule_settings())


def reading_forbidden(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: Any) -> Any:
        raise AssertionError("read from the text although the cache has it")

    monkeypatch.setattr(derived_module, "_computed", refuse)


def test_a_second_export_reads_the_cache_and_writes_the_same_bytes(
    store: JSONFileStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not cache_path(store).exists()  # importing and opening do not make it
    first = export(store, tmp_path)
    assert first == plain(store)
    assert cache_path(store).stat().st_mode == store.path.stat().st_mode
    before = cache_path(store).read_bytes()
    reading_forbidden(monkeypatch)
    assert export(store, tmp_path) == first
    assert cache_path(store).read_bytes() == before  # nothing new: not written again


def test_an_edited_project_is_read_again_and_only_it(
    store: JSONFileStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export(store, tmp_path)
    store.update_fields("X01", {"plan": "3月：开工。\n6月底前：完工。"}, source="cli")
    read: list[str] = []
    computed = derived_module._computed

    def counting(project: Any, *args: Any) -> Any:
        read.append(project.id)
        return computed(project, *args)

    monkeypatch.setattr(derived_module, "_computed", counting)
    data = export(store, tmp_path)
    assert read == ["X01"]
    assert data == plain(store)
    x01 = json.loads(data)["projects"][0]
    assert x01["plan_items"] == [
        {"months": [3], "text": "3月：开工。"},
        {"months": [6], "text": "6月底前：完工。"},
    ]


def test_another_rule_is_another_entry(store: JSONFileStore, tmp_path: Path) -> None:
    export(store, tmp_path)
    store.set_schedule_settings(ScheduleSettings(ahead=1.5, on_time=1.2, slow=1.0), source="cli")
    assert export(store, tmp_path) == plain(store)


@pytest.mark.parametrize(
    "spoil",
    [
        lambda raw: b"",
        lambda raw: raw[: len(raw) // 2],  # cut short
        lambda raw: raw.replace(b"[[0,", b"[[1,", 1),  # still JSON, another item
        lambda raw: raw.replace(b"[", b"{", 5),
        lambda raw: b"\x00\xff not json at all\n{}",
        lambda raw: raw.replace(b'"format":1', b'"format":99', 1),
    ],
    ids=["empty", "cut", "changed", "broken", "garbage", "format"],
)
def test_a_spoilt_cache_is_read_again(store: JSONFileStore, tmp_path: Path, spoil: Any) -> None:
    expected = export(store, tmp_path)
    path = cache_path(store)
    path.write_bytes(spoil(path.read_bytes()))
    assert export(store, tmp_path) == expected
    entries, writes = derived_module._read(path.read_bytes())  # written anew, whole
    assert len(entries) == len(store.projects()) and writes >= 1


def write_with_checksum(path: Path, entries: dict[str, Any], writes: int = 1) -> None:
    """A cache file whose body passes its checksum, whatever the entries hold."""
    body = json.dumps(entries, ensure_ascii=False).encode()
    head = {
        "format": derived_module._FORMAT,
        "version": derived_module.reading_version(),
        "writes": writes,
        "digest": hashlib.blake2b(body, digest_size=16).hexdigest(),
    }
    path.write_bytes(json.dumps(head).encode() + b"\n" + body)


def test_entries_that_do_not_fit_their_texts_are_read_again(
    store: JSONFileStore, tmp_path: Path
) -> None:
    expected = export(store, tmp_path)
    entries: dict[str, Any] = dict(derived_module._read(cache_path(store).read_bytes())[0])
    for index, entry in enumerate(entries.values()):
        entry[1] = [[0, 10**6, [1]]] if index % 3 == 0 else [["a", 1, [1]]]  # past the end
        if index % 3 == 2:
            entry[3] = "not a schedule"
    keys = list(entries)
    entries[keys[0]] = {"not": "an entry"}
    entries[keys[1]] = ["no", "write", "count", {}]
    write_with_checksum(cache_path(store), entries)
    assert export(store, tmp_path) == expected
    assert export(store, tmp_path) == expected  # (and the entries put right are read)


def test_a_cache_of_other_reading_code_is_not_read(
    store: JSONFileStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export(store, tmp_path)
    keys = _keys(store)
    assert DerivedCache.beside(store.path).get(keys[0]) is not None
    monkeypatch.setattr(derived_module, "reading_version", lambda: "another")
    assert all(DerivedCache.beside(store.path).get(key) is None for key in keys)


def _keys(store: JSONFileStore) -> list[str]:
    return list(derived_module._read(cache_path(store).read_bytes())[0])


def test_a_read_only_store_reads_the_cache_but_does_not_write_it(
    store: JSONFileStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reader = JSONFileStore(store.path, user="reader", read_only=True)
    expected = export(reader, tmp_path)
    assert not cache_path(store).exists()
    export(store, tmp_path)
    reading_forbidden(monkeypatch)
    assert export(reader, tmp_path) == expected


def test_entries_no_export_uses_go_after_some_writes(store: JSONFileStore) -> None:
    report, settings = store.report(), store.schedule_settings()
    cache = DerivedCache.beside(store.path)
    derived_module.export_derived(store.projects(), report, settings, cache)
    assert cache.save()
    first = set(_keys(store))
    # Exports of one project after each of its edits: the others' entries stay a while.
    for n in range(KEEP_WRITES):
        store.update_fields("X01", {"progress": f"已完成{n + 1}处。"}, source="cli")
        cache = DerivedCache.beside(store.path)
        derived_module.export_derived([store.get("X01")], report, settings, cache)
        assert cache.save()
        kept = set(_keys(store)) & first
        if n < KEEP_WRITES - 1:
            assert kept == first  # still kept, though unused...
        else:
            assert kept == set()  # ...until they were unused for KEEP_WRITES writes
    assert len(_keys(store)) == KEEP_WRITES  # X01's entries of the last writes


def test_a_store_in_memory_has_no_cache() -> None:
    from store.memory import MemoryStore

    assert DerivedCache.of_store(MemoryStore()) is None


def test_keep_derived_makes_the_next_export_read_nothing(
    store: JSONFileStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from store.derived import keep_derived

    expected = plain(store)
    assert keep_derived(store)
    assert not keep_derived(store)  # nothing new: not written again
    reading_forbidden(monkeypatch)
    assert export(store, tmp_path) == expected


def test_a_link_at_the_cache_name_is_not_written_through(
    store: JSONFileStore, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "someone-elses.txt"
    elsewhere.write_bytes(b"keep me")
    cache_path(store).symlink_to(elsewhere)
    expected = plain(store)
    assert export(store, tmp_path) == expected
    assert elsewhere.read_bytes() == b"keep me"
    assert not cache_path(store).is_symlink()  # replaced by the cache itself
    assert export(store, tmp_path) == expected


def test_a_fifo_at_the_cache_name_is_not_read(store: JSONFileStore, tmp_path: Path) -> None:
    os.mkfifo(cache_path(store))  # a plain read would wait for a writer for ever
    assert export(store, tmp_path) == plain(store)
