"""The demo's QBO: the sandbox server in-process, seeded with the bundled demo customers and
kept in the data folder, logged in by itself, so the whole write path can be tried without an
Intuit account."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import requests

from tui.sandbox.seed import customers_from_csv
from tui.sandbox.server import SandboxConfig, SandboxServer, seed_from_records
from tui.sandbox.store import CustomerStore
from tui.service import paths
from tui.service.config import QboConfig
from tui.service.qbo import oauth
from tui.service.qbo.client import QboClient, RateLimiter
from tui.service.qbo.tokens import Tokens
from tui.service.sources.qbo_api import fetch_snapshot, snapshot_path

DEMO_REALM = "4620816365000000"


def demo_snapshot_path() -> Path:
    """Where the demo's QBO list lands (known before the server starts)."""
    return snapshot_path(DEMO_REALM)


@dataclass
class DemoQbo:
    """Start with `start()`; `client()` gives a logged-in client for apply and undo."""

    demo_qbo_csv: Path
    server: SandboxServer | None = None
    config: QboConfig = field(default_factory=QboConfig)
    tokens: Tokens | None = None

    def start(self, progress: Callable[[str, float], None] = lambda s, f: None) -> Path:
        """Serve the demo company on a free loopback port and fetch its customers."""
        state = paths.data_dir() / "demo" / "qbo-company.json"
        state.parent.mkdir(parents=True, exist_ok=True)
        if state.exists():
            store = CustomerStore.load(state)
        else:
            store = CustomerStore(DEMO_REALM)
            seed_from_records(store, customers_from_csv(self.demo_qbo_csv))
            store.save(state)
        # The demo runs without Intuit's rate limits, on the server and in its client alike,
        # so it stays quick; `cqtriage sandbox` keeps them on.
        self.server = SandboxServer(store, SandboxConfig(state_file=state, limits=False))
        self.server.serve_in_thread()
        self.config = QboConfig(environment="local", local_url=self.server.url,
                                client_id=self.server.config.client_id,
                                client_secret=self.server.config.client_secret,
                                redirect_uri="http://localhost/demo")
        progress("connecting to the demo QBO", 0.05)
        pending = oauth.start_login(self.config)
        # The demo plays the user's browser: the sandbox approves at once.
        location = requests.get(pending.url, allow_redirects=False, timeout=10)
        self.tokens = oauth.finish_login(pending, location.headers["Location"], self.config)
        progress("reading the demo QBO customers", 0.1)
        return fetch_snapshot(self.client())

    def client(self) -> QboClient:
        assert self.tokens is not None, "start() first"
        # The demo's tokens stay in memory: a real login's token file is never touched.
        return QboClient(self.config, self.tokens, save=lambda tokens: None,
                         limiter=RateLimiter.unlimited(), batch_limiter=RateLimiter.unlimited())

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
