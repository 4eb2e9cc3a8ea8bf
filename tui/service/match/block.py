"""Blocking: candidate pairs from records that share a key, far fewer than every pair.

Each key is built from Polars expressions and compared as a 64-bit hash; records sharing a key
form a block, found in numpy by sorting the hashes. Every pair inside a small block becomes a
candidate; a large block (a common surname with a common initial) is compared by sorted
neighbourhood, so the count of pairs stays near linear however repetitive the names.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import polars as pl

from tui.service.match.nicknames import nickname_pairs

SEED = 0x5EED
"""Keys are compared as 64-bit hashes: two keys of one set sharing a hash (about one chance
in 10^7 at 1M records a side) merge two blocks, and never lose one."""

BLOCKING_COLUMNS = [
    "kind", "sorted_key", "name_key", "given_key", "family_key", "given2_key", "family2_key",
    "email_key", "phone_key", "postal_key", "street_key",
]
"""Key columns blocking reads (beside `idx`)."""


def _prefix(column: str, n: int) -> pl.Expr:
    return pl.col(column).str.slice(0, n)


def _number(part: pl.Expr) -> pl.Expr:
    """`part` as a 64-bit hash, null where it is null (Polars hashes a null too)."""
    return pl.when(part.is_not_null()).then(part.hash(SEED))


_BUSINESS = pl.col("kind") == "business"
# Initials as numbers: either order is (min, max), far cheaper on numbers than on strings.
_INITIALS = (_number(_prefix("given_key", 1)), _number(_prefix("family_key", 1)))

KEY_PARTS: dict[str, tuple[pl.Expr, ...]] = {
    "name": (pl.col("sorted_key"),),
    "family+given prefix": (pl.col("family_key"), _prefix("given_key", 3)),
    "given+family prefix": (pl.col("given_key"), _prefix("family_key", 3)),
    "given+family ends": (
        pl.col("given_key"), _prefix("family_key", 1), pl.col("family_key").str.slice(-1)
    ),
    "email": (pl.col("email_key"),),
    "phone": (pl.col("phone_key"),),
    # Both initials in either order; one missing, the other stands for both.
    "postal+initials": (
        pl.col("postal_key"), pl.min_horizontal(*_INITIALS), pl.max_horizontal(*_INITIALS)
    ),
    "partner": (pl.col("family2_key"), _prefix("given2_key", 3)),
    "partner swapped": (pl.col("given2_key"), _prefix("family2_key", 3)),
    "business words": (
        pl.when(_BUSINESS).then(pl.col("name_key").str.extract(r"^(\S+ \S{0,3})", 1)),
    ),
    "postal+business": (pl.when(_BUSINESS).then(pl.col("postal_key")), _prefix("name_key", 3)),
}
"""Blocking key name → the parts of its key, over a keyed records frame; a record missing any
part is not blocked on it."""


def _join(*parts: pl.Expr) -> pl.Expr:
    return pl.concat_str(list(parts), separator="|")


BLOCKING_KEYS: dict[str, pl.Expr] = {
    **{name: _join(*parts) for name, parts in KEY_PARTS.items()},
    # Typos in both parts ("Jonh Smiht"), swapped columns, one name typed twice wrong: the
    # letters of the name are the same.
    "anagram": pl.col("name_key").str.replace_all(" ", "", literal=True).str.split("")
    .list.sort().list.join(""),
}
"""Blocking key name → its key as a string (null: no key): the rules to read and to test
against. `candidate_pairs` builds no such string: it hashes each part and joins the hashes
(`_hashed`), and for "anagram" sums a number per letter (`_anagram_keys`). Two more key sets
give a record several keys: "family+nickname" (`_nickname_keys`) and "postal+name word"
(`POSTAL_WORDS`)."""

POSTAL_WORDS = ("given_key", "family_key", "given2_key", "family2_key")
""""postal+name word": the postcode with each word of a person's name (given, family, a
partner's), so a name with its family name missing ("Marguerite") meets "Marguerite Okafor" at
one postcode, and a typo in one part leaves the other to meet on."""


def _hashed(parts: tuple[pl.Expr, ...]) -> pl.Expr:
    """One u64 key from its parts, null where a part is: each part hashed with the seed of its
    place (so "smith|john" is not "john|smith"), the hashes joined by xor. The parts never
    contain "|", so this splits records into the blocks the joined string would."""
    key = parts[0].hash(SEED)
    for place, part in enumerate(parts[1:], 1):
        key = key ^ part.hash(SEED + place)
    return pl.when(pl.all_horizontal([p.is_not_null() for p in parts])).then(key)


_LETTERS = np.random.default_rng(SEED).integers(0, 2**64, 256, dtype=np.uint64)
_LETTERS[ord(" ")] = 0
"""A random number per byte (none for a space): a set of letters is the sum of its numbers."""

_CHUNK = 1 << 16
"""Records summed at a time: a number per letter of 2M names would be 240 MB at once."""


def _anagram_keys(name_key: pl.Series) -> tuple[np.ndarray, np.ndarray]:
    """(rows, key): the sum of one random number per letter of `name_key`, spaces left out, the
    same for any order of one set of letters. `name_key` holds only a-z, 0-9 and spaces
    (`normalise._words`), so bytes are letters; summed over the bytes of the whole column,
    with no string per letter."""
    length = name_key.str.len_bytes().fill_null(0).cast(pl.Int64).to_numpy()
    end = np.cumsum(length)
    start = end - length
    text = np.frombuffer(name_key.str.join("").item().encode(), dtype=np.uint8)
    key = np.empty(len(length), dtype=np.uint64)
    for first in range(0, len(length), _CHUNK):
        chunk = slice(first, first + _CHUNK)
        # Sums mod 2^64 from a running total: any stretch is the difference of two of them.
        base = start[first]
        total = np.zeros(end[chunk][-1] - base + 1, dtype=np.uint64)
        np.cumsum(_LETTERS[text[base:end[chunk][-1]]], out=total[1:])
        key[chunk] = total[end[chunk] - base] - total[start[chunk] - base]
    rows = np.flatnonzero(name_key.is_not_null().to_numpy())
    return rows, key[rows]


def _nickname_keys(f: np.ndarray, g: np.ndarray, rows: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray]:
    """(rows, key): family name with the given name and with every full name it may be a
    nickname of, so that "Jerry McDaniel" and "Geraldine McDaniel" share a block. `f`, `g`:
    the hashed family and given names (seeds `SEED`, `SEED + 1`) of `rows`."""
    table = nickname_pairs().select(pl.col("x").hash(SEED + 1), pl.col("y").hash(SEED + 1))
    x, y = table["x"].to_numpy(), table["y"].to_numpy()
    by_x = np.argsort(x, kind="stable")
    x, y = x[by_x], y[by_x]
    lo, hi = np.searchsorted(x, g, "left"), np.searchsorted(x, g, "right")
    many = hi - lo
    # Each record's alternatives, record by record: the first at `lo`, the next after it.
    which = np.repeat(np.arange(len(g)), many)
    first = np.repeat(np.cumsum(many) - many, many)
    alt = y[np.repeat(lo, many) + np.arange(len(which)) - first]
    return (np.concatenate([rows, rows[which]]),
            np.concatenate([f ^ g, f[which] ^ alt]))


FULL_BLOCK = 16
"""Blocks up to this size (or `max_block`, if smaller) are compared in full, every pair. At
100k × 100k, 12 would find 31 of the 83,805 true pairs blocking finds fewer, 8 would find 87
fewer (2,037 of 832,227 at 1M × 1M, before `MOVER_BLOCK`), for 1.3 and 2.4 % fewer pairs."""

WINDOW = 4
"""In a larger block, each record is compared with the next `WINDOW` records of the block
sorted by postcode, street, name and e-mail (sorted neighbourhood): twins in a block of 500
`John Smith`s sort side by side, and the pairs grow with the block, not with its square. At
1M × 1M, 3 would save about 0.3 % of the pairs and lose 170 true pairs; at 100k × 100k 6 would
find 9 more true pairs for 600 more pairs."""

MOVER_BLOCK = 8
"""In a block of more than `MOVER_BLOCK` records, two records with two different postcodes are
not paired (neither in full nor as neighbours), unless the key is an e-mail or phone
(`CONTACT_KEYS`): movers meet on those or in a smaller block. At 1M × 1M neighbours at two
postcodes were a third of all candidate pairs, and pairs at two postcodes in full blocks most of
the rest that this rule and `POSTAL_KEYS` cut (figures there). Not 4, which would cut 1M more
pairs: FEBRL2 (bench/quality.py) has up to six records of one person, postcodes mistyped, and
6 already loses 5 of the 1,417 pairs it finds."""

WEAK_BLOCK, WEAK_WINDOW, WEAK_MOVER_BLOCK = 8, 2, 6
WEAK_KEYS = {"postal+initials", "business words", "given+family ends", "family+nickname"}
"""Keys that say little alone (two initials at one postcode, a business's first word) get
smaller full blocks, windows and blocks across postcodes: they are there for the twins no other
key finds. (A `WEAK_MOVER_BLOCK` of 4 loses 3 FEBRL2 pairs.)"""

CONTACT_KEYS = {"email", "phone"}
"""Keys that name one client (or one household) at any address: their blocks pair two
postcodes up to `FULL_BLOCK`."""

POSTAL_BLOCK, POSTAL_WINDOW = 6, 2
POSTAL_KEYS = {"postal+initials", "postal+name word", "postal+business"}
"""Keys of one postcode, whose blocks grow with the people a postcode holds (at 1M × 1M they
gave 5.2M pairs, two in three found by no other key, one in 240 of those true): compared in
full up to `POSTAL_BLOCK` (5 loses 3 FEBRL2 pairs), then each record with the next
`POSTAL_WINDOW` along the street. With `MOVER_BLOCK` and `WEAK_MOVER_BLOCK`: at 1M × 1M 6.16M
pairs instead of 9.35M (3.1 a record instead of 4.7) for 71 of 832,227 true pairs; at
100k × 100k 337k instead of 456k, every true pair kept."""


def block_rule(name: str, max_block: int) -> tuple[int, int, int]:
    """(full, window, movers) of key set `name`: blocks up to `full` records are compared in
    full, larger ones by `window`; in a block of more than `movers` records, records with two
    different postcodes are not paired."""
    if name in POSTAL_KEYS:
        full, window, movers = POSTAL_BLOCK, POSTAL_WINDOW, POSTAL_BLOCK
    elif name in WEAK_KEYS:
        full, window, movers = WEAK_BLOCK, WEAK_WINDOW, WEAK_MOVER_BLOCK
    else:
        full, window = FULL_BLOCK, WINDOW
        movers = FULL_BLOCK if name in CONTACT_KEYS else MOVER_BLOCK
    full = min(full, max_block)
    return full, window, min(movers, full)


MANY_KEYS = {"family+nickname", "postal+name word"}
"""Key sets that give one record several keys (one of them possibly twice: "Smith Smith")."""

SORT_ORDER = ("postal_key", "street_key", "name_key", "email_key")
"""Inside a large block, records are read in this order, then by `idx` (which follows the
record ids, not the input's rows: `engine.run_match`), so the windows do not move with row order."""

_LOW = np.uint64(0xFFFFFFFF)


def _blocks(key: np.ndarray, rank: np.ndarray, once: bool) -> tuple[np.ndarray, np.ndarray]:
    """(block, rank) of the records sharing a key with another: sorted by block (a number per
    key, in no meaningful order), then reading `rank`; with `once`, a record's repeats in one
    block dropped."""
    by_key = np.argsort(key)
    key = key[by_key]
    # Keys held once give no pair: dropped before the second sort.
    same = key[1:] == key[:-1]
    shared = np.zeros(len(key), dtype=bool)
    shared[1:] |= same
    shared[:-1] |= same
    key = key[shared]
    new = np.ones(len(key), dtype=np.uint64)
    new[1:] = key[1:] != key[:-1]
    # Block and rank in one integer: sorting it orders each block by reading order.
    packed = np.cumsum(new) << np.uint64(32)
    packed |= rank[by_key[shared]]
    packed.sort()
    if once and len(packed):
        keep = np.ones(len(packed), dtype=bool)
        np.not_equal(packed[1:], packed[:-1], out=keep[1:])
        packed = packed[keep]
    return packed >> np.uint64(32), (packed & _LOW).astype(np.uint32)


def _coded(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pairs of record indices as one sortable integer each, `min << 32 | max`."""
    lo, hi = np.minimum(a, b).astype(np.uint64), np.maximum(a, b).astype(np.uint64)
    return (lo << np.uint64(32)) | hi


def _block_pairs(block: np.ndarray, ids: np.ndarray, postal: np.ndarray,
                 rule: tuple[int, int, int]) -> list[np.ndarray]:
    """Pairs of `ids` (`_coded`) from one key set sorted by `block`, then reading order, by
    `block_rule` (`full`, `window`, `movers`): every pair of a block of at most `full` records;
    in a larger block each record with the next `window` records (sorted neighbourhood); in a
    block of more than `movers` records only records whose `postal` codes (0: none) agree."""
    if len(block) == 0:
        return []
    full, window, movers = rule
    starts = np.flatnonzero(np.concatenate([[True], block[1:] != block[:-1]]))
    sizes = np.diff(np.append(starts, len(block)))
    size = np.repeat(sizes, sizes)
    rank = np.arange(len(block)) - np.repeat(starts, sizes)
    # How many records after this one, in its block, it is compared with.
    reach = np.minimum(np.where(size <= full, size - 1, window), size - 1 - rank)
    local = size > movers
    codes = []
    for step in range(1, int(reach.max()) + 1):
        near = np.flatnonzero(reach >= step)
        here, there = postal[near], postal[near + step]
        keep = ~local[near] | (here == there) | (here == 0) | (there == 0)
        codes.append(_coded(ids[near[keep]], ids[near[keep] + step]))
    return codes


def _key_sets(records: pl.DataFrame) -> Iterator[tuple[str, np.ndarray, np.ndarray]]:
    """(name, rows, key) for each key set, one at a time (at 1M records a side each is 16 MB or
    more): the rows of `records` holding a key of that set (a row once per key) and the key as
    a 64-bit hash."""
    names = pl.col("family_key").is_not_null() & pl.col("given_key").is_not_null()
    postal = pl.col("postal_key")
    hashed = records.lazy().select(
        *(_hashed(parts).alias(name) for name, parts in KEY_PARTS.items()),
        pl.when(names).then(pl.col("family_key").hash(SEED)).alias("_f"),
        pl.when(names).then(pl.col("given_key").hash(SEED + 1)).alias("_g"),
        *(_hashed((postal, pl.col(word))).alias(word) for word in POSTAL_WORDS),
    ).collect()

    def held(column: str) -> tuple[np.ndarray, np.ndarray]:
        nonlocal hashed
        key = hashed[column]
        hashed = hashed.drop(column)
        return np.flatnonzero(key.is_not_null().to_numpy()), key.drop_nulls().to_numpy()

    for name in KEY_PARTS:
        yield name, *held(name)
    yield "anagram", *_anagram_keys(records["name_key"])
    rows, f = held("_f")
    yield "family+nickname", *_nickname_keys(f, held("_g")[1], rows)
    words = [held(word) for word in POSTAL_WORDS]
    yield ("postal+name word", np.concatenate([r for r, _ in words]),
           np.concatenate([k for _, k in words]))


def _unique(codes: np.ndarray) -> np.ndarray:
    """`codes` sorted (in place) and each once."""
    codes.sort()
    keep = np.ones(len(codes), dtype=bool)
    np.not_equal(codes[1:], codes[:-1], out=keep[1:])
    return codes[keep]


def candidate_pairs(records: pl.DataFrame, max_block: int,
                    also: pl.DataFrame | None = None) -> pl.DataFrame:
    """Unique pairs `a < b` (row indices into `records`, column `idx`) sharing any blocking key,
    sorted by `a`, `b`; with the pairs of `also` (`a`, `b`) merged in.

    A block of at most min(`max_block`, `FULL_BLOCK`) records is compared in full; a larger one
    by sorted neighbourhood (`WINDOW`), so the number of pairs grows about linearly with the
    lists however repetitive their names; smaller for some keys (`block_rule`).
    """
    order = pl.concat_str([pl.col(c).fill_null("") for c in SORT_ORDER], separator="|")
    # Each record's place in reading order (`rank`), so that every key set sorts on integers.
    by_order = records.select(pl.arg_sort_by(order, "idx")).to_series().to_numpy()
    rank = np.empty(records.height, dtype=np.uint32)
    rank[by_order] = np.arange(records.height, dtype=np.uint32)
    idx_of = records["idx"].cast(pl.UInt32).to_numpy()[by_order]
    postal = pl.col("postal_key")
    postal_of = records.select(
        pl.when(postal.is_not_null()).then(postal.hash(SEED)).otherwise(0)
    ).to_series().to_numpy()[by_order]
    # Pairs coded (`_coded`): ordering by (a, b) is ordering one integer. Each key set's pairs
    # once (a nickname block repeats most of them), so the pairs of all sets stay small.
    codes: list[np.ndarray] = []
    for name, rows, key in _key_sets(records):
        block, ranked = _blocks(key, rank[rows], name in MANY_KEYS)
        found = _block_pairs(block, idx_of[ranked], postal_of[ranked],
                             block_rule(name, max_block))
        codes.append(_unique(np.concatenate([np.empty(0, np.uint64), *found])))
    if also is not None:
        codes.append(_coded(also["a"].cast(pl.UInt32).to_numpy(),
                            also["b"].cast(pl.UInt32).to_numpy()))
    # Gathered into one array piece by piece, each piece freed once copied.
    coded = np.empty(sum(len(c) for c in codes), dtype=np.uint64)
    at = 0
    while codes:
        piece = codes.pop()
        coded[at:at + len(piece)] = piece
        at += len(piece)
    del piece
    coded = _unique(coded)
    return pl.DataFrame({
        "a": (coded >> np.uint64(32)).astype(np.uint32),
        "b": (coded & _LOW).astype(np.uint32),
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
