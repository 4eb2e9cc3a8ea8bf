"""Stale decisions: a decision keeps the fields of the records it was made on (its *basis*);
when an input changes under it, the decision is kept, shown with what changed, and left out of
the plan until the user re-confirms or drops it. Never dropped silently, never a crash.

Our own writes are not changes: a QBO customer that reads back as an apply run left it (renamed,
made inactive) is as decided, so apply → re-fetch → plan does not call its own work foreign.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tui.service.journal import Decision
from tui.service.sources.identity import is_own_id

VANISHED = "__vanished__"
"""A basis entry for a record that was gone when the user confirmed the decision anyway."""

FIELD_WORDS = {
    "display_name": "name", "kind": "client type", "given_name": "first name",
    "family_name": "last name", "company_name": "company", "email": "e-mail", "phone": "phone",
    "street": "street", "city": "city", "region": "state", "postal_code": "ZIP",
    "country": "country", "active": "active",
}

_API_FIELDS = {"DisplayName": "display_name", "GivenName": "given_name",
               "FamilyName": "family_name", "CompanyName": "company_name"}
_ADDRESS_FIELDS = {"Line1": "street", "City": "city", "CountrySubDivisionCode": "region",
                   "PostalCode": "postal_code", "Country": "country"}


def record_label(key: str, name: str = "") -> str:
    """How a message names a record: `QBO 93 (Jane Doe)`, or `Canopy "Jane Doe"` for a
    record known only by its fingerprint."""
    source, _, record_id = key.partition(":")
    side = "QBO" if source == "qbo" else "Canopy"
    if not name:
        return f"{side} {record_id}"
    if is_own_id(record_id):
        return f"{side} {record_id} ({name})"
    return f'{side} "{name}"'


def fields_from_body(body: dict[str, Any]) -> dict[str, str]:
    """A QBO Customer body (create or sparse update) as record fields, text as `BASIS_FIELDS`
    hold them."""
    out = {field: str(body[api]) for api, field in _API_FIELDS.items() if api in body}
    if "display_name" in out and body.get("Active") is False:
        # QBO shows an inactive customer's name with " (deleted)"; the readers take it off.
        out["display_name"] = out["display_name"].removesuffix(" (deleted)")
    if "PrimaryEmailAddr" in body:
        out["email"] = str((body["PrimaryEmailAddr"] or {}).get("Address", ""))
    if "PrimaryPhone" in body:
        out["phone"] = str((body["PrimaryPhone"] or {}).get("FreeFormNumber", ""))
    address = body.get("BillAddr") or {}
    for api, field in _ADDRESS_FIELDS.items():
        if api in address:
            out[field] = str(address[api])
    lines = [str(address[f"Line{n}"]) for n in range(1, 6) if address.get(f"Line{n}")]
    if len(lines) > 1:  # the QBO list holds the lines joined, as `qbo_api` writes them
        out["street"] = ", ".join(lines)
    if "Active" in body:
        out["active"] = "yes" if body["Active"] else "no"
    return out


def latest_basis(decisions: Iterable[Decision]) -> dict[str, dict[str, str]]:
    """Record key → its fields as the newest decision on it saw them."""
    basis: dict[str, dict[str, str]] = {}
    for decision in decisions:
        basis.update(decision.basis)
    return basis


def after_drop(live: list[Decision]) -> list[Decision]:
    """One item's live decisions (oldest first) after its newest `drop`: a drop clears what
    came before, so nothing before it is decided, applied by a plan or stale any more."""
    for n in range(len(live) - 1, -1, -1):
        if live[n].action == "drop":
            return live[n + 1:]
    return live


def standing_basis(decisions: Iterable[Decision]) -> dict[str, dict[str, str]]:
    """`latest_basis` of the decisions that still stand: every item's after its newest drop.
    A dropped decision rests on nothing, so a record it named is not called changed "since
    you decided" (the reopen dialog said so of a decision the user had dropped)."""
    per_item: dict[str, list[Decision]] = {}
    for decision in decisions:
        per_item.setdefault(decision.item, []).append(decision)
    standing = sorted((d for live in per_item.values() for d in after_drop(live)),
                      key=lambda d: d.seq)
    return latest_basis(standing)


def _value(text: str) -> str:
    # Quoted, so a value reads as a value; an empty one as the word, unquoted ("was 'blank'"
    # read as if the field had held the word blank).
    return repr(text) if text else "empty"


BACK = "back in the input since you decided"
"""A decided record that was gone and has come back: the one wording for it everywhere."""


def changes(key: str, before: dict[str, str], now: dict[str, str] | None,
            ours: dict[str, str], id_on_several_rows: bool = False) -> str | None:
    """What changed in one record since a decision, as a sentence; None when nothing did.

    `now` is None for a record no longer in its input (`id_on_several_rows`: its id now stands
    on several rows, kept apart as different records); `ours` holds what our own applied writes
    set, which is no change.
    """
    name = before.get("display_name", "")
    if now is None:
        if VANISHED in before:
            return None
        if id_on_several_rows:
            return (f"{record_label(key, name)}: its id is now on several rows of the input, "
                    "kept apart as different records: decide again on the right one")
        return f"{record_label(key, name)}: no longer in the input since you decided"
    if VANISHED in before:
        return f"{record_label(key, name)}: {BACK}"
    moved = [field for field, value in before.items()
             if field in now and now[field] != value and ours.get(field) != now[field]]
    if not moved:
        return None
    words = ", ".join(FIELD_WORDS.get(field, field) for field in moved[:3])
    if len(moved) > 3:
        words += f" and {len(moved) - 3} more"
    detail = ""
    if len(moved) == 1:
        detail = f" (was {_value(before[moved[0]])}, now {_value(now[moved[0]])})"
    label = record_label(key, now.get("display_name", name))
    return f"{label}: {words} changed since you decided{detail}"
