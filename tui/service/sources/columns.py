"""Which header holds which record field: alias tables per export, overridable from the config."""

from __future__ import annotations

import re
from pathlib import Path

from tui.service.errors import UserError

# Order matters: the first alias found wins, so the most specific spelling comes first.
CANOPY_ALIASES: dict[str, list[str]] = {
    "record_id": ["client id", "canopy id", "client number", "id", "external id"],
    "kind": ["client type", "type", "entity type"],
    "display_name": ["client name", "display name", "name", "full name"],
    "given_name": ["first name", "given name", "primary contact first name", "contact first name"],
    "family_name": ["last name", "family name", "surname", "primary contact last name",
                    "contact last name"],
    "company_name": ["business name", "company name", "company", "legal name",
                     "business legal name"],
    "email": ["email", "email address", "primary email", "primary contact email", "e-mail"],
    "phone": ["phone", "phone number", "primary phone", "primary contact phone", "mobile phone",
              "cell phone", "home phone", "business phone", "work phone"],
    "street": ["street", "street address", "address line 1", "address 1", "street 1", "address",
               "mailing address"],
    "city": ["city", "town"],
    "region": ["state", "state/province", "province", "region"],
    "postal_code": ["zip", "zip code", "postal code", "zip/postal code", "postcode"],
    "country": ["country"],
    "active": ["active", "status", "client status"],
    "linked_id": ["qbo id", "quickbooks id", "qbo customer id"],
    "updated_at": ["last modified", "updated at", "updated", "date modified"],
}

QBO_ALIASES: dict[str, list[str]] = {
    "record_id": ["id", "customer id"],
    "display_name": ["display name", "customer", "customer name", "name"],
    "full_name": ["full name"],
    "given_name": ["first name", "given name"],
    "family_name": ["last name", "family name"],
    "company_name": ["company", "company name"],
    "email": ["email", "email address", "main email"],
    "phone": ["phone", "phone numbers", "main phone", "phone number", "mobile"],
    "street": ["street", "billing street", "billing address line 1", "address"],
    "address_block": ["billing address", "bill address"],
    "city": ["city", "billing city"],
    "region": ["state", "billing state", "province"],
    "postal_code": ["zip", "billing zip", "postal code", "zip code"],
    "country": ["country", "billing country"],
    "active": ["active", "status"],
    "sync_token": ["sync token", "synctoken"],
    "updated_at": ["last modified", "updated at", "updated"],
}
"""`full_name` and `address_block` are split into record fields by the QBO reader."""


def header_key(header: str) -> str:
    """Headers compared without case, spaces or punctuation: "Client  Name" = "client_name"."""
    return re.sub(r"[^0-9a-z]", "", header.casefold())


def resolve(
    headers: list[str],
    aliases: dict[str, list[str]],
    overrides: dict[str, str],
    path: Path,
    section: str,
) -> dict[str, int]:
    """Field → column index, from the config's overrides first, then the alias table."""
    keys = [header_key(h) for h in headers]
    mapping: dict[str, int] = {}
    taken: set[int] = set()
    for field, header in overrides.items():
        if field not in aliases:
            raise UserError(
                f"[columns.{section}] names an unknown field {field!r}",
                f"use one of: {', '.join(aliases)}",
                path,
            )
        wanted = header_key(header)
        if wanted not in keys:
            raise UserError(
                f"[columns.{section}] {field} = {header!r}, but the file has no such column",
                f"the headers are: {', '.join(h for h in headers if h.strip())}",
                path,
            )
        index = keys.index(wanted)
        mapping[field] = index
        taken.add(index)
    for field, names in aliases.items():
        if field in mapping:
            continue
        for name in names:
            wanted = header_key(name)
            if wanted in keys and keys.index(wanted) not in taken:
                index = keys.index(wanted)
                mapping[field] = index
                taken.add(index)
                break
    return mapping


def has_name(mapping: dict[str, int]) -> bool:
    """Whether a client can be named from the mapped columns."""
    return bool(
        {"display_name", "company_name", "full_name"} & mapping.keys()
        or {"given_name", "family_name"} <= mapping.keys()
    )


def check_repeats(headers: list[str], mapping: dict[str, int], path: Path, line: int) -> None:
    """A column the reader uses must be the only one with its header: with two, which one
    holds the data is a guess (and the other's values would be dropped silently).

    Raises `UserError` naming both columns (1-based) and the header; repeated headers of
    columns the reader does not use are allowed.
    """
    keys = [header_key(h) for h in headers]
    for index in sorted(mapping.values()):
        if not keys[index]:
            continue
        repeats = [i for i, key in enumerate(keys) if key == keys[index] and i != index]
        if repeats:
            other = repeats[0]
            first, second = sorted((index, other))
            raise UserError(
                f"columns {first + 1} and {second + 1} are both headed "
                f"{headers[first].strip()!r}",
                "rename or remove one of them, so the right one is read",
                path,
                line,
                second + 1,
            )
