"""Headless exports of the current state: shared by the command line and the app."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from store.models import Project, Report
from store.storage import atomic_write_bytes


class ExportError(Exception):
    """An export that could not be written; the message names the file."""


def project_export_dict(project: Project) -> dict[str, Any]:
    """A project in the JSON interface for scripts (the model's keys)."""
    return project.to_dict()


def report_export_dict(report: Report) -> dict[str, Any]:
    """The report's metadata in the JSON interface."""
    return report.to_dict()


def export_json(report: Report, projects: list[Project]) -> bytes:
    """`{"report": {...}, "projects": [...]}` as UTF-8 JSON, Chinese kept readable."""
    payload = {
        "report": report_export_dict(report),
        "projects": [project_export_dict(p) for p in projects],
    }
    return (json.dumps(payload, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write_export(path: Path, data: bytes, *, force: bool = False) -> None:
    """Write an export atomically; an existing file is kept unless ``force``."""
    path = Path(path)
    if not path.parent.is_dir():
        raise ExportError(f"{path}: folder {path.parent} does not exist")
    if path.exists() and not force:
        raise ExportError(f"{path}: already exists (use --force to overwrite)")
    try:
        atomic_write_bytes(path, data)
    except OSError as exc:
        raise ExportError(f"{path}: {os.strerror(exc.errno or 0) or exc}") from exc
