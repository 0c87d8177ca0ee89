"""Hostile input and hostile exits: text cleaned on every way in, crashes logged privately,
SIGTERM and SIGHUP ending the app cleanly with acknowledged edits on disk."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import pty
import select
import signal
import stat
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from bench.reliability import json_strings
from importers.report import parse_csv_text
from store.jsonfile import JSONFileStore as ProjectStore
from store.models import ParsedReport, ProjectRecord, Report, clean_text
from tests.conftest import BUNDLED
from tui import cli
from tui.crash import CRASH_STATUS, crash_message, write_crash_log

ROOT = Path(__file__).resolve().parent.parent
CONTROL = (
    "\x1b]52;c;U0VDUkVU\x07\x1b[2J\x9b2J\x00\x07\x7f\u202e\u2066\ufeff\ud800"
    "\u061c\u200f\u200e"  # the bidi marks: Arabic letter mark, right-to-left and left-to-right
)
#: What must never reach a terminal from project text, a snapshot or an index.
FORBIDDEN = ("\x1b", "\x9b", "\x9d", "\x85", "\x07", "\x00", "\x7f", "\u202e", "\u2066",
             "\u061c", "\u200f", "\u200e", "\ufeff", "\ud800")  # fmt: skip


def _dirty(text: str) -> str:
    return f"{CONTROL}{text}{CONTROL}"


def _assert_clean(value: str) -> None:
    assert clean_text(value) == value, repr(value)
    assert not [c for c in FORBIDDEN if c in value], repr(value)


# --- text on every way in ----------------------------------------------------------------------


def test_import_edits_and_updates_store_no_control_characters(tmp_path: Path) -> None:
    # What an importer might pass on (the store cleans whatever it is given) ...
    record = ProjectRecord(
        table="县级",
        number=1,
        fields={
            "name": _dirty("名称\u200b"),
            "department": _dirty("县教育局"),
            "progress": _dirty("进展"),
            "status": "推进正常",
        },
        extra={_dirty("备注"): _dirty("备注")},
    )
    store = ProjectStore(tmp_path / "db.json", user="tester")
    store.import_report(ParsedReport(Report(region=_dirty("兰陵县")), [record]), source="import")
    # ... and what the CSV reader makes of C1, bidi and zero-width characters in a file.
    row = "2,\u202e名称\u200b\x85,\u2066县\u2069教育局,进展\x9b2J"
    store.import_report(
        parse_csv_text(f"序号,项目名称,牵头单位,推进情况\n{row}\n", "a.csv"), source="import:a.csv"
    )
    _assert_clean(store.report().region)
    second = next(p for p in store.projects() if p.number == 2)
    assert (second.name, second.department) == ("名称", "县教育局")
    _assert_clean(second.progress)
    pid = store.projects()[0].id
    store.update_fields(
        pid,
        {"plan": _dirty("计划"), "name": _dirty("新\u200b名")},
        source="tui",
        note=_dirty("说明"),
    )
    store.add_update(pid, "2023-07", _dirty("七月"), source="tui")
    fresh = ProjectStore(tmp_path / "db.json")
    project = fresh.get(pid)
    for value in (
        project.name,
        project.department,
        project.progress,
        project.plan,
        *project.extra.values(),
        *(u.text for u in project.updates),
    ):
        _assert_clean(value)
    assert project.name.count("新名") == 1  # zero-width characters leave names
    for change in fresh.history():
        _assert_clean(f"{change.old} {change.new} {change.note}")
    raw = (tmp_path / "db.json").read_bytes()
    assert b"\\u001b" not in raw and b"\\ud800" not in raw and b"\xc2\x9b" not in raw


def test_a_file_written_by_someone_else_is_cleaned_as_it_is_read(tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    store = ProjectStore(db, user="tester")
    store.import_report(parse_csv_text("序号,项目名称\n1,体育公园\n", "a.csv"), source="import")
    text = db.read_text(encoding="utf-8").replace("体育公园", "\\u001b[2J体育\\u202e公园\\ud800")
    db.write_text(text, encoding="utf-8")
    project = ProjectStore(db).projects()[0]
    assert project.name == "[2J体育公园"
    ProjectStore(db).update_fields(project.id, {"progress": "进展"}, source="tui")
    assert "\\u001b" not in db.read_text(encoding="utf-8")  # the next save cleaned it


def _printed(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> str:
    """What `minsheng ARGV` printed (it must succeed)."""
    status = cli.run([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert status == 0, err
    return out + err


def test_diff_and_the_snapshot_list_print_no_control_characters(
    seeded: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))  # (a crash logs there)
    # A snapshot made by hand, as anyone who may write the snapshots folder could.
    snapshots = seeded.parent / "snapshots"
    assert _printed(capsys, "--db", seeded, "snapshot")
    snap = next(p for p in snapshots.glob("*.json") if p.name != "index.json")
    data = json.loads(snap.read_text(encoding="utf-8"))
    data["report"]["region"] = _dirty("兰陵县")
    first, second = data["projects"][:2]
    first["id"] = _dirty("X01")
    second.update(status=_dirty("滞后"), name=_dirty("名称"), department=_dirty("县教育局"))
    second["progress"] = _dirty("进展")
    second["updates"] = [{"month": _dirty("2023-07"), "text": _dirty("七月"), "at": "", "by": ""}]
    second["extra"] = {_dirty("备注"): _dirty("备注")}
    snap.write_text(json.dumps(data), encoding="utf-8")  # \u escapes: a lone surrogate too
    index = snapshots / "index.json"
    entries = json.loads(index.read_text(encoding="utf-8"))
    entries["snapshots"][0].update(by=_dirty("li"), region=_dirty("兰陵县"), format=_dirty("json"))
    index.write_text(json.dumps(entries), encoding="utf-8")

    for argv in (["diff", snap, "db"], ["diff", "db", snap], ["diff"], ["snapshots"]):
        text = _printed(capsys, "--db", seeded, *argv)
        assert not [c for c in FORBIDDEN if c in text], (argv, text[:2000])
        assert "名称" in text or argv == ["snapshots"], argv  # (the text itself is shown)
    for argv in (["diff", snap, "db", "--json"], ["diff", "--json"], ["snapshots", "--json"]):
        text = _printed(capsys, "--db", seeded, *argv)
        assert not [c for c in FORBIDDEN if c in text], argv
        for value in json_strings(json.loads(text)):  # nor escaped: \u001b, \u009b ...
            _assert_clean(value)


# --- crashes -----------------------------------------------------------------------------------


def test_a_crash_log_is_private_and_the_message_holds_no_project_text(tmp_path: Path) -> None:
    try:
        raise RuntimeError("项目秘密文本")
    except RuntimeError as exc:
        log = write_crash_log(exc, folder=tmp_path / "state")
        message = crash_message(exc, log)
    assert log is not None
    assert stat.S_IMODE(os.stat(log).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(log.parent).st_mode) == 0o700
    assert "项目秘密文本" in log.read_text(encoding="utf-8")
    assert "Traceback" in log.read_text(encoding="utf-8")
    assert "项目秘密文本" not in message and str(log) in message and "RuntimeError" in message


def test_an_unexpected_cli_error_is_logged_and_exits_70(
    db_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ProjectStore(db_path, user="tester").import_report(
        parse_csv_text("序号,项目名称\n1,体育公园\n", "a.csv"), source="import"
    )
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))

    def boom(store: object, args: object) -> None:
        raise KeyError("体育公园的秘密")

    monkeypatch.setattr(cli, "cmd_list", boom)
    assert cli.run(["--db", str(db_path), "list"]) == CRASH_STATUS
    err = capsys.readouterr().err
    logs = list((tmp_path / "state" / "minsheng").glob("crash-*.log"))
    assert len(logs) == 1 and str(logs[0]) in err
    assert "秘密" not in err and "秘密" in logs[0].read_text(encoding="utf-8")


class Terminal:
    """A command in a pseudo-terminal of 100x30; all its output kept."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        pid, fd = pty.fork()
        if pid == 0:  # pragma: no cover - the child
            fcntl.ioctl(1, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
            os.execvpe(
                argv[0],
                argv,
                {
                    **os.environ,
                    "TERM": "xterm-256color",
                    "LANG": "C.UTF-8",
                    "PYTHONPATH": str(ROOT),
                    **env,
                },
            )
        self.pid, self.fd = pid, fd
        self.output = bytearray()

    def read_until(self, needle: bytes, timeout: float = 20.0) -> bool:
        """Read until ``needle`` arrived; False at the timeout or the end of output."""
        deadline = time.monotonic() + timeout
        while needle not in self.output:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            if select.select([self.fd], [], [], min(left, 0.2))[0]:
                try:
                    chunk = os.read(self.fd, 1 << 16)
                except OSError:
                    return False
                if not chunk:
                    return False
                self.output.extend(chunk)
        return True

    def wait(self, timeout: float = 15.0) -> int | None:
        """The exit status, reading output meanwhile (None if still running)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done, status = os.waitpid(self.pid, os.WNOHANG)
            if done:
                with contextlib.suppress(OSError):
                    while select.select([self.fd], [], [], 0.1)[0]:
                        chunk = os.read(self.fd, 1 << 16)
                        if not chunk:
                            break
                        self.output.extend(chunk)
                return os.waitstatus_to_exitcode(status)
            with contextlib.suppress(OSError):
                if select.select([self.fd], [], [], 0.1)[0]:
                    self.output.extend(os.read(self.fd, 1 << 16))
        return None

    def close(self) -> None:
        """Kill what is left."""
        with contextlib.suppress(ProcessLookupError, ChildProcessError):
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        with contextlib.suppress(OSError):
            os.close(self.fd)


@pytest.fixture
def seeded(tmp_path: Path) -> Path:
    """A database of the bundled report."""
    from importers.report import read_report

    db = tmp_path / "db.json"
    ProjectStore(db, user="tester").import_report(read_report(BUNDLED), source="import")
    return db


def _app(db: Path, tmp_path: Path, code: str | None = None) -> Terminal:
    state = {"XDG_STATE_HOME": str(tmp_path / "state")}
    if code is None:
        return Terminal([sys.executable, "-m", "tui", "--db", str(db)], state)
    return Terminal([sys.executable, "-c", code, "--db", str(db)], state)


def test_a_crash_in_the_app_restores_the_terminal_and_logs_privately(
    seeded: Path, tmp_path: Path
) -> None:
    code = (
        "import sys\n"
        "from tui.widgets import project_table\n"
        "def boom(self, y):\n"
        "    raise RuntimeError('两河体育公园 secret text')\n"
        "project_table.ProjectTable.render_line = boom\n"
        "from tui.cli import run\n"
        "sys.exit(run(sys.argv[1:]))\n"
    )
    term = _app(seeded, tmp_path, code)
    try:
        status = term.wait(30)
    finally:
        term.close()
    out = bytes(term.output)
    assert status == CRASH_STATUS
    assert b"\x1b[?1049l" in out  # the alternate screen was left: the terminal is back
    assert "意外出错（RuntimeError）；详细情况记在".encode() in out
    assert b"secret text" not in out and "两河体育公园 secret".encode() not in out
    logs = list((tmp_path / "state" / "minsheng").glob("crash-*.log"))
    assert len(logs) == 1 and stat.S_IMODE(os.stat(logs[0]).st_mode) == 0o600
    assert "secret text" in logs[0].read_text(encoding="utf-8")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_end_the_app_cleanly_with_the_edit_on_disk(
    seeded: Path, tmp_path: Path, signum: int
) -> None:
    term = _app(seeded, tmp_path)
    try:
        assert term.read_until("两河体育".encode())
        time.sleep(0.5)
        os.write(term.fd, b"s")
        assert term.read_until("未启动".encode())
        os.write(term.fd, b"4")  # 未启动
        assert term.read_until("可不填".encode())  # the reason asked for
        os.write(term.fd, b"\r")  # none given
        assert term.read_until("工作成效 → 未启动".encode())  # acknowledged
        os.kill(term.pid, signum)
        status = term.wait(15)
    finally:
        term.close()
    assert status == 128 + signum
    if signum == signal.SIGTERM:
        assert bytes(term.output).rstrip().endswith(b"\x1b[?1049l") or (
            b"\x1b[?1049l" in bytes(term.output)[-400:]
        )
    state = tmp_path / "state" / "minsheng"
    assert not list(state.glob("crash-*.log"))
    assert list(state.glob("view-*.json"))  # it ended as after q: the view was saved
    assert ProjectStore(seeded).get("X01").status == "未启动"


def hold_lock(db: Path, holder: str) -> subprocess.Popen[str]:
    """Another process holding the database's lock (as a save in progress does), saying who
    it is in the lock file as the store does; it lets go when killed."""
    code = (
        "import fcntl, os, sys, time\n"
        "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)\n"
        "fcntl.flock(fd, fcntl.LOCK_EX)\n"
        "os.ftruncate(fd, 0); os.write(fd, sys.argv[2].encode())\n"
        "print('held', flush=True)\n"
        "time.sleep(600)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, f"{db}.lock", holder], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _exit_status(pid: int, timeout: float) -> int | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.1)
    return None


@pytest.mark.parametrize("released", [False, True], ids=["lock-kept", "lock-released"])
def test_a_hang_up_while_a_save_waits_for_the_lock_ends_the_app(
    seeded: Path, tmp_path: Path, released: bool
) -> None:
    holder = hold_lock(seeded, "wang pid 4242 on server\n")
    code = (
        "import sys\n"
        "import tui.app\n"
        "tui.app.SIGNAL_GRACE_SECONDS = 4.0\n"
        "from tui.cli import run\n"
        "sys.exit(run(sys.argv[1:]))\n"
    )
    term = _app(seeded, tmp_path, code)
    try:
        assert term.read_until("两河体育".encode())
        time.sleep(0.5)
        os.write(term.fd, b"s")
        assert term.read_until("未启动".encode())
        os.write(term.fd, b"4")  # 未启动
        assert term.read_until("可不填".encode())  # the reason asked for
        os.write(term.fd, b"\r")  # none given: the save waits for wang's lock
        assert term.read_until("等待保存".encode(), 10)  # after a second: who holds it
        assert term.read_until(b"wang pid 4242", 5)
        os.close(term.fd)  # the terminal hangs up: SIGHUP, and input at its end
        term.fd = -1
        hung_up = time.monotonic()
        time.sleep(0.5)
        if released:
            holder.kill()  # the other save is done: ours lands, then the app ends
        else:
            used = _cpu_seconds(term.pid)
            time.sleep(2.0)
            assert _cpu_seconds(term.pid) - used < 0.5  # waiting, not spinning
        status = _exit_status(term.pid, 15)
        took = time.monotonic() - hung_up
    finally:
        holder.kill()
        holder.wait()
        term.close()
    assert status == 128 + signal.SIGHUP
    if not released:
        assert 3.5 < took < 10  # the grace period, not for good
    assert not list((tmp_path / "state" / "minsheng").glob("crash-*.log"))
    assert ProjectStore(seeded).get("X01").status == ("未启动" if released else "推进正常")


def test_a_hand_edit_that_keeps_the_stamp_is_still_looked_at(tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    store = ProjectStore(db, user="tester")
    csv = "序号,项目名称\n1,体育公园\n2,图书馆\n"
    store.import_report(parse_csv_text(csv, "a.csv"), source="import")
    first, second = (p.id for p in store.projects())
    raw = db.read_bytes()
    assert b'"suspect": false' in raw.split(b"\n", 4)[2]  # the stamp vouches for clean bytes
    # Someone edits a text and leaves the stamp (and its checksum) as it was.
    db.write_bytes(raw.replace("体育公园".encode(), b"\\u001b[2J\\u202e"))
    assert ProjectStore(db).get(first).name == "[2J"
    # A save of another project keeps the unclean line as it is: the stamp now says so, and
    # the next reader still cleans it.
    ProjectStore(db).update_fields(second, {"progress": "进展"}, source="tui")
    raw = db.read_bytes()
    assert b"\\u001b" in raw and b'"suspect": true' in raw.split(b"\n", 4)[2]
    assert ProjectStore(db).get(first).name == "[2J"
    ProjectStore(db).update_fields(first, {"progress": "进展"}, source="tui")
    raw = db.read_bytes()
    assert b"\\u001b" not in raw and b"\\u202e" not in raw  # that save cleaned the project
