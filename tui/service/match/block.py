"""Blocking: candidate pairs from records that share a key, far fewer than every pair.

Each key is a Polars expression; records sharing a value form a block. Every pair inside a small
block becomes a candidate; a large block (a common surname with a common initial) is compared by
sorted neighbourhood, so the count of pairs stays near linear however repetitive the names.
"""

from __future__ import annotations

import numpy as np
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
    # letters of the name are the same. The sum of the letters' hashes is the same for any
    # order of one set of letters, seven times cheaper than sorting them into a string.
    "anagram": pl.col("name_key").str.replace_all(" ", "", literal=True).str.split("")
    .list.eval(pl.element().hash(0xA1)).list.sum(),
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


SEED = 0x5EED
"""Keys are compared as 64-bit hashes: two keys of one set sharing a hash (about one chance
in 10^7 at 1M records a side) merge two blocks, and never lose one."""


def _hashed(keys: pl.LazyFrame) -> pl.LazyFrame:
    """(`pos`, `key`) as (`pos`, `h`), records without the key left out."""
    return keys.drop_nulls("key").select("pos", pl.col("key").hash(SEED).alias("h"))


def _nickname_keys(records: pl.LazyFrame) -> pl.LazyFrame:
    """(`pos`, `h`): family name with the given name and with every full name it may be a
    nickname of, so that "Jerry McDaniel" and "Geraldine McDaniel" share a block."""
    # Four keys a record on average: the two halves are hashed apart and joined by xor (the
    # halves' seeds differ, so "smith|john" is not "john|smith"), never as a string per key.
    names = records.drop_nulls(["family_key", "given_key"]).select(
        "pos", pl.col("family_key").hash(SEED).alias("f"),
        pl.col("given_key").hash(SEED + 1).alias("g"),
    )
    full = nickname_pairs().lazy().select(
        pl.col("x").hash(SEED + 1).alias("g"), pl.col("y").hash(SEED + 1).alias("alt"))
    alts = names.join(full, on="g").select("pos", "f", "alt")
    own = names.select("pos", "f", pl.col("g").alias("alt"))
    return pl.concat([own, alts]).select("pos", (pl.col("f") ^ pl.col("alt")).alias("h"))


def _postal_word_keys(records: pl.LazyFrame) -> pl.LazyFrame:
    """(`pos`, `h`): postcode with each word of a person's name (given, family, a partner's),
    so a name with its family name missing ("Marguerite") meets "Marguerite Okafor" at one
    postcode, and a typo in one part leaves the other to meet on."""
    words = ("given_key", "family_key", "given2_key", "family2_key")
    return _hashed(pl.concat([
        records.select("pos", _join(pl.col("postal_key"), pl.col(w)).alias("key")) for w in words
    ]))


FULL_BLOCK = 16
"""Blocks up to this size (or `max_block`, if smaller) are compared in full, every pair."""

WINDOW = 4
"""In a larger block, each record is compared with the next `WINDOW` records of the block
sorted by postcode, street, name and e-mail (sorted neighbourhood): twins in a block of 500
`John Smith`s sort side by side, and the pairs grow with the block, not with its square.
Neighbours with two different postcodes are left out: at 1M × 1M they were a third of all
candidate pairs and one true pair in 10,000 (the e-mail, phone and full blocks find movers)."""

WEAK_BLOCK, WEAK_WINDOW = 8, 2
WEAK_KEYS = {"postal+initials", "business words", "given+family ends", "family+nickname"}
"""Keys that say little alone (two initials at one postcode, a business's first word) get
smaller full blocks and windows: they are there for the twins no other key finds."""

MANY_KEYS = {"family+nickname", "postal+name word"}
"""Key sets that give one record several keys (one of them possibly twice: "Smith Smith")."""

SORT_ORDER = ("postal_key", "street_key", "name_key", "email_key")
"""Inside a large block, records are read in this order, then by `idx` (which follows the
record ids, not the input's rows: `engine.run_match`), so the windows do not move with row order."""


