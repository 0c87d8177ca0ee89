"""Snapshots: names, the index beside the database, reading them back, and comparing states."""

from __future__ import annotations

import json
import os
import stat
from datetime import datetime
from pathlib import Path

import pytest

from importers.report import read_report
from store.export import (
    EXPORT_FORMATS,
    EXTENSIONS,
    ExportError,
    ExportExistsError,
    ExportTargetError,
    export_bytes,
    export_json,
    export_md,
)
from store.identity import current_user
from store.jsonfile import JSONFileStore as ProjectStore
from store.models import Report, project_from_record
from store.snapshots import (
    Snapshot,
    brief_change,
    compare,
    default_export_path,
    default_snapshot_name,
    diff_lines,
    export_dir,
    in_snapshot_dir,
    list_snapshots,
    read_snapshot_json,
    rebuilt_entry,
    region_slug,
    save_export,
    shorten,
    shorten_apart,
    snapshot_dir,
    write_snapshot,
)
from tests.store.test_export import kill_mid_write

WHEN = datetime(2023, 11, 28, 15, 30)
INDEX = "index.json"


@pytest.fixture
def store(db_path: Path, bundled: Path) -> ProjectStore:
    """The bundled report imported into a fresh database."""
    s = ProjectStore(db_path, user="tester")
    s.import_report(read_report(bundled), source="import:bundled")
    return s


def _state(store: ProjectStore, label: str = "db") -> Snapshot:
    return Snapshot(label, store.report(), store.projects())


# --- names -----------------------------------------------------------------------------------


def test_default_name_is_ascii_with_region_period_and_time() -> None:
    report = Report(region="兰陵县", year=2023, period_from=1, period_to=6)
    assert default_snapshot_name(report, "json", WHEN) == "lanling-2023-m01-06-20231128-1530.json"
    assert default_snapshot_name(report, "xlsx", WHEN).endswith("-1530.xlsx")
    assert default_snapshot_name(Report(), "csv", WHEN) == "minsheng-20231128-1530.csv"


@pytest.mark.parametrize(
    ("region", "slug"),
    [
        ("兰陵县", "lanling"),
        ("临沂市", "linyi"),
        ("兰山区", "lanshan"),
        ("县", "xian"),
        ("Ábc 县", "abc"),
        ("../../etc", "etc"),
        ("", ""),
    ],
)
def test_region_slug(region: str, slug: str) -> None:
    assert region_slug(region) == slug


# --- writing and the index -------------------------------------------------------------------


def test_write_snapshot_records_it_in_the_index(store: ProjectStore) -> None:
    path, entry = write_snapshot(store, "json", when=WHEN)
    folder = store.path.parent / "snapshots"
    assert path == folder / "lanling-2023-m01-06-20231128-1530.json"
    assert json.loads(path.read_text(encoding="utf-8"))["projects"][0]["id"] == "X01"
    assert (entry.format, entry.projects, entry.by, entry.scope) == ("json", 49, "tester", "all")
    assert entry.period == {"from": 1, "to": 6}
    # The same minute again: a second file, not an overwrite.
    second, _ = write_snapshot(store, "json", when=WHEN)
    assert second.name == "lanling-2023-m01-06-20231128-1530-2.json"
    third, _ = write_snapshot(store, "xlsx", when=WHEN)
    listed = list_snapshots(store.home)
    assert [(e.file, there) for e, there in listed] == [
        (path.name, True),
        (second.name, True),
        (third.name, True),
    ]
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    assert [s["file"] for s in index["snapshots"]] == [path.name, second.name, third.name]
    assert "兰陵县" in (folder / "index.json").read_text(encoding="utf-8")  # readable Chinese
    path.unlink()
    assert [there for _e, there in list_snapshots(store.home)] == [False, True, True]


def test_no_snapshots_yet(store: ProjectStore) -> None:
    assert list_snapshots(store.home) == []
    assert not snapshot_dir(store.home).exists()


