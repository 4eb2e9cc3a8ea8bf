"""From triage decisions to a plan: QBO operations (create, sparse update) and a Canopy worklist
(Canopy has no public write API), with contradictions reported, never merged.

One QBO customer gets at most one update: a rename, edits and making it inactive travel
together, so no update waits on another's SyncToken.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from tui.service.edit_checks import canopy_name_clash
from tui.service.own_writes import OwnWrites, describe, own_writes, signature
from tui.service.plan_checks import check_operations, name_refusal, wanted_names
from tui.service.plan_facts import (
    Contradiction,
    StaleDecision,
    find_contradictions,
    gather,
)
from tui.service.sources.identity import is_own_id
from tui.service.sources.qbo_api import load_other_names
from tui.service.triage import Triage
from tui.service.validate import EDITABLE_FIELDS, name_clash_key

ADDRESS = {"street": "Line1", "city": "City", "region": "CountrySubDivisionCode",
           "postal_code": "PostalCode", "country": "Country"}
PLAIN = {"display_name": "DisplayName", "given_name": "GivenName", "family_name": "FamilyName",
         "company_name": "CompanyName"}


def api_fields(values: dict[str, Any]) -> dict[str, Any]:
    """Record fields (as the report knows them) in QBO's Customer shape."""
    out: dict[str, Any] = {}
    for name, api in PLAIN.items():
        if values.get(name):
            out[api] = values[name]
    if values.get("email"):
        out["PrimaryEmailAddr"] = {"Address": values["email"]}
    if values.get("phone"):
        out["PrimaryPhone"] = {"FreeFormNumber": values["phone"]}
    address = {api: values[name] for name, api in ADDRESS.items() if values.get(name)}
    if address:
        out["BillAddr"] = address
    return out


@dataclass
class Operation:
    """One write to QBO."""

    kind: str
    """`create` or `update` (a sparse update; making inactive is `Active: false`)."""
    key: str
    """The record it comes from: the QBO customer updated, or the Canopy client created."""
    fields: dict[str, Any]
    """The body (create) or the changed fields (update), in QBO's shape."""
    before: dict[str, Any] = field(default_factory=dict)
    """The changed fields as they were, for the dry run and for undo."""
    qbo_id: str | None = None
    sync_token: str | None = None
    items: list[str] = field(default_factory=list)
    why: list[str] = field(default_factory=list)
    applied: bool = False
    """Already done by an apply run that was not undone: apply will not send it again."""
    brings_back: str | None = None
    """For a create: the Id of the customer an earlier run created for this client and an undo
    made inactive; apply makes that one active again instead of creating a second."""


CANOPY_FIELD_NAMES = {"display_name": "Client Name", **{
    name: label for name, label in EDITABLE_FIELDS if name != "display_name"}}
"""Record field → the name a Canopy worklist line gives it (Canopy's own words)."""


@dataclass
class WorkItem:
    """One change for someone to make by hand in Canopy."""

    canopy_id: str
    name: str
    action: str
    field: str = ""
    before: str = ""
    after: str = ""
    why: str = ""



@dataclass
class KeptChange:
    """A change an apply run (not undone) made in QBO whose decision is no longer held (undone
    or dropped): QBO keeps it, and the plan says so rather than leaving it out silently."""

    run: int
    key: str
    text: str
    """What QBO keeps, as `own_writes.describe` says it."""
    items: list[str]


@dataclass
class Plan:
    operations: list[Operation]
    worklist: list[WorkItem]
    contradictions: list[Contradiction]
    applicable: bool
    """False when the QBO list lacks Ids or SyncTokens (a file export): use `--qbo live`, or
    the exports."""
    stale: list[StaleDecision] = field(default_factory=list)
    unapplicable_why: str = ""
    """Why apply cannot send this plan (empty when it can), for the user."""
    kept: list[KeptChange] = field(default_factory=list)
    """Applied changes no decision holds any more: in QBO still, until the run is undone."""

    def summary(self) -> dict[str, int]:
        """Counts of what is left to send (`creates`, `updates` with `deactivations` among
        them), what an earlier run `applied` already, and the rest of the plan."""
        todo = [op for op in self.operations if not op.applied]
        creates = sum(op.kind == "create" for op in todo)
        deactivations = sum(op.fields.get("Active") is False for op in todo)
        return {"creates": creates, "updates": len(todo) - creates,
                "deactivations": deactivations, "applied": len(self.operations) - len(todo),
                "canopy_worklist": len(self.worklist),
                "contradictions": len(self.contradictions), "stale": len(self.stale),
                "kept": len(self.kept)}