def _coded(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pairs of record indices as one sortable integer each, `min << 32 | max`."""
    lo, hi = np.minimum(a, b).astype(np.uint64), np.maximum(a, b).astype(np.uint64)
    return (lo << np.uint64(32)) | hi


def _block_pairs(h: np.ndarray, ids: np.ndarray, postal: np.ndarray, full: int,
                 window: int) -> list[np.ndarray]:
    """Pairs of `ids` (`_coded`) from one key set sorted by block `h`, then reading order:
    every pair of a block of at most `full` records; in a larger block each record with the next
    `window` records (sorted neighbourhood) unless their `postal` codes (0: none) differ."""
    if len(h) == 0:
        return []
    starts = np.flatnonzero(np.concatenate([[True], h[1:] != h[:-1]]))
    sizes = np.diff(np.append(starts, len(h)))
    size = np.repeat(sizes, sizes)
    rank = np.arange(len(h)) - np.repeat(starts, sizes)
    # How many records after this one, in its block, it is compared with.
    reach = np.minimum(np.where(size <= full, size - 1, window), size - 1 - rank)
    large = size > full
    codes = []
    for step in range(1, int(reach.max()) + 1):
        near = np.flatnonzero(reach >= step)
        here, there = postal[near], postal[near + step]
        keep = ~large[near] | (here == there) | (here == 0) | (there == 0)
        codes.append(_coded(ids[near[keep]], ids[near[keep] + step]))
    return codes


def candidate_pairs(records: pl.DataFrame, max_block: int,
                    also: pl.DataFrame | None = None) -> pl.DataFrame:
    """Unique pairs `a < b` (row indices into `records`, column `idx`) sharing any blocking key,
    sorted by `a`, `b`; with the pairs of `also` (`a`, `b`) merged in.

    A block of at most min(`max_block`, `FULL_BLOCK`) records is compared in full; a larger one
    by sorted neighbourhood (`WINDOW`), so the number of pairs grows about linearly with the
    lists however repetitive their names.
    """
    full = min(max_block, FULL_BLOCK)
    order = pl.concat_str([pl.col(c).fill_null("") for c in SORT_ORDER], separator="|")
    # Records renumbered in reading order once (`pos`), so every key set sorts on integers.
    ranked = records.sort(order, "idx").with_row_index("pos")
    idx_of = ranked["idx"].cast(pl.UInt32).to_numpy()
    postal = pl.col("postal_key")
    postal_of = ranked.select(pl.when(postal.is_not_null()).then(postal.hash(SEED)).otherwise(0))
    postal_of = postal_of.to_series().to_numpy()
    lazy = ranked.lazy()
    key_sets = {
        name: _hashed(lazy.select("pos", expr.alias("key")))
        for name, expr in BLOCKING_KEYS.items()
    }
    key_sets["family+nickname"] = _nickname_keys(lazy)
    key_sets["postal+name word"] = _postal_word_keys(lazy)
    # Sorted by block, then reading order: the sorted neighbourhood of every large block.
    blocks = pl.collect_all([keys.sort("h", "pos") for keys in key_sets.values()])
    codes: list[np.ndarray] = []
    for name, block in zip(key_sets, blocks, strict=True):
        h, pos = block["h"].to_numpy(), block["pos"].to_numpy()
        if name in MANY_KEYS:
            once = np.ones(len(h), dtype=bool)
            once[1:] = (h[1:] != h[:-1]) | (pos[1:] != pos[:-1])
            h, pos = h[once], pos[once]
        weak = name in WEAK_KEYS
        codes += _block_pairs(h, idx_of[pos], postal_of[pos],
                              min(full, WEAK_BLOCK) if weak else full,
                              WEAK_WINDOW if weak else WINDOW)
    if also is not None:
        codes.append(_coded(also["a"].cast(pl.UInt32).to_numpy(),
                            also["b"].cast(pl.UInt32).to_numpy()))
    # Coded, ordering by (a, b) is ordering one integer (Polars: ten times numpy's unique).
    coded = pl.Series(np.concatenate([np.empty(0, np.uint64), *codes])).unique().sort().to_numpy()
    return pl.DataFrame({
        "a": (coded >> np.uint64(32)).astype(np.uint32),
        "b": (coded & np.uint64(0xFFFFFFFF)).astype(np.uint32),
    })


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
