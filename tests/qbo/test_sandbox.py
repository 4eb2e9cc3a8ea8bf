"""The sandbox's own contract, where the client's tests do not reach: full updates, persistence,
batch limits, and the token file's mode."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
import requests

from tui.sandbox.server import SandboxServer
from tui.sandbox.store import CustomerStore
from tui.sandbox.wire import Fault
from tui.service.qbo.client import QboClient
from tui.service.qbo.tokens import Tokens, save_tokens


def post(server: SandboxServer, client: QboClient, rest: str, body: object,
         **params: str) -> requests.Response:
    return requests.post(f"{server.api_url}/company/{server.store.realm_id}/{rest}",
                         data=json.dumps(body), params=params, timeout=10,
                         headers={"Authorization": f"Bearer {client.tokens.access_token}",
                                  "Content-Type": "application/json"})


def test_full_update_blanks_what_it_leaves_out() -> None:
    store = CustomerStore()
    created = store.create({"DisplayName": "Ann Lee", "GivenName": "Ann",
                            "PrimaryEmailAddr": {"Address": "ann@example.com"}})
    updated = store.update({"Id": created["Id"], "SyncToken": "0", "DisplayName": "Ann Lee"})
    assert "GivenName" not in updated and "PrimaryEmailAddr" not in updated


def test_state_survives_a_restart(tmp_path: Path) -> None:
    store = CustomerStore()
    store.create({"DisplayName": "Keep Me"})
    store.save(tmp_path / "company.json")
    loaded = CustomerStore.load(tmp_path / "company.json")
    assert [c["DisplayName"] for c in loaded.all()] == ["Keep Me"]
    with pytest.raises(Fault) as caught:
        loaded.create({"DisplayName": "keep me"})
    assert caught.value.code == "6240"


def test_batch_limits_on_the_wire(server: SandboxServer, client: QboClient) -> None:
    too_many = {"BatchItemRequest": [{"bId": str(n), "operation": "create",
                                      "Customer": {"DisplayName": f"N{n}"}} for n in range(31)]}
    assert post(server, client, "batch", too_many).json()["Fault"]["Error"][0]["code"] == "2050"
    long_bid = {"BatchItemRequest": [{"bId": "x" * 11, "operation": "create",
                                      "Customer": {"DisplayName": "A"}}]}
    assert post(server, client, "batch", long_bid).status_code == 400
    long_id = post(server, client, "customer", {"DisplayName": "B"}, requestid="r" * 51)
    assert long_id.json()["Fault"]["Error"][0]["element"] == "requestid"
    assert client.count() == 0


def test_customers_cannot_be_deleted(server: SandboxServer, client: QboClient) -> None:
    created = client.create({"DisplayName": "Stay"}, "d1")
    response = post(server, client, "customer", {"Id": created["Id"], "SyncToken": "0"},
                    operation="delete")
    assert response.status_code == 400
    assert client.read(created["Id"])["Active"] is True


def test_token_file_is_private_even_over_an_older_file(tmp_path: Path) -> None:
    path = tmp_path / "qbo-tokens.json"
    path.write_text("{}", encoding="utf-8")
    os.chmod(path, 0o644)
    save_tokens(Tokens("local", "1", "secret-access", "secret-refresh"), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "secret" not in repr(Tokens("local", "1", "secret-access", "secret-refresh"))


@pytest.mark.parametrize(("bad", "code"), [({"bId": "x" * 11}, "2050"), ({"bId": ""}, "2050"),
                                           ("not an object", "2010")],
                         ids=["long-bid", "empty-bid", "not-an-object"])
def test_a_batch_refused_whole_writes_none_of_its_items(
        server: SandboxServer, client: QboClient, bad: object, code: str) -> None:
    # The bad item comes after good ones: a batch-level Fault must mean nothing was applied,
    # since that Fault is what the request id remembers.
    items: list[object] = [{"bId": str(n), "operation": "create",
                            "Customer": {"DisplayName": f"Before {n}"}} for n in range(1, 4)]
    if isinstance(bad, dict):
        bad = {**bad, "operation": "create", "Customer": {"DisplayName": "Bad One"}}
    response = post(server, client, "batch", {"BatchItemRequest": [*items, bad]},
                    requestid="whole-or-none")
    assert response.status_code == 400
    assert response.json()["Fault"]["Error"][0]["code"] == code
    assert client.count() == 0
