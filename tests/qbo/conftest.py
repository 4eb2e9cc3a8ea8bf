"""A sandbox server on 127.0.0.1 for each test, and a logged-in client driven through
python-quickbooks over real HTTP."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from tui.sandbox.server import SandboxConfig, SandboxServer
from tui.sandbox.store import CustomerStore
from tui.service.config import QboConfig
from tui.service.qbo import oauth
from tui.service.qbo.client import QboClient, RateLimiter
from tui.service.qbo.tokens import Tokens


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    # Intuit's rate limits are on by default; these tests need speed, so they switch them off
    # (tests/qbo/test_fidelity.py checks the limits themselves).
    sandbox = SandboxServer(CustomerStore(), SandboxConfig(limits=False))
    sandbox.serve_in_thread()
    try:
        yield sandbox
    finally:
        sandbox.shutdown()
        sandbox.server_close()


@pytest.fixture
def qbo_config(server: SandboxServer) -> QboConfig:
    return QboConfig(environment="local", local_url=server.url,
                     client_id=server.config.client_id, client_secret=server.config.client_secret,
                     redirect_uri="http://localhost:8000/callback", retry_base_seconds=0.01)


def browser(url: str) -> str:
    """What the user's browser does with the authorisation URL: follow it to the redirect."""
    response = requests.get(url, allow_redirects=False, timeout=10)
    assert response.status_code == 302
    return response.headers["Location"]


@pytest.fixture
def tokens(qbo_config: QboConfig) -> Tokens:
    pending = oauth.start_login(qbo_config)
    return oauth.finish_login(pending, browser(pending.url), qbo_config)


@pytest.fixture
def saved(tmp_path: Path) -> list[Tokens]:
    return []


@pytest.fixture
def client(qbo_config: QboConfig, tokens: Tokens, saved: list[Tokens]) -> QboClient:
    return QboClient(qbo_config, tokens, save=saved.append, sleep=lambda s: None,
                     limiter=RateLimiter.unlimited(), batch_limiter=RateLimiter.unlimited())


@pytest.fixture
def tokens_for() -> Iterator[Callable[..., tuple[SandboxServer, str]]]:
    """Start a sandbox with a given config (and store), give it with an access token of its
    own; every server started is stopped at the end."""
    started: list[SandboxServer] = []

    def start(config: SandboxConfig, store: CustomerStore | None = None
              ) -> tuple[SandboxServer, str]:
        sandbox = SandboxServer(store or CustomerStore(), config)
        sandbox.serve_in_thread()
        started.append(sandbox)
        return sandbox, sandbox.issue_tokens()["access_token"]

    yield start
    for sandbox in started:
        sandbox.shutdown()
        sandbox.server_close()
