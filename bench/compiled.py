"""The checkout's code byte-compiled, as pip compiles a package when it installs it.

Benchmarks time the app as people run it once installed: its modules are read from their
compiled form, not compiled again at every start (an environment that forbids writing
bytecode on import, PYTHONDONTWRITEBYTECODE, would otherwise compile ~100 ms of source at
every start of the app, and every start of the command line).
"""

from __future__ import annotations

import compileall
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def compile_sources(root: Path = ROOT) -> None:
    """Write the bytecode of minsheng's own packages in the checkout at ``root`` (quietly;
    fresh ones stay as they are)."""
    for name in ("store", "tui", "importers", "data", "bench"):
        if (root / name).is_dir():
            compileall.compile_dir(root / name, quiet=1)
    if (root / "minsheng.py").exists():
        compileall.compile_file(root / "minsheng.py", quiet=1)
