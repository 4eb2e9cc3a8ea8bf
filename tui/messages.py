"""Messages that cross screens: facts, named in the past tense."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:  # the session module pulls in Polars: not before the first frame
    from tui.service.errors import UserError
    from tui.service.session import Session
    from tui.service.triage import Triage


class LoadProgressed(Message):
    """The session loader finished a step."""

    def __init__(self, step: str, fraction: float) -> None:
        super().__init__()
        self.step = step
        self.fraction = fraction

    def can_replace(self, message: Message) -> bool:
        # Only the newest progress matters; over SSH each repaint costs bytes.
        return isinstance(message, LoadProgressed)


class SessionOpened(Message):
    """Both inputs are read and matched and the journal is open."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session


class QueueBuilt(Message):
    """The queue over the session's report is built (in a thread: half a second at 100k, done
    while the report is already on screen)."""

    def __init__(self, triage: Triage) -> None:
        super().__init__()
        self.triage = triage


class SessionFailed(Message):
    """The inputs could not be opened."""

    def __init__(self, error: UserError) -> None:
        super().__init__()
        self.error = error
