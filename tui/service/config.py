"""The user's settings: a typed dataclass read strictly from TOML and written whole with tomli-w."""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import tomli_w

from tui.service import paths
from tui.service.errors import UserError


@dataclass
class MatchConfig:
    """Thresholds of the matching engine (scores are 0–100)."""

    review: float = 55.0
    """Lowest score at which a pair is shown as a probable match and sent to the queue."""
    accept: float = 80.0
    """Score at which the evidence says two records are the same client."""
    max_block: int = 250
    """Blocks (records sharing a blocking key) larger than this are skipped for that key."""
    exact_case_sensitive: bool = False
    """Whether Canopy's name rule is taken to tell "ACME LLC" from "Acme LLC"."""
    qbo_clients: str = field(default="active", metadata={"from": "canopy.qbo_clients"})
    """Which QBO customers Canopy's rule links and creates from: a copy of
    `[canopy] qbo_clients`, made at load (not set under [match])."""


@dataclass
class ColumnsConfig:
    """Header overrides: record field → the header that holds it in your export."""

    canopy: dict[str, str] = field(default_factory=dict)
    """For Canopy's client-list CSV, e.g. `display_name = "Client"`."""
    qbo: dict[str, str] = field(default_factory=dict)
    """For QBO customer CSVs, e.g. `email = "E-mail"`."""


@dataclass
class UiConfig:
    """How the terminal app looks."""

    theme: str = "textual-dark"
    """A Textual theme name; set here so the environment cannot change it under you."""


@dataclass
class QboConfig:
    """Where QuickBooks Online is and which Intuit app talks to it."""

    environment: str = "production"
    """`production`, `sandbox` (Intuit's), or `local` (the project's own sandbox server)."""
    local_url: str = "http://127.0.0.1:8765"
    """Base URL of the local sandbox server, used when environment is `local`."""
    client_id: str = ""
    """The Intuit app's client id (or set CQTRIAGE_QBO_CLIENT_ID)."""
    client_secret: str = ""
    """The Intuit app's client secret (or set CQTRIAGE_QBO_CLIENT_SECRET); never on the
    command line, where shell history would keep it."""
    redirect_uri: str = "https://developer.intuit.com/v2/OAuth2Playground/RedirectUrl"
    """A redirect URI registered for the app; its page need not load (you paste its URL)."""
    minor_version: int = 75
    """The API minor version sent with every call."""
    retry_base_seconds: float = 2.0
    """First wait after HTTP 429 or 5xx; doubled each retry, at most 60 s."""
    batches_per_minute: int = 40
    """Batch requests a minute (Intuit: 40 per app and company; 120 per company since
    2025-10-31)."""


QBO_CLIENT_SELECTIONS = ("active", "inactive", "all")


@dataclass
class CanopyConfig:
    """How the firm set up Canopy's QBO integration."""

    qbo_clients: str = "active"
    """Which QBO customers Canopy brings in, as picked at connect: `active` (Active clients
    only, Canopy's default), `inactive` or `all`. Canopy's name rule links and creates only
    from these, so the report predicts from them."""


@dataclass
class Config:
    """Everything the user can set in `config.toml`."""

    match: MatchConfig = field(default_factory=MatchConfig)
    """Matching thresholds."""
    columns: ColumnsConfig = field(default_factory=ColumnsConfig)
    """Column mappings for exports whose headers differ from the usual ones."""
    ui: UiConfig = field(default_factory=UiConfig)
    """Look of the terminal app."""
    keys: dict[str, str] = field(default_factory=dict)
    """Command id → key(s), e.g. `"queue.skip" = "space"` (ids in docs/keys.md)."""
    qbo: QboConfig = field(default_factory=QboConfig)
    """The QuickBooks Online connection."""
    canopy: CanopyConfig = field(default_factory=CanopyConfig)
    """Canopy's integration settings."""


