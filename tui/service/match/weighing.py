"""Compared pairs weighed: each field's evidence, the combined 0–100 score, the cap and the
one-line reason.

Comparing (`score.compare_pairs`) is the costly part and does not depend on the weights;
weighing is a few Polars expressions over its columns. So a run compares every candidate once,
learns the weights from those comparisons (`weights.estimate`) and then weighs them here.
"""

from __future__ import annotations

from itertools import pairwise

import polars as pl

from tui.service.match.levels import FLAG_COLUMNS, LEVEL_COLUMNS, cap, reason, with_levels
from tui.service.match.weights import NAME_KNOTS, Weights

TF_FLOOR, TF_CEILING, TF_RARE_CEILING = -3.0, 0.0, 3.0
"""Bounds of the term-frequency adjustment to an agreeing name's weight (log-odds)."""

SIDE_COLUMNS = ("source", "generation", "given_key")
"""Record columns the reason line and the shown pairs read, gathered by `with_sides` as
`<col>_a` / `<col>_b`: only for the pairs worth showing, not every candidate."""


def weigh(compared: pl.DataFrame, weights: Weights) -> pl.DataFrame:
    """`compared` (see `score.compare_pairs`) with each field's evidence `w_name`, `w_email`,
    `w_phone`, `w_address` (log-odds, from `weights`: learned by `weights.estimate` or the
    defaults), the evidence `weight`, the combined `score` (0–100) and the `cap` (see
    `levels.cap`)."""
    w = weights
    df = compared.lazy().with_columns(
        (_name_weight(pl.col("name"), w)
         + pl.when(pl.col("name") >= 97).then(_frequency_adjustment(w.learned))
         .otherwise(0.0)).round(1).alias("w_name"),
        pl.when(pl.col("email") == 100).then(w.email[0])
        .when(pl.col("email") == 0).then(w.email[1]).otherwise(0.0).alias("w_email"),
        pl.when(pl.col("phone") == 100).then(w.phone[0])
        .when(pl.col("phone") == 0).then(w.phone[1]).otherwise(0.0).alias("w_phone"),
        pl.when(pl.col("address") >= 90).then(w.address[0])
        .when(pl.col("address") >= 60).then(w.address[1])
        .when(pl.col("address") >= 40).then(w.address[2])
        .when(pl.col("address").is_not_null()).then(w.address[3]).otherwise(0.0)
        .alias("w_address"),
    )
    weight = (
        pl.lit(w.prior) + pl.col("w_name") + pl.col("w_email") + pl.col("w_phone")
        + pl.col("w_address")
        + pl.when(pl.col("given_conflict")).then(-6.0).otherwise(0.0)
        + pl.when(pl.col("generation_conflict")).then(-6.0).otherwise(0.0)
        + pl.when(pl.col("kind_mismatch")).then(-1.5).otherwise(0.0)
    )
    df = df.with_columns(weight.round(2).alias("weight"))
    return df.with_columns(
        (100.0 / (1.0 + (-pl.col("weight")).exp())).round(1).alias("score"),
        cap().alias("cap"),
    ).collect()


def with_sides(pairs: pl.DataFrame, records: pl.DataFrame) -> pl.DataFrame:
    """`pairs` (`a`, `b` row positions in `records`) with both records' `SIDE_COLUMNS`."""
    a, b = pairs["a"], pairs["b"]
    return pairs.with_columns(
        *(records[c].gather(side).alias(f"{c}_{name}")
          for c in SIDE_COLUMNS for name, side in (("a", a), ("b", b)))
    )


def explain(scored: pl.DataFrame, pair_columns: list[str]) -> pl.DataFrame:
    """Add the one-line `reason`, comparison levels and flags (see `levels`), and keep the
    columns later steps use. `scored` is weighed (`weigh`) and carries its sides
    (`with_sides`).

    Reasons cost more than scores: call this on the pairs worth showing, not every candidate.
    """
    return with_levels(scored.lazy().with_columns(reason().alias("reason"))).select(
        *pair_columns, "source_a", "source_b", "name", "email", "phone", "address",
        "given_conflict", "generation_conflict", "joint_mismatch", "kind_mismatch", "nickname",
        "exact_name", "w_name", "w_email", "w_phone", "w_address", "weight", "score", "cap",
        "reason", *LEVEL_COLUMNS, *FLAG_COLUMNS,
    ).collect()


def _frequency_adjustment(learned: bool) -> pl.Expr:
    """Term-frequency adjustment for an agreeing name, as in Splink: ln(u / tf) (the pair's
    `name_rarity`, see `score.compare_pairs`), where tf is how often the pair's name occurs in
    both lists and u the chance that two random records share a name. A name as common as the
    average one adds nothing; `John Smith` among thousands of namesakes loses up to 3 (bounded
    by `TF_FLOOR`). Learned from the lists at hand, no labels; a small list has no common names
    and no change. With learned weights (large lists) a rare name also gains, up to
    `TF_RARE_CEILING`.
    """
    ceiling = TF_RARE_CEILING if learned else TF_CEILING
    return pl.col("name_rarity").clip(TF_FLOOR, ceiling).fill_null(0.0)


def _name_weight(name: pl.Expr, weights: Weights) -> pl.Expr:
    """Evidence from the name score: piecewise linear through each name level's weight at its
    knot (by default (60, -5), (70, -1), (80, 1.5), (90, 3.5), (97, 5)), so a small typo costs
    a little, not a whole tier."""
    points = sorted(zip(NAME_KNOTS, weights.name, strict=True))
    expr = pl.when(name >= points[-1][0]).then(points[-1][1])
    for (x0, y0), (x1, y1) in reversed(list(pairwise(points))):
        expr = expr.when(name >= x0).then(y0 + (name - x0) * (y1 - y0) / (x1 - x0))
    return expr.otherwise(points[0][1])
