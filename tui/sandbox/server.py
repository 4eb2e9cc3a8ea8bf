"""The sandbox HTTP server: QBO's v3 Customer, Vendor and Employee endpoints (query, read,
create, update, batch) and Intuit's OAuth endpoints (discovery, consent, token, revoke), on a
loopback address.

Faithful where the project depends on it: bearer-token checks (401 in the gateway's
lower-case shape), Fault bodies with Intuit's codes, `requestid` idempotency (remembered
across restarts with --state), batch limits, and HTTP 429 (as XML, the way Intuit has sent it)
past Intuit's rates, on by default. What it does not model is listed in docs/qbo.md.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tui.sandbox import batch as batches
from tui.sandbox import query as qlang
from tui.sandbox import wire
from tui.sandbox.oauth_endpoints import OAuthEndpoints
from tui.sandbox.seed import seed_from_records
from tui.sandbox.store import CustomerStore

__all__ = ["SandboxConfig", "SandboxServer", "seed_from_records"]

MAX_REQUEST_ID = 50


@dataclass
class SandboxConfig:
    """How strict and how fast the sandbox is.

    Intuit's limits are on by default, at its documented rates (reference qbo-and-canopy.md,
    "Limits"; Intuit blogs 2016-08-08 "QuickBooks Online API throttling changes" and
    2023-07-19 "Batch without a Scratch"): 500 requests a minute and 10 a second per company,
    10 at once, 40 batch requests a minute. Past any of them the answer is HTTP 429 with
    Intuit's XML body. `limits=False` turns them all off (for tests that need speed).
    """

    client_id: str = "sandbox-client"
    client_secret: str = "sandbox-secret"
    access_lifetime: int = 3600
    """Seconds an access token is valid."""
    limits: bool = True
    """Answer 429 past the rates below; False: never throttle."""
    requests_per_minute: int | None = 500
    """Requests a minute per company (None: no limit)."""
    requests_per_second: int | None = 10
    """Requests a second per company (None: no limit)."""
    max_concurrent: int | None = 10
    """Requests at once (None: no limit)."""
    batches_per_minute: int | None = 40
    """Batch requests a minute (Intuit: 40 per app and company)."""
    state_file: Path | None = None
    """Save the company (and the request ids it answered) to this JSON file after every
    write."""
    latency: float = 0.0
    """Seconds each API request takes (to make a test's crash land mid-run)."""


@dataclass
class _Tokens:
    access: dict[str, float] = field(default_factory=dict)
    """Access token → expiry (epoch seconds)."""
    refresh: set[str] = field(default_factory=set)
    codes: dict[str, str] = field(default_factory=dict)
    """Authorisation code → redirect URI it was issued for."""


class SandboxServer(ThreadingHTTPServer):
    """The server; `url` is its base, e.g. http://127.0.0.1:43123."""

    daemon_threads = True

    def __init__(self, store: CustomerStore, config: SandboxConfig | None = None,
                 host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__((host, port), _Handler)
        self.store = store
        self.config = config or SandboxConfig()
        self.tokens = _Tokens()
        self.lock = threading.Lock()
        self.recent: deque[float] = deque()
        self.recent_batches: deque[float] = deque()
        self.in_flight = 0
        self.failures: deque[tuple[int, str]] = deque()
        """Injected failures (status, body) answered to the next API requests, for tests."""
        self.requests_seen = 0
        self.incomplete: list[str] = []
        """Path and query of every request whose body never fully arrived (not processed)."""
        self.incomplete_arrived = threading.Condition(self.lock)

    def wait_for_incomplete(self, count: int, timeout: float = 10.0) -> bool:
        """Block until `count` incomplete requests were dropped (False if `timeout` seconds
        pass first): tests synchronise on it instead of sleeping."""
        with self.incomplete_arrived:
            return self.incomplete_arrived.wait_for(lambda: len(self.incomplete) >= count,
                                                    timeout)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client killed mid-request (the crash tests do it) is not the server's error.
        return None

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def discovery_url(self) -> str:
        return f"{self.url}/.well-known/openid_configuration"

    @property
    def api_url(self) -> str:
        """What python-quickbooks calls `api_url_v3`."""
        return f"{self.url}/v3"

    # tokens -------------------------------------------------------------------------------------
    def issue_tokens(self) -> dict[str, Any]:
        access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
        with self.lock:
            self.tokens.access[access] = time.time() + self.config.access_lifetime
            self.tokens.refresh.add(refresh)
        return {"token_type": "bearer", "expires_in": self.config.access_lifetime,
                "refresh_token": refresh, "x_refresh_token_expires_in": 8640000,
                "access_token": access}

    def accept_tokens(self, access: str, access_expires_at: float, refresh: str) -> None:
        """Honour tokens this company issued before a restart (the demo keeps its login)."""
        with self.lock:
            self.tokens.access[access] = access_expires_at
            self.tokens.refresh.add(refresh)

    def expire_access_tokens(self) -> None:
        """Make every access token stale, as an hour passing would."""
        with self.lock:
            self.tokens.access = dict.fromkeys(self.tokens.access, 0.0)

    def fail_next(self, status: int, body: str = "", times: int = 1) -> None:
        """Answer the next `times` API requests with this status and body."""
        for _ in range(times):
            self.failures.append((status, body))

    def serve_in_thread(self) -> threading.Thread:
        thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05},
                                  name="qbo-sandbox", daemon=True)
        thread.start()
        return thread


