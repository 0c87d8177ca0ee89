"""The model: projects, the report they come from, and the rules that normalise their fields."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from operator import itemgetter
from typing import Any

from store import vocabulary as _vocabulary
from store import words as _words
from store.vocabulary import read_status

LEVELS: tuple[str, ...] = ("县级", "市级", "省级")
# The vocabularies live in their registries; these names are what most callers read.
STATUSES: tuple[str, ...] = _vocabulary.STATUSES
#: Fields a user may edit, with the report's word for each.
FIELD_LABELS: dict[str, str] = _vocabulary.FIELD_LABELS
#: Fields held on one line (spaces collapsed, no breaks).
SINGLE_LINE_FIELDS: frozenset[str] = _vocabulary.SINGLE_LINE_FIELDS
TEXT_FIELDS: tuple[str, ...] = tuple(FIELD_LABELS)

# C0 controls but tab and newline, DEL, C1, bidi marks/embeddings/overrides/isolates, the BOM.
_CONTROL_RE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
    "\ufeff\ud800-\udfff]"
)
# Zero-width characters: harmless in long text, confusing in names that people search and sort.
_ZERO_WIDTH_RE = re.compile("[\u200b-\u200f\u2060\u180e]")


def local_minute(at: str) -> str:
    """A recorded moment ('2023-07-01T09:30:00+08:00') as an office writes it, '2023年7月1日
    09:30', in the reader's time zone: people on one server may have written from different
    ones (``store.words.moment``; the stored value stays ISO)."""
    return _words.moment(at)


def clean_text(text: str, *, single_line: bool = False) -> str:
    """Remove control, bidi and surrogate characters from untrusted text; CRLF becomes LF."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL_RE.sub("", text)
    if single_line:
        text = _ZERO_WIDTH_RE.sub("", text)
        text = " ".join(text.split())
    return text


def normalise_status(raw: str) -> str:
    """Map a reported 工作成效 onto one of STATUSES; unknown or negated wording is kept as
    written (``read_status`` says why, for a warning)."""
    return read_status(raw).value


_DEADLINE_RE = re.compile(r"(?:(\d{4})\s*[年./\-]\s*)?(\d{1,2})\s*月?")


def normalise_deadline(raw: str, year: int | None = None) -> str:
    """Read a 完成时限 such as '2023 年 8 月' or '2023.8' as 'YYYY-MM'; '' when it has no month."""
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text:
        return ""
    if re.fullmatch(r"\d{4}\s*年?\s*(底|年底|末|年末)?", text):
        return f"{int(text[:4]):04d}-12"
    if text in ("年底", "年底前", "年内", "全年") and year:
        return f"{year:04d}-12"
    m = _DEADLINE_RE.search(text)
    if not m:
        return ""
    y = int(m.group(1)) if m.group(1) else year
    month = int(m.group(2))
    if y is None or not 1 <= month <= 12:
        return ""
    return f"{y:04d}-{month:02d}"


_DEPT_SPLIT_RE = re.compile(r"[\s、，,;；/（）()]+")


def split_departments(department: str) -> list[str]:
    """The units named in a 牵头单位 cell: split on spaces, 、 and parentheses."""
    return [part for part in _DEPT_SPLIT_RE.split(department) if part]


_TABLE_PREFIXES = {"县级": "X", "省市级": "S", "市级": "C", "省级": "P"}


def table_prefix(table: str) -> str:
    """A short ASCII prefix for a table name, the same every time for the same name."""
    if table in _TABLE_PREFIXES:
        return _TABLE_PREFIXES[table]
    digest = hashlib.sha1(table.encode("utf-8")).hexdigest()[:3].upper()
    return f"T{digest}"


def project_id(table: str, number: int) -> str:
    """The id people type: table prefix and row number, e.g. 'X01', 'S39'."""
    return f"{table_prefix(table)}{number:02d}"


def canonical_id(text: str) -> str:
    """Normalise a typed id: case-insensitive, with or without the leading zero ('s1' -> 'S01')."""
    text = text.strip().upper()
    m = re.fullmatch(r"([A-Z][A-Z0-9]*?)0*(\d+)", text)
    if not m:
        return text
    return f"{m.group(1)}{int(m.group(2)):02d}"


@dataclass(frozen=True)
class Update:
    """A dated progress note added after the report was imported."""

    month: str  # "YYYY-MM"
    text: str
    at: str  # ISO timestamp of when it was written
    by: str

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Update:
        """Build from a stored document."""
        return cls(
            month=str(data.get("month", "")),
            text=str(data.get("text", "")),
            at=str(data.get("at", "")),
            by=str(data.get("by", "")),
        )


