"""Files for the manual route and the record: QBO's customer-import CSV, the Canopy worklist,
and a JSON audit log of what was applied. Every CSV cell is safe against formula injection;
every file is private (0600), written whole and renamed into place, and never over an input."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import polars as pl

from tui.service import paths
from tui.service.errors import UserError
from tui.service.journal import Journal
from tui.service.plan import Plan
from tui.service.triage import Triage

QBO_IMPORT_HEADERS = ["Name", "Company", "Email", "Phone", "Mobile", "Fax", "Website",
                      "Street", "City", "State", "ZIP", "Country", "Opening Balance",
                      "Opening Balance Date", "Resale No"]
"""The field names of Intuit's help page, which QBO's import screen maps by itself."""

WORKLIST_HEADERS = ["Client ID", "Client Name", "Action", "Field", "From", "To", "Why"]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """Text a spreadsheet will show as text: a leading =, +, -, @, tab or CR gets a quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _write_csv(path: Path, headers: list[str], rows: list[list[object]]) -> Path:
    # BOM: Excel reads the file as UTF-8 only with it.
    with paths.private_writer(path, encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows([[safe_cell(cell) for cell in row] for row in rows])
    return path


def qbo_import_csv(triage: Triage, plan: Plan, path: Path, all_unmatched: bool = False) -> Path:
    """Canopy clients to create in QBO, for QBO's import screen: the plan's creates, or every
    Canopy client with no QBO twin when `all_unmatched`."""
    if all_unmatched:
        recs = triage.report.records
        keys = ("canopy:" + recs.filter((pl.col("verdict") == "Unmatched")
                                        & pl.col("twin_idx").is_null())["record_id"]).to_list()
    else:
        keys = [op.key for op in plan.operations if op.kind == "create"]
    rows = []
    for key in keys:
        row = triage.record(key)
        name = row["display_name"] or ""
        rows.append([name[:100], (row["company_name"] or "")[:50], row["email"] or "",
                     row["phone"] or "", "", "", "", row["street"] or "", row["city"] or "",
                     row["region"] or "", row["postal_code"] or "", row["country"] or "", "",
                     "", ""])
    return _write_csv(path, QBO_IMPORT_HEADERS, rows)


def canopy_worklist_csv(plan: Plan, path: Path) -> Path:
    """The changes to make by hand in Canopy, one per row."""
    rows = [[w.canopy_id, w.name, w.action, w.field, w.before, w.after, w.why]
            for w in plan.worklist]
    return _write_csv(path, WORKLIST_HEADERS, rows)


def audit_log(journal: Journal, path: Path) -> Path:
    """Every run: when, and each operation's before and after."""
    runs: list[dict[str, Any]] = []
    for run, kind, started, finished, undone_by in journal.runs():
        runs.append({
            "run": run, "kind": kind, "started_at": started, "finished_at": finished,
            "undone_by": undone_by,
            "operations": [{"kind": op.kind, "record": op.key, "qbo_id": op.qbo_id,
                            "request_id": op.request_id, "state": op.state,
                            "sent": op.body, "before": op.before, "after": op.result,
                            "error": op.error, "items": op.items}
                           for op in journal.operations(run)],
        })
    return paths.write_private(path, json.dumps(
        {"schema": "cqtriage-audit", "version": 1, "runs": runs}, indent=1, ensure_ascii=False))


EXPORT_FILES = ("qbo-customer-import.csv", "canopy-worklist.csv", "audit-log.json")
"""What `write_exports` writes into its folder."""


def write_exports(triage: Triage, plan: Plan, journal: Journal, folder: Path,
                  inputs: list[Path], all_unmatched: bool = False) -> list[Path]:
    """Write the three exports into `folder` (created 0700 if missing) and return their paths.

    Raises UserError before anything is written when a target is one of `inputs` (the same
    file, whatever its name: the path itself, a hard link or a symlink).
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise UserError("not a folder", "give a folder for the exports", folder)
    targets = [folder / name for name in EXPORT_FILES]
    paths.refuse_inputs(targets, inputs, "choose another folder for the exports")
    return [qbo_import_csv(triage, plan, targets[0], all_unmatched=all_unmatched),
            canopy_worklist_csv(plan, targets[1]),
            audit_log(journal, targets[2])]
