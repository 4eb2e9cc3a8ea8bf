"""The report does not depend on the order of the rows in either input: every choice among
equals (a record's best pair, a group's members, the sample EM learns from, the neighbours
of a large block, the queue's order) is broken by the records' ids, never by row position.
A bookkeeper who sorts an export before handing it over must get the same answers."""

from __future__ import annotations

import csv
import random
from pathlib import Path
from typing import Any

import pytest

from tui.service.config import Config
from tui.service.report import build_report
from tui.service.sources.canopy_csv import read_canopy_csv
from tui.service.sources.qbo_csv import read_qbo_csv

ROOT = Path(__file__).parent.parent.parent
LISTS = {
    "demo": (ROOT / "tui/demo/data/canopy_clients.csv", ROOT / "tui/demo/data/qbo_customers.csv"),
    "traps": (ROOT / "tests/data/traps/canopy.csv", ROOT / "tests/data/traps/qbo.csv"),
}


def _reordered(source: Path, out: Path, seed: int | None) -> Path:
    """A copy of `source` with its data rows shuffled by `seed` (None: reversed); the header
    stays first. The original is never written."""
    with source.open(newline="", encoding="utf-8-sig") as handle:
        header, *rows = list(csv.reader(handle))
    if seed is None:
        rows.reverse()
    else:
        random.Random(seed).shuffle(rows)
    with out.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, *rows])
    return out


def _answers(canopy: Path, qbo: Path) -> dict[str, Any]:
    """The report as record ids: everything but the inputs' paths, digests and the time."""
    report = build_report(read_canopy_csv(canopy), read_qbo_csv(qbo), Config()).to_dict()
    for key in ("generated_at", "inputs"):
        report.pop(key)
    return report


@pytest.fixture(scope="module")
def originals() -> dict[str, dict[str, Any]]:
    return {name: _answers(*paths) for name, paths in LISTS.items()}


@pytest.mark.parametrize("name", list(LISTS))
@pytest.mark.parametrize("seed", [None, 1, 2, 3])
def test_report_is_the_same_whatever_the_row_order(
        name: str, seed: int | None, originals: dict[str, dict[str, Any]],
        tmp_path: Path) -> None:
    canopy, qbo = LISTS[name]
    shuffled = _answers(_reordered(canopy, tmp_path / "canopy.csv", seed),
                        _reordered(qbo, tmp_path / "qbo.csv", None if seed is None else seed + 7))
    expected = originals[name]
    for key in expected:
        assert shuffled[key] == expected[key], key


def test_demo_twin_of_qbo_66_is_found_in_either_order(tmp_path: Path) -> None:
    # The user test: with the Canopy rows reversed, QBO 66's probable twin turned from
    # C000009 into C000174 (two Canopy clients scoring alike for it).
    canopy, qbo = LISTS["demo"]
    for source in (canopy, _reordered(canopy, tmp_path / "reversed.csv", None)):
        unmatched = _answers(source, qbo)["unmatched"]["qbo"]
        twin = next(row["twin"] for row in unmatched if row["id"] == "66")
        assert twin["id"] == "C000009"
