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


def check_operations(operations: list[Operation], taken: dict[str, str],
                     other_names: dict[str, str]) -> dict[int, str]:
    """Operation index → why QBO would refuse it; absent when it will apply.

    `taken` maps the clash key of every QBO customer's DisplayName (active or not) to its
    record key; `other_names` the clash key of every Vendor and Employee DisplayName to who
    holds it ("Vendor 12").
    """
    refusals: dict[int, str] = {}
    naming = {n: name_clash_key(str(op.fields["DisplayName"]))
              for n, op in enumerate(operations) if "DisplayName" in op.fields
              and not op.applied}
    wanted = Counter(naming.values())
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
        key = naming.get(n)
        if key is None:
            continue
        name = op.fields["DisplayName"]
        holder = taken.get(key)
        ours = op.brings_back is not None and holder == f"qbo:{op.brings_back}"
        if holder is not None and holder != op.key and not ours:
            refusals[n] = f"QBO customer {holder.split(':', 1)[1]} already has the name " \
                          f"{name!r} (QBO error 6240)"
        elif key in other_names:
            refusals[n] = f"{other_names[key]} already has the name {name!r} (QBO error 6240)"
        elif wanted[key] > 1:
            refusals[n] = f"{wanted[key] - 1} other change(s) in this plan also give a customer " \
                          f"the name {name!r} (QBO error 6240)"
    return refusals
