"""Who is writing, and when: the names and moments every recorded change carries."""

from __future__ import annotations

import os
import pwd
from datetime import datetime


def current_user() -> str:
    """The OS user (over SSH, the person); the environment is not trusted for this."""
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        return str(os.geteuid())


def now_iso() -> str:
    """Local time with offset, to the second."""
    return datetime.now().astimezone().isoformat(timespec="seconds")