def test_exports_into_the_snapshot_folder_are_recorded(store: ProjectStore, tmp_path: Path) -> None:
    folder = snapshot_dir(store.home)
    shown = store.projects()[:5]
    entry = save_export(store, folder / "mine.csv", "csv", shown, scope="list")
    assert entry is not None and (entry.projects, entry.scope) == (5, "list")
    assert (folder / "mine.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert save_export(store, tmp_path / "elsewhere.md", "md", shown) is None
    assert [e.file for e, _ in list_snapshots(store.home)] == ["mine.csv"]
    with pytest.raises(ExportExistsError):
        save_export(store, folder / "mine.csv", "csv", shown)
    # Overwriting (when asked) replaces the entry rather than adding another.
    save_export(store, folder / "mine.csv", "csv", store.projects(), force=True)
    assert [(e.file, e.projects) for e, _ in list_snapshots(store.home)] == [("mine.csv", 49)]
    assert in_snapshot_dir(store.home, folder / "x.json")
    assert not in_snapshot_dir(store.home, folder / "sub" / "x.json")


def test_exports_go_beside_the_database_in_their_own_folder(store: ProjectStore) -> None:
    path = default_export_path(store.home, store.report(), "xlsx", WHEN)
    assert path == Path(os.path.abspath(store.home)) / "exports" / (
        "lanling-2023-m01-06-20231128-1530.xlsx"
    )
    assert path.parent == export_dir(store.home) != snapshot_dir(store.home)
    assert not path.parent.exists()  # made by the export, not by asking where it would go
    os.chmod(store.home, 0o2770)  # a folder the office shares: its mode goes to exports/ too
    assert save_export(store, path, "xlsx", store.projects()) is None  # not a snapshot
    assert path.is_file()
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o2770
    assert os.stat(path.parent).st_gid == os.stat(store.home).st_gid
    assert list_snapshots(store.home) == [] and not snapshot_dir(store.home).exists()
    # Only exports/ itself is made: a missing folder inside it is still an error.
    with pytest.raises(ExportError, match="不存在"):
        save_export(store, path.parent / "no" / "r.md", "md", store.projects())


def test_a_broken_index_is_an_error_not_a_loss(store: ProjectStore) -> None:
    folder = snapshot_dir(store.home)
    folder.mkdir()
    (folder / "index.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ExportError, match="快照索引"):
        list_snapshots(store.home)
    with pytest.raises(ExportError, match="快照索引"):
        write_snapshot(store, "json", when=WHEN)
    assert (folder / "index.json").read_text(encoding="utf-8") == "{not json"
    assert sorted(p.name for p in folder.iterdir()) == ["index.json", "index.json.lock"]


# --- after a kill ----------------------------------------------------------------------------


def _export_code(store: ProjectStore, name: str) -> str:
    """A child's export of every project into the snapshots folder, as the command line does."""
    target = snapshot_dir(store.home) / name
    return (
        "from tui.cli import run; "
        f"run(['--db', {str(store.path)!r}, 'export', '-o', {str(target)!r}])"
    )


def test_a_killed_exports_temporary_file_is_removed_at_the_next_run(store: ProjectStore) -> None:
    folder = snapshot_dir(store.home)
    kill_mid_write("killed.json", _export_code(store, "killed.json"))
    left = [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]
    assert len(left) == 1 and left[0].startswith(".killed.json.")
    assert list_snapshots(store.home) == []  # nothing was exported, and nothing is left
    assert not [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]
    kill_mid_write("killed.json", _export_code(store, "killed.json"))
    save_export(store, folder / "next.md", "md", store.projects())  # an export cleans up too
    assert sorted(p.name for p in folder.iterdir()) == ["index.json", "index.json.lock", "next.md"]


def test_a_snapshot_killed_before_its_index_entry_gets_a_rebuilt_one(store: ProjectStore) -> None:
    first, _ = write_snapshot(store, "json", when=WHEN)
    kill_mid_write(INDEX, _export_code(store, "killed.json"))
    folder = snapshot_dir(store.home)
    killed = folder / "killed.json"
    assert killed.is_file()  # the export landed; its index entry did not
    assert [e["file"] for e in json.loads((folder / INDEX).read_text())["snapshots"]] == [
        first.name
    ]
    listed = list_snapshots(store.home)
    assert [(e.file, there, e.rebuilt) for e, there in listed] == [
        (first.name, True, False),
        ("killed.json", True, True),
    ]
    entry = listed[1][0]
    assert (entry.format, entry.projects, entry.by, entry.scope) == ("json", 49, current_user(), "")
    assert (entry.region, entry.year, entry.period) == ("兰陵县", 2023, {"from": 1, "to": 6})
    mtime = datetime.fromtimestamp(killed.stat().st_mtime).astimezone()
    assert entry.at == mtime.isoformat(timespec="seconds")
    # The rebuilt entry is recorded, and the killed writer's temporary index file is gone.
    recorded = json.loads((folder / INDEX).read_text())["snapshots"]
    assert [(e["file"], e["rebuilt"]) for e in recorded] == [
        (first.name, False),
        ("killed.json", True),
    ]
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]
    # A later export adds its own entry after it; an overwrite replaces the rebuilt one.
    save_export(store, killed, "json", store.projects()[:3], force=True, scope="list")
    again = [(e.file, e.projects, e.rebuilt) for e, _there in list_snapshots(store.home)]
    assert again == [(first.name, 49, False), ("killed.json", 3, False)]


def test_rebuilt_entries_count_the_projects_of_every_format(store: ProjectStore) -> None:
    folder = snapshot_dir(store.home)
    folder.mkdir()
    projects = store.projects()
    for fmt in EXPORT_FORMATS:
        data = export_bytes(fmt, store.report(), projects[:7])
        (folder / f"unrecorded{EXTENSIONS[fmt]}").write_bytes(data)
    (folder / "notes.md").write_text("# 备忘\n\n随手记的几行\n", encoding="utf-8")
    (folder / "table.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (folder / "broken.xlsx").write_bytes(b"not a zip")
    (folder / "readme.txt").write_text("not an export", encoding="utf-8")
    counts = {e.file: e.projects for e, _there in list_snapshots(store.home)}
    assert counts == {
        **{f"unrecorded{EXTENSIONS[fmt]}": 7 for fmt in EXPORT_FORMATS},
        "notes.md": None,  # not one of our exports: not counted, never guessed
        "table.csv": None,
        "broken.xlsx": None,
    }
    empty = folder / "empty.xlsx"
    empty.write_bytes(export_bytes("xlsx", store.report(), []))
    assert rebuilt_entry(empty).projects == 0


def test_rebuilt_entries_go_in_time_order_and_removed_files_stay_listed_as_gone(
    store: ProjectStore,
) -> None:
    first, _ = write_snapshot(store, "json", when=WHEN)
    second, _ = write_snapshot(store, "md", when=WHEN)
    folder = snapshot_dir(store.home)
    index = json.loads((folder / INDEX).read_text())
    index["snapshots"][0]["at"] = "2023-01-01T10:00:00+08:00"
    index["snapshots"][1]["at"] = "2023-03-01T10:00:00+08:00"
    (folder / INDEX).write_text(json.dumps(index), encoding="utf-8")
    between = folder / "between.json"
    between.write_bytes(export_json(store.report(), store.projects()))
    when = datetime.fromisoformat("2023-02-01T10:00:00+08:00").timestamp()
    os.utime(between, (when, when))
    second.unlink()
    listed = [(e.file, there) for e, there in list_snapshots(store.home)]
    assert listed == [(first.name, True), ("between.json", True), (second.name, False)]


def test_nothing_but_a_regular_file_is_taken_for_a_snapshot(store: ProjectStore) -> None:
    folder = snapshot_dir(store.home)
    folder.mkdir()
    os.mkfifo(folder / "pipe.json")
    (folder / "link.json").symlink_to(store.path)
    (folder / "sub.json").mkdir()
    assert list_snapshots(store.home) == []
    with pytest.raises(ExportTargetError, match="FIFO"):
        save_export(store, folder / "pipe.json", "json", store.projects(), force=True)
    assert stat.S_ISFIFO(os.lstat(folder / "pipe.json").st_mode)


def test_a_listing_that_may_not_write_still_shows_unrecorded_files(
    store: ProjectStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = snapshot_dir(store.home)
    folder.mkdir()
    (folder / "left.json").write_bytes(export_json(store.report(), store.projects()))

    def refused(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("store.snapshots._write_index", refused)
    assert [(e.file, e.rebuilt) for e, _ in list_snapshots(store.home)] == [("left.json", True)]
    assert not (folder / INDEX).exists()


# --- reading back ----------------------------------------------------------------------------


def test_read_snapshot_json_and_database_files(store: ProjectStore, tmp_path: Path) -> None:
    store.add_update("X01", "2023-07", "主体完工", source="cli")
    path, _ = write_snapshot(store, "json", when=WHEN)
    snap = read_snapshot_json(path)
    assert snap.report.to_dict() == store.report().to_dict()
    assert [p.to_dict() for p in snap.projects] == [p.to_dict() for p in store.projects()]
    assert snap.has_updates
    from_db = read_snapshot_json(store.path)
    assert [p.id for p in from_db.projects] == [p.id for p in store.projects()]
    bad = tmp_path / "bad.json"
    bad.write_text('{"projects": 3}', encoding="utf-8")
    with pytest.raises(ExportError, match="不是 JSON 快照"):
        read_snapshot_json(bad)
    bad.write_text("[1, 2", encoding="utf-8")
    with pytest.raises(ExportError, match="不是 JSON 快照"):
        read_snapshot_json(bad)
    with pytest.raises(ExportError):
        read_snapshot_json(tmp_path / "missing.json")


# --- comparing -------------------------------------------------------------------------------


def test_compare_names_each_change_and_the_unmoved_projects(
    store: ProjectStore, tmp_path: Path
) -> None:
    before = _state(store, "old")
    store.set_status("X02", "滞后", source="cli")
    store.set_status("S05", "未启动", source="cli")
    store.update_fields("S10", {"progress": "已完成路面硬化 30 公里"}, source="cli")
    diff = compare(before, _state(store, "new"))
    changes = {(c.id, f.field, f.old, f.new) for c in diff.changed for f in c.changes}
    assert changes == {
        ("X02", "status", "推进正常", "滞后"),
        ("S05", "status", "推进正常", "未启动"),
        ("S10", "progress", before.projects[19].progress, "已完成路面硬化 30 公里"),
    }
    assert [p.id for p in diff.progress_unchanged] == [
        p.id for p in store.projects() if p.id != "S10"
    ]
    assert len(diff.unchanged) == 46
    assert diff.added == [] and diff.removed == []
    lines = diff_lines(diff)
    assert "  X02 农村清洁取暖建设项目" in lines
    assert "    工作成效：推进正常 → 滞后" in lines
    assert "推进情况无变化的项目（48）" in lines
    assert lines[1] == "有变化 3，无变化 46，新增 0，移除 0，推进情况无变化 48"


def test_compare_updates_new_and_removed_projects(store: ProjectStore) -> None:
    before = _state(store)
    store.add_update("X01", "2023-07", "主体完工", source="cli")
    after = _state(store)
    after.projects = [p for p in after.projects if p.id != "S39"]
    before.projects = [p for p in before.projects if p.id != "S38"]
    diff = compare(before, after)
    assert [(c.id, [f.field for f in c.changes]) for c in diff.changed] == [("X01", ["updates"])]
    assert diff.changed[0].changes[0].new == "2023-07 主体完工"
    assert [p.id for p in diff.added] == ["S38"] and [p.id for p in diff.removed] == ["S39"]
    assert "X01" not in {p.id for p in diff.progress_unchanged}
    lines = diff_lines(diff)
    assert "    新增进展：+ 2023-07 主体完工" in lines
    assert "新增的项目（1）" in lines and "移除的项目（1）" in lines


def test_a_report_file_is_compared_as_the_report_shows_progress(
    store: ProjectStore, tmp_path: Path
) -> None:
    """An exported table has the updates inside 推进情况: against the database it came from,
    nothing differs."""
    store.add_update("X01", "2023-07", "主体完工", source="cli")
    path = tmp_path / "export.md"
    path.write_bytes(export_md(store.report(), store.projects()))
    parsed = read_report(path)
    from_file = Snapshot(
        str(path),
        parsed.report,
        [project_from_record(r, parsed.report.year) for r in parsed.records],
        has_updates=False,
    )
    diff = compare(_state(store), from_file)
    assert diff.changed == [] and len(diff.unchanged) == 49
    diff = compare(from_file, _state(store))
    assert diff.changed == []


def test_json_diff_keeps_full_texts(store: ProjectStore) -> None:
    before = _state(store)
    store.update_fields("X01", {"progress": "新的进展" * 30}, source="cli")
    data = compare(before, _state(store)).to_dict()
    assert data["changed"][0]["changes"][0]["new"] == "新的进展" * 30
    assert len(data["progress_unchanged"]) == 48
    json.dumps(data, ensure_ascii=False)


def test_long_text_is_shortened_around_the_change() -> None:
    old = "目前，各标段正按计划顺利推进。一标段常规球场，各运动场地基层建设已完成，挡土墙完成。"
    new = old.replace("已完成", "全部完成")
    a, b = brief_change(old, new)
    assert a == "…场地基层建设已完成，挡土墙…" and b == "…场地基层建设全部完成，挡土墙…"
    assert brief_change("", "新") == ("（空）", "新")
    assert brief_change("推进正常", "滞后") == ("推进正常", "滞后")
    assert shorten("中" * 30, 10) == "中" * 4 + "…"
    assert shorten("a\nb") == "a b"


def test_export_json_of_a_state_reads_back_equal(store: ProjectStore, tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_bytes(export_json(store.report(), store.projects()))
    assert compare(_state(store), read_snapshot_json(path)).changed == []


def test_units_in_a_comparison_are_shortened_apart() -> None:
    company = "兰陵城市建设发展有限公司（县住房和城乡建设局）"
    other = "兰陵城市建设发展有限公司（县自然资源局）"
    assert shorten(company, 24) == shorten(other, 24)  # cut at the end: the same
    shown = shorten_apart([company, other, "县教育局", company])
    assert shown[company] != shown[other] and shown[company].endswith("设局）")
    assert shown["县教育局"] == "县教育局"
