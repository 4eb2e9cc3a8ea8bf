# ruff: noqa: E501 -- the CSV fixtures read best one record a line
"""The plan is a contract: what it shows applies, what cannot apply is listed before anything is
sent with the rule it breaks, and no decision is "decided" without an effect (issue 9)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.service.config import Config
from tui.service.inputs import SessionInputs
from tui.service.plan import Plan, build_plan
from tui.service.session import open_session
from tui.service.triage import Item, Triage

CANOPY = """\
Client ID,Client Type,Client Name,First Name,Last Name,Company,Email,Phone,Street Address,City,State,Zip Code
K1,Individual,Sam Black,Sam,Black,,sam.black@example.com,555-201-0208,5 Oak St,Tulsa,OK,74103
K2,Individual,Mac Nelson,Mac,Nelson,,mac@example.com,555-201-0301,1 First St,Reno,NV,89501
K3,Individual,Mac Nelson,Mac,Nelson,,mac.nelson@example.org,555-201-0399,77 Far Rd,Ely,NV,89301
K4,Individual,Kasey Silva,Kasey,Silva,,kasey@example.com,555-201-0401,3 Third St,Waco,TX,76701
K5,Individual,Nora Quint,Nora,Quint,,nora@example.com,555-201-0501,9 Ninth St,Provo,UT,84601
K6,Individual,Zed Alder,Zed,Alder,,zed@example.com,555-201-0601,6 Sixth St,Ames,IA,50010
"""
QBO = """\
Id,Customer,Company,First Name,Last Name,Email,Phone,Street,City,State,ZIP,Country,Status,SyncToken
21,Sam Black (deleted),,Sam,Black,sam.black@example.com,555-201-0208,5 Oak St,Tulsa,OK,74103,USA,Inactive,0
22,Samuel Black,,Samuel,Black,sam.black@example.com,555-201-0208,5 Oak St,Tulsa,OK,74103,USA,Active,0
31,K. Silva,,Kasey,Silva,kasey@example.com,555-201-0401,3 Third St,Waco,TX,76701,USA,Active,0
32,Silva Kasey,,Kasey,Silva,kasey@example.com,555-201-0401,3 Third St,Waco,TX,76701,USA,Active,0
41,Old Timer,,Old,Timer,old@example.com,555-201-0701,1 Old Rd,Mesa,AZ,85201,USA,Inactive,3
"""


@pytest.fixture
def triage(tmp_path: Path) -> Triage:
    canopy, qbo = tmp_path / "canopy.csv", tmp_path / "qbo.csv"
    canopy.write_text(CANOPY, encoding="utf-8")
    qbo.write_text(QBO, encoding="utf-8")
    session = open_session(SessionInputs.of(canopy, qbo), Config())
    return Triage(session.report, session.journal)


def item_with(triage: Triage, *keys: str) -> Item:
    found = [item for item in triage.items if set(keys) <= set(item.members)]
    assert found, f"no queue item holds {keys}: {[i.members for i in triage.items]}"
    return found[0]


def refused(plan: Plan) -> dict[str, str]:
    return {c.key: c.message for c in plan.contradictions}


def test_two_creates_with_one_name_are_refused_before_apply(triage: Triage) -> None:
    for key in ("canopy:K2", "canopy:K3"):
        triage.decide(f"record:{key}", "create", record=key)
    plan = build_plan(triage)
    assert [op for op in plan.operations if op.kind == "create"] == []
    assert set(refused(plan)) == {"canopy:K2", "canopy:K3"}
    assert "'Mac Nelson'" in refused(plan)["canopy:K2"] and "6240" in refused(plan)["canopy:K2"]


def test_two_renames_to_one_name_are_refused(triage: Triage) -> None:
    for key in ("qbo:31", "qbo:32"):
        triage.decide(f"record:{key}", "edit", record=key, fields={"display_name": "Kasey Silva"})
    plan = build_plan(triage)
    assert plan.operations == []
    assert set(refused(plan)) == {"qbo:31", "qbo:32"}


def test_a_rename_onto_an_inactive_customers_name_is_refused(triage: Triage) -> None:
    # An inactive customer still holds its name in QBO.
    triage.decide("record:qbo:31", "edit", record="qbo:31", fields={"display_name": "Old Timer"})
    plan = build_plan(triage)
    assert plan.operations == [] and "QBO customer 41" in refused(plan)["qbo:31"]


def test_vendor_and_employee_names_clash_when_known(triage: Triage) -> None:
    triage.decide("record:canopy:K5", "create", record="canopy:K5")
    assert [op.key for op in build_plan(triage).operations] == ["canopy:K5"]
    plan = build_plan(triage, other_names={"Nora  Quint": "Vendor 7"})
    assert plan.operations == [] and "Vendor 7" in refused(plan)["canopy:K5"]


@pytest.mark.parametrize(("field", "value", "rule"), [
    ("display_name", "N" * 640, "DisplayName at most 500 characters (now 640)"),
    ("display_name", "Smith: John", "DisplayName: no colon, tab or line break"),
    ("display_name", "Smith\tJohn", "DisplayName: no colon, tab or line break"),
    ("company_name", "C" * 107, "CompanyName at most 100 characters (now 107)"),
    ("phone", "5" * 32, "PrimaryPhone at most 30 characters (now 32)"),
])
def test_what_qbo_refuses_is_refused_in_the_plan(triage: Triage, field: str, value: str,
                                                 rule: str) -> None:
    triage.decide("record:qbo:31", "edit", record="qbo:31", fields={field: value})
    triage.decide("record:canopy:K6", "edit", record="canopy:K6", fields={field: value})
    triage.decide("record:canopy:K6", "create", record="canopy:K6")
    plan = build_plan(triage)
    assert plan.operations == []
    assert rule in refused(plan)["qbo:31"] and rule in refused(plan)["canopy:K6"]


def test_linking_to_an_inactive_customer_reactivates_it(triage: Triage) -> None:
    item = item_with(triage, "canopy:K1", "qbo:21", "qbo:22")
    triage.decide(item.id, "inactive", record="qbo:22", value=True)
    triage.decide(item.id, "link", canopy="canopy:K1", qbo="qbo:21")
    plan = build_plan(triage)
    assert plan.contradictions == []
    ops = {op.key: op for op in plan.operations}
    assert ops["qbo:22"].fields == {"Active": False}
    assert ops["qbo:21"].fields == {"Active": True}  # same name once " (deleted)" is read off
    assert ops["qbo:21"].before == {"Active": False}


def test_link_alone_to_an_inactive_customer_is_not_an_empty_plan(triage: Triage) -> None:
    item = item_with(triage, "canopy:K1", "qbo:21")
    triage.decide(item.id, "link", canopy="canopy:K1", qbo="qbo:21")
    assert [(op.key, op.fields) for op in build_plan(triage).operations] == [
        ("qbo:21", {"Active": True})]


def test_retiring_the_last_active_customer_of_a_group_is_a_contradiction(triage: Triage) -> None:
    item = item_with(triage, "canopy:K4", "qbo:31", "qbo:32")
    triage.decide(item.id, "inactive", record="qbo:31", value=True)
    triage.decide(item.id, "inactive", record="qbo:32", value=True)
    plan = build_plan(triage)
    assert plan.operations == []
    assert "last active QBO customer" in refused(plan)["qbo:31"]
    # Keeping one is fine.
    triage.undo()
    plan = build_plan(triage)
    assert [(op.key, op.fields) for op in plan.operations] == [("qbo:31", {"Active": False})]
    assert plan.contradictions == []


def test_making_an_inactive_customer_inactive_sends_nothing(triage: Triage) -> None:
    triage.decide("record:qbo:41", "inactive", record="qbo:41", value=True)
    assert build_plan(triage).operations == []


def test_a_primary_or_an_edit_alone_does_not_decide_an_item(triage: Triage) -> None:
    item = item_with(triage, "canopy:K4", "qbo:31", "qbo:32")
    triage.decide(item.id, "primary", record="qbo:31")
    triage.decide(item.id, "edit", record="qbo:32", fields={"email": "k@example.com"})
    assert not triage.is_decided(item.id) and triage.progress()[0] == 0
    triage.decide(item.id, "keep")  # "keep as is" is an explicit answer
    assert triage.is_decided(item.id) and triage.progress()[0] == 1


def test_not_a_duplicate_with_the_same_name_asks_for_a_distinguishing_name(
        tmp_path: Path) -> None:
    """Two Canopy clients and a QBO customer all named Mabel Fernandez: saying one client is
    not a duplicate changes nothing for Canopy's name rule unless one gets another name."""
    canopy, qbo = tmp_path / "canopy.csv", tmp_path / "qbo.csv"
    canopy.write_text(
        "Client ID,Client Name,Email,Phone\n"
        "C4,Mabel Fernandez,mabel@example.com,555-201-0001\n"
        "C12,Mabel Fernandez,mabel@example.com,555-201-0001\n", encoding="utf-8")
    qbo.write_text("Id,Customer,Email,Phone,SyncToken\n"
                   "74,Mabel Fernandez,mabel@example.com,555-201-0001,0\n", encoding="utf-8")
    session = open_session(SessionInputs.of(canopy, qbo), Config())
    triage = Triage(session.report, session.journal)
    item = item_with(triage, "canopy:C4", "canopy:C12", "qbo:74")
    triage.decide(item.id, "distinct", record="canopy:C12")
    plan = build_plan(triage)
    [work] = plan.worklist
    assert (work.canopy_id, work.action) == ("C12", "rename")
    assert "Canopy C4, QBO 74" in work.why and "distinguishing name" in work.why
    assert (work.field, work.before, work.after) == (
        "Client Name", "Mabel Fernandez", "(a name that tells them apart)")  # never "→ ''"


