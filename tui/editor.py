"""Editor: this session's edits of one store: it saves them and remembers what ctrl+z takes back.

The screens hold one (the app hands it to them) and call it from their save workers; it never
touches the screen. What it saved is kept for a while, so that a screen can bring its view up
to date from our own writes instead of reading every project again.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from store.interface import Change, Edit, NewUpdate, ProjectStore, Saved
from store.models import Project

SOURCE = "tui"
#: how many of our own saves are kept for screens catching up (older ones: a full reload)
KEPT = 64


class LockWaits:
    """Who is told when a save has waited a second for another writer's lock, and who holds it.

    The store is opened with one as its ``on_wait`` (it calls it from the saving thread, or
    a timer's); the command line prints a line, the app shows a notification while it runs.
    """

    def __init__(self, tell: Callable[[str], None]) -> None:
        self.tell = tell

    def __call__(self, holder: str) -> None:
        self.tell(holder)


@dataclass(frozen=True)
class PendingEdit:
    """An edit on its way to the store: what the editor started from, and what the user wrote."""

    kind: str  # "field" (incl. status) or "update"
    project: Project  # as it was when the editor opened: its revision is the expected one
    field: str
    value: str
    month: str = ""
    note: str = ""  # why (a status's reason): recorded as the change's note

    def edit(self) -> Edit:
        """The store's form of it: a conflict only if someone else changed this field (or
        added an update) since the editor opened; their other changes are kept."""
        if self.kind == "update":
            return Edit(
                self.project.id,
                update=NewUpdate(self.month, self.value),
                source=SOURCE,
                seen=self.project,
            )
        return Edit(
            self.project.id,
            {self.field: self.value},
            source=SOURCE,
            note=self.note,
            seen=self.project,
        )


@dataclass(frozen=True)
class Done:
    """What one save (or undo) did, and where it left the store's generation."""

    project: Project  # as it is now
    changes: tuple[Change, ...]
    #: the store's generation just after; minus ``writes``, the one just before, if no one
    #: else wrote in between
    generation: int
    writes: int  # how many of the store's writes it took (0: nothing changed)


class Editor:
    """Saves and undoes this session's edits (call from a worker: the store does I/O)."""

    def __init__(self, store: ProjectStore) -> None:
        self.store = store
        #: change ids of each edit of this session, newest last, for ctrl+z
        self._undo: list[tuple[int, ...]] = []
        self._done: deque[Done] = deque(maxlen=KEPT)
        self._lock = threading.Lock()

    def save(self, edit: PendingEdit) -> Done:
        """Save ``edit``; StoreError (ConflictError...) or DatabaseError when refused."""
        return self._remember(self.store.save(edit.edit()))

    def correct_indicator(self, project_id: str, correction: dict[str, Any]) -> Done:
        """Save a correction of one 序时 indicator; ctrl+z takes it back like any edit."""
        return self._remember(self.store.correct_indicator(project_id, correction, source=SOURCE))

    def _remember(self, saved: Saved) -> Done:
        """Keep an edit's changes for ctrl+z and for screens catching up."""
        done = self._record([saved])
        if saved.changes:
            with self._lock:
                self._undo.append(tuple(c.id for c in saved.changes))
        return done

    def take_undo(self) -> tuple[int, ...] | None:
        """The change ids of the last edit to undo (forgotten here), or None."""
        with self._lock:
            return self._undo.pop() if self._undo else None

    def undo(self, change_ids: Iterable[int]) -> Done:
        """Put back what those changes replaced, newest first (the undo is recorded too)."""
        saves = [self.store.undo(i, source=SOURCE) for i in reversed(list(change_ids))]
        return self._record(saves)

    def _record(self, saves: list[Saved]) -> Done:
        # Each save that recorded a change is one write, and a write moves the store's
        # generation by one (the JSON file's store and the memory store both count so).
        done = Done(
            project=saves[-1].project,
            changes=tuple(c for s in saves for c in s.changes),
            generation=self.store.generation,
            writes=sum(1 for s in saves if s.changes),
        )
        if done.writes:
            with self._lock:
                self._done.append(done)
        return done

    def own_writes(self, since: int, now: int) -> list[Done] | None:
        """Our saves that took the store from generation ``since`` to ``now``, oldest first;
        None when something else moved it too (another process, an import): read it all again."""
        with self._lock:  # (held for a copy: the UI thread asks while a worker saves)
            kept = list(self._done)
        found: list[Done] = []
        at = since
        for done in kept:
            if done.generation <= since:
                continue
            if done.generation - done.writes != at:
                return None
            found.append(done)
            at = done.generation
        return found if at == now else None
