"""The sandbox's company data: customers (jobs included), vendors and employees in memory,
optionally saved to a JSON file, with QBO's rules: display names unique across the three lists
(inactive ones included), SyncToken checks, sparse and full updates, " (deleted)" on inactive
names, address Ids, a job's derived FullyQualifiedName and Level, and remembered request ids
(saved with the company, so a restarted sandbox still answers a retry with its first answer)."""

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
from tui.sandbox.entities import (
    ADDRESSES,
    ENTITIES,
    WRITABLE,
    check_fields,
    check_job,
    default_name,
    defaults,
)
from tui.service import paths

DELETED = " (deleted)"
MAX_LEVEL = 4
"""QBO nests sub-customers at most four levels below a top-level customer."""


def clash_key(name: str) -> str:
    """Names differing only in case or spacing are taken to clash (Intuit does not say)."""
    return re.sub(r"\s+", " ", name).strip().casefold()


def _timestamp() -> str:
    return dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds")


class CustomerStore:
    """One QBO company's name lists. Thread-safe: the server answers requests in threads.

    Ids come from one counter for the three lists, so a 6240's `Id=` names one record.
    """

    def __init__(self, realm_id: str = "9341453050000000",
                 clock: Callable[[], str] = _timestamp) -> None:
        self.realm_id = realm_id
        self.clock = clock
        self.customers: dict[str, dict[str, Any]] = {}
        self.vendors: dict[str, dict[str, Any]] = {}
        self.employees: dict[str, dict[str, Any]] = {}
        self.next_id = 1
        self.next_address_id = 1
        self.request_ids: dict[str, tuple[int, bytes]] = {}
        self.names: dict[str, str] = {}
        """clash_key(DisplayName) → Id, over all three lists, inactive records included."""
        self.lock = threading.RLock()

    def table(self, entity: str) -> dict[str, dict[str, Any]]:
        """The records of one entity (`Customer`, `Vendor`, `Employee`), by Id."""
        return {"Customer": self.customers, "Vendor": self.vendors,
                "Employee": self.employees}[entity]

    # persistence --------------------------------------------------------------------------------
    def save(self, path: Path) -> None:
        with self.lock:
            # Request ids too: a durable company answers a resent request from memory.
            data = {"realm_id": self.realm_id, "next_id": self.next_id,
                    "next_address_id": self.next_address_id, "customers": self.customers,
                    "vendors": self.vendors, "employees": self.employees,
                    "request_ids": {key: [status, body.decode("utf-8")]
                                    for key, (status, body) in self.request_ids.items()}}
            text = json.dumps(data, indent=1)
        paths.write_private(Path(path), text)  # 0600: client data

    @classmethod
    def load(cls, path: Path) -> CustomerStore:
        """A company saved by `save`; ValueError for a file of another shape (OSError when
        it cannot be read)."""
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        try:
            return cls._from_data(data)
        except (AttributeError, KeyError, TypeError) as exc:
            raise ValueError(f"not a sandbox state file ({type(exc).__name__})") from None

    @classmethod
    def _from_data(cls, data: dict[str, Any]) -> CustomerStore:
        store = cls(data["realm_id"])
        store.customers = data["customers"]
        store.vendors = data.get("vendors", {})
        store.employees = data.get("employees", {})
        store.next_id = data["next_id"]
        store.next_address_id = data.get("next_address_id", 1)
        store.request_ids = {key: (int(status), body.encode("utf-8"))
                             for key, (status, body) in data.get("request_ids", {}).items()}
        for entity in ENTITIES:
            for entity_id, record in store.table(entity).items():
                store.names[clash_key(record["DisplayName"])] = entity_id
        return store

    # reading ------------------------------------------------------------------------------------
    def _qualified(self, customer: dict[str, Any]) -> tuple[str, int]:
        """A customer's FullyQualifiedName ("Parent:Child") and Level (0 for top level)."""
        names, level, current = [customer["DisplayName"]], 0, customer
        while current.get("Job") and isinstance(current.get("ParentRef"), dict):
            parent = self.customers.get(str(current["ParentRef"].get("value")))
            if parent is None or level > MAX_LEVEL:
                break
            names.insert(0, parent["DisplayName"])
            level += 1
            current = parent
        return ":".join(names), level

    def out(self, record: dict[str, Any], entity: str = "Customer") -> dict[str, Any]:
        """A record as the API returns it: inactive names carry " (deleted)"; a customer's
        FullyQualifiedName is derived from its parents."""
        shown = copy.deepcopy(record)
        if entity == "Customer":
            qualified, level = self._qualified(record)
            shown["FullyQualifiedName"] = qualified
            if shown.get("Job"):
                shown["Level"] = level
        if not shown.get("Active", True):
            shown["DisplayName"] = shown["DisplayName"] + DELETED
            if entity == "Customer":
                shown["FullyQualifiedName"] = shown["FullyQualifiedName"] + DELETED
        shown["domain"] = "QBO"
        shown["sparse"] = False
        return shown

    def get(self, entity_id: str, entity: str = "Customer") -> dict[str, Any]:
        with self.lock:
            record = self.table(entity).get(str(entity_id))
            if record is None:
                raise wire.not_found(str(entity_id))
            return self.out(record, entity)

    def all(self, entity: str = "Customer") -> list[dict[str, Any]]:
        with self.lock:
            return [self.out(r, entity) for r in self.table(entity).values()]

    def stored(self, entity: str = "Customer") -> list[dict[str, Any]]:
        """Records in stored form (names without the suffix, a job's FullyQualifiedName
        derived), for queries to filter."""
        with self.lock:
            rows = [copy.deepcopy(r) for r in self.table(entity).values()]
            if entity == "Customer":
                for row in rows:
                    row["FullyQualifiedName"], level = self._qualified(row)
                    if row.get("Job"):
                        row["Level"] = level
            return rows

    # checks -------------------------------------------------------------------------------------
    def _check(self, entity: str, changes: dict[str, Any], record: dict[str, Any],
               own_id: str | None) -> None:
        check_fields(changes)
        name = changes.get("DisplayName")
        if name:
            holder = self.names.get(clash_key(name))
            if holder is not None and holder != own_id:
                raise wire.duplicate_name(holder)
        if entity == "Customer":
            check_job(record)
            if record.get("Job"):
                parent_id = str(record["ParentRef"]["value"])
                if parent_id == own_id or parent_id not in self.customers:
                    raise wire.not_found(parent_id)
                if self._qualified({**record, "DisplayName": "x"})[1] > MAX_LEVEL:
                    raise wire.Fault(400, "6000", "A business validation error has occurred "
                                     "while processing your request", "Business Validation "
                                     f"Error: sub-customers nest at most {MAX_LEVEL} levels.",
                                     "ParentRef")

    def _address_ids(self, record: dict[str, Any], current: dict[str, Any]) -> None:
        """Give each address an Id: kept when the record had that address, else a new one."""
        for key in ADDRESSES:
            address = record.get(key)
            if not isinstance(address, dict):
                continue
            old = (current.get(key) or {}).get("Id")
            if old is not None:
                address["Id"] = old
            else:
                address["Id"] = str(self.next_address_id)
                self.next_address_id += 1

    # writing ------------------------------------------------------------------------------------
    def create(self, body: dict[str, Any], entity: str = "Customer") -> dict[str, Any]:
        with self.lock:
            body = copy.deepcopy({k: v for k, v in body.items()
                                  if k in WRITABLE[entity] and v is not None})
            name = default_name(body)
            if not name:
                raise wire.required("DisplayName")
            body["DisplayName"] = name.removesuffix(DELETED)
            record = {**defaults(entity, body), **body}
            self._check(entity, body, record, None)
            entity_id = str(self.next_id)
            self.next_id += 1
            now = self.clock()
            self._address_ids(record, {})
            record = {"Id": entity_id, "SyncToken": "0", **record,
                      "MetaData": {"CreateTime": now, "LastUpdatedTime": now}}
            self.table(entity)[entity_id] = record
            self.names[clash_key(record["DisplayName"])] = entity_id
            return self.out(record, entity)

    def update(self, body: dict[str, Any], entity: str = "Customer") -> dict[str, Any]:
        with self.lock:
            entity_id = body.get("Id")
            if entity_id is None:
                raise wire.required("Id")
            if body.get("SyncToken") is None:
                raise wire.required("SyncToken")
            table = self.table(entity)
            current = table.get(str(entity_id))
            if current is None:
                raise wire.not_found(str(entity_id))
            if str(body["SyncToken"]) != current["SyncToken"]:
                raise wire.stale_object(str(entity_id))
            changes = copy.deepcopy({k: v for k, v in body.items() if k in WRITABLE[entity]})
            if changes.get("DisplayName"):
                changes["DisplayName"] = changes["DisplayName"].removesuffix(DELETED)
            if body.get("sparse"):
                updated = {**current, **changes}
            else:
                # A full update nulls every writable field it leaves out.
                updated = {k: v for k, v in current.items() if k not in WRITABLE[entity]}
                updated.update(changes)
                updated.setdefault("Active", True)
                if entity == "Customer":
                    updated.setdefault("Job", False)
            if not updated.get("DisplayName"):
                raise wire.required("DisplayName")
            updated = {k: v for k, v in updated.items() if v is not None}
            self._check(entity, changes, updated, str(entity_id))
            self._address_ids(updated, current)
            updated["SyncToken"] = str(int(current["SyncToken"]) + 1)
            updated["MetaData"] = {**current["MetaData"], "LastUpdatedTime": self.clock()}
            table[str(entity_id)] = updated
            self.names.pop(clash_key(current["DisplayName"]), None)
            self.names[clash_key(updated["DisplayName"])] = str(entity_id)
            return self.out(updated, entity)

    # idempotency --------------------------------------------------------------------------------
    def remembered(self, request_id: str) -> tuple[int, bytes] | None:
        with self.lock:
            return self.request_ids.get(request_id)

    def remember(self, request_id: str, status: int, body: bytes) -> None:
        with self.lock:
            self.request_ids.setdefault(request_id, (status, body))
