"""Canopy's client-list CSV ("Export filtered list") as a `RecordSet`."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from tui.service.config import ColumnsConfig
from tui.service.records import RecordSet
from tui.service.sources.columns import CANOPY_ALIASES
from tui.service.sources.header_check import check_canopy
from tui.service.sources.identity import with_identity
from tui.service.sources.tabular import load_mapped, parse_active


def read_canopy_csv(path: Path | str, columns: ColumnsConfig | None = None) -> RecordSet:
    """Read a Canopy client-list export; header spellings go through the alias table."""
    path = Path(path)
    overrides = columns.canopy if columns else {}
    mapped = load_mapped(path, CANOPY_ALIASES, overrides, "canopy")
    f = mapped.fields
    have = set(f.columns)

    def col(name: str) -> pl.Expr:
        return pl.col(name) if name in have else pl.lit(None, dtype=pl.String)

    person = pl.concat_str([col("given_name"), col("family_name")], separator=" ",
                           ignore_nulls=True).replace("", None)
    display = pl.coalesce(col("display_name"), person, col("company_name"))
    type_text = col("kind").str.to_lowercase()
    kind = (
        pl.when(type_text.str.contains("bus|org|company|entity"))
        .then(pl.lit("business"))
        .when(type_text.str.contains("ind|person"))
        .then(pl.lit("individual"))
        .when(col("company_name").is_not_null() & col("given_name").is_null()
              & col("family_name").is_null())
        .then(pl.lit("business"))
        .otherwise(pl.lit("individual"))
    )
    frame = f.with_columns(
        pl.lit("canopy").alias("source"),
        col("record_id").alias("record_id"),
        kind.alias("kind"),
        display.alias("display_name"),
        (parse_active("active") if "active" in have else pl.lit(True)).alias("active"),
        pl.lit(False).alias("is_job"),
    )
    return check_canopy(with_identity(mapped.record_set("canopy", frame, path)))
