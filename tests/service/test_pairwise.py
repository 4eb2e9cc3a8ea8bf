"""Distinct-pair scoring gives the scores of comparing every pair, one by one."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import polars as pl
from polars.testing import assert_frame_equal
from rapidfuzz import fuzz
from rapidfuzz.distance import DamerauLevenshtein

from tui.service.match.names import compare_people, person_inputs
from tui.service.match.normalise import add_keys
from tui.service.match.pairwise import (
    TYPO_STEP,
    _distinct_strings,
    _factorize,
    code,
    column_similarity,
    equality_codes,
    lengths,
)
from tui.service.match.score import _people, prepare, score_pairs
from tui.service.match.weighing import explain
from tui.service.sources.canopy_csv import read_canopy_csv
from tui.service.sources.qbo_csv import read_qbo_csv

DATA = Path(__file__).parent.parent / "data"

WORDS = ["john", "jonh", "jon", "smith", "smiht", "smyth", "catherine", "kathrine", "katharyne",
         "ab", "ba", "abc", "bac", "main st 12", "12 main st", None]


def one_by_one(x: str | None, y: str | None, scorer: object, typos: bool) -> float:
    """The rule as written, for one pair: ratio, raised for one typo (words of 3+ letters) or
    two (7+), each typo costing `TYPO_STEP`."""
    if x is None or y is None:
        return math.nan
    ratio = 100.0 if x == y else float(np.float32(scorer(x, y)))  # cpdist works in float32
    shorter = min(len(x), len(y))
    if not typos or ratio >= 100 or shorter < 3:
        return ratio
    typo_count = DamerauLevenshtein.distance(x, y)
    allowed = 2 if shorter >= 7 else 1
    return max(ratio, 100.0 - TYPO_STEP * typo_count if typo_count <= allowed else 0.0)


def test_distinct_pairs_score_as_every_pair_would() -> None:
    rng = np.random.default_rng(4)
    a = rng.integers(0, len(WORDS), 400)
    b = rng.integers(0, len(WORDS), 400)
    frame = pl.DataFrame({"w": pl.Series(WORDS, dtype=pl.String)})
    coded = code(frame, ["w"])
    for scorer, typos in ((fuzz.ratio, False), (fuzz.ratio, True), (fuzz.token_sort_ratio, False)):
        sizes = lengths(coded.values) if typos else None
        got = column_similarity(coded, "w", a, b, scorer, sizes)
        want = np.array([one_by_one(WORDS[i], WORDS[j], scorer, typos)
                         for i, j in zip(a, b, strict=True)])
        np.testing.assert_array_equal(got, want)


def test_typos_lift_as_the_rule_says() -> None:
    words = ["jonh", "john", "johnston", "jonhstno", "andersen", "andresno", "abc", "xyz",
             "catherine", "kathrine"]
    coded = code(pl.DataFrame({"w": words}), ["w"])
    a, b = np.arange(0, len(words), 2), np.arange(1, len(words), 2)
    got = column_similarity(coded, "w", a, b, fuzz.ratio, lengths(coded.values))
    # One swap is one typo (ratio 75 → 90); two swaps in a long word 80 (ratio 75); three edits
    # are not typos (ratio 75 stays); short words all different stay 0; a ratio above what the
    # typos would give (82.4 against 80) is kept.
    assert [round(x, 1) for x in got] == [90.0, 80.0, 75.0, 0.0, 82.4]


def test_codes_are_shared_between_columns() -> None:
    frame = pl.DataFrame({"given": ["chen", "robert", None], "family": ["robert", "chen", "li"]})
    coded = code(frame, ["given", "family"])
    assert coded.codes["given"][0] == coded.codes["family"][1]
    assert coded.codes["given"][1] == coded.codes["family"][0]
    assert coded.codes["given"][2] == -1
    assert coded.values[coded.codes["family"][2]] == "li"


def test_a_prepared_run_scores_as_scoring_the_frame() -> None:
    canopy = read_canopy_csv(DATA / "traps" / "canopy.csv").frame
    qbo = read_qbo_csv(DATA / "traps" / "qbo.csv").frame
    records = add_keys(pl.concat([canopy, qbo], how="vertical")).with_row_index("idx")
    n = records.height
    pairs = pl.DataFrame(
        [(i, j) for i in range(n) for j in range(i + 1, n)], schema=["a", "b"], orient="row"
    ).cast(pl.UInt32)
    whole = explain(score_pairs(records, pairs), ["a", "b"])
    prepared = prepare(records)
    halves = pl.concat([
        explain(score_pairs(prepared, part), ["a", "b"])
        for part in (pairs.slice(0, pairs.height // 2), pairs.slice(pairs.height // 2))
    ])
    assert_frame_equal(whole, halves)
    assert whole["score"].max() > 90  # the traps hold true pairs, so this compared something


def test_a_hash_collision_still_codes_exactly() -> None:
    strings = pl.Series(["ann", "bob", "ann", "cy", "bob", "dee"])
    # Every string given one hash: one group holding four different strings.
    vocabulary, inverse = _distinct_strings(strings, np.zeros(len(strings), dtype=np.uint64))
    assert sorted(vocabulary.to_list()) == ["ann", "bob", "cy", "dee"]
    assert vocabulary.gather(inverse).to_list() == strings.to_list()
    vocabulary, inverse = _distinct_strings(strings)
    assert vocabulary.len() == 4
    assert vocabulary.gather(inverse).to_list() == strings.to_list()


def test_coding_empty_and_all_null_columns() -> None:
    frame = pl.DataFrame({"w": pl.Series([None, None], dtype=pl.String)})
    coded = code(frame, ["w"])
    assert coded.values.size == 0 and coded.codes["w"].tolist() == [-1, -1]
    assert equality_codes(frame["w"]).tolist() == [-1, -1]
    assert code(frame.clear(), ["w"]).codes["w"].size == 0


def test_people_compared_only_as_they_can_be() -> None:
    """Pairs compared with only the comparisons their partners allow (`names.combos`), and
    pairs with a business not compared at all, get the columns comparing all four would
    give."""
    canopy = read_canopy_csv(DATA / "traps" / "canopy.csv").frame
    qbo = read_qbo_csv(DATA / "traps" / "qbo.csv").frame
    records = add_keys(pl.concat([canopy, qbo], how="vertical")).with_row_index("idx")
    prepared = prepare(records)
    n = records.height
    a, b = (x.ravel() for x in np.triu_indices(n, 1))
    inputs = person_inputs(prepared.names, a, b)
    columns = ["person_name", "given_conflict", "nickname"]
    every = compare_people(pl.DataFrame(inputs).lazy()).select(columns).collect()
    partnered = prepared.names.partnered
    assert partnered.any() and not partnered.all()
    assert (partnered[a] & partnered[b]).any()
    assert (prepared.names.individual == 0).any()
    assert_frame_equal(pl.DataFrame(_people(prepared, a, b)).select(columns), every)


def test_typos_lift_random_words_as_one_by_one() -> None:
    """Words one to four edits apart (swaps, substitutions, insertions, deletions), so the
    pairs ruled out before counting typos are checked against counting them."""
    rng = np.random.default_rng(7)
    letters = list("abcdeé")
    words = []
    for _ in range(300):
        word = list(rng.choice(letters, int(rng.integers(3, 10))))
        edited = word.copy()
        for _ in range(int(rng.integers(1, 5))):
            at = int(rng.integers(0, max(len(edited) - 1, 1)))
            kind = int(rng.integers(0, 4))
            if kind == 0 and len(edited) > 1:
                edited[at], edited[at + 1] = edited[at + 1], edited[at]
            elif kind == 1:
                edited[at] = str(rng.choice(letters))
            elif kind == 2:
                edited.insert(at, str(rng.choice(letters)))
            elif len(edited) > 1:
                del edited[at]
        words += ["".join(word), "".join(edited)]
    coded = code(pl.DataFrame({"w": words}), ["w"])
    a, b = np.arange(0, len(words), 2), np.arange(1, len(words), 2)
    got = column_similarity(coded, "w", a, b, fuzz.ratio, lengths(coded.values))
    want = [one_by_one(words[i], words[j], fuzz.ratio, True) for i, j in zip(a, b, strict=True)]
    np.testing.assert_array_equal(got, np.array(want))
    assert (got == 90).sum() > 10 and (got == 80).sum() > 10


def test_factorize_is_numpys_unique_both_ways() -> None:
    rng = np.random.default_rng(3)
    # A small bound (by table) and a large one (by sort), with and without keys.
    for n, bound in ((2_000, 50), (20, 10**9), (0, 10), (0, 10**9), (7, 1)):
        keys = rng.integers(0, bound, n)
        got_keys, got_inverse = _factorize(keys, bound)
        want_keys, want_inverse = np.unique(keys, return_inverse=True)
        np.testing.assert_array_equal(got_keys, want_keys)
        np.testing.assert_array_equal(got_inverse, want_inverse.ravel())
