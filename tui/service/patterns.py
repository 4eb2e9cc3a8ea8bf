"""Agreement patterns: per queued item, how its records compare field by field (exact, similar,
different, missing) and which warning flags are up; the patterns those make, with their counts;
and the decisions that settle every item of a pattern (or of a set of marked items) at once.

A pattern decision is one journal step (`Triage.decide_many`): one undo reverts all of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import polars as pl

if TYPE_CHECKING:
    from tui.service.report import Report
    from tui.service.triage import Item, Triage

FIELDS = ("name", "email", "phone", "address")
"""The compared fields a pattern is made of, in the order shown."""
LEVELS = ("exact", "similar", "different", "missing")
FLAGS = ("joint", "household", "given_conflict", "generation", "business_individual")
"""Warning flags, as matching v2 names them (`flag_<name>` columns on the pairs)."""
SIMILAR_FLOOR = 80.0
"""A field score at least this (and under 100) reads as "similar"; below it, "different"."""

_OLD_FLAG_COLUMNS = {"joint": "joint_mismatch", "given_conflict": "given_conflict",
                     "generation": "generation_conflict", "business_individual": "kind_mismatch"}
"""Flag → the score column that carries it until matching v2's `flag_*` columns exist."""

VERDICTS = ("accept", "reject")


def comparison_levels(pairs: pl.DataFrame) -> pl.DataFrame:
    """`pairs` with `lvl_<field>` (one of `LEVELS`) and `flag_<flag>` (bool) for every field
    and flag. The one place levels are derived: the columns matching v2 adds are used as they
    are; until then levels come from the 0–100 field scores and absent flags read as False."""
    columns = []
    for name in FIELDS:
        if f"lvl_{name}" in pairs.columns:
            continue
        score = pl.col(name) if name in pairs.columns else pl.lit(None, dtype=pl.Float64)
        columns.append(
            pl.when(score.is_null()).then(pl.lit("missing"))
            .when(score >= 100).then(pl.lit("exact"))
            .when(score >= SIMILAR_FLOOR).then(pl.lit("similar"))
            .otherwise(pl.lit("different")).alias(f"lvl_{name}"))
    for flag in FLAGS:
        if f"flag_{flag}" in pairs.columns:
            continue
        old = _OLD_FLAG_COLUMNS.get(flag)
        value = (pl.col(old).fill_null(False) if old and old in pairs.columns
                 else pl.lit(False))
        columns.append(value.alias(f"flag_{flag}"))
    return pairs.with_columns(columns) if columns else pairs


def pattern_key(levels: dict[str, str], flags: list[str]) -> str:
    """A pattern's id: "name=exact email=missing phone=different address=similar +joint"."""
    text = " ".join(f"{name}={levels[name]}" for name in FIELDS)
    return text + "".join(f" +{flag}" for flag in flags)


def item_table(report: Report, items: list[Item]) -> pl.DataFrame:
    """One row per queue item, in queue order.

    Columns: `pos` (queue position), `item` (id), `kind`, `size` (members), `score_min`,
    `score_max` (over the compared pairs inside the item; null when none), `flag_<flag>` (any
    pair of the item has it), and for two-member items `pattern` (see `pattern_key`, null for
    larger groups: one pattern cannot describe them) with `lvl_<field>`.
    """
    return frame_table(report, pl.DataFrame({
        "id": pl.Series([item.id for item in items], dtype=pl.String),
        "kind": pl.Series([item.kind for item in items], dtype=pl.String),
        "members": pl.Series([item.members for item in items], dtype=pl.List(pl.String)),
    }))


def frame_table(report: Report, items: pl.DataFrame) -> pl.DataFrame:
    """`item_table` of items given as a frame (`id`, `kind`, `members`: record keys), as
    `queue_items.item_frame` builds them."""
    recs = report.records
    keyed = recs.select((pl.col("source") + ":" + pl.col("record_id")).alias("key"), "idx")
    members = (items.select(pl.int_range(pl.len(), dtype=pl.Int64).alias("pos"),
                            pl.col("members").alias("key"))
               .explode("key").join(keyed, on="key").select("pos", "idx"))
    return _table(report, items, members)


