"""QBO field values as a person reads them, in the plan screen, `cqtriage plan` and the QBO
worklist alike: `Active` as active/inactive, a phone or e-mail object as its number or address,
a billing address on one line, QBO's field names in plain words."""

from __future__ import annotations

from typing import Any

FIELD_NAMES = {"DisplayName": "Display name", "GivenName": "First name",
               "FamilyName": "Last name", "CompanyName": "Company", "PrimaryEmailAddr": "Email",
               "PrimaryPhone": "Phone", "BillAddr": "Address", "Active": "Active"}
"""QBO's field names as a user reads them."""

ADDRESS_ORDER = ("Line1", "Line2", "City", "CountrySubDivisionCode", "PostalCode", "Country")


def shown(value: Any, field: str = "", blank: str = "—") -> str:
    """One value as text; `blank` for nothing."""
    if field == "Active" and isinstance(value, bool):
        return "active" if value else "inactive"
    if isinstance(value, dict):
        if "FreeFormNumber" in value or "Address" in value:
            return shown(value.get("FreeFormNumber", value.get("Address")), blank=blank)
        parts = [str(value[k]) for k in ADDRESS_ORDER if value.get(k)]
        parts += [str(v) for k, v in value.items() if k not in ADDRESS_ORDER and v]
        return ", ".join(parts) if parts else blank
    return blank if value in (None, "") else str(value)
