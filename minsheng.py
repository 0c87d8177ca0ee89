"""``python -m minsheng``: the same as the ``minsheng`` command."""

from __future__ import annotations

from tui.__main__ import main

if __name__ == "__main__":
    main()
