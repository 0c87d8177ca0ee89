"""The monthly cycle: a later report comes in, and nothing the office decided is lost."""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from importers.report import read_report
from store.interface import Edit, NewUpdate, ProjectStore
from store.jsonfile import JSONFileStore
from store.memory import MemoryStore
from store.models import ParsedReport

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "data" / "lanling-2023-h1.md"


@pytest.fixture(params=["memory", "json"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> ProjectStore:
    """The bundled report (1-6 月份) imported into a store of each kind."""
    s: ProjectStore = (
        MemoryStore(user="li") if request.param == "memory" else JSONFileStore(tmp_path / "db.json")
    )
    s.import_report(read_report(BUNDLED), source="import:lanling-2023-h1.md")
    return s


def _july(edit: dict[tuple[str, int], dict[str, str]]) -> ParsedReport:
    """The bundled report retitled 1-7 月份, with some cells changed."""
    parsed = copy.deepcopy(read_report(BUNDLED))
    parsed.report.period_to = 7
    for record in parsed.records:
        record.fields.update(edit.get((record.table, record.number), {}))
    return parsed


def test_a_later_report_keeps_the_office_s_judgement_and_each_period_s_progress(
    store: ProjectStore,
) -> None:
    store.save(Edit("S14", {"status": "滞后"}, source="tui"))
    x01 = store.get("X01")
    july = _july({
        ("县级", 1): {"progress": x01.progress + "7月，完成全部场地施工。"},
        ("县级", 2): {"status": "已完成"},
    })  # fmt: skip
    result = store.import_report(july, source="import:lanling-2023-m07.md")

    s14 = store.get("S14")
    assert (s14.status, s14.status_reported) == ("滞后", "推进正常")  # the office's stays
    assert result.differs == ["S14"] and result.kept == {"S14": ["status"]}
    x02 = store.get("X02")
    assert (x02.status, x02.status_reported) == ("已完成", "已完成")  # the report is followed
    x01 = store.get("X01")
    assert [h["period"]["to"] for h in x01.progress_history] == [6, 7]
    assert x01.progress.endswith("7月，完成全部场地施工。")
    assert x01.progress_history[0]["text"] != x01.progress_history[1]["text"]
    assert not x01.not_updated
    not_updated = [p.id for p in store.projects() if p.not_updated]
    assert len(not_updated) == 48 and "X01" not in not_updated
    assert store.report().period_to == 7


def test_a_hand_edited_field_is_kept_unless_the_report_is_taken(store: ProjectStore) -> None:
    store.save(Edit("X03", {"deadline": "2023年10月"}, source="cli"))
    july = _july({("县级", 3): {"deadline": "2023年11月"}})
    result = store.import_report(july, source="import:m07.md")
    assert store.get("X03").deadline == "2023-10" and result.kept["X03"] == ["deadline"]
    result = store.import_report(july, source="import:m07.md", take_reported=True)
    assert store.get("X03").deadline == "2023-11" and "deadline" in result.fields["X03"]
    assert store.history("X03")[-1].source == "import:m07.md"  # taking it is recorded


def test_the_same_report_twice_changes_nothing(store: ProjectStore) -> None:
    result = store.import_report(read_report(BUNDLED), source="import:again.md")
    assert len(result.unchanged) == 49 and not result.changed
    assert all(len(p.progress_history) == 1 for p in store.projects())


_TEXT = st.text(
    alphabet=st.sampled_from([*"完成验收施工招标进度过半已开工人处个，。、0123456789 %", "\n"]),
    min_size=1,
    max_size=30,
).filter(str.strip)  # (an update of nothing but line breaks is refused: it says nothing)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    updates=st.lists(
        st.tuples(st.sampled_from(["X01", "X02", "S03"]), st.integers(7, 12), _TEXT), max_size=5
    ),
    fmt=st.sampled_from(["md", "csv", "xlsx"]),
)
def test_export_import_export_does_not_double_dated_updates(
    updates: list[tuple[str, int, str]], fmt: str
) -> None:
    from store.export import export_bytes

    with tempfile.TemporaryDirectory() as folder:
        store = MemoryStore()
        store.import_report(read_report(BUNDLED), source="import:bundled")
        for pid, month, text in updates:
            store.save(Edit(pid, update=NewUpdate(f"2023-{month:02d}", text), source="tui"))
        first = export_bytes(fmt, store.report(), store.projects())
        path = Path(folder) / f"report.{fmt}"
        path.write_bytes(first)
        again = store.import_report(read_report(path), source=f"import:{path.name}")
        assert not again.changed, again.fields  # our own export read back changes nothing
        assert export_bytes(fmt, store.report(), store.projects()) == first or fmt == "xlsx"
        other = MemoryStore()
        other.import_report(read_report(path), source=f"import:{path.name}")
        second = export_bytes(fmt, other.report(), other.projects())
        if fmt == "xlsx":  # (a workbook's zip carries times): the same projects
            back = Path(folder) / "back.xlsx"
            back.write_bytes(second)
            assert [r.fields for r in read_report(back).records] == [
                r.fields for r in read_report(path).records
            ]
        else:
            assert second == first
