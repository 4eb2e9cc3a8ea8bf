"""How well a report recovers the generator's truth: precision and recall over record pairs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from tui.service.report import Report


@dataclass
class Quality:
    """Pair-level agreement between a report and the truth."""

    true_pairs: int
    predicted: int
    correct: int

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.true_pairs if self.true_pairs else 1.0


def read_truth(path: Path) -> pl.DataFrame:
    """The truth table written by `write_pair`."""
    return pl.read_csv(path, schema_overrides={"record_id": pl.String, "entity": pl.String})


def truth_pairs(truth: pl.DataFrame) -> pl.DataFrame:
    """Every pair of records (`key_a` < `key_b`, keys "source:id") that are one entity."""
    keyed = truth.select(
        pl.concat_str(["source", "record_id"], separator=":").alias("key"), "entity"
    )
    return (
        keyed.join(keyed, on="entity", suffix="_b")
        .filter(pl.col("key") < pl.col("key_b"))
        .select(pl.col("key").alias("key_a"), pl.col("key_b"))
    )


def predicted_pairs(report: Report, min_score: float) -> pl.DataFrame:
    """Pairs the report calls the same client: scored at least `min_score`."""
    pairs = report.pairs().filter(pl.col("score") >= min_score)
    a = pl.concat_str([pl.col("source_a"), pl.col("record_id_a")], separator=":")
    b = pl.concat_str([pl.col("source_b"), pl.col("record_id_b")], separator=":")
    return pairs.select(
        pl.min_horizontal(a, b).alias("key_a"), pl.max_horizontal(a, b).alias("key_b")
    ).unique()


def quality(report: Report, truth: pl.DataFrame, min_score: float) -> Quality:
    """Precision and recall of the pairs scored at least `min_score`."""
    expected = truth_pairs(truth)
    found = predicted_pairs(report, min_score)
    correct = found.join(expected, on=["key_a", "key_b"]).height
    return Quality(expected.height, found.height, correct)


def misses(report: Report, truth: pl.DataFrame, min_score: float) -> pl.DataFrame:
    """True pairs the report did not find at `min_score` (for tuning and debugging)."""
    return truth_pairs(truth).join(
        predicted_pairs(report, min_score), on=["key_a", "key_b"], how="anti"
    )
