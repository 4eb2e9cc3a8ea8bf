"""The JSON report is a contract: its keys, its types and docs/report-schema.md agree."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from tui.service.config import Config
from tui.service.errors import UserError
from tui.service.report import SCHEMA_VERSION, Report, build_report
from tui.service.sources.canopy_csv import read_canopy_csv
from tui.service.sources.qbo_csv import read_qbo_csv

DOC = Path(__file__).parents[2] / "docs" / "report-schema.md"


@pytest.fixture(scope="module")
def report() -> Report:
    data = Path(__file__).parent.parent / "data"
    return build_report(read_canopy_csv(data / "labelled_canopy.csv"),
                        read_qbo_csv(data / "labelled_qbo.csv"), Config())


def test_top_level_shape(report: Report) -> None:
    d = report.to_dict(dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC))
    assert d["schema"] == "cqtriage-report" and d["version"] == SCHEMA_VERSION
    assert d["generated_at"] == "2026-01-02T03:04:05+00:00"
    assert list(d) == ["schema", "version", "generated_at", "inputs", "thresholds", "counts",
                       "verdicts", "pairs", "groups", "unmatched", "conflicts", "patterns"]
    assert d["inputs"]["canopy"]["records"] == 16
    assert len(d["inputs"]["qbo"]["sha256"]) == 64
    assert d["counts"]["matched"] == sum(p["category"] == "matched" for p in d["pairs"])


def test_every_pair_has_ids_scores_and_reason(report: Report) -> None:
    for p in report.to_dict()["pairs"]:
        assert set(p) == {"category", "a", "b", "canopy_rule_links", "evidence", "score",
                          "fields", "levels", "flags", "reason"}
        assert p["a"]["id"] and p["b"]["id"] and p["a"]["source"] in ("canopy", "qbo")
        assert set(p["fields"]) == {"name", "email", "phone", "address"}
        assert set(p["levels"]) == set(p["fields"])
        assert set(p["levels"].values()) <= {"exact", "similar", "different", "missing"}
        assert 0 <= p["score"] <= 100
        assert p["reason"]


def test_stable_across_runs(report: Report) -> None:
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert report.to_json(now) == report.to_json(now)


def test_write_json_refuses_to_overwrite_an_input(report: Report, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="overwrite an input"):
        report.write_json(report.canopy.path)
    out = report.write_json(tmp_path / "r.json")
    assert json.loads(out.read_text(encoding="utf-8"))["version"] == SCHEMA_VERSION


def test_docs_name_every_key(report: Report) -> None:
    doc = DOC.read_text(encoding="utf-8")
    documented = set(re.findall(r"`([a-z_0-9]+)`", doc))
    d = report.to_dict()
    keys = set(d) | set(d["counts"]) | set(d["pairs"][0]) | set(d["groups"][0])
    keys |= set(d["conflicts"][0]) | set(d["inputs"]["canopy"]) | set(d["thresholds"])
    keys |= set(d["patterns"][0]) | set(d["patterns"][0]["fields"])
    assert keys - documented == set()


def test_patterns_cover_each_two_record_item_once(report: Report) -> None:
    from tui.service.triage import build_items

    patterns = report.to_dict()["patterns"]
    pairs = {i.id for i in build_items(report) if len(i.members) == 2}
    listed = [item for p in patterns for item in p["items"]]
    assert patterns and sorted(listed) == sorted(pairs)
    for p in patterns:
        assert p["count"] == len(p["items"])
        assert set(p["fields"].values()) <= {"exact", "similar", "different", "missing"}
        assert p["score_min"] <= p["score_max"]


def test_pairs_written_in_slices_read_as_one_list(report: Report,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # The pairs are serialised a slice at a time (memory at 1M × 1M): any slice size, one of
    # them a partial last slice, gives the same bytes.
    import tui.service.report as report_module

    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    whole = report.to_json(now)
    height = report.result.pairs.height
    assert height > 3
    for size in (1, 2, height - 1, height):
        monkeypatch.setattr(report_module, "PAIR_SLICE", size)
        assert report.to_json(now) == whole


def test_pair_flags_name_the_flag_columns_raised(report: Report) -> None:
    pairs = report.to_dict()["pairs"]
    rows = {(r["record_id_a"], r["record_id_b"]): r for r in report.pairs().iter_rows(named=True)}
    raised = 0
    for p in pairs:
        row = rows[(p["a"]["id"], p["b"]["id"])]
        want = [name for column, name in
                (("given_conflict", "given_conflict"), ("generation_conflict",
                 "generation_conflict"), ("joint_mismatch", "joint_mismatch"),
                 ("kind_mismatch", "kind_mismatch"), ("nickname", "nickname"),
                 ("flag_household", "household")) if row[column]]
        assert p["flags"] == want
        raised += bool(want)
    assert raised


def test_lists_of_a_report_without_pairs(tmp_path: Path) -> None:
    canopy = tmp_path / "canopy.csv"
    qbo = tmp_path / "qbo.csv"
    canopy.write_text("Client ID,Client Type,Client Name,First Name,Last Name,Email\n"
                      'C1,Individual,"Smith, John",John,Smith,john@example.com\n',
                      encoding="utf-8")
    qbo.write_text("Id,Customer,First Name,Last Name,Email,Status\n"
                   '1,"Brown, Mary",Mary,Brown,mary@example.org,Active\n', encoding="utf-8")
    d = build_report(read_canopy_csv(canopy), read_qbo_csv(qbo), Config()).to_dict()
    assert (d["pairs"], d["groups"], d["conflicts"], d["patterns"]) == ([], [], [], [])
    assert [u["id"] for u in d["unmatched"]["canopy"]] == ["C1"]
    assert [u["id"] for u in d["unmatched"]["qbo"]] == ["1"]
    assert d["counts"]["unmatched_canopy"] == 1 and d["counts"]["conflicts"] == 0
