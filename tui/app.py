"""MinshengApp: global keys, the session's undo stack, and the first screen."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from store.db import ProjectStore
from tui.screens.project_list import ProjectListScreen
from tui.viewstate import ViewState, default_state_path

STYLES = Path(__file__).parent / "styles"


class MinshengApp(App[int]):
    """Review key livelihood projects from the keyboard."""

    TITLE = "民生实事项目推进情况"
    CSS_PATH = [
        STYLES / "app.tcss",
        STYLES / "project_list.tcss",
        STYLES / "project_detail.tcss",
        STYLES / "dialogs.tcss",
    ]
    BINDINGS = [
        Binding("question_mark,f1", "toggle_help", "帮助", show=False),
        Binding("ctrl+q", "quit", "退出", id="quit", show=False),
    ]
    ENABLE_COMMAND_PALETTE = True

    def __init__(self, store: ProjectStore, *, state_path: Path | None = None) -> None:
        super().__init__()
        self.store = store
        self.view_state = ViewState(state_path or default_state_path(store.path))
        #: change ids of this session's edits, newest last, for ctrl+z
        self.undo_stack: list[list[int]] = []

    def on_mount(self) -> None:
        self.push_screen(ProjectListScreen())

    def action_toggle_help(self) -> None:
        """Show or hide the key list of what has focus."""
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette lists every key of the screen, under the words the footer uses."""
        yield from super().get_system_commands(screen)
        seen: set[str] = set()
        for _key, active in screen.active_bindings.items():
            binding = active.binding
            if not binding.description or binding.action in seen:
                continue
            seen.add(binding.action)
            action = binding.action
            yield SystemCommand(
                f"{binding.description} ({binding.key_display or binding.key})",
                binding.tooltip or binding.description,
                lambda action=action, node=active.node: self.run_action(action, node),
            )


def make_app(store: ProjectStore, *, state_path: Path | None = None) -> MinshengApp:
    """The one way the CLI, the tests and the snapshot tests build the app."""
    return MinshengApp(store, state_path=state_path)


def run_app(store: ProjectStore) -> int:
    """Run the app in this terminal; the exit status."""
    app = make_app(store)
    result = app.run()
    return result or 0
