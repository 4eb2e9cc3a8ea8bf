"""What the sandbox knows of each name-list entity: writable fields, string lengths, defaults a
created record gets, and the checks QBO makes before it writes.

Sources (`/work/shared/reference/`): qbo-and-canopy.md "QBO Customer entity" for the lengths;
qbo-samples/customer_*_response.json for the keys every Customer answer carries; the 6150 fault
for a job without a parent (element `Job`, message "ParentRef Required Error") as Intuit sent
it in intuit/QuickBooks-V3-PHP-SDK issues #71 and #265.
"""

from __future__ import annotations

import re
from typing import Any

from tui.sandbox import wire

ENTITIES = ("Customer", "Vendor", "Employee")
"""The three lists whose DisplayNames must be unique together (Intuit's Customer page)."""

_PERSON = ["DisplayName", "Title", "GivenName", "MiddleName", "FamilyName", "Suffix",
           "PrintOnCheckName", "PrimaryEmailAddr", "PrimaryPhone", "Mobile", "Fax", "Active"]
WRITABLE: dict[str, list[str]] = {
    "Customer": [*_PERSON, "CompanyName", "WebAddr", "BillAddr", "ShipAddr", "Notes", "Job",
                 "ParentRef", "BillWithParent", "Taxable", "PreferredDeliveryMethod"],
    "Vendor": [*_PERSON, "CompanyName", "WebAddr", "BillAddr", "Vendor1099", "AcctNum"],
    "Employee": [*_PERSON, "PrimaryAddr", "EmployeeNumber", "SSN", "BillableTime",
                 "HiredDate", "ReleasedDate", "BirthDate", "Gender"],
}
"""Fields a full update replaces (a full update sets every one it leaves out to null)."""

ADDRESSES = ("BillAddr", "ShipAddr", "PrimaryAddr")

LIMITS = {"DisplayName": 500, "Title": 16, "GivenName": 100, "MiddleName": 100,
          "FamilyName": 100, "Suffix": 16, "CompanyName": 100, "PrintOnCheckName": 110,
          "Notes": 2000}
NESTED_LIMITS = {("PrimaryEmailAddr", "Address"): 100, ("PrimaryPhone", "FreeFormNumber"): 30,
                 ("Mobile", "FreeFormNumber"): 30, ("Fax", "FreeFormNumber"): 30,
                 ("WebAddr", "URI"): 1000}
ADDRESS_LIMITS = {"Line1": 500, "Line2": 500, "Line3": 500, "Line4": 500, "Line5": 500,
                  "City": 255, "CountrySubDivisionCode": 255, "Country": 255, "PostalCode": 30}
ADDRESS_LINES_TOTAL = 2000
NO_COLON = ("DisplayName", "Title", "GivenName", "MiddleName", "FamilyName", "Suffix",
            "PrintOnCheckName")


def defaults(entity: str, body: dict[str, Any]) -> dict[str, Any]:
    """Keys QBO fills in on create when the request leaves them out.

    Customer: every sample answer carries Balance, BalanceWithJobs, BillWithParent,
    PreferredDeliveryMethod ("Print"), PrintOnCheckName (the CompanyName when given — the
    create sample sends none and gets "King Groceries" back — else the DisplayName) and
    Taxable; Job is false for a top-level customer.
    """
    shown = body.get("CompanyName") or body["DisplayName"]
    if entity == "Customer":
        return {"Active": True, "Job": False, "BillWithParent": False, "Balance": 0,
                "BalanceWithJobs": 0, "Taxable": False, "PreferredDeliveryMethod": "Print",
                "PrintOnCheckName": shown}
    if entity == "Vendor":
        return {"Active": True, "Balance": 0, "Vendor1099": False, "PrintOnCheckName": shown}
    return {"Active": True, "BillableTime": False, "PrintOnCheckName": body["DisplayName"]}


def check_fields(body: dict[str, Any]) -> None:
    """Lengths (2050, `element` naming the field, Detail giving max and supplied), characters
    and the e-mail's shape; raises `wire.Fault`."""
    for name, limit in LIMITS.items():
        value = body.get(name)
        if isinstance(value, str) and len(value) > limit:
            raise wire.too_long(name, limit, len(value))
        if name in NO_COLON and isinstance(value, str) and re.search(r"[:\t\n]", value):
            raise wire.invalid_characters(name)
    for (outer, inner), limit in NESTED_LIMITS.items():
        value = (body.get(outer) or {}).get(inner) if isinstance(body.get(outer), dict) else None
        if isinstance(value, str) and len(value) > limit:
            raise wire.too_long(f"{outer}.{inner}", limit, len(value))
    for address in ADDRESSES:
        fields = body.get(address)
        if not isinstance(fields, dict):
            continue
        for name, limit in ADDRESS_LIMITS.items():
            value = fields.get(name)
            if isinstance(value, str) and len(value) > limit:
                raise wire.too_long(f"{address}.{name}", limit, len(value))
        lines = sum(len(fields.get(f"Line{n}") or "") for n in range(1, 6))
        if lines > ADDRESS_LINES_TOTAL:
            raise wire.too_long(f"{address}.Line1", ADDRESS_LINES_TOTAL, lines)
    email = (body.get("PrimaryEmailAddr") or {}).get("Address")
    if email and ("@" not in email or "." not in email.split("@")[-1] or " " in email):
        raise wire.Fault(400, "6000", "A business validation error has occurred while "
                         "processing your request", "Business Validation Error: the email "
                         "address is not valid.", "PrimaryEmailAddr")


def check_job(record: dict[str, Any]) -> None:
    """`Job: true` needs a ParentRef and a ParentRef needs `Job: true`: else 6150."""
    parent = record.get("ParentRef")
    has_parent = isinstance(parent, dict) and bool(parent.get("value"))
    if bool(record.get("Job")) != has_parent:
        raise wire.Fault(400, "6150", "ParentRef Required Error",
                         "ParentRef is either required or not if Job is true or false.", "Job")


def default_name(body: dict[str, Any]) -> str | None:
    """DisplayName, else the person's name parts, else the company (as QBO derives it)."""
    parts = [body.get(k) for k in ("Title", "GivenName", "MiddleName", "FamilyName", "Suffix")]
    person = " ".join(p for p in parts if p)
    return body.get("DisplayName") or person or body.get("CompanyName")
