"""The sandbox answers like Intuit: shapes of the reference samples, key by key, and the rules
of issue 12, each driven over real HTTP through python-quickbooks.

References: /work/shared/reference/qbo-samples/ (SOURCES.md says where each file comes from)
and /work/shared/reference/qbo-and-canopy.md ("QBO Customer entity", "Limits").
"""

from __future__ import annotations

import json
import numbers
import os
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import requests

from tui.sandbox.server import SandboxConfig, SandboxServer
from tui.sandbox.store import CustomerStore
from tui.service.qbo.client import QboClient
from tui.service.qbo.errors import QboError

SAMPLES = Path(os.environ.get("CQTRIAGE_QBO_SAMPLES", "/work/shared/reference/qbo-samples"))
NOT_MODELLED = {"CurrencyRef", "DefaultTaxCodeRef"}
"""Keys that depend on company settings (multi-currency, sales tax): listed in docs/qbo.md."""
GEOCODE = {"Lat", "Long"}
"""QBO geocodes addresses after the fact; the sandbox does not (docs/qbo.md)."""

needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason="reference samples not here")


def sample(name: str) -> Any:
    return json.loads((SAMPLES / name).read_text(encoding="utf-8"))


def raw(server: SandboxServer, client: QboClient, method: str, rest: str, body: Any = None,
        **params: str) -> requests.Response:
    return requests.request(method, f"{server.api_url}/company/{server.store.realm_id}/{rest}",
                            data=json.dumps(body) if body is not None else None, params=params,
                            timeout=10,
                            headers={"Authorization": f"Bearer {client.tokens.access_token}",
                                     "Content-Type": "application/json"})


def same_shape(answer: dict[str, Any], expected: dict[str, Any], where: str) -> None:
    """The same keys (less what the sandbox does not model), each value of the same JSON type,
    nested objects compared the same way."""
    want = set(expected) - NOT_MODELLED - GEOCODE
    assert set(answer) == want, f"{where}: missing {want - set(answer)}, extra " \
                                f"{set(answer) - want}"
    for key in want:
        a, e = answer[key], expected[key]
        if isinstance(e, dict):
            assert isinstance(a, dict), f"{where}.{key}"
            same_shape(a, e, f"{where}.{key}")
        elif isinstance(e, bool):
            assert isinstance(a, bool), f"{where}.{key}: {a!r}"
        elif isinstance(e, numbers.Number):
            assert isinstance(a, numbers.Number) and not isinstance(a, bool), f"{where}.{key}"
        else:
            assert isinstance(a, type(e)), f"{where}.{key}: {a!r}"


def writable(customer: dict[str, Any]) -> dict[str, Any]:
    """A sample customer's fields a create may send (what a seeded company would hold)."""
    drop = {"Id", "SyncToken", "MetaData", "domain", "sparse", "FullyQualifiedName", "Balance",
            "BalanceWithJobs", *NOT_MODELLED}
    body = {k: v for k, v in customer.items() if k not in drop}
    for key in ("BillAddr", "ShipAddr"):
        if key in body:
            body[key] = {k: v for k, v in body[key].items() if k not in {"Id", *GEOCODE}}
    return body


@needs_samples
def test_create_answers_the_create_sample_key_by_key(client: QboClient) -> None:
    request = sample("customer_create_request.json")
    expected = sample("customer_create_response.json")["Customer"]
    created = client.create(request, "fid-create")
    same_shape(created, expected, "Customer")
    # Values QBO derives: the read-only FullyQualifiedName sent is ignored, PrintOnCheckName
    # defaults to the company name, the address gets an Id.
    assert created["FullyQualifiedName"] == expected["FullyQualifiedName"] == "King's Groceries"
    assert created["PrintOnCheckName"] == expected["PrintOnCheckName"] == "King Groceries"
    for key in ("BillWithParent", "Job", "Balance", "BalanceWithJobs", "PreferredDeliveryMethod",
                "Active", "SyncToken", "domain", "sparse"):
        assert created[key] == expected[key], key
    assert created["BillAddr"]["Id"].isdigit()


