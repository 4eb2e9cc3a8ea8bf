"""The sandbox's company data: customers in memory (optionally saved to a JSON file), with
QBO's rules: unique display names (inactive ones included), SyncToken checks, sparse and full
updates, " (deleted)" on inactive names, and remembered request ids."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tui.sandbox import wire
from tui.service import paths

DELETED = " (deleted)"
WRITABLE = [
    "DisplayName", "Title", "GivenName", "MiddleName", "FamilyName", "Suffix", "CompanyName",
    "PrintOnCheckName", "PrimaryEmailAddr", "PrimaryPhone", "Mobile", "Fax", "WebAddr",
    "BillAddr", "ShipAddr", "Notes", "Active", "Job", "ParentRef", "BillWithParent",
    "Taxable", "PreferredDeliveryMethod",
]
"""Fields a full update replaces (a full update sets every one it leaves out to null)."""

LIMITS = {"DisplayName": 500, "Title": 16, "GivenName": 100, "MiddleName": 100,
          "FamilyName": 100, "Suffix": 16, "CompanyName": 100, "PrintOnCheckName": 110,
          "Notes": 2000}
NO_COLON = ("DisplayName", "Title", "GivenName", "MiddleName", "FamilyName", "Suffix",
            "PrintOnCheckName")


def clash_key(name: str) -> str:
    """Names differing only in case or spacing are taken to clash (Intuit does not say)."""
    return re.sub(r"\s+", " ", name).strip().casefold()


def _timestamp() -> str:
    return dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds")


class CustomerStore:
    """One QBO company's customers. Thread-safe: the server answers requests in threads."""

    def __init__(self, realm_id: str = "9341453050000000",
                 clock: Callable[[], str] = _timestamp) -> None:
        self.realm_id = realm_id
        self.clock = clock
        self.customers: dict[str, dict[str, Any]] = {}
        self.next_id = 1
        self.request_ids: dict[str, tuple[int, bytes]] = {}
        self.names: dict[str, str] = {}
        """clash_key(DisplayName) → Id, inactive customers included."""
        self.lock = threading.RLock()

    # persistence --------------------------------------------------------------------------------
    def save(self, path: Path) -> None:
        with self.lock:
            # Request ids too: a durable company answers a resent request from memory.
            data = {"realm_id": self.realm_id, "next_id": self.next_id,
                    "customers": self.customers,
                    "request_ids": {k: [status, body.decode("utf-8")]
                                    for k, (status, body) in self.request_ids.items()}}
        paths.write_private(Path(path), json.dumps(data, indent=1))  # 0600: client data

    @classmethod
    def load(cls, path: Path) -> CustomerStore:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        store = cls(data["realm_id"])
        store.customers = data["customers"]
        store.next_id = data["next_id"]
        store.request_ids = {k: (status, body.encode("utf-8"))
                             for k, (status, body) in data.get("request_ids", {}).items()}
        store.names = {clash_key(c["DisplayName"]): i for i, c in store.customers.items()}
        return store

    # reading ------------------------------------------------------------------------------------
    def out(self, customer: dict[str, Any]) -> dict[str, Any]:
        """A customer as the API returns it: inactive names carry " (deleted)"."""
        shown = copy.deepcopy(customer)
        if not shown.get("Active", True):
            shown["DisplayName"] = shown["DisplayName"] + DELETED
            shown["FullyQualifiedName"] = shown["DisplayName"]
        shown["domain"] = "QBO"
        shown["sparse"] = False
        return shown

    def get(self, entity_id: str) -> dict[str, Any]:
        with self.lock:
            customer = self.customers.get(str(entity_id))
            if customer is None:
                raise wire.not_found(str(entity_id))
            return self.out(customer)

    def all(self) -> list[dict[str, Any]]:
        with self.lock:
            return [self.out(c) for c in self.customers.values()]

    def stored(self) -> list[dict[str, Any]]:
        """Customers in stored form (names without the suffix), for queries to filter."""
        with self.lock:
            return [copy.deepcopy(c) for c in self.customers.values()]

    # checks -------------------------------------------------------------------------------------
    def _check(self, body: dict[str, Any], own_id: str | None) -> None:
        for name, limit in LIMITS.items():
            value = body.get(name)
            if isinstance(value, str) and len(value) > limit:
                raise wire.too_long(name, limit, len(value))
            if name in NO_COLON and isinstance(value, str) and re.search(r"[:\t\n]", value):
                raise wire.invalid_characters(name)
        email = (body.get("PrimaryEmailAddr") or {}).get("Address")
        if email and ("@" not in email or "." not in email.split("@")[-1] or " " in email):
            raise wire.Fault(400, "6000", "A business validation error has occurred while "
                             "processing your request", "Business Validation Error: the email "
                             "address is not valid.", "PrimaryEmailAddr")
        name = body.get("DisplayName")
        if name:
            holder = self.names.get(clash_key(name))
            if holder is not None and holder != own_id:
                raise wire.duplicate_name(holder)

    @staticmethod
    def _default_name(body: dict[str, Any]) -> str | None:
        parts = [body.get(k) for k in ("Title", "GivenName", "MiddleName", "FamilyName",
                                        "Suffix")]
        person = " ".join(p for p in parts if p)
        return body.get("DisplayName") or person or body.get("CompanyName")

    # writing ------------------------------------------------------------------------------------
    def create(self, body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            body = {k: v for k, v in body.items() if k in WRITABLE and v is not None}
            name = self._default_name(body)
            if not name:
                raise wire.required("DisplayName")
            body["DisplayName"] = name.removesuffix(DELETED)
            self._check(body, None)
            entity_id = str(self.next_id)
            self.next_id += 1
            now = self.clock()
            customer = {"Id": entity_id, "SyncToken": "0", "Active": True, "Job": False,
                        **body, "FullyQualifiedName": body["DisplayName"],
                        "MetaData": {"CreateTime": now, "LastUpdatedTime": now}}
            self.customers[entity_id] = customer
            self.names[clash_key(customer["DisplayName"])] = entity_id
            return self.out(customer)

    def update(self, body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            entity_id = body.get("Id")
            if entity_id is None:
                raise wire.required("Id")
            if body.get("SyncToken") is None:
                raise wire.required("SyncToken")
            current = self.customers.get(str(entity_id))
            if current is None:
                raise wire.not_found(str(entity_id))
            if str(body["SyncToken"]) != current["SyncToken"]:
                raise wire.stale_object(str(entity_id))
            changes = {k: v for k, v in body.items() if k in WRITABLE}
            if changes.get("DisplayName"):
                changes["DisplayName"] = changes["DisplayName"].removesuffix(DELETED)
            if body.get("sparse"):
                updated = {**current, **changes}
            else:
                # A full update nulls every writable field it leaves out.
                updated = {k: v for k, v in current.items() if k not in WRITABLE}
                updated.update(changes)
                updated.setdefault("Active", True)
            if not updated.get("DisplayName"):
                raise wire.required("DisplayName")
            self._check({**changes, "DisplayName": updated["DisplayName"]}
                        if "DisplayName" in changes else changes, str(entity_id))
            updated["FullyQualifiedName"] = updated["DisplayName"]
            updated["SyncToken"] = str(int(current["SyncToken"]) + 1)
            updated["MetaData"] = {**current["MetaData"], "LastUpdatedTime": self.clock()}
            self.customers[str(entity_id)] = {k: v for k, v in updated.items() if v is not None}
            self.names.pop(clash_key(current["DisplayName"]), None)
            self.names[clash_key(updated["DisplayName"])] = str(entity_id)
            return self.out(self.customers[str(entity_id)])

    # idempotency --------------------------------------------------------------------------------
    def remembered(self, request_id: str) -> tuple[int, bytes] | None:
        with self.lock:
            return self.request_ids.get(request_id)

    def remember(self, request_id: str, status: int, body: bytes) -> None:
        with self.lock:
            self.request_ids.setdefault(request_id, (status, body))
