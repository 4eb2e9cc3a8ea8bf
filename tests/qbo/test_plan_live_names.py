"""With QBO live, the plan refuses a create or rename onto a vendor's or employee's name before
anything is sent: QBO names are unique across Customer, Vendor and Employee, inactive records
included (shared/reference/qbo-and-canopy.md; fault 6240)."""

from __future__ import annotations

from test_apply import open_live, seeded

from tui.sandbox.server import SandboxServer
from tui.service import apply
from tui.service.plan import build_plan
from tui.service.qbo.client import QboClient


def test_vendor_and_employee_names_are_refused_in_the_plan(server: SandboxServer,
                                                           client: QboClient) -> None:
    seeded(server)
    server.store.create({"DisplayName": "Mary Jones"}, "Vendor")
    employee = server.store.create({"DisplayName": "Walter White", "GivenName": "Walter"},
                                   "Employee")
    session, triage = open_live(client)
    triage.decide("record:canopy:C5", "create", record="canopy:C5")  # Mary Jones
    triage.decide("record:qbo:5", "edit", record="qbo:5", fields={"display_name": "Walter White"})
    triage.decide("record:canopy:C11", "create", record="canopy:C11")  # Mike Gray: free
    plan = build_plan(triage)
    refused = {c.key: c.message for c in plan.contradictions}
    assert "Vendor" in refused["canopy:C5"] and "6240" in refused["canopy:C5"]
    assert f"Employee {employee['Id']}" in refused["qbo:5"]
    assert [op.key for op in plan.operations] == ["canopy:C11"]
    # What the plan shows is what apply does: nothing it sends fails.
    result = apply.run(session.journal, client, apply.start_apply(session.journal, plan))
    assert (result.done, result.failed, result.conflicts) == (1, [], [])
