"""OAuth tokens on disk: one JSON file readable by its owner only (mode 0600), never printed.

`repr` of a token set hides the secrets, so a token never reaches a log or a traceback.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from tui.service import paths
from tui.service.errors import UserError

TOKEN_FILE = "qbo-tokens.json"


@dataclass
class Tokens:
    """What a login leaves behind."""

    environment: str
    realm_id: str
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    access_expires_at: float = 0.0
    refresh_expires_at: float = 0.0
    base_url: str = ""
    """The API base for the local sandbox; empty for Intuit's."""

    def access_expired(self, margin: float = 60.0) -> bool:
        return time.time() > self.access_expires_at - margin


def token_path() -> Path:
    return paths.config_dir() / TOKEN_FILE


def save_tokens(tokens: Tokens, path: Path | None = None) -> Path:
    """Write the tokens atomically to a file created with mode 0600."""
    return paths.write_private(path or token_path(), json.dumps(asdict(tokens)))


def load_tokens(path: Path | None = None) -> Tokens:
    """The saved tokens, or a UserError saying how to log in."""
    path = path or token_path()
    try:
        if path.exists() and not path.is_file():  # a FIFO would block the read
            raise ValueError("not a regular file")
        data = json.loads(path.read_text(encoding="utf-8"))
        tokens = Tokens(**data)
        _check_types(tokens)
        return tokens
    except FileNotFoundError:
        raise UserError("not connected to QuickBooks Online",
                        "run `cqtriage qbo login` first") from None
    except (OSError, ValueError, TypeError) as exc:
        # A TypeError names a field, never a value: no token reaches the message.
        why = str(exc) if isinstance(exc, TypeError) else type(exc).__name__
        raise UserError(f"the saved QBO login is unreadable ({why})",
                        "run `cqtriage qbo login` again", path) from None


def _check_types(tokens: Tokens) -> None:
    """A hand-edited file may hold a number where text belongs, or the reverse: TypeError
    here, rather than at the first comparison deep in a refresh."""
    for item in fields(Tokens):
        value = getattr(tokens, item.name)
        if item.type in ("str", str):
            ok = isinstance(value, str)
        else:
            ok = isinstance(value, int | float) and not isinstance(value, bool)
        if not ok:
            raise TypeError(f"{item.name} has the wrong type")


def forget_tokens(path: Path | None = None) -> bool:
    """Delete the token file; False when there was none."""
    path = path or token_path()
    try:
        path.unlink()
        return True
    except FileNotFoundError:
        return False
