"""Logging in over SSH: print Intuit's authorisation URL, take back the URL it redirected to,
exchange the code with intuit-oauth, and keep the tokens."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from intuitlib.client import AuthClient
from intuitlib.enums import Scopes
from intuitlib.exceptions import AuthClientError

from tui.service.config import QboConfig
from tui.service.errors import UserError
from tui.service.qbo.tokens import Tokens

CLIENT_ID_ENV = "CQTRIAGE_QBO_CLIENT_ID"
CLIENT_SECRET_ENV = "CQTRIAGE_QBO_CLIENT_SECRET"


def discovery(config: QboConfig) -> str:
    """What intuit-oauth takes as its environment: a name, or the local discovery URL."""
    if config.environment == "local":
        return config.local_url.rstrip("/") + "/.well-known/openid_configuration"
    if config.environment in ("production", "sandbox"):
        return config.environment
    raise UserError(f"unknown QBO environment {config.environment!r}",
                    "set [qbo] environment to production, sandbox or local")


def credentials(config: QboConfig) -> tuple[str, str]:
    """Client id and secret from the environment or the config, never the command line."""
    client_id = os.environ.get(CLIENT_ID_ENV) or config.client_id
    secret = os.environ.get(CLIENT_SECRET_ENV) or config.client_secret
    if not client_id or not secret:
        raise UserError("no Intuit app credentials",
                        f"set {CLIENT_ID_ENV} and {CLIENT_SECRET_ENV}, or client_id and "
                        "client_secret under [qbo] in config.toml")
    return client_id, secret


def auth_client(config: QboConfig, **tokens: str | None) -> AuthClient:
    client_id, secret = credentials(config)
    try:
        return AuthClient(client_id, secret, config.redirect_uri, discovery(config), **tokens)
    except (AuthClientError, OSError) as exc:
        raise UserError(f"cannot reach Intuit's sign-in service ({type(exc).__name__})",
                        "check the network, or [qbo] local_url for the local sandbox") from None


@dataclass
class PendingLogin:
    """A login waiting for the redirected URL."""

    client: AuthClient
    url: str
    state: str


def start_login(config: QboConfig) -> PendingLogin:
    """The URL to open in any browser, on any machine."""
    client = auth_client(config)
    url = client.get_authorization_url([Scopes.ACCOUNTING])
    return PendingLogin(client, url, client.state_token)


def finish_login(pending: PendingLogin, redirected: str, config: QboConfig) -> Tokens:
    """Check the pasted URL's state, exchange its code, and return the tokens."""
    query = {k: v[-1] for k, v in parse_qs(urlsplit(redirected.strip()).query).items()}
    if "error" in query:
        raise UserError(f"Intuit refused the connection: {query['error']}",
                        "run `cqtriage qbo login` again and approve the connection")
    if not {"code", "state", "realmId"} <= query.keys():
        raise UserError("that is not the URL Intuit redirected to",
                        "paste the whole address from the browser's address bar after you "
                        "approve; it holds code=, state= and realmId=")
    if query["state"] != pending.state:
        raise UserError("the URL belongs to another login attempt (state does not match)",
                        "run `cqtriage qbo login` again and use the newest URL")
    try:
        pending.client.get_bearer_token(query["code"], realm_id=query["realmId"])
    except AuthClientError as exc:
        raise UserError(f"Intuit did not accept the code (HTTP {exc.status_code})",
                        "codes expire within minutes: run `cqtriage qbo login` again") from None
    return tokens_from(pending.client, config, query["realmId"])


def tokens_from(client: AuthClient, config: QboConfig, realm_id: str) -> Tokens:
    now = time.time()
    return Tokens(
        environment=config.environment,
        realm_id=realm_id,
        access_token=client.access_token,
        refresh_token=client.refresh_token,
        access_expires_at=now + float(client.expires_in or 3600),
        refresh_expires_at=now + float(client.x_refresh_token_expires_in or 8640000),
        base_url=config.local_url.rstrip("/") + "/v3" if config.environment == "local" else "",
    )


def refresh(config: QboConfig, tokens: Tokens) -> Tokens:
    """New tokens from the refresh token; Intuit may rotate it, so keep what comes back."""
    client = auth_client(config, refresh_token=tokens.refresh_token)
    try:
        client.refresh(refresh_token=tokens.refresh_token)
    except AuthClientError:
        raise UserError("the QBO login has expired or was revoked",
                        "run `cqtriage qbo login` again") from None
    return tokens_from(client, config, tokens.realm_id)


def revoke(config: QboConfig, tokens: Tokens) -> bool:
    """Best effort: tell Intuit to forget the tokens."""
    try:
        auth_client(config).revoke(token=tokens.refresh_token)
        return True
    except (UserError, AuthClientError, OSError):
        return False
