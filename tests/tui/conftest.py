"""Fixtures for app tests: a real database seeded from the bundled report."""

from __future__ import annotations

from pathlib import Path

import pytest

from importers.report import read_report
from store.jsonfile import JSONFileStore as ProjectStore
from tui.app import MinshengApp, make_app

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "data" / "lanling-2023-h1.md"


@pytest.fixture(autouse=True)
def colour_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Apps under test see a 24-bit colour terminal (a TERM of 8 or 16 colours, or none, picks
    the 16-colour theme: tests that want it set TERM themselves)."""
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLORTERM", "truecolor")
    monkeypatch.delenv("TEXTUAL_COLOR_SYSTEM", raising=False)


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The bytes of a database holding the bundled report (built once per run)."""
    path = tmp_path_factory.mktemp("template") / "db.json"
    ProjectStore(path, user="tester").import_report(
        read_report(BUNDLED), source="import:lanling-2023-h1.md"
    )
    return path.read_bytes()


@pytest.fixture
def db_path(tmp_path: Path, seeded_template: bytes) -> Path:
    """A fresh copy of the seeded database for one test."""
    path = tmp_path / "minsheng.json"
    path.write_bytes(seeded_template)
    return path


@pytest.fixture
def store(db_path: Path) -> ProjectStore:
    """The seeded store, as the app's user."""
    return ProjectStore(db_path, user="tester")


@pytest.fixture
def app(store: ProjectStore, tmp_path: Path) -> MinshengApp:
    """The app on the seeded store, remembering its view in tmp_path."""
    return make_app(store, state_path=tmp_path / "view.json")
