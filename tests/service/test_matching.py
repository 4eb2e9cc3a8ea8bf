"""Matching on a small hand-labelled pair of lists in which every category appears."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from tui.service.config import Config, MatchConfig
from tui.service.match.groups import components
from tui.service.report import Report, build_report
from tui.service.sources.canopy_csv import read_canopy_csv
from tui.service.sources.qbo_csv import read_qbo_csv


@pytest.fixture(scope="module")
def report() -> Report:
    data = Path(__file__).parent.parent / "data"
    return build_report(read_canopy_csv(data / "labelled_canopy.csv"),
                        read_qbo_csv(data / "labelled_qbo.csv"), Config())


def pair(report: Report, a: str, b: str) -> dict:
    pairs = report.pairs()
    found = pairs.filter((pl.col("record_id_a") == a) & (pl.col("record_id_b") == b))
    assert found.height == 1, f"no pair {a}–{b}"
    return found.row(0, named=True)


def verdict(report: Report, source: str, record_id: str) -> str:
    recs = report.records
    return recs.filter((pl.col("source") == source) & (pl.col("record_id") == record_id))[
        "verdict"].item()


def group_of(report: Report, *ids: str) -> dict:
    for group in report.to_dict()["groups"]:
        if sorted(m["id"] for m in group["members"]) == sorted(ids):
            return group
    raise AssertionError(f"no group {ids}")


def test_exact_name_is_canopys_match(report: Report) -> None:
    p = pair(report, "C1", "1")
    assert (p["category"], p["exact"], p["evidence"]) == ("matched", True, "agrees")
    assert verdict(report, "canopy", "C1") == verdict(report, "qbo", "1") == "Matches"


@pytest.mark.parametrize(("a", "b", "why"), [
    ("C2", "2", "same email"),              # "Jane Doe" vs "Doe, Jane"
    ("C3", "3", "same phone"),              # "Acme LLC" vs "ACME, L.L.C."
    ("C4", "4", "nickname robert = bob"),   # "Robert Brown" vs "Bob Brown"
])
def test_probable_matches_the_name_rule_misses(report: Report, a: str, b: str, why: str) -> None:
    p = pair(report, a, b)
    assert p["category"] == "probable"
    assert p["exact"] is False
    assert p["score"] >= report.config.match.accept
    assert why in p["reason"]
    assert verdict(report, "canopy", a) == "Unmatched"
    assert verdict(report, "qbo", b) == "New"
    twins = report.to_dict()["unmatched"]["canopy"]
    assert next(t for t in twins if t["id"] == a)["twin"]["id"] == b


def test_unmatched_both_sides(report: Report) -> None:
    unmatched = report.to_dict()["unmatched"]
    mary = next(t for t in unmatched["canopy"] if t["id"] == "C5")
    zed = next(t for t in unmatched["qbo"] if t["id"] == "5")
    assert mary["twin"] is None and zed["twin"] is None


def test_namesakes_are_linked_by_canopy_but_flagged(report: Report) -> None:
    p = pair(report, "C6", "6")  # Pat Lee of Boston and Pat Lee of Denver
    assert (p["category"], p["exact"], p["evidence"]) == ("matched", True, "disagrees")
    assert "different place" in p["reason"]
    assert report.counts()["matched_likely_wrong"] == 1
    conflicts = report.conflicts().filter(pl.col("canopy_id") == "C6")
    assert sorted(conflicts["field"].to_list()) == ["address", "email", "phone"]


def test_two_canopy_clients_compete_for_one_qbo_customer(report: Report) -> None:
    group = group_of(report, "C7", "C8", "7")  # "Tom Green" twice in Canopy
    assert (group["kind"], group["complete"]) == ("competing", True)


def test_exact_namesakes_compete_and_the_group_says_they_disagree(report: Report) -> None:
    group = group_of(report, "C13", "C14", "10")  # two Dave Kents, one QBO Dave Kent
    assert (group["kind"], group["complete"]) == ("competing", False)
    assert verdict(report, "canopy", "C13") == verdict(report, "canopy", "C14") == "Duplicates"
    assert pair(report, "C14", "10")["evidence"] == "disagrees"


def test_duplicates_inside_each_side(report: Report) -> None:
    assert group_of(report, "C9", "C10")["kind"] == "canopy"     # Ann / Anne White
    qbo = group_of(report, "8", "9")                              # Sam Black + its inactive twin
    assert qbo["kind"] == "qbo"
    assert [m["active"] for m in qbo["members"]] == [True, False]


def test_household_members_are_never_linked(report: Report) -> None:
    pairs = report.pairs()
    assert pairs.filter(pl.col("record_id_a").is_in(["C11", "C12"])
                        & pl.col("record_id_b").is_in(["C11", "C12"])).height == 0


def test_joint_client_goes_to_review_with_its_reason(report: Report) -> None:
    p = pair(report, "C15", "11")  # "John & Sue Park" vs "John Park"
    assert p["category"] == "probable"
    assert p["joint_mismatch"] is True
    assert "joint client" in p["reason"]


def test_field_conflict_on_a_matched_pair(report: Report) -> None:
    conflicts = report.conflicts().filter(pl.col("canopy_id") == "C16")
    assert conflicts.to_dicts() == [{
        "canopy_id": "C16", "qbo_id": "12", "field": "email",
        "canopy_value": "nina@a.example.com", "qbo_value": "nina@b.example.com"}]


def test_sub_customers_are_apart(report: Report) -> None:
    assert verdict(report, "qbo", "13") == "Sub-customer"
    assert report.counts()["qbo_sub_customers"] == 1


def test_every_category_is_counted(report: Report) -> None:
    counts = report.counts()
    for key in ("matched", "probable", "unmatched_canopy", "unmatched_qbo",
                "duplicate_groups_canopy", "duplicate_groups_qbo", "duplicate_groups_competing",
                "conflicts"):
        assert counts[key] > 0, key


def test_thresholds_move_pairs_between_categories() -> None:
    data = Path(__file__).parent.parent / "data"
    canopy, qbo = read_canopy_csv(data / "labelled_canopy.csv"), read_qbo_csv(
        data / "labelled_qbo.csv")
    strict = build_report(canopy, qbo, Config(match=MatchConfig(review=99.9, accept=99.9)))
    assert strict.counts()["probable"] < build_report(canopy, qbo, Config()).counts()["probable"]


def test_components_follow_chains() -> None:
    edges = pl.DataFrame({"a": [0, 1, 5], "b": [1, 2, 6]})
    labels = dict(components(edges).iter_rows())
    assert labels == {0: 0, 1: 0, 2: 0, 5: 5, 6: 5}
