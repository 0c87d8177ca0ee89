"""Checking stored tables: every document of the model's shape, ids unique, text clean."""

from __future__ import annotations

import dataclasses
from typing import Any

from store.interface import CheckReport
from store.models import Project, clean_text
from store.vocabulary import FIELD_REGISTRY
from store.words import listing, say

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
            report.problems.append(say("check.unknown_table", name=name))
    _check_projects(tables.get(PROJECTS, {}), report)
    _check_history(tables.get(HISTORY, {}), report)
    return report


def _named(key: str) -> str:
    """A stored key with the report's word for it: 'status（工作成效）'."""
    known = FIELD_REGISTRY.get(key)
    return f"{key}（{known.label}）" if known is not None else key


def _control_free(value: str, single_line: bool) -> bool:
    if clean_text(value) != value:
        return False
    return not single_line or ("\n" not in value and "\t" not in value)


def _check_projects(docs: dict[str, Any], report: CheckReport) -> None:
    problems = report.problems
    ids: dict[str, str] = {}
    for doc_id, doc in docs.items():
        where = say("check.project_document", id=doc_id)
        if not doc_id.isdigit():
            problems.append(say("check.id_not_a_number", where=where))
        if not isinstance(doc, dict):
            problems.append(say("check.not_an_object", where=where))
            continue
        report.projects += 1
        missing = [k for k in _PROJECT_KEYS if k not in doc and k not in _LATER_KEYS]
        if missing:
            problems.append(say("check.missing", where=where, keys=listing(missing)))
        pid = doc.get("id")
        if not isinstance(pid, str) or not pid:
            problems.append(say("check.no_id", where=where))
        else:
            where = say("check.project", id=pid, document=doc_id)
            if pid in ids:
                problems.append(say("check.id_reused", where=where, other=ids[pid]))
            ids[pid] = doc_id
        revision = doc.get("revision")
        if not isinstance(revision, int) or isinstance(revision, bool) or revision < 1:
            problems.append(say("check.bad_revision", where=where, value=repr(revision)))
        if "number" in doc and (
            not isinstance(doc["number"], int) or isinstance(doc["number"], bool)
        ):
            problems.append(say("check.bad_number", where=where, value=repr(doc["number"])))
        for key in _PROJECT_KEYS:
            value = doc.get(key)
            if key in _NOT_TEXT or key not in doc:
                continue
            if not isinstance(value, str):
                problems.append(say("check.not_text", where=where, key=_named(key)))
            elif not _control_free(value, key in _SINGLE_LINE):
                problems.append(say("check.control_chars", where=where, key=_named(key)))
        if "departments" in doc and (
            not isinstance(doc["departments"], list)
            or not all(isinstance(d, str) for d in doc["departments"])
        ):
            problems.append(say("check.bad_departments", where=where))
        if "extra" in doc and (
            not isinstance(doc["extra"], dict)
            or not all(isinstance(v, str) for v in doc["extra"].values())
        ):
            problems.append(say("check.bad_extra", where=where))
        history = doc.get("progress_history", [])
        if not isinstance(history, list) or not all(
            isinstance(h, dict) and isinstance(h.get("text", ""), str) for h in history
        ):
            problems.append(say("check.bad_progress_history", where=where))
        elif any(not _control_free(h.get("text", ""), False) for h in history):
            problems.append(say("check.progress_history_control", where=where))
        edits = doc.get("indicator_edits", [])
        if not isinstance(edits, list) or not all(isinstance(e, dict) for e in edits):
            problems.append(say("check.bad_indicator_edits", where=where))
        updates = doc.get("updates", [])
        if not isinstance(updates, list):
            problems.append(say("check.bad_updates", where=where))
            continue
        for number, update in enumerate(updates, start=1):
            if not isinstance(update, dict) or any(
                not isinstance(update.get(k), str) for k in _UPDATE_KEYS
            ):
                problems.append(say("check.update_incomplete", where=where, n=number))
            elif not _control_free(update["text"], False):
                problems.append(say("check.update_control", where=where, n=number))


def _check_history(docs: dict[str, Any], report: CheckReport) -> None:
    problems = report.problems
    for doc_id, doc in docs.items():
        report.changes += 1
        where = say("check.history_document", id=doc_id)
        if not doc_id.isdigit() or int(doc_id) < 1:
            problems.append(say("check.history_bad_id", where=where))
        if not isinstance(doc, dict):
            problems.append(say("check.not_an_object", where=where))
            continue
        missing = [k for k in _HISTORY_KEYS if k not in doc]
        if missing:
            problems.append(say("check.missing", where=where, keys=listing(missing)))
