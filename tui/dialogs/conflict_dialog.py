"""ConflictDialog: someone saved the project first; their text beside mine, the user decides."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal, Vertical, VerticalScroll
from textual.events import Resize
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from store.models import clean_text
from store.words import say

#: What the dialog dismisses with.
KEEP_THEIRS, OVERWRITE, MERGE = "theirs", "mine", "merge"
STACK_BELOW = 100  # columns: narrower terminals show the two versions one above the other


class ConflictDialog(ModalScreen[str | None]):
    """Their version and mine of one field; dismisses with KEEP_THEIRS, OVERWRITE, MERGE or
    None (back to my editor, nothing lost)."""

    BINDINGS = [
        Binding("t", "choose('theirs')", "保留对方", id="keep-theirs"),
        Binding("o", "choose('mine')", "用我的覆盖", id="overwrite"),
        Binding("m", "choose('merge')", "合并编辑", id="merge"),
        Binding("escape", "back", "返回编辑", id="back"),
    ]

    def __init__(
        self,
        *,
        title: str,
        who: str,
        theirs: str,
        mine: str,
        can_merge: bool = True,
        can_go_back: bool = True,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.who = who
        self.theirs = theirs
        self.mine = mine
        self.can_merge = can_merge
        self.can_go_back = can_go_back

    def compose(self) -> ComposeResult:
        with Vertical(id="conflict-box"):
            yield Label(Text(clean_text(self.title_text, single_line=True)), id="conflict-title")
            yield Label(Text(clean_text(self.who, single_line=True)), id="conflict-who")
            with Container(id="conflict-sides"):
                with VerticalScroll(id="conflict-theirs", classes="conflict-side"):
                    yield Static(
                        Text(clean_text(self.theirs) or say("app.empty")), id="theirs-text"
                    )
                with VerticalScroll(id="conflict-mine", classes="conflict-side"):
                    yield Static(Text(clean_text(self.mine) or say("app.empty")), id="mine-text")
            with Horizontal(id="conflict-buttons"):
                yield Button(say("app.conflict.keep_theirs"), id="choose-theirs", compact=True)
                yield Button(
                    say("app.conflict.overwrite"), id="choose-mine", compact=True, variant="warning"
                )
                if self.can_merge:
                    yield Button(
                        say("app.conflict.merge"),
                        id="choose-merge",
                        compact=True,
                        variant="primary",
                    )
                if self.can_go_back:
                    yield Button(say("app.conflict.back"), id="choose-back", compact=True)

    def on_mount(self) -> None:
        self.query_one("#conflict-theirs").border_title = say("app.conflict.theirs")
        self.query_one("#conflict-mine").border_title = say("app.conflict.mine")
        self._arrange(self.app.size.width)
        self.query_one("#choose-theirs", Button).focus()

    def on_resize(self, event: Resize) -> None:
        self._arrange(self.app.size.width)

    def _arrange(self, width: int) -> None:
        self.set_class(width < STACK_BELOW, "-stacked")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "choose" and parameters == (MERGE,):
            return self.can_merge
        return True

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        choice = (event.button.id or "").removeprefix("choose-")
        if choice == "back":
            self.action_back()
        else:
            self.action_choose(choice)

    def action_choose(self, choice: str) -> None:
        if choice == MERGE and not self.can_merge:
            return
        self.dismiss(choice)

    def action_back(self) -> None:
        self.dismiss(None)
