"""The store in memory: the same behaviour as the file, for tests and scratch work.

``MemoryStore`` is ``DocumentStore`` on ``TransactionalMemoryStorage``: TinyDB's tables kept
as encoded JSON (so that what goes in is what a file would hold, and a rolled-back
transaction leaves nothing behind) under a thread lock.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson

from store.documents import DocumentStore
from store.interface import FirstScreen
from store.transactions import TransactionalStorage

Tables = dict[str, dict[str, Any]]


class TransactionalMemoryStorage(TransactionalStorage):
    """A TinyDB storage in memory with ``begin`` / ``commit`` / ``rollback``."""

    def __init__(self) -> None:
        super().__init__()
        self._encoded = b"{}"
        self._data: Tables | None = None  # decoded form of _encoded (or the transaction's)
        self._in_transaction = False
        self._dirty = False
        self.generation = 1
        self.suspect = False

    def refresh(self) -> bool:
        """Nobody else writes here: nothing to look at."""
        return False

    def read(self) -> Tables | None:
        """The tables (TinyDB may change them in place before calling write)."""
        if self._data is None:
            self._data = orjson.loads(self._encoded)
        return self._data

    def write(self, data: Tables) -> None:
        """Accept TinyDB's new state: kept now, or at commit inside a transaction."""
        self._data = data
        if self._in_transaction:
            self._dirty = True
        else:
            self._keep()

    def _keep(self) -> None:
        self._encoded = orjson.dumps(self._data)
        self.generation += 1

    def begin(self, *, broken_ok: bool = False, announced: bool = False) -> None:
        """Start a transaction (everything is encoded at commit: nothing to announce)."""
        if self._in_transaction:
            raise RuntimeError("a transaction is already open")
        self.read()
        self._in_transaction, self._dirty = True, False

    def announce(self, table: str, keys: Iterable[str] | None = None) -> None:
        """Nothing to do: every commit encodes everything."""

    def _write_out(self) -> None:
        self._keep()

    def _discard(self) -> None:
        self._data = None
        self.generation += 1

    def close(self) -> None:
        """Nothing to close."""


class MemoryStore(DocumentStore):
    """Projects in this process's memory; gone when it ends."""

    def __init__(
        self, *, user: str | None = None, read_only: bool = False, read_only_reason: str = "",
        home: Path | None = None,
    ) -> None:  # fmt: skip
        self.location = "(memory)"
        self.home = home or Path(tempfile.gettempdir())
        super().__init__(
            TransactionalMemoryStorage(), threading.RLock(), user=user,
            read_only=read_only, read_only_reason=read_only_reason,
        )  # fmt: skip

    def first_projects(self, count: int) -> FirstScreen:
        """Everything is in memory already: the first of all the projects."""
        with self._mutex:
            return FirstScreen(self.projects()[:count], self.report(), self.schedule_settings())
