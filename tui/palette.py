"""The command palette lists every command of the current screen, with its key."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.commands import COMMANDS, Command, display_keys


class CommandsProvider(Provider):
    """Commands of the app and of the screen in front, as `COMMANDS` declares them."""

    def _commands(self) -> list[Command]:
        scope = getattr(self.screen, "SCOPE", "app")
        return [c for c in COMMANDS if c.scope in ("app", scope)
                and not (c.key_display == "1-9" and c.id != "queue.primary_1")]

    def _run(self, command: Command) -> None:
        target = self.app if command.scope == "app" else self.screen
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
