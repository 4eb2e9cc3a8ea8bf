"""Matching traps from issue 10, each wrong answer with its right value, on the hand-written
lists in tests/data/traps/: relatives, generations, owners and their businesses, joint clients
in every shape, and twins with no contact data."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from tui.service.config import Config
from tui.service.report import Report, build_report
from tui.service.sources.canopy_csv import read_canopy_csv
from tui.service.sources.qbo_csv import read_qbo_csv

DATA = Path(__file__).parent.parent / "data" / "traps"


@pytest.fixture(scope="module")
def report() -> Report:
    return build_report(read_canopy_csv(DATA / "canopy.csv"), read_qbo_csv(DATA / "qbo.csv"),
                        Config())


def find(report: Report, a: str, b: str) -> dict | None:
    """The shown pair of records `a` and `b` ("C1" Canopy, "1" QBO), either order, or None."""
    pairs = report.pairs().filter(
        ((pl.col("record_id_a") == a) & (pl.col("record_id_b") == b))
        | ((pl.col("record_id_a") == b) & (pl.col("record_id_b") == a))
    )
    return pairs.row(0, named=True) if pairs.height else None


def scored(report: Report, a: str, b: str) -> dict:
    """The scored (uncapped, unfiltered) pair of Canopy `a` and QBO `b`."""
    keyed = report.result.keyed
    assert keyed is not None and report.result.shown is not None
    ids = keyed.select("idx", "source", "record_id")
    ia = ids.filter((pl.col("source") == "canopy") & (pl.col("record_id") == a))["idx"].item()
    ib = ids.filter((pl.col("source") == "qbo") & (pl.col("record_id") == b))["idx"].item()
    return report.result.shown.filter((pl.col("a") == ia) & (pl.col("b") == ib)).row(
        0, named=True)


@pytest.mark.parametrize(("a", "b"), [
    ("C1", "1"),  # Adrian / Adriana Novak
    ("C2", "2"),  # Eric / Erica Olsen
    ("C3", "3"),  # Paul / Paula Varga
    ("C4", "4"),  # Daniel / Danielle Moreau
    ("C5", "5"),  # Louis / Louise Petit (the nickname table calls Louise a nickname of Louis)
    ("C23", "20"),  # Kina, Gabriel / Kina Gabriela typed into the wrong columns
    ("C24", "21"),  # Adrian Ternori / Adriana, her surname missing
])
def test_relatives_with_similar_given_names_stay_below_review(report: Report, a: str,
                                                              b: str) -> None:
    # One address, one family e-mail and phone: before, 93–100 "agrees".
    assert find(report, a, b) is None
    pair = scored(report, a, b)
    assert pair["given_conflict"] is True and pair["flag_household"] is True
    assert pair["cap"] == "below_review"
    assert "likely family members" in pair["reason"]


def test_a_typo_in_a_given_name_is_not_a_relative(report: Report) -> None:
    pair = find(report, "C17", "18")  # Jonh / John Ortega, same contacts
    assert pair is not None
    assert (pair["category"], pair["evidence"], pair["given_conflict"]) == (
        "probable", "agrees", False)


def test_father_and_son_are_vetoed(report: Report) -> None:
    # Robert King Sr. / Jr. at one address: before, 97.1 "agrees" and a planned rename.
    assert find(report, "C6", "6") is None
    pair = scored(report, "C6", "6")
    assert (pair["generation_conflict"], pair["cap"], pair["flag_generation"]) == (
        True, "veto", True)


def test_owner_and_own_business_go_to_review_only(report: Report) -> None:
    # Jane Doerr / Jane Doerr LLC: before, a complete duplicate group at 99.8.
    pair = find(report, "C7", "7")
    assert pair is not None
    assert (pair["evidence"], pair["flag_business_individual"]) == ("uncertain", True)
    assert "business vs individual" in pair["reason"]
    assert report.result.groups.height == 0
    # On one side, an individual and a business are never duplicates.
    assert find(report, "C21", "C22") is None


def test_a_country_on_one_side_does_not_move_the_postcode(report: Report) -> None:
    # Tom Hale, 2000 with no country vs 2000 beside "Australia": before, address 48 and a
    # "likely wrong link".
    pair = find(report, "C8", "8")
    assert pair is not None
    assert (pair["category"], pair["evidence"], pair["address"]) == ("matched", "agrees", 100.0)
    assert report.counts()["matched_likely_wrong"] == 0


@pytest.mark.parametrize(("a", "b"), [
    ("C9", "9"),     # Fuentes, Paul and Hannah ↔ Paul Fuentes
    ("C9", "10"),    # … ↔ Hannah Fuentes
    ("C10", "11"),   # Henry Cole & Karen Holmes ↔ Karen Holmes (partner with another surname)
    ("C11", "12"),   # Robert & Linda Chen ↔ Chen Robert (family name first, no comma)
])
def test_joint_clients_pair_with_each_person_for_review(report: Report, a: str, b: str) -> None:
    pair = find(report, a, b)  # before: no pair at all
    assert pair is not None
    assert (pair["category"], pair["evidence"], pair["flag_joint"]) == (
        "probable", "uncertain", True)
    assert "joint client vs one person" in pair["reason"]


def test_the_people_of_a_joint_client_are_not_duplicates(report: Report) -> None:
    assert find(report, "9", "10") is None
    members = report.result.groups["members"].to_list()
    assert members == []


def test_household_members_on_one_side_are_not_duplicates(report: Report) -> None:
    assert find(report, "C19", "C20") is None  # Nora and Owen Blake


@pytest.mark.parametrize(("a", "b", "evidence"), [
    ("C12", "13", "agrees"),      # Wilson Grace ↔ Grace Wilson: columns swapped
    ("C13", "14", "agrees"),      # Jonh Smiht ↔ John Smith: a typo in each part
    ("C14", "15", "uncertain"),   # Marguerite ↔ Marguerite Okafor: surname missing
    ("C15", "16", "agrees"),      # Country & Western Feed LLC ↔ Country and Western Feed LLC
    ("C16", "17", "agrees"),      # A&W Roofing ↔ A & W Roofing
])
def test_twins_without_contact_data_are_found(report: Report, a: str, b: str,
                                              evidence: str) -> None:
    pair = find(report, a, b)
    assert pair is not None
    assert (pair["category"], pair["evidence"]) == ("probable", evidence)
    assert pair["address"] >= 90  # the ZIPs whose leading zero a spreadsheet ate agree too


def test_levels_and_flags_are_on_every_pair(report: Report) -> None:
    pair = find(report, "C13", "14")
    assert pair is not None
    assert (pair["lvl_name"], pair["lvl_email"], pair["lvl_phone"], pair["lvl_address"]) == (
        "similar", "missing", "missing", "exact")
    assert not any(pair[f] for f in ("flag_joint", "flag_household", "flag_given_conflict",
                                     "flag_generation", "flag_business_individual"))


def test_a_name_level_is_exact_only_when_the_sync_sees_one_name(report: Report) -> None:
    """The user test saw Patterns call `Alexandria Davis ↔ Alexander Davis` and `Danielle ↔
    Dani` "exact", then rename on "accept all": exact means the same name to the sync."""
    names = report.records["display_name"].to_list()

    def sync_key(name: str) -> str:
        return " ".join(name.removesuffix(" (deleted)").split()).casefold()

    levels = report.result.pairs.select("a", "b", "lvl_name").iter_rows()
    exact = [(names[a], names[b]) for a, b, level in levels if level == "exact"]
    assert exact and all(sync_key(a) == sync_key(b) for a, b in exact)
    similar = report.result.pairs.filter(pl.col("lvl_name") == "similar")
    assert similar.height  # the rest are similar, not gone
