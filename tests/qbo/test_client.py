"""python-quickbooks against the sandbox over real HTTP: paging, faults, retries, refresh,
idempotency."""

from __future__ import annotations

import threading

import pytest
import requests

from tui.sandbox.server import SandboxServer
from tui.service.config import QboConfig
from tui.service.errors import UserError
from tui.service.qbo.client import WINDOW_MARGIN, BatchItem, QboClient, RateLimiter
from tui.service.qbo.errors import AuthFailed, DuplicateName, NotFound, QboError, StaleObject
from tui.service.qbo.tokens import Tokens


def test_paging_past_a_thousand_customers(server: SandboxServer, client: QboClient) -> None:
    for n in range(2345):
        server.store.create({"DisplayName": f"Customer {n:05d}", "GivenName": "Pat"})
    inactive = server.store.create({"DisplayName": "Gone Ltd"})
    server.store.update({"Id": inactive["Id"], "SyncToken": "0", "sparse": True,
                         "Active": False})
    seen: list[tuple[int, int]] = []
    customers = client.fetch_all(lambda done, total: seen.append((done, total)))
    assert len(customers) == 2346
    assert len({c["Id"] for c in customers}) == 2346
    assert seen == [(1000, 2346), (2000, 2346), (2346, 2346)]
    gone = next(c for c in customers if c["Id"] == inactive["Id"])
    assert gone["DisplayName"] == "Gone Ltd (deleted)" and gone["Active"] is False
    assert client.count() == 2346


def test_create_read_sparse_update_deactivate(client: QboClient) -> None:
    created = client.create({"DisplayName": "Jane Doe", "GivenName": "Jane",
                             "PrimaryEmailAddr": {"Address": "jane@example.com"}}, "req-1")
    assert created["SyncToken"] == "0"
    updated = client.sparse_update(created["Id"], "0", {"FamilyName": "Doe"}, "req-2")
    assert updated["SyncToken"] == "1"
    assert updated["GivenName"] == "Jane"  # sparse: untouched fields stay
    assert updated["PrimaryEmailAddr"]["Address"] == "jane@example.com"
    gone = client.deactivate(created["Id"], "1", "req-3")
    assert gone["Active"] is False and gone["DisplayName"] == "Jane Doe (deleted)"
    assert client.read(created["Id"])["SyncToken"] == "2"


def test_duplicate_name_says_who_holds_it(client: QboClient) -> None:
    holder = client.create({"DisplayName": "Acme LLC"}, "a1")
    client.deactivate(holder["Id"], "0", "a2")  # an inactive customer keeps its name
    with pytest.raises(DuplicateName) as caught:
        client.create({"DisplayName": "ACME  llc"}, "a3")
    assert caught.value.holder_id == holder["Id"]
    assert f"Id={holder['Id']}" in caught.value.what


def test_stale_sync_token_is_a_conflict_not_an_overwrite(client: QboClient) -> None:
    created = client.create({"DisplayName": "Bob Roe"}, "s1")
    client.sparse_update(created["Id"], "0", {"GivenName": "Bob"}, "s2")
    with pytest.raises(StaleObject):
        client.sparse_update(created["Id"], "0", {"GivenName": "Robert"}, "s3")
    assert client.read(created["Id"])["GivenName"] == "Bob"


def test_missing_customer(client: QboClient) -> None:
    with pytest.raises(NotFound):
        client.read("99999")


def test_validation_faults(client: QboClient) -> None:
    with pytest.raises(QboError) as caught:
        client.create({"DisplayName": "x" * 501}, "v1")
    assert caught.value.code == "2050"
    with pytest.raises(QboError) as caught:
        client.create({"DisplayName": "Smith: John"}, "v2")
    assert caught.value.code == "6000"
    with pytest.raises(QboError) as caught:
        client.create({"Notes": "no name at all"}, "v3")
    assert caught.value.code == "2020"


def test_retry_after_429_and_5xx(server: SandboxServer, client: QboClient) -> None:
    server.fail_next(429, "<IntuitResponse/>", times=2)
    server.fail_next(503, "Service Unavailable")
    assert client.count() == 0
    assert client.retries == 3


def test_gives_up_after_a_429_storm(server: SandboxServer, client: QboClient) -> None:
    server.fail_next(429, "", times=20)
    with pytest.raises(QboError, match="kept answering HTTP 429"):
        client.count()


def test_request_rate_limit_answers_429_and_the_client_waits(
        server: SandboxServer, client: QboClient) -> None:
    server.config.limits = True
    server.config.requests_per_minute = 3
    for _ in range(3):
        client.count()
    raw = requests.post(f"{server.api_url}/company/{server.store.realm_id}/query",
                        data="select count(*) from Customer",
                        headers={"Authorization": f"Bearer {client.tokens.access_token}"},
                        timeout=10)
    assert raw.status_code == 429
    assert "ThrottleExceeded" in raw.text and raw.text.startswith("<?xml")


