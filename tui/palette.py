"""The command palette lists every command of the current screen, with its key."""

from __future__ import annotations

import re
from collections.abc import Callable
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
            score = rank(query, command, matcher.match)
            if score > 0:
                yield Hit(score, matcher.highlight(text), partial(self._run, command),
                          help=command.help)


_WORD = re.compile(r"[\w']+")


def rank(query: str, command: Command, fuzzy: Callable[[str], float]) -> float:
    """How well `query` names `command`, 0 (not at all) to 1. Whole words of the name first,
    then words the name starts with, whole words of the description, and only then a fuzzy
    match (name over description): a fuzzy score alone put "Link marked", whose description
    says "one undo reverts", above "Undo" for `undo`."""
    words = query.casefold().split()
    if not words:
        return 0.0
    name = _WORD.findall(command.label.casefold())
    described = _WORD.findall(command.help.casefold())
    if all(word in name for word in words):
        return 1.0
    if all(any(n.startswith(word) for n in name) for word in words):
        return 0.9
    if all(word in described for word in words):
        return 0.6
    by_name = fuzzy(command.label)
    if by_name > 0:
        return 0.3 + 0.25 * min(by_name, 1.0)
    return 0.25 * min(fuzzy(command.help), 1.0)
