"""The duplicate queue: items built from the report, and their state replayed from the journal.

An item is a duplicate group, a probable pair, or a link Canopy's name rule will make that the
evidence doubts. Decisions are recorded per item and name records by key ("canopy:C12"), so
they survive a re-run of the report over the same inputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import polars as pl

from tui.service import stale
from tui.service.applied_warnings import AppliedWarnings
from tui.service.errors import UserError
from tui.service.journal import Decision, Journal
from tui.service.own_writes import own_writes
from tui.service.queue_items import Item, build_items
from tui.service.queue_navigation import QueueNavigation
from tui.service.queue_records import (
    BASIS_FIELDS,
    SHOWN_FIELDS,
    QueueRecords,
    postal_compared,
)
from tui.service.report import Report

__all__ = ["ACTIONS", "BASIS_FIELDS", "SHOWN_FIELDS", "Item", "ItemState", "QueueRecords",
           "Triage", "build_items", "postal_compared"]

ACTIONS = ("primary", "inactive", "link", "create", "distinct", "skip", "edit", "keep",
           "confirm", "drop")
"""Every kind of decision the queue records. `keep` says "nothing to change here";
`confirm` re-confirms a stale item's decisions on its records as they are now; `drop` clears
the item's decisions (undo brings them back)."""

@dataclass
class ItemState:
    """An item as the live decisions leave it."""

    primary: dict[str, str] = field(default_factory=dict)
    """Source → the record chosen to keep on that side."""
    inactive: set[str] = field(default_factory=set)
    links: set[tuple[str, str]] = field(default_factory=set)
    creates: set[str] = field(default_factory=set)
    split: set[str] = field(default_factory=set)
    """Members the user said are not duplicates of the rest."""
    edits: dict[str, dict[str, str]] = field(default_factory=dict)
    kept: bool = False
    """The user said "keep as is": nothing to change for this item."""
    skipped: bool = False
    decided: bool = False
    """Any live decision other than skip (choosing a primary, an edit…)."""
    settled_by_split: bool = False
    """Splitting records off left fewer than two members: nothing is left to pair."""

    @property
    def resolved(self) -> bool:
        """The item's question is answered: something is retired, linked or created, it is
        explicitly kept as is, or records were split off until one is left. Choosing a
        primary or editing alone is not; nor is splitting one record off a group whose
        other members are still to be decided (user test: "1 split off" read decided while
        a Canopy client and its QBO twin were left unlinked)."""
        return bool(self.inactive or self.links or self.creates or self.kept
                    or (self.split and self.settled_by_split))


