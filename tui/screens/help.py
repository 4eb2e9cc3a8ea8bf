"""The help screen: every key, from the same command list the bindings come from."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.commands import COMMANDS, SCOPES, display_keys


def help_table(keymap: dict[str, str]) -> Table:
    """All commands by scope: key, name, what it does."""
    table = Table(box=None, padding=(0, 1), expand=True, show_header=False)
    table.add_column("key", style="bold", no_wrap=True)
    table.add_column("what", ratio=1)
    for scope, title in SCOPES.items():
        table.add_row("", "")
        table.add_row(f"[u]{title}[/u]", "")
        seen: set[str] = set()
        for command in COMMANDS:
            if command.scope != scope:
                continue
            if command.key_display and command.key_display in seen:
                continue
            seen.add(command.key_display or command.id)
            table.add_row(display_keys(command, keymap), command.help)
    table.add_row("", "")
    table.add_row("ctrl+p", "Command palette: every action by name.")
    return table


CLOSE_HINT = "Escape, q or ? closes this help"


class HelpScreen(ModalScreen[None]):
    """Scrollable list of keys; Escape, q or ? closes it."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90; max-width: 100%; height: 90%; border: thick $primary; background: $surface;
        padding: 0 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help.close")
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = "Keys"
            scroll.border_subtitle = CLOSE_HINT
            yield Static(f"[b]{CLOSE_HINT}[/b] · ↑↓ / PgUp PgDn scroll", id="help-close")
            yield Static(help_table(getattr(self.app, "keymap", {})), id="help-table")
