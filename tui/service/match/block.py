"""Blocking: candidate pairs from records that share a key, far fewer than every pair.

Each key is a Polars expression; records sharing a value form a block and every pair inside a
block becomes a candidate. Blocks over `max_block` records are skipped for that key (a common
surname with a common initial says little), so the count of pairs stays near linear.
"""

from __future__ import annotations

import polars as pl

from tui.service.match.nicknames import nickname_pairs


def _prefix(column: str, n: int) -> pl.Expr:
    return pl.col(column).str.slice(0, n)


def _join(*parts: pl.Expr) -> pl.Expr:
    # A null part nulls the whole key: records missing a part are not blocked on it.
    return pl.concat_str(list(parts), separator="|")


BLOCKING_KEYS: dict[str, pl.Expr] = {
    "name": pl.col("sorted_key"),
    "family+given prefix": _join(pl.col("family_key"), _prefix("given_key", 3)),
    "given+family prefix": _join(pl.col("given_key"), _prefix("family_key", 3)),
    "given+family ends": _join(
        pl.col("given_key"), _prefix("family_key", 1), pl.col("family_key").str.slice(-1)
    ),
    "email": pl.col("email_key"),
    "phone": pl.col("phone_key"),
    # Typos in both parts ("Jonh Smiht"), swapped columns, one name typed twice wrong: the
    # letters of each word, sorted, are the same.
    "anagram": pl.col("name_key").str.split(" ").list.eval(
        pl.element().str.split("").list.sort().list.join("")
    ).list.sort().list.join(" "),
    "postal+initials": _join(
        pl.col("postal_key"),
        pl.concat_list(_prefix("given_key", 1), _prefix("family_key", 1))
        .list.sort().list.join(""),
    ),
    "partner": _join(pl.col("family2_key"), _prefix("given2_key", 3)),
    "partner swapped": _join(pl.col("given2_key"), _prefix("family2_key", 3)),
    "business words": pl.when(pl.col("kind") == "business")
    .then(pl.col("name_key").str.extract(r"^(\S+ \S{0,3})", 1))
    .otherwise(None),
    "postal+business": pl.when(pl.col("kind") == "business")
    .then(_join(pl.col("postal_key"), _prefix("name_key", 3)))
    .otherwise(None),
}
"""Blocking key name → expression over a keyed records frame."""


def _nickname_keys(records: pl.LazyFrame) -> pl.LazyFrame:
    """`family|name` for the given name and every full name it may be a nickname of, so that
    "Jerry McDaniel" and "Geraldine McDaniel" share a block."""
    names = records.select("idx", "family_key", "given_key").drop_nulls()
    full = nickname_pairs().lazy().select(pl.col("x").alias("given_key"), pl.col("y").alias("alt"))
    alts = names.join(full, on="given_key").select("idx", "family_key", pl.col("alt"))
    own = names.select("idx", "family_key", pl.col("given_key").alias("alt"))
    return pl.concat([own, alts]).select(
        "idx", _join(pl.col("family_key"), pl.col("alt")).alias("key")
    ).unique()


def _postal_word_keys(records: pl.LazyFrame) -> pl.LazyFrame:
    """`postal|word` for each word of a person's name (given, family, a partner's), so a name
    with its family name missing ("Marguerite") meets "Marguerite Okafor" at one postcode, and
    a typo in one part leaves the other to meet on."""
    words = ("given_key", "family_key", "given2_key", "family2_key")
    return pl.concat([
        records.select("idx", _join(pl.col("postal_key"), pl.col(w)).alias("key")) for w in words
    ]).drop_nulls("key").unique()


def candidate_pairs(records: pl.DataFrame, max_block: int) -> pl.DataFrame:
    """Unique pairs `a < b` (row indices into `records`, column `idx`) sharing any blocking key."""
    frames = []
    keyed_sets = {
        name: records.lazy().select(pl.col("idx"), expr.alias("key"))
        for name, expr in BLOCKING_KEYS.items()
    }
    keyed_sets["family+nickname"] = _nickname_keys(records.lazy())
    keyed_sets["postal+name word"] = _postal_word_keys(records.lazy())
    for name, keyed in keyed_sets.items():
        keyed = keyed.drop_nulls("key").filter(pl.len().over("key").is_between(2, max_block))
        pairs = (
            keyed.join(keyed, on="key", suffix="_b")
            .filter(pl.col("idx") < pl.col("idx_b"))
            .select(pl.col("idx").alias("a"), pl.col("idx_b").alias("b"))
        )
        frames.append(pairs.with_columns(pl.lit(name).alias("block")))
    return (
        pl.concat(frames)
        .group_by("a", "b")
        .agg(pl.col("block").first())
        .sort("a", "b")
        .collect()
    )


def exact_pairs(records: pl.DataFrame) -> pl.DataFrame:
    """Canopy ↔ active QBO pairs that Canopy's name rule links: equal `exact_key`."""
    canopy = records.lazy().filter(pl.col("source") == "canopy").select("idx", "exact_key")
    qbo = records.lazy().filter(
        (pl.col("source") == "qbo") & pl.col("active") & ~pl.col("is_job")
    ).select("idx", "exact_key")
    return (
        canopy.join(qbo, on="exact_key", suffix="_b")
        .select(pl.col("idx").alias("a"), pl.col("idx_b").alias("b"))
        .collect()
    )
