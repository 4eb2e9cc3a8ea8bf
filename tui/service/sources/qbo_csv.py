"""QBO customer CSVs as a `RecordSet`: the customer import template and the Customer Contact List
report export (title lines above the header, one free-text address cell, a date line below)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from tui.service.config import ColumnsConfig
from tui.service.records import RecordSet
from tui.service.sources.columns import QBO_ALIASES
from tui.service.sources.header_check import check_qbo
from tui.service.sources.identity import with_identity
from tui.service.sources.one_cell_address import split_address
from tui.service.sources.tabular import load_mapped, parse_active

DELETED_SUFFIX = " (deleted)"



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
    # A plain "First Last" full name gives the two parts; "Last, First", joint names ("Paul and
    # Hannah Fuentes") and anything else are left to the matcher, which reads them from the name.
    plain = full.str.contains(r"^[^\s,&+]+\s+[^\s,&+]+$").fill_null(False) & ~full.str.contains(
        r"(?i)\sand\s").fill_null(False)
    given = pl.coalesce(col("given_name"), pl.when(plain).then(full.str.extract(r"^(\S+)\s", 1)))
    family = pl.coalesce(col("family_name"), pl.when(plain).then(full.str.extract(r"\s(\S+)$", 1)))
    name = pl.coalesce(col("display_name"), full, col("company_name"))
    deleted = name.str.ends_with(DELETED_SUFFIX)
    display = name.str.strip_suffix(DELETED_SUFFIX)
    address = split_address(col("address_block"))
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
    return check_qbo(with_identity(mapped.record_set("qbo", frame, path)))
