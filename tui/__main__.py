"""Entry point: `minsheng` and `python -m tui`."""

from __future__ import annotations

import gc
import os
import sys

# Repaint up to 120 times a second (Textual's default is 60): a keystroke's result reaches
# the screen a frame sooner. Nothing is drawn when nothing changes, so idle costs nothing.
os.environ.setdefault("TEXTUAL_FPS", "120")

from tui.cli import run  # noqa: E402


def main() -> None:
    """Run the command line and exit with its status."""
    # Opening a database allocates tens of thousands of objects that all live on; cyclic
    # collection during that only costs time. The command line turns it back on once the
    # store is open, the app once the list has its projects (and has frozen them).
    gc.disable()
    sys.exit(run())


if __name__ == "__main__":
    main()