@needs_samples
@pytest.mark.parametrize("name", ["customer_read_response.json",
                                  "customer_query_response.json"])
def test_read_and_query_answer_the_samples_key_by_key(client: QboClient, name: str) -> None:
    data = sample(name)
    customers = data["QueryResponse"]["Customer"] if "QueryResponse" in data else \
        [data["Customer"]]
    for n, expected in enumerate(customers):
        created = client.create(writable(expected), f"fid-{name}-{n}")
        same_shape(client.read(created["Id"]), expected, "Customer")
    listed = client.qb.query("select * from Customer")
    assert set(listed) == {"QueryResponse", "time"}
    assert set(listed["QueryResponse"]) == {"Customer", "startPosition", "maxResults"}
    for answer, expected in zip(listed["QueryResponse"]["Customer"], customers, strict=True):
        same_shape(answer, expected, "QueryResponse.Customer")


@needs_samples
def test_updates_answer_the_samples_key_by_key(client: QboClient) -> None:
    base = sample("customer_read_response.json")["Customer"]
    created = client.create(writable(base), "fid-base")
    sparse = {**sample("customer_sparse_update_request.json"), "Id": created["Id"]}
    updated = client.qb.update_object("Customer", json.dumps(sparse),
                                      request_id="fid-sparse")["Customer"]
    same_shape(updated, sample("customer_sparse_update_response.json")["Customer"], "Customer")
    assert updated["MiddleName"] == "Mark" and updated["SyncToken"] == "1"
    assert updated["BillAddr"]["Id"] == created["BillAddr"]["Id"]  # an address keeps its Id

    full = {**sample("customer_full_update_request.json"), "Id": created["Id"],
            "SyncToken": "1"}
    full["BillAddr"] = {k: v for k, v in full["BillAddr"].items() if k not in GEOCODE}
    answer = client.qb.update_object("Customer", json.dumps(full),
                                     request_id="fid-full")["Customer"]
    same_shape(answer, sample("customer_full_update_response.json")["Customer"], "Customer")


@needs_samples
def test_4001_is_an_invalid_query_as_in_the_sample(server: SandboxServer,
                                                   client: QboClient) -> None:
    error = ET.parse(SAMPLES / "fault_4001_query_validation.xml").getroot().find(
        ".//{http://schema.intuit.com/finance/v3}Error")
    assert error is not None
    ns = "{http://schema.intuit.com/finance/v3}"
    answer = raw(server, client, "GET", "query",
                 query="select * from Customer STARTPOSITION 0")
    fault = answer.json()["Fault"]
    assert answer.status_code == 400 and fault["type"] == "ValidationFault"
    got = fault["Error"][0]
    assert got["code"] == error.get("code") == "4001"
    assert got["Message"] == error.findtext(f"{ns}Message") == "Invalid query"
    assert got["Detail"] == error.findtext(f"{ns}Detail")


def test_rate_limits_are_on_by_default_at_intuits_rates(tokens_for: Any) -> None:
    config = SandboxConfig()
    assert (config.limits, config.requests_per_minute, config.requests_per_second,
            config.batches_per_minute, config.max_concurrent) == (True, 500, 10, 40, 10)
    server, token = tokens_for(config)
    url = f"{server.api_url}/company/{server.store.realm_id}/query"
    headers = {"Authorization": f"Bearer {token}"}
    with requests.Session() as http:
        statuses = [http.get(url, params={"query": "select count(*) from Customer"},
                             headers=headers, timeout=10).status_code for _ in range(12)]
    assert statuses[:10] == [200] * 10 and 429 in statuses[10:]  # 10 a second
    # 40 batch requests a minute: the 41st is refused (the per-second rate lifted for speed).
    server.config.requests_per_second = None
    batch = {"BatchItemRequest": [{"bId": "1", "Query": "select count(*) from Customer"}]}
    with requests.Session() as http:
        answers = [http.post(f"{server.api_url}/company/{server.store.realm_id}/batch",
                             data=json.dumps(batch), headers=headers, timeout=10).status_code
                   for _ in range(41)]
    assert answers[:40] == [200] * 40 and answers[40] == 429


