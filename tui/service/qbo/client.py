"""The QBO client: python-quickbooks pointed at production, Intuit's sandbox or the local
sandbox server, with Intuit's limits kept, retries on 429 and 5xx, one token refresh on 401,
and QBO's Faults turned into errors a user can act on.

Sparse bodies are plain dicts: a fresh python-quickbooks `Customer()` serialises empty strings
for its name fields, which a sparse update would write.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

from quickbooks import QuickBooks
from quickbooks.exceptions import AuthorizationException, QuickbooksException

from tui.service.config import QboConfig
from tui.service.errors import UserError
from tui.service.qbo import oauth
from tui.service.qbo.errors import (
    AuthFailed,
    BatchRefused,
    QboError,
    Unreachable,
    fault_error,
)
from tui.service.qbo.tokens import Tokens, save_tokens

log = logging.getLogger(__name__)

T = TypeVar("T")

PAGE_SIZE = 1000
REQUESTS_PER_MINUTE = 500
REQUESTS_PER_SECOND = 10
WINDOW_MARGIN = 0.25
"""Seconds added to each rate window (see `RateLimiter._wait`)."""
CONCURRENT_REQUESTS = 10
MAX_RETRIES = 6
MAX_WAIT_SECONDS = 60.0
REQUEST_TIMEOUT = (10.0, 120.0)
"""Seconds to connect and to wait for an answer; past them the request may still have been
applied, so its operations stay sent for a resume under the same request id."""
FETCH_ALL = "select * from Customer where Active in (true, false)"


class _Retryable(Exception):
    def __init__(self, status: int, retry_after: str | None) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.retry_after = retry_after


class _QuickBooks(QuickBooks):
    """python-quickbooks, seeing the HTTP status before it parses the body: a 429 may come as
    XML and a gateway error without a Fault, which it would report only as code 10000. Its
    requests carry a timeout (python-quickbooks sends none, so a silent network would hang)."""

    timeout: float | tuple[float, float] = REQUEST_TIMEOUT

    def process_request(self, request_type, url, headers="", params="", data=""):  # type: ignore[no-untyped-def]
        # python-quickbooks' own process_request, with the timeout added.
        if self.session is None:
            raise QuickbooksException("No session manager")
        headers.update({"Authorization": "Bearer " + self.session.access_token})
        response = self.session.request(request_type, url, headers=headers, params=params,
                                        data=data, timeout=self.timeout)
        if response.status_code == 429 or response.status_code >= 500:
            raise _Retryable(response.status_code, response.headers.get("Retry-After"))
        return response


class RateLimiter:
    """At most `per_minute` calls in any minute, `per_second` in any second and `concurrent`
    at once (Intuit: 500, 10 and 10 per company; reference qbo-and-canopy.md, "Limits").
    `None` lifts a rate."""

    def __init__(self, per_minute: int | None = REQUESTS_PER_MINUTE,
                 concurrent: int = CONCURRENT_REQUESTS,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep,
                 per_second: int | None = REQUESTS_PER_SECOND) -> None:
        self.per_minute = per_minute
        self.per_second = per_second
        self.slots = threading.BoundedSemaphore(concurrent)
        self.clock = clock
        self.sleep = sleep
        self.sent: deque[float] = deque()
        self.lock = threading.Lock()

    @classmethod
    def unlimited(cls) -> RateLimiter:
        """No pacing: for a local sandbox started with its limits off."""
        return cls(per_minute=None, per_second=None, concurrent=CONCURRENT_REQUESTS)

    def _wait(self, now: float) -> float:
        """Seconds until one more call fits both windows (0: now)."""
        while self.sent and self.sent[0] <= now - 60 - WINDOW_MARGIN:
            self.sent.popleft()
        waits = [0.0]
        # Each window is widened by a margin: a call is stamped here, before it travels, and
        # an earlier call delayed on the way (a new connection) would otherwise land inside
        # the server's window with this one (seen as 429s in bench/apply.py).
        if self.per_minute is not None and len(self.sent) >= self.per_minute:
            waits.append(self.sent[-self.per_minute] + 60 + WINDOW_MARGIN - now)
        if self.per_second is not None and len(self.sent) >= self.per_second:
            waits.append(self.sent[-self.per_second] + 1 + WINDOW_MARGIN - now)
        return max(waits)

    def __enter__(self) -> RateLimiter:
        self.slots.acquire()
        while True:
            with self.lock:
                now = self.clock()
                wait = self._wait(now)
                if wait <= 0:
                    if self.per_minute is not None or self.per_second is not None:
                        self.sent.append(now)
                    return self
            self.sleep(wait)

    def __exit__(self, *exc: object) -> None:
        self.slots.release()


@dataclass
class BatchItem:
    """One item of a batch: `bId` (≤ 10 characters), `create` or `update`, and its body."""

    bid: str
    operation: str
    customer: dict[str, Any]


class QboClient:
    """One company's customers, read and written through python-quickbooks."""

    def __init__(self, config: QboConfig, tokens: Tokens,
                 save: Callable[[Tokens], object] = save_tokens,
                 sleep: Callable[[float], None] = time.sleep,
                 limiter: RateLimiter | None = None,
                 timeout: float | tuple[float, float] = REQUEST_TIMEOUT,
                 batch_limiter: RateLimiter | None = None) -> None:
        self.config = config
        self.timeout = timeout
        self.tokens = tokens
        self.save = save
        self.sleep = sleep
        # The limiters wait in real time whatever `sleep` is (tests pass a no-op `sleep` to
        # skip retry waits; pacing must still hold).
        self.limiter = limiter or RateLimiter()
        self.batch_limiter = batch_limiter or RateLimiter(
            per_minute=config.batches_per_minute, per_second=None,
            concurrent=CONCURRENT_REQUESTS)
        self.retries = 0
        """How many retries this client made (429s and 5xx), for progress and tests."""
        if tokens.access_expired():
            self._refresh()
        self.qb = self._connect()

    # connection ---------------------------------------------------------------------------------
    def _connect(self) -> QuickBooks:
        base = self.tokens.base_url
        if base:
            host = urlsplit(base).hostname or ""
            if host not in ("127.0.0.1", "localhost", "::1"):
                raise UserError(f"the local QBO sandbox must be on this machine, not {host}",
                                "set [qbo] local_url to an http://127.0.0.1 address")
            # oauthlib refuses plain http; allowed here for the loopback sandbox only.
            os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"
        client = oauth.auth_client(self.config, access_token=self.tokens.access_token,
                                   refresh_token=self.tokens.refresh_token,
                                   realm_id=self.tokens.realm_id)
        qb = _QuickBooks(auth_client=client, refresh_token=self.tokens.refresh_token,
                         company_id=self.tokens.realm_id, minorversion=self.config.minor_version)
        if base:
            qb.api_url_v3 = base  # every URL is built from it: /v3/company/{realm}/…
        qb.timeout = self.timeout
        return qb

    def _refresh(self) -> None:
        self.tokens = oauth.refresh(self.config, self.tokens)
        self.save(self.tokens)  # the refresh token may have rotated: keep the newest

    def _call(self, what: str, action: Callable[[QuickBooks], T]) -> T:
        refreshed = False
        attempt = 0
        while True:
            try:
                with self.limiter:
                    return action(self.qb)
            except _Retryable as retry:
                attempt += 1
                if attempt > MAX_RETRIES:
                    raise Unreachable(f"QBO kept answering HTTP {retry.status} to {what}",
                                      "wait a minute and run it again; nothing was lost",
                                      code=str(retry.status)) from None
                self.retries += 1
                self.sleep(self._wait(attempt, retry))
            except AuthorizationException as exc:
                if exc.error_code != 401 or refreshed:
                    raise fault_error(exc, what) from None
                log.info("access token refused; refreshing once")
                self._refresh()
                self.qb = self._connect()
                refreshed = True
            except QuickbooksException as exc:
                raise fault_error(exc, what) from None
            except OSError as exc:  # requests' connection errors derive from OSError
                raise Unreachable(f"cannot reach QBO for {what} ({type(exc).__name__})",
                                  "check the network and run it again") from None

    def _wait(self, attempt: int, retry: _Retryable) -> float:
        if retry.retry_after and retry.retry_after.isdigit():
            return min(float(retry.retry_after), MAX_WAIT_SECONDS)
        return min(self.config.retry_base_seconds * 2 ** (attempt - 1), MAX_WAIT_SECONDS)

    # reading --------------------------------------------------------------------------------------
    def count(self) -> int:
        """Customers, active and inactive."""
        result = self._call("counting customers", lambda qb: qb.query(
            "select count(*) from Customer where Active in (true, false)"))
        return int(result["QueryResponse"].get("totalCount", 0))

    def fetch_all(self, progress: Callable[[int, int], None] = lambda done, total: None
                  ) -> list[dict[str, Any]]:
        """Every customer, active and inactive, a page of 1,000 at a time."""
        total = self.count()
        customers: list[dict[str, Any]] = []
        start = 1
        while True:
            statement = f"{FETCH_ALL} STARTPOSITION {start} MAXRESULTS {PAGE_SIZE}"
            page = self._call("reading customers", lambda qb, s=statement: qb.query(s))
            rows = page["QueryResponse"].get("Customer", [])
            customers.extend(rows)
            progress(len(customers), max(total, len(customers)))
            if len(rows) < PAGE_SIZE:
                return customers
            start += PAGE_SIZE

    def other_names(self) -> dict[str, str]:
        """Every vendor's and employee's DisplayName (active and inactive, " (deleted)"
        removed) → who holds it, e.g. `{"Acme Supplies": "Vendor 12"}`.

        QBO keeps DisplayNames unique across customers, vendors and employees (6240 otherwise),
        so a customer cannot be created or renamed onto any of these names.
        """
        held: dict[str, str] = {}
        for entity in ("Vendor", "Employee"):
            start = 1
            while True:
                statement = (f"select * from {entity} where Active in (true, false) "
                             f"STARTPOSITION {start} MAXRESULTS {PAGE_SIZE}")
                page = self._call(f"reading {entity.lower()}s",
                                  lambda qb, s=statement: qb.query(s))
                rows = page["QueryResponse"].get(entity, [])
                for row in rows:
                    name = str(row.get("DisplayName") or "").removesuffix(" (deleted)")
                    if name:
                        held.setdefault(name, f"{entity} {row.get('Id', '?')}")
                if len(rows) < PAGE_SIZE:
                    break
                start += PAGE_SIZE
        return held

    def read(self, customer_id: str) -> dict[str, Any]:
        result = self._call(f"reading customer {customer_id}",
                            lambda qb: qb.get_single_object("Customer", customer_id))
        return result["Customer"]

    # writing --------------------------------------------------------------------------------------
    def create(self, body: dict[str, Any], request_id: str) -> dict[str, Any]:
        """Create a customer; a retry with the same `request_id` cannot create a second."""
        result = self._call(f"creating {body.get('DisplayName', 'a customer')!r}",
                            lambda qb: qb.create_object("Customer", json.dumps(body),
                                                        request_id=request_id))
        return result["Customer"]

    def sparse_update(self, customer_id: str, sync_token: str, fields: dict[str, Any],
                      request_id: str) -> dict[str, Any]:
        """Change only `fields`; a stale `sync_token` raises `StaleObject`, never overwrites."""
        body = {"Id": customer_id, "SyncToken": sync_token, "sparse": True, **fields}
        result = self._call(f"updating customer {customer_id}",
                            lambda qb: qb.update_object("Customer", json.dumps(body),
                                                        request_id=request_id))
        return result["Customer"]

    def deactivate(self, customer_id: str, sync_token: str, request_id: str) -> dict[str, Any]:
        """Make a customer inactive (QBO never deletes customers)."""
        return self.sparse_update(customer_id, sync_token, {"Active": False}, request_id)

    def batch(self, items: list[BatchItem], request_id: str) -> list[dict[str, Any] | QboError]:
        """Up to 30 creates or updates in one request; per item, the customer or its error.

        Sent with our own short bIds and a requestid (python-quickbooks' batch helper sends
        neither), so a retried batch is applied once. Raises BatchRefused when QBO refuses the
        request as a whole (nothing in it applied), Unreachable or AuthFailed as `_call` does.
        """
        if not 1 <= len(items) <= 30:
            raise ValueError("a batch holds 1 to 30 items")
        body = {"BatchItemRequest": [
            {"bId": item.bid, "operation": item.operation, "Customer": item.customer}
            for item in items]}

        def send(qb: QuickBooks) -> dict[str, Any]:
            url = f"{qb.api_url}/company/{qb.company_id}/batch"
            return qb.make_request("POST", url, json.dumps(body), request_id=request_id)

        what = f"a batch of {len(items)}"
        with self.batch_limiter:
            try:
                result = self._call(what, send)
            except (Unreachable, AuthFailed):
                raise
            except QboError as error:
                raise _refused(error) from None
        by_bid = {entry["bId"]: entry for entry in result.get("BatchItemResponse", [])}
        out: list[dict[str, Any] | QboError] = []
        for item in items:
            entry = by_bid.get(item.bid, {})
            if "Customer" in entry:
                out.append(entry["Customer"])
            else:
                error = (entry.get("Fault") or {}).get("Error") or [{}]
                first = error[0]
                out.append(fault_error(QuickbooksException(
                    first.get("Message", "no answer for this item"),
                    int(first.get("code") or 0), first.get("Detail", "")), f"item {item.bid}"))
        return out


def _refused(error: QboError) -> BatchRefused:
    """A whole-batch Fault, told as what it is. It is not retried under a fresh request id:
    that would hide a request we build wrong, or a QBO (or sandbox) that remembered an
    answer for a body it never fully received — the kill -9 test exists to catch that."""
    return BatchRefused(
        f"{error.what}; the whole batch was refused, none of it applied",
        "no record is at fault; if the same answer comes again, QBO is answering from memory "
        "of an earlier send of this batch: report it",
        code=error.code)
