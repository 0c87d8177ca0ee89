"""What the store asks of a TinyDB storage: transactions, and a generation that tells changes."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterable

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

    @abstractmethod
    def refresh(self) -> bool:
        """Look at the data again; True when someone else changed it."""

    @abstractmethod
    def begin(self, *, broken_ok: bool = False, announced: bool = False) -> None:
        """Start a transaction (``announced``: every changed document will be announced)."""

    @abstractmethod
    def announce(self, table: str, keys: Iterable[str] | None = None) -> None:
        """These documents of ``table`` (all, without ``keys``) change in this transaction."""

    @abstractmethod
    def commit(self) -> bool:
        """Write what the transaction changed; True when something was written."""

    @abstractmethod
    def rollback(self) -> None:
        """Forget what the transaction changed."""

    @property
    @abstractmethod
    def pending(self) -> bool:
        """Whether the open transaction has changes that commit would write."""
