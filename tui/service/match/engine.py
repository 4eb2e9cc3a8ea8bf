"""The matching run: both record sets in, keyed records, scored pairs and groups out."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from tui.service.config import MatchConfig
from tui.service.match.block import BLOCKING_COLUMNS, candidate_pairs, exact_pairs
from tui.service.match.classify import classify
from tui.service.match.normalise import add_keys
from tui.service.match.score import Prepared, compare_pairs, prepare, with_name_frequency
from tui.service.match.usage import Meter, StepUsage
from tui.service.match.weighing import explain, weigh, with_sides
from tui.service.match.weights import DEFAULT, MIN_PAIRS, RANDOM, SAMPLE, Weights, estimate
from tui.service.records import RecordSet

log = logging.getLogger(__name__)

SHOWN_FLOOR = 20.0
"""Pairs scoring lower are dropped after scoring, unless Canopy's name rule links them: no
threshold a user would choose reaches that low."""

CHUNK = 150_000
"""Candidate pairs scored at once: about 0.12 GB of working columns (500,000 held 0.4 GB for a
tenth more CPU saved at 100k)."""

MAX_CHUNKS = 100
"""Past `CHUNK` × this many pairs, chunks grow instead: each chunk compares its own distinct
values again, so their count is held down once the lists are large enough to afford it."""


def chunk_rows(pairs: int) -> int:
    """Candidate pairs to score at once, of `pairs` in all."""
    return max(CHUNK, -(-pairs // MAX_CHUNKS))

Progress = Callable[[str, float], None]
"""Called with a step name and the fraction of the run done."""


@dataclass
class MatchResult:
    """Everything the report and the triage queue are built from."""

    records: pl.DataFrame
    """Both sides, Canopy first, each sorted by `record_id`, keyed; `idx` is the row number in
    that order (not the input's); with `verdict`, `group`, twins."""
    pairs: pl.DataFrame
    """Pairs worth showing (`a`, `b` are `idx`), scored, with `category` and `evidence`."""
    groups: pl.DataFrame
    """Duplicate groups: `group`, `kind`, `size`, `members` (idx list), `complete`."""
    scores: pl.Series
    """The score of every candidate pair blocking produced, for the score histogram."""
    timings: dict[str, float] = field(default_factory=dict)
    """Wall seconds spent per step."""
    keyed: pl.DataFrame | None = None
    """The keyed records before classification (kept so thresholds can change cheaply)."""
    shown: pl.DataFrame | None = None
    """Scored pairs above the floor, before classification."""
    exact: pl.DataFrame | None = None
    """Pairs Canopy's name rule links."""
    weights: Weights = DEFAULT
    """The field weights scored with: learned from these lists (EM) or the defaults."""
    usage: dict[str, StepUsage] = field(default_factory=dict)
    """Per step: wall and CPU seconds and the peak memory so far (`bench/match.py` prints it)."""
    name_u: float = 1.0
    """The chance two random records of these lists share a name (`score.Prepared.u`): a pair
    re-scored after an edit weighs its name's frequency against it, as the run did."""


def random_pairs(ids: np.ndarray, n: int, seed: int = 0) -> pl.DataFrame:
    """`n` seeded random pairs (`a` < `b`) of distinct records among `ids` (row indices)."""
    rng = np.random.default_rng(seed)
    a, b = rng.choice(ids, n), rng.choice(ids, n)
    keep = a != b
    lo, hi = np.minimum(a, b)[keep], np.maximum(a, b)[keep]
    return pl.DataFrame({"a": lo, "b": hi}, schema={"a": pl.UInt32, "b": pl.UInt32})


def no_progress(step: str, fraction: float) -> None:
    return None


def run_match(canopy: RecordSet, qbo: RecordSet, match: MatchConfig,
              progress: Progress = no_progress) -> MatchResult:
    """Normalise both sides, block, score and classify; plain Polars and rapidfuzz, no loops
    over record pairs."""
    timings: dict[str, float] = {}
    usage: dict[str, StepUsage] = {}
    meter = Meter()

    def lap(step: str, fraction: float) -> None:
        usage[step] = meter.lap()
        timings[step] = usage[step].wall_s
        progress(step, fraction)

    # Each side in the order of its record ids, not of its rows: `idx` is what every choice
    # among equals falls back on (a record's best pair, a group's number, the neighbours in a
    # large block, the pairs EM learns from, the queue's order), so a sorted or shuffled export
    # gives the same answers. Ids are unique within a side (`sources/identity.py`). Shorter
    # ids first, so QBO's numeric Ids read 35, 101 (not 101, 35) where tables follow `idx`.
    by_id = [pl.col("record_id").str.len_bytes(), "record_id"]
    records = pl.concat([canopy.frame.sort(by_id), qbo.frame.sort(by_id)], how="vertical")
    records = add_keys(records, match.exact_case_sensitive).with_row_index("idx")
    lap("normalise", 0.2)
    # Only the columns blocking reads: a full copy of two large lists would double the memory.
    matchable = records.filter(~pl.col("is_job")).select("idx", *BLOCKING_COLUMNS)
    exact = exact_pairs(records, match.qbo_clients)

    def prepared_records() -> tuple[pl.DataFrame, Prepared]:
        # Codes and person ids built once for every chunk of candidates and the random pairs.
        framed = with_name_frequency(records)
        return framed, prepare(framed)

    # Preparing does not depend on the candidates: it runs beside blocking, on the other core
    # (both are mostly Polars and numpy, which let go of the GIL). The block step's usage then
    # includes preparing.
    with ThreadPoolExecutor(1) as pool:
        preparing = pool.submit(prepared_records)
        # Unique and sorted by (a, b), the name rule's pairs merged in: compared in that order.
        ordered = candidate_pairs(matchable, match.max_block, also=exact)
        records, prepared = preparing.result()
    lap("block", 0.4)
    # Each candidate compared once, in chunks so memory stays bounded however many candidates
    # blocking finds; only the comparisons are kept (numbers and flags, no side columns), for
    # learning the weights and weighing.
    chunk = chunk_rows(ordered.height)
    parts = [compare_pairs(prepared, ordered.slice(start_row, chunk))
             for start_row in range(0, max(ordered.height, 1), chunk)]
    candidates = ordered.height
    del ordered
    lap("compare", 0.45)
    weights = DEFAULT
    if candidates >= MIN_PAIRS:
        ids = matchable["idx"].to_numpy()
        # Polars draws a sample's rows from the height and the seed alone, and the chunks keep
        # `ordered`'s rows in order: EM sees the very pairs it saw when the sample was compared
        # on its own, so the weights are unchanged.
        sample = pl.concat(parts, rechunk=False).sample(min(SAMPLE, candidates), seed=0)
        weights = estimate(sample, compare_pairs(prepared, random_pairs(ids, RANDOM)),
                           candidates, len(ids) * (len(ids) - 1) / 2)
        del sample
    del matchable
    lap("weights", 0.5)
    # Weighed chunk by chunk, each chunk's comparisons let go once weighed, so the pairs kept
    # grow as the comparisons shrink (at 1M × 1M, 0.44 GB of comparisons and 0.33 GB of shown
    # pairs were held at once). Only the score of each candidate and the pairs above the floor
    # are kept, and only those get side columns and a reason.
    scores_parts, shown_parts = [], []
    parts.reverse()
    while parts:
        weighed = weigh(parts.pop(), weights)
        scores_parts.append(weighed["score"])
        kept = weighed.filter((pl.col("score") >= SHOWN_FLOOR) | pl.col("exact_name"))
        del weighed
        shown_parts.append(explain(with_sides(kept, prepared.records), ["a", "b"]))
        del kept
    name_u = prepared.u
    # The codes and vocabularies (0.4 GB of Python strings at 1M × 1M) are not needed again.
    del prepared
    scores = pl.concat(scores_parts)
    shown = pl.concat(shown_parts)
    del scores_parts, shown_parts
    lap("score", 0.8)
    keyed = records
    records, pairs, groups = classify(keyed, shown, exact, match)
    lap("classify", 1.0)
    log.info("matched %d × %d records: %d candidate pairs", canopy.frame.height,
             qbo.frame.height, candidates)
    return MatchResult(records, pairs, groups, scores, timings, keyed, shown, exact, weights,
                       usage, name_u)


def reclassify(result: MatchResult, match: MatchConfig) -> MatchResult:
    """The same scores read against other thresholds (no re-scoring: fast enough to be live).

    Thresholds below `SHOWN_FLOOR` see no more pairs than the floor kept.
    """
    assert result.keyed is not None and result.shown is not None and result.exact is not None
    records, pairs, groups = classify(result.keyed, result.shown, result.exact, match)
    return MatchResult(records, pairs, groups, result.scores, result.timings, result.keyed,
                       result.shown, result.exact, result.weights, result.usage, result.name_u)
