"""KeyBar: the footer line of keys that work here, drawn as one line of text.

Textual's ``Footer`` mounts a widget per key and restyles each of them whenever the bindings
change: at start-up that is most of the time between the first frame and the first rows. This
draws the same line (key, description; dimmed when disabled) from the screen's active bindings
in one ``render``; a key that does not fit is left out whole rather than cut. A click on a key
presses it, as in the footer.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget

from tui.keys import key_actions

_NO_STYLE = Style()
_DIM = Style(dim=True)


class KeyBar(Widget, can_focus=False):
    """The keys of the focused widget and its screen, one line at the bottom."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        width: 100%;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        .key-bar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .key-bar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 (Textual's name)
        super().__init__(id=id)
        #: (first cell, end cell, key) of each key drawn, for clicks
        self._spans: list[tuple[int, int, str]] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        if screen is self.screen:
            self.refresh()

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-bar--key")
        description_style = self.get_component_rich_style("key-bar--description")
        width = self.size.width
        line = Text(no_wrap=True, overflow="crop", end="")
        spans: list[tuple[int, int, str]] = []
        for action in key_actions(self.screen, lambda b: b.show):
            key = action.keys[0]  # (two keys for one action: the first speaks for both)
            description = f" {action.binding.description}"
            start = line.cell_len
            if start + cell_len(key) + cell_len(description) > width:
                break  # a key that does not fit is left out whole (help lists every key)
            dim = _NO_STYLE if action.enabled else _DIM
            line.append(key, key_style + dim)
            line.append(description, description_style + dim)
            spans.append((start, line.cell_len, action.binding.key))
            line.append(" ")
        self._spans = spans
        return line

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                event.stop()
                self.app.simulate_key(key)
                return
