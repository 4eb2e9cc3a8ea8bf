"""Writing a generated pair of lists and its truth to CSV files."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.demo.generate import DemoPair

CANOPY_HEADERS = [
    "Client ID", "Client Type", "Client Name", "Client Facing Name", "First Name", "Last Name",
    "Business Name", "Email", "Phone", "Street Address", "City", "State", "Zip Code",
    "Client Owner",
]
QBO_HEADERS = [
    "Id", "Customer", "Company", "First Name", "Last Name", "Email", "Phone", "Street", "City",
    "State", "ZIP", "Country", "Status",
]
TRUTH_HEADERS = ["source", "record_id", "entity", "note"]


def _write_csv(path: Path, headers: list[str], rows: list[dict[str, str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=headers)
        writer.writeheader()
        writer.writerows(rows)


def write_pair(pair: DemoPair, folder: Path) -> tuple[Path, Path, Path]:
    """Write `canopy_clients.csv`, `qbo_customers.csv` and `truth.csv` into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = (folder / "canopy_clients.csv", folder / "qbo_customers.csv", folder / "truth.csv")
    _write_csv(paths[0], CANOPY_HEADERS, pair.canopy)
    _write_csv(paths[1], QBO_HEADERS, pair.qbo)
    _write_csv(paths[2], TRUTH_HEADERS, sorted(
        pair.truth, key=lambda r: (r["source"], r["record_id"])))
    return paths
