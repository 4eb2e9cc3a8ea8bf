"""The demo is a real, durable company: its QBO state and its login live in the demo's data
folder, so a demo session reopened later — by bare `cqtriage`, or by `cqtriage apply` — can
plan, apply and undo, as often as the user likes."""

from __future__ import annotations

import io
import json
import os
import stat
from pathlib import Path

import polars as pl
import pytest

from tui import cli
from tui.demo.live import DEMO_REALM, DemoQbo, demo_folder
from tui.service import paths
from tui.service.config import Config
from tui.service.inputs import SessionInputs
from tui.service.qbo.tokens import token_path
from tui.service.session import open_session
from tui.service.sources.qbo_api import fetch_snapshot
from tui.service.triage import Triage


def _active(triage: Triage, key: str) -> bool:
    return bool(triage.record(key)["active"])


def start_demo_and_decide(retire: int = 1, creates: int = 0) -> tuple[Path, list[str],
                                                                         list[str]]:
    """`cqtriage demo`, headless: the demo company starts, the session opens and decisions are
    made; then the user quits. Returns the snapshot, the QBO ids retired and the Canopy keys
    created."""
    canopy, qbo = cli.demo_paths()
    demo = DemoQbo(qbo)
    try:
        snapshot = demo.start()
        session = open_session(SessionInputs.of(canopy, snapshot), Config())
        triage = Triage(session.report, session.journal)
        retired = []
        for item in triage.items:
            if len(retired) == retire:
                break
            # The one Canopy's sync links by name first: retiring it unlinks the client.
            active = sorted([k for k in item.members
                             if k.startswith("qbo:") and _active(triage, k)],
                            key=lambda k: triage.record(k)["verdict"] != "Matches")
            if item.kind == "qbo" and len(active) >= 2:
                triage.decide(item.id, "primary", record=active[0])
                triage.decide(item.id, "inactive", record=active[1], value=True)
                retired.append(active[1].split(":", 1)[1])
        records = session.report.records
        lone = records.filter((pl.col("source") == "canopy") & (pl.col("verdict") == "Unmatched")
                              & pl.col("twin_idx").is_null())["record_id"].to_list()[:creates]
        for record_id in lone:
            triage.decide(f"record:canopy:{record_id}", "create", record=f"canopy:{record_id}")
        session.close()
    finally:
        demo.stop()
    return snapshot, retired, [f"canopy:{r}" for r in lone]


def the_company() -> dict[str, dict]:
    data = json.loads((demo_folder() / "qbo-company.json").read_text(encoding="utf-8"))
    return data["customers"]


def test_the_demo_keeps_its_company_and_login_in_its_own_folder() -> None:
    old = os.umask(0)  # the widest: the modes below must not depend on it
    try:
        start_demo_and_decide(retire=0)
    finally:
        os.umask(old)
    folder = demo_folder()
    assert folder == paths.data_dir() / "demo"
    tokens = folder / "qbo-tokens.json"
    assert stat.S_IMODE(tokens.stat().st_mode) == 0o600
    assert stat.S_IMODE((folder / "qbo-company.json").stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert not token_path().exists()  # a real login's token file is never touched
    saved = json.loads(tokens.read_text(encoding="utf-8"))
    assert saved["realm_id"] == DEMO_REALM


def test_demo_apply_undo_apply_undo_from_the_command_line(
        capsys: pytest.CaptureFixture[str]) -> None:
    """The issue's reproduction: on the demo, apply → undo → apply used to meet conflicts made
    by its own undo and fail its own creates (their names taken by the customers it retired)."""
    snapshot, retired, created = start_demo_and_decide(retire=4, creates=2)
    assert len(retired) == 4 and len(created) == 2
    canopy, _ = cli.demo_paths()
    args = ["--canopy", str(canopy), "--qbo", str(snapshot)]
    start = {i: c["Active"] for i, c in the_company().items()}
    session = open_session(SessionInputs.of(canopy, snapshot), Config())
    progress = Triage(session.report, session.journal).progress()
    session.close()
    for _ in range(2):
        assert cli.main(["apply", *args]) == 0, capsys.readouterr()
        out = capsys.readouterr().out
        assert "6 of 6 done, 0 conflicts, 0 failed" in out
        now = the_company()
        assert all(now[i]["Active"] is False for i in retired)
        assert sum(c["Active"] for c in now.values()) == sum(start.values()) - 4 + 2
        assert cli.main(["undo", *args]) == 0
        assert "6 of 6 done, 0 conflicts, 0 failed" in capsys.readouterr().out
        assert {i: c["Active"] for i, c in the_company().items() if i in start} == start
        session = open_session(SessionInputs.of(canopy, snapshot), Config())
        assert Triage(session.report, session.journal).progress() == progress
        session.close()
    assert len(the_company()) == len(start) + 2  # each create made once, then brought back


def test_the_demo_company_remembers_the_requests_it_answered(
        capsys: pytest.CaptureFixture[str]) -> None:
    """So a run resumed after the demo (and its in-process QBO) was killed is answered from
    memory, as Intuit would, instead of being applied twice."""
    snapshot, retired, _ = start_demo_and_decide(retire=1)
    canopy, _ = cli.demo_paths()
    assert cli.main(["apply", "--canopy", str(canopy), "--qbo", str(snapshot)]) == 0
    capsys.readouterr()
    session = open_session(SessionInputs.of(canopy, snapshot), Config())
    [op] = session.journal.operations(session.journal.runs()[-1][0])
    session.close()
    data = json.loads((demo_folder() / "qbo-company.json").read_text(encoding="utf-8"))
    status, body = data["request_ids"][op.request_id]
    assert status == 200 and json.loads(body)["Customer"]["Id"] == retired[0]


def test_an_expired_demo_login_is_refreshed_and_kept() -> None:
    start_demo_and_decide(retire=0)
    path = demo_folder() / "qbo-tokens.json"
    saved = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**saved, "access_expires_at": 0.0}), encoding="utf-8")
    demo = DemoQbo(cli.demo_paths()[1])
    try:
        demo.resume()
        assert demo.client().count() > 0  # the refresh token the company issued still works
    finally:
        demo.stop()
    renewed = json.loads(path.read_text(encoding="utf-8"))
    assert renewed["access_token"] != saved["access_token"]
    assert renewed["access_expires_at"] > 0


