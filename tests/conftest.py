"""Shared fixtures: a database file in tmp_path and the bundled report's path."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "data" / "lanling-2023-h1.md"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where a test's database lives (the file does not exist yet)."""
    return tmp_path / "db" / "minsheng.json"


@pytest.fixture
def bundled() -> Path:
    """The bundled report (read it; never write next to it)."""
    return BUNDLED
