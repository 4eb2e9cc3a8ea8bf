"""The queue's items: what each is (a duplicate group, a probable pair, a link the evidence
doubts) and the order they are worked in, built from the report. Their state, from the
decisions, lives in `triage`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import polars as pl

from tui.service.report import Report

KIND_ORDER = {"changed": -1, "competing": 0, "mixed": 1, "canopy": 2, "qbo": 3, "pair": 4,
              "link": 5}
KIND_TITLES = {
    "competing": "Several Canopy clients for one QBO customer",
    "mixed": "Duplicates on both sides",
    "canopy": "Duplicates inside Canopy",
    "qbo": "Duplicates inside QBO",
    "pair": "Probable match: the name rule misses it",
    "link": "Canopy will link these by name, but the evidence disagrees",
    "record": "A record with no twin",
    "changed": "Decided earlier; its records changed since",
}
"""Each kind's heading; short enough to follow the status on one line at 80 columns."""

LEFT_TITLES = {
    (1, 1): "One Canopy client and one QBO customer left",
    (1, 0): "One record left", (0, 1): "One record left", (0, 0): "No record left",
}
"""Headings for what remains of an item once records were split off or went from the input,
by (Canopy clients, QBO customers) left."""

GROUP_KINDS = ("competing", "mixed", "canopy", "qbo")


def group_kind(canopy: int, qbo: int) -> str | None:
    """The kind of group these many records on each side make, by the rule matching uses
    (`classify`); None when they no longer make a group."""
    if canopy >= 2 and qbo == 0:
        return "canopy"
    if qbo >= 2 and canopy <= 1:
        return "qbo"
    if canopy >= 2 and qbo == 1:
        return "competing"
    if canopy >= 2 and qbo >= 2:
        return "mixed"
    return None


@dataclass
class Item:
    """One entry of the queue."""

    id: str
    kind: str
    """`competing`, `mixed`, `canopy`, `qbo` (groups), `pair` (probable), `link`, or `record`
    (a lone record opened from the report, outside the queue)."""
    members: list[str]
    """Record keys, Canopy first."""
    complete: bool = True
    """False for a group whose members do not all agree."""

    @property
    def title(self) -> str:
        return KIND_TITLES[self.kind]

    def heading(self, remaining: list[str]) -> str:
        """The title for the members that remain (`remaining`, after records were split off
        or left the input): a group of several Canopy clients that lost all but one is no
        longer "several Canopy clients for one QBO customer". A carried item keeps its own
        heading: why it is in the queue matters more than its shape."""
        if self.kind in ("changed", "record") or len(remaining) == len(self.members):
            return self.title
        canopy = sum(key.startswith("canopy:") for key in remaining)
        qbo = len(remaining) - canopy
        kind = group_kind(canopy, qbo)
        if kind is not None:
            return KIND_TITLES[kind]
        return LEFT_TITLES.get((canopy, qbo), self.title)


def _item_id(prefix: str, members: list[str]) -> str:
    digest = hashlib.sha1("|".join(sorted(members)).encode()).hexdigest()[:10]
    return f"{prefix}:{members[0]}:{digest}"


def build_items(report: Report) -> list[Item]:
    """Queue items in working order: groups by urgency, then probable pairs, then doubtful links."""
    recs = report.records
    keys = (recs["source"] + ":" + recs["record_id"]).to_list()
    items: list[Item] = []
    for group in report.result.groups.iter_rows(named=True):
        members = sorted((keys[i] for i in group["members"]),
                         key=lambda k: (not k.startswith("canopy:"), k))
        items.append(Item(_item_id("group", members), group["kind"], members,
                          bool(group["complete"])))
    pairs = report.result.pairs
    # Equal scores in the order of their records (`idx` follows the record ids, not the rows):
    # the queue's order must not change with the inputs' row order.
    probable = pairs.filter(pl.col("category") == "probable").sort(
        ["score", "a", "b"], descending=[True, False, False])
    doubtful = pairs.filter((pl.col("category") == "matched")
                            & (pl.col("evidence") == "disagrees")).sort("score", "a", "b")
    grouped = set(recs.filter(pl.col("group").is_not_null())["idx"].to_list())
    for kind, frame in (("pair", probable), ("link", doubtful)):
        for a, b in frame.select("a", "b").iter_rows():
            if a in grouped or b in grouped:
                continue  # decided inside its group
            members = [keys[a], keys[b]]
            items.append(Item(_item_id(kind, members), kind, members))
    items.sort(key=lambda item: KIND_ORDER[item.kind])
    return items


