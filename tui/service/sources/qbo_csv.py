"""QBO customer CSVs as a `RecordSet`: the customer import template and the Customer Contact List
report export (title lines above the header, one free-text address cell, a date line below)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from tui.service.config import ColumnsConfig
from tui.service.records import RecordSet
from tui.service.sources.columns import QBO_ALIASES
from tui.service.sources.identity import with_identity
from tui.service.sources.tabular import load_mapped, parse_active

DELETED_SUFFIX = " (deleted)"

# "12 Main St, Springfield, IL 62704 USA": street, city, then state + ZIP (+ country).
_ADDRESS = (
    r"^(?<street>.+?),\s*(?<city>[^,]+?),?\s+(?<region>[A-Za-z]{2})\.?\s+"
    r"(?<postal>[0-9]{5}(?:-[0-9]{4})?|[A-Za-z][0-9][A-Za-z] ?[0-9][A-Za-z][0-9])"
    r"(?:[,\s]+(?<country>.+))?$"
)


def _first_phone(column: pl.Expr) -> pl.Expr:
    # The report packs several numbers into one cell: "Phone: (555) 010-2222 Mobile: …".
    return (
        column.str.extract(r"([+(0-9][0-9()+.\- ]{6,}[0-9])", 1)
        .str.strip_chars()
    )


def read_qbo_csv(path: Path | str, columns: ColumnsConfig | None = None) -> RecordSet:
    """Read a QBO customer CSV of either shape; " (deleted)" names are read as inactive."""
    path = Path(path)
    overrides = columns.qbo if columns else {}
    mapped = load_mapped(path, QBO_ALIASES, overrides, "qbo", skip_footer=True)
    f = mapped.fields
    have = set(f.columns)

    def col(name: str) -> pl.Expr:
        return pl.col(name) if name in have else pl.lit(None, dtype=pl.String)

    full = col("full_name")
    given = pl.coalesce(col("given_name"), full.str.extract(r"^(\S+)\s", 1))
    family = pl.coalesce(col("family_name"), full.str.extract(r"\s(\S+)$", 1))
    name = pl.coalesce(col("display_name"), full, col("company_name"))
    deleted = name.str.ends_with(DELETED_SUFFIX)
    display = name.str.strip_suffix(DELETED_SUFFIX)
    address = col("address_block").str.replace_all(r"\s*\n\s*", ", ").str.extract_groups(_ADDRESS)
    active = parse_active("active") if "active" in have else pl.lit(True)
    company = col("company_name")
    kind = (
        pl.when(company.is_not_null() & (given.is_null() | (company == display)))
        .then(pl.lit("business"))
        .otherwise(pl.lit("individual"))
    )
    frame = f.with_columns(
        pl.lit("qbo").alias("source"),
        col("record_id").alias("record_id"),
        display.alias("display_name"),
        given.alias("given_name"),
        family.alias("family_name"),
        pl.coalesce(col("street"), address.struct.field("street"),
                    col("address_block")).alias("street"),
        pl.coalesce(col("city"), address.struct.field("city")).alias("city"),
        pl.coalesce(col("region"), address.struct.field("region")).alias("region"),
        pl.coalesce(col("postal_code"), address.struct.field("postal")).alias("postal_code"),
        pl.coalesce(col("country"), address.struct.field("country")).alias("country"),
        _first_phone(col("phone")).alias("phone"),
        (active & ~deleted.fill_null(False)).alias("active"),
        display.str.contains(":", literal=True).fill_null(False).alias("is_job"),
    ).with_columns(kind.alias("kind"))
    return with_identity(mapped.record_set("qbo", frame, path))
