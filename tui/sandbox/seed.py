"""Seeding the sandbox from a QBO customer CSV (the demo's, or a test's), Ids kept in order."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from tui.sandbox import wire
from tui.sandbox.store import CustomerStore


def customers_from_csv(path: Path) -> list[dict[str, Any]]:
    """API-shaped customers from a QBO CSV with Id, Customer, … and Status columns, in Id order
    (so a fresh sandbox gives them the same Ids); sub-customers are left out."""
    customers = []
    with open(path, encoding="utf-8", newline="") as handle:
        rows = sorted(csv.DictReader(handle), key=lambda r: int(r.get("Id") or 0))
    for row in rows:
        name = row["Customer"].removesuffix(" (deleted)")
        if ":" in name:
            continue  # a sub-customer needs its parent's Id
        customer: dict[str, Any] = {"DisplayName": name,
                                    "Active": row.get("Status", "Active") != "Inactive"}
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
    already taken gets " (2)", " (3)"… as a QBO user would give it."""
    for customer in customers:
        active = customer.get("Active", True)
        body = {k: v for k, v in customer.items() if k != "Active"}
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
            store.update({"Id": created["Id"], "SyncToken": created["SyncToken"],
                          "sparse": True, "Active": False})
