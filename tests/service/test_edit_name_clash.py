"""A Canopy client renamed to a name another Canopy client has (Canopy's QBO sync links by name,
so the edit makes a duplicate), and the re-score after a rename, on the demo pair."""

from __future__ import annotations

import pytest

from tui.cli import demo_paths
from tui.service.config import Config
from tui.service.edit_checks import edit_warnings
from tui.service.inputs import SessionInputs
from tui.service.plan import build_plan
from tui.service.rescore import rescored_pair
from tui.service.session import open_session
from tui.service.triage import Triage


@pytest.fixture(scope="module")
def triage() -> Triage:
    canopy, qbo = demo_paths()
    session = open_session(SessionInputs.of(canopy, qbo), Config())
    return Triage(session.report, session.journal)


def test_canopy_rename_to_a_taken_name_warns(triage: Triage) -> None:
    key = "canopy:C000016"
    shown = triage.shown(key)
    warned = edit_warnings(triage.report, key, {**shown, "display_name": "Laurinda Chen"}, shown)
    assert "C000037" in warned.get("display_name", ""), warned


def test_canopy_rename_to_a_qbo_customers_name_says_the_sync_will_link_them(
        triage: Triage) -> None:
    """User test: renaming Canopy C000003 to "Clara Robinson", the name of an unrelated QBO
    customer 12, went through silently; the sync would link the client to a stranger."""
    key = "canopy:C000003"
    shown = triage.shown(key)
    assert triage.record("qbo:12")["display_name"] == "Clara Robinson"
    warned = edit_warnings(triage.report, key, {**shown, "display_name": "Clara Robinson"},
                           shown)
    assert "link this client to QBO customer 12" in warned["display_name"], warned
    assert edit_warnings(triage.report, key, shown, shown) == {}  # unchanged: nothing said


def test_rescore_uses_the_new_name(triage: Triage) -> None:
    rows = [triage.record("canopy:C000016"), triage.record("qbo:104")]
    before = rescored_pair(triage.report, rows, [{}, {}])
    after = rescored_pair(triage.report, rows, [{"display_name": "Laurinda Chen"}, {}])
    assert after["name"] < before["name"], (before["reason"], after["reason"])
    assert "kendra" not in after["reason"].lower(), after["reason"]


def test_canopy_rename_to_a_taken_name_is_left_out_of_the_plan() -> None:
    canopy, qbo = demo_paths()
    session = open_session(SessionInputs.of(canopy, qbo), Config())
    fresh = Triage(session.report, session.journal)
    key = "canopy:C000016"
    fresh.decide(f"record:{key}", "edit", record=key, fields={"display_name": "Laurinda Chen"})
    plan = build_plan(fresh, {})
    reasons = [c.message for c in plan.contradictions if c.key == key]
    assert reasons and "C000037" in reasons[0] and "Canopy's QBO sync" in reasons[0], reasons
    assert not [w for w in plan.worklist if w.canopy_id == "C000016" and w.after == "Laurinda Chen"]
    # The form warns with the same words.
    shown = fresh.shown(key)
    warned = edit_warnings(fresh.report, key, {**shown, "display_name": "Laurinda Chen"}, shown)
    assert reasons[0].endswith(warned["display_name"])
