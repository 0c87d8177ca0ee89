"""LineList: the base of the app's line-drawn lists (the project table, the filter panes)."""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from textual.geometry import Size
from textual.scroll_view import ScrollView


class LineList(ScrollView, can_focus=True):
    """A ScrollView that draws its own lines and keeps its base and cursor styles at hand."""

    #: clicks move the cursor; there is no text to select (a double click opens a row)
    ALLOW_SELECT = False
    CURSOR_CLASS: ClassVar[str] = ""
    _styles: tuple[Style, Style] | None = None

    def notify_style_update(self) -> None:
        self._styles = None  # focus, theme or CSS changed: look the styles up again
        super().notify_style_update()

    def line_styles(self) -> tuple[Style, Style]:
        """The widget's own style and its cursor's, looked up once per style change.

        Looking them up walks the DOM; doing it for every line made each repaint slower.
        """
        if self._styles is None:
            self._styles = (self.rich_style, self.get_component_rich_style(self.CURSOR_CLASS))
        return self._styles

    def resize_content(self, size: Size) -> None:
        """Set the size of what there is to scroll through, redrawing only this widget.

        Setting ``virtual_size`` lays the whole screen out again and repaints all of it, and
        the scrollbar follows a frame later: for every keystroke of a search, two or three
        times the time of the repaint. The list's own box does not depend on its content (CSS
        gives it), so only the size, the scrollbar and the offset change here, through
        Textual's public attributes. A scrollbar that appears or disappears is still a layout,
        one, in the same frame.
        """
        if size == self.virtual_size:
            return
        if self.styles.overflow_y != "auto" or size.width != self.virtual_size.width:
            self.virtual_size = size  # (not these lists: the general way)
            return
        self.set_reactive(ScrollView.virtual_size, size)
        scrolls = size.height > self.container_size.height
        if scrolls != self.show_vertical_scrollbar:
            self.show_vertical_scrollbar = scrolls  # (a layout)
            self.vertical_scrollbar.display = scrolls
        if scrolls:
            self.vertical_scrollbar.window_virtual_size = size.height
        self.scroll_y = min(self.scroll_y, self.max_scroll_y)
        self.refresh()