def test_limits_switch_off(tokens_for: Any) -> None:
    server, token = tokens_for(SandboxConfig(limits=False))
    url = f"{server.api_url}/company/{server.store.realm_id}/query"
    with requests.Session() as http:
        statuses = {http.get(url, params={"query": "select count(*) from Customer"},
                             headers={"Authorization": f"Bearer {token}"},
                             timeout=10).status_code for _ in range(15)}
    assert statuses == {200}


@pytest.mark.parametrize(("field", "body", "limit"), [
    ("PrimaryPhone.FreeFormNumber", lambda v: {"PrimaryPhone": {"FreeFormNumber": v}}, 30),
    ("Mobile.FreeFormNumber", lambda v: {"Mobile": {"FreeFormNumber": v}}, 30),
    ("PrimaryEmailAddr.Address", lambda v: {"PrimaryEmailAddr": {"Address": v[:-12] +
                                                                  "@example.com"}}, 100),
    ("BillAddr.Line1", lambda v: {"BillAddr": {"Line1": v}}, 500),
    ("BillAddr.PostalCode", lambda v: {"BillAddr": {"PostalCode": v}}, 30),
    ("BillAddr.City", lambda v: {"BillAddr": {"City": v}}, 255),
    ("ShipAddr.Line2", lambda v: {"ShipAddr": {"Line2": v}}, 500),
    ("WebAddr.URI", lambda v: {"WebAddr": {"URI": v}}, 1000),
    ("CompanyName", lambda v: {"CompanyName": v}, 100),
    ("Notes", lambda v: {"Notes": v}, 2000),
])
def test_field_lengths_fault_2050(server: SandboxServer, client: QboClient, field: str,
                                  body: Any, limit: int) -> None:
    fits = client.create({"DisplayName": "Fits", **body("9" * limit)}, "len-ok")
    assert fits["Id"]
    with pytest.raises(QboError) as caught:
        client.create({"DisplayName": "Too long", **body("9" * (limit + 1))}, "len-bad")
    assert caught.value.code == "2050"
    answer = raw(server, client, "POST", "customer",
                 {"DisplayName": "Too long", **body("9" * (limit + 1))})
    error = answer.json()["Fault"]["Error"][0]
    assert (answer.status_code, error["code"], error["element"]) == (400, "2050", field)
    assert f"Max:{limit} supplied:{limit + 1}" in error["Detail"]


def test_sub_customers(server: SandboxServer, client: QboClient) -> None:
    parent = client.create({"DisplayName": "Morales Family Trust"}, "p")
    job = client.create({"DisplayName": "Elena Morales", "Job": True,
                         "ParentRef": {"value": parent["Id"]}}, "j")
    assert job["FullyQualifiedName"] == "Morales Family Trust:Elena Morales"
    assert (job["Job"], job["Level"], job["ParentRef"]["value"]) == (True, 1, parent["Id"])
    grandchild = client.create({"DisplayName": "2026 Return", "Job": True,
                                "ParentRef": {"value": job["Id"]}}, "g")
    assert grandchild["FullyQualifiedName"] == "Morales Family Trust:Elena Morales:2026 Return"
    assert grandchild["Level"] == 2
    assert "Level" not in client.read(parent["Id"])  # top level: no Level, as the samples
    # Renaming the parent renames its jobs' qualified names.
    client.sparse_update(parent["Id"], parent["SyncToken"], {"DisplayName": "Morales Trust"},
                         "rename")
    assert client.read(job["Id"])["FullyQualifiedName"] == "Morales Trust:Elena Morales"
    found = client.qb.query("select * from Customer where FullyQualifiedName like "
                            "'Morales Trust:%'")["QueryResponse"]["Customer"]
    assert {c["Id"] for c in found} == {job["Id"], grandchild["Id"]}
    # A job without a parent, or a parent without Job: 6150 on element Job
    # (intuit/QuickBooks-V3-PHP-SDK issues #71 and #265).
    for body in ({"DisplayName": "Orphan", "Job": True},
                 {"DisplayName": "Orphan", "ParentRef": {"value": parent["Id"]}}):
        answer = raw(server, client, "POST", "customer", body)
        error = answer.json()["Fault"]["Error"][0]
        assert (answer.status_code, error["code"], error["element"], error["Message"]) == (
            400, "6150", "Job", "ParentRef Required Error")
        with pytest.raises(QboError) as caught:
            client.create(body, f"orphan-{len(body)}")
        assert caught.value.code == "6150"


