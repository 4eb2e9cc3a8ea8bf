"""Blocking agrees, pair for pair, with a plain reading of its rules on random lists."""

from __future__ import annotations

import itertools
import random

import polars as pl
import pytest

from tui.service.match.block import (
    BLOCKING_COLUMNS,
    BLOCKING_KEYS,
    CONTACT_KEYS,
    FULL_BLOCK,
    MOVER_BLOCK,
    POSTAL_BLOCK,
    POSTAL_KEYS,
    POSTAL_WINDOW,
    SORT_ORDER,
    WEAK_BLOCK,
    WEAK_KEYS,
    WEAK_MOVER_BLOCK,
    WEAK_WINDOW,
    WINDOW,
    candidate_pairs,
)
from tui.service.match.nicknames import nickname_pairs
from tui.service.match.normalise import add_keys
from tui.service.records import conform

GIVEN = ["John", "Jon", "Robert", "Bob", "Mary", "Ann", "Anne", "Liz", "Elizabeth", "Li"]
FAMILY = ["Smith", "Smiht", "Chen", "Okafor", "Lee", "Vanderkolk", "Cole"]
BUSINESS = ["Acme Plumbing LLC", "Acme Plumbers Inc", "Blue Sky Bakery", "A&W Roofing"]


def random_records(seed: int, n: int) -> pl.DataFrame:
    """Few names, postcodes and e-mails, so that blocks of every size (1 to hundreds) occur."""
    rng = random.Random(seed)

    def person() -> str:
        name = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"
        return rng.choice([name, name, f"{rng.choice(GIVEN)} & {name}", rng.choice(GIVEN)])

    business = [rng.random() < 0.15 for _ in range(n)]
    frame = pl.DataFrame({
        "display_name": [rng.choice(BUSINESS) if b else person() for b in business],
        "kind": ["business" if b else "individual" for b in business],
        "email": [rng.choice([None, None, "a@x.com", "b@y.org"]) for _ in range(n)],
        "phone": [rng.choice([None, "555 010 1234", "555 010 9999"]) for _ in range(n)],
        "street": [f"{rng.randrange(30)} Main St" for _ in range(n)],
        "postal_code": [rng.choice([None, "02139", "10001", "94110"]) for _ in range(n)],
    })
    return add_keys(conform(frame)).with_row_index("idx")


def reference_keys(records: pl.DataFrame) -> dict[str, list[tuple[int, str]]]:
    """Key set → (idx, key) for every record holding that key, as strings."""
    sets: dict[str, list[tuple[int, str]]] = {}
    for name, expr in BLOCKING_KEYS.items():
        keyed = records.select("idx", expr.cast(pl.String).alias("key")).drop_nulls()
        sets[name] = list(keyed.iter_rows())
    # The anagram key is a hash of the letters: here, the letters sorted.
    sets["anagram"] = [
        (idx, "".join(sorted(name.replace(" ", ""))))
        for idx, name in records.select("idx", "name_key").drop_nulls().iter_rows()
    ]
    nick: dict[str, set[str]] = {}
    for x, y in nickname_pairs().iter_rows():
        nick.setdefault(x, set()).add(y)
    sets["family+nickname"] = [
        (row["idx"], f"{row['family_key']}|{alt}")
        for row in records.iter_rows(named=True)
        if row["family_key"] is not None and row["given_key"] is not None
        for alt in {row["given_key"], *nick.get(row["given_key"], ())}
    ]
    sets["postal+name word"] = sorted({
        (row["idx"], f"{row['postal_key']}|{row[word]}")
        for row in records.iter_rows(named=True)
        for word in ("given_key", "family_key", "given2_key", "family2_key")
        if row["postal_key"] is not None and row[word] is not None
    })
    return sets


def reference_rule(name: str, max_block: int) -> tuple[int, int, int]:
    """(full, window, movers): the block sizes and window of a key set, as the docs state them."""
    if name in POSTAL_KEYS:
        return min(POSTAL_BLOCK, max_block), POSTAL_WINDOW, min(POSTAL_BLOCK, max_block)
    if name in WEAK_KEYS:
        full = min(WEAK_BLOCK, max_block)
        return full, WEAK_WINDOW, min(WEAK_MOVER_BLOCK, full)
    full = min(FULL_BLOCK, max_block)
    return full, WINDOW, full if name in CONTACT_KEYS else min(MOVER_BLOCK, full)


