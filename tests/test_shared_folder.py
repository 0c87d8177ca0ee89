"""Two Unix users on one database in a setgid group folder: each can save after the other.

The users and their group are created for the test (useradd, so root only) and removed after.
Each save runs the command line as that user: a child process forked from the test, which
drops to the user's uid and gids, as `runuser` would, and calls the CLI's `run`.
"""

from __future__ import annotations

import contextlib
import grp
import os
import pwd
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import importers.report  # noqa: F401 - loaded before the fork: the users cannot read /root
import store.backup  # noqa: F401
from store.jsonfile import JSONFileStore as ProjectStore
from store.models import STATUSES
from tests.conftest import BUNDLED
from tui import cli

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("useradd") or not sys.platform.startswith("linux"),
    reason="creating the two Unix users needs root and useradd (Linux)",
)


@contextlib.contextmanager
def _users(*names: str, group: str) -> Iterator[dict[str, pwd.struct_passwd]]:
    """Create ``group`` and users in it (no home, no login); remove them afterwards."""
    created: list[str] = []
    subprocess.run(["groupadd", group], check=True, capture_output=True)
    try:
        for name in names:
            subprocess.run(
                ["useradd", "-M", "-N", "-g", group, "-s", "/usr/sbin/nologin", name],
                check=True,
                capture_output=True,
            )
            created.append(name)
        yield {name: pwd.getpwnam(name) for name in names}
    finally:
        for name in created:
            subprocess.run(["userdel", name], capture_output=True)
        subprocess.run(["groupdel", group], capture_output=True)


def _as_user(user: pwd.struct_passwd, argv: list[str], umask: int = 0o022) -> tuple[int, str]:
    """Run the command line as ``user`` in a forked child; (exit status, stderr)."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 99
        try:
            os.close(read_fd)
            os.dup2(write_fd, 2)
            os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
            sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115 - pytest had replaced it
            sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115
            os.setgroups([user.pw_gid])
            os.setgid(user.pw_gid)
            os.setuid(user.pw_uid)
            os.umask(umask)
            os.environ["HOME"] = "/nonexistent"
            code = cli.run(argv)
        except BaseException as exc:  # noqa: BLE001 - reported through stderr
            import traceback

            os.write(2, "".join(traceback.format_exception(exc)).encode())
        finally:
            with contextlib.suppress(Exception):
                sys.stderr.flush()
            os._exit(code)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as err:
        message = err.read().decode(errors="replace")
    _pid, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), message


@pytest.fixture(scope="module", autouse=True)
def _loaded(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Run every command once as root first: the users cannot read this interpreter's files
    (under /root), so everything their children run must already be loaded."""
    import codecs
    import contextlib as _contextlib
    import io

    for name in ("utf-8-sig", "gb18030", "utf-16", "ascii", "latin-1"):
        codecs.lookup(name)
    db = tmp_path_factory.mktemp("warm") / "warm.json"
    with _contextlib.redirect_stdout(io.StringIO()), _contextlib.redirect_stderr(io.StringIO()):
        for argv in (
            ["import", str(BUNDLED)],
            ["set-status", "X01", "滞后"],
            ["list"],
            ["show", "X01"],
            ["history"],
            ["db", "check"],
        ):
            assert cli.run(["--db", str(db), *argv]) in (0, 1)
    ProjectStore(db, read_only=True, read_only_reason="warm").projects()


@pytest.fixture
def shared(tmp_path: Path) -> Iterator[tuple[Path, dict[str, pwd.struct_passwd], int]]:
    """A setgid folder of a new group (mode 2770), the users a, b (members) and c (reads only)."""
    tag = f"{os.getpid() % 100000}"
    base = Path(tempfile.mkdtemp(prefix="minsheng-shared-", dir="/tmp"))
    try:
        with _users(f"msa{tag}", f"msb{tag}", f"msc{tag}", group=f"msg{tag}") as users:
            gid = grp.getgrnam(f"msg{tag}").gr_gid
            os.chmod(base, 0o711)
            folder = base / "office"
            folder.mkdir()
            os.chown(folder, 0, gid)
            os.chmod(folder, 0o2770)
            yield folder, users, gid
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_two_users_save_alternately_in_a_setgid_folder(shared, tmp_path: Path) -> None:
    folder, users, gid = shared
    a, b, _c = users.values()
    report = folder / BUNDLED.name
    shutil.copy(BUNDLED, report)
    os.chmod(report, 0o644)
    db = folder / "minsheng.json"

    status, err = _as_user(a, ["--db", str(db), "import", str(report)])
    assert status == 0, err
    for path in (db, db.with_name(db.name + ".lock")):
        st = os.stat(path)
        assert st.st_gid == gid and stat.S_IMODE(st.st_mode) & 0o060 == 0o060, path
        assert st.st_uid == a.pw_uid

    for turn in range(100):
        user = (a, b)[turn % 2]
        status_word = STATUSES[(turn + 1) % len(STATUSES)]  # X01 starts at STATUSES[0]
        status, err = _as_user(user, ["--db", str(db), "set-status", "X01", status_word])
        assert status == 0, (turn, user.pw_name, err)
        assert ProjectStore(db, read_only=True).get("X01").status == status_word

    history = [c for c in ProjectStore(db, read_only=True).history("X01") if c.field == "status"]
    assert [c.by for c in history] == [a.pw_name, b.pw_name] * 50
    st = os.stat(db)
    assert st.st_gid == gid and stat.S_IMODE(st.st_mode) & 0o660 == 0o660
    backups = folder / "backups"
    assert stat.S_IMODE(os.stat(backups).st_mode) == 0o2770 and os.stat(backups).st_gid == gid
    for backup in backups.iterdir():
        assert os.stat(backup).st_gid == gid
        assert stat.S_IMODE(os.stat(backup).st_mode) & 0o060 == 0o060


def test_a_user_who_may_only_read_gets_read_only_mode(shared) -> None:
    folder, users, gid = shared
    a, _b, c = users.values()
    db = folder / "minsheng.json"
    report = folder / BUNDLED.name
    shutil.copy(BUNDLED, report)
    os.chmod(report, 0o644)
    assert _as_user(a, ["--db", str(db), "import", str(report)])[0] == 0
    os.chmod(db, 0o640)  # the group may read; only a may write
    before = db.read_bytes()
    assert _as_user(c, ["--db", str(db), "list"])[0] == 0
    status, err = _as_user(c, ["--db", str(db), "set-status", "X01", "滞后"])
    assert status == 1 and "以只读方式打开" in err and f"{c.pw_name} 不能写入 " in err
    assert db.read_bytes() == before
    assert _as_user(a, ["--db", str(db), "set-status", "X01", "滞后"])[0] == 0
