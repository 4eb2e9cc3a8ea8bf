"""Intuit's OAuth endpoints, as the sandbox serves them: discovery, consent (approved at once),
token (authorisation code and refresh, with rotation) and revoke."""

from __future__ import annotations

import base64
import secrets
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode

if TYPE_CHECKING:
    from tui.sandbox.server import SandboxServer


class OAuthEndpoints:
    """Mixed into the sandbox's request handler."""

    server: SandboxServer
    payload: bytes
    headers: Any

    def _json(self, status: int, data: Any) -> None:  # provided by the handler
        raise NotImplementedError

    def _send(self, status: int, body: bytes, content_type: str = "application/json",
              headers: dict[str, str] | None = None) -> None:
        raise NotImplementedError

    def _discovery(self) -> None:
        base = self.server.url
        self._json(200, {
            "issuer": f"{base}/op/v1",
            "authorization_endpoint": f"{base}/connect/oauth2",
            "token_endpoint": f"{base}/oauth2/v1/tokens/bearer",
            "userinfo_endpoint": f"{base}/v1/openid_connect/userinfo",
            "revocation_endpoint": f"{base}/oauth2/v1/tokens/revoke",
            "jwks_uri": f"{base}/op/v1/jwks",
            "response_types_supported": ["code"],
        })

    def _consent(self, params: dict[str, str]) -> None:
        """The user's browser at Intuit's consent page: the sandbox consents at once and
        redirects with code, state and realmId, as Intuit does."""
        if params.get("client_id") != self.server.config.client_id:
            return self._json(400, {"error": "invalid_client"})
        code = secrets.token_urlsafe(16)
        with self.server.lock:
            self.server.tokens.codes[code] = params.get("redirect_uri", "")
        query = urlencode({"code": code, "state": params.get("state", ""),
                           "realmId": self.server.store.realm_id})
        self._send(302, b"", headers={"Location": f"{params.get('redirect_uri')}?{query}"})

    def _token(self) -> None:
        config = self.server.config
        expected = base64.b64encode(f"{config.client_id}:{config.client_secret}".encode())
        if self.headers.get("Authorization", "") != f"Basic {expected.decode()}":
            return self._json(401, {"error": "invalid_client"})
        form = {k: v[-1] for k, v in parse_qs(self.payload.decode()).items()}
        tokens = self.server.tokens
        with self.server.lock:
            if form.get("grant_type") == "authorization_code":
                valid = tokens.codes.pop(form.get("code", ""), None) == form.get("redirect_uri")
            elif form.get("grant_type") == "refresh_token":
                # Refresh tokens rotate: the old one is spent.
                valid = form.get("refresh_token", "") in tokens.refresh
                tokens.refresh.discard(form.get("refresh_token", ""))
            else:
                valid = False
        if not valid:
            return self._json(400, {"error": "invalid_grant"})
        self._json(200, self.server.issue_tokens())
