"""The command palette lists every command of the current screen, with its key."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.commands import COMMANDS, Command, display_keys

if TYPE_CHECKING:  # it pulls in Polars: not before the first frame
    from tui.widgets.record_table import RecordTable


class CommandsProvider(Provider):
    """Commands of the app and of the screen in front, as `COMMANDS` declares them."""

    def _table(self) -> RecordTable | None:
        """The table the keys go to: the focused one, else the screen's first."""
        from tui.widgets.record_table import RecordTable

        focused = self.screen.focused
        for node in ([*focused.ancestors_with_self] if focused is not None else []):
            if isinstance(node, RecordTable):
                return node
        found = self.screen.query(RecordTable)
        return found.first() if found else None

    def _commands(self) -> list[Command]:
        scopes = {"app", getattr(self.screen, "SCOPE", "app")}
        if self._table() is not None:
            scopes.add("table")
        return [c for c in COMMANDS if c.scope in scopes
                and not (c.key_display == "1-9" and c.id != "queue.primary_1")]

    def _run(self, command: Command) -> None:
        target = (self.app if command.scope == "app" else
                  self._table() or self.screen if command.scope == "table" else self.screen)
        action = command.action.removeprefix("app.")
        self.app.call_later(target.run_action, action)

    def _text(self, command: Command) -> str:
        keymap = getattr(self.app, "keymap", {})
        return f"{command.label} ({display_keys(command, keymap)})"

    async def discover(self) -> Hits:
        for command in self._commands():
            yield DiscoveryHit(self._text(command), partial(self._run, command),
                               help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            text = self._text(command)
            score = max(matcher.match(text), matcher.match(command.help))
            if score > 0:
                yield Hit(score, matcher.highlight(text), partial(self._run, command),
                          help=command.help)
