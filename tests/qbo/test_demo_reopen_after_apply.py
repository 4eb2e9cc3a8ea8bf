"""Issue 9's first reproduction: on the demo, link a probable pair, apply, quit, start the demo
again (QBO re-read: the customer is renamed now, so the pair has left the queue), plan. It used
to crash for good with `KeyError: 'pair:canopy:…'`; now the decision is carried, not stale (the
change is our own write), and there is nothing left to send."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import polars as pl

from tui import cli
from tui.demo.live import DemoQbo
from tui.service import apply
from tui.service.config import Config
from tui.service.inputs import SessionInputs
from tui.service.own_writes import own_writes
from tui.service.plan import build_plan
from tui.service.session import Session, open_session
from tui.service.triage import Item, Triage


@contextmanager
def demo_session() -> Iterator[tuple[DemoQbo, Session]]:
    """`cqtriage demo`, headless: the demo company up (its QBO read anew) and the session open;
    on the way out, the session closed and the company stopped, as when the user quits."""
    canopy, qbo = cli.demo_paths()
    demo = DemoQbo(qbo)
    try:
        session = open_session(SessionInputs.of(canopy, demo.start()), Config())
        try:
            yield demo, session
        finally:
            session.close()
    finally:
        demo.stop()


def renamed_pair(triage: Triage) -> Item:
    """A probable pair whose names differ: linking it renames the QBO customer."""
    return next(i for i in triage.items if i.kind == "pair"
                and triage.record(i.members[0])["display_name"]
                != triage.record(i.members[1])["display_name"])


def test_plan_after_apply_and_a_reread_of_qbo() -> None:
    with demo_session() as (demo, session):
        triage = Triage(session.report, session.journal)
        pair = renamed_pair(triage)
        canopy_key, qbo_key = pair.members
        triage.decide(pair.id, "link", canopy=canopy_key, qbo=qbo_key)
        progress = triage.progress()[0]
        plan = build_plan(triage)
        assert [op.fields.get("DisplayName") for op in plan.operations] == [
            triage.record(canopy_key)["display_name"]]
        result = apply.run(session.journal, demo.client(),
                           apply.start_apply(session.journal, plan))
        assert (result.done, result.failed) == (1, [])

    with demo_session() as (demo, session):  # `cqtriage demo` again: QBO is read anew
        assert [(c.source, c.edited) for c in session.changes] == [("qbo", 1)]
        # The re-read line names our own rename as ours, not "edited in a column your
        # decision does not use" (the new user's item 4).
        run = session.journal.runs()[-1][0]
        [line] = session.changes[0].details
        new_name = triage.record(canopy_key)["display_name"]
        assert f"renamed by your applied run {run}" in line and repr(new_name) in line, line
        assert "does not use" not in line
        session.accept_changes()
        triage = Triage(session.report, session.journal)
        assert pair.id in triage.index and triage.item(pair.id).kind == "changed"
        assert triage.stale(pair.id) == []  # our own rename is not someone else's change
        assert triage.is_decided(pair.id) and triage.progress()[0] == progress
        plan = build_plan(triage)
        assert plan.contradictions == [] and plan.stale == []
        # Nothing left to send, and the rename still listed as applied (item 4 of the new
        # user's report): with its name before our write, not the one QBO holds now.
        [op] = plan.operations
        assert (op.key, op.applied, plan.summary()["updates"]) == (qbo_key, True, 0)
        assert op.before["DisplayName"] != op.fields["DisplayName"]


def test_after_apply_the_plan_says_applied_and_after_undo_and_a_reread_it_brings_back() -> None:
    """The user test's finding: after a run the plan still read as an unsent dry run; and after
    apply → undo, a re-read QBO list holds the customer our create made (inactive now), which
    the plan called a name clash instead of bringing it back."""
    with demo_session() as (demo, session):
        triage = Triage(session.report, session.journal)
        lone = session.report.records.filter(
            (pl.col("source") == "canopy") & (pl.col("verdict") == "Unmatched")
            & pl.col("twin_idx").is_null())["record_id"][0]
        key = f"canopy:{lone}"
        triage.decide(f"record:{key}", "create", record=key)
        journal = session.journal
        apply.run(journal, demo.client(), apply.start_apply(journal, build_plan(triage)))
        plan = build_plan(triage)
        assert [op.applied for op in plan.operations] == [True]
        assert plan.summary()["creates"] == 0 and plan.summary()["applied"] == 1
        apply.run(journal, demo.client(), apply.start_undo(journal))

    with demo_session() as (demo, session):
        session.accept_changes()
        plan = build_plan(Triage(session.report, session.journal))
        assert plan.contradictions == []
        [op] = plan.operations
        assert (op.kind, op.applied) == ("create", False) and op.brings_back is not None
        assert any("brings back" in why for why in op.why)
        before = len(demo.server.store.all())
        result = apply.run(session.journal, demo.client(),
                           apply.start_apply(session.journal, plan))
        assert (result.done, result.failed) == (1, [])
        assert len(demo.server.store.all()) == before  # brought back, not created again
        assert demo.server.store.get(op.brings_back)["Active"] is True


def test_undo_after_a_reread_puts_the_change_back_in_the_plan() -> None:
    """Round 2 of the user test: apply a rename, start the demo again (QBO re-read: the list
    shows the new name), undo: QBO has the old name back while the list still shows the new
    one. The plan used to say nothing was left to do (the rename silently lost) and called the
    decision stale, blaming the app's own rename."""
    with demo_session() as (demo, session):
        triage = Triage(session.report, session.journal)
        pair = renamed_pair(triage)
        canopy_key, qbo_key = pair.members
        wanted = triage.record(canopy_key)["display_name"]
        triage.decide(pair.id, "link", canopy=canopy_key, qbo=qbo_key)
        apply.run(session.journal, demo.client(),
                  apply.start_apply(session.journal, build_plan(triage)))

    with demo_session() as (demo, session):  # re-read
        session.accept_changes()
        journal = session.journal
        undone = apply.run(journal, demo.client(), apply.start_undo(journal))
        assert undone.complete
        qbo_id = qbo_key.split(":", 1)[1]
        assert demo.server.store.get(qbo_id)["DisplayName"] != wanted  # the old name is back
        triage = Triage(session.report, journal)  # the list still shows the new name
        assert triage.record(qbo_key)["display_name"] == wanted
        assert triage.stale(pair.id) == [] and triage.is_decided(pair.id)
        plan = build_plan(triage)
        [op] = plan.operations
        assert (op.key, op.fields, op.applied) == (qbo_key, {"DisplayName": wanted}, False)
        result = apply.run(journal, demo.client(), apply.start_apply(journal, plan))
        assert (result.done, result.conflicts, result.failed) == (1, [], [])
        assert demo.server.store.get(qbo_id)["DisplayName"] == wanted
        # QBO and the list agree again: nothing left to send; the rename is listed, applied.
        again = build_plan(Triage(session.report, journal))
        assert [(op.key, op.applied) for op in again.operations] == [(qbo_key, True)]
        assert again.summary()["updates"] == 0


