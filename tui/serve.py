"""``minsheng serve``: the same app in a web browser, through textual-serve (Textualize's own).

Each browser page gets its own app process (textual-serve runs the command once per
connection). Nobody reaches it without a token: the printed address carries one, the first
page load turns it into a cookie for the page's own requests (its scripts, its websocket),
and every other request is refused with 401 (no token) or 403 (a wrong one). The server
listens on 127.0.0.1 unless ``--host`` opens it to a network.

Names: ``--user 张三 --user 李四`` gives each person an address of their own; the app that
address opens records their changes as ``张三（网页·ACCOUNT）``, ACCOUNT being the server's
account that really wrote the file. Without ``--user`` there is one address and everything is
recorded under the account alone.
"""

from __future__ import annotations

import contextvars
import hmac
import secrets
import shlex
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from store.words import say

if TYPE_CHECKING:
    from aiohttp import web
    from textual_serve.server import Server

#: The cookie the first page load sets from the address's token.
COOKIE = "minsheng_token"
LOOPBACK = "127.0.0.1"

#: The person the request being handled belongs to (set by the token check, read when the
#: websocket handler starts that person's app process).
_PERSON: contextvars.ContextVar[str] = contextvars.ContextVar("person", default="")


@dataclass(frozen=True)
class Access:
    """One way in: the token of an address, and the name it records changes under
    ('' : the server's account alone)."""

    token: str
    name: str = ""


def make_access(names: Sequence[str]) -> list[Access]:
    """A fresh random token per name (one shared token when no names are given)."""
    if not names:
        return [Access(secrets.token_urlsafe(24))]
    return [Access(secrets.token_urlsafe(24), name) for name in names]


def app_command(db: Path, *, read_only: bool, name: str = "") -> str:
    """The shell command that runs one browser page's app."""
    # (a browser's terminal shows UTF-8 whatever the server's locale)
    argv = [sys.executable, "-m", "tui", "--db", str(db), "--no-ascii"]
    if read_only:
        argv.append("--read-only")
    if name:
        argv += ["--web-user", name]
    return shlex.join(argv)


def find_access(accesses: Sequence[Access], token: str) -> Access | None:
    """The access whose token this is (compared in constant time)."""
    found = None
    for access in accesses:
        if hmac.compare_digest(access.token.encode(), token.encode()):
            found = access
    return found


def make_server(
    db: Path,
    accesses: Sequence[Access],
    *,
    host: str = LOOPBACK,
    port: int = 8000,
    read_only: bool = False,
    public_url: str | None = None,
) -> Server:
    """The textual-serve server with the token check in front of every route."""
    from aiohttp import web
    from textual_serve.server import Server

    class TokenServer(Server):
        """textual-serve's Server, refusing requests without a valid token."""

        @property
        def command(self) -> str:
            # The websocket handler reads this when it starts a page's app process: the
            # person the token check found for that request gets their own name in history.
            return app_command(db, read_only=read_only, name=_PERSON.get())

        @command.setter
        def command(self, value: str) -> None:  # (Server.__init__ assigns it)
            pass

        def initialize_logging(self) -> None:
            # (documented as the method to override) Problems only, on stderr: not a line
            # per request in English over the addresses printed in Chinese.
            import logging

            logging.basicConfig(level="WARNING", format="minsheng serve: %(message)s")

        async def on_startup(self, app: web.Application) -> None:
            """Nothing of textual-serve's own banner: `serve` has printed the addresses."""

        async def _make_app(self) -> web.Application:
            # textual-serve 1.1 has no public hook for middleware: its application, with ours
            # put first (middlewares can be added until the application starts).
            app = await super()._make_app()
            app.middlewares.insert(0, check_token)
            return app

    @web.middleware
    async def check_token(
        request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        given = request.query.get("token", "")
        token = given or request.cookies.get(COOKIE, "")
        if not token:
            raise web.HTTPUnauthorized(
                text=say("app.serve.no_token") + "\n",
                content_type="text/plain",
            )
        access = find_access(accesses, token)
        if access is None:
            raise web.HTTPForbidden(
                text=say("app.serve.bad_token") + "\n",
                content_type="text/plain",
            )
        _PERSON.set(access.name)
        response = await handler(request)
        if given and not response.prepared:
            response.set_cookie(COOKIE, token, httponly=True, samesite="Strict", path="/")
        return response

    return TokenServer(
        "minsheng",
        host=host,
        port=port,
        title=say("app.serve.title"),
        public_url=public_url,
    )


def addresses(base: str, accesses: Sequence[Access]) -> list[tuple[str, str]]:
    """(name, address with its token) for each way in."""
    return [(a.name, f"{base.rstrip('/')}/?token={a.token}") for a in accesses]
