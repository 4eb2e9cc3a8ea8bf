"""The queue over the hand-labelled lists: items, decisions, state replay, reopening."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.service.config import Config
from tui.service.errors import UserError
from tui.service.inputs import SessionInputs
from tui.service.session import open_session
from tui.service.triage import Triage

DATA = Path(__file__).parent.parent / "data"


@pytest.fixture
def inputs(tmp_path: Path) -> SessionInputs:
    canopy, qbo = tmp_path / "c.csv", tmp_path / "q.csv"
    canopy.write_bytes((DATA / "labelled_canopy.csv").read_bytes())
    qbo.write_bytes((DATA / "labelled_qbo.csv").read_bytes())
    return SessionInputs.of(canopy, qbo)


def test_items_in_working_order(inputs: SessionInputs) -> None:
    session = open_session(inputs, Config())
    triage = Triage(session.report, session.journal)
    kinds = [item.kind for item in triage.items]
    assert kinds == sorted(kinds, key=["competing", "mixed", "canopy", "qbo", "pair",
                                       "link"].index)
    assert {"competing", "canopy", "qbo", "pair", "link"} <= set(kinds)
    # a record in a group is decided there, not again as a pair
    grouped = {k for item in triage.items if item.kind in ("competing", "canopy", "qbo")
               for k in item.members}
    pairs = {k for item in triage.items if item.kind in ("pair", "link") for k in item.members}
    assert not grouped & pairs
    link = next(item for item in triage.items if item.kind == "link")
    assert link.members == ["canopy:C6", "qbo:6"]


def test_decisions_replay_into_state(inputs: SessionInputs) -> None:
    session = open_session(inputs, Config())
    triage = Triage(session.report, session.journal)
    group = next(item for item in triage.items if item.kind == "competing")
    first, second = group.members[0], group.members[1]
    triage.decide(group.id, "primary", record=first)
    triage.decide(group.id, "inactive", record=second, value=True)
    triage.decide(group.id, "edit", record=second, fields={"email": "x@example.com"})
    state = triage.state(group.id)
    assert state.primary == {"canopy": first}
    assert state.inactive == {second}
    assert triage.shown(second, state)["email"] == "x@example.com"
    assert triage.progress()[0] == 1
    with pytest.raises(UserError, match="not in this item"):
        triage.decide(group.id, "primary", record="canopy:C5")
    qbo = next(k for k in group.members if k.startswith("qbo:"))
    with pytest.raises(UserError, match="only a Canopy client"):
        triage.decide(group.id, "create", record=qbo)


def test_reopening_resumes_and_detects_changes(inputs: SessionInputs) -> None:
    session = open_session(inputs, Config())
    triage = Triage(session.report, session.journal)
    item = triage.items[2]
    triage.decide(item.id, "skip")
    triage.move_to(2)
    session.close()

    again = open_session(inputs, Config())
    assert again.changes == []
    resumed = Triage(again.report, again.journal)
    assert resumed.cursor == 2
    assert resumed.state(item.id).skipped
    again.close()

    text = inputs.qbo.read_text(encoding="utf-8").replace("Zed Zulu", "Zed Zulu-Smith")
    inputs.qbo.write_text(text + "99,New Person,,,,,,,,,,,Active\n", encoding="utf-8")
    changed = open_session(inputs, Config())
    (change,) = changed.changes
    assert (change.source, change.added, change.removed, change.edited) == ("qbo", 1, 0, 1)
    assert "1 added, 1 edited" in change.describe()
    changed.accept_changes()
    changed.close()
    assert open_session(inputs, Config()).changes == []


def test_search_and_next_undecided(inputs: SessionInputs) -> None:
    session = open_session(inputs, Config())
    triage = Triage(session.report, session.journal)
    position = triage.find("dave kent", 0)
    assert position is not None
    assert "canopy:C13" in triage.items[position].members
    assert triage.find("nobody at all", 0) is None
    for item in triage.items[1:]:  # every record but one split off: nothing left to pair
        for member in item.members[:-1]:
            triage.decide(item.id, "distinct", record=member)
    assert triage.next_undecided(3) == 0
    for member in triage.items[0].members[:-1]:
        triage.decide(triage.items[0].id, "distinct", record=member)
    assert triage.next_undecided(0) is None


def test_names_differ_as_the_sync_sees_them_edits_included(inputs: SessionInputs) -> None:
    """"Smith, John" and "John Smith" are one person but two names for Canopy's sync: the
    queue's ≠ marks must show it, and an edited name is compared as edited."""
    session = open_session(inputs, Config())
    triage = Triage(session.report, session.journal)
    differing = triage.differing_fields(["canopy:C7", "canopy:C8"])  # Tom Green / Green, Tom
    assert "display_name" in differing
    assert "display_name" not in triage.differing_fields(["canopy:C7", "qbo:7"])
    item = next(i for i in triage.items if {"canopy:C7", "qbo:7"} <= set(i.members))
    triage.decide(item.id, "edit", record="qbo:7", fields={"display_name": "Tom Green Sr"})
    assert "display_name" in triage.differing_fields(["canopy:C7", "qbo:7"],
                                                     triage.state(item.id))


