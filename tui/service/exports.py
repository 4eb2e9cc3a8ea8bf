"""Files for the manual route and the record: QBO's customer-import CSV, the Canopy worklist,
and a JSON audit log of what was applied. Every CSV cell is safe against formula injection;
every file is private (0600), written whole and renamed into place, and never over an input."""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import polars as pl

from tui.service import paths
from tui.service.errors import UserError
from tui.service.journal import Journal
from tui.service.plan import Plan
from tui.service.qbo_values import FIELD_NAMES, shown
from tui.service.triage import Triage

QBO_IMPORT_HEADERS = ["Name", "Company", "Email", "Phone", "Mobile", "Fax", "Website",
                      "Street", "City", "State", "ZIP", "Country", "Opening Balance",
                      "Opening Balance Date", "Resale No"]
"""The field names of Intuit's help page, which QBO's import screen maps by itself."""

WORKLIST_HEADERS = ["Client ID", "Client Name", "Action", "Field", "From", "To", "Why"]
_FORMULA_START = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
"""What makes a spreadsheet read a cell as a formula: = + - @ and their fullwidth forms
(＝ ＋ － ＠), which East Asian input methods type and some spreadsheets fold to ASCII."""
_PART_SEPARATORS = re.compile(r"([;\t])")
"""Where a reader that splits on semicolons (Excel in many European locales) or tabs would
start a new cell."""


def _invisible(ch: str) -> bool:
    # Whitespace (tab, CR, no-break space…) and format characters (zero-width space, BOM,
    # word joiner, bidi marks: Unicode category Cf) show nothing, and spreadsheets skip
    # some of them before looking for a formula.
    return ch.isspace() or unicodedata.category(ch) == "Cf"


def _safe_part(text: str, keep_spaces: bool = False) -> str:
    visible = 0
    while visible < len(text) and _invisible(text[visible]):
        visible += 1
    if visible < len(text) and text[visible] in _FORMULA_START:
        # The invisible lead only hid the formula: dropped, except (inside a cell) the
        # spaces a reader may show.
        lead = "".join(ch for ch in text[:visible] if ch == " ") if keep_spaces else ""
        return lead + "'" + text[visible:]
    if not keep_spaces and text.startswith(("\t", "\r")):
        return "'" + text  # OWASP lists a leading tab or CR among the prefixes too
    return text


def safe_cell(value: object) -> str:
    """Text a spreadsheet will show as text, read with `,`, `;` or tab as the delimiter.

    A cell whose first visible character (after whitespace, zero-width spaces, BOMs and other
    invisible format characters) starts a formula (= + - @ or fullwidth ＝ ＋ － ＠) gets a
    leading `'` in place of the invisible characters (a cell starting with a tab or CR gets
    one in any case); so does every `;`- or tab-separated part of it, since a reader
    splitting there sees each part as a cell (`Name;=1+1` → `Name;'=1+1`). OWASP "CSV
    Injection" lists the prefixes; the `'` is what spreadsheets take as "text".
    """
    text = _safe_part("" if value is None else str(value))
    first, *rest = _PART_SEPARATORS.split(text)
    return first + "".join(part if part in (";", "\t") else _safe_part(part, keep_spaces=True)
                           for part in rest)


# North American numbers: area codes start with 2-9, so `01 23 45 67 89` is not one.
_NANP = re.compile(r"^\+?1?[\s.\-()]*([2-9]\d{2})[\s.\-)]*(\d{3})[\s.\-]*(\d{4})"
                   r"(?:\s*(?:x|ext\.?|extension|#)\s*(\d{1,6}))?$", re.IGNORECASE)
QBO_IMPORT_PHONE_MAX = 21
"""QBO's import takes at most 21 characters per phone (Intuit help article 1583081)."""


def qbo_import_phone(value: object) -> str:
    """A phone written so QBO's import reads it as a phone, with nothing to escape.

    A leading `+` would need the formula escape `'`, which QBO's importer keeps as part of
    the number; so a North American number (10 digits, or 11 with the country code 1, as in
    `+1 555 010 2222`) is written in the national form QBO itself shows — `(555) 010-2222`,
    the form of every phone in Intuit's Customer samples — with an extension as
    ` x123`; any other number keeps its digits and spacing without the `+` (`+44 20 7946 0958`
    → `44 20 7946 0958`). Blank stays blank; at most 21 characters (the import's limit).
    """
    text = "" if value is None else str(value).strip()
    if not text:
        return ""
    nanp = _NANP.match(text)
    if nanp:
        area, exchange, line, extension = nanp.groups()
        phone = f"({area}) {exchange}-{line}"
        if extension and len(phone) + 2 + len(extension) <= QBO_IMPORT_PHONE_MAX:
            phone += f" x{extension}"
        return phone
    kept = "".join(ch for ch in text if not _invisible(ch) or ch == " ")
    kept = kept.lstrip("".join(_FORMULA_START) + " ")
    return re.sub(r"\s+", " ", kept)[:QBO_IMPORT_PHONE_MAX].strip()


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
                     qbo_import_phone(row["phone"]), "", "", "", row["street"] or "",
                     row["city"] or "",
                     row["region"] or "", row["postal_code"] or "", row["country"] or "", "",
                     "", ""])
    return _write_csv(path, QBO_IMPORT_HEADERS, rows)


def canopy_worklist_csv(plan: Plan, path: Path) -> Path:
    """The changes to make by hand in Canopy, one per row."""
    rows = [[w.canopy_id, w.name, w.action, w.field, w.before, w.after, w.why]
            for w in plan.worklist]
    return _write_csv(path, WORKLIST_HEADERS, rows)


QBO_WORKLIST_HEADERS = ["QBO Id", "Customer", "Action", "Field", "From", "To", "Why"]
def qbo_worklist_csv(triage: Triage, plan: Plan, path: Path) -> Path:
    """The plan's changes to existing QBO customers, one field a row, for the manual route:
    QBO's import screen only creates customers, so renames, edits and making a customer
    inactive are done by hand in QBO (or sent by `apply` with `--qbo live`). Operations an
    apply run already made are left out."""
    rows = []
    for op in plan.operations:
        if op.kind != "update" or op.applied:
            continue
        name = triage.record(op.key)["display_name"] or ""
        for api, value in op.fields.items():
            action = ("make inactive" if api == "Active" and value is False else
                      "make active" if api == "Active" else "edit")
            rows.append([op.qbo_id or "", name, action, FIELD_NAMES.get(api, api),
                         shown(op.before.get(api), api, ""), shown(value, api, ""),
                         "; ".join(op.why)])
    return _write_csv(path, QBO_WORKLIST_HEADERS, rows)


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


EXPORT_FILES = ("qbo-customer-import.csv", "canopy-worklist.csv", "qbo-worklist.csv",
                "audit-log.json")
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
            qbo_worklist_csv(triage, plan, targets[2]),
            audit_log(journal, targets[3])]
