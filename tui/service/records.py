"""The records frame: one schema for clients from every source, plus the loaded set around it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

SCHEMA: dict[str, pl.DataType] = {
    "source": pl.String(),
    "record_id": pl.String(),
    "kind": pl.String(),
    "display_name": pl.String(),
    "given_name": pl.String(),
    "family_name": pl.String(),
    "company_name": pl.String(),
    "email": pl.String(),
    "phone": pl.String(),
    "street": pl.String(),
    "city": pl.String(),
    "region": pl.String(),
    "postal_code": pl.String(),
    "country": pl.String(),
    "active": pl.Boolean(),
    "linked_id": pl.String(),
    "sync_token": pl.String(),
    "updated_at": pl.String(),
    "is_job": pl.Boolean(),
    "line": pl.Int64(),
}
"""Columns every reader produces, in this order. `line` is the record's first line in its file
(0 for records that came from the API); `is_job` marks QBO sub-customers."""


@dataclass
class RecordSet:
    """One side's records as loaded, with what the reader saw on the way."""

    source: str
    """`canopy` or `qbo`."""
    frame: pl.DataFrame
    """The records in `SCHEMA` (normalised keys are added by `match.normalise`)."""
    raw: pl.DataFrame
    """The original rows, every column as text, row-aligned with `frame` (display, export)."""
    path: Path | None = None
    """The file read, if any."""
    columns_used: dict[str, str] = field(default_factory=dict)
    """Record field → the header it was read from."""
    columns_unused: list[str] = field(default_factory=list)
    """Headers the reader kept in `raw` without mapping them."""
    encoding: str = "utf-8"
    """How the file was decoded."""
    delimiter: str = ","
    """The field separator found."""
    warnings: list[str] = field(default_factory=list)
    """What the reader kept but the user should know (an id on several rows, say)."""

    def __len__(self) -> int:
        return self.frame.height


def conform(frame: pl.DataFrame) -> pl.DataFrame:
    """Add missing schema columns as nulls and order them as `SCHEMA` says."""
    missing = [pl.lit(None, dtype=dtype).alias(name) for name, dtype in SCHEMA.items()
               if name not in frame.columns]
    if missing:
        frame = frame.with_columns(missing)
    return frame.select([pl.col(name).cast(dtype) for name, dtype in SCHEMA.items()])