class Triage(QueueRecords, QueueNavigation, AppliedWarnings):
    """The queue over one report, with every decision going straight to the journal; its
    records' look-ups (row, fields, shown text, differing fields) are `QueueRecords`', moving
    through it `QueueNavigation`'s, and what an apply run already did `AppliedWarnings`'."""

    def __init__(self, report: Report, journal: Journal) -> None:
        super().__init__(report)
        self.journal = journal
        self.items = build_items(report)
        self.index = {item.id: n for n, item in enumerate(self.items)}
        self._live: dict[str, list[Decision]] = {}
        self.version = 0
        """Counts changes to the live decisions (decide, undo, redo): what is worked out from
        all of them (contradictions) is kept until it moves."""
        for decision in journal.decisions():
            self._live.setdefault(decision.item, []).append(decision)
        self._read_runs()
        self._carry_decided_items()
        self._stale_first()
        self._item_of = {key: n for n, item in enumerate(self.items) for key in item.members}

    def _read_runs(self) -> None:
        """What apply and undo runs left in the journal, read in one pass (the app builds a new
        Triage after each run): our own writes, and the items a conflict or a refusal
        re-opened until decided again."""
        self._issues = self.journal.operation_issues()
        self._conflicts = {item: issue.seq for item, issue in self._issues.items()}
        self._own = own_writes(self.journal)
        self._after_own_writes = self._read_after_own_writes()
        self._decided = {item for item in self._live if self.is_decided(item)}

    def _carry_decided_items(self) -> None:
        """Decisions whose item is no longer in the queue (a member vanished, the group
        changed) stay in the queue as items of their own, first, never dropped; so does a lone
        record whose change QBO refused at apply, to be seen and decided again."""
        carried = []
        for item_id, live in self._live.items():
            if not live or item_id in self.index:
                continue
            if item_id.startswith("record:"):
                if item_id in self._issues:
                    carried.append(Item(item_id, "record", [item_id[7:]]))
                continue
            keys = stale.latest_basis(live).keys() | {
                str(d.payload[name]) for d in live for name in ("record", "canopy", "qbo")
                if name in d.payload}
            members = sorted(keys, key=lambda k: (not k.startswith("canopy:"), k))
            carried.append(Item(item_id, "changed", members, complete=False))
        self.items = self._absorb_own_creates(carried + self.items)
        self.index = {item.id: n for n, item in enumerate(self.items)}

    def _stale_first(self) -> None:
        """Every stale item first, as the opening toast says, each kind in its working order
        otherwise (a stable sort): a decided item whose record was edited in its input is
        still an item of the report, and would otherwise wait at its usual place."""
        stale_ids = set(self.stale_item_ids())
        if stale_ids:
            self.items.sort(key=lambda item: item.id not in stale_ids)
            self.index = {item.id: n for n, item in enumerate(self.items)}

    def _absorb_own_creates(self, items: list[Item]) -> list[Item]:
        """`items` without those an earlier decision already answers once our own creates are
        read back. After a decision gives a Canopy client a customer of its own and a run
        creates it, QBO's list holds that customer and matching puts it with the records the
        decision was about: a new group, or a probable pair with its client. Such an item
        (undecided, every member a member of one decided item or a customer our runs created
        for one) is not a new question; the decided item takes in the created customer and the
        new item is left out.

        Returns the remaining items, in order; extends the decided items' members in place.
        """
        created = self._own.created
        covers: list[tuple[Item | None, set[str]]] = []
        for item in items:
            made = {f"qbo:{created[key]}" for key in item.members if key in created}
            if made and self._live.get(item.id):
                covers.append((item, set(item.members) | made))
        # A lone record's create, decided from the report, has no item to take the pair in.
        covers += [(None, {key, f"qbo:{created[key]}"}) for key in created
                   if self._live.get(f"record:{key}")]
        if not covers:
            return items
        kept = []
        for item in items:
            answered = not self._live.get(item.id) and next(
                (cover for _, cover in covers if set(item.members) <= cover), None)
            if not answered:
                kept.append(item)
                continue
            for home, cover in covers:
                if home is not None and cover is answered:
                    home.members = sorted(set(home.members) | set(item.members),
                                          key=lambda k: (not k.startswith("canopy:"), k))
        return kept

    def _read_after_own_writes(self) -> dict[str, dict[str, str]]:
        """QBO record key → the fields our own last write left on it, for every customer whose
        list entry is an older version in the chain of our writes (the list was read before
        we applied or undid): QBO holds these now, not what the list says."""
        own = self._own
        if not own.latest:
            return {}
        qbo = self.report.records.filter(pl.col("source") == "qbo")
        out = {}
        for record_id, token in qbo.select("record_id", "sync_token").iter_rows():
            latest = own.latest.get(record_id)
            if (latest is None or token is None or str(token) == str(latest.get("SyncToken"))
                    or str(token) not in own.tokens.get(record_id, set())):
                continue
            out[f"qbo:{record_id}"] = stale.fields_from_body(latest)
        return out

    @cached_property
    def _known(self) -> dict[str, dict[str, str]]:
        """Record key → its fields as the newest decision on it saw them (undone decisions
        too: a carried item stays in the queue after an undo). A basis entry taken after the
        record was gone holds only its name: an earlier full one is kept over it."""
        known: dict[str, dict[str, str]] = {}
        for decision in self.journal.decisions(include_undone=True):
            for key, fields in decision.basis.items():
                if stale.VANISHED not in fields or key not in known:
                    known[key] = fields
        return known

    def last_known(self, key: str) -> dict[str, str]:
        return {k: v for k, v in self._known.get(key, {}).items() if k != stale.VANISHED}

    def basis(self, item_id: str) -> dict[str, dict[str, str]]:
        """Every member's fields as they are now: what a decision made now is made on. A
        member gone from its input is noted as gone (deciding anyway accepts that)."""
        known = stale.latest_basis(self._live.get(item_id, []))
        return {key: self.fields_of(key) if self.exists(key) else
                {stale.VANISHED: "yes",
                 "display_name": known.get(key, {}).get("display_name", "")}
                for key in self.item(item_id).members}

    def stale(self, item_id: str) -> list[str]:
        """What changed under the item's live decisions, a sentence per record; empty when
        nothing did (or nothing is decided). A stale item is left out of the plan."""
        live = self._after_drop(self._live.get(item_id, []))
        if not any(d.action not in ("skip", "confirm") for d in live):
            return []
        out = []
        for key, before in stale.latest_basis(live).items():
            now = self.fields_of(key) if self.exists(key) else None
            message = stale.changes(key, before, now, self._own.applied_fields.get(key, {}),
                                    now is None and key in self._ids_now_on_several_rows)
            if message:
                out.append(message)
        return out

    # state --------------------------------------------------------------------------------------
    @staticmethod
    def _after_drop(live: list[Decision]) -> list[Decision]:
        """The live decisions after the newest `drop`: a drop clears what came before."""
        return stale.after_drop(live)

    def state(self, item_id: str) -> ItemState:
        """Replay the item's live decisions."""
        state = ItemState()
        for d in self._after_drop(self._live.get(item_id, [])):
            p = d.payload
            if d.action == "primary":
                state.primary[p["record"].split(":", 1)[0]] = p["record"]
            elif d.action == "inactive":
                (state.inactive.add if p["value"] else state.inactive.discard)(p["record"])
            elif d.action == "link":
                state.links.add((p["canopy"], p["qbo"]))
            elif d.action == "create":
                state.creates.add(p["record"])
            elif d.action == "distinct":
                state.split.add(p["record"])
            elif d.action == "edit":
                state.edits.setdefault(p["record"], {}).update(p["fields"])
            elif d.action == "keep":
                state.kept = True
            if d.action == "skip":
                state.skipped = True
            elif d.action != "confirm":
                state.decided = True
        if state.split:
            try:
                item = self.item(item_id)
            except KeyError:
                state.settled_by_split = True
            else:
                state.settled_by_split = len([k for k in item.members
                                              if k not in state.split]) < 2
        return state

    def members(self, item: Item, state: ItemState | None = None) -> list[str]:
        """The members still in the group: the ones split out have left it."""
        state = state or self.state(item.id)
        return [k for k in item.members if k not in state.split and self.exists(k)]

    def gone_members(self, item: Item, state: ItemState | None = None) -> list[str]:
        """The members no longer in their input (and not split off): the queue shows them as
        gone, with their last known fields, so a deleted record is seen, not just missing."""
        state = state or self.state(item.id)
        return [k for k in item.members if k not in state.split and not self.exists(k)]

    def decided_item_ids(self) -> list[str]:
        """Every item with live decisions, lone-record items included."""
        return [item_id for item_id, live in self._live.items() if live]

    def is_decided(self, item_id: str) -> bool:
        """Decided: the live decisions resolve the item (see `ItemState.resolved`), one of
        them came after any conflict QBO raised, and no record changed under them."""
        live = self._live.get(item_id, [])
        after = self._conflicts.get(item_id, 0)
        if not any(d.action not in ("skip", "confirm") and d.seq > after for d in live):
            return False
        return self.state(item_id).resolved and not self.stale(item_id)

    def in_conflict(self, item_id: str) -> bool:
        """The item's change met a customer changed in QBO, or QBO refused it, and nothing
        was decided since."""
        return item_id in self._conflicts and not self.is_decided(item_id)

    def apply_issue(self, item_id: str) -> str | None:
        """Why the item's last apply did not go through, for the user; None when it did (or
        when it was decided again since)."""
        issue = self._issues.get(item_id)
        if issue is None or self.is_decided(item_id):
            return None
        if issue.state == "conflict":
            return ("conflict: the customer changed in QBO since it was read; decide again "
                    f"({issue.reason})")
        return f"refused by QBO at apply: {issue.reason}; decide again"

    def progress(self) -> tuple[int, int]:
        """(decided, total) items."""
        return len(self._decided & self.index.keys()), len(self.items)

    def _refresh(self, item_id: str) -> None:
        (self._decided.add if self.is_decided(item_id) else self._decided.discard)(item_id)

    # decisions -----------------------------------------------------------------------------------
    def item(self, item_id: str) -> Item:
        """A queue item, or the lone-record item `record:<key>`."""
        if item_id in self.index:
            return self.items[self.index[item_id]]
        if item_id.startswith("record:"):
            return Item(item_id, "record", [item_id[7:]])
        raise KeyError(item_id)

    def _check(self, item_id: str, action: str, payload: dict[str, Any]) -> None:
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        item = self.item(item_id)
        for name in ("record", "canopy", "qbo"):
            if name in payload and payload[name] not in item.members:
                raise UserError(f"{payload[name]} is not in this item", "pick one of its records")
            if name in payload and not self.exists(payload[name]):
                # The plan could not act on it: a decision on it would count and do nothing.
                raise UserError(f"{stale.record_label(payload[name])} is no longer in the input",
                                "decide on the records still here, or drop (z) the item's "
                                "decisions")
        if action == "create" and not payload["record"].startswith("canopy:"):
            raise UserError("only a Canopy client can be created in QBO",
                            "move to a Canopy column first")
        if action == "link" and not (payload["canopy"].startswith("canopy:")
                                     and payload["qbo"].startswith("qbo:")):
            raise UserError("a link joins a Canopy client to a QBO customer",
                            "pick one record on each side")

    def decide(self, item_id: str, action: str, **payload: Any) -> Decision:
        """Check and record a decision; it is in the journal when this returns."""
        return self.decide_many([(item_id, action, payload)])[0]

    def decide_many(self, entries: list[tuple[str, str, dict[str, Any]]]) -> list[Decision]:
        """Check every (item id, action, payload) first, then record them all as one step
        (one undo). Raises `UserError` before anything is recorded if any is invalid."""
        for item_id, action, payload in entries:
            self._check(item_id, action, payload)
        decisions = self.journal.decide_many(
            [(item_id, action, payload, self.basis(item_id))
             for item_id, action, payload in entries])
        for decision in decisions:
            self._live.setdefault(decision.item, []).append(decision)
        for item_id in {d.item for d in decisions}:
            self._refresh(item_id)
        self.version += 1
        return decisions

    def stale_item_ids(self) -> list[str]:
        """Every item whose records changed under its decisions, in queue order (a lone
        record's item, outside the queue, last)."""
        found = [i for i in self.decided_item_ids() if self.stale(i)]
        return sorted(found, key=lambda i: self.index.get(i, len(self.index)))

    def confirm_refusal(self, item_id: str) -> str | None:
        """Why the item's decisions cannot be re-confirmed, for the user; None when they can.
        A decision naming a record gone from the input would count as decided while the plan
        has nothing to do for it (a gone record changes nothing): it is decided again or
        dropped instead."""
        live = self._after_drop(self._live.get(item_id, []))
        named = dict.fromkeys(str(d.payload[name]) for d in live
                              for name in ("record", "canopy", "qbo") if name in d.payload)
        gone = [key for key in named if not self.exists(key)]
        if not gone:
            return None
        labels = " and ".join(stale.record_label(key) for key in gone)
        return (f"{labels} {'is' if len(gone) == 1 else 'are'} no longer in the input: decide "
                "this item again or drop it (z)")

    def settle_stale(self, action: str, item_ids: list[str] | None = None) -> list[Decision]:
        """`confirm` (keep the decisions on the records as they are now) or `drop` (clear
        them) every stale item, or those given, as ONE step: one undo takes it back. Items
        `confirm_refusal` refuses are not re-confirmed."""
        if action not in ("confirm", "drop"):
            raise ValueError(f"settle with confirm or drop, not {action!r}")
        ids = self.stale_item_ids() if item_ids is None else item_ids
        if action == "confirm":
            ids = [item_id for item_id in ids if self.confirm_refusal(item_id) is None]
        return self.decide_many([(item_id, action, {}) for item_id in ids])

    def _apply_step(self, decisions: list[Decision], live: bool) -> list[Decision]:
        for decision in decisions:
            kept = [d for d in self._live.get(decision.item, []) if d.seq != decision.seq]
            if live:
                kept.append(decision)
                kept.sort(key=lambda d: d.seq)
            self._live[decision.item] = kept
        for item_id in {d.item for d in decisions}:
            self._refresh(item_id)
        self.version += 1
        return decisions

    def undo(self) -> list[Decision]:
        """Undo the newest step (one decision, or a whole bulk decision), whichever items it
        touched; returns its decisions, empty when there is nothing to undo."""
        return self._apply_step(self.journal.undo(), live=False)

    def redo(self) -> list[Decision]:
        """Redo the step undone last; empty when there is nothing to redo."""
        return self._apply_step(self.journal.redo(), live=True)