def test_a_field_only_some_records_have_is_partly_blank_not_different(
        inputs: SessionInputs) -> None:
    """User test: an e-mail on one record and none on the other was not marked at all, and
    `v` hid it; it is "partly blank" (∅), apart from a real difference (≠)."""
    session = open_session(inputs, Config())
    triage = Triage(session.report, session.journal)
    pair = ["canopy:C7", "qbo:7"]
    item = next(i for i in triage.items if set(pair) <= set(i.members))
    differing, blank = triage.field_agreement(pair)
    assert "email" not in differing | blank  # both have it, alike
    triage.decide(item.id, "edit", record="qbo:7", fields={"email": ""})
    differing, blank = triage.field_agreement(pair, triage.state(item.id))
    assert "email" in blank and "email" not in differing
    assert differing == triage.differing_fields(pair, triage.state(item.id))
    triage.decide(item.id, "edit", record="qbo:7", fields={"email": "other@example.org"})
    differing, blank = triage.field_agreement(pair, triage.state(item.id))
    assert "email" in differing and "email" not in blank
    session.close()


@pytest.mark.parametrize(("canopy_zip", "qbo_zip", "differs"), [
    ("53703-1234", "53703", True),       # ZIP+4 on one side only: the sync would copy it
    ("53703-1234", "53703-9999", True),  # two different +4s
    ("53703 1234", "53703-1234", False),  # spacing only
    ("537031234", "53703-1234", False),   # the hyphen dropped
    ("02110", "2110", False),             # a spreadsheet dropped the leading zero
    ("53703", "53703", False),
])
def test_zip_plus_four_differs_in_the_compare(tmp_path: Path, canopy_zip: str, qbo_zip: str,
                                              differs: bool) -> None:
    canopy, qbo = tmp_path / "c.csv", tmp_path / "q.csv"
    canopy.write_text((DATA / "labelled_canopy.csv").read_text(encoding="utf-8").replace(
        "8 Hill Ln,Madison,WI,53703", f"8 Hill Ln,Madison,WI,{canopy_zip}"), encoding="utf-8")
    qbo.write_text((DATA / "labelled_qbo.csv").read_text(encoding="utf-8").replace(
        "8 Hill Ln,Madison,WI,53703", f"8 Hill Ln,Madison,WI,{qbo_zip}"), encoding="utf-8")
    session = open_session(SessionInputs.of(canopy, qbo), Config())
    triage = Triage(session.report, session.journal)
    assert triage.record("canopy:C7")["postal_code"] == canopy_zip
    assert ("postal_code" in triage.differing_fields(["canopy:C7", "qbo:7"])) is differs
    session.close()


def test_zip_plus_four_typed_in_an_edit_differs(inputs: SessionInputs) -> None:
    session = open_session(inputs, Config())
    triage = Triage(session.report, session.journal)
    item = next(i for i in triage.items if {"canopy:C7", "qbo:7"} <= set(i.members))
    assert "postal_code" not in triage.differing_fields(["canopy:C7", "qbo:7"])
    triage.decide(item.id, "edit", record="qbo:7", fields={"postal_code": "53703-0001"})
    assert "postal_code" in triage.differing_fields(["canopy:C7", "qbo:7"],
                                                    triage.state(item.id))


def test_reopen_names_the_changed_records_and_what_changed(inputs: SessionInputs) -> None:
    """The reopen message says which records changed, decided ones first with what changed
    in them (as a stale item says), not only counts."""
    session = open_session(inputs, Config())
    triage = Triage(session.report, session.journal)
    item = next(i for i in triage.items if {"canopy:C7", "qbo:7"} <= set(i.members))
    triage.decide(item.id, "link", canopy="canopy:C7", qbo="qbo:7")
    session.close()

    text = inputs.qbo.read_text(encoding="utf-8")
    text = text.replace("Zed Zulu", "Zed Zulu-Smith").replace(
        "tom.green@example.com", "tom@green.example")
    inputs.qbo.write_text(text + "99,New Person,,,,,,,,,,,Active\n", encoding="utf-8")
    changed = open_session(inputs, Config())
    (change,) = changed.changes
    assert (change.added, change.removed, change.edited) == (1, 0, 2)
    assert change.examples[0] == "qbo:7"  # the decided record first
    assert change.details[0] == ("QBO 7 (Tom Green): e-mail changed since you decided "
                                 "(was 'tom.green@example.com', now 'tom@green.example')")
    assert "Zed Zulu-Smith" in change.details[1] and change.details[1].endswith(
        ": edited (no decision rests on it)")
    assert change.details[2] == "QBO 99 (New Person): added"
    described = change.describe().splitlines()
    assert described[0].endswith("1 added, 2 edited.")
    assert described[1:] == [f"  · {line}" for line in change.details]
    changed.close()


def test_splitting_one_record_off_leaves_the_rest_to_decide(inputs: SessionInputs) -> None:
    """User test: `d` on one record of a three-record group said "decided · 1 split off" while
    the Canopy client and QBO customer left were never linked, and `g` skipped the item."""
    session = open_session(inputs, Config())
    triage = Triage(session.report, session.journal)
    item = next(i for i in triage.items if len(i.members) >= 3)
    triage.decide(item.id, "distinct", record=item.members[0])
    assert not triage.is_decided(item.id)
    assert len(triage.members(item)) == len(item.members) - 1
    rest = triage.members(item)
    for member in rest[:-1]:
        triage.decide(item.id, "distinct", record=member)
    assert triage.is_decided(item.id)  # one record left: nothing to pair
    session.close()