def _check_type(value: Any, expected: Any, where: str, path: Path) -> Any:
    if expected in ("float", float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise UserError(f"{where} must be a number", "fix the value in the config", path)
        return float(value)
    if expected in ("int", int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise UserError(f"{where} must be a whole number", "fix the value in the config", path)
        return value
    if expected in ("bool", bool):
        if not isinstance(value, bool):
            raise UserError(f"{where} must be true or false", "fix the value in the config", path)
        return value
    if expected in ("str", str):
        if not isinstance(value, str):
            raise UserError(f"{where} must be text", "fix the value in the config", path)
        return value
    if expected in ("dict[str, str]",):
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise UserError(
                f"{where} must be a table of field = \"Header\" strings",
                "fix the table in the config",
                path,
            )
        return dict(value)
    raise AssertionError(f"unhandled config type {expected!r}")


def _build(cls: type, data: dict[str, Any], prefix: str, path: Path) -> Any:
    known = {f.name: f for f in fields(cls) if "from" not in f.metadata}
    for key in data:
        if key not in known:
            where = f"{prefix}{key}"
            raise UserError(
                f"unknown setting {where!r}",
                f"remove it or check its spelling (known: {', '.join(sorted(known))})",
                path,
            )
    values: dict[str, Any] = {}
    for name, f in known.items():
        if name not in data:
            continue
        value = data[name]
        sections = {"MatchConfig": MatchConfig, "ColumnsConfig": ColumnsConfig,
                    "UiConfig": UiConfig, "QboConfig": QboConfig,
                    "CanopyConfig": CanopyConfig}
        if isinstance(f.type, str) and f.type in sections:
            sub = sections[f.type]
            if not isinstance(value, dict):
                raise UserError(f"[{prefix}{name}] must be a table", "fix the config", path)
            values[name] = _build(sub, value, f"{prefix}{name}.", path)
        else:
            values[name] = _check_type(value, f.type, f"{prefix}{name}", path)
    return cls(**values)


def load_config(path: Path | None = None) -> Config:
    """Read the config file; a missing file gives the defaults, a bad one a `UserError`."""
    path = path or paths.config_file()
    if not path.exists():
        return Config()
    if not path.is_file():  # a folder, or a FIFO or device that would block or never end
        raise UserError("the config is not a regular file", "give a TOML file", path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"not valid TOML: {exc}", "fix the config file's syntax", path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read the config: {exc}", "check the file", path) from None
    config = _build(Config, data, "", path)
    check_thresholds(config.match, path)
    check_qbo(config.qbo, path)
    check_canopy(config.canopy, path)
    config.match.qbo_clients = config.canopy.qbo_clients  # matching reads it from there
    return config


MIN_MINOR_VERSION = 75
"""Intuit serves minor versions 75 and later only (since 2025-08-01; python-quickbooks 0.9.12
warns below 75 and defaults to 75)."""


def check_qbo(qbo: QboConfig, path: Path | str | None = None) -> None:
    """Values that pass the type check but would break a connection or an apply."""
    if qbo.environment not in ("production", "sandbox", "local"):
        raise UserError(f"qbo.environment = {qbo.environment!r} is not known",
                        'use "production", "sandbox" or "local"', path)
    if qbo.minor_version < MIN_MINOR_VERSION:
        raise UserError(f"qbo.minor_version = {qbo.minor_version} is below "
                        f"{MIN_MINOR_VERSION}, the oldest Intuit still serves",
                        f"set it to {MIN_MINOR_VERSION} or more, or remove it", path)
    if not 0 <= qbo.retry_base_seconds <= 60:
        raise UserError(f"qbo.retry_base_seconds = {qbo.retry_base_seconds:g} is out of range",
                        "use a number of seconds from 0 to 60 (default 2)", path)
    if not 1 <= qbo.batches_per_minute <= 120:
        raise UserError(f"qbo.batches_per_minute = {qbo.batches_per_minute} is out of range",
                        "use 1 to 120 (Intuit: 40 per app and company)", path)


def check_canopy(canopy: CanopyConfig, path: Path | str | None = None) -> None:
    if canopy.qbo_clients not in QBO_CLIENT_SELECTIONS:
        raise UserError(f"canopy.qbo_clients = {canopy.qbo_clients!r} is not known",
                        'use "active", "inactive" or "all" (as picked in Canopy)', path)


def check_thresholds(match: MatchConfig, path: Path | str | None = None) -> None:
    """Thresholds must lie in 0–100 with review ≤ accept."""
    if not (0 <= match.review <= match.accept <= 100):
        raise UserError(
            f"thresholds out of order: review={match.review}, accept={match.accept}",
            "use 0 ≤ review ≤ accept ≤ 100",
            path,
        )
    if match.max_block < 2:
        raise UserError("match.max_block must be at least 2", "raise it in the config", path)


def save_config(config: Config, path: Path | None = None) -> Path:
    """Write the whole config with tomli-w, creating its folder."""
    data = asdict(config)
    data["match"].pop("qbo_clients", None)  # a copy of [canopy] qbo_clients, not a setting
    return paths.write_private(path or paths.config_file(), tomli_w.dumps(data))
