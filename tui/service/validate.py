"""A record checked as QBO checks a customer: lengths, forbidden characters, a unique
DisplayName, e-mail and phone syntax, state codes and postal codes. Messages are for users."""

from __future__ import annotations

import re
from collections.abc import Callable

from tui.service.match.regions import REGION_CODES, US_COUNTRY_NAMES

EDITABLE_FIELDS = [
    ("display_name", "Display name"), ("given_name", "First name"),
    ("family_name", "Last name"), ("company_name", "Company"), ("email", "Email"),
    ("phone", "Phone"), ("street", "Street"), ("city", "City"), ("region", "State"),
    ("postal_code", "ZIP / postal code"), ("country", "Country"),
]
"""The fields the edit form offers, with their labels."""

MAX_LENGTH = {
    "display_name": 500, "given_name": 100, "family_name": 100, "company_name": 100,
    "email": 100, "phone": 30, "street": 500, "city": 255, "region": 255, "postal_code": 30,
    "country": 255,
}
"""QBO's API limits on the Customer entity, by record field (DisplayName, GivenName,
FamilyName, CompanyName, PrimaryEmailAddr.Address, PrimaryPhone.FreeFormNumber, BillAddr Line1,
City, CountrySubDivisionCode, PostalCode, Country): shared/reference/qbo-and-canopy.md. Longer
values fail with error 2050. The one table both the edit form and the plan check against."""

NO_COLON_TAB_NEWLINE = {"display_name", "given_name", "family_name"}
"""Fields QBO refuses with a colon, tab or line break (same reference)."""

API_NAMES = {
    "display_name": "DisplayName", "given_name": "GivenName", "family_name": "FamilyName",
    "company_name": "CompanyName", "email": "PrimaryEmailAddr", "phone": "PrimaryPhone",
    "street": "BillAddr.Line1", "city": "BillAddr.City",
    "region": "BillAddr.CountrySubDivisionCode", "postal_code": "BillAddr.PostalCode",
    "country": "BillAddr.Country",
}


def qbo_rule_errors(values: dict[str, str]) -> dict[str, str]:
    """Field → message for every QBO rule the given fields break (lengths and forbidden
    characters only: what the API itself refuses). Fields absent from `values` are not
    checked."""
    errors: dict[str, str] = {}
    for name, value in values.items():
        limit = MAX_LENGTH.get(name)
        if limit is not None and len(value) > limit:
            errors[name] = f"at most {limit} characters (now {len(value)})"
        elif name in NO_COLON_TAB_NEWLINE and re.search(r"[:\t\n\r]", value):
            errors[name] = "no colon, tab or line break allowed"
    return errors
US_CODES = {code for code in REGION_CODES.values()}
CANADA_CODES = {"AB", "BC", "MB", "NB", "NL", "NS", "ON", "PE", "QC", "SK", "NT", "NU", "YT"}
_US_ZIP = re.compile(r"^\d{5}(-\d{4})?$")
_CA_POSTAL = re.compile(r"^[A-Za-z]\d[A-Za-z] ?\d[A-Za-z]\d$")


def name_clash_key(name: str) -> str:
    """Names that differ only in case or spacing clash in QBO (taken as such: undocumented)."""
    return re.sub(r"\s+", " ", name).strip().casefold()


def _country(values: dict[str, str]) -> str:
    text = re.sub(r"[^a-z ]", " ", values.get("country", "").casefold())
    text = re.sub(r"\s+", " ", text).strip()
    if not text or text in US_COUNTRY_NAMES:
        return "US"
    return "CA" if text in ("ca", "canada") else text.upper()


def validate_record(values: dict[str, str],
                    name_taken: Callable[[str], bool | str | None] = lambda name: False
                    ) -> dict[str, str]:
    """Field → message for every rule broken; empty when QBO would accept the record.

    `name_taken` says whether another customer holds a display name (active and inactive
    alike: QBO keeps an inactive customer's name reserved): true, or the message saying who.
    """
    # Imported on first use: opening a session should not pay for them.
    import phonenumbers
    from email_validator import EmailNotValidError, validate_email

    errors = qbo_rule_errors({name: values.get(name, "") for name in MAX_LENGTH})
    display = values.get("display_name", "").strip()
    if not display:
        errors["display_name"] = "required: every QBO customer needs a display name"
    elif "display_name" not in errors and (taken := name_taken(display)):
        errors["display_name"] = (taken if isinstance(taken, str) else
                                  "another customer already has this name (QBO error 6240)")
    email = values.get("email", "").strip()
    if email and "email" not in errors:
        try:
            validate_email(email, check_deliverability=False)
        except EmailNotValidError as exc:
            errors["email"] = str(exc)
    country = _country(values)
    phone = values.get("phone", "").strip()
    if phone and "phone" not in errors:
        region = country if len(country) == 2 else "US"
        try:
            number = phonenumbers.parse(phone, region)
            if not phonenumbers.is_possible_number(number):
                errors["phone"] = "not a possible phone number for its country"
        except phonenumbers.NumberParseException:
            errors["phone"] = "not a phone number"
    region = values.get("region", "").strip()
    if region and country in ("US", "CA") and "region" not in errors:
        codes = US_CODES - CANADA_CODES if country == "US" else CANADA_CODES
        if region.upper() not in codes:
            errors["region"] = "use the two-letter code, e.g. NY" if country == "US" else (
                "use the two-letter code, e.g. ON")
    postal = values.get("postal_code", "").strip()
    if postal and "postal_code" not in errors:
        if country == "US" and not _US_ZIP.match(postal):
            errors["postal_code"] = "a US ZIP is 12345 or 12345-6789"
        elif country == "CA" and not _CA_POSTAL.match(postal):
            errors["postal_code"] = "a Canadian postal code is like K1A 0B1"
    return errors