class _Handler(OAuthEndpoints, BaseHTTPRequestHandler):
    server: SandboxServer
    protocol_version = "HTTP/1.1"
    timeout = 120
    """Seconds a connection may stay silent, mid-body or between requests (Intuit's request
    timeout, reference qbo-and-canopy.md "Limits"); then it is closed, nothing processed."""

    def log_message(self, format: str, *args: Any) -> None:
        return None  # quiet: tests and the demo need no access log on stderr

    # plumbing -----------------------------------------------------------------------------------
    def _send(self, status: int, body: bytes, content_type: str = "application/json",
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("intuit_tid", secrets.token_hex(8))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, data: Any) -> None:
        self._send(status, json.dumps(data).encode())

    def _body(self) -> bytes | None:
        """The request's whole body (b"" without one), or None when it never fully arrived:
        the client closed, reset or went silent before Content-Length bytes came (a client
        killed mid-send). Raises wire.Fault for a Content-Length that is not a number, or a
        chunked body (the sandbox needs the length up front, as python-quickbooks sends it).
        """
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            raise wire.Fault(411, "2010", "Request has invalid or unsupported property",
                             "send the body with a Content-Length, not chunked")
        raw = (self.headers.get("Content-Length") or "0").strip()
        if not raw.isdigit():
            raise wire.Fault(400, "2010", "Request has invalid or unsupported property",
                             f"Content-Length must be a number of bytes, not {raw!r}")
        length = int(raw)
        if length == 0:
            return b""
        try:
            # A buffered socket file: read(n) returns short only at end of stream.
            body = self.rfile.read(length)
        except OSError:  # reset by the peer, or the timeout above
            return None
        return body if len(body) == length else None

    def _drop_incomplete(self) -> None:
        """A request whose body never fully arrived was never received: no answer, nothing
        processed, nothing remembered under its request id, so a resend of the whole request
        under that id is processed afresh. The connection closes: its bytes are out of step."""
        self.close_connection = True
        with self.server.incomplete_arrived:
            self.server.incomplete.append(self.path)
            self.server.incomplete_arrived.notify_all()

    def do_GET(self) -> None:
        self._route("GET")

    def do_POST(self) -> None:
        self._route("POST")

    def _route(self, method: str) -> None:
        parts = urlsplit(self.path)
        params = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        path = parts.path
        try:
            # Read the whole body before any answer: on a kept-alive connection an unread body
            # would be taken for the next request.
            payload = self._body()
        except wire.Fault as fault:
            self.close_connection = True  # the body's end is unknown: no next request here
            return self._json(fault.status, fault.body())
        if payload is None:
            return self._drop_incomplete()
        self.payload = payload
        try:
            if path == "/.well-known/openid_configuration":
                return self._discovery()
            if path == "/connect/oauth2":
                return self._consent(params)
            if path == "/oauth2/v1/tokens/bearer" and method == "POST":
                return self._token()
            if path == "/oauth2/v1/tokens/revoke" and method == "POST":
                return self._json(200, {})
            if path == "/v1/openid_connect/userinfo":
                return self._json(200, {"sub": "sandbox-user"})
            match = re.fullmatch(r"/v3/company/([^/]+)/(.+)", path)
            if match is None:
                return self._json(404, {"error": f"no such endpoint {path}"})
            self._api(method, match.group(1), match.group(2), params)
        except wire.Fault as fault:
            self._json(fault.status, fault.body())

    # API ------------------------------------------------------------------------------------------
    def _authorised(self) -> bool:
        header = self.headers.get("Authorization", "")
        token = header.removeprefix("Bearer ").strip()
        with self.server.lock:
            expiry = self.server.tokens.access.get(token)
        if expiry is None or expiry < time.time():
            detail = "Token expired: " + token[:6] if expiry is not None else (
                "Malformed bearer token: too short or too long")
            self._json(401, wire.authentication_body(detail))
            return False
        return True

    def _throttled(self, batch: bool) -> bool:
        server, config = self.server, self.server.config
        now = time.time()
        with server.lock:
            server.requests_seen += 1
            if server.failures:
                status, body = server.failures.popleft()
                self._send(status, body.encode(), "text/plain")
                return True
            for window in (server.recent, server.recent_batches):
                while window and window[0] < now - 60:
                    window.popleft()
            last_second = sum(1 for t in server.recent if t >= now - 1)

            def over(limit: int | None, seen: int) -> bool:
                return config.limits and limit is not None and seen >= limit

            refused = (over(config.requests_per_minute, len(server.recent))
                       or over(config.requests_per_second, last_second)
                       or (batch and over(config.batches_per_minute,
                                          len(server.recent_batches)))
                       or over(config.max_concurrent, server.in_flight))
            if not refused:
                server.recent.append(now)
                if batch:
                    server.recent_batches.append(now)
                server.in_flight += 1
                return False
        body = wire.THROTTLE_XML.format(time=wire.now_text()).encode()
        self._send(429, body, "application/xml")
        return True

    def _api(self, method: str, realm: str, rest: str, params: dict[str, str]) -> None:
        if not self._authorised() or self._throttled(batch=rest == "batch"):
            return
        if self.server.config.latency:
            time.sleep(self.server.config.latency)
        try:
            store = self.server.store
            if realm != store.realm_id:
                raise wire.Fault(403, "3100", "ApplicationAuthorizationFailed",
                                 f"errorCode=003100, statusCode=403: no access to company "
                                 f"{realm}", kind="AUTHORIZATION")
            body = self.payload
            request_id = params.get("requestid")
            if request_id is not None and method == "POST" and rest != "query":
                self._idempotent(request_id, rest, body, params)
            else:
                status, data = self._dispatch(method, rest, body, params)
                self._json(status, data)
        finally:
            with self.server.lock:
                self.server.in_flight -= 1

    def _idempotent(self, request_id: str, rest: str, body: bytes,
                    params: dict[str, str]) -> None:
        limit = 36 if rest == "batch" else MAX_REQUEST_ID
        if len(request_id) > limit:
            raise wire.Fault(400, "2050", "Invalid String Length",
                             f"requestid may be at most {limit} characters", "requestid")
        store = self.server.store
        with store.lock:  # one write per request id, even when a retry races the original
            seen = store.remembered(request_id)
            if seen is None:
                try:  # saved below, once, with the request id's answer
                    status, data = self._dispatch("POST", rest, body, params, persist=False)
                except wire.Fault as fault:
                    status, data = fault.status, fault.body()
                encoded = json.dumps(data).encode()
                store.remember(request_id, status, encoded)
                self._persist()  # with its request id: a restarted company still knows it
                seen = (status, encoded)
        self._send(seen[0], seen[1])

    def _dispatch(self, method: str, rest: str, body: bytes, params: dict[str, str],
                  persist: bool = True) -> tuple[int, dict[str, Any]]:
        store = self.server.store
        if rest == "query":
            text = params.get("query") if method == "GET" else body.decode("utf-8")
            if not text:
                raise wire.required("query")
            return 200, {"QueryResponse": self._query(text), "time": wire.now_text()}
        read = re.fullmatch(r"(customer|vendor|employee)/(\d+)", rest)
        if read and method == "GET":
            entity = read.group(1).capitalize()
            return 200, {entity: store.get(read.group(2), entity), "time": wire.now_text()}
        if rest in ("customer", "vendor", "employee") and method == "POST":
            entity = rest.capitalize()
            result = self._write(entity, batches.parse(body), params)
            if persist:
                self._persist()
            return 200, {entity: result, "time": wire.now_text()}
        if rest == "batch" and method == "POST":
            response = batches.run(self.server.store, batches.parse(body), self._query)
            if persist:
                self._persist()
            return 200, response
        raise wire.Fault(400, "4000", "Unsupported operation",
                         f"{method} {rest} is not served by this sandbox")

    def _query(self, text: str) -> dict[str, Any]:
        """Filter stored records (names without " (deleted)"), answer them as the API shows
        them."""
        store = self.server.store
        parsed = qlang.parse(text)
        entity = qlang.entity_of(parsed)
        response = qlang.run(parsed, store.stored(entity))
        if entity in response:
            by_id = {r["Id"]: r for r in store.table(entity).values()}
            response[entity] = [store.out(by_id[r["Id"]], entity) for r in response[entity]]
        return response

    def _write(self, entity: str, data: dict[str, Any],
               params: dict[str, str]) -> dict[str, Any]:
        store = self.server.store
        if params.get("operation") == "delete":
            raise wire.Fault(400, "6000", "A business validation error has occurred",
                             f"{entity} records cannot be deleted: make them inactive")
        if data.get("Id") is not None:
            return store.update(data, entity)
        return store.create(data, entity)

    def _persist(self) -> None:
        path = self.server.config.state_file
        if path is not None:
            self.server.store.save(path)
