"""LineList: the base of the app's line-drawn lists (the project table, the filter panes)."""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from textual.geometry import Size
from textual.scroll_view import ScrollView


class LineList(ScrollView, can_focus=True):
    """A ScrollView that draws its own lines and keeps its base and cursor styles at hand."""

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

        Setting ``virtual_size`` lays the whole screen out again, and the scrollbar follows a
        frame later: a second repaint for every keystroke of a search. The list's own size
        does not depend on its content (CSS gives it), so only its scrollbars need updating,
        in the same frame. (A scrollbar that appears or disappears still asks for a layout.)
        """
        if size != self.virtual_size:
            self.set_reactive(ScrollView.virtual_size, size)
            self._scroll_update(size)
            self.refresh()
