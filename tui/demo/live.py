"""The demo's QBO: the sandbox server in-process, seeded with the bundled demo customers, logged
in by itself, so the whole write path can be tried without an Intuit account.

The demo is a durable company: its customers (with the request ids it has answered) and its
login live in the demo's data folder (0700; files 0600), so a demo session reopened later — by
bare `cqtriage`, `cqtriage apply` or `undo` — finds the company as its last run left it and
can apply and undo again. A real login's token file is never touched.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

import requests

from tui.sandbox.seed import customers_from_csv
from tui.sandbox.server import SandboxConfig, SandboxServer, seed_from_records
from tui.sandbox.store import CustomerStore
from tui.service import paths
from tui.service.config import QboConfig
from tui.service.errors import UserError
from tui.service.qbo import oauth
from tui.service.qbo.client import QboClient, RateLimiter
from tui.service.qbo.tokens import Tokens, load_tokens, save_tokens
from tui.service.sources.qbo_api import fetch_snapshot, snapshot_path

DEMO_REALM = "4620816365000000"
STATE_FILE = "qbo-company.json"
TOKEN_FILE = "qbo-tokens.json"
Step = Callable[[str, float], None]


def demo_folder() -> Path:
    """The demo company's folder: its customers and its login."""
    return paths.data_dir() / "demo"


def demo_snapshot_path() -> Path:
    """Where the demo's QBO list lands (known before the server starts)."""
    return snapshot_path(DEMO_REALM)


def demo_seed() -> Path:
    """The bundled QBO customer list the demo company starts from."""
    return Path(str(resources.files("tui.demo") / "data" / "qbo_customers.csv"))


def reset_demo(canopy: Path) -> list[Path]:
    """Forget the demo: its company (customers, answered request ids, login), its QBO snapshot
    and the journal of the demo session on `canopy` (decisions and apply runs), so the next
    `cqtriage demo` starts as on the first day. Real sessions and a real login are untouched.

    Returns the paths removed (none when the demo was never run)."""
    from tui.service.inputs import SessionInputs

    journal = SessionInputs.of(canopy, demo_snapshot_path()).journal_path()
    # SQLite's -wal and -shm files hold decisions not yet checkpointed into the journal.
    wal = [journal.with_name(journal.name + suffix) for suffix in ("-wal", "-shm")]
    removed = []
    for path in (demo_folder(), demo_snapshot_path(), journal, *wal):
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
        else:
            continue
        removed.append(path)
    return removed


def demo_for(qbo: Path) -> DemoQbo | None:
    """The demo's QBO when a session's QBO list is the demo's snapshot, else None."""
    if Path(qbo).expanduser().resolve() != demo_snapshot_path().resolve():
        return None
    return DemoQbo(demo_seed())


@dataclass
class DemoQbo:
    """`start()` (fetching the list anew) or `resume()` serves the company; `client()` gives a
    logged-in client for apply and undo; `stop()` ends the server."""

    demo_qbo_csv: Path
    server: SandboxServer | None = None
    config: QboConfig = field(default_factory=QboConfig)
    tokens: Tokens | None = None

    def start(self, progress: Step = lambda s, f: None) -> Path:
        """Serve the demo company on a free loopback port and fetch its customers."""
        self._serve(progress)
        progress("reading the demo QBO customers", 0.1)
        return fetch_snapshot(self.client())

    def resume(self, progress: Step = lambda s, f: None) -> Path:
        """Serve the demo company for a session reopened on its snapshot, which is kept as it
        is (decisions were made on it); fetched only when it is missing."""
        self._serve(progress)
        if demo_snapshot_path().exists():
            return demo_snapshot_path()
        progress("reading the demo QBO customers", 0.1)
        return fetch_snapshot(self.client())

    def _serve(self, progress: Step) -> None:
        folder = paths.private_dir(demo_folder())
        state = folder / STATE_FILE
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
        self.tokens = self._saved_login() or self._login()
        self._save_tokens(self.tokens)

    def _saved_login(self) -> Tokens | None:
        """The demo's saved login, honoured by the restarted company (it issued the tokens)."""
        assert self.server is not None
        try:
            tokens = load_tokens(demo_folder() / TOKEN_FILE)
        except UserError:
            return None
        if tokens.realm_id != DEMO_REALM:
            return None
        self.server.accept_tokens(tokens.access_token, tokens.access_expires_at,
                                  tokens.refresh_token)
        # A new port each time: the saved tokens follow the server.
        return replace(tokens, base_url=self.server.api_url)

    def _login(self) -> Tokens:
        pending = oauth.start_login(self.config)
        # The demo plays the user's browser: the sandbox approves at once.
        location = requests.get(pending.url, allow_redirects=False, timeout=10)
        return oauth.finish_login(pending, location.headers["Location"], self.config)

    def _save_tokens(self, tokens: Tokens) -> None:
        self.tokens = tokens
        save_tokens(tokens, demo_folder() / TOKEN_FILE)

    def client(self) -> QboClient:
        assert self.tokens is not None, "start() or resume() first"
        # The demo company has no rate limits: its client need not pace itself.
        return QboClient(self.config, self.tokens, save=self._save_tokens,
                         limiter=RateLimiter.unlimited(), batch_limiter=RateLimiter.unlimited())

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
