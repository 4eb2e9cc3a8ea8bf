"""QBO customers fetched through the API, kept as a snapshot CSV that the QBO reader reads.

The snapshot lives in the data folder, one file per company, rewritten on every fetch: a
session opened on it resumes like any other, and what changed in QBO between two fetches is
reported record by record, as for a changed file.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tui.service import paths

SNAPSHOT_HEADERS = ["Id", "Customer", "Company", "First Name", "Last Name", "Email", "Phone",
                    "Street", "City", "State", "ZIP", "Country", "Status", "Sync Token",
                    "Last Modified"]


def snapshot_path(realm_id: str) -> Path:
    return paths.data_dir() / "qbo" / f"customers-{realm_id}.csv"


def _row(customer: dict[str, Any]) -> dict[str, str]:
    address = customer.get("BillAddr") or {}
    lines = [address.get(f"Line{n}") for n in range(1, 6)]
    phone = (customer.get("PrimaryPhone") or customer.get("Mobile") or {})
    # A job's display name is its own; its fully qualified name ("Parent:Job") marks it a job.
    name = customer.get("FullyQualifiedName") if customer.get("Job") else None
    return {
        "Id": str(customer.get("Id", "")),
        "Customer": name or customer.get("DisplayName", ""),
        "Company": customer.get("CompanyName", ""),
        "First Name": customer.get("GivenName", ""),
        "Last Name": customer.get("FamilyName", ""),
        "Email": (customer.get("PrimaryEmailAddr") or {}).get("Address", ""),
        "Phone": phone.get("FreeFormNumber", ""),
        "Street": ", ".join(line for line in lines if line),
        "City": address.get("City", ""),
        "State": address.get("CountrySubDivisionCode", ""),
        "ZIP": address.get("PostalCode", ""),
        "Country": address.get("Country", ""),
        "Status": "Active" if customer.get("Active", True) else "Inactive",
        "Sync Token": str(customer.get("SyncToken", "")),
        "Last Modified": (customer.get("MetaData") or {}).get("LastUpdatedTime", ""),
    }


def write_snapshot(customers: list[dict[str, Any]], path: Path) -> Path:
    """Write the customers as a QBO CSV the reader understands, atomically."""
    with paths.private_writer(path, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=SNAPSHOT_HEADERS)
        writer.writeheader()
        for customer in sorted(customers, key=lambda c: int(c.get("Id", 0) or 0)):
            writer.writerow(_row(customer))
    return path


def other_names_path(snapshot: Path) -> Path:
    """Beside a snapshot: the Vendor and Employee DisplayNames read with it."""
    return snapshot.with_name(snapshot.stem + "-other-names.json")


def load_other_names(qbo_list: Path) -> dict[str, str]:
    """The Vendor and Employee names read with a live snapshot (name → "Vendor 12"); empty for
    a file export, whose company we cannot ask."""
    try:
        data = json.loads(other_names_path(Path(qbo_list)).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def fetch_snapshot(client: Any, progress: Callable[[int, int], None] = lambda d, t: None
                   ) -> Path:
    """Fetch every customer through `client` (a QboClient) into the company's snapshot, and
    the vendors' and employees' names beside it: QBO names are unique across the three lists,
    so the plan checks its creates and renames against them too."""
    customers = client.fetch_all(progress)
    path = snapshot_path(client.tokens.realm_id)
    paths.write_private(other_names_path(path), json.dumps(client.other_names(),
                                                            ensure_ascii=False))
    return write_snapshot(customers, path)


def snapshot_loader(config: Any, tokens: Any) -> Callable[[Callable[[str, float], None]], Path]:
    """A loader step for the app: fetch the company's customers into its snapshot, reporting
    progress as the app's loader expects (step name, fraction)."""

    def load(progress: Callable[[str, float], None]) -> Path:
        from tui.service.qbo.client import QboClient

        return fetch_snapshot(QboClient(config, tokens), lambda done, total: progress(
            f"reading QBO customers {done:,}/{total:,}", 0.2 * done / max(total, 1)))

    return load
