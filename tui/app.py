"""MinshengApp: global keys, the session's editor, and the first screen."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePath

from rich.text import Text
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette, SearchIcon
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen

from store.interface import ProjectStore
from store.models import clean_text
from store.words import say
from tui.crash import CRASH_STATUS, crash_message, write_crash_log
from tui.editor import Editor, LockWaits
from tui.glyphs import glyph, key_display, locale_is_utf8, use_ascii
from tui.keys import hide_key_help, key_actions
from tui.screens.project_list import ProjectListScreen
from tui.theme import THEME, few_colours
from tui.viewstate import ViewState, default_state_path
from tui.widgets.key_help import KeyHelp

STYLES = Path(__file__).parent / "styles"

#: After SIGTERM or SIGHUP, how long a save still under way (waiting for another writer's
#: lock, say) has to land before the process ends without it
SIGNAL_GRACE_SECONDS = 10.0

#: actions that only move the cursor or scroll
_MOVES = ("cursor", "page", "jump", "scroll", "move_row")

#: Textual's palette commands, in Chinese
_SYSTEM_WORDS = {
    "Theme": (say("app.palette.theme"), say("app.palette.theme_help")),
    "Maximize": (say("app.palette.maximize"), say("app.palette.maximize_help")),
    "Minimize": (say("app.palette.minimize"), say("app.palette.minimize_help")),
    "Screenshot": (say("app.palette.screenshot"), say("app.palette.screenshot_help")),
}


class _Crash(Exception):
    """An unexpected error as the terminal sees it: what kind, and where its log is (never its
    text, which may hold project data). Textual shows an error that has ``__rich__`` by
    calling ``App.panic`` with it, instead of printing a traceback with its local values."""

    def __init__(self, error: BaseException, log: Path | None) -> None:
        super().__init__(crash_message(error, log))
        self.__cause__ = error

    def __rich__(self) -> Text:
        return Text(str(self))


_CSS: list[str | PurePath] = [
    STYLES / "app.tcss",
    STYLES / "project_list.tcss",
    STYLES / "project_detail.tcss",
    STYLES / "dialogs.tcss",
    STYLES / "theme16.tcss",  # (only where the theme is the terminal's own colours)
]


class MinshengApp(App[int]):
    """Review key livelihood projects from the keyboard."""

    TITLE = say("app.title")
    CSS_PATH = _CSS
    BINDINGS = [
        Binding("question_mark,f1", "toggle_help", "帮助", show=False),
        Binding("ctrl+q", "quit", "退出", id="quit", show=False, priority=True),
        Binding(
            "h",
            "snapshots",
            "快照与比较",
            id="snapshots",
            show=False,
            tooltip="列出快照，选两个（或一个和当前）看各项目的变化",
        ),
    ]
    ENABLE_COMMAND_PALETTE = True
    NOTIFICATION_TIMEOUT = 3  # seconds: a notice covers what is under it

    class LockWaited(Message):
        """A save has waited a second for another writer's lock (posted from its thread)."""

        def __init__(self, holder: str) -> None:
            super().__init__()
            self.holder = holder

    def __init__(
        self,
        store: ProjectStore,
        *,
        state_path: Path | None = None,
        lock_waits: LockWaits | None = None,
        ascii: bool = False,
        theme: str | None = None,
        notices: Sequence[str] = (),
    ) -> None:
        use_ascii(ascii)  # (before any widget is built: they read the profile's marks)
        super().__init__(css_path=[*_CSS, STYLES / "ascii.tcss"] if ascii else _CSS)
        self.register_theme(THEME)
        #: the theme asked for (--theme); else the 16-colour one on a terminal of 8 or 16
        self.asked_theme = theme
        self.store = store
        #: what opening the database had to say (the first run's import): shown at start
        self.notices = tuple(notices)
        #: told by the store who holds the lock a save waits for: shown as a notification
        self.lock_waits = lock_waits
        #: this session's edits: saves them and keeps what ctrl+z takes back
        self.editor = Editor(store)
        self.view_state = ViewState(state_path or default_state_path(store.location))
        #: end cleanly on SIGTERM and SIGHUP (set by run_app; tests leave their loop alone)
        self.exit_on_signals = False
        #: the locale is not UTF-8: said once at start (Chinese needs a UTF-8 terminal)
        self.locale_not_utf8 = False
        #: the unexpected error that ended the app, if one did, and where its log went
        self.crash: BaseException | None = None
        self.crash_log: Path | None = None
        #: why the database could not be read (the app ended at once; printed after it)
        self.failure: str | None = None

    def on_mount(self) -> None:
        if self.asked_theme:
            self.theme = self.asked_theme
        elif few_colours(self.console.color_system):
            self.theme = THEME.name
        if self.exit_on_signals:
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGTERM, signal.SIGHUP):
                loop.add_signal_handler(signum, self._end_by_signal, signum)
        if self.lock_waits is not None:
            self.lock_waits.tell = self._lock_waited
        self.push_screen(ProjectListScreen(self.store, self.editor, self.view_state))
        if self.locale_not_utf8:
            self.notify(
                say("app.locale.not_utf8", locale=_locale_words()),
                title=say("app.locale.title"),
                timeout=10,
            )
        for notice in self.notices:
            self.notify(notice, title=say("app.welcome"), timeout=15)

    def _end_by_signal(self, signum: int) -> None:
        """SIGTERM or SIGHUP (the SSH connection dropped): exit as after `q`.

        Saves already acknowledged are on disk; one in progress finishes or leaves the old file.
        """
        if signum == signal.SIGHUP:
            # The terminal is gone: let the goodbye sequences go nowhere instead of failing.
            with contextlib.suppress(OSError):
                devnull = os.open(os.devnull, os.O_RDWR)
                for fd in (1, 2):
                    os.dup2(devnull, fd)
        # A save waiting for a lock that is never let go would keep the process (and its
        # threads) alive for good: it has a grace period to land, then the process ends
        # without it (it was not acknowledged; the file is as it was).
        watchdog = threading.Timer(SIGNAL_GRACE_SECONDS, os._exit, (128 + signum,))
        watchdog.daemon = True
        watchdog.start()
        self.exit(128 + signum)  # the list screen saves the view as it unmounts

    def _lock_waited(self, holder: str) -> None:
        with contextlib.suppress(RuntimeError):  # (the app's loop already closed)
            self.post_message(self.LockWaited(holder))

    def on_minsheng_app_lock_waited(self, message: LockWaited) -> None:
        """Say who holds the lock a save is waiting for."""
        who = message.holder or say("lock.someone")
        wait = say("app.lock.waiting", who=who, pending=glyph("pending"))
        self.notify(wait, title=say("app.lock.title"), timeout=10)

    def fail(self, problem: str) -> None:
        """The database cannot be read (found after the first screen): end, saying why."""
        self.failure = problem
        self.exit(return_code=1)

    def _handle_exception(self, error: Exception) -> None:
        """An unexpected error: the traceback goes to a private log, not to the terminal.

        Textual 8.2.x has no public hook for an unhandled exception, so this one private
        method is overridden, and only to log: Textual's own handling follows (it ends the
        app, and run_test re-raises), given the error as one line for the terminal.
        """
        self.crash = error
        self.crash_log = write_crash_log(error)
        super()._handle_exception(_Crash(error, self.crash_log))

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """A notification; its text is shown literally (no markup, no control characters),
        since messages often quote project text."""
        super().notify(
            clean_text(message),
            title=clean_text(title, single_line=True),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def action_snapshots(self) -> None:
        """Open the snapshots screen (listed, with what changed, in the command palette too)."""
        from tui.screens.snapshots import SnapshotsScreen  # (loaded when first opened)

        if not isinstance(self.screen, SnapshotsScreen):
            self.push_screen(SnapshotsScreen(self.store))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The snapshots key is not offered on the snapshots screen itself."""
        stack = self.screen_stack
        if action == "snapshots" and stack and type(stack[-1]).__name__ == "SnapshotsScreen":
            return False
        return super().check_action(action, parameters)

    def action_toggle_help(self) -> None:
        """Show or hide the list of the keys that work where the cursor is."""
        if not self.hide_key_help():
            self.screen.mount(KeyHelp())

    def action_show_help_panel(self) -> None:  # Textual's name, for its own callers
        if not self.screen.query(KeyHelp):
            self.screen.mount(KeyHelp())

    def action_hide_help_panel(self) -> None:
        self.hide_key_help()

    def hide_key_help(self) -> bool:
        """Close the key list of this screen; whether one was open."""
        return hide_key_help(self.screen)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette lists Textual's few commands and every key of the screen, in the words
        the key bar and the help use."""
        for command in super().get_system_commands(screen):
            if command.title in _SYSTEM_WORDS:  # (its Quit and Keys: the app's own below)
                title, help_text = _SYSTEM_WORDS[command.title]
                yield SystemCommand(title, help_text, command.callback, command.discover)

        def listed(binding: Binding) -> bool:
            # Textual's own cursor and scroll keys (English): in the help, not here; moving
            # the cursor is for keys, not for a list of commands
            description = binding.description
            return (
                bool(description)
                and not description.isascii()
                and (not binding.action.startswith(_MOVES))
            )

        for action in key_actions(screen, listed):
            binding, node = action.binding, action.node
            yield SystemCommand(
                say(
                    "app.palette.command", description=binding.description, keys=action.keys_display
                ),
                binding.tooltip,
                lambda action=binding.action, node=node: self.run_action(action, node),
            )

    def get_key_display(self, binding: Binding) -> str:
        """Textual's key names; in the ASCII profile words for its arrows and ⏎."""
        return key_display(super().get_key_display(binding))

    def action_command_palette(self) -> None:
        if self.use_command_palette and not isinstance(self.screen, CommandPalette):
            placeholder = say("app.palette.search", pending=glyph("pending"))
            self.push_screen(_Palette(id="--command-palette", placeholder=placeholder))


class _Palette(CommandPalette):
    """Textual's command palette, its magnifying glass drawn in the current profile."""

    def on_mount(self) -> None:
        for icon in self.query(SearchIcon):
            icon.icon = glyph("search")


def _locale_words() -> str:
    """The locale variable that decided, as the user set it: 'LANG=C'."""
    for name in ("LC_ALL", "LANG"):
        if os.environ.get(name):
            return f"{name}={os.environ[name]}"
    return say("app.locale.no_lang")


def make_app(
    store: ProjectStore,
    *,
    state_path: Path | None = None,
    lock_waits: LockWaits | None = None,
    ascii: bool = False,
    theme: str | None = None,
    notices: Sequence[str] = (),
) -> MinshengApp:
    """The one way the CLI, the tests and the snapshot tests build the app."""
    return MinshengApp(
        store,
        state_path=state_path,
        lock_waits=lock_waits,
        ascii=ascii,
        theme=theme,
        notices=notices,
    )


def use_ascii_profile(asked: bool | None, utf8: bool) -> bool:
    """--ascii or --no-ascii as given; without either, ASCII where the locale is not UTF-8."""
    return not utf8 if asked is None else asked


def run_app(
    store: ProjectStore,
    *,
    lock_waits: LockWaits | None = None,
    ascii: bool | None = None,
    theme: str | None = None,
    notices: Sequence[str] = (),
) -> int:
    """Run the app in this terminal; the exit status (70 after an unexpected error, with the
    traceback in a private log; 128 + the signal after SIGTERM or SIGHUP).

    ``ascii`` None: the ASCII profile when the locale is not UTF-8 (said once at start).
    ``notices``: what opening the database said, shown on the first screen."""
    utf8 = locale_is_utf8()
    app = make_app(
        store,
        lock_waits=lock_waits,
        ascii=use_ascii_profile(ascii, utf8),
        theme=theme,
        notices=notices,
    )
    app.locale_not_utf8 = not utf8 and ascii is None  # (--no-ascii: the user knows)
    app.exit_on_signals = True
    result = app.run()
    if app.crash is not None:
        return CRASH_STATUS
    if app.failure is not None:  # (as the command line says a problem: one line)
        print(f"minsheng：{clean_text(app.failure, single_line=True)}", file=sys.stderr)
    if app.return_code:
        return app.return_code
    return result or 0
