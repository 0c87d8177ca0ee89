"""The screen's active keys grouped by what they do: one source for the key bar, the key help
and the command palette."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen


@dataclass
class KeyAction:
    """One action of one widget, with every key bound to it (as the key bar shows keys)."""

    node: DOMNode
    binding: Binding  # the first binding of the action, in Textual's order
    enabled: bool
    keys: list[str] = field(default_factory=list)

    @property
    def keys_display(self) -> str:
        return " ".join(dict.fromkeys(self.keys))


def key_actions(screen: Screen, keep: Callable[[Binding], bool]) -> list[KeyAction]:
    """The active bindings ``keep`` accepts, grouped by widget and action (one action name may
    mean two things: a month-grid row, the next project), in Textual's order: focused first.

    Textual's active bindings leave out an action whose ``check_action`` says False (the edit
    keys of a read-only store), and mark one that says None as disabled: the key bar, the help
    and the palette show what can be pressed, and nothing else.
    """
    found: dict[tuple[int, str], KeyAction] = {}
    for node, binding, enabled, _tooltip in screen.active_bindings.values():
        if not keep(binding):
            continue
        where = (id(node), binding.action)
        if where not in found:
            found[where] = KeyAction(node, binding, enabled)
        found[where].keys.append(screen.app.get_key_display(binding))
    return list(found.values())


def hide_key_help(screen: Screen) -> bool:
    """Close the key list shown on ``screen`` (the KeyHelp widget); whether one was open."""
    shown = screen.query("KeyHelp")  # (by name: the widget itself reads this module)
    shown.remove()
    return bool(shown)
