"""Seeding the sandbox from a QBO customer CSV (the demo's, or a test's), Ids kept in order."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any


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
