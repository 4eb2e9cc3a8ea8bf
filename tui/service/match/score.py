"""Per-field scores for candidate pairs, combined into one 0–100 score with a reason.

Each field adds evidence for or against "same client" (a log-odds weight, as in Fellegi–Sunter
and Splink); the sum goes through a logistic curve to 0–100. Field scores, weights and a
one-line reason stay on every pair so the user can see why two records were put together.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import polars as pl
from rapidfuzz import fuzz, process

from tui.service.match.nicknames import nickname_pairs

PRIOR = -4.0
"""Evidence before any field is compared: most candidate pairs are different clients."""

_SIDE_COLUMNS = [
    "source", "kind", "exact_key", "name_key", "given_key", "given2_key", "family_key",
    "generation", "joint", "email_key", "phone_key", "street_key", "city_key", "postal_key",
]


def _similarity(a: pl.Series, b: pl.Series, scorer: object) -> pl.Series:
    """rapidfuzz scores of aligned string columns; null where either side is null.

    Equal strings score 100 without calling rapidfuzz: blocking on names makes them common.
    """
    missing = (a.is_null() | b.is_null()).to_numpy()
    equal = (a == b).fill_null(False).to_numpy()
    todo = np.flatnonzero(~missing & ~equal)
    scores = np.full(len(a), np.nan)
    scores[equal] = 100.0
    if todo.size:
        left = a.gather(todo).to_list()
        right = b.gather(todo).to_list()
        scores[todo] = process.cpdist(left, right, scorer=scorer, workers=-1)
    return pl.Series(scores).fill_nan(None)


def _sides(records: pl.DataFrame, pairs: pl.DataFrame) -> pl.DataFrame:
    """The pairs with every side column gathered as `<col>_a` / `<col>_b`."""
    a_idx, b_idx = pairs["a"], pairs["b"]
    cols = [pairs[name] for name in pairs.columns]
    for name in _SIDE_COLUMNS:
        series = records[name]
        cols.append(series.gather(a_idx).alias(f"{name}_a"))
        cols.append(series.gather(b_idx).alias(f"{name}_b"))
    return pl.DataFrame(cols)


def _both(column: str) -> pl.Expr:
    return pl.col(f"{column}_a").is_not_null() & pl.col(f"{column}_b").is_not_null()


def _equal(column: str) -> pl.Expr:
    """100 when both present and equal, 0 when both present and different, else null."""
    return (
        pl.when(_both(column))
        .then(pl.when(pl.col(f"{column}_a") == pl.col(f"{column}_b")).then(100.0).otherwise(0.0))
        .otherwise(None)
    )


def score_pairs(records: pl.DataFrame, pairs: pl.DataFrame) -> pl.DataFrame:
    """Score pairs (`a`, `b` row indices into `records`) field by field.

    Adds `name`, `email`, `phone`, `address` (0–100 or null), the flags `given_conflict`,
    `generation_conflict`, `joint_mismatch`, `kind_mismatch`, `nickname`, `exact_name`, the
    evidence `weight` and the combined `score`, beside both records' key columns.
    """
    df = _sides(records, pairs)
    df = df.with_columns(
        _similarity(df["name_key_a"], df["name_key_b"], fuzz.token_sort_ratio).alias("name_full"),
        _similarity(df["given_key_a"], df["given_key_b"], fuzz.ratio).alias("given_sim"),
        _similarity(df["family_key_a"], df["family_key_b"], fuzz.ratio).alias("family_sim"),
        _similarity(df["street_key_a"], df["street_key_b"], fuzz.token_sort_ratio)
        .alias("street_sim"),
        _similarity(df["city_key_a"], df["city_key_b"], fuzz.ratio).alias("city_sim"),
        # The joint partner's name: "John & Mary Smith" vs "Mary Smith" is not a conflict.
        _similarity(df["given2_key_a"], df["given_key_b"], fuzz.ratio).alias("given2_ab"),
        _similarity(df["given_key_a"], df["given2_key_b"], fuzz.ratio).alias("given2_ba"),
    )
    nick = nickname_pairs().select(pl.concat_str(["x", "y"], separator="|"))
    df = df.with_columns(
        pl.concat_str(["given_key_a", "given_key_b"], separator="|")
        .is_in(nick.to_series().implode())
        .fill_null(False)
        .alias("nickname")
    )

    people = (pl.col("kind_a") == "individual") & (pl.col("kind_b") == "individual")
    initial = (
        (pl.col("given_key_a").str.len_chars() == 1) | (pl.col("given_key_b").str.len_chars() == 1)
    ) & (pl.col("given_key_a").str.slice(0, 1) == pl.col("given_key_b").str.slice(0, 1))
    given = (
        pl.when(pl.col("nickname") | initial).then(100.0)
        .otherwise(pl.max_horizontal("given_sim", "given2_ab", "given2_ba"))
    )
    person_name = (0.55 * pl.col("family_sim") + 0.45 * pl.col("given"))
    df = df.with_columns(given.alias("given"))
    df = df.with_columns(
        pl.when(people & pl.col("given").is_not_null() & pl.col("family_sim").is_not_null())
        .then(pl.max_horizontal(person_name, pl.col("name_full")
                                * pl.when(pl.col("given") >= 75).then(1.0).otherwise(0.0)))
        .otherwise(pl.col("name_full"))
        .round(1)
        .alias("name"),
        _equal("email_key").alias("email"),
        _equal("phone_key").alias("phone"),
        (people & _both("given_key") & (pl.col("given") < 75)).alias("given_conflict"),
        (_both("generation") & (pl.col("generation_a") != pl.col("generation_b")))
        .alias("generation_conflict"),
        (pl.col("joint_a") != pl.col("joint_b")).alias("joint_mismatch"),
        (pl.col("kind_a") != pl.col("kind_b")).alias("kind_mismatch"),
        (pl.col("exact_key_a") == pl.col("exact_key_b")).fill_null(False).alias("exact_name"),
    )
    postal = _equal("postal_key")
    place = pl.when(postal.is_not_null()).then(postal).otherwise(pl.col("city_sim"))
    address = (
        pl.when(pl.col("street_sim").is_not_null() & place.is_not_null())
        .then(0.5 * pl.col("street_sim") + 0.5 * place)
        .otherwise(place)
        .round(1)
    )
    df = df.with_columns(address.alias("address"))
    weight = (
        pl.lit(PRIOR)
        + _name_weight(pl.col("name"))
        + pl.when(pl.col("email") == 100).then(3.5).when(pl.col("email") == 0).then(-1.0)
        .otherwise(0.0)
        + pl.when(pl.col("phone") == 100).then(3.0).when(pl.col("phone") == 0).then(-1.0)
        .otherwise(0.0)
        + pl.when(pl.col("address") >= 90).then(2.0).when(pl.col("address") >= 60).then(1.0)
        .when(pl.col("address") < 40).then(-2.5).otherwise(0.0)
        + pl.when(pl.col("given_conflict")).then(-6.0).otherwise(0.0)
        + pl.when(pl.col("generation_conflict")).then(-6.0).otherwise(0.0)
        + pl.when(pl.col("kind_mismatch")).then(-1.5).otherwise(0.0)
    )
    df = df.with_columns(weight.round(2).alias("weight"))
    df = df.with_columns(
        (100.0 / (1.0 + (-pl.col("weight")).exp())).round(1).alias("score"),
    )
    return df


def explain(scored: pl.DataFrame, pair_columns: list[str]) -> pl.DataFrame:
    """Add the one-line `reason` and keep the columns later steps use.

    Reasons cost more than scores: call this on the pairs worth showing, not every candidate.
    """
    return scored.with_columns(_reason().alias("reason")).select(
        *pair_columns, "source_a", "source_b", "name", "email", "phone", "address",
        "given_conflict", "generation_conflict", "joint_mismatch", "kind_mismatch", "nickname",
        "exact_name", "weight", "score", "reason",
    )


def _name_weight(name: pl.Expr) -> pl.Expr:
    """Evidence from the name score: piecewise linear through (60, -5), (70, -1), (80, 1.5),
    (90, 3.5), (97, 5), so a small typo costs a little, not a whole tier."""
    points = [(60.0, -5.0), (70.0, -1.0), (80.0, 1.5), (90.0, 3.5), (97.0, 5.0)]
    expr = pl.when(name >= points[-1][0]).then(points[-1][1])
    for (x0, y0), (x1, y1) in reversed(list(pairwise(points))):
        expr = expr.when(name >= x0).then(y0 + (name - x0) * (y1 - y0) / (x1 - x0))
    return expr.otherwise(points[0][1])


def _reason() -> pl.Expr:
    """One line saying which fields agreed and which disagreed, strongest first."""
    name = pl.col("name")
    parts = [
        pl.when(pl.col("exact_name")).then(pl.lit("same name"))
        .when(name >= 97).then(pl.lit("same name, other spelling or order"))
        .when(name >= 80).then(pl.format("similar names ({})", name.cast(pl.Int64)))
        .otherwise(pl.format("different names ({})", name.cast(pl.Int64))),
        pl.when(pl.col("nickname")).then(
            pl.format("nickname {} = {}", pl.col("given_key_a"), pl.col("given_key_b"))
        ),
        pl.when(pl.col("given_conflict")).then(
            pl.format("different given names ({} ≠ {}): likely family members",
                      pl.col("given_key_a"), pl.col("given_key_b"))
        ),
        pl.when(pl.col("generation_conflict")).then(
            pl.format("{} ≠ {}", pl.col("generation_a"), pl.col("generation_b"))
        ),
        pl.when(pl.col("joint_mismatch")).then(pl.lit("joint client vs one person: review")),
        pl.when(pl.col("kind_mismatch")).then(pl.lit("business vs individual")),
        pl.when(pl.col("email") == 100).then(pl.lit("same email"))
        .when(pl.col("email") == 0).then(pl.lit("different email")),
        pl.when(pl.col("phone") == 100).then(pl.lit("same phone"))
        .when(pl.col("phone") == 0).then(pl.lit("different phone")),
        pl.when(pl.col("address") >= 90).then(pl.lit("same address"))
        .when(pl.col("address") >= 60).then(pl.lit("nearby address"))
        .when(pl.col("address") < 40).then(pl.lit("different place")),
    ]
    return pl.concat_list(parts).list.drop_nulls().list.join("; ")
