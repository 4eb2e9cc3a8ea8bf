"""The generator: reproducible, realistic, and its truth recovered by the report."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from tui.cli import demo_paths
from tui.demo.evaluate import quality, read_truth
from tui.demo.generate import generate, write_pair
from tui.service.config import Config
from tui.service.report import Report, build_report
from tui.service.sources.canopy_csv import read_canopy_csv
from tui.service.sources.qbo_csv import read_qbo_csv

BUNDLED_CLIENTS, BUNDLED_SEED = 300, 7


def test_same_seed_same_lists() -> None:
    assert generate(120, seed=3) == generate(120, seed=3)
    assert generate(120, seed=3) != generate(120, seed=4)


def test_bundled_demo_is_the_generators_output(tmp_path: Path) -> None:
    canopy, qbo, _ = write_pair(generate(BUNDLED_CLIENTS, BUNDLED_SEED), tmp_path)
    bundled_canopy, bundled_qbo = demo_paths()
    assert canopy.read_bytes() == bundled_canopy.read_bytes()
    assert qbo.read_bytes() == bundled_qbo.read_bytes()


@pytest.fixture(scope="module", params=[(300, 7), (1500, 21)], ids=["300", "1500"])
def generated(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
              ) -> tuple[Report, pl.DataFrame]:
    clients, seed = request.param
    folder = tmp_path_factory.mktemp(f"demo{clients}")
    canopy, qbo, truth = write_pair(generate(clients, seed), folder)
    report = build_report(read_canopy_csv(canopy), read_qbo_csv(qbo), Config())
    return report, read_truth(truth)


def test_the_lists_carry_every_variation(generated: tuple[Report, pl.DataFrame]) -> None:
    _, truth = generated
    notes = set(truth["note"])
    for note in ("same", "last_first", "typo", "nickname", "suffix", "canopy only", "qbo only",
                 "canopy duplicate", "qbo duplicate"):
        assert note in notes, note


def test_truth_recovered_at_the_review_threshold(generated: tuple[Report, pl.DataFrame]) -> None:
    report, truth = generated
    q = quality(report, truth, report.config.match.review)
    assert q.true_pairs > 100
    assert q.precision >= 0.95, q
    assert q.recall >= 0.95, q


def test_accepted_pairs_are_nearly_all_right(generated: tuple[Report, pl.DataFrame]) -> None:
    report, truth = generated
    q = quality(report, truth, report.config.match.accept)
    assert q.precision >= 0.98, q
    assert q.recall >= 0.85, q
