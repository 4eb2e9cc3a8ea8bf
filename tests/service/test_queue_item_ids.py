"""Queue items as users' sessions know them: item ids are written to the journal with every
decision, so they must never change for the same inputs; and the item table (scores, flags,
patterns per item) must say the same thing however it is computed."""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl
import pytest

from tui.demo.generate import generate_sides, write_pair
from tui.service.config import Config
from tui.service.patterns import FIELDS, FLAGS, comparison_levels, frame_table, item_table
from tui.service.queue_items import Item, build_items, item_frame
from tui.service.report import Report, build_report
from tui.service.sources.canopy_csv import read_canopy_csv
from tui.service.sources.qbo_csv import read_qbo_csv

DATA = Path(__file__).parent.parent / "data"


@pytest.fixture(scope="module")
def labelled() -> Report:
    return build_report(read_canopy_csv(DATA / "labelled_canopy.csv"),
                        read_qbo_csv(DATA / "labelled_qbo.csv"), Config())


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Report:
    """Few names for many people: large duplicate groups (one of 60+ members), as in the
    30 × 30 names benchmark, small enough for a unit test."""
    folder = tmp_path_factory.mktemp("crowded")
    canopy, qbo, _ = write_pair(generate_sides(2000, 3, names=6), folder)
    return build_report(read_canopy_csv(canopy), read_qbo_csv(qbo), Config())


def test_item_ids_pinned(labelled: Report) -> None:
    # Computed before the item building was rewritten for speed (branch perf-report): a
    # session decided on these ids must still find its items.
    items = {item.id: (item.kind, item.members, item.complete) for item in build_items(labelled)}
    assert items["group:canopy:C7:f45f03d906"] == (
        "competing", ["canopy:C7", "canopy:C8", "qbo:7"], True)
    assert items["group:canopy:C10:2388552901"] == ("canopy", ["canopy:C10", "canopy:C9"], True)
    assert items["group:qbo:8:87dad7db40"] == ("qbo", ["qbo:8", "qbo:9"], True)
    assert items["pair:canopy:C3:d7be8dd6b9"] == ("pair", ["canopy:C3", "qbo:3"], True)
    assert items["link:canopy:C6:c1f23fd040"] == ("link", ["canopy:C6", "qbo:6"], True)
    assert len(items) == 9


def _persisted_id(prefix: str, members: list[str]) -> str:
    """The id format sessions hold: prefix, first member, SHA-1 of the sorted members."""
    digest = hashlib.sha1("|".join(sorted(members)).encode()).hexdigest()[:10]
    return f"{prefix}:{members[0]}:{digest}"


def test_every_item_id_keeps_its_persisted_form(crowded: Report) -> None:
    items = build_items(crowded)
    assert max(len(item.members) for item in items) > 50
    kinds = [item.kind for item in items]
    assert kinds == sorted(kinds, key=["competing", "mixed", "canopy", "qbo", "pair",
                                       "link"].index)
    for item in items:
        prefix = "group" if item.kind not in ("pair", "link") else item.kind
        assert item.id == _persisted_id(prefix, item.members)
        sides = [key.split(":", 1)[0] for key in item.members]
        assert sides == sorted(sides, key=lambda s: s != "canopy")
    assert len({item.id for item in items}) == len(items)


def _reference_table(report: Report, items: list[Item]) -> dict[int, dict[str, object]]:
    """Per item, straight from the definition: the scored pairs with both records in it."""
    recs = report.records
    row_of = {key: n for n, key in enumerate(recs["source"] + ":" + recs["record_id"])}
    pairs = comparison_levels(report.result.pairs)
    by_pair = {(row["a"], row["b"]): row for row in pairs.iter_rows(named=True)}
    out = {}
    for pos, item in enumerate(items):
        idx = sorted(row_of[key] for key in item.members)
        inside = [by_pair[(a, b)] for n, a in enumerate(idx) for b in idx[n + 1:]
                  if (a, b) in by_pair]
        scores = [row["score"] for row in inside]
        row: dict[str, object] = {
            "score_min": min(scores, default=None), "score_max": max(scores, default=None),
            **{f"flag_{f}": any(r[f"flag_{f}"] for r in inside) for f in FLAGS}}
        two = len(item.members) == 2 and len(inside) == 1
        for name in FIELDS:
            row[f"lvl_{name}"] = inside[0][f"lvl_{name}"] if two else None
        out[pos] = row
    return out


@pytest.mark.parametrize("which", ["labelled", "crowded"])
def test_item_table_agrees_with_its_definition(which: str,
                                               request: pytest.FixtureRequest) -> None:
    report = request.getfixturevalue(which)
    items = build_items(report)
    # A record in two items, as a carried "changed" item can be: each item counts its pairs.
    items.append(Item("changed:x", "changed", list(items[0].members[:2]), complete=False))
    table = item_table(report, items)
    assert table["pos"].to_list() == list(range(len(items)))
    assert table["item"].to_list() == [item.id for item in items]
    assert table["size"].to_list() == [len(item.members) for item in items]
    expected = _reference_table(report, items)
    for row in table.iter_rows(named=True):
        want = expected[row["pos"]]
        assert {k: row[k] for k in want} == want, row["item"]
    assert table.filter(pl.col("pattern").is_not_null())["size"].unique().to_list() in ([2], [])


def test_report_and_queue_read_the_same_items(crowded: Report) -> None:
    # The report's `patterns` list reads the items as a frame, the queue as `Item`s.
    frame = item_frame(crowded)
    items = build_items(crowded)
    assert frame["id"].to_list() == [item.id for item in items]
    assert frame_table(crowded, frame).equals(item_table(crowded, items))
