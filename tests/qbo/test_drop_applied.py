"""Dropping a stale decision QBO already carries out (the user test: it made QBO 174 inactive,
the drop said only "Dropped the decisions of 1 stale item(s).", QBO stayed changed and the plan
no longer mentioned it): the drop says what stays changed in QBO and how to take it back, and a
dropped decision is no longer called stale when the inputs change again."""

from __future__ import annotations

import re

from test_demo_reopen_after_apply import demo_session

from tui.service import apply
from tui.service.plan import build_plan
from tui.service.triage import Item, Triage


def _someone_else_changes_the_email(client: object, qbo_id: str, email: str) -> None:
    """A colleague edits the customer in QBO, over the API: no write of ours."""
    current = client.read(qbo_id)  # type: ignore[attr-defined]
    client.sparse_update(qbo_id, str(current["SyncToken"]),  # type: ignore[attr-defined]
                         {"PrimaryEmailAddr": {"Address": email}}, f"colleague-{email}")


def _active_qbo(triage: Triage, item: Item) -> list[str]:
    """The group's active QBO customers, the one Canopy's sync links by name first: keeping
    it and retiring another is a plan; retiring it unlinks the client (a contradiction)."""
    active = [m for m in item.members if m.startswith("qbo:") and triage.record(m)["active"]]
    return sorted(active, key=lambda m: triage.record(m)["verdict"] != "Matches")


def _qbo_group(triage: Triage) -> Item:
    """A group of QBO twins, two of them active: retiring one is a write to QBO."""
    return next(i for i in triage.items if i.kind == "qbo" and len(_active_qbo(triage, i)) >= 2)


def test_dropping_an_applied_decision_says_what_stays_in_qbo_and_is_not_stale_after() -> None:
    with demo_session() as (demo, session):
        triage = Triage(session.report, session.journal)
        group = _qbo_group(triage)
        keep, retire = _active_qbo(triage, group)[:2]
        triage.decide(group.id, "primary", record=keep)
        triage.decide(group.id, "inactive", record=retire, value=True)
        result = apply.run(session.journal, demo.client(),
                           apply.start_apply(session.journal, build_plan(triage)))
        assert result.complete
        retired_id = retire.split(":", 1)[1]
        assert demo.server.store.get(retired_id)["Active"] is False
        _someone_else_changes_the_email(demo.client(), keep.split(":", 1)[1],
                                        "first.change@example.com")

    with demo_session() as (demo, session):  # QBO re-read: the kept customer's e-mail moved
        session.accept_changes()
        triage = Triage(session.report, session.journal)
        assert triage.stale(group.id), "the colleague's edit makes the decision stale"
        name = triage.last_known(retire)["display_name"]
        warning = triage.drop_warning([group.id])
        assert warning is not None
        assert f"QBO {retired_id} ({name}) made inactive" in warning
        assert "apply run 1" in warning and "stays so" in warning
        assert "cqtriage undo" in warning and "U on the plan screen" in warning
        triage.settle_stale("drop", [group.id])
        assert triage.stale_item_ids() == []
        # The drop took nothing back in QBO, as the warning says.
        assert demo.server.store.get(retired_id)["Active"] is False
        _someone_else_changes_the_email(demo.client(), keep.split(":", 1)[1],
                                        "second.change@example.com")

    with demo_session() as (demo, session):  # the reopen dialog, after the drop
        [change] = session.changes
        kept_line = next(d for d in change.details if re.search(
            rf"QBO {keep.split(':', 1)[1]}\b", d))
        # The dropped decision rests on nothing: not "e-mail changed since you decided".
        assert "since you decided" not in kept_line
        assert "no decision rests on it" in kept_line


def test_dropping_a_decision_never_applied_warns_of_nothing() -> None:
    with demo_session() as (_, session):
        triage = Triage(session.report, session.journal)
        group = _qbo_group(triage)
        triage.decide(group.id, "inactive", record=_active_qbo(triage, group)[1], value=True)
        assert triage.drop_warning([group.id]) is None
