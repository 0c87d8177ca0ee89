"""Unexpected errors: the traceback goes to a private log file, the terminal gets one line."""

from __future__ import annotations

import os
import platform
import sys
import traceback
from datetime import datetime
from pathlib import Path

from store.words import say

#: Exit status after an unexpected error (BSD's EX_SOFTWARE).
CRASH_STATUS = 70


def crash_dir() -> Path:
    """Where crash logs go: $XDG_STATE_HOME/minsheng, else ~/.local/state/minsheng."""
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(Path.home(), ".local", "state")
    return Path(base) / "minsheng"


def write_crash_log(error: BaseException, *, folder: Path | None = None) -> Path | None:
    """Write the traceback to a new file only this user can read; its path (None if impossible).

    The log may hold project text (in messages and values), so it is created 0600 in a 0700
    folder, and nothing of it is printed to the terminal.
    """
    folder = folder or crash_dir()
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = folder / f"crash-{stamp}-{os.getpid()}.log"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError:
        return None
    lines = [
        f"minsheng crash at {datetime.now().astimezone().isoformat(timespec='seconds')}\n",
        f"python {platform.python_version()} on {platform.platform()}\n",
        f"argv {sys.argv!r}\n\n",
        *traceback.format_exception(error),
    ]
    with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as handle:
        handle.writelines(lines)
    return path


def crash_message(error: BaseException, log: Path | None) -> str:
    """The one line people see: what kind of error (not its text, which may hold project data)
    and where the details are."""
    kind = type(error).__name__
    if log is None:
        return say("crash.not_saved", kind=kind)
    return say("crash.saved", kind=kind, log=log)


def report_crash(error: BaseException) -> int:
    """Log ``error``, tell the user where the log is (on stderr), and return the exit status."""
    log = write_crash_log(error)
    try:
        print(crash_message(error, log), file=sys.stderr, flush=True)
    except OSError:  # the terminal is gone (SSH dropped): the log is what is left
        pass
    return CRASH_STATUS