def reference_pairs(records: pl.DataFrame, max_block: int) -> set[tuple[int, int]]:
    """Every pair of a small block, each record with the next few of a large one; in a block
    past the movers' size, only records whose postcodes agree (or one has none)."""
    postal = dict(records.select("idx", "postal_key").iter_rows())
    order = {
        row["idx"]: ("|".join(row[c] or "" for c in SORT_ORDER), row["idx"])
        for row in records.iter_rows(named=True)
    }
    pairs: set[tuple[int, int]] = set()
    for name, keyed in reference_keys(records).items():
        full, window, movers = reference_rule(name, max_block)
        blocks: dict[str, list[int]] = {}
        for idx, key in keyed:
            blocks.setdefault(key, []).append(idx)
        for members in blocks.values():
            members.sort(key=order.__getitem__)
            if len(members) <= full:
                near = itertools.combinations(members, 2)
            else:
                near = ((x, y) for i, x in enumerate(members)
                        for y in members[i + 1: i + 1 + window])
            pairs.update((min(x, y), max(x, y)) for x, y in near
                         if len(members) <= movers or None in (postal[x], postal[y])
                         or postal[x] == postal[y])
    return pairs


@pytest.mark.parametrize(("seed", "n", "max_block"), [(0, 60, 250), (1, 400, 250), (2, 900, 6)])
def test_candidate_pairs_equal_a_plain_reading_of_the_rules(seed: int, n: int,
                                                             max_block: int) -> None:
    records = random_records(seed, n)
    found = candidate_pairs(records.select("idx", *BLOCKING_COLUMNS), max_block)
    assert found.sort("a", "b").equals(found)
    assert set(found.iter_rows()) == reference_pairs(records, max_block)


def test_pairs_given_as_also_are_merged_once() -> None:
    records = random_records(3, 200)
    keyed = records.select("idx", *BLOCKING_COLUMNS)
    plain = candidate_pairs(keyed, 250)
    extra = pl.DataFrame({"a": [0, 0, 7], "b": [199, 199, 3]}, schema={"a": pl.UInt32,
                                                                      "b": pl.UInt32})
    merged = candidate_pairs(keyed, 250, also=extra)
    assert set(merged.iter_rows()) == set(plain.iter_rows()) | {(0, 199), (3, 7)}
    assert merged.height == len(set(merged.iter_rows()))


@pytest.mark.parametrize("n", [0, 1, 2])
def test_lists_too_small_for_a_pair(n: int) -> None:
    records = random_records(4, n)
    found = candidate_pairs(records.select("idx", *BLOCKING_COLUMNS), 250)
    assert set(found.iter_rows()) == reference_pairs(records, 250)


def test_pairs_per_record_stay_flat_on_repetitive_lists() -> None:
    # Thirty given names × thirty surnames, about ten people a postcode: nearly every name
    # block is large. Four times the records give about four times the pairs.
    def people(n: int) -> pl.DataFrame:
        rng = random.Random(n)
        given = [f"Given{chr(97 + i % 26)}{i}" for i in range(30)]
        family = [f"Family{chr(97 + i % 26)}{i}" for i in range(30)]
        frame = pl.DataFrame({
            "display_name": [f"{rng.choice(given)} {rng.choice(family)}" for _ in range(n)],
            "kind": ["individual"] * n,
            "street": [f"{rng.randrange(500)} Main St" for _ in range(n)],
            "postal_code": [f"{10000 + rng.randrange(n // 10)}" for _ in range(n)],
        })
        return add_keys(conform(frame)).with_row_index("idx").select("idx", *BLOCKING_COLUMNS)

    small, large = people(3_000), people(12_000)
    per_small = candidate_pairs(small, 250).height / small.height
    per_large = candidate_pairs(large, 250).height / large.height
    assert per_large < 1.3 * per_small
    # Neighbours in a large block at two different postcodes are not paired: without that rule
    # every key's window reaches across postcodes, 14 pairs a record here.
    assert per_large < 2 * WINDOW
