"""Blocking: candidate pairs from records that share a key, far fewer than every pair.

Each key is a Polars expression; records sharing a value form a block. Every pair inside a small
block becomes a candidate; a large block (a common surname with a common initial) is compared by
sorted neighbourhood, so the count of pairs stays near linear however repetitive the names.
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
    # letters of the name, sorted, are the same.
    "anagram": pl.col("name_key").str.replace_all(" ", "").str.split("").list.sort()
    .list.join(""),
    "postal+initials": _join(
        pl.col("postal_key"),
        pl.min_horizontal(_prefix("given_key", 1), _prefix("family_key", 1)),
        pl.max_horizontal(_prefix("given_key", 1), _prefix("family_key", 1)),
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


BLOCKING_COLUMNS = [
    "kind", "sorted_key", "name_key", "given_key", "family_key", "given2_key", "family2_key",
    "email_key", "phone_key", "postal_key", "street_key",
]
"""Key columns blocking reads (beside `idx`)."""


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


FULL_BLOCK = 16
"""Blocks up to this size (or `max_block`, if smaller) are compared in full, every pair."""

WINDOW = 4
"""In a larger block, each record is compared with the next `WINDOW` records of the block
sorted by postcode, street, name and e-mail (sorted neighbourhood): twins in a block of 500
`John Smith`s sort side by side, and the pairs grow with the block, not with its square."""

WEAK_BLOCK, WEAK_WINDOW = 8, 2
WEAK_KEYS = {"postal+initials", "business words", "given+family ends", "family+nickname"}
"""Keys that say little alone (two initials at one postcode, a business's first word) get
smaller full blocks and windows: they are there for the twins no other key finds."""


def _block_pairs(keyed: pl.LazyFrame, full: int, window: int) -> pl.LazyFrame:
    """Pairs (`a` < `b`) from one key set (`idx`, `key`, `order`): every pair of a block of at
    most `full` records; neighbours within `window` in larger blocks."""
    sized = keyed.drop_nulls("key").with_columns(pl.len().over("key").alias("_n"))
    small = sized.filter(pl.col("_n").is_between(2, full)).select("idx", "key")
    whole = (
        small.join(small, on="key", suffix="_b")
        .filter(pl.col("idx") < pl.col("idx_b"))
        .select(pl.col("idx").alias("a"), pl.col("idx_b").alias("b"))
    )
    big = sized.filter(pl.col("_n") > full).sort("key", "order", "idx")
    near = [
        big.select(pl.col("idx"), pl.col("idx").shift(-step).over("key").alias("_next"))
        .drop_nulls("_next")
        .select(pl.min_horizontal("idx", "_next").alias("a"),
                pl.max_horizontal("idx", "_next").alias("b"))
        for step in range(1, window + 1)
    ]
    return pl.concat([whole, *near])


def candidate_pairs(records: pl.DataFrame, max_block: int) -> pl.DataFrame:
    """Unique pairs `a < b` (row indices into `records`, column `idx`) sharing any blocking key.

    A block of at most min(`max_block`, `FULL_BLOCK`) records is compared in full; a larger one
    by sorted neighbourhood (`WINDOW`), so the number of pairs grows about linearly with the
    lists however repetitive their names.
    """
    full = min(max_block, FULL_BLOCK)
    order = pl.concat_str(
        [pl.col(c).fill_null("") for c in ("postal_key", "street_key", "name_key", "email_key")],
        separator="|",
    ).alias("order")
    lazy = records.lazy().with_columns(order)
    keyed_sets = {
        name: lazy.select(pl.col("idx"), expr.alias("key"), "order")
        for name, expr in BLOCKING_KEYS.items()
    }
    orders = lazy.select("idx", "order")
    keyed_sets["family+nickname"] = _nickname_keys(lazy).join(orders, on="idx")
    keyed_sets["postal+name word"] = _postal_word_keys(lazy).join(orders, on="idx")
    frames = [
        _block_pairs(keyed, min(full, WEAK_BLOCK), WEAK_WINDOW) if name in WEAK_KEYS
        else _block_pairs(keyed, full, WINDOW)
        for name, keyed in keyed_sets.items()
    ]
    return pl.concat(frames).unique().sort("a", "b").collect()


def selected(qbo_clients: str = "active") -> pl.Expr:
    """The QBO customers Canopy brings in, as the firm picked at connect (`[canopy]
    qbo_clients`): active ones, inactive ones, or all. Jobs never."""
    chosen = {"active": pl.col("active"), "inactive": ~pl.col("active")}.get(
        qbo_clients, pl.lit(True))
    return (pl.col("source") == "qbo") & chosen & ~pl.col("is_job")


def exact_pairs(records: pl.DataFrame, qbo_clients: str = "active") -> pl.DataFrame:
    """Canopy ↔ selected QBO pairs that Canopy's name rule links: equal `exact_key`."""
    canopy = records.lazy().filter(pl.col("source") == "canopy").select("idx", "exact_key")
    qbo = records.lazy().filter(selected(qbo_clients)).select("idx", "exact_key")
    return (
        canopy.join(qbo, on="exact_key", suffix="_b")
        .select(pl.col("idx").alias("a"), pl.col("idx_b").alias("b"))
        .collect()
    )