def test_retiring_the_customer_the_sync_links_by_name_is_a_contradiction(tmp_path: Path) -> None:
    """User test: Canopy's "Ruiz, David" matches QBO 197 "Ruiz, David" by name; keeping QBO 196
    "David Ruiz" and retiring 197 left the client unlinked, silently. It is a contradiction
    until the client is linked to the customer kept (which renames it to match)."""
    canopy, qbo = tmp_path / "canopy.csv", tmp_path / "qbo.csv"
    canopy.write_text(
        "Client ID,Client Type,Client Name,First Name,Last Name,Email,Phone,Street Address,City,State,Zip Code\n"
        "C59,Individual,\"Ruiz, David\",David,Ruiz,david.ruiz@example.com,555-201-0901,4 Elm St,Salem,OR,97301\n",
        encoding="utf-8")
    qbo.write_text(
        "Id,Customer,Company,First Name,Last Name,Email,Phone,Street,City,State,ZIP,Country,Status,SyncToken\n"
        "196,David Ruiz,,David,Ruiz,david.ruiz@example.com,555-201-0901,4 Elm St,Salem,OR,97301,USA,Active,0\n"
        "197,\"Ruiz, David\",,David,Ruiz,david.ruiz@example.com,555-201-0901,4 Elm St,Salem,OR,97301,USA,Active,0\n",
        encoding="utf-8")
    session = open_session(SessionInputs.of(canopy, qbo), Config())
    triage = Triage(session.report, session.journal)
    assert triage.record("canopy:C59")["verdict"] == "Matches"
    item = item_with(triage, "canopy:C59", "qbo:196", "qbo:197")
    triage.decide(item.id, "primary", record="qbo:196")
    triage.decide(item.id, "inactive", record="qbo:197", value=True)
    plan = build_plan(triage)
    assert plan.operations == []
    assert "links client C59 to by its name" in refused(plan)["qbo:197"]
    triage.decide(item.id, "link", canopy="canopy:C59", qbo="qbo:196")
    plan = build_plan(triage)
    assert plan.contradictions == []
    assert ("qbo:197", {"Active": False}) in [(op.key, op.fields) for op in plan.operations]
    session.close()
