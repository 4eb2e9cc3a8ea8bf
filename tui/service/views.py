"""The report as tables to browse: one Polars frame per tab, each row keyed by a record."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from tui.service.report import Report

KEY = "key"
"""Hidden column: the record key ("canopy:C12") a row opens."""


@dataclass(frozen=True)
class View:
    """One tab of the report."""

    id: str
    title: str
    build: Callable[[Report], pl.DataFrame]
    detail: str | tuple[str, ...] | None = None
    """Columns too long for the table, or beyond 80 columns, shown in full for the
    highlighted row, in order."""


def _names(report: Report) -> pl.DataFrame:
    recs = report.records
    name = pl.col("display_name").fill_null("")
    return recs.select(
        "idx", (pl.col("source") + ":" + pl.col("record_id")).alias("k"), "record_id",
        pl.when(pl.col("active")).then(name).otherwise(name + " (inactive)")
        .alias("display_name"),
        "email", "verdict",
    )


def _pair_view(report: Report, category: str) -> pl.DataFrame:
    names = _names(report)
    pairs = report.result.pairs.filter(pl.col("category") == category)
    a = names.select(pl.col("idx").alias("a"), pl.col("k").alias(KEY),
                     pl.col("record_id").alias("Canopy id"), pl.col("display_name").alias("Canopy"))
    b = names.select(pl.col("idx").alias("b"), pl.col("record_id").alias("QBO id"),
                     pl.col("display_name").alias("QBO"))
    # Equal scores by their records (`idx` follows the record ids), so the rows' order is the
    # same whatever the inputs' row order.
    return pairs.join(a, on="a").join(b, on="b").sort(
        ["score", "a", "b"], descending=[True, False, False]).select(
        pl.col("score").alias("Score"), "Canopy id", "Canopy", "QBO id", "QBO",
        pl.col("evidence").alias("Evidence"), pl.col("reason").alias("Why"), KEY,
    )


def probable_view(report: Report) -> pl.DataFrame:
    return _pair_view(report, "probable")


def matches_view(report: Report) -> pl.DataFrame:
    return _pair_view(report, "matched").sort("Score", maintain_order=True)


def groups_view(report: Report) -> pl.DataFrame:
    names = _names(report)
    groups = report.result.groups.sort("group").with_row_index("n", offset=1)
    members = groups.select("n", pl.col("members").alias("idx")).explode("idx").join(
        names, on="idx").sort("n", "idx").group_by("n", maintain_order=True).agg(
        pl.col("k").first().alias(KEY),
        pl.col("display_name").fill_null("").str.join(" · ").alias("Members"),
    )
    return groups.join(members, on="n").sort("n").select(
        pl.format("G{}", pl.col("n").cast(pl.String).str.zfill(5)).alias("Group"),
        pl.col("kind").alias("Kind"), pl.col("size").alias("Size"),
        pl.when(pl.col("complete")).then(pl.lit("yes")).otherwise(pl.lit("no: a chain"))
        .alias("All agree"),
        "Members", KEY,
    )


def _unmatched_view(report: Report, source: str, verdict: str) -> pl.DataFrame:
    names = _names(report)
    twins = names.select(pl.col("idx").alias("twin_idx"), pl.col("display_name").alias("Twin"))
    recs = report.records.filter((pl.col("source") == source) & (pl.col("verdict") == verdict))
    return recs.join(twins, on="twin_idx", how="left").sort("idx").select(
        pl.col("record_id").alias("Id"), pl.col("display_name").alias("Name"),
        pl.col("email").alias("Email"), pl.col("city").alias("City"),
        "Twin", pl.col("twin_score").alias("Twin score"),
        (pl.col("source") + ":" + pl.col("record_id")).alias(KEY),
    )


def unmatched_view(report: Report) -> pl.DataFrame:
    return _unmatched_view(report, "canopy", "Unmatched")


def new_view(report: Report) -> pl.DataFrame:
    return _unmatched_view(report, "qbo", "New")


def conflicts_view(report: Report) -> pl.DataFrame:
    return report.conflicts().select(
        pl.col("canopy_id").alias("Canopy id"), pl.col("qbo_id").alias("QBO id"),
        pl.col("field").alias("Field"), pl.col("canopy_value").alias("In Canopy"),
        pl.col("qbo_value").alias("In QBO"), ("canopy:" + pl.col("canopy_id")).alias(KEY),
    )


VIEWS = [
    # Evidence is the first column past 80 cells (two names take the room): read it below.
    View("probable", "Probable", probable_view, detail=("Evidence", "Why")),
    View("groups", "Groups", groups_view, detail="Members"),
    View("unmatched", "Unmatched", unmatched_view),
    View("new", "New in QBO", new_view),
    View("matches", "Matches", matches_view, detail=("Evidence", "Why")),
    View("conflicts", "Conflicts", conflicts_view),
]
"""The report's tabs, in order."""


def filter_rows(frame: pl.DataFrame, text: str) -> pl.DataFrame:
    """Rows holding `text` (case-insensitive, literal) in any shown column."""
    needle = text.strip().lower()
    if not needle:
        return frame
    shown = [c for c in frame.columns if c != KEY]
    haystack = pl.concat_str([pl.col(c).cast(pl.String).fill_null("") for c in shown],
                             separator="\x1f").str.to_lowercase()
    return frame.filter(haystack.str.contains(needle, literal=True))


_ID_LIKE = r"^[^\d]*\d+$"
"""An id as systems write them: a fixed prefix (maybe none) then digits ("10001", "C00042")."""


def sort_rows(frame: pl.DataFrame, column: str, descending: bool) -> pl.DataFrame:
    """Rows sorted on one column, nulls last. A text column whose every value is an id
    (`_ID_LIKE`) sorts by prefix then number, so 1001 comes before 10001 (QBO Ids are
    numbers written as text)."""
    values = frame[column]
    if values.dtype == pl.String and values.null_count() < len(values):
        present = values.drop_nulls()
        if present.str.contains(_ID_LIKE).all():
            prefix = pl.col(column).str.extract(r"^([^\d]*)", 1)
            number = pl.col(column).str.extract(r"(\d+)$", 1).cast(pl.Decimal(38, 0))
            return frame.sort([prefix, number, pl.col(column)], descending=descending,
                              nulls_last=True)
    return frame.sort(column, descending=descending, nulls_last=True)


def score_histogram(report: Report) -> list[int]:
    """How many candidate pairs score each whole point from 0 to 99 (100 counts as 99)."""
    counts = report.result.scores.floor().clip(0, 99).cast(pl.Int64).value_counts()
    out = [0] * 100
    for point, count in counts.iter_rows():
        out[point] = count
    return out
