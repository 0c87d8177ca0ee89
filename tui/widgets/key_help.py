"""KeyHelp: the keys that work where the cursor is, in the app's own words (`?` or F1).

Textual's help panel lists the bindings of its own widgets in English ("Scroll Left", "Focus
Next", "Copy selected text"...). This lists the same active bindings, the app's own first as
they are written, Textual's under the Chinese words below; a binding with no words here is
left out rather than shown in English.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from store.words import say
from tui.keys import key_actions

#: Textual's own binding descriptions (Screen, scrolling containers, Input, TextArea,
#: OptionList, RadioSet, App), as the help and the command palette show them.
TEXTUAL_WORDS = {
    "Focus Next": "下一栏",
    "Focus Previous": "上一栏",
    "palette": "命令面板",
    "Scroll Up": "向上滚动",
    "Scroll Down": "向下滚动",
    "Scroll Left": "向左滚动",
    "Scroll Right": "向右滚动",
    "Scroll Home": "滚到开头",
    "Scroll End": "滚到末尾",
    "Page Up": "上一页",
    "Page Down": "下一页",
    "Page Left": "左一页",
    "Page Right": "右一页",
    "Submit": "确定",
    "Move cursor left": "光标左移",
    "Move cursor right": "光标右移",
    "Move cursor right or accept the completion suggestion": "光标右移",
    "Move cursor left a word": "左移一个词",
    "Move cursor right a word": "右移一个词",
    "Move cursor left and select": "向左选择",
    "Move cursor right and select": "向右选择",
    "Move cursor left a word and select": "向左选择一个词",
    "Move cursor right a word and select": "向右选择一个词",
    "Go to start": "到开头",
    "Go to end": "到末尾",
    "Select line start": "选择到开头",
    "Select line end": "选择到末尾",
    "Delete character left": "删除左边一个字",
    "Delete character right": "删除右边一个字",
    "Delete left to start of word": "删除左边一个词",
    "Delete right to start of word": "删除右边一个词",
    "Delete all to the left": "删除左边全部",
    "Delete all to the right": "删除右边全部",
    "Select all": "全选",
    "Paste text from the clipboard": "粘贴",
    "Cut selected text": "剪切",
    "Cursor up": "光标上移",
    "Cursor down": "光标下移",
    "Cursor left": "光标左移",
    "Cursor right": "光标右移",
    "Cursor word left": "左移一个词",
    "Cursor word right": "右移一个词",
    "Cursor line start": "到行首",
    "Cursor line end": "到行尾",
    "Cursor page up": "上一页",
    "Cursor page down": "下一页",
    "Cursor up select": "向上选择",
    "Cursor down select": "向下选择",
    "Cursor left select": "向左选择",
    "Cursor right select": "向右选择",
    "Cursor left word select": "向左选择一个词",
    "Cursor right word select": "向右选择一个词",
    "Cursor line start select": "选择到行首",
    "Cursor line end select": "选择到行尾",
    "Delete to line end": "删除到行尾",
    "Delete to line start": "删除到行首",
    "Delete line": "删除整行",
    "Select line": "选择整行",
    "Copy": "复制",
    "Cut": "剪切",
    "Paste": "粘贴",
    "Undo": "撤销",
    "Redo": "重做",
    "Up": "上一项",
    "Down": "下一项",
    "First": "第一项",
    "Last": "最后一项",
    "Select": "选定",
    "Next option": "下一个选项",
    "Previous option": "上一个选项",
    "Toggle": "选中",
}


def key_words(binding: Binding) -> str:
    """What a binding does, in the app's words; "" when there is nothing to say in them."""
    description = binding.description
    if not description:
        return ""
    if description in TEXTUAL_WORDS:
        return TEXTUAL_WORDS[description]
    return "" if description.isascii() else description  # the app's own are Chinese


class KeyHelp(VerticalScroll, can_focus=False):
    """A column at the right of the screen listing the active keys."""

    DEFAULT_CSS = """
    KeyHelp {
        dock: right;
        width: 34;
        max-width: 45%;
        height: 1fr;
        padding: 0 1;
        border-left: vkey $foreground 30%;
        background: $panel;
        scrollbar-size-vertical: 1;
        .key-help--key {
            color: $text-accent;
            text-style: bold;
        }
    }
    """
    COMPONENT_CLASSES = {"key-help--key"}

    def compose(self) -> ComposeResult:
        yield Static(Text(say("app.help.title"), style="bold"), id="key-help-title")
        yield Static(id="key-help-table")

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.show_keys()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        if screen is self.screen:
            self.show_keys()

    def rows(self) -> list[tuple[str, str]]:
        """(keys, what they do) for every action that has words, in the order Textual gives
        the active bindings (the focused widget's first), the app's own before Textual's."""
        actions = key_actions(
            self.screen,
            # (the macOS command key never reaches a terminal over SSH)
            lambda b: bool(key_words(b)) and not b.system and not b.key.startswith("super+"),
        )
        own = [a for a in actions if a.binding.description not in TEXTUAL_WORDS]
        textual = [a for a in actions if a.binding.description in TEXTUAL_WORDS]
        return [(a.keys_display, key_words(a.binding)) for a in own + textual]

    def show_keys(self) -> None:
        key_style = self.get_component_rich_style("key-help--key")
        rows = self.rows()
        table = Table.grid(padding=(0, 1))
        table.add_column(justify="right", no_wrap=True, width=max(cell_len(k) for k, _ in rows))
        table.add_column(ratio=1)
        for key, said in rows:
            table.add_row(Text(key, style=key_style), Text(said))
        self.query_one("#key-help-table", Static).update(table)
