"""Seeding the sandbox from a QBO customer CSV (the demo's, or a test's), Ids kept in order;
sub-customers ("Parent:Job") become jobs of their parent."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from tui.sandbox import wire
from tui.sandbox.store import CustomerStore


def customers_from_csv(path: Path) -> list[dict[str, Any]]:
    """API-shaped customers from a QBO CSV with Id, Customer, … and Status columns, in Id order
    (so a fresh sandbox gives them the same Ids). A sub-customer ("Parent:Job") comes with
    `Job: true` and `ParentName`, which `seed_from_records` turns into a ParentRef."""
    customers = []
    with open(path, encoding="utf-8", newline="") as handle:
        rows = sorted(csv.DictReader(handle), key=lambda r: int(r.get("Id") or 0))
    for row in rows:
        name = row["Customer"].removesuffix(" (deleted)")
        customer: dict[str, Any] = {"DisplayName": name.rsplit(":", 1)[-1],
                                    "Active": row.get("Status", "Active") != "Inactive"}
        if ":" in name:
            customer.update(Job=True, ParentName=name.rsplit(":", 1)[0])
        for key, column in (("GivenName", "First Name"), ("FamilyName", "Last Name"),
                            ("CompanyName", "Company")):
            if row.get(column):
                customer[key] = row[column]
        if row.get("Email"):
            customer["PrimaryEmailAddr"] = {"Address": row["Email"]}
        if row.get("Phone"):
            customer["PrimaryPhone"] = {"FreeFormNumber": row["Phone"]}
        if row.get("Street"):
            customer["BillAddr"] = {"Line1": row["Street"], "City": row.get("City", ""),
                                    "CountrySubDivisionCode": row.get("State", ""),
                                    "PostalCode": row.get("ZIP", ""),
                                    "Country": row.get("Country", "")}
        customers.append(customer)
    return customers


def seed_from_records(store: CustomerStore, customers: list[dict[str, Any]]) -> None:
    """Load customers (API shape, with Active) into the store, keeping their order; a name
    already taken gets " (2)", " (3)"… as a QBO user would give it. A job names its parent by
    `ParentName` (its fully qualified name): a job listed before its parent waits for it; one
    whose parent never comes is left out."""
    ids = {c["FullyQualifiedName"].removesuffix(" (deleted)"): c["Id"] for c in store.all()}
    waiting = []
    for customer in customers:
        if customer.get("ParentName") and customer["ParentName"] not in ids:
            waiting.append(customer)
            continue
        created = _seed_one(store, customer, ids)
        ids[created["FullyQualifiedName"].removesuffix(" (deleted)")] = created["Id"]
    for customer in waiting:
        if customer["ParentName"] in ids:
            _seed_one(store, customer, ids)


def _seed_one(store: CustomerStore, customer: dict[str, Any],
              ids: dict[str, str]) -> dict[str, Any]:
    active = customer.get("Active", True)
    body = {k: v for k, v in customer.items() if k not in ("Active", "ParentName")}
    if customer.get("ParentName"):
        body["ParentRef"] = {"value": ids[customer["ParentName"]]}
    name, number = body.get("DisplayName"), 1
    while True:
        try:
            created = store.create(body)
            break
        except wire.Fault as fault:
            if fault.code != "6240" or not name:
                raise
            number += 1
            body["DisplayName"] = f"{name} ({number})"
    if not active:
        created = store.update({"Id": created["Id"], "SyncToken": created["SyncToken"],
                                "sparse": True, "Active": False})
    return created
