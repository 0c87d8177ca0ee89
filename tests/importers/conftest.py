"""Fixtures for the importer tests: the bundled report, read once."""

from __future__ import annotations

from pathlib import Path

import pytest

from importers.report import read_report
from store.models import ParsedReport

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "data" / "lanling-2023-h1.md"
GOLDEN = Path(__file__).resolve().parent / "golden"


@pytest.fixture(scope="session")
def bundled_path() -> Path:
    """The bundled 2023 兰陵县 report (read only)."""
    return BUNDLED


@pytest.fixture(scope="session")
def bundled() -> ParsedReport:
    """The bundled report as the importer reads it."""
    return read_report(BUNDLED)
