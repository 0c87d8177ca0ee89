"""Shared fixtures: a database file in tmp_path and the bundled report's path; which tests
run one at a time under pytest-xdist."""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tui.cli import run

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "data" / "lanling-2023-h1.md"

#: Tests that fork, kill or drive whole processes by the dozen, or that wait for something to
#: happen within a time. pytest-xdist (`--dist loadgroup`) runs them on one worker, one after
#: another, so that they never compete with each other for the two cores. Node-id prefixes.
ONE_AT_A_TIME = (
    "tests/store/test_reliability.py",  # SIGKILLed writers, writers at once, a pty
    "tests/store/test_db.py",  # writers killed at random moments, two processes at once
    "tests/store/test_sqlite.py",  # the same on SQLite, and a lock held in another process
    "tests/test_hostile.py",  # the app in a pty, SIGTERM and SIGHUP
    "tests/test_shared_folder.py",  # users saving in turn in a setgid folder
    "tests/tui/test_conflict.py::test_another_process_s_save_appears_within_two_seconds",
    "tests/tui/test_lock_wait.py",  # holds a lock in another process and waits on time
    "tests/test_serve.py",  # a web server and the app processes of its pages
    "tests/test_install.py",  # builds a wheel and installs it into a new environment
)


@pytest.hookimpl(tryfirst=True)  # before xdist starts its workers
def pytest_cmdline_main(config: pytest.Config) -> None:
    """`--snapshot-update` runs the tests in this process, as `--pdb` does: under xdist, syrupy
    can neither report nor remove the snapshots that no test uses any more."""
    if config.getoption("--snapshot-update", default=False) and config.getoption(
        "numprocesses", default=None
    ) in ("auto", "logical"):
        config.option.numprocesses = 0


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Put the tests of ONE_AT_A_TIME in one xdist group."""
    for item in items:
        if item.nodeid.startswith(ONE_AT_A_TIME):
            item.add_marker(pytest.mark.xdist_group("one_at_a_time"))
    for prefix in ONE_AT_A_TIME:  # a renamed file would quietly leave the group
        if not (ROOT / prefix.partition("::")[0]).exists():
            warnings.warn(f"ONE_AT_A_TIME names a missing file: {prefix}", stacklevel=1)


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


@pytest.fixture
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test can reach the real ~/.local/share: HOME and XDG_DATA_HOME point into tmp_path
    (no MINSHENG_DB, tables 100 columns wide)."""
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "xdg"))
    monkeypatch.delenv("MINSHENG_DB", raising=False)
    monkeypatch.setenv("COLUMNS", "100")
    return home


@pytest.fixture
def db(db_path: Path, cli: Callable[..., Result]) -> Path:
    """A database holding the bundled report, made by the command line's import."""
    assert cli("--db", db_path, "import", BUNDLED).code == 0
    return db_path