def test_vendor_and_employee_names_clash_with_customers(client: QboClient) -> None:
    qb = client.qb
    vendor = qb.create_object("Vendor", json.dumps({"DisplayName": "Acme Supplies"}),
                              request_id="v1")["Vendor"]
    employee = qb.create_object("Employee", json.dumps({"GivenName": "Walter",
                                                        "FamilyName": "White"}),
                                request_id="e1")["Employee"]
    assert employee["DisplayName"] == "Walter White"
    assert qb.get_single_object("Vendor", vendor["Id"])["Vendor"]["DisplayName"] == \
        "Acme Supplies"
    listed = qb.query("select * from Employee")["QueryResponse"]["Employee"]
    assert [e["Id"] for e in listed] == [employee["Id"]]
    # 6240 across the three lists, case and spacing ignored, the holder's Id in the Detail.
    for name, holder in (("ACME  Supplies", vendor["Id"]), ("walter white", employee["Id"])):
        with pytest.raises(QboError) as caught:
            client.create({"DisplayName": name}, f"c-{holder}")
        assert caught.value.code == "6240" and caught.value.holder_id == holder  # type: ignore[attr-defined]
    customer = client.create({"DisplayName": "Jesse Pinkman"}, "c1")
    with pytest.raises(Exception) as clash:
        qb.create_object("Vendor", json.dumps({"DisplayName": "Jesse Pinkman"}),
                         request_id="v2")
    assert str(getattr(clash.value, "error_code", "")) == "6240"
    assert f"Id={customer['Id']}" in getattr(clash.value, "detail", "")
    assert client.other_names() == {"Acme Supplies": f"Vendor {vendor['Id']}",
                                    "Walter White": f"Employee {employee['Id']}"}


def test_other_names_include_inactive_records(client: QboClient) -> None:
    qb = client.qb
    gone = qb.create_object("Vendor", json.dumps({"DisplayName": "Old Vendor"}),
                            request_id="v1")["Vendor"]
    qb.update_object("Vendor", json.dumps({"Id": gone["Id"], "SyncToken": "0", "sparse": True,
                                           "Active": False}), request_id="v2")
    assert client.other_names() == {"Old Vendor": f"Vendor {gone['Id']}"}


def test_request_ids_survive_a_restart(tmp_path: Path, tokens_for: Any) -> None:
    state = tmp_path / "company.json"
    server, token = tokens_for(SandboxConfig(limits=False, state_file=state))
    url = f"{server.api_url}/company/{server.store.realm_id}/customer"
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    first = requests.post(url, params={"requestid": "apply-1-op-7"}, headers=headers,
                          data=json.dumps({"DisplayName": "Once"}), timeout=10)
    server.shutdown()
    server.server_close()
    restarted, token = tokens_for(SandboxConfig(limits=False, state_file=state),
                                  CustomerStore.load(state))
    url = f"{restarted.api_url}/company/{restarted.store.realm_id}/customer"
    headers["Authorization"] = f"Bearer {token}"
    again = requests.post(url, params={"requestid": "apply-1-op-7"}, headers=headers,
                          data=json.dumps({"DisplayName": "Once"}), timeout=10)
    assert again.status_code == 200
    assert again.json()["Customer"]["Id"] == first.json()["Customer"]["Id"]
    assert len(restarted.store.customers) == 1


