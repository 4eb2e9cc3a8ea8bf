"""Warnings on an edit QBO would accept but that will cause trouble: a display name another
record on the same side already has (Canopy's sync links by name, so two clients sharing one
name both claim the same QBO customer)."""

from __future__ import annotations

import polars as pl

from tui.service.report import Report
from tui.service.validate import name_clash_key


def name_in_use(report: Report, key: str, name: str, side: str | None = None) -> list[str]:
    """Ids of the other records on `key`'s side (or on `side`) whose display name equals
    `name` (compared as QBO compares names: case and spacing ignored); at most five."""
    wanted = name_clash_key(name)
    if not wanted:
        return []
    source, record_id = key.split(":", 1)
    recs = report.records
    found = recs.filter(
        (pl.col("source") == (side or source)) & (pl.col("record_id") != record_id)
        & (pl.col("display_name").str.replace_all(r"\s+", " ").str.strip_chars()
           .str.to_lowercase() == wanted))
    return found["record_id"].head(5).to_list()


def canopy_name_clash(report: Report, key: str, name: str) -> str | None:
    """Why renaming Canopy client `key` to `name` makes a duplicate, None when it does not: the
    one rule for the edit form's warning and the plan's left-out. Canopy's QBO sync links a
    client to the QBO customer of the same name, so two clients of one name claim one customer.
    """
    holders = name_in_use(report, key, name)
    if not key.startswith("canopy:") or not holders:
        return None
    return (f"Canopy client {', '.join(holders)} already has the name {name.strip()!r}: "
            "Canopy's QBO sync matches by name, so this makes a duplicate")


def edit_warnings(report: Report, key: str, values: dict[str, str],
                  original: dict[str, str]) -> dict[str, str]:
    """Field → warning for the edited `values` of record `key` (only fields that changed)."""
    warnings: dict[str, str] = {}
    name = values.get("display_name", "")
    if name != original.get("display_name", ""):
        clash = canopy_name_clash(report, key, name)
        holders = name_in_use(report, key, name)
        if clash is not None:
            warnings["display_name"] = clash
        elif holders:
            side = "Canopy client" if key.startswith("canopy:") else "QBO customer"
            warnings["display_name"] = (f"another {side} already has this name "
                                        f"({', '.join(holders)})")
        elif key.startswith("canopy:") and (twins := name_in_use(report, key, name, "qbo")):
            # Often the point (renamed to equal its QBO twin), but a stranger's name links
            # the client to the stranger: said, so the user checks which it is.
            warnings["display_name"] = (
                f"Canopy's sync will link this client to QBO customer {', '.join(twins)}, "
                "which has this name: is that its own record?")
    return warnings