class _Terminal(io.StringIO):
    """Stdin as a person at a terminal: it is a TTY and holds their typed answer."""

    def isatty(self) -> bool:
        return True


def test_apply_and_undo_at_a_terminal_list_then_ask(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The new user's `cqtriage undo` sent 30 reverts at once with no list and no question."""
    snapshot, retired, _ = start_demo_and_decide(retire=2)
    canopy, _ = cli.demo_paths()
    args = ["--canopy", str(canopy), "--qbo", str(snapshot)]
    start = {i: c["Active"] for i, c in the_company().items()}
    monkeypatch.setattr("sys.stdin", _Terminal("n\n"))
    assert cli.main(["apply", *args]) == 0
    out = capsys.readouterr().out
    assert "Send? [y/N]" in out and "Nothing sent." in out
    assert {i: c["Active"] for i, c in the_company().items()} == start
    monkeypatch.setattr("sys.stdin", _Terminal("y\n"))
    assert cli.main(["apply", *args]) == 0
    out = capsys.readouterr().out
    assert "2 of 2 done" in out
    applied_run = int(out.split("Apply run ")[1].split(":")[0])
    monkeypatch.setattr("sys.stdin", _Terminal("\n"))  # Enter: the default, no
    assert cli.main(["undo", *args]) == 0
    out = capsys.readouterr().out
    assert f"Undo of run {applied_run}: 2 customer change(s) to revert." in out
    assert all(f"QBO {i} " in out for i in retired) and "Active → active" in out
    assert "Nothing sent." in out and all(not the_company()[i]["Active"] for i in retired)
    assert cli.main(["undo", "--yes", *args]) == 0
    out = capsys.readouterr().out
    assert "Send?" not in out
    assert f"Undo of run {applied_run} (run {applied_run + 1}): 2 of 2 done" in out
    assert {i: c["Active"] for i, c in the_company().items()} == start


def test_demo_reset_forgets_decisions_runs_and_company(
        capsys: pytest.CaptureFixture[str]) -> None:
    """`cqtriage demo --reset` starts the demo as on the first day: no decisions, no runs, the
    bundled customers all active again; a real session's journal is untouched."""
    snapshot, retired, _ = start_demo_and_decide(retire=2)
    canopy, qbo = cli.demo_paths()
    assert cli.main(["apply", "--canopy", str(canopy), "--qbo", str(snapshot)]) == 0
    assert all(the_company()[i]["Active"] is False for i in retired)
    own = open_session(SessionInputs.of(canopy, qbo), Config())  # the user's own session
    own_triage = Triage(own.report, own.journal)
    own_triage.decide(own_triage.items[0].id, "skip")
    own.close()
    capsys.readouterr()
    assert cli.main(["demo", "--reset", "--report"]) == 0
    assert "starts afresh" in capsys.readouterr().out
    assert not demo_folder().exists() and not snapshot.exists()
    assert not SessionInputs.of(canopy, snapshot).journal_path().exists()
    own = open_session(SessionInputs.of(canopy, qbo), Config())
    assert len(own.journal.decisions()) == 1
    own.close()
    # Started again, the company is the bundled one: every retired customer active.
    snapshot, _, _ = start_demo_and_decide(retire=0)
    assert all(the_company()[i]["Active"] is True for i in retired)
    session = open_session(SessionInputs.of(canopy, snapshot), Config())
    assert session.journal.runs() == []
    session.close()
    assert cli.main(["demo", "--reset", "--report"]) == 0
    assert cli.main(["demo", "--reset", "--report"]) == 0
    assert "nothing to forget" in capsys.readouterr().out


def apply_undo_and_read_anew(retire: int = 0, creates: int = 0
                             ) -> tuple[Path, list[str], list[str], list[str]]:
    """Decide (`start_demo_and_decide`), apply, undo, then `cqtriage demo` again: the demo
    company's list read anew. Returns the snapshot, the retired and created keys and the
    command-line arguments naming the session."""
    snapshot, retired, created = start_demo_and_decide(retire=retire, creates=creates)
    canopy, qbo = cli.demo_paths()
    args = ["--canopy", str(canopy), "--qbo", str(snapshot), "--yes"]
    assert cli.main(["apply", *args]) == 0
    assert cli.main(["undo", *args]) == 0
    demo = DemoQbo(qbo)
    try:
        demo.start()
    finally:
        demo.stop()
    return snapshot, retired, created, args


def test_a_create_brought_back_is_listed_once_as_applied(
        capsys: pytest.CaptureFixture[str]) -> None:
    """User test: apply a create, undo it, reopen the demo (its list read anew), apply again:
    the create brings back the customer the first run made. The plan then listed it twice, as
    applied and as "applied but no longer decided (QBO keeps it)"."""
    from tui.service.plan import build_plan

    snapshot, _, created, args = apply_undo_and_read_anew(retire=0, creates=1)
    canopy, _ = cli.demo_paths()
    assert cli.main(["apply", *args]) == 0
    assert "brings back QBO" in capsys.readouterr().out

    def plan_now():  # type: ignore[no-untyped-def]
        session = open_session(SessionInputs.of(canopy, snapshot), Config())
        if session.changes:
            session.accept_changes()
        triage = Triage(session.report, session.journal)
        return session, triage, build_plan(triage)

    session, triage, plan = plan_now()
    [op] = plan.operations
    assert (op.kind, op.key, op.applied) == ("create", created[0], True)
    assert plan.kept == [] and plan.summary()["kept"] == 0
    # Dropping the decision leaves the brought-back customer in QBO, said as such.
    triage.decide(op.items[0], "drop")
    session.close()
    session, _, plan = plan_now()
    [kept] = plan.kept
    assert kept.run == 3 and "brought back for Canopy" in kept.text, kept.text
    session.close()


def test_after_apply_and_undo_a_reread_does_not_call_our_customers_edited(
        capsys: pytest.CaptureFixture[str]) -> None:
    """User test: after apply and undo, reopening the demo (its list read anew) listed every
    customer our runs had touched as "edited in a column your decision does not use": only
    their SyncToken and time had moved, by our own writes, since put back."""
    snapshot, retired, _, _ = apply_undo_and_read_anew(retire=2)
    canopy, qbo = cli.demo_paths()
    session = open_session(SessionInputs.of(canopy, snapshot), Config())
    assert session.changes == []  # nothing but our own writes, put back
    session.close()
    # A colleague's edit after our undo is still told.
    qbo_id = retired[0]
    demo = DemoQbo(qbo)
    try:
        demo.start()
        assert demo.server is not None
        token = demo.server.store.get(qbo_id)["SyncToken"]
        demo.server.store.update({"Id": qbo_id, "SyncToken": token, "sparse": True,
                                  "PrimaryEmailAddr": {"Address": "new@example.org"}})
        fetch_snapshot(demo.client())  # the list read again
        session = open_session(SessionInputs.of(canopy, snapshot), Config())
        [change] = session.changes
        assert change.edited == 1 and f"QBO {qbo_id} (" in change.details[0]
        session.close()
    finally:
        demo.stop()


def test_the_demo_is_never_offered_another_sessions_decisions_headless(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """User test: after `demo --reset`, `cqtriage plan` offered to continue the user's own
    session on copies of the demo lists; the app already did not."""
    import shutil

    canopy, qbo = cli.demo_paths()
    copies = [Path(shutil.copy(p, tmp_path / p.name)) for p in (canopy, qbo)]
    own = open_session(SessionInputs.of(*copies), Config())
    own_triage = Triage(own.report, own.journal)
    own_triage.decide(own_triage.items[0].id, "skip")
    own.close()
    demo = DemoQbo(qbo)
    try:
        snapshot = demo.start()
    finally:
        demo.stop()
    capsys.readouterr()
    assert cli.main(["plan", "--canopy", str(canopy), "--qbo", str(snapshot)]) == 0
    assert "earlier session" not in capsys.readouterr().err.lower()
    # The same lists at a path of their own are still offered it.
    other = [Path(shutil.copy(p, tmp_path / f"week2-{p.name}")) for p in copies]
    assert cli.main(["plan", "--canopy", str(other[0]), "--qbo", str(other[1])]) == 0
    assert "an earlier session" in capsys.readouterr().err.lower()
