"""Sessions survive changes to their inputs (issue 9): record identity that does not depend on
the line, decisions kept and shown stale when their records change, never a crash."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tui.cli import main
from tui.service.config import Config
from tui.service.inputs import SessionInputs
from tui.service.plan import build_plan
from tui.service.session import open_session
from tui.service.sources.canopy_csv import read_canopy_csv
from tui.service.sources.qbo_csv import read_qbo_csv
from tui.service.triage import Triage

DATA = Path(__file__).parent.parent / "data"


def rows_of(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def without_id(rows: list[list[str]]) -> list[list[str]]:
    return [row[1:] for row in rows]


@pytest.fixture(params=["with ids", "without ids"])
def inputs(request: pytest.FixtureRequest, tmp_path: Path) -> SessionInputs:
    canopy, qbo = tmp_path / "canopy.csv", tmp_path / "qbo.csv"
    rows = rows_of(DATA / "labelled_canopy.csv")
    write_rows(canopy, rows if request.param == "with ids" else without_id(rows))
    qbo.write_bytes((DATA / "labelled_qbo.csv").read_bytes())
    return SessionInputs.of(canopy, qbo)


def reopen(inputs: SessionInputs) -> Triage:
    session = open_session(inputs, Config())
    return Triage(session.report, session.journal)


def name_of(triage: Triage, key: str) -> str:
    return triage.record(key)["display_name"]


def decide_two(triage: Triage) -> tuple[str, str]:
    """Retire a duplicate inside Canopy and split a pair: two resolving decisions."""
    group = next(i for i in triage.items if i.kind == "canopy")
    triage.decide(group.id, "inactive", record=group.members[1], value=True)
    pair = next(i for i in triage.items if i.kind == "pair")
    triage.decide(pair.id, "distinct", record=pair.members[0])
    return group.id, pair.id


def test_ids_without_an_id_column_do_not_depend_on_the_line(tmp_path: Path) -> None:
    rows = without_id(rows_of(DATA / "labelled_canopy.csv"))
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    write_rows(first, rows)
    write_rows(second, [rows[0], *reversed(rows[1:])])
    by_name = [set(read_canopy_csv(p).frame.select("display_name", "record_id").iter_rows())
               for p in (first, second)]
    assert by_name[0] == by_name[1]
    assert len({record_id for _, record_id in by_name[0]}) == len(rows) - 1


def test_deleting_a_row_above_decided_ones_keeps_them(inputs: SessionInputs) -> None:
    triage = reopen(inputs)
    decide_two(triage)
    assert triage.progress()[0] == 2
    rows = rows_of(inputs.canopy)
    write_rows(inputs.canopy, [rows[0], *rows[2:]])  # the first client goes
    session = open_session(inputs, Config())
    [change] = session.changes
    assert (change.added, change.removed, change.edited) == (0, 1, 0)
    triage = Triage(session.report, session.journal)
    assert triage.progress()[0] == 2
    assert all(not triage.stale(i) for i in triage.decided_item_ids())


def test_reordering_a_file_changes_nothing(inputs: SessionInputs) -> None:
    triage = reopen(inputs)
    decided = decide_two(triage)
    plan_before = build_plan(triage)
    rows = rows_of(inputs.canopy)
    write_rows(inputs.canopy, [rows[0], *reversed(rows[1:])])
    session = open_session(inputs, Config())
    assert [(c.added, c.removed, c.edited) for c in session.changes] == [(0, 0, 0)]
    triage = Triage(session.report, session.journal)
    assert all(triage.is_decided(i) for i in decided)
    plan_after = build_plan(triage)
    assert [w.__dict__ for w in plan_after.worklist] == [w.__dict__ for w in plan_before.worklist]


def test_an_edited_decided_record_makes_its_decision_stale(inputs: SessionInputs) -> None:
    triage = reopen(inputs)
    group_id, _ = decide_two(triage)
    retired = triage.state(group_id).inactive.copy().pop()
    name = name_of(triage, retired)
    assert [w.action for w in build_plan(triage).worklist].count("archive") == 1
    rows = rows_of(inputs.canopy)
    header = rows[0]
    email = header.index("Email")
    for row in rows[1:]:
        if name in row:
            row[email] = "someone.else@example.com"
    write_rows(inputs.canopy, rows)
    triage = reopen(inputs)
    [message] = triage.stale(group_id)
    assert "e-mail changed since you decided" in message and "someone.else@example.com" in message
    assert not triage.is_decided(group_id)
    plan = build_plan(triage)
    assert [s.item for s in plan.stale] == [group_id]
    assert "archive" not in [w.action for w in plan.worklist]  # left out until re-confirmed
    triage.decide(group_id, "confirm")
    assert triage.stale(group_id) == [] and triage.is_decided(group_id)
    assert "archive" in [w.action for w in build_plan(triage).worklist]
    triage.decide(group_id, "drop")
    assert not triage.is_decided(group_id) and triage.state(group_id).inactive == set()
    triage.undo()  # the drop
    assert triage.is_decided(group_id)


def test_a_removed_decided_record_is_kept_as_stale_and_nothing_crashes(
        inputs: SessionInputs, capsys: pytest.CaptureFixture[str]) -> None:
    triage = reopen(inputs)
    _, pair_id = decide_two(triage)
    gone = triage.item(pair_id).members[0]
    name = name_of(triage, gone)
    write_rows(inputs.canopy, [r for r in rows_of(inputs.canopy) if name not in r])
    triage = reopen(inputs)
    assert pair_id in triage.index                       # carried, never dropped
    assert triage.item(pair_id).kind == "changed"
    [message] = triage.stale(pair_id)
    assert "no longer in the input" in message and name in message
    assert pair_id in [s.item for s in build_plan(triage).stale]
    assert triage.members(triage.item(pair_id)) == [
        k for k in triage.item(pair_id).members if k != gone]
    for command in ("plan", "export"):
        extra = ["--out", str(inputs.canopy.parent / "out")] if command == "export" else []
        code = main([command, "--canopy", str(inputs.canopy), "--qbo", str(inputs.qbo), *extra])
        assert code == 0, capsys.readouterr()
    triage.decide(pair_id, "confirm")  # accept that it is gone: the rest of the decision holds
    assert triage.stale(pair_id) == []


@pytest.mark.parametrize("side", ["canopy", "qbo"])
def test_duplicate_ids_are_kept_apart_with_a_warning(tmp_path: Path, side: str) -> None:
    canopy, qbo = tmp_path / "canopy.csv", tmp_path / "qbo.csv"
    if side == "canopy":
        canopy.write_text("Client ID,Client Name,Email\nC1,Alice Alpha,a@example.com\n"
                          "C1,Bob Beta,b@example.com\n", encoding="utf-8")
        qbo.write_text("Id,Customer,Email\n7,Zoe Zed,z@example.com\n", encoding="utf-8")
    else:
        canopy.write_text("Client ID,Client Name,Email\nC9,Zoe Zed,z@example.com\n",
                          encoding="utf-8")
        qbo.write_text("Id,Customer,Email\n7,Alice Alpha,a@example.com\n"
                       "7,Bob Beta,b@example.com\n", encoding="utf-8")
    reader = read_canopy_csv if side == "canopy" else read_qbo_csv
    records = reader(canopy if side == "canopy" else qbo)
    ids = records.frame["record_id"].to_list()
    assert len(set(ids)) == 2 and all(i.startswith(("C1~", "7~")) for i in ids)
    [warning] = records.warnings
    assert "lines 2, 3" in warning
    triage = reopen(SessionInputs.of(canopy, qbo))
    alice = f"{side}:{ids[0]}"
    assert name_of(triage, alice) == "Alice Alpha"
    if side == "canopy":
        triage.decide(f"record:{alice}", "create", record=alice)
        [op] = build_plan(triage).operations
        assert op.fields["DisplayName"] == "Alice Alpha"
    else:
        assert not build_plan(triage).applicable  # never written by an ambiguous Id


def test_stale_items_are_confirmed_or_dropped_in_bulk_as_one_step(inputs: SessionInputs) -> None:
    triage = reopen(inputs)
    decided = decide_two(triage)
    rows = rows_of(inputs.canopy)
    phone = rows[0].index("Phone")
    for row in rows[1:]:
        row[phone] = row[phone].replace("555", "556")  # every client's phone changes
    write_rows(inputs.canopy, rows)
    triage = reopen(inputs)
    assert sorted(triage.stale_item_ids()) == sorted(decided)
    assert len(triage.settle_stale("drop")) == 2
    assert triage.stale_item_ids() == [] and triage.progress()[0] == 0
    assert len(triage.undo()) == 2  # one undo brings both back, stale again
    assert sorted(triage.stale_item_ids()) == sorted(decided)
    triage.settle_stale("confirm")
    assert triage.stale_item_ids() == [] and triage.progress()[0] == 2


def test_recording_a_new_sessions_inputs_can_wait(inputs: SessionInputs) -> None:
    session = open_session(inputs, Config(), defer=True)
    assert session.journal.inputs() == {} and session.unrecorded
    Triage(session.report, session.journal).decide("record:qbo:1", "keep")
    session.record_new_inputs()
    assert set(session.journal.inputs()) == {"canopy", "qbo"} and not session.unrecorded
    session.close()
    again = open_session(inputs, Config())
    assert again.changes == [] and Triage(again.report, again.journal).progress()[0] == 0


def test_a_decided_records_id_put_on_a_second_row_says_so(tmp_path: Path) -> None:
    canopy, qbo = tmp_path / "canopy.csv", tmp_path / "qbo.csv"
    write_rows(canopy, rows_of(DATA / "labelled_canopy.csv"))
    qbo.write_bytes((DATA / "labelled_qbo.csv").read_bytes())
    inputs = SessionInputs.of(canopy, qbo)
    triage = reopen(inputs)
    pair = next(i for i in triage.items if "canopy:C2" in i.members)
    triage.decide(pair.id, "distinct", record="canopy:C2")
    rows = rows_of(canopy)
    next(row for row in rows if row[0] == "C3")[0] = "C2"  # C3 takes C2's id
    write_rows(canopy, rows)
    [message] = reopen(inputs).stale(pair.id)
    assert "Canopy C2 (Jane Doe): its id is now on several rows" in message


def test_reopen_at_saved_thresholds_matches_reclassifying(inputs: SessionInputs) -> None:
    """A session reopened at thresholds the user moved is matched at them directly (no second
    classify): the same records, pairs and groups as re-reading the fresh report at them."""
    from tui.service.report import with_thresholds

    first = open_session(inputs, Config())
    review, accept = 40.0, 99.0
    expected = with_thresholds(first.report, review, accept)
    first.adopt(expected)
    first.close()
    again = open_session(inputs, Config())
    try:
        assert (again.report.config.match.review, again.report.config.match.accept) == (
            review, accept)
        got, want = again.report.result, expected.result
        assert got.pairs.sort("a", "b").equals(want.pairs.sort("a", "b"))
        assert got.groups.equals(want.groups)
        assert got.records.equals(want.records)
    finally:
        again.close()


def test_reopen_with_thresholds_out_of_order_is_one_located_error(inputs: SessionInputs) -> None:
    from tui.service.errors import UserError

    session = open_session(inputs, Config())
    session.journal.set("review", "95")
    session.journal.set("accept", "60")
    session.close()
    with pytest.raises(UserError, match="thresholds out of order"):
        open_session(inputs, Config())


def test_every_look_up_of_a_carried_items_gone_record_tolerates_it(
        inputs: SessionInputs, tmp_path: Path) -> None:
    """A carried item names a record deleted from its input: search (the user's crash,
    `KeyError` in `find`), filter, shown text, compare, marks and exports all go on, the gone
    record is still found by its last name, and no new decision may name it."""
    from tui.service.errors import UserError
    from tui.service.exports import write_exports
    from tui.service.patterns import item_table, verdict_entries
    from tui.service.queue_filter import parse, positions

    triage = reopen(inputs)
    _, pair_id = decide_two(triage)
    gone = triage.item(pair_id).members[0]
    name = name_of(triage, gone)
    write_rows(inputs.canopy, [r for r in rows_of(inputs.canopy) if name not in r])
    triage = reopen(inputs)
    item = triage.item(pair_id)
    assert gone in item.members and not triage.exists(gone)
    assert triage.find("zzz-nowhere", 0) is None                   # the crash
    assert triage.find(name, len(triage.items) - 1) == triage.index[pair_id]
    assert triage.name_of(gone) == name
    shown = triage.shown(gone, triage.state(pair_id))
    assert shown["display_name"] == name and shown["verdict"] == "no longer in the input"
    assert shown["email"] == triage.last_known(gone)["email"] != ""
    other = next(k for k in item.members if k != gone)
    assert triage.pair_evidence(gone, other) is None
    assert triage.differing_fields(item.members, triage.state(pair_id)) == set()
    if gone.startswith("qbo:"):
        assert triage.validate_edit(gone, shown) == {}
    table = item_table(triage.report, triage.items)
    assert triage.index[pair_id] in positions(table, parse("stale"), set(), {pair_id})
    assert verdict_entries(triage, [pair_id], "accept") == ([], 1)  # one record left
    with pytest.raises(UserError, match="no longer in the input"):
        triage.decide(pair_id, "inactive", record=gone, value=True)
    triage.decide(pair_id, "confirm")
    plan = build_plan(triage)
    write_exports(triage, plan, triage.journal, tmp_path / "out", [inputs.canopy, inputs.qbo])
