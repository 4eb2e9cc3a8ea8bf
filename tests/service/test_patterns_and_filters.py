"""Patterns, the queue filter and marks, numeric id sort, the edit checks and re-scoring: the
service side of reviewing a large queue."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from tui.service import queue_filter
from tui.service.config import Config
from tui.service.edit_checks import edit_warnings
from tui.service.errors import UserError
from tui.service.journal import Journal
from tui.service.patterns import comparison_levels, item_table, patterns, verdict_entry
from tui.service.report import Report, build_report
from tui.service.rescore import rescored_pair
from tui.service.sources.canopy_csv import read_canopy_csv
from tui.service.sources.qbo_csv import read_qbo_csv
from tui.service.triage import Triage
from tui.service.views import sort_rows


@pytest.fixture(scope="module")
def report() -> Report:
    data = Path(__file__).parent.parent / "data"
    return build_report(read_canopy_csv(data / "labelled_canopy.csv"),
                        read_qbo_csv(data / "labelled_qbo.csv"), Config())


@pytest.fixture
def triage(report: Report, tmp_path: Path) -> Triage:
    return Triage(report, Journal(tmp_path / "journal.sqlite"))


def test_levels_from_scores_until_matching_gives_them() -> None:
    pairs = pl.DataFrame({"name": [100.0, 85.0, 40.0, None], "email": [100.0, 0.0, None, 100.0],
                          "phone": [None] * 4, "address": [79.9, 80.0, 100.0, None],
                          "given_conflict": [True, False, False, None]},
                         schema_overrides={"phone": pl.Float64})
    out = comparison_levels(pairs)
    assert out["lvl_name"].to_list() == ["exact", "similar", "different", "missing"]
    assert out["lvl_email"].to_list() == ["exact", "different", "missing", "exact"]
    assert out["lvl_phone"].to_list() == ["missing"] * 4
    assert out["lvl_address"].to_list() == ["different", "similar", "exact", "missing"]
    assert out["flag_given_conflict"].to_list() == [True, False, False, False]
    assert out["flag_household"].to_list() == [False] * 4  # absent: False
    given = pairs.with_columns(pl.lit("similar").alias("lvl_name"),
                               pl.lit(True).alias("flag_household"))
    out = comparison_levels(given)  # matching v2's own columns win
    assert out["lvl_name"].to_list() == ["similar"] * 4
    assert out["flag_household"].to_list() == [True] * 4


def test_every_two_record_item_has_one_pattern(report: Report, triage: Triage) -> None:
    table = item_table(report, triage.items)
    assert table["pos"].to_list() == list(range(len(triage.items)))
    two = table.filter(pl.col("size") == 2)
    assert two["pattern"].null_count() == 0
    assert table.filter(pl.col("size") > 2)["pattern"].null_count() == (
        table.filter(pl.col("size") > 2).height)
    found = patterns(table)
    assert sum(p.count for p in found) == two.height
    assert [p.count for p in found] == sorted((p.count for p in found), reverse=True)
    for p in found:
        assert all(table["pattern"][pos] == p.key for pos in p.positions)


def test_verdicts_link_or_reject_two_record_items(triage: Triage) -> None:
    pair = next(i for i in triage.items if i.kind == "pair")
    assert verdict_entry(triage, pair.id, "accept") == (
        pair.id, "link", {"canopy": pair.members[0], "qbo": pair.members[1]})
    assert verdict_entry(triage, pair.id, "reject") == (
        pair.id, "distinct", {"record": pair.members[1]})
    same_side = next((i for i in triage.items if len(i.members) == 2
                      and len({k.split(":")[0] for k in i.members}) == 1), None)
    if same_side is not None:
        assert verdict_entry(triage, same_side.id, "accept") is None
    triage.decide(pair.id, "skip")
    assert verdict_entry(triage, pair.id, "accept") is not None  # a skip decides nothing
    triage.decide(pair.id, "create", record=pair.members[0])
    assert verdict_entry(triage, pair.id, "accept") is None      # decided already


def test_filter_words() -> None:
    wanted = queue_filter.parse("kind:probable kind:wrong score:60-80 flag:given-conflict")
    assert wanted.kinds == {"pair", "link"} and wanted.score == (60.0, 80.0)
    assert wanted.flags == {"given_conflict"}
    assert queue_filter.parse("score:90").score == (90.0, 100.0)
    assert queue_filter.parse("score:-50").score == (0.0, 50.0)
    assert queue_filter.parse("").empty
    with pytest.raises(UserError, match="'kind:nonsense'"):
        queue_filter.parse("kind:nonsense")


def test_filter_positions(report: Report, triage: Triage) -> None:
    table = item_table(report, triage.items)
    everything = queue_filter.positions(table, queue_filter.parse(""), set())
    assert everything == list(range(len(triage.items)))
    shown = queue_filter.positions(table, queue_filter.parse("score:95-100"), set())
    assert shown and all(table["score_max"][p] >= 95 for p in shown)
    first = triage.items[shown[0]].id
    undecided = queue_filter.positions(table, queue_filter.parse("score:95-100 undecided"),
                                       {first})
    assert undecided == shown[1:]
    decided = queue_filter.positions(table, queue_filter.parse("decided"), {first})
    assert decided == [shown[0]]
    stale_words = queue_filter.parse("stale")
    assert stale_words.stale and not stale_words.empty
    assert queue_filter.positions(table, stale_words, set(), set()) == []
    assert queue_filter.positions(table, stale_words, {first}, {first}) == [shown[0]]


def test_view_steps_among_shown_and_marks_ranges() -> None:
    view = queue_filter.QueueView(10)
    view.visible = [2, 4, 7, 9]
    assert view.step(4, 1) == 7 and view.step(4, -1) == 2 and view.step(9, 1) == 9
    assert view.step(5, 1) == 7 and view.step(5, -1) == 4  # from a hidden position
    assert view.rank(7) == 2 and view.count() == 4
    view.toggle(2)
    assert view.mark_range(7) == 3 and view.marks == {2, 4, 7}
    view.toggle(4)
    assert view.marks == {2, 7}
    assert view.mark_all() == 4
    view.clear_marks()
    assert view.marks == set()


def test_ids_sort_as_numbers() -> None:
    frame = pl.DataFrame({"Id": ["10001", "10009", "1001", None, "99"],
                          "Canopy id": ["C10", "C9", "C100", "C1", "C2"]})
    assert sort_rows(frame, "Id", False)["Id"].to_list() == ["99", "1001", "10001", "10009",
                                                             None]
    assert sort_rows(frame, "Canopy id", True)["Canopy id"].to_list() == [
        "C100", "C10", "C9", "C2", "C1"]
    names = pl.DataFrame({"Name": ["b 10", "a", "b 9"]})
    assert sort_rows(names, "Name", False)["Name"].to_list() == ["a", "b 10", "b 9"]


def test_name_in_use_warns(report: Report, triage: Triage) -> None:
    canopy = [k for k in triage._row_of if k.startswith("canopy:")]
    key, other = canopy[0], canopy[1]
    name = triage.record(other)["display_name"]
    original = triage.shown(key)
    warned = edit_warnings(report, key, {**original, "display_name": f"  {name.upper()} "},
                           original)
    assert other.split(":")[1] in warned["display_name"]
    assert edit_warnings(report, key, original, original) == {}


def test_rescore_after_an_edit(report: Report, triage: Triage) -> None:
    pair = next(i for i in triage.items if i.kind == "pair"
                and triage.pair_evidence(*i.members)["email"] == 100)
    a, b = pair.members
    rows = [triage.record(a), triage.record(b)]
    same = rescored_pair(report, rows, [{}, {}])
    assert same["score"] == triage.pair_evidence(a, b)["score"]
    changed = rescored_pair(report, rows, [{}, {"email": "someone.else@example.org"}])
    assert changed["email"] == 0 and changed["score"] < same["score"]
    assert "different email" in changed["reason"]
