"""Blocking: candidate pairs grow about linearly however repetitive the names."""

from __future__ import annotations

import polars as pl

from tui.service.match.block import FULL_BLOCK, MOVER_BLOCK, WINDOW, candidate_pairs
from tui.service.match.normalise import add_keys
from tui.service.records import conform


def records(n: int, zips: int, email: str | None = None) -> pl.DataFrame:
    """`n` people all named John Smith, spread over `zips` postcodes, with no contacts but
    `email`, if given, for all."""
    frame = conform(pl.DataFrame({
        "display_name": ["John Smith"] * n,
        "kind": ["individual"] * n,
        "email": [email] * n,
        "street": [f"{i} Main St" for i in range(n)],
        "postal_code": [f"{10000 + i % zips}" for i in range(n)],
    }))
    return add_keys(frame).with_row_index("idx")


def test_one_name_shared_by_thousands_gives_linear_pairs() -> None:
    small, large = records(1_000, 50), records(4_000, 200)
    pairs_small = candidate_pairs(small, 250).height
    pairs_large = candidate_pairs(large, 250).height
    # Every pair of 4,000 namesakes would be 8 million; sorted neighbourhood keeps a few per
    # record and key, and four times the records give about four times the pairs.
    assert pairs_large < 4_000 * (WINDOW + FULL_BLOCK)
    assert pairs_large < 5 * pairs_small


def test_small_blocks_are_compared_in_full() -> None:
    few = records(10, 1)
    assert candidate_pairs(few, 250).height == 10 * 9 // 2


def test_past_the_movers_size_a_name_block_pairs_only_one_postcode() -> None:
    # Namesakes at as many postcodes as they are: a block of up to MOVER_BLOCK pairs them all
    # (a mover may be among them); a larger one none; a shared e-mail pairs them at any size.
    few, many = MOVER_BLOCK, MOVER_BLOCK + 2
    assert candidate_pairs(records(few, few), 250).height == few * (few - 1) // 2
    assert candidate_pairs(records(many, many), 250).height == 0
    shared = records(many, many, email="smiths@example.com")
    assert candidate_pairs(shared, 250).height == many * (many - 1) // 2