def _table(report: Report, items: pl.DataFrame, members: pl.DataFrame) -> pl.DataFrame:
    """`frame_table` given each item's members as (`pos`, `idx`) rows."""
    base = items.select(
        pl.int_range(pl.len(), dtype=pl.Int64).alias("pos"), pl.col("id").alias("item"),
        "kind", pl.col("members").list.len().cast(pl.Int64).alias("size"))
    # Every compared pair inside an item (pairs keep a < b), found from the pairs' side: a
    # pair is inside an item when both its records are members. Pairing up an item's members
    # instead costs the square of its size: 30 M rows (3 GB) for the group of 7,730 in the
    # 30 × 30 names benchmark, which holds 8,597 compared pairs.
    pairs = comparison_levels(report.result.pairs)
    lvl = [f"lvl_{name}" for name in FIELDS]
    flag_cols = [f"flag_{flag}" for flag in FLAGS]
    # Joined on `a` alone, then kept when (item, `b`) is a member too, by one integer key:
    # a second join, and carrying the pairs' strings through both, cost twice as much.
    def member(pos: pl.Expr, idx: pl.Expr) -> pl.Expr:
        return pos.cast(pl.UInt64) * (1 << 32) + idx.cast(pl.UInt64)

    inside = (pairs.select("a", "b").with_row_index("row")
              .filter(pl.col("a") < pl.col("b"))
              .join(members.rename({"idx": "a"}), on="a")
              .filter(member(pl.col("pos"), pl.col("b")).is_in(
                  members.select(member(pl.col("pos"), pl.col("idx")))
                  .to_series().implode())))
    scored = inside.select("pos").hstack(
        pairs.select("score", *lvl, *flag_cols)[inside["row"]])
    per_item = scored.group_by("pos").agg(
        pl.col("score").min().alias("score_min"), pl.col("score").max().alias("score_max"),
        *[pl.col(c).any() for c in flag_cols],
        *[pl.col(c).first() for c in lvl],
        pl.len().alias("compared"),
    )
    table = base.join(per_item, on="pos", how="left").sort("pos")
    flags_text = pl.concat_str(
        [pl.when(pl.col(f"flag_{flag}")).then(pl.lit(f" +{flag}")).otherwise(pl.lit(""))
         for flag in FLAGS])
    levels_text = pl.concat_str([pl.lit(f"{name}=") + pl.col(f"lvl_{name}") for name in FIELDS],
                                separator=" ")
    pattern = (pl.when((pl.col("size") == 2) & (pl.col("compared") == 1))
               .then(levels_text + flags_text).otherwise(pl.lit(None, dtype=pl.String)))
    table = table.with_columns(pattern.alias("pattern"),
                               *[pl.col(c).fill_null(False) for c in flag_cols])
    return table.with_columns(
        [pl.when(pl.col("pattern").is_not_null()).then(pl.col(c)).alias(c) for c in lvl]
    ).drop("compared")


@dataclass(frozen=True)
class Pattern:
    """Every two-member item whose records compare the same way."""

    key: str
    """See `pattern_key`."""
    levels: dict[str, str]
    """Field → one of `LEVELS`."""
    flags: list[str]
    count: int
    score_min: float
    score_max: float
    items: list[str]
    """The items' ids, in queue order."""
    positions: list[int]
    """The items' queue positions, in queue order."""


def patterns(table: pl.DataFrame) -> list[Pattern]:
    """The patterns of an `item_table`, most items first (then by best score)."""
    grouped = (table.filter(pl.col("pattern").is_not_null())
               .group_by("pattern").agg(
                   pl.len().alias("count"), pl.col("score_min").min(),
                   pl.col("score_max").max(), pl.col("item"), pl.col("pos"),
                   *[pl.col(f"lvl_{name}").first() for name in FIELDS],
                   *[pl.col(f"flag_{flag}").first() for flag in FLAGS])
               .sort(["count", "score_max", "pattern"], descending=[True, True, False]))
    out = []
    for row in grouped.iter_rows(named=True):
        out.append(Pattern(
            key=row["pattern"], levels={name: row[f"lvl_{name}"] for name in FIELDS},
            flags=[flag for flag in FLAGS if row[f"flag_{flag}"]], count=row["count"],
            score_min=row["score_min"], score_max=row["score_max"],
            items=row["item"], positions=row["pos"]))
    return out


def report_patterns(report: Report) -> list[dict[str, Any]]:
    """The JSON report's `patterns` list (docs/report-schema.md): each pattern's `fields`
    (field → level), `flags`, `count`, `score_min`, `score_max` and `items` (queue item ids)."""
    from tui.service.queue_items import item_frame_with_idx

    items = item_frame_with_idx(report)
    # The members' positions come with the items: no join on their string keys.
    members = items.select(pl.int_range(pl.len(), dtype=pl.Int64).alias("pos"),
                           "idx").explode("idx")
    return [{"fields": p.levels, "flags": p.flags, "count": p.count,
             "score_min": p.score_min, "score_max": p.score_max, "items": p.items}
            for p in patterns(_table(report, items, members))]


def verdict_entry(triage: Triage, item_id: str,
                  verdict: str) -> tuple[str, str, dict[str, Any]] | None:
    """The decision that settles a two-member item: `accept` links its Canopy client to its
    QBO customer, `reject` says the second record is not a duplicate of the first. None when
    the verdict does not fit the item (accepting two records on one side would have to pick
    which to retire: that stays a decision made by hand) or the item is already decided."""
    if verdict not in VERDICTS:
        raise ValueError(f"unknown verdict {verdict!r}")
    item = triage.item(item_id)
    members = triage.members(item)
    if len(members) != 2 or triage.is_decided(item_id):
        return None
    second = members[1]
    if verdict == "reject":
        return (item_id, "distinct", {"record": second})
    sides = {key.split(":", 1)[0]: key for key in members}
    if set(sides) != {"canopy", "qbo"}:
        return None
    return (item_id, "link", {"canopy": sides["canopy"], "qbo": sides["qbo"]})


def verdict_entries(triage: Triage, item_ids: list[str],
                    verdict: str) -> tuple[list[tuple[str, str, dict[str, Any]]], int]:
    """The decisions for `verdict` on each item, and how many items were left out (decided
    already, or not fit for the verdict). Record them with `Triage.decide_many` (one step)."""
    entries = []
    for item_id in item_ids:
        entry = verdict_entry(triage, item_id, verdict)
        if entry is not None:
            entries.append(entry)
    return entries, len(item_ids) - len(entries)
