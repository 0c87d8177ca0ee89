"""Shared fixtures: a database file in tmp_path and the bundled report's path."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tui.cli import run

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


class Result:
    """What one command did."""

    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    def json(self) -> Any:
        """Standard output, parsed as JSON."""
        return json.loads(self.out)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """Run `minsheng ARGS...` in this process and capture what it printed."""

    def call(*args: str | Path) -> Result:
        try:
            code = run([str(a) for a in args])
        except SystemExit as exc:  # argparse: usage errors and --help
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return call
