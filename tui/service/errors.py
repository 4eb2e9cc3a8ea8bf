"""The one class of error a user sees: what went wrong, where, and what to do about it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class UserError(Exception):
    """A problem the user can fix; the CLI prints it on one line and exits 2."""

    what: str
    """What went wrong, in the user's words."""
    todo: str = ""
    """What to do about it."""
    path: Path | str | None = None
    """The file concerned, if any."""
    line: int | None = None
    """1-based line in that file, where it applies."""
    column: int | None = None
    """1-based column (character for text errors, field for CSV errors), where it applies."""

    def __post_init__(self) -> None:
        super().__init__(self.one_line())

    def where(self) -> str:
        """`file:line:column` as far as it is known."""
        parts = [str(self.path)] if self.path is not None else []
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def one_line(self) -> str:
        """The whole error as one line, the form the CLI prints."""
        where = self.where()
        text = f"{where}: {self.what}" if where else self.what
        return f"{text} — {self.todo}" if self.todo else text

    def __str__(self) -> str:
        return self.one_line()
