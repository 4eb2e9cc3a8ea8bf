"""A pair re-scored after an edit is scored as the run scored it: the run's learned weights,
its name frequencies and the cap at the session's thresholds (user test: editing a joint
client's QBO twin turned 79.9 "uncertain" into 88.1 "agrees")."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.cli import demo_paths
from tui.service.config import Config
from tui.service.journal import Journal
from tui.service.report import Report, build_report
from tui.service.rescore import rescored_pair
from tui.service.sources.canopy_csv import read_canopy_csv
from tui.service.sources.qbo_csv import read_qbo_csv
from tui.service.triage import Triage


@pytest.fixture(scope="module")
def report() -> Report:
    canopy, qbo = demo_paths()
    return build_report(read_canopy_csv(canopy), read_qbo_csv(qbo), Config())


def _keys(report: Report) -> list[str]:
    records = report.records
    return [f"{s}:{r}" for s, r in zip(records["source"], records["record_id"], strict=True)]


def test_every_pair_rescored_unedited_is_the_pair_the_report_shows(report: Report,
                                                                     tmp_path: Path) -> None:
    triage = Triage(report, Journal(tmp_path / "journal.sqlite"))
    keys = _keys(report)
    pairs = report.result.pairs
    assert pairs.height > 100 and report.result.name_u < 0.01  # many names, none common
    for row in pairs.iter_rows(named=True):
        a, b = keys[row["a"]], keys[row["b"]]
        again = rescored_pair(report, [triage.record(a), triage.record(b)], [{}, {}])
        assert (again["score"], again["evidence"], again["reason"]) == (
            row["score"], row["evidence"], row["reason"]), (a, b)


def test_an_edit_elsewhere_keeps_a_joint_clients_pair_under_its_cap(report: Report,
                                                                   tmp_path: Path) -> None:
    triage = Triage(report, Journal(tmp_path / "journal.sqlite"))
    a, b = "canopy:C000031", "qbo:144"
    assert triage.record(a)["display_name"] == "Kingsley & Thad Caldwell"
    before = triage.pair_evidence(a, b)
    assert before is not None and before["cap"] == "review"
    assert (before["score"], before["evidence"]) == (79.9, "uncertain")
    after = rescored_pair(report, [triage.record(a), triage.record(b)],
                          [{}, {"email": "kcaldwell@aol.com"}])
    assert after["email"] == 0 and "different email" in after["reason"]
    assert after["score"] <= before["score"] and after["evidence"] == "uncertain"
    assert "joint client vs one person: review" in after["reason"]