def _as_api(row: dict[str, Any]) -> dict[str, Any]:
    """A record row's fields in QBO's shape, `Active` included."""
    out = api_fields({k: "" if v is None else str(v) for k, v in row.items()})
    out["Active"] = bool(row["active"])
    return out


def _held(triage: Triage, op: Operation) -> bool:
    """QBO holds every field of the update already (our own writes put it there)."""
    now = _as_api(triage.current(op.key))
    return all(now.get(api) == value for api, value in op.fields.items())


def taken_names(triage: Triage) -> dict[str, list[str]]:
    """Clash key (`name_clash_key`) of every QBO customer's DisplayName, active or not, as QBO
    holds it after our own writes (`Triage.current`) → the record keys holding it."""
    taken: dict[str, list[str]] = {}
    qbo_ids = triage.report.records.filter(pl.col("source") == "qbo")["record_id"].to_list()
    for key in (f"qbo:{i}" for i in qbo_ids):
        taken.setdefault(name_clash_key(triage.current(key)["display_name"] or ""), []).append(key)
    return taken


@dataclass
class _Draft:
    """The plan before `plan_checks` refuses what QBO would: every operation the decisions
    make, and the names they are checked against."""

    plan: Plan
    taken: dict[str, list[str]]
    others: dict[str, str]
    """Clash key of every Vendor and Employee DisplayName → who holds it."""


def build_plan(triage: Triage, other_names: dict[str, str] | None = None) -> Plan:
    """Compile the live decisions into operations, a Canopy worklist and contradictions.

    Stale items (records changed since decided) are left out and listed. Every operation is
    checked as QBO will check it (`plan_checks`): what cannot apply is a contradiction, never
    sent. `other_names` maps every Vendor and Employee DisplayName to who holds it ("Vendor 12"):
    QBO names are unique across the three lists. By default they are the ones read with a live
    snapshot (`qbo_api.load_other_names`).
    """
    draft = _draft(triage, other_names)
    plan = draft.plan
    refusals = check_operations(plan.operations, draft.taken, draft.others)
    plan.contradictions += [Contradiction(op.key, f"cannot apply: {refusals[n]}", op.items)
                            for n, op in enumerate(plan.operations) if n in refusals]
    plan.operations = [op for n, op in enumerate(plan.operations) if n not in refusals]
    return plan


def name_check(triage: Triage, key: str,
               other_names: dict[str, str] | None = None) -> Callable[[str], str | None]:
    """For the edit form of QBO customer `key`: a function of a DisplayName saying why the plan
    would refuse to give it to `key` (`plan_checks.name_refusal`), None when it would not:
    against QBO as our own writes left it and the names the other decisions of this session
    give (their renames and creates), the same view and rule the plan uses. The decisions are
    read once, here: call it again after a decision."""
    draft = _draft(triage, other_names)
    wanted = wanted_names([op for op in draft.plan.operations if op.key != key])

    def check(name: str) -> str | None:
        clash = name_clash_key(name)
        if not clash:
            return None
        return name_refusal(key, name.strip(), draft.taken.get(clash, []),
                            draft.others.get(clash), wanted[clash])

    return check


