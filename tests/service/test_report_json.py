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
