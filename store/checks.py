"""Checking stored tables: every document of the model's shape, ids unique, text clean."""

from __future__ import annotations

import dataclasses
from typing import Any

from store.interface import CheckReport
from store.models import Project, clean_text

PROJECTS, HISTORY, META = "projects", "history", "meta"
_PROJECT_KEYS = tuple(f.name for f in dataclasses.fields(Project))
_NOT_TEXT = frozenset(
    {"number", "revision", "departments", "updates", "extra", "progress_history",
     "indicator_edits", "indicators_reported"}
)  # fmt: skip
#: Fields added later: a file written before them lacks them, and reads as if they were empty.
_LATER_KEYS = frozenset(
    {
        "status_reported",
        "department_raw",
        "progress_history",
        "indicator_edits",
        "indicators_reported",
    }
)
_HISTORY_KEYS = ("project", "field", "at", "by", "source")
_UPDATE_KEYS = ("month", "text", "at", "by")
_SINGLE_LINE = frozenset({"id", "table", "name", "level", "department", "status", "deadline"})


def check_tables(tables: dict[str, Any], where: str) -> CheckReport:
    """Check the tables of a store (as TinyDB keeps them: table -> document id -> document)."""
    report = CheckReport(where)
    for name in tables:
        if name not in (PROJECTS, HISTORY, META):
            report.problems.append(f"unknown table {name!r}")
    _check_projects(tables.get(PROJECTS, {}), report)
    _check_history(tables.get(HISTORY, {}), report)
    return report


def _control_free(value: str, single_line: bool) -> bool:
    if clean_text(value) != value:
        return False
    return not single_line or ("\n" not in value and "\t" not in value)


def _check_projects(docs: dict[str, Any], report: CheckReport) -> None:
    problems = report.problems
    ids: dict[str, str] = {}
    for doc_id, doc in docs.items():
        where = f"project document {doc_id}"
        if not doc_id.isdigit():
            problems.append(f"{where}: the document id is not a number")
        if not isinstance(doc, dict):
            problems.append(f"{where}: not an object")
            continue
        report.projects += 1
        missing = [k for k in _PROJECT_KEYS if k not in doc and k not in _LATER_KEYS]
        if missing:
            problems.append(f"{where}: missing {', '.join(missing)}")
        pid = doc.get("id")
        if not isinstance(pid, str) or not pid:
            problems.append(f"{where}: no id")
        else:
            where = f"project {pid} (document {doc_id})"
            if pid in ids:
                problems.append(f"{where}: the id is also used by document {ids[pid]}")
            ids[pid] = doc_id
        revision = doc.get("revision")
        if not isinstance(revision, int) or isinstance(revision, bool) or revision < 1:
            problems.append(f"{where}: revision {revision!r} is not a positive whole number")
        if "number" in doc and (
            not isinstance(doc["number"], int) or isinstance(doc["number"], bool)
        ):
            problems.append(f"{where}: number {doc['number']!r} is not a whole number")
        for key in _PROJECT_KEYS:
            value = doc.get(key)
            if key in _NOT_TEXT or key not in doc:
                continue
            if not isinstance(value, str):
                problems.append(f"{where}: {key} is not text")
            elif not _control_free(value, key in _SINGLE_LINE):
                problems.append(f"{where}: {key} holds control or invisible characters")
        if "departments" in doc and (
            not isinstance(doc["departments"], list)
            or not all(isinstance(d, str) for d in doc["departments"])
        ):
            problems.append(f"{where}: departments is not a list of text")
        if "extra" in doc and (
            not isinstance(doc["extra"], dict)
            or not all(isinstance(v, str) for v in doc["extra"].values())
        ):
            problems.append(f"{where}: extra is not a table of text")
        history = doc.get("progress_history", [])
        if not isinstance(history, list) or not all(
            isinstance(h, dict) and isinstance(h.get("text", ""), str) for h in history
        ):
            problems.append(f"{where}: progress_history is not a list of periods")
        elif any(not _control_free(h.get("text", ""), False) for h in history):
            problems.append(f"{where}: progress_history holds control characters")
        edits = doc.get("indicator_edits", [])
        if not isinstance(edits, list) or not all(isinstance(e, dict) for e in edits):
            problems.append(f"{where}: indicator_edits is not a list of corrections")
        updates = doc.get("updates", [])
        if not isinstance(updates, list):
            problems.append(f"{where}: updates is not a list")
            continue
        for number, update in enumerate(updates, start=1):
            if not isinstance(update, dict) or any(
                not isinstance(update.get(k), str) for k in _UPDATE_KEYS
            ):
                problems.append(f"{where}: update {number} lacks month, text, at or by")
            elif not _control_free(update["text"], False):
                problems.append(f"{where}: update {number} holds control characters")


def _check_history(docs: dict[str, Any], report: CheckReport) -> None:
    problems = report.problems
    for doc_id, doc in docs.items():
        report.changes += 1
        where = f"history document {doc_id}"
        if not doc_id.isdigit() or int(doc_id) < 1:
            problems.append(f"{where}: the id is not a positive number")
        if not isinstance(doc, dict):
            problems.append(f"{where}: not an object")
            continue
        missing = [k for k in _HISTORY_KEYS if k not in doc]
        if missing:
            problems.append(f"{where}: missing {', '.join(missing)}")
