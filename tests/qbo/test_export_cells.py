"""Export cells (issue 12): no formula reaches a spreadsheet, whatever hides it and whichever
delimiter the reader splits on; phones in QBO's import file need no escape."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tui.service.config import Config
from tui.service.exports import QBO_IMPORT_HEADERS, qbo_import_phone, safe_cell
from tui.service.inputs import SessionInputs
from tui.service.session import open_session
from tui.service.triage import Triage

DATA = Path(__file__).parent.parent / "data"
FORMULA = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
INVISIBLE = ("", " ", "\t", "\r", "\n", "\u00a0", "\u200b", "\ufeff", "\u2060", "\u200e",
             "\u3000", "\u200b\ufeff ")


def starts_formula(cell: str) -> bool:
    """What a spreadsheet does: skip what does not show, then look at the first character."""
    visible = cell.lstrip("".join(INVISIBLE))
    return visible.startswith(FORMULA)


@pytest.mark.parametrize("lead", INVISIBLE)
@pytest.mark.parametrize("prefix", FORMULA)
def test_every_formula_prefix_is_escaped_behind_any_invisible_lead(lead: str,
                                                                   prefix: str) -> None:
    cell = safe_cell(f"{lead}{prefix}HYPERLINK(\"http://x\")")
    assert cell.startswith("'")
    assert not starts_formula(cell)


@pytest.mark.parametrize("value", ["Name;=1+1", "Acme;+1 555 0100", "a; @SUM(A1)",
                                   "x;\u200b=1", "x;\uff1d1;y;-2", "tab\t=1+1"])
def test_no_semicolon_or_tab_separated_part_starts_a_formula(value: str) -> None:
    cell = safe_cell(value)
    for part in cell.replace("\t", ";").split(";"):
        assert not starts_formula(part), (value, cell)
    # A comma reader sees the one cell, which shows the same text as before.
    assert cell.replace("'", "").replace("\u200b", "") == value.replace("\u200b", "")


@pytest.mark.parametrize("value", ["Jane Doe", "O'Brien; Co", "Smith, John", "", "3 Lake Dr",
                                   "a-b", "x=y"])
def test_plain_text_is_untouched(value: str) -> None:
    assert safe_cell(value) == value


@pytest.mark.parametrize(("raw", "written"), [
    ("+1 555 010 2222", "(555) 010-2222"),
    ("+1 (555) 010-2222", "(555) 010-2222"),
    ("1-555-010-2222", "(555) 010-2222"),
    ("555.010.2222", "(555) 010-2222"),
    ("(555) 010-2222 ext. 45", "(555) 010-2222 x45"),
    ("+44 20 7946 0958", "44 20 7946 0958"),
    ("01 23 45 67 89", "01 23 45 67 89"),  # French: no NANP area code starts with 0
    ("\u200b+33 1 23 45 67 89", "33 1 23 45 67 89"),
    ("", ""),
    (None, ""),
])
def test_phones_need_no_escape(raw: str | None, written: str) -> None:
    phone = qbo_import_phone(raw)
    assert phone == written
    assert safe_cell(phone) == phone  # nothing for QBO's importer to keep as text
    assert len(phone) <= 21  # the import's limit (reference: QBO customer CSV import)


def test_the_import_file_from_the_cli(tmp_path: Path) -> None:
    canopy = tmp_path / "clients.csv"
    text = (DATA / "labelled_canopy.csv").read_text(encoding="utf-8")
    canopy.write_text(text.replace("Mary Jones,Mary", "\u200b=1+1;Mary Jones,Mary").replace(
        "555-201-0105", "+1 555 201 0105"), encoding="utf-8")
    qbo = DATA / "labelled_qbo.csv"
    session = open_session(SessionInputs.of(canopy, qbo), Config())
    triage = Triage(session.report, session.journal)
    triage.decide("record:canopy:C5", "create", record="canopy:C5")
    session.close()
    out = tmp_path / "exports"
    done = subprocess.run([sys.executable, "-m", "tui.cli", "export", "--canopy", str(canopy),
                           "--qbo", str(qbo), "--out", str(out)], capture_output=True,
                          text=True, timeout=120, env=dict(os.environ))
    assert done.returncode == 0, done.stderr
    with open(out / "qbo-customer-import.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == QBO_IMPORT_HEADERS
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Name"] == "'=1+1;Mary Jones"
    assert row["Phone"] == "(555) 201-0105"