def _draft(triage: Triage, other_names: dict[str, str] | None) -> _Draft:
    if other_names is None and triage.report.qbo.path is not None:
        other_names = load_other_names(triage.report.qbo.path)
    facts = gather(triage)
    contradictions = find_contradictions(facts, triage)
    blocked = {c.key for c in contradictions}
    records = triage.report.records
    qbo = records.filter(records["source"] == "qbo")
    qbo_ids = qbo["record_id"]
    # The API needs each customer's Id and SyncToken: an export without them is for reading.
    no_id = sum(not is_own_id(i) for i in qbo_ids.to_list())
    no_token = qbo["sync_token"].null_count()
    unapplicable_why = (
        "the QBO list is empty" if qbo.height == 0 else
        f"{no_id:,} QBO customer(s) have no Id of their own (no Id column, or an Id on several "
        "rows)" if no_id else
        f"the QBO list has no SyncToken for {no_token:,} customer(s): QBO's own exports carry "
        "none" if no_token else "")
    applicable = not unapplicable_why
    taken = taken_names(triage)

    def edited(key: str) -> dict[str, str]:
        values = {k: "" if v is None else str(v) for k, v in triage.current(key).items()}
        values.update({name: next(iter(v)) for name, v in facts.edits.get(key, {}).items()})
        return values

    updates: dict[str, Operation] = {}
    worklist: list[WorkItem] = []

    def update_for(key: str) -> Operation:
        if key not in updates:
            row = triage.current(key)
            updates[key] = Operation("update", key, {}, qbo_id=row["record_id"],
                                     sync_token=row["sync_token"])
        return updates[key]

    own = own_writes(triage.journal)

    def change(key: str, values: dict[str, Any], why: str, items: list[str]) -> None:
        # Against QBO as it stands after our own writes; a change the list still lacks, or
        # that our own applied run made (a list read after it holds it too), is kept, to
        # show as applied: the plan lists every operation applied, not only what is left.
        current, listed = _as_api(triage.current(key)), _as_api(triage.record(key))
        ours = own.applied_body.get(key, {})
        values = {api: value for api, value in values.items()
                  if api == "BillAddr" or current.get(api) != value or listed.get(api) != value
                  or (api in ours and ours[api] == value)}
        if "BillAddr" in values:
            merged = {**current.get("BillAddr", {}), **values["BillAddr"]}
            if merged == current.get("BillAddr", {}) and ours.get("BillAddr") != merged:
                del values["BillAddr"]
        if not values:
            return  # QBO holds this already: nothing to send
        op = update_for(key)
        for api, value in values.items():
            if api == "BillAddr":
                merged = {**current.get("BillAddr", {}), **op.fields.get("BillAddr", {}),
                          **value}
                op.before.setdefault("BillAddr", copy.deepcopy(current.get("BillAddr", {})))
                op.fields["BillAddr"] = merged
            else:
                op.before.setdefault(api, current.get(api))
                op.fields[api] = value
        op.why.append(why)
        op.items.extend(i for i in items if i not in op.items)

    def canopy_work(key: str, action: str, why: str, name: str = "", before: str = "",
                    after: str = "") -> None:
        row = triage.current(key)
        worklist.append(WorkItem(row["record_id"], row["display_name"] or "", action,
                                 CANOPY_FIELD_NAMES.get(name, name), before, after, why))

    for key, items in facts.inactive.items():
        if key in blocked:
            continue
        if key.startswith("qbo:"):
            change(key, {"Active": False}, "duplicate: made inactive", items)
        else:
            canopy_work(key, "archive", "duplicate of the primary client")
    for key, fields in facts.edits.items():
        if key in blocked:
            continue
        values = edited(key)
        if key.startswith("qbo:"):
            wanted = api_fields({name: values[name] for name in fields})
            change(key, wanted, "edited in the queue", facts.edit_items[key])
        else:
            clash = (canopy_name_clash(triage.report, key, values["display_name"])
                     if "display_name" in fields else None)
            if clash is not None:
                # Left out with the rule the edit form warned of: done in Canopy, the rename
                # would make the sync link two clients to one customer. Its links wait too,
                # as they would rename the QBO customer to the clashing name.
                contradictions.append(Contradiction(key, f"left out: {clash}",
                                                    facts.edit_items[key]))
                blocked.add(key)
                continue
            for name in fields:
                canopy_work(key, "edit", "edited in the queue", name,
                            str(triage.current(key).get(name) or ""), values[name])
    for (canopy, qbo_key), items in facts.link_items.items():
        if canopy in blocked or qbo_key in blocked:
            continue
        ours = own.applied_body.get(qbo_key, {})
        # What our applied run did (a list read after it shows it done) stays in the plan.
        if not triage.current(qbo_key)["active"] or ours.get("Active") is True:
            change(qbo_key, {"Active": True}, "made active again: Canopy's sync links only "
                   "active customers", items)
        canopy_name = edited(canopy)["display_name"]
        qbo_name = edited(qbo_key)["display_name"]
        if (name_clash_key(canopy_name) == name_clash_key(qbo_name)
                and ours.get("DisplayName") != canopy_name):
            continue  # Canopy's name rule links them already
        holders = taken.get(name_clash_key(canopy_name), [])
        holder = next((h for h in holders if h != qbo_key), None)
        if holder is None:
            change(qbo_key, {"DisplayName": canopy_name},
                   f"renamed to the Canopy client's name so the sync links {canopy}", items)
        else:
            canopy_work(canopy, "rename", f"QBO's name is taken by {holder}: rename the Canopy "
                        "client so the sync links it", "display_name", canopy_name, qbo_name)
    for canopy, partners in facts.apart.items():
        others = ", ".join(("QBO " if p.startswith("qbo:") else "Canopy ") + p.split(":", 1)[1]
                           for p in sorted(partners))
        canopy_work(canopy, "rename", f"not the same client as {others}, but the sync treats "
                    "them as one by name: give one a distinguishing name", "display_name",
                    edited(canopy)["display_name"], "(a name that tells them apart)")
    creates = [Operation("create", key, api_fields(edited(key)), items=list(items),
                         why=["not in QBO: created so the sync links it"])
               for key, items in facts.creates.items() if key not in blocked]
    operations = creates + [updates[k] for k in sorted(updates)]
    others = {name_clash_key(name): who for name, who in (other_names or {}).items()}
    for op in operations:
        op.applied = signature(op.kind, op.key, op.fields) in own.applied or (
            op.kind == "update" and _held(triage, op))
        sent = own.applied_ops.get(signature(op.kind, op.key, op.fields))
        if op.applied and sent is not None:
            # Before as it was before our write (the journal's before-image), not as QBO
            # stands now, which is the After.
            op.before = {api: copy.deepcopy(sent.before.get(api)) for api in op.fields
                         if op.kind == "update"}
        if op.kind == "create" and op.key in own.created and not op.applied:
            op.brings_back = own.created[op.key]
            op.why.append(f"brings back QBO {op.brings_back}, which an earlier run created for "
                          "this client and an undo made inactive")
    return _Draft(Plan(operations, worklist, contradictions, applicable, facts.stale,
                       unapplicable_why, _kept(triage, own, operations, facts.stale,
                                               contradictions)), taken, others)


def _kept(triage: Triage, own: OwnWrites, operations: list[Operation],
          stale_items: list[StaleDecision],
          contradictions: list[Contradiction]) -> list[KeptChange]:
    """Applied changes whose decision is no longer held. A record the plan still changes, or
    an item left out as stale or contradicted (its decision is still held), is not one."""
    planned = {(op.kind, op.key) for op in operations}
    held = {s.item for s in stale_items} | {i for c in contradictions for i in c.items}
    kept: dict[tuple[int, str, str], KeptChange] = {}
    for item_id, changes in own.by_item.items():
        if item_id in held:
            continue
        for change in changes:
            if (change.planned_kind, change.key) in planned:
                continue
            name = (triage.fields_of(change.key) if triage.exists(change.key)
                    else triage.last_known(change.key)).get("display_name", "")
            text = describe(change, name or "")
            entry = kept.setdefault((change.run, change.key, text),
                                    KeptChange(change.run, change.key, text, []))
            entry.items.append(item_id)
    return sorted(kept.values(), key=lambda k: (k.run, k.key))