def _undecided_with(triage: Triage, key: str) -> list[Item]:
    return [i for i in triage.items if key in i.members and not triage.is_decided(i.id)]


def test_a_customer_our_run_created_joins_its_decision_not_a_new_group() -> None:
    """The user test's finding: give one of several Canopy clients of one QBO customer a
    customer of its own (a distinguishing name, then create), apply, start again. QBO's list
    now holds the new customer; matching put it in a new, undecided "duplicates on both sides"
    group with the same clients, beside the carried decided item. It is the decision's own
    result: the decided item takes it in, and nothing is asked twice."""
    with demo_session() as (demo, session):
        triage = Triage(session.report, session.journal)
        group = next(i for i in triage.items if i.kind == "competing"
                     and len({triage.record(m)["display_name"] for m in i.members}) == 1)
        first, *others = [m for m in group.members if m.startswith("canopy:")]
        triage.decide(group.id, "primary", record=first)
        for n, key in enumerate(others, start=2):
            name = f"{triage.record(key)['display_name']} ({n})"
            triage.decide(group.id, "edit", record=key, fields={"display_name": name})
            triage.decide(group.id, "create", record=key)
        plan = build_plan(triage)
        assert [op.kind for op in plan.operations] == ["create"] * len(others)
        result = apply.run(session.journal, demo.client(),
                           apply.start_apply(session.journal, plan))
        assert (result.done, result.failed) == (len(others), [])

    with demo_session() as (demo, session):
        session.accept_changes()
        triage = Triage(session.report, session.journal)
        created = [f"qbo:{i}" for i in own_writes(session.journal).created.values()]
        assert len(created) == len(others)
        for key in [*group.members, *created]:
            assert _undecided_with(triage, key) == [], key
        home = triage.item(group.id)
        assert set(created) <= set(home.members) and triage.is_decided(group.id)
        assert triage.stale(group.id) == []
        plan = build_plan(triage)
        assert all(op.applied for op in plan.operations) and plan.contradictions == []


