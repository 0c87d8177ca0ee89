"""`minsheng serve`: the app in a browser, reached only with the printed address's token,
on this computer only unless told otherwise, each person's page recorded under their name."""

from __future__ import annotations

import asyncio
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from tui.cli import run

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "data" / "lanling-2023-h1.md"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _listening(port: int) -> list[str]:
    """The local addresses listening on ``port`` (from /proc/net/tcp and tcp6)."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hexport = local.rsplit(":", 1)
            if int(hexport, 16) == port and state == "0A":  # LISTEN
                found.append(address)
    return found


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[int, str, subprocess.Popen[str]]]:
    """A server for a database of the bundled report, two people named: (port, its output)."""
    db = tmp_path / "db.json"
    assert run(["--db", str(db), "import", str(BUNDLED)]) == 0
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "tui", "--db", str(db), "serve", "--port", str(port),
         "--user", "张三", "--user", "李四"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert server.stdout is not None
    lines = [server.stdout.readline() for _ in range(4)]
    deadline = time.monotonic() + 30
    while not _listening(port) and time.monotonic() < deadline:
        time.sleep(0.1)
    try:
        yield port, "".join(lines), server
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()


def _address(output: str, name: str) -> str:
    match = re.search(rf"{name}：(http://\S+)", output)
    assert match, output
    return match[1]


async def _page(url: str, jar: aiohttp.CookieJar | None = None) -> tuple[int, str]:
    async with aiohttp.ClientSession(cookie_jar=jar) as session:
        async with session.get(url) as response:
            return response.status, await response.text()


def test_without_the_token_nothing_is_served(served: tuple[int, str, subprocess.Popen[str]]):
    port, output, _server = served
    base = f"http://127.0.0.1:{port}"
    assert asyncio.run(_page(base + "/"))[0] == 401
    assert asyncio.run(_page(base + "/static/js/textual.js"))[0] == 401
    status, text = asyncio.run(_page(base + "/?token=not-the-token"))
    assert status == 403 and "访问令牌不对" in text
    # Each person's address is their own, and opens the app's page.
    zhang, li = _address(output, "张三"), _address(output, "李四")
    assert zhang != li
    status, page = asyncio.run(_page(zhang))
    assert status == 200 and "textual.js" in page and "民生实事项目" in page


def test_it_listens_on_this_computer_only(served: tuple[int, str, subprocess.Popen[str]]):
    port, _output, _server = served
    assert _listening(port) == ["0100007F"]  # 127.0.0.1, nothing else


def _descendants_args(pid: int) -> list[str]:
    """The command lines of the processes under ``pid``."""
    parents: dict[int, int] = {}
    args: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            args[int(entry.name)] = (entry / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        for child, its_parent in parents.items():
            if its_parent == parent:
                found.append(args.get(child, "").replace("\0", " "))
                todo.append(child)
    return found


async def _open_app(url: str, port: int, server_pid: int) -> tuple[bytes, list[str]]:
    """What the app a page starts draws (with the page's cookie, as a browser does), and the
    command lines running under the server while the page is open."""
    jar = aiohttp.CookieJar(unsafe=True)  # (browsers keep cookies of an IP address too)
    async with aiohttp.ClientSession(cookie_jar=jar) as session:
        async with session.get(url) as response:
            assert response.status == 200
        async with session.ws_connect(f"ws://127.0.0.1:{port}/ws?width=100&height=30") as ws:
            await ws.send_json(["resize", {"width": 100, "height": 30}])
            drawn = b""
            while "两河体育".encode() not in drawn:
                message = await asyncio.wait_for(ws.receive(), 30)
                if message.type not in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT):
                    break
                data = message.data
                drawn += data if isinstance(data, bytes) else data.encode()
            return drawn, _descendants_args(server_pid)


def test_a_page_runs_its_own_app_under_its_person_s_name(
    served: tuple[int, str, subprocess.Popen[str]],
) -> None:
    port, output, server = served
    drawn, running = asyncio.run(_open_app(_address(output, "李四"), port, server.pid))
    assert "两河体育".encode() in drawn
    apps = [a for a in running if " -m tui " in a]
    # (the shell's own command line quotes the name: look at the words, not the quotes)
    assert apps and all("--web-user" in a and "李四" in a and "张三" not in a for a in apps)


def test_a_web_user_s_changes_carry_their_name_and_the_account(tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    assert run(["--db", str(db), "import", str(BUNDLED)]) == 0
    assert run(["--db", str(db), "--web-user", "张三", "set-status", "S14", "滞后"]) == 0
    from store.identity import current_user
    from store.jsonfile import open_store

    (change,) = [c for c in open_store(db).history("S14") if c.field == "status"]
    assert change.by == f"张三（网页·{current_user()}）"


def test_tokens_and_the_command_each_page_runs(tmp_path: Path) -> None:
    from tui.serve import app_command, find_access, make_access

    accesses = make_access(["张三"])
    assert find_access(accesses, accesses[0].token) == accesses[0]
    assert find_access(accesses, accesses[0].token + "x") is None
    command = shlex.split(app_command(tmp_path / "db.json", read_only=False, name="张三"))
    assert command[-2:] == ["--web-user", "张三"]
    assert "--read-only" in app_command(tmp_path / "db.json", read_only=True)
