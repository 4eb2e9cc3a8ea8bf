"""What the session's decisions amount to per record, before any is compiled into an operation:
the facts (`gather`), the contradictions between them, and the stale items left out.

Shared by the plan (`plan.build_plan`) and the queue, which marks contradicting items as the
decisions are made (`decision_conflicts`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tui.service.triage import Triage
from tui.service.validate import name_clash_key


@dataclass
class Contradiction:
    """Decisions that cannot all hold; the plan leaves the record alone until it is resolved."""

    key: str
    message: str
    items: list[str]


@dataclass
class StaleDecision:
    """An item whose records changed since it was decided: left out of the plan until the
    user re-confirms or drops it in the queue."""

    item: str
    title: str
    changes: list[str]
    label: str = ""
    """The item as a person reads it: its first member's name, and how many more."""



@dataclass
class Facts:
    """Every decision's effect per record, gathered before any is compiled."""

    inactive: dict[str, list[str]] = field(default_factory=dict)
    primary: dict[str, list[str]] = field(default_factory=dict)
    links: dict[str, set[str]] = field(default_factory=dict)
    link_items: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    creates: dict[str, list[str]] = field(default_factory=dict)
    edits: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    edit_items: dict[str, list[str]] = field(default_factory=dict)
    apart: dict[str, set[str]] = field(default_factory=dict)
    """Canopy client → records it was said to differ from that share its name."""
    groups: dict[str, list[str]] = field(default_factory=dict)
    """Decided item → its members still in the inputs."""
    stale: list[StaleDecision] = field(default_factory=list)


def item_label(triage: Triage, members: list[str]) -> str:
    """"Jane Doe +2": an item by its first member's name (its id if it has none)."""
    if not members:
        return ""
    try:
        name = triage.current(members[0])["display_name"] or members[0]
    except KeyError:  # a member gone from the inputs
        name = members[0]
    return f"{name} +{len(members) - 1}" if len(members) > 1 else str(name)


def gather(triage: Triage) -> Facts:
    facts = Facts()
    item_ids = list(triage.index) + [i for i in triage.decided_item_ids() if i not in triage.index]
    for item_id in item_ids:
        changes = triage.stale(item_id)
        if changes:
            item = triage.item(item_id)
            facts.stale.append(StaleDecision(item_id, item.title, changes,
                                             item_label(triage, item.members)))
            continue
        item = triage.item(item_id)
        state = triage.state(item_id)
        if not state.decided:
            continue
        here = triage.exists  # a record gone from its input (and confirmed so) changes nothing
        facts.groups[item_id] = triage.members(item, state)
        for key in filter(here, state.inactive):
            facts.inactive.setdefault(key, []).append(item_id)
        for key in filter(here, state.primary.values()):
            facts.primary.setdefault(key, []).append(item_id)
        for canopy, qbo in state.links:
            if here(canopy) and here(qbo):
                facts.links.setdefault(canopy, set()).add(qbo)
                facts.links.setdefault(qbo, set()).add(canopy)
                facts.link_items.setdefault((canopy, qbo), []).append(item_id)
        for key in filter(here, state.creates):
            facts.creates.setdefault(key, []).append(item_id)
        for key, changes_ in state.edits.items():
            if not here(key):
                continue
            for name, value in changes_.items():
                facts.edits.setdefault(key, {}).setdefault(name, set()).add(value)
            facts.edit_items.setdefault(key, []).append(item_id)
        for split in filter(here, state.split):
            _apart(triage, facts, split, [k for k in item.members if k != split and here(k)])
    return facts


def _apart(triage: Triage, facts: Facts, split: str, others: list[str]) -> None:
    """A record said to be "not a duplicate" that shares its name (as the sync compares names)
    with another record of the item is still one client to Canopy's name rule: that needs a
    distinguishing name, on the Canopy side (Canopy's rename is by hand)."""
    name = name_clash_key(triage.current(split)["display_name"] or "")
    for other in others:
        if name_clash_key(triage.current(other)["display_name"] or "") != name:
            continue
        canopy = split if split.startswith("canopy:") else other
        partner = other if canopy == split else split
        if canopy.startswith("canopy:"):
            facts.apart.setdefault(canopy, set()).add(partner)


