"""Which two files a session reconciles, and which session was opened last. Light on purpose:
the app imports it before its first frame."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from tui.service import paths
from tui.service.errors import UserError

LAST_SESSION_FILE = "last-session.json"


@dataclass(frozen=True)
class SessionInputs:
    """The two files a session reconciles (absolute paths)."""

    canopy: Path
    qbo: Path

    @classmethod
    def of(cls, canopy: Path | str, qbo: Path | str) -> SessionInputs:
        return cls(Path(canopy).expanduser().resolve(), Path(qbo).expanduser().resolve())

    def check_distinct(self) -> None:
        """Raise UserError when the Canopy and QBO lists are one file (a slip of the shell's
        history: the report would compare a list with itself)."""
        try:
            same = os.path.samefile(self.canopy, self.qbo)
        except OSError:
            return  # a missing file is the reader's to report, with its own line
        if same:
            raise UserError("the Canopy and QBO lists are the same file",
                            "give Canopy's client export to --canopy and QBO's customer list "
                            "to --qbo", self.qbo)

    def journal_path(self) -> Path:
        """One journal per pair of inputs, named after their paths."""
        key = hashlib.sha256(f"{self.canopy}\n{self.qbo}".encode()).hexdigest()[:16]
        return paths.data_dir() / "sessions" / f"{key}.sqlite"


def remember_last(inputs: SessionInputs) -> None:
    """Note these inputs as the most recent session (`cqtriage` alone reopens it)."""
    paths.write_private(paths.data_dir() / LAST_SESSION_FILE,
                        json.dumps({"canopy": str(inputs.canopy), "qbo": str(inputs.qbo)}))


def last_inputs() -> SessionInputs | None:
    """The inputs of the most recent session, if any."""
    path = paths.data_dir() / LAST_SESSION_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return SessionInputs(Path(data["canopy"]), Path(data["qbo"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
