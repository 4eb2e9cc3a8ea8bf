"""From scored pairs to the report's categories, keeping two verdicts apart: what Canopy's name
rule will do with each record, and what the evidence says."""

from __future__ import annotations

import numpy as np
import polars as pl

from tui.service.config import MatchConfig
from tui.service.match.block import selected
from tui.service.match.groups import components
from tui.service.match.levels import capped_score

CANOPY_VERDICTS = ("Matches", "Unmatched", "Duplicates")
QBO_VERDICTS = ("Matches", "New", "Duplicates", "Inactive", "Sub-customer", "Not selected")
GROUP_KINDS = ("canopy", "qbo", "competing", "mixed")


def evidence(score: pl.Expr, match: MatchConfig) -> pl.Expr:
    """`agrees`, `uncertain` or `disagrees`: the evidence's verdict on a pair."""
    return (
        pl.when(score >= match.accept).then(pl.lit("agrees"))
        .when(score >= match.review).then(pl.lit("uncertain"))
        .otherwise(pl.lit("disagrees"))
    )


def _mutual_best(pairs: pl.DataFrame) -> pl.DataFrame:
    """Pairs that are the best-scoring pair of both their records (ties broken by index, which
    follows the record ids: see `engine.run_match`)."""
    ranked = pairs.sort(["score", "a", "b"], descending=[True, False, False])
    best_a = ranked.unique("a", keep="first", maintain_order=True)
    best_b = ranked.unique("b", keep="first", maintain_order=True)
    return best_a.join(best_b.select("a", "b"), on=["a", "b"])


def _best_for_person(pairs: pl.DataFrame, joint: pl.Series) -> pl.DataFrame:
    """Joint-client pairs (`a`, `b`) that are the best pair of their one-person side: a joint
    client is the probable twin of each of its people, not of one only."""
    person = pl.when(joint.gather(pairs["a"])).then(pl.col("b")).otherwise(pl.col("a"))
    return (
        pairs.with_columns(person.alias("_person"))
        .sort(["score", "a", "b"], descending=[True, False, False])
        .unique("_person", keep="first", maintain_order=True)
        .select("a", "b")
    )


def _pair_key() -> pl.Expr:
    """A pair's (`a`, `b`) as one integer, for set lookups (`idx` fits in 32 bits)."""
    return pl.col("a").cast(pl.UInt64) * (1 << 32) + pl.col("b").cast(pl.UInt64)


def _pair_keys(pairs: pl.DataFrame) -> pl.Series:
    """The `_pair_key`s of `pairs`, as one list to test membership in (`is_in`)."""
    return pairs.select(_pair_key()).to_series().implode()


def _at(idx: pl.Series, values: pl.Series, height: int) -> pl.Series:
    """A column of `height` rows holding `values` at rows `idx`, null elsewhere: a record's
    own row is its `idx`, so this is a left join by `idx` without copying or re-sorting the
    records' other forty columns (at 1M × 1M three such joins and sorts took seconds)."""
    column = pl.Series(values.name, dtype=values.dtype).extend_constant(None, height)
    return column.scatter(idx, values) if len(idx) else column


