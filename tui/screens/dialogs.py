"""Small modal dialogs: a message with one or two answers."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static


class MessageDialog(ModalScreen[bool]):
    """A titled message; Enter answers True, Escape answers False."""

    DEFAULT_CSS = """
    MessageDialog { align: center middle; }
    MessageDialog > Vertical {
        width: 72; max-width: 95%; height: auto; border: thick $primary; padding: 1 2;
        background: $surface;
    }
    MessageDialog .title { text-style: bold; margin-bottom: 1; }
    MessageDialog .keys { color: $text-muted; margin-top: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "answer(True)", "OK", id="dialog.ok"),
        Binding("escape", "answer(False)", "Cancel", id="dialog.cancel"),
    ]

    def __init__(self, title: str, body: str, keys: str = "Enter: continue   Escape: quit") -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.keys = keys

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="title")
            yield Static(self.body)
            yield Label(self.keys, classes="keys")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)
