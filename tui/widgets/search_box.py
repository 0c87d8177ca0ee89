"""SearchBox: the list's search input, redrawn without laying the screen out again."""

from __future__ import annotations

from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input


class SearchBox(Input):
    """An ``Input`` of fixed size (CSS gives it): typing changes only its own lines.

    Input sets its ``virtual_size`` (the text's width) on every change, which lays the whole
    screen out again and repaints the scrollbars a frame later. Its box does not depend on the
    text, so that size is kept here without a layout: one repaint a keystroke.
    """

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)