def classify(records: pl.DataFrame, scored: pl.DataFrame, exact: pl.DataFrame,
             match: MatchConfig) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Return `(records, pairs, groups)`.

    `records` gains `n_exact`, `verdict`, `twin_idx`, `twin_score`, `group`; `pairs` keeps the
    pairs worth showing, each with a `category` (matched, competing, probable, related,
    duplicate) and an `evidence` verdict; `groups` lists duplicate groups with their members.
    """
    # Flags from (a, b) sets rather than left joins: a join gathers every one of the pairs'
    # thirty columns again (at 1M × 1M, 1.7M pairs: a copy of 0.3 GB per join).
    pairs = scored.with_columns(
        _pair_key().is_in(_pair_keys(exact)).alias("exact"),
        # Relatives, generations, joint clients and businesses are held under their cap.
        capped_score(match).alias("score"),
    )
    height = records.height
    ends = np.concatenate([exact["a"].to_numpy(), exact["b"].to_numpy()]).astype(np.int64)
    counts = pl.Series("n_exact", np.bincount(ends, minlength=height), dtype=pl.UInt32)
    records = records.with_columns(counts)
    pairs = pairs.with_columns(
        counts.gather(pairs["a"]).alias("n_exact_a"),
        counts.gather(pairs["b"]).alias("n_exact_b"),
    )
    cross = pl.col("source_a") != pl.col("source_b")
    one_to_one = (pl.col("n_exact_a") == 1) & (pl.col("n_exact_b") == 1)
    unlinked = (pl.col("n_exact_a") == 0) & (pl.col("n_exact_b") == 0)
    above = pl.col("score") >= match.review
    # Only the columns read from here on: the filter then copies four columns, not thirty.
    probable_all = pairs.lazy().filter(cross & ~pl.col("exact") & unlinked & above).select(
        "a", "b", "score", "flag_joint").collect()
    best = pl.concat([
        _mutual_best(probable_all.filter(~pl.col("flag_joint"))).select("a", "b"),
        _best_for_person(probable_all.filter(pl.col("flag_joint")), records["joint"]),
    ])
    pairs = pairs.with_columns(_pair_key().is_in(_pair_keys(best)).alias("best"))
    category = (
        pl.when(pl.col("exact") & one_to_one).then(pl.lit("matched"))
        .when(pl.col("exact")).then(pl.lit("competing"))
        .when(cross & unlinked & above & pl.col("best")).then(pl.lit("probable"))
        .when(above & cross).then(pl.lit("related"))
        .when(above).then(pl.lit("duplicate"))
        .otherwise(None)
    )
    pairs = pairs.with_columns(category.alias("category")).filter(
        pl.col("category").is_not_null()
    ).with_columns(evidence(pl.col("score"), match).alias("evidence"))

    # Groups: every pair shown except a 1:1 link or a lone probable pair joins its records.
    # A joint client's pairs with each of its people, and an owner's with their business, are
    # shown for review but join nobody: the two people are not duplicates of each other.
    labels = components(pairs.lazy().filter(pl.col("cap").ne_missing("review"))
                        .select("a", "b").collect())
    # `labels` come sorted by idx, and a group keeps its rows' order: members come sorted.
    sized = labels.with_columns(records["source"].gather(labels["idx"])).group_by("group").agg(
        pl.len().alias("size"),
        (pl.col("source") == "canopy").sum().alias("n_canopy"),
        (pl.col("source") == "qbo").sum().alias("n_qbo"),
        pl.col("idx").alias("members"),
    )
    groups = sized.filter((pl.col("n_canopy") >= 2) | (pl.col("n_qbo") >= 2))
    group_of = _at(labels["idx"], labels["group"], height)
    edges = pl.DataFrame([group_of.gather(pairs["a"]), pairs["score"]]).drop_nulls(
        "group").group_by("group").agg(
        pl.len().alias("edges"),
        (pl.col("score") < match.review).sum().alias("weak_edges"),
    )
    groups = groups.join(edges, on="group", how="left").with_columns(
        pl.when((pl.col("n_canopy") >= 2) & (pl.col("n_qbo") == 0)).then(pl.lit("canopy"))
        .when((pl.col("n_qbo") >= 2) & (pl.col("n_canopy") <= 1)).then(pl.lit("qbo"))
        .when((pl.col("n_canopy") >= 2) & (pl.col("n_qbo") == 1)).then(pl.lit("competing"))
        .otherwise(pl.lit("mixed"))
        .alias("kind"),
        # A group is complete when every two members were compared and agreed; a chain
        # A~B~C with A≁C is shown as such, not silently merged.
        ((pl.col("edges") == pl.col("size") * (pl.col("size") - 1) // 2)
         & (pl.col("weak_edges") == 0)).alias("complete"),
    ).sort("group")
    grouped = groups.select("group", "members").explode("members")
    records = records.with_columns(_at(grouped["members"], grouped["group"], height))

    # A record's twin is its best-scoring probable partner; among equals the one whose record
    # comes first (`idx` follows the record ids), never whichever row the input had first.
    twin_of = pl.concat([
        probable_all.select(pl.col("a").alias("idx"), pl.col("b").alias("twin_idx"), "score"),
        probable_all.select(pl.col("b").alias("idx"), pl.col("a").alias("twin_idx"), "score"),
    ]).sort(["score", "twin_idx"], descending=[True, False]).unique(
        "idx", keep="first", maintain_order=True).rename({"score": "twin_score"})
    records = records.with_columns(_at(twin_of["idx"], twin_of["twin_idx"], height),
                                   _at(twin_of["idx"], twin_of["twin_score"], height))

    partner_counts = pl.concat([
        exact.select(pl.col("a").alias("idx"), counts.gather(exact["b"]).alias("other")),
        exact.select(pl.col("b").alias("idx"), counts.gather(exact["a"]).alias("other")),
    ]).group_by("idx").agg(pl.col("other").max().alias("partner_max"))
    records = records.with_columns(
        _at(partner_counts["idx"], partner_counts["partner_max"], height))
    linked_one = (pl.col("n_exact") == 1) & (pl.col("partner_max") == 1)
    verdict = (
        pl.when(pl.col("is_job")).then(pl.lit("Sub-customer"))
        .when((pl.col("source") == "qbo") & ~selected(match.qbo_clients)).then(
            pl.when(pl.col("active")).then(pl.lit("Not selected")).otherwise(pl.lit("Inactive")))
        .when(linked_one).then(pl.lit("Matches"))
        .when(pl.col("n_exact") >= 1).then(pl.lit("Duplicates"))
        .when(pl.col("source") == "canopy").then(pl.lit("Unmatched"))
        .otherwise(pl.lit("New"))
    )
    records = records.with_columns(verdict.alias("verdict")).drop("partner_max")
    return records, pairs, groups
