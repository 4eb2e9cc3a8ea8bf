"""What a scored pair is allowed to become, and how it is described: the cap that keeps
relatives, generations, joint clients and businesses from being linked automatically, the
per-field comparison levels and flags the review screens build patterns from, and the one-line
reason.

All functions are Polars expressions over a compared or weighed pairs frame (see
`score.compare_pairs` and `weighing.weigh`).
"""

from __future__ import annotations

from typing import TypeVar

import polars as pl

from tui.service.config import MatchConfig

Frame = TypeVar("Frame", pl.DataFrame, pl.LazyFrame)

CAPS = ("veto", "below_review", "review")
"""Most to least severe. `veto`: never shown as a likely pair (different generations, or an
individual and a business on one side). `below_review`: scored under `review` whatever the
contact data (two different given names: relatives). `review`: at most `uncertain`, never an
automatic link (a joint client and one of its people; an individual and a business)."""

VETO_SCORE = 5.0
"""The score a vetoed pair is held to."""

LEVELS = ("exact", "similar", "different", "missing")
LEVEL_COLUMNS = ["lvl_name", "lvl_email", "lvl_phone", "lvl_address"]
FLAG_COLUMNS = [
    "flag_joint", "flag_household", "flag_given_conflict", "flag_generation",
    "flag_business_individual",
]


def cap() -> pl.Expr:
    """The pair's cap (one of `CAPS`) or null; `same_side` says both records are from one
    list (see `score.compare_pairs`)."""
    return (
        pl.when(pl.col("generation_conflict") | (pl.col("kind_mismatch") & pl.col("same_side")))
        .then(pl.lit("veto"))
        .when(pl.col("given_conflict")).then(pl.lit("below_review"))
        .when(pl.col("joint_mismatch") | pl.col("kind_mismatch")).then(pl.lit("review"))
        .otherwise(None)
    )


def capped_score(match: MatchConfig) -> pl.Expr:
    """The `score` held under its cap at the given thresholds."""
    score = pl.col("score")
    below_review = max(match.review - 0.1, 0.0)
    below_accept = max(match.accept - 0.1, 0.0)
    return (
        pl.when(pl.col("cap") == "veto").then(pl.min_horizontal(score, VETO_SCORE))
        .when(pl.col("cap") == "below_review").then(pl.min_horizontal(score, below_review))
        .when(pl.col("cap") == "review").then(pl.min_horizontal(score, below_accept))
        .otherwise(score)
        .round(1)
    )


def _level(score: pl.Expr, exact: float, similar: float) -> pl.Expr:
    return (
        pl.when(score.is_null()).then(pl.lit("missing"))
        .when(score >= exact).then(pl.lit("exact"))
        .when(score >= similar).then(pl.lit("similar"))
        .otherwise(pl.lit("different"))
    )


def with_levels(df: Frame) -> Frame:
    """Add `LEVEL_COLUMNS` (each one of `LEVELS`) and `FLAG_COLUMNS` (booleans).

    Levels: name exact only when the names are the same as Canopy's sync compares them (case
    and spacing aside) — a pattern called "exact" must not hide a nickname, a typo or a swapped
    order, since accepting it renames a customer — similar ≥ 80; e-mail and phone exact or
    different; address exact ≥ 90, similar ≥ 60. `missing` when either side lacks the field.
    Flags: joint (one side is a joint client, the other not), household (different given names
    sharing an e-mail, a phone or an address), given_conflict, generation (Jr ≠ Sr),
    business_individual.
    """
    shared = (
        (pl.col("email") == 100) | (pl.col("phone") == 100) | (pl.col("address") >= 90)
    ).fill_null(False)
    return df.with_columns(
        pl.when(pl.col("exact_name")).then(pl.lit("exact"))
        .otherwise(_level(pl.col("name"), 101, 80)).alias("lvl_name"),
        _level(pl.col("email"), 100, 101).alias("lvl_email"),
        _level(pl.col("phone"), 100, 101).alias("lvl_phone"),
        _level(pl.col("address"), 90, 60).alias("lvl_address"),
        pl.col("joint_mismatch").alias("flag_joint"),
        (pl.col("given_conflict") & shared).alias("flag_household"),
        pl.col("given_conflict").alias("flag_given_conflict"),
        pl.col("generation_conflict").alias("flag_generation"),
        pl.col("kind_mismatch").alias("flag_business_individual"),
    )


def _signed(column: str) -> pl.Expr:
    """" (+3.5)" or " (−1.0)": a field's evidence in log-odds, for the reason line."""
    value = pl.col(column)
    # One number formatted per row, not one per branch (Polars evaluates both): `format` is
    # `concat_str` of its parts, so the text is the same.
    positive = value >= 0
    return pl.concat_str(
        pl.when(positive).then(pl.lit(" (+")).otherwise(pl.lit(" (−")),
        pl.when(positive).then(value).otherwise(-value).round(1),
        pl.lit(")"),
    )


def reason() -> pl.Expr:
    """One line saying which fields agreed and which disagreed, strongest first, each with the
    evidence it added (log-odds: see docs/matching.md)."""
    name = pl.col("name")
    parts = [
        pl.concat_str(
            pl.when(pl.col("exact_name")).then(pl.lit("same name"))
            .when(name >= 97).then(pl.lit("same name, other spelling or order"))
            # The score formatted once, not in each branch (Polars evaluates both).
            .otherwise(pl.concat_str(
                pl.when(name >= 80).then(pl.lit("similar names ("))
                .otherwise(pl.lit("different names (")),
                name.cast(pl.Int64), pl.lit(")"),
            )),
            _signed("w_name"),
        ),
        pl.when(pl.col("nickname")).then(
            pl.format("nickname {} = {}", pl.col("given_key_a"), pl.col("given_key_b"))
        ),
        pl.when(pl.col("given_conflict")).then(
            pl.format("different given names ({} ≠ {}): likely family members",
                      pl.col("given_key_a"), pl.col("given_key_b"))
        ),
        pl.when(pl.col("generation_conflict")).then(
            pl.format("{} ≠ {}: different generations", pl.col("generation_a"),
                      pl.col("generation_b"))
        ),
        pl.when(pl.col("joint_mismatch")).then(pl.lit("joint client vs one person: review")),
        pl.when(pl.col("kind_mismatch")).then(
            pl.lit("business vs individual: an owner and their business? review")
        ),
        pl.when(pl.col("email") == 100).then(pl.lit("same email") + _signed("w_email"))
        .when(pl.col("email") == 0).then(pl.lit("different email") + _signed("w_email")),
        pl.when(pl.col("phone") == 100).then(pl.lit("same phone") + _signed("w_phone"))
        .when(pl.col("phone") == 0).then(pl.lit("different phone") + _signed("w_phone")),
        pl.when(pl.col("address") >= 90).then(pl.lit("same address") + _signed("w_address"))
        .when(pl.col("address") >= 60).then(pl.lit("nearby address") + _signed("w_address"))
        .when(pl.col("address") < 40).then(pl.lit("different place") + _signed("w_address")),
    ]
    # One string pass; the same line as joining a list of the parts without the nulls.
    return pl.concat_str(parts, separator="; ", ignore_nulls=True)
