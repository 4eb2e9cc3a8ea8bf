"""The plan as a contract: every operation checked as QBO will check it, before anything is
sent. What would fail at apply is refused here, with the rule it breaks.

Rules (shared/reference/qbo-and-canopy.md): the field lengths and forbidden characters of the
Customer entity (`validate.MAX_LENGTH`, the table the edit form uses too; error 2050), and a
DisplayName unique across Customer, Vendor and Employee, inactive records included (6240).
Batch items run in no guaranteed order, so a name another operation of the same plan gives up
is still taken, and two operations giving out one name clash with each other.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from tui.service.stale import fields_from_body
from tui.service.validate import API_NAMES, name_clash_key, qbo_rule_errors

if TYPE_CHECKING:
    from tui.service.plan import Operation


def name_refusal(key: str, name: str, holders: list[str], other_holder: str | None,
                 also_wanted: int, brings_back: str | None = None) -> str | None:
    """Why QBO would refuse to give `name` to the customer of `key` (a QBO customer renamed, or
    the one created for a Canopy client); None when it would not. The one rule for the plan and
    the edit form.

    `holders` are the QBO customers holding the name now, our own writes included;
    `other_holder` a Vendor or Employee holding it ("Vendor 12"); `also_wanted` how many other
    changes give a customer the name (batch items run in no guaranteed order, so those clash
    with each other); `brings_back` the Id of a customer of our own that a create brings back
    instead (its name is its own).
    """
    ours = {key} | ({f"qbo:{brings_back}"} if brings_back is not None else set())
    holder = next((h for h in holders if h not in ours), None)
    if holder is not None:
        return f"QBO customer {holder.split(':', 1)[1]} already has the name {name!r} " \
               "(QBO error 6240)"
    if other_holder is not None:
        return f"{other_holder} already has the name {name!r} (QBO error 6240)"
    if also_wanted:
        return f"{also_wanted} other change(s) in this plan also give a customer the name " \
               f"{name!r} (QBO error 6240)"
    return None


def wanted_names(operations: list[Operation]) -> Counter[str]:
    """Clash key → how many operations not yet applied give a customer that DisplayName."""
    return Counter(name_clash_key(str(op.fields["DisplayName"])) for op in operations
                   if "DisplayName" in op.fields and not op.applied)


def check_operations(operations: list[Operation], taken: dict[str, list[str]],
                     other_names: dict[str, str]) -> dict[int, str]:
    """Operation index → why QBO would refuse it; absent when it will apply.

    `taken` maps the clash key of every QBO customer's DisplayName (active or not) to the
    record keys holding it; `other_names` the clash key of every Vendor and Employee
    DisplayName to who holds it ("Vendor 12").
    """
    refusals: dict[int, str] = {}
    wanted = wanted_names(operations)
    for n, op in enumerate(operations):
        if op.applied:
            continue  # QBO took it already: what it holds now is its own doing
        errors = qbo_rule_errors(fields_from_body(op.fields))
        if errors:
            refusals[n] = "; ".join(f"{API_NAMES.get(name, name)} {message} (QBO error 2050)"
                                    if "characters" in message else
                                    f"{API_NAMES.get(name, name)}: {message}"
                                    for name, message in errors.items())
            continue
        if op.kind == "create" and not str(op.fields.get("DisplayName", "")).strip():
            refusals[n] = "DisplayName is required"
            continue
        if "DisplayName" not in op.fields:
            continue
        name = str(op.fields["DisplayName"])
        key = name_clash_key(name)
        refusal = name_refusal(op.key, name, taken.get(key, []), other_names.get(key),
                               wanted[key] - 1, op.brings_back)
        if refusal is not None:
            refusals[n] = refusal
    return refusals