@dataclass
class Project:
    """One key livelihood project as the office tracks it."""

    id: str
    table: str
    number: int
    name: str
    level: str = ""
    department: str = ""
    departments: list[str] = field(default_factory=list)
    status: str = ""
    status_raw: str = ""
    deadline: str = ""
    deadline_raw: str = ""
    overview: str = ""
    target: str = ""
    plan: str = ""
    progress: str = ""
    updates: list[Update] = field(default_factory=list)
    extra: dict[str, str] = field(default_factory=dict)
    revision: int = 1
    #: 工作成效 as the latest imported report says it (``status`` is the office's judgement)
    status_reported: str = ""
    #: 牵头单位 as reported, when a unit merge renamed it (else "")
    department_raw: str = ""
    #: 推进情况 of each imported period, oldest first: {"period": {"from", "to"}, "text",
    #: "source", "at"}; ``progress`` is the latest
    progress_history: list[dict[str, Any]] = field(default_factory=list)
    #: people's corrections of the 序时 indicators read from the text: {"name", "unit",
    #: "target", "planned", "actual", "remove", "note", "by", "at"}; an import keeps them
    indicator_edits: list[dict[str, Any]] = field(default_factory=list)
    #: indicators a quantitative table gave in its own columns (目标任务, 进度, 完成目标(%),
    #: 是否达序): {"name", "unit", "target", "actual", "reported_percent", "reported_words",
    #: "source"}; the 序时 rule uses them instead of reading the text
    indicators_reported: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The stored (and exported) form, keys in model order: a new dict, lists and
        mappings copied one level deep (asdict's deep copy is ten times slower)."""
        values = self.__dict__
        doc = {name: values[name] for name in _FIELD_ORDER}
        doc["departments"] = list(self.departments)
        doc["updates"] = [
            {"month": u.month, "text": u.text, "at": u.at, "by": u.by} for u in self.updates
        ]
        doc["extra"] = dict(self.extra)
        doc["progress_history"] = [dict(entry) for entry in self.progress_history]
        doc["indicator_edits"] = [dict(edit) for edit in self.indicator_edits]
        doc["indicators_reported"] = [dict(found) for found in self.indicators_reported]
        return doc

    @property
    def not_updated(self) -> bool:
        """推进情况 the same as in the previous imported period (未更新)."""
        history = self.progress_history
        return len(history) >= 2 and history[-1].get("text") == history[-2].get("text")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Project:
        """Build from a stored document; unknown keys are ignored, odd types converted.

        A document of exactly the model's shape (every field, of its type, no updates) becomes
        the project's attributes as it is, without a copy: opening a database builds every
        project, and the store writes documents of that shape. The document must not change
        afterwards (the store never changes a document in place; it replaces it).
        """
        if (
            data.keys() == _FIELD_NAMES
            and not data["updates"]
            and _STR_ONLY.issuperset(map(type, _text_values(data)))
            and type(data["number"]) is int
            and type(data["revision"]) is int
            and type(data["departments"]) is list
            and _STR_ONLY.issuperset(map(type, data["departments"]))
            and type(data["extra"]) is dict
            and _STR_ONLY.issuperset(map(type, data["extra"].values()))
            and type(data["progress_history"]) is list
            and _DICT_ONLY.issuperset(map(type, data["progress_history"]))
            and type(data["indicator_edits"]) is list
            and _DICT_ONLY.issuperset(map(type, data["indicator_edits"]))
            and type(data["indicators_reported"]) is list
            and _DICT_ONLY.issuperset(map(type, data["indicators_reported"]))
        ):
            project = cls.__new__(cls)
            object.__setattr__(project, "__dict__", data)
            return project
        get = data.get
        project = cls.__new__(cls)
        # Opening a database builds every project: set the fields directly, converting only
        # what is not already of the right type (a hand-edited file may hold a number as text).
        values = project.__dict__
        for key in _TEXT_KEYS:
            value = get(key, "")
            values[key] = value if type(value) is str else str(value)
        values["id"] = str(data["id"])
        number, revision = get("number", 0), get("revision", 1)
        values["number"] = number if type(number) is int else int(number)
        values["revision"] = revision if type(revision) is int else int(revision)
        departments = get("departments") or []
        values["departments"] = [d if type(d) is str else str(d) for d in departments]
        values["updates"] = [Update.from_dict(u) for u in get("updates") or []]
        extra = get("extra") or {}
        values["extra"] = {str(k): v if type(v) is str else str(v) for k, v in extra.items()}
        history = get("progress_history") or []
        values["progress_history"] = [dict(h) for h in history if isinstance(h, dict)]
        edits = get("indicator_edits") or []
        values["indicator_edits"] = [dict(e) for e in edits if isinstance(e, dict)]
        found = get("indicators_reported") or []
        values["indicators_reported"] = [dict(f) for f in found if isinstance(f, dict)]
        return project


_TEXT_KEYS = (
    "table",
    "name",
    "level",
    "department",
    "status",
    "status_raw",
    "deadline",
    "deadline_raw",
    "overview",
    "target",
    "plan",
    "progress",
    "status_reported",
    "department_raw",
)
_text_values = itemgetter("id", *_TEXT_KEYS)
_STR_ONLY = frozenset({str})
_DICT_ONLY = frozenset({dict})
_FIELD_ORDER = tuple(f.name for f in dataclass_fields(Project))
_FIELD_NAMES = frozenset(_FIELD_ORDER)


@dataclass
class ProjectRecord:
    """One row as an importer read it: cleaned text by canonical field, before normalising."""

    table: str
    number: int
    fields: dict[str, str]
    extra: dict[str, str] = field(default_factory=dict)
    line: int = 0  # line (text formats) or row (spreadsheets) the row starts on
    #: indicators the table gave in its own columns (see Project.indicators_reported)
    indicators: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Report:
    """What a report says of itself: where, when, which months, which tables."""

    region: str = ""
    year: int | None = None
    period_from: int | None = None
    period_to: int | None = None
    titles: dict[str, str] = field(default_factory=dict)  # table -> title line as written

    def period_label(self) -> str:
        """The period as the report writes it, e.g. '1-6 月份'."""
        if self.period_from is None or self.period_to is None:
            return ""
        if self.period_from == self.period_to:
            return f"{self.period_from} 月份"
        return f"{self.period_from}-{self.period_to} 月份"

    def to_dict(self) -> dict[str, Any]:
        """The stored (and exported) form."""
        return {
            "region": self.region,
            "year": self.year,
            "period": (
                {"from": self.period_from, "to": self.period_to}
                if self.period_from is not None and self.period_to is not None
                else None
            ),
            "titles": dict(self.titles),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        """Build from the stored form."""
        period = data.get("period") or {}
        return cls(
            region=str(data.get("region", "")),
            year=data.get("year"),
            period_from=period.get("from"),
            period_to=period.get("to"),
            titles={str(k): str(v) for k, v in (data.get("titles") or {}).items()},
        )


@dataclass
class ParsedReport:
    """An importer's result: the report's metadata, its rows, and what was odd about them."""

    report: Report
    records: list[ProjectRecord]
    warnings: list[str] = field(default_factory=list)
    #: The fields the file has a column for (in TEXT_FIELDS order): a field not named here is
    #: not in the file, and no record carries it. Empty when the maker did not say.
    columns: tuple[str, ...] = ()


class ImportFormatError(ValueError):
    """A file that cannot be imported; the message names the file and, where known, the line."""


def _clean_numbers(found: dict[str, Any]) -> dict[str, Any]:
    """An indicator from a table's columns with its texts cleaned and its numbers numbers."""
    clean: dict[str, Any] = {}
    for key, value in found.items():
        if isinstance(value, str):
            clean[str(key)] = clean_text(value, single_line=True)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            clean[str(key)] = value
        else:
            clean[str(key)] = None
    return clean


def project_from_record(record: ProjectRecord, year: int | None) -> Project:
    """Normalise an imported row into a Project (revision 1, no updates)."""
    f = record.fields
    department = clean_text(f.get("department", ""), single_line=True)
    status_raw = clean_text(f.get("status", ""), single_line=True)
    deadline_raw = clean_text(f.get("deadline", ""), single_line=True)
    level = clean_text(f.get("level", ""), single_line=True)
    if not level and record.table in LEVELS:
        level = record.table
    return Project(
        id=project_id(record.table, record.number),
        table=record.table,
        number=record.number,
        name=clean_text(f.get("name", ""), single_line=True),
        level=level,
        department=department,
        departments=split_departments(department),
        status=normalise_status(status_raw) if status_raw else "",
        status_raw=status_raw,
        status_reported=normalise_status(status_raw) if status_raw else "",
        deadline=normalise_deadline(deadline_raw, year),
        deadline_raw=deadline_raw,
        overview=clean_text(f.get("overview", "")),
        target=clean_text(f.get("target", "")),
        plan=clean_text(f.get("plan", "")),
        progress=clean_text(f.get("progress", "")),
        extra={k: clean_text(v) for k, v in record.extra.items()},
        indicators_reported=[_clean_numbers(found) for found in record.indicators],
    )
