"""QBO's Customer Contact List (one-cell address, no name columns) matched as well as the
customer import template: the address is split, joint names are read from the name."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from tui.service.config import Config
from tui.service.report import Report, build_report
from tui.service.sources.canopy_csv import read_canopy_csv
from tui.service.sources.one_cell_address import tag_address
from tui.service.sources.qbo_csv import read_qbo_csv

DATA = Path(__file__).parent.parent / "data" / "traps"


@pytest.fixture(scope="module")
def contact_list() -> pl.DataFrame:
    return read_qbo_csv(DATA / "qbo_contact_list.csv").frame


def test_one_cell_addresses_are_split(contact_list: pl.DataFrame) -> None:
    rows = {r["display_name"]: r for r in contact_list.to_dicts()}
    # No comma between street and town: the strict pattern fails, usaddress reads it.
    fuentes = rows["Fuentes, Paul and Hannah"]
    assert (fuentes["street"], fuentes["city"], fuentes["region"], fuentes["postal_code"]) == (
        "77 Vine St", "Yuma", "AZ", "85364")
    grace = rows["Grace, Wilson"]
    assert (grace["city"], grace["region"], grace["postal_code"]) == ("Barre", "VT", "05641")
    chen = rows["Robert & Linda Chen"]
    assert (chen["street"], chen["postal_code"], chen["country"]) == (
        "6 Rose Ave", "58102", "USA")


def test_joint_and_last_first_full_names_are_not_cut_by_position(
        contact_list: pl.DataFrame) -> None:
    rows = {r["display_name"]: r for r in contact_list.to_dicts()}
    # Before: given "Fuentes," and family "Hannah" from the Full Name's first and last words.
    assert rows["Fuentes, Paul and Hannah"]["given_name"] is None
    assert rows["Grace, Wilson"]["given_name"] is None
    assert (rows["Tom Hale"]["given_name"], rows["Tom Hale"]["family_name"]) == ("Tom", "Hale")


def test_tagging_gives_up_without_a_town_or_zip() -> None:
    assert tag_address("somewhere over the rainbow") is None
    assert tag_address(None) is None


@pytest.fixture(scope="module")
def report() -> Report:
    return build_report(read_canopy_csv(DATA / "canopy.csv"),
                        read_qbo_csv(DATA / "qbo_contact_list.csv"), Config())


@pytest.mark.parametrize(("canopy_id", "qbo_name", "category", "evidence"), [
    ("C9", "Fuentes, Paul and Hannah", "matched", "agrees"),    # the same joint client
    ("C11", "Robert & Linda Chen", "matched", "agrees"),
    ("C12", "Grace, Wilson", "probable", "agrees"),             # swapped, name + address only
    ("C8", "Tom Hale", "matched", "agrees"),
])
def test_contact_list_pairs(report: Report, canopy_id: str, qbo_name: str, category: str,
                            evidence: str) -> None:
    pairs = report.pairs().filter(
        (pl.col("record_id_a") == canopy_id) & (pl.col("display_name_b") == qbo_name))
    assert pairs.height == 1
    pair = pairs.row(0, named=True)
    assert (pair["category"], pair["evidence"]) == (category, evidence)
    assert pair["address"] >= 90