def test_a_lone_record_created_under_another_name_is_not_a_probable_pair_again() -> None:
    """The same kind from the report: a lone Canopy client created in QBO under an edited name
    comes back as a customer that only resembles it; that pair is the decision's result."""
    with demo_session() as (demo, session):
        triage = Triage(session.report, session.journal)
        lone = session.report.records.filter(
            (pl.col("source") == "canopy") & (pl.col("verdict") == "Unmatched")
            & pl.col("twin_idx").is_null() & (pl.col("kind") == "individual"))["record_id"][0]
        key = f"canopy:{lone}"
        name = f"{triage.record(key)['display_name']} (2)"
        triage.decide(f"record:{key}", "edit", record=key, fields={"display_name": name})
        triage.decide(f"record:{key}", "create", record=key)
        journal = session.journal
        result = apply.run(journal, demo.client(), apply.start_apply(journal, build_plan(triage)))
        assert (result.done, result.failed) == (1, [])

    with demo_session() as (demo, session):
        session.accept_changes()
        triage = Triage(session.report, session.journal)
        [made] = own_writes(session.journal).created.values()
        assert _undecided_with(triage, key) == [] and _undecided_with(triage, f"qbo:{made}") == []


def test_the_edit_form_checks_names_as_the_plan_does() -> None:
    """The user test: QBO 66 edited to the name our applied run gave QBO 3 (the list, read
    before the run, still shows QBO 3's old name): the form said nothing and the plan then
    refused it. The form now checks QBO as our own writes left it, and the names the other
    decisions of the session give, with the plan's own rule."""
    from tui.screens.edit import EditScreen

    with demo_session() as (demo, session):
        triage = Triage(session.report, session.journal)
        pair = renamed_pair(triage)
        canopy_key, renamed = pair.members
        new_name = triage.record(canopy_key)["display_name"]
        triage.decide(pair.id, "link", canopy=canopy_key, qbo=renamed)
        result = apply.run(session.journal, demo.client(),
                           apply.start_apply(session.journal, build_plan(triage)))
        assert (result.done, result.failed) == (1, [])
        triage = Triage(session.report, session.journal)  # as the app reloads after a run
        assert triage.record(renamed)["display_name"] != new_name  # the list as read
        assert triage.current(renamed)["display_name"] == new_name  # QBO now

        other = next(i for i in triage.items if i.kind == "pair" and i.id != pair.id
                     and triage.record(i.members[0])["display_name"]
                     != triage.record(i.members[1])["display_name"])
        edited = other.members[1]
        form = EditScreen.for_record(triage, other.id, edited)
        values = {**form.original, "display_name": new_name}
        error = form.validate(values).get("display_name", "")
        assert f"QBO customer {renamed.split(':', 1)[1]} already has the name" in error
        # The plan refuses that very edit, with the same words.
        triage.decide(other.id, "edit", record=edited, fields={"display_name": new_name})
        [refused] = [c for c in build_plan(triage).contradictions if c.key == edited]
        assert error in refused.message
        triage.undo()

        # A name another decision of this session gives, not applied yet.
        third = next(i for i in triage.items if i.kind == "pair"
                     and i.id not in (pair.id, other.id)
                     and triage.record(i.members[0])["display_name"]
                     != triage.record(i.members[1])["display_name"])
        pending = triage.record(third.members[0])["display_name"]
        triage.decide(third.id, "link", canopy=third.members[0], qbo=third.members[1])
        form = EditScreen.for_record(triage, other.id, edited)
        error = form.validate({**form.original, "display_name": pending})["display_name"]
        assert "other change(s) in this plan also give a customer the name" in error
        # The form's own name, unchanged, is never refused.
        assert "display_name" not in form.validate(form.original)
