"""What the store asks of a TinyDB storage: transactions, and a generation that tells changes."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterable
from typing import Any

from tinydb.storages import Storage


class TransactionalStorage(Storage):
    """A TinyDB storage that can hold writes until commit, and knows when its data changed.

    TinyDB writes a whole database per call; between ``begin`` and ``commit`` those writes
    stay in memory, so that one transaction over several tables reaches the disk once, or
    (``rollback``) not at all. ``store.jsonstorage`` has the file's, ``store.memory`` memory's.
    """

    #: moves whenever the data this process sees changes (by exactly one per own commit)
    generation: int = 0
    #: the data may hold control characters that someone else wrote
    suspect: bool = False
    #: the documents are in the order readers want them first (the store's promise: it
    #: keeps the projects in report order and sets this before it commits; a file says so
    #: in its stamp, so that ``head`` can read a first screen without the rest)
    ordered: bool = False

    def head(self, count: int, table: str) -> dict[str, dict[str, Any]] | None:
        """The tables stored before ``table`` and its first ``count`` documents, without
        reading the rest, when the storage can (None: read them all)."""
        return None

    @abstractmethod
    def refresh(self) -> bool:
        """Look at the data again; True when someone else changed it."""

    @abstractmethod
    def begin(self, *, broken_ok: bool = False, announced: bool = False) -> None:
        """Start a transaction (``announced``: every changed document will be announced)."""

    @abstractmethod
    def announce(self, table: str, keys: Iterable[str] | None = None) -> None:
        """These documents of ``table`` (all, without ``keys``) change in this transaction."""

    _in_transaction: bool = False
    _dirty: bool = False  # the open transaction has changed something

    @property
    def pending(self) -> bool:
        """Whether the open transaction has changes that commit would write."""
        return self._in_transaction and self._dirty

    def commit(self) -> bool:
        """Write what the transaction changed, if anything; True when something was written."""
        try:
            if self._dirty:
                self._write_out()
                return True
            return False
        finally:
            self._in_transaction = self._dirty = False

    def rollback(self) -> None:
        """Forget what the transaction changed (nothing was written)."""
        if self._dirty:
            self._discard()
        self._in_transaction = self._dirty = False

    @abstractmethod
    def _write_out(self) -> None:
        """Make the data in memory the stored data (atomically)."""

    @abstractmethod
    def _discard(self) -> None:
        """Forget the data in memory: the next read takes the stored data again."""
