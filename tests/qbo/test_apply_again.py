"""Apply → undo → apply → undo on one snapshot: the app knows the SyncTokens its own writes
produced, so its own undo is never taken for someone else's change, a create it retired is
brought back instead of clashing with its own name, and progress stays where it was."""

from __future__ import annotations

import pytest
from test_apply import item_with, names, open_live, seeded

from tui.sandbox.server import SandboxServer
from tui.service import apply
from tui.service.errors import UserError
from tui.service.plan import build_plan
from tui.service.qbo.client import QboClient
from tui.service.triage import Triage


def _decide(triage: Triage) -> None:
    competing = item_with(triage, "canopy:C7", "canopy:C8")
    triage.decide(competing.id, "primary", record="canopy:C7")
    triage.decide(competing.id, "create", record="canopy:C8")
    pair = item_with(triage, "canopy:C2", "qbo:2")
    triage.decide(pair.id, "link", canopy="canopy:C2", qbo="qbo:2")
    dupes = item_with(triage, "qbo:8", "qbo:9")
    triage.decide(dupes.id, "edit", record="qbo:8", fields={"email": "sam@black.example.com"})
    triage.decide(dupes.id, "inactive", record="qbo:8", value=True)


def _emails(server: SandboxServer) -> dict[str, str]:
    return {c["Id"]: (c.get("PrimaryEmailAddr") or {}).get("Address", "")
            for c in server.store.all()}


def test_apply_undo_apply_undo_has_no_false_conflicts(server: SandboxServer,
                                                      client: QboClient) -> None:
    seeded(server)
    original, original_emails = names(server), _emails(server)
    session, triage = open_live(client)
    _decide(triage)
    progress = triage.progress()
    journal = session.journal

    for round_ in range(2):
        # Always the plan built on the first snapshot: older than every write of ours.
        plan = build_plan(Triage(session.report, journal))
        applied = apply.run(journal, client, apply.start_apply(journal, plan))
        assert (applied.done, applied.conflicts, applied.failed) == (3, [], []), round_
        now = names(server)
        assert now["2"] == ("Jane Doe", True)
        assert now["8"] == ("Sam Black (deleted)", False)
        assert _emails(server)["8"] == "sam@black.example.com"
        created = [i for i in now if i not in original]
        assert [now[i] for i in created] == [("Green, Tom", True)]  # one, brought back
        again = Triage(session.report, journal)
        assert again.progress() == progress
        with pytest.raises(UserError, match="nothing to apply"):  # a create brought back too
            apply.start_apply(journal, build_plan(again))
        assert journal.conflict_items() == {} and journal.failed_items() == {}

        undone = apply.run(journal, client, apply.start_undo(journal))
        assert (undone.done, undone.conflicts, undone.failed) == (3, [], []), round_
        reverted = names(server)
        assert {i: reverted[i] for i in original} == original
        assert reverted[created[0]] == ("Green, Tom (deleted)", False)
        assert {i: _emails(server)[i] for i in original} == original_emails
        assert Triage(session.report, journal).progress() == progress
    assert len(server.store.all()) == len(original) + 1
    session.close()


def test_two_applies_undone_one_after_the_other(server: SandboxServer,
                                                client: QboClient) -> None:
    """Undo of the older run uses the SyncToken the newer run's undo left, not its own."""
    seeded(server)
    original = names(server)
    session, triage = open_live(client)
    pair = item_with(triage, "canopy:C2", "qbo:2")
    triage.decide(pair.id, "link", canopy="canopy:C2", qbo="qbo:2")
    journal = session.journal
    first = apply.run(journal, client, apply.start_apply(journal, build_plan(triage)))
    assert first.done == 1
    triage.decide(pair.id, "edit", record="qbo:2", fields={"email": "jd@example.com"})
    second = apply.run(journal, client, apply.start_apply(journal, build_plan(triage)))
    assert (second.done, second.conflicts) == (1, [])
    assert server.store.get("2")["PrimaryEmailAddr"]["Address"] == "jd@example.com"
    for _ in range(2):
        undone = apply.run(journal, client, apply.start_undo(journal))
        assert (undone.done, undone.conflicts, undone.failed) == (1, [], [])
    assert names(server) == original
    assert server.store.get("2")["PrimaryEmailAddr"]["Address"] == "jane.doe@example.com"
    session.close()


def test_someone_elses_change_after_our_write_is_still_a_conflict(
        server: SandboxServer, client: QboClient) -> None:
    seeded(server)
    session, triage = open_live(client)
    pair = item_with(triage, "canopy:C2", "qbo:2")
    triage.decide(pair.id, "link", canopy="canopy:C2", qbo="qbo:2")
    journal = session.journal
    apply.run(journal, client, apply.start_apply(journal, build_plan(triage)))
    apply.run(journal, client, apply.start_undo(journal))
    token = server.store.get("2")["SyncToken"]
    server.store.update({"Id": "2", "SyncToken": token, "sparse": True, "GivenName": "Janet"})
    result = apply.run(journal, client, apply.start_apply(journal, build_plan(triage)))
    assert [op.key for op in result.conflicts] == ["qbo:2"]
    assert server.store.get("2")["GivenName"] == "Janet"
    assert journal.conflict_items() == {pair.id: journal.conflict_items()[pair.id]}
    session.close()


def test_a_failed_operation_is_listed_with_its_reason(server: SandboxServer,
                                                      client: QboClient) -> None:
    seeded(server)
    session, triage = open_live(client)
    triage.decide("record:canopy:C5", "create", record="canopy:C5")
    # The name is taken in QBO after the list was read: QBO refuses the create (6240).
    server.store.create({"DisplayName": "Mary Jones"})
    journal = session.journal
    result = apply.run(journal, client, apply.start_apply(journal, build_plan(triage)))
    assert [op.key for op in result.failed] == ["canopy:C5"]
    failed = journal.failed_items()
    assert list(failed) == ["record:canopy:C5"]
    assert "already has a customer, vendor or employee with that name" in failed[
        "record:canopy:C5"]
    # The queue shows it: no longer "decided", with QBO's reason, until decided again.
    again = Triage(session.report, journal)
    assert not again.is_decided("record:canopy:C5") and "record:canopy:C5" in again.index
    assert "refused by QBO at apply" in (again.apply_issue("record:canopy:C5") or "")
    assert "with that name" in (again.apply_issue("record:canopy:C5") or "")
    again.decide("record:canopy:C5", "keep")
    assert again.is_decided("record:canopy:C5") and again.apply_issue("record:canopy:C5") is None
    session.close()
