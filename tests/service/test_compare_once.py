"""A run compares each candidate once and weighs the saved comparisons: the weights, scores and
shown pairs are those of comparing the EM sample again and scoring every pair in one call."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal, assert_series_equal

from tui.demo.generate import generate, write_pair
from tui.service.config import Config
from tui.service.match import engine
from tui.service.match.block import BLOCKING_COLUMNS, candidate_pairs, exact_pairs
from tui.service.match.engine import MatchResult, random_pairs, run_match
from tui.service.match.score import compare_pairs, prepare, score_pairs
from tui.service.match.weighing import explain, weigh, with_sides
from tui.service.match.weights import RANDOM, estimate
from tui.service.records import RecordSet
from tui.service.sources.canopy_csv import read_canopy_csv
from tui.service.sources.qbo_csv import read_qbo_csv

DATA = Path(__file__).parent.parent / "data"

SMALL_RUN = {"SAMPLE": 10_000, "CHUNK": 7_000}
"""A sample smaller than the candidates and several chunks, as at 100k × 100k (565k candidates,
a 100k sample, 500k chunks), on a list a test can afford."""


@pytest.fixture(scope="module")
def honest(tmp_path_factory: pytest.TempPathFactory) -> tuple[RecordSet, RecordSet]:
    """Honest lists drawn from 30 × 30 names: 45k candidate pairs, enough to learn weights."""
    canopy, qbo, _ = write_pair(generate(6_000, 7, honest=True, names=30),
                                tmp_path_factory.mktemp("honest"))
    return read_canopy_csv(canopy), read_qbo_csv(qbo)


@pytest.fixture(scope="module")
def traps() -> tuple[RecordSet, RecordSet]:
    """The hand-written traps: a few dozen candidates, default weights."""
    return read_canopy_csv(DATA / "traps" / "canopy.csv"), read_qbo_csv(DATA / "traps" / "qbo.csv")


def candidates(result: MatchResult) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The candidate pairs the run compared, in its order, and the matchable records' idx, from
    its keyed records as blocking gives them."""
    match = Config().match
    keyed = result.keyed
    assert keyed is not None
    matchable = keyed.filter(~pl.col("is_job")).select("idx", *BLOCKING_COLUMNS)
    pairs = pl.concat([candidate_pairs(matchable, match.max_block).select("a", "b"),
                       exact_pairs(keyed, match.qbo_clients)]).unique().sort("a", "b")
    assert pairs.height == len(result.scores)
    return pairs, matchable.select("idx")


@pytest.mark.parametrize("constants", [{}, SMALL_RUN], ids=["whole", "sampled-chunked"])
def test_weights_are_those_of_comparing_the_sample_again(
    honest: tuple[RecordSet, RecordSet], constants: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in constants.items():
        monkeypatch.setattr(engine, name, value)
    result = run_match(*honest, Config().match)
    assert result.keyed is not None
    ordered, matchable = candidates(result)
    prepared = prepare(result.keyed)
    # As the run learned before comparing once: the sample drawn from the candidate pairs and
    # compared on its own.
    sample = ordered.sample(min(engine.SAMPLE, ordered.height), seed=0)
    ids = matchable["idx"].to_numpy()
    random = random_pairs(ids, RANDOM)
    twice = estimate(score_pairs(prepared, sample), score_pairs(prepared, random),
                     ordered.height, len(ids) * (len(ids) - 1) / 2)
    assert result.weights.learned
    assert result.weights == twice


@pytest.mark.parametrize("lists", ["traps", "honest"])
def test_scores_are_those_of_score_pairs(lists: str, request: pytest.FixtureRequest) -> None:
    result = run_match(*request.getfixturevalue(lists), Config().match)
    assert result.keyed is not None and result.shown is not None
    ordered, _ = candidates(result)
    scored = score_pairs(result.keyed, ordered, result.weights)
    assert_series_equal(scored["score"], result.scores)
    shown = scored.filter((pl.col("score") >= engine.SHOWN_FLOOR) | pl.col("exact_name"))
    assert_frame_equal(explain(shown, ["a", "b"]), result.shown)
    assert result.shown.height > 10


def test_a_chunked_run_is_the_whole_run(honest: tuple[RecordSet, RecordSet],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    whole = run_match(*honest, Config().match)
    monkeypatch.setattr(engine, "CHUNK", SMALL_RUN["CHUNK"])
    chunked = run_match(*honest, Config().match)
    assert chunked.weights == whole.weights
    assert_series_equal(chunked.scores, whole.scores)
    assert_frame_equal(chunked.pairs, whole.pairs)
    assert_frame_equal(chunked.groups, whole.groups)


def test_compared_chunks_weigh_as_the_whole(honest: tuple[RecordSet, RecordSet]) -> None:
    result = run_match(*honest, Config().match)
    assert result.keyed is not None
    ordered, _ = candidates(result)
    prepared = prepare(result.keyed)
    whole = compare_pairs(prepared, ordered)
    parts = pl.concat([compare_pairs(prepared, ordered.slice(start, 5_000))
                       for start in range(0, ordered.height, 5_000)])
    assert_frame_equal(parts, whole)
    weighed = with_sides(weigh(whole, result.weights), prepared.records)
    assert_frame_equal(weighed, score_pairs(prepared, ordered, result.weights))
