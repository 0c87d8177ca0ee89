"""Properties of the importers: any bytes give records or a clear ImportFormatError, and what
an export writes comes back from an import (json, md, csv, xlsx) with arbitrary text."""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from importers.report import (
    clean_cell,
    decode_text,
    parse_csv_text,
    parse_report_text,
    parse_xlsx_bytes,
    read_report,
)
from store.export import export_bytes, export_json
from store.models import ImportFormatError, ParsedReport, Project, Report, Update, clean_text

SUFFIXES = (".md", ".txt", ".csv", ".tsv", ".xlsx", "")
PROPERTY = settings(max_examples=120, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])  # fmt: skip

# Text as reports hold it, plus what makes readers stumble: separators, quotes, markup,
# control and bidi characters, full-width digits.
_ALPHABET = st.sampled_from(
    list("编号序项目名称牵头单位推进情况工作成效完成时限县级市省12345６７ ,\t\n\r\"'|;:-=+@<>[]")
    + ["\x00", "\x1b", "\x9b", "\u202e", "\u200b", "\ufeff", "。", "（", "）"]
)
_CELL = st.lists(
    st.one_of(_ALPHABET, st.sampled_from(["<br>", "&amp;", "<sup>2</sup>"])), max_size=12
).map("".join)


def _read(data: bytes, suffix: str) -> ParsedReport:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(data)
        return read_report(path)


def _records_or_clear_error(read) -> None:
    """``read()`` returns a ParsedReport or raises ImportFormatError; nothing else."""
    try:
        parsed = read()
    except ImportFormatError as exc:
        assert str(exc).strip() and "\n" not in str(exc)
        return
    assert isinstance(parsed, ParsedReport)
    for record in parsed.records:
        for value in (*record.fields.values(), *record.extra.values()):
            assert clean_text(value) == value  # no control characters get through


@PROPERTY
@given(st.binary(max_size=600), st.sampled_from(SUFFIXES))
@example("\ufeff编号,项目名称\n1,x".encode(), ".csv")
@example(b"PK\x03\x04garbage", ".xlsx")
@example(b"\xff\xfe\x00\x00", ".md")
def test_any_bytes_give_records_or_a_clear_error(data: bytes, suffix: str) -> None:
    _records_or_clear_error(lambda: _read(data, suffix))


@PROPERTY
@given(
    st.lists(st.lists(_CELL, min_size=1, max_size=6), max_size=6),
    st.sampled_from([",", "\t", ";"]),
    st.booleans(),
)
def test_table_shaped_text_gives_records_or_a_clear_error(
    rows: list[list[str]], separator: str, titled: bool
) -> None:
    header = separator.join(["序号", "项目名称", "牵头单位", "推进情况", "工作成效"])
    lines = ["兰陵县 2023 年度重点民生实事项目推进情况表（1-6 月份）（县级）"] if titled else []
    lines += [header] + [separator.join(row) for row in rows]
    text = "\n".join(lines)
    _records_or_clear_error(lambda: parse_csv_text(text, "t.csv"))
    _records_or_clear_error(lambda: parse_report_text(text, "t.md"))
    for encoding in ("utf-8", "gb18030", "utf-16"):
        try:
            data = text.encode(encoding)
        except UnicodeEncodeError:
            continue
        _records_or_clear_error(lambda data=data: _read(data, ".csv"))
        _records_or_clear_error(lambda data=data: parse_report_text(decode_text(data, "t"), "t"))


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


_XLSX_CELL = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=10),
    st.integers(-5, 100),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.none(),
)


@PROPERTY
@given(st.lists(st.lists(_XLSX_CELL, max_size=6), max_size=6), st.booleans())
def test_any_workbook_gives_records_or_a_clear_error(
    rows: list[list[object]], header: bool
) -> None:
    if header:
        rows = [["序号", "项目名称", "推进情况"], *rows]
    data = _xlsx(rows)
    _records_or_clear_error(lambda: parse_xlsx_bytes(data, "t.xlsx"))


# --- export -> import ------------------------------------------------------------------------

# Arbitrary text but what no store ever holds (surrogates, control characters).
_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40).map(clean_text)
_LINE = _TEXT.map(lambda t: clean_text(t, single_line=True)).filter(bool)


def _project(name: str, progress: str, plan: str, note: str) -> Project:
    return Project(
        id="X01", table="县级", number=1, name=name, level="县级", department="县教育局",
        departments=["县教育局"], status="滞后", status_raw="滞后", plan=plan, progress=progress,
        updates=[Update(month="2023-07", text=note or "无", at="2023-07-05T10:00:00+08:00",
                        by="wang")],
        extra={"备注": note}, revision=3,
    )  # fmt: skip


@PROPERTY
@given(_LINE, _TEXT, _TEXT, _TEXT)
def test_json_export_round_trips_any_text(name: str, progress: str, plan: str, note: str) -> None:
    project = _project(name, progress, plan, note)
    report = Report(region="兰陵县", year=2023, period_from=1, period_to=6, titles={"县级": name})
    data = json.loads(export_json(report, [project]))
    assert Project.from_dict(data["projects"][0]) == project
    assert Report.from_dict(data["report"]) == report


@PROPERTY
@given(st.sampled_from(["md", "csv", "xlsx"]), _LINE, _TEXT, _TEXT)
def test_report_exports_round_trip_text_as_an_import_keeps_it(
    fmt: str, name: str, progress: str, target: str
) -> None:
    """Text that an import would keep as it is (a fixed point of clean_cell) comes back as it
    was; the rest comes back as an import of the original would have made it."""
    name, progress, target = clean_cell(name) or "名称", clean_cell(progress), clean_cell(target)
    project = Project(id="X01", table="县级", number=1, name=name, level="县级",
                      progress=progress, target=target)  # fmt: skip
    data = export_bytes(
        fmt, Report(region="兰陵县", year=2023, titles={"县级": "县级表"}), [project]
    )
    parsed = _read(data, f".{fmt}")
    (record,) = parsed.records
    for field, value in (("name", name), ("progress", progress), ("target", target)):
        if clean_cell(value) == value:
            assert record.fields.get(field, "") == value, (fmt, field)
