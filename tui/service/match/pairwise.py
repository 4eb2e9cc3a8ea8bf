"""String columns of record pairs compared once per distinct pair of values.

Candidate pairs repeat values heavily (at 100k × 100k, 455k pairs hold about 43k distinct
pairs of different given names and 1.6k of different cities), so each column is coded as
integers over a vocabulary (`code`), a comparison gathers the two sides' codes (numpy), finds
the distinct pairs of codes (`Distinct`), scores only those with rapidfuzz and spreads the
scores back. The scores are those of scoring every pair: each scorer is a pure function of the
two strings (and the same either way round), and equal strings score 100 without calling
rapidfuzz, as before.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein

TYPO_STEP = 10.0
"""What one typo (an insertion, deletion, substitution or swap of neighbours, Damerau–
Levenshtein) costs: rapidfuzz's ratio charges a swapped pair ("Jonh", "Smiht", "Bne") as two
edits, 67–80, and a typo in both parts then looked like two names."""


@dataclass(frozen=True)
class Coded:
    """String columns of a records frame as integer codes over one shared vocabulary."""

    values: np.ndarray
    """The vocabulary (object array of str); code i stands for `values[i]`."""
    codes: dict[str, np.ndarray]
    """Column → int32 code per record, -1 where the value is null."""

    def pair(self, column: str, rows: np.ndarray) -> np.ndarray:
        """The codes of `column` at record positions `rows` (int array)."""
        return self.codes[column][rows]


def code(records: pl.DataFrame, columns: Sequence[str]) -> Coded:
    """`columns` of `records` (String) coded over one vocabulary, so equal strings in any of
    them share a code (the vocabulary's order is arbitrary)."""
    stacked = pl.concat([records[c] for c in columns])
    present = stacked.is_not_null().to_numpy()
    vocabulary, inverse = _distinct_strings(stacked.filter(present))
    codes = np.full(len(stacked), -1, dtype=np.int32)
    codes[present] = inverse
    values = vocabulary.to_numpy().astype(object)
    n = records.height
    return Coded(values, {c: codes[i * n:(i + 1) * n] for i, c in enumerate(columns)})


def equality_codes(column: pl.Series) -> np.ndarray:
    """Int32 codes of a String column, equal where the strings are equal, -1 where null: for
    columns only compared for equality (no vocabulary kept)."""
    present = column.is_not_null().to_numpy()
    codes = np.full(len(column), -1, dtype=np.int32)
    codes[present] = _distinct_strings(column.filter(present))[1]
    return codes


def _distinct_strings(strings: pl.Series,
                      hashes: np.ndarray | None = None) -> tuple[pl.Series, np.ndarray]:
    """The distinct values of `strings` (no nulls), in an arbitrary order, and per entry its
    value's position among them (Int32). Found by 64-bit hash (`hashes` stand in for
    Polars' own in tests): grouping equal hashes with numpy costs a quarter of an Enum cast. Each
    entry is then checked against its group's value, so a hash collision (two strings in one
    group) is caught and the strings are coded by an Enum cast instead, exactly."""
    # In one chunk (a records frame has one per list): gathering from several costs ten times.
    strings = strings.rechunk()
    if hashes is None:
        hashes = strings.hash().to_numpy()
    order = np.argsort(hashes)
    ordered = hashes[order]
    starts = np.empty(len(ordered), dtype=bool)
    starts[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=starts[1:])
    # One entry of each group stands for it; filtering them out keeps their order and costs a
    # tenth of gathering them.
    chosen = np.zeros(len(ordered), dtype=bool)
    chosen[order[starts]] = True
    vocabulary = strings.filter(pl.Series(chosen))
    position = np.cumsum(chosen, dtype=np.int32) - 1
    inverse = np.empty(len(ordered), dtype=np.int32)
    inverse[order] = position[order[starts]][np.cumsum(starts) - 1]
    repeats = ~chosen
    if (vocabulary.gather(inverse[repeats]) == strings.filter(pl.Series(repeats))).all():
        return vocabulary, inverse
    # An Enum's physical value is the position in its categories: a hash lookup, no sort.
    vocabulary = strings.unique()
    return vocabulary, strings.cast(pl.Enum(vocabulary)).to_physical().cast(pl.Int32).to_numpy()


@dataclass(frozen=True)
class Distinct:
    """The distinct pairs of different codes among aligned code arrays, and the way back.

    An entry with the same code on both sides is one value against itself: it is not among
    them (`same`), so finding the distinct pairs sorts a third fewer entries. A pair is
    unordered (its smaller code `left`): (x, y) and (y, x) are compared once, so every scorer
    and flag read through it must not depend on the order (rapidfuzz's ratio, token sort
    ratio and Damerau-Levenshtein distance do not; the nickname table holds both orders).
    That saves a fifth of the name comparisons."""

    valid: np.ndarray
    """Per entry: both codes present and different."""
    left: np.ndarray
    right: np.ndarray
    """Codes of each distinct pair, the smaller on the left."""
    inverse: np.ndarray
    """Per valid entry: its distinct pair's position."""
    slot: np.ndarray
    """Per entry, where `spread` reads it: its distinct pair's position (valid); the number of
    distinct pairs, k (a code absent); k + 1 + the code (the same code on both sides)."""

    @classmethod
    def of(cls, left: np.ndarray, right: np.ndarray) -> Distinct:
        present = (left >= 0) & (right >= 0)
        same = present & (left == right)
        valid = present & ~same
        # Index arrays, not masks: numpy takes and puts through them at half the cost.
        at = np.flatnonzero(valid)
        base = int(max(left.max(initial=0), right.max(initial=0))) + 1
        x, y = left.take(at), right.take(at)
        keys, inverse = _factorize(np.minimum(x, y).astype(np.int64) * base + np.maximum(x, y),
                                   base * base)
        slot = np.where(same, left.astype(np.int64) + (len(keys) + 1), len(keys))
        slot[at] = inverse
        return cls(valid, keys // base, keys % base, inverse, slot)

    def spread(self, scores: np.ndarray, part: slice | None = None,
               missing: float = np.nan, same: float | np.ndarray = 100.0) -> np.ndarray:
        """Per-distinct-pair `scores` back onto every entry (or the entries `part`, a slice
        with a step of 1); `missing` where a code is absent; `same` where both codes are
        equal (a number, or an array holding each code's value)."""
        slot = self.slot[part or slice(0, len(self.slot))]
        if isinstance(same, np.ndarray):
            return self.table(scores, missing, same)[slot]
        dtype = np.result_type(scores.dtype, type(missing))
        table = np.concatenate([scores.astype(dtype, copy=False),
                                np.array([missing, same], dtype=dtype)])
        # Every code past the missing slot reads the one `same`.
        return table[np.minimum(slot, len(scores) + 1)]

    @staticmethod
    def table(scores: np.ndarray, missing: float, same: np.ndarray) -> np.ndarray:
        """What `spread` reads through `slot` for an array `same`: build it once to spread
        the same scores over several parts (`table[distinct.slot[part]]`)."""
        dtype = np.result_type(scores.dtype, type(missing))
        return np.concatenate([scores.astype(dtype, copy=False), np.array([missing], dtype=dtype),
                               same.astype(dtype, copy=False)])


def _factorize(keys: np.ndarray, bound: int) -> tuple[np.ndarray, np.ndarray]:
    """`np.unique(keys, return_inverse=True)` for keys in [0, `bound`): by a table of the bound's
    size where that is no larger than a few times the keys (a town's few dozen names), as a
    sort otherwise."""
    if bound > 4 * len(keys) + 1024:
        keys, inverse = np.unique(keys, return_inverse=True)
        return keys, inverse.ravel()
    seen = np.zeros(bound, dtype=bool)
    seen[keys] = True
    return np.flatnonzero(seen), (np.cumsum(seen) - 1)[keys]


def similarity(values: np.ndarray, pairs: Distinct,
               scorer: Callable[..., float] = fuzz.ratio) -> np.ndarray:
    """rapidfuzz scores (0–100) of each distinct pair of `values` (equal values are no such
    pair: `Distinct.spread` gives them 100 without calling rapidfuzz)."""
    scores = np.full(len(pairs.left), 100.0)
    if scores.size:
        scores[:] = process.cpdist(values[pairs.left].tolist(), values[pairs.right].tolist(),
                                   scorer=scorer, workers=-1)
    return scores


def typo_similarity(values: np.ndarray, lengths: np.ndarray, pairs: Distinct,
                    ratio: np.ndarray) -> np.ndarray:
    """`ratio` (the distinct pairs' `similarity` by `fuzz.ratio`, no other scorer) raised to
    90 for one typo in words of three letters or more, and to 80 for two typos in words of
    seven or more; `lengths` are the vocabulary's lengths in characters."""
    left, right = lengths[pairs.left], lengths[pairs.right]
    shorter = np.minimum(left, right)
    allowed = np.where(shorter >= 7, 2, 1)
    # Only a pair that typos could lift: not already at 90 or more (one typo gives 90), and no
    # further apart than the typos allowed. The ratio gives the Indel distance (insertions and
    # deletions: (1 - ratio / 100) × both lengths), and each typo costs two of those at most
    # (a substitution or a swap is a deletion and an insertion), so more than twice the typos
    # allowed (with half an edit to spare for float32 rounding) rules the pair out: nine in
    # ten that its lengths let through. Distances past 2 are cut short: 3 stands for "more
    # than allowed".
    indel = (left + right) * (1.0 - ratio / 100.0)
    todo = np.flatnonzero((ratio < 100 - TYPO_STEP) & (shorter >= 3)
                          & (np.abs(left - right) <= allowed) & (indel <= 2 * allowed + 0.5))
    if not todo.size:
        return ratio
    typos = process.cpdist(values[pairs.left[todo]].tolist(), values[pairs.right[todo]].tolist(),
                           scorer=DamerauLevenshtein.distance, workers=-1, score_cutoff=2)
    allowed = allowed[todo]
    raised = ratio.copy()
    lifted = np.where(typos <= allowed, 100.0 - TYPO_STEP * typos, 0.0)
    raised[todo] = np.maximum(raised[todo], lifted)
    return raised


def lengths(values: np.ndarray) -> np.ndarray:
    """Length in characters of each vocabulary value."""
    return pl.Series(values.tolist(), dtype=pl.String).str.len_chars().cast(pl.Int64).to_numpy()


def column_similarity(coded: Coded, column: str, a: np.ndarray, b: np.ndarray,
                      scorer: Callable[..., float] = fuzz.ratio,
                      sizes: np.ndarray | None = None) -> np.ndarray:
    """Scores (0–100, NaN where either side is null) of `coded` `column` between records at
    positions `a` and `b`, computed once per distinct pair of values (`scorer` gives the same
    score either way round, see `Distinct`); given the vocabulary's
    `sizes` (see `lengths`), `typo_similarity` over the ratio."""
    pairs = Distinct.of(coded.pair(column, a), coded.pair(column, b))
    scores = similarity(coded.values, pairs, scorer)
    if sizes is not None:
        scores = typo_similarity(coded.values, sizes, pairs, scores)
    return pairs.spread(scores)