def test_backslash_and_quote_escapes_in_queries(client: QboClient) -> None:
    client.create({"DisplayName": "Back\\slash Co"}, "b1")
    client.create({"DisplayName": "O'Brien Bakery"}, "b2")

    def names(where: str) -> list[str]:
        result = client.qb.query(f"select * from Customer where {where}")["QueryResponse"]
        return [c["DisplayName"] for c in result.get("Customer", [])]

    assert names("DisplayName = 'Back\\\\slash Co'") == ["Back\\slash Co"]
    assert names("DisplayName = 'O\\'Brien Bakery'") == ["O'Brien Bakery"]
    assert names("DisplayName like 'Back\\\\%'") == ["Back\\slash Co"]


def test_the_demo_company_keeps_the_csv_ids_and_its_job() -> None:
    import csv

    from tui.cli import demo_paths
    from tui.sandbox.seed import customers_from_csv, seed_from_records

    store = CustomerStore()
    seed_from_records(store, customers_from_csv(demo_paths()[1]))
    with open(demo_paths()[1], encoding="utf-8", newline="") as handle:
        listed = {row["Id"]: row["Customer"] for row in csv.DictReader(handle)}
    served = {c["Id"]: c["FullyQualifiedName"].removesuffix(" (deleted)") for c in store.all()}
    assert served == {i: n.removesuffix(" (deleted)") for i, n in listed.items()}  # same Ids
    jobs = [c for c in store.all() if c["Job"]]
    assert [j["FullyQualifiedName"] for j in jobs] == [n for n in listed.values() if ":" in n]
    assert all(j["Level"] == 1 and j["ParentRef"]["value"] in served for j in jobs)


@pytest.mark.parametrize("content", ['{"realm_id": "1", "next_id": 1, "customers": {}, '
                                     '"request_ids": []}', "[]", '{"realm_id": "1"}'])
def test_a_broken_state_file_is_one_line(tmp_path: Path, content: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    from tui.cli import main

    state = tmp_path / "company.json"
    state.write_text(content, encoding="utf-8")
    assert main(["sandbox", "--state", str(state), "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{state}: not a sandbox state file" in err


def test_other_names_pages_past_a_thousand(server: SandboxServer, client: QboClient) -> None:
    for n in range(1001):
        server.store.create({"DisplayName": f"Supplier {n:04d}"}, "Vendor")
    server.store.create({"GivenName": "Ann", "FamilyName": "Lee"}, "Employee")
    held = client.other_names()
    assert len(held) == 1002
    assert held["Supplier 1000"].startswith("Vendor ") and held["Ann Lee"].startswith("Employee ")


def test_batches_carry_vendors_and_check_names_across_lists(server: SandboxServer,
                                                            client: QboClient) -> None:
    body = {"BatchItemRequest": [
        {"bId": "1", "operation": "create", "Vendor": {"DisplayName": "Paper Co"}},
        {"bId": "2", "operation": "create", "Customer": {"DisplayName": "paper co"}},
        {"bId": "3", "Query": "select * from Vendor"},
    ]}
    answer = raw(server, client, "POST", "batch", body).json()["BatchItemResponse"]
    by_bid = {item["bId"]: item for item in answer}
    assert by_bid["1"]["Vendor"]["DisplayName"] == "Paper Co"
    assert by_bid["2"]["Fault"]["Error"][0]["code"] == "6240"
    assert [v["DisplayName"] for v in by_bid["3"]["QueryResponse"]["Vendor"]] == ["Paper Co"]
