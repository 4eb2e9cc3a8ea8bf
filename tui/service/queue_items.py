"""The queue's items: what each is (a duplicate group, a probable pair, a link the evidence
doubts) and the order they are worked in, built from the report. Their state, from the
decisions, lives in `triage`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
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


def item_frame(report: Report) -> pl.DataFrame:
    """Queue items in working order, as a frame: `id`, `kind`, `complete` and `members`
    (record keys, Canopy first; see `Item`). Groups by urgency, then probable pairs, then
    doubtful links.

    Built column-wise: at 100,000 records a side a Python loop over groups and pairs cost
    ~0.5 s, and the report's `patterns` list needs only this frame, not `Item` objects.
    """
    return item_frame_with_idx(report).drop("idx")


def item_frame_with_idx(report: Report) -> pl.DataFrame:
    """`item_frame` with `idx`: each item's members as record positions (`idx`), so the
    report's patterns find an item's pairs without joining on the string keys."""
    recs = report.records
    groups = report.result.groups.with_row_index("row")
    flat = groups.select("row", "members").explode("members")
    # Keys only for the records in an item: building one per record cost more than the rest.
    source, record_id = recs["source"], recs["record_id"]

    def keys(idx: pl.Series) -> pl.Series:
        return source.gather(idx) + ":" + record_id.gather(idx)

    # Sorted plainly, Canopy keys come first ("canopy:" < "qbo:"): the members' shown order
    # and the order their digest is taken in are one and the same.
    members = (pl.DataFrame({"row": flat["row"], "key": keys(flat["members"]),
                             "idx": flat["members"]})
               .sort("row", "key").group_by("row", maintain_order=True)
               .agg(pl.col("key").alias("members"), "idx"))
    parts = [groups.select("row", pl.lit("group").alias("prefix"), "kind",
                           pl.col("complete").cast(pl.Boolean).fill_null(False))
             .join(members, on="row").sort("row").drop("row")
             .with_columns(pl.col("members").list.join("|").alias("sorted"))]
    pairs = report.result.pairs.select("a", "b", "score", "category", "evidence")
    # Equal scores in the order of their records (`idx` follows the record ids, not the rows):
    # the queue's order must not change with the inputs' row order.
    probable = pairs.filter(pl.col("category") == "probable").sort(
        ["score", "a", "b"], descending=[True, False, False])
    doubtful = pairs.filter((pl.col("category") == "matched")
                            & (pl.col("evidence") == "disagrees")).sort("score", "a", "b")
    grouped = flat["members"].implode()
    for kind, frame in (("pair", probable), ("link", doubtful)):
        # A pair with a grouped record is decided inside its group.
        kept = frame.filter(~pl.col("a").is_in(grouped) & ~pl.col("b").is_in(grouped))
        # Each pair's two members as a list: a and b interleaved, then cut in twos (Polars'
        # `concat_list` cost ~1.5 µs a row, as long as the rest of the queue's building).
        both = pl.Series(np.column_stack((kept["a"].to_numpy(), kept["b"].to_numpy())).ravel(),
                         dtype=pl.UInt32)
        parts.append(pl.DataFrame({
            "a": keys(kept["a"]), "b": keys(kept["b"]),
            "members": keys(both).reshape((-1, 2)).arr.to_list(),
            "idx": both.reshape((-1, 2)).arr.to_list(),
        }).select(pl.lit(kind).alias("prefix"), pl.lit(kind).alias("kind"),
                  pl.lit(True).alias("complete"), "members", "idx",
                  # Two keys sorted by comparing them: Polars' per-list sort costs ~10 µs a list.
                  pl.when(pl.col("a") <= pl.col("b")).then(pl.format("{}|{}", "a", "b"))
                  .otherwise(pl.format("{}|{}", "b", "a")).alias("sorted")))
    order = pl.col("kind").replace_strict(KIND_ORDER, return_dtype=pl.Int64)
    items = pl.concat(parts).sort(order, maintain_order=True)
    return items.select(_item_ids(items), "kind", "complete", "members", "idx")


def _item_ids(items: pl.DataFrame) -> pl.Series:
    """`prefix:first member:SHA-1 of the sorted members` (first 10 hex digits): the ids users'
    sessions hold, never to change."""
    sha1 = hashlib.sha1
    digests = [sha1(text).hexdigest()[:10]
               for text in items["sorted"].cast(pl.Binary).to_list()]
    return items.select(pl.format("{}:{}:{}", "prefix", pl.col("members").list.first(),
                                  pl.Series(digests, dtype=pl.String)).alias("id"))["id"]


def build_items(report: Report) -> list[Item]:
    """Queue items in working order: groups by urgency, then probable pairs, then doubtful links."""
    frame = item_frame(report)
    return [Item(item_id, kind, members, complete) for item_id, kind, complete, members in
            zip(frame["id"].to_list(), frame["kind"].to_list(), frame["complete"].to_list(),
                frame["members"].to_list(), strict=True)]