def find_contradictions(facts: Facts, triage: Triage) -> list[Contradiction]:
    """Decisions that cannot all hold, each with every item whose decision takes part (both
    sides: the queue marks them all, and says which other item a new decision contradicts)."""

    def linked_in(key: str) -> list[str]:
        return [i for pair, items in facts.link_items.items() if key in pair for i in items]

    found = []
    for key, items in facts.inactive.items():
        if key in facts.primary:
            found.append(Contradiction(key, "kept as the primary and also marked inactive",
                                       sorted(set(items + facts.primary[key]))))
        if key in facts.links:
            found.append(Contradiction(key, "linked and also marked inactive",
                                       sorted(set(items + linked_in(key)))))
    for key, partners in facts.links.items():
        if len(partners) > 1:
            found.append(Contradiction(key, f"linked to {len(partners)} records: "
                                       + ", ".join(sorted(partners)), sorted(set(linked_in(key)))))
    for key, items in facts.creates.items():
        if key in facts.links:
            found.append(Contradiction(key, "created in QBO and also linked to an existing "
                                       "customer", sorted(set(items + linked_in(key)))))
    for key, fields in facts.edits.items():
        for name, values in fields.items():
            if len(values) > 1:
                found.append(Contradiction(key, f"{name} edited to different values: "
                                           + " / ".join(sorted(values)),
                                           sorted(facts.edit_items[key])))
    return found + _left_without_customer(facts, triage) + _name_link_lost(facts, triage)


def decision_conflicts(triage: Triage) -> dict[str, list[Contradiction]]:
    """Item id → the contradictions between live decisions it takes part in: the plan's own
    (`find_contradictions`), found as the decisions are made rather than when the plan is read."""
    out: dict[str, list[Contradiction]] = {}
    for contradiction in find_contradictions(gather(triage), triage):
        for item_id in contradiction.items:
            out.setdefault(item_id, []).append(contradiction)
    return out


def _active_after(facts: Facts, triage: Triage, key: str) -> bool:
    """The QBO customer is active once the plan is applied: not retired, and active now or
    linked (linking reactivates)."""
    return key not in facts.inactive and (bool(triage.current(key)["active"])
                                          or key in facts.links)


def _left_without_customer(facts: Facts, triage: Triage) -> list[Contradiction]:
    """A group must keep an active QBO customer for its Canopy client: Canopy's sync links only
    active customers (shared/reference/qbo-and-canopy.md). Linking reactivates; retiring the
    last active one is a contradiction."""

    def active_after(key: str) -> bool:
        return _active_after(facts, triage, key)

    found = []
    for item_id, members in facts.groups.items():
        qbo = [k for k in members if k.startswith("qbo:")]
        retired = [k for k in qbo if k in facts.inactive]
        if not retired or any(active_after(k) for k in qbo):
            continue
        if not any(triage.current(k)["active"] for k in qbo):
            continue  # none was active before: the plan takes nothing away
        canopy = [k for k in members if k.startswith("canopy:") and k not in facts.inactive]
        served = all(k in facts.creates or any(active_after(q) for q in facts.links.get(k, ()))
                     for k in canopy)
        if not canopy or served:
            continue  # no Canopy client depends on these customers (or each has its own)
        who = f"Canopy client {canopy[0].split(':', 1)[1]}"
        for key in retired:
            found.append(Contradiction(
                key, f"retires the last active QBO customer of its group: {who} would be left "
                "with none (keep one active, or link the client to one)", [item_id]))
    return found


def _name_link_lost(facts: Facts, triage: Triage) -> list[Contradiction]:
    """Retiring the QBO customer Canopy's sync links a client to by name, while another stays
    active under a different name, leaves the client unlinked: the sync matches by exact name
    and only active customers (shared/reference/qbo-and-canopy.md). Unless the client is
    linked to a kept customer (which renames it to match), created anew, or renamed, that is a
    contradiction (user test: C000059 "Ruiz, David" lost its only match, QBO 197, silently)."""
    found = []
    for item_id, members in facts.groups.items():
        qbo = [k for k in members if k.startswith("qbo:") and triage.exists(k)]
        if not any(k in facts.inactive for k in qbo):
            continue
        if not any(_active_after(facts, triage, k) for k in qbo):
            continue  # `_left_without_customer` says it
        for client in members:
            if (not client.startswith("canopy:") or not triage.exists(client)
                    or client in facts.inactive or client in facts.creates
                    or client in facts.links or "display_name" in facts.edits.get(client, {})):
                continue
            name = triage.record(client)["exact_key"]
            matched = [k for k in qbo if triage.current(k)["active"]
                       and triage.record(k)["exact_key"] == name]
            if matched and all(k in facts.inactive for k in matched):
                label = client.split(":", 1)[1]
                for key in matched:
                    found.append(Contradiction(
                        key, f"is the customer Canopy's sync links client {label} to by its "
                        "name: made inactive, the client is left unlinked (link it to the "
                        "customer you keep, l, or create one, c)", [item_id]))
    return found
