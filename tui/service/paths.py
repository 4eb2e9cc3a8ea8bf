"""Where config, sessions and tokens live; `CQTRIAGE_HOME` redirects them all (tests, sandboxes)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "cqtriage"
HOME_ENV = "CQTRIAGE_HOME"


def _home() -> Path | None:
    value = os.environ.get(HOME_ENV)
    return Path(value) if value else None


def config_dir() -> Path:
    """The folder holding `config.toml` and the token file."""
    home = _home()
    return home / "config" if home else Path(platformdirs.user_config_dir(APP_NAME))


def data_dir() -> Path:
    """The folder holding session journals."""
    home = _home()
    return home / "data" if home else Path(platformdirs.user_data_dir(APP_NAME))


def config_file() -> Path:
    """The user's config TOML (it need not exist)."""
    return config_dir() / "config.toml"
