"""Small modal dialogs: a message with one or two answers."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static


class MessageDialog(ModalScreen[bool]):
    """A titled message; Enter answers True, Escape answers False. A long message scrolls
    (arrow keys, PageUp/PageDown) while the title and the key line stay in view."""

    DEFAULT_CSS = """
    MessageDialog { align: center middle; }
    MessageDialog > Vertical {
        width: 72; max-width: 95%; height: auto; max-height: 100%; border: thick $primary;
        padding: 0 2; background: $surface;
    }
    MessageDialog .title { text-style: bold; margin-top: 1; margin-bottom: 1; }
    MessageDialog VerticalScroll { height: auto; }
    MessageDialog .keys { color: $text-muted; margin-top: 1; margin-bottom: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "answer(True)", "OK", id="dialog.ok"),
        Binding("escape", "answer(False)", "Cancel", id="dialog.cancel"),
        Binding("q", "quit_key", show=False),
    ]

    def __init__(self, title: str, body: str, keys: str = "Enter: continue   Escape: quit",
                 q_answers_no: bool = False) -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.keys = keys
        self.q_answers_no = q_answers_no
        """`q` answers as Escape does (where Escape means quit, and the key line says so)."""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="title")
            with VerticalScroll(id="dialog-body"):
                yield Static(self.body)
            yield Label(self.keys, classes="keys")

    def on_resize(self) -> None:
        # The body gets what the screen leaves after the border and the title and key lines
        # with their margins (8 rows), so the key line is always in view and the body scrolls.
        for body in self.query("#dialog-body").results(VerticalScroll):  # once composed
            body.styles.max_height = max(self.size.height - 8, 3)

    def on_mount(self) -> None:
        self.on_resize()

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)

    def action_quit_key(self) -> None:
        if self.q_answers_no:
            self.dismiss(False)
