"""The user test: `u` on a decision an apply run had carried out, and the plan then said
`0 to create …, 26 applied already`, the undone operations gone without a word while QBO kept
them. Now each is a plan row of its own: applied in run N, no longer decided, QBO keeps it."""

from __future__ import annotations

from test_demo_reopen_after_apply import demo_session
from test_drop_applied import _active_qbo, _qbo_group

from tui.screens.plan import plan_frame
from tui.service import apply
from tui.service.plan import build_plan
from tui.service.triage import Triage


def test_an_undone_applied_decision_stays_in_the_plan_as_kept_in_qbo() -> None:
    with demo_session() as (demo, session):
        triage = Triage(session.report, session.journal)
        group = _qbo_group(triage)
        keep, retire = _active_qbo(triage, group)[:2]
        triage.decide(group.id, "primary", record=keep)
        triage.decide(group.id, "inactive", record=retire, value=True)
        assert build_plan(triage).kept == []  # nothing applied yet
        assert apply.run(session.journal, demo.client(),
                         apply.start_apply(session.journal, build_plan(triage))).complete
        assert build_plan(triage).kept == []  # applied and still decided: an applied row
        [undone] = triage.undo()
        assert undone.action == "inactive"
        plan = build_plan(triage)
        retired_id = retire.split(":", 1)[1]
        assert demo.server.store.get(retired_id)["Active"] is False  # QBO keeps it
        [kept] = plan.kept
        assert (kept.run, kept.key) == (1, retire) and "made inactive" in kept.text
        assert plan.summary()["kept"] == 1
        rows = plan_frame(plan).filter(plan_frame(plan)["Action"] == "kept in QBO")
        [why] = rows["Why"].to_list()
        assert "applied in run 1; no longer decided — QBO keeps it" in why
        # Redone, it is an applied row again, not kept.
        triage.redo()
        assert build_plan(triage).kept == []
