"""After apply the plan lists every operation applied, each with its Before as it was before
our write (new user's report, item 4): on the same snapshot, and on a list read again after
the run (`open --qbo live`), which already holds every change."""

from __future__ import annotations

from pathlib import Path

from test_apply import DATA, item_with, open_live

from tui.sandbox.seed import customers_from_csv
from tui.sandbox.server import SandboxServer, seed_from_records
from tui.service import apply
from tui.service.plan import Plan, build_plan
from tui.service.qbo.client import QboClient
from tui.service.session import Session
from tui.service.triage import Triage


def _decide(triage: Triage) -> None:
    competing = item_with(triage, "canopy:C7", "canopy:C8")
    triage.decide(competing.id, "primary", record="canopy:C7")
    triage.decide(competing.id, "create", record="canopy:C8")
    rename = item_with(triage, "canopy:C2", "qbo:2")
    triage.decide(rename.id, "link", canopy="canopy:C2", qbo="qbo:2")
    # Bob Brown is inactive in QBO: linking him renames him and makes him active again.
    reactivate = item_with(triage, "canopy:C4", "qbo:4")
    triage.decide(reactivate.id, "link", canopy="canopy:C4", qbo="qbo:4")
    dupes = item_with(triage, "qbo:8", "qbo:9")
    triage.decide(dupes.id, "edit", record="qbo:8", fields={"email": "sam@black.example.com"})
    triage.decide(dupes.id, "inactive", record="qbo:8", value=True)


def _shown(plan: Plan) -> dict[str, tuple[bool, dict[str, object], dict[str, object]]]:
    return {op.key: (op.applied, op.before, op.fields) for op in plan.operations}


def test_the_plan_after_apply_lists_every_applied_operation_with_its_before(
        tmp_path: Path, server: SandboxServer, client: QboClient) -> None:
    customers = tmp_path / "qbo.csv"
    text = (DATA / "labelled_qbo.csv").read_text(encoding="utf-8").splitlines()
    text = [line.replace(",Active", ",Inactive") if line.startswith("4,") else line
            for line in text]
    customers.write_text("\n".join(text) + "\n", encoding="utf-8")
    seed_from_records(server.store, customers_from_csv(customers))
    session, triage = open_live(client)
    _decide(triage)
    before = build_plan(triage)
    planned = _shown(before)
    assert sorted(planned) == ["canopy:C8", "qbo:2", "qbo:4", "qbo:8"]
    assert planned["qbo:4"][1:] == ({"Active": False, "DisplayName": "Bob Brown"},
                                    {"Active": True, "DisplayName": "Robert Brown"})
    result = apply.run(session.journal, client, apply.start_apply(session.journal, before))
    assert result.done == result.total == 4

    def check(plan: Plan) -> None:
        assert plan.summary()["applied"] == 4
        assert (plan.summary()["creates"], plan.summary()["updates"]) == (0, 0)
        shown = _shown(plan)
        assert sorted(shown) == sorted(planned)
        for key, (applied, was, now) in shown.items():
            assert applied, key
            assert (was, now) == planned[key][1:], key  # Before as before our write

    check(build_plan(triage))  # the same snapshot
    session.close()
    again: Session
    again, triage = open_live(client)  # read again: QBO holds every change now
    assert again.changes
    again.accept_changes()
    check(build_plan(Triage(again.report, again.journal)))
    again.close()
