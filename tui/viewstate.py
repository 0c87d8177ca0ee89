"""The list's filters, search and sort, remembered per user and database between runs."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from store.files import atomic_write_bytes
from store.query import ProjectQuery


def default_state_path(location: str | Path) -> Path:
    """$XDG_STATE_HOME/minsheng/view-<db>.json: each person keeps their own view of a shared DB.

    ``location`` is the store's (for the JSON file, its path).
    """
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(Path.home(), ".local", "state")
    digest = hashlib.sha1(str(Path(location).resolve()).encode()).hexdigest()[:12]
    return Path(base) / "minsheng" / f"view-{digest}.json"


class ViewState:
    """Reads and writes the remembered query; a damaged file is ignored, never fatal."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> ProjectQuery:
        """The remembered query, or the default one."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return ProjectQuery()
        return ProjectQuery.from_dict(data) if isinstance(data, dict) else ProjectQuery()

    def save(self, query: ProjectQuery) -> None:
        """Remember ``query``; failing to is not worth interrupting anyone."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            payload = json.dumps(query.to_dict(), ensure_ascii=False, indent=1)
            atomic_write_bytes(self.path, payload.encode("utf-8"))
        except OSError:
            pass