def test_expired_token_is_refreshed_once_and_saved(
        server: SandboxServer, client: QboClient, saved: list[Tokens]) -> None:
    old_refresh = client.tokens.refresh_token
    server.expire_access_tokens()
    assert client.count() == 0
    assert len(saved) == 1
    assert saved[0].refresh_token != old_refresh  # rotated, and the newest was kept
    server.expire_access_tokens()
    server.tokens.refresh.clear()  # revoked at Intuit
    with pytest.raises(UserError, match="login has expired or was revoked"):
        client.count()


def test_wrong_token_is_the_gateways_authentication_fault(server: SandboxServer) -> None:
    response = requests.get(f"{server.api_url}/company/{server.store.realm_id}/customer/1",
                            headers={"Authorization": "Bearer nope"}, timeout=10)
    assert response.status_code == 401
    assert response.json()["fault"]["error"][0]["code"] == "3200"


def test_another_company_is_an_authorization_fault(client: QboClient) -> None:
    client.qb.company_id = "123"
    with pytest.raises(AuthFailed):
        client.count()


def test_same_request_id_creates_one_customer(server: SandboxServer, client: QboClient) -> None:
    first = client.create({"DisplayName": "Once Only"}, "create-once-1")
    again = client.create({"DisplayName": "Once Only"}, "create-once-1")
    assert again == first
    assert client.count() == 1


def test_racing_retries_with_one_request_id(server: SandboxServer, client: QboClient,
                                            qbo_config: QboConfig, tokens: Tokens) -> None:
    results: list[str] = []

    def send() -> None:
        other = QboClient(qbo_config, client.tokens, save=lambda t: None, sleep=lambda s: None)
        results.append(other.create({"DisplayName": "Raced"}, "race-1")["Id"])

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 1
    assert client.count() == 1


def test_batch_with_request_id_applies_once(server: SandboxServer, client: QboClient) -> None:
    existing = client.create({"DisplayName": "Taken Name"}, "b0")
    items = [BatchItem("1", "create", {"DisplayName": "Batch One"}),
             BatchItem("2", "create", {"DisplayName": "Taken Name"}),
             BatchItem("3", "update", {"Id": existing["Id"], "SyncToken": "0", "sparse": True,
                                       "GivenName": "Tak"})]
    results = client.batch(items, "batch-1")
    assert results[0]["DisplayName"] == "Batch One"
    assert isinstance(results[1], DuplicateName)
    assert results[2]["SyncToken"] == "1"
    again = client.batch(items, "batch-1")
    assert again[0] == results[0]
    assert client.count() == 2


def test_batch_limits(client: QboClient) -> None:
    with pytest.raises(ValueError):
        client.batch([BatchItem(str(n), "create", {"DisplayName": f"N{n}"}) for n in range(31)],
                     "too-many")


def test_query_language(server: SandboxServer, client: QboClient) -> None:
    for name in ("Ann Lee", "Bob Ray", "Anna Bell"):
        server.store.create({"DisplayName": name, "CompanyName": name.split()[0]})
    q = client.qb.query
    found = q("select * from Customer where DisplayName like 'Ann%' and Active = true")
    assert sorted(c["DisplayName"] for c in found["QueryResponse"]["Customer"]) == [
        "Ann Lee", "Anna Bell"]
    found = q("select * from Customer where Id in ('1', '3') orderby DisplayName desc")
    assert [c["DisplayName"] for c in found["QueryResponse"]["Customer"]] == [
        "Anna Bell", "Ann Lee"]
    assert q("select * from Customer where DisplayName = 'Nobody'")["QueryResponse"] == {}
    page = q("select * from Customer STARTPOSITION 2 MAXRESULTS 1")["QueryResponse"]
    assert page["startPosition"] == 2 and page["maxResults"] == 1
    with pytest.raises(QboError) as caught:
        client._call("q", lambda qb: qb.query("select * from Customer MAXRESULTS 1001"))
    assert caught.value.code == "4001"


def test_rate_limiter_spaces_calls() -> None:
    clock = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        clock[0] += seconds

    limiter = RateLimiter(per_minute=2, concurrent=1, clock=lambda: clock[0], sleep=sleep)
    for _ in range(3):
        with limiter:
            pass
    assert waits == [60.0 + WINDOW_MARGIN]


def test_rate_limiter_keeps_ten_a_second() -> None:
    # Intuit: 10 requests a second per company (reference qbo-and-canopy.md, "Limits").
    clock = [0.0]
    sent: list[float] = []

    def sleep(seconds: float) -> None:
        clock[0] += seconds

    limiter = RateLimiter(clock=lambda: clock[0], sleep=sleep)
    for _ in range(25):
        with limiter:
            sent.append(clock[0])
    assert all(sum(1 for t in sent if start <= t < start + 1) <= 10 for start in sent)
    assert sent[10] == pytest.approx(1 + WINDOW_MARGIN)
