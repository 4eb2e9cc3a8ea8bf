"""Plan → apply → undo against the sandbox over real HTTP, stale conflicts, a 429 storm, and
kill -9 at random moments: the company ends exactly as after an uninterrupted run."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tui.sandbox import wire
from tui.sandbox.seed import customers_from_csv
from tui.sandbox.server import SandboxConfig, SandboxServer, seed_from_records
from tui.sandbox.store import CustomerStore
from tui.service import apply
from tui.service.config import Config, QboConfig
from tui.service.errors import UserError
from tui.service.inputs import SessionInputs
from tui.service.journal import Journal
from tui.service.plan import build_plan
from tui.service.qbo import oauth
from tui.service.qbo.client import QboClient, RateLimiter
from tui.service.qbo.tokens import save_tokens
from tui.service.session import Session, open_session
from tui.service.sources.qbo_api import fetch_snapshot, snapshot_path
from tui.service.triage import Triage

DATA = Path(__file__).parent.parent / "data"


def seeded(server: SandboxServer) -> None:
    seed_from_records(server.store, customers_from_csv(DATA / "labelled_qbo.csv"))


def open_live(client: QboClient, canopy: Path = DATA / "labelled_canopy.csv",
              fetch: bool = True) -> tuple[Session, Triage]:
    snapshot = fetch_snapshot(client)
    session = open_session(SessionInputs.of(canopy, snapshot), Config())
    return session, Triage(session.report, session.journal)


def item_with(triage: Triage, *keys: str):  # type: ignore[no-untyped-def]
    return next(i for i in triage.items if set(keys) <= set(i.members))


def names(server: SandboxServer) -> dict[str, tuple[str, bool]]:
    return {c["Id"]: (c["DisplayName"], c["Active"]) for c in server.store.all()}


def test_plan_apply_undo_round_trip(server: SandboxServer, client: QboClient) -> None:
    seeded(server)
    before = names(server)
    session, triage = open_live(client)
    competing = item_with(triage, "canopy:C7", "canopy:C8")
    triage.decide(competing.id, "primary", record="canopy:C7")
    triage.decide(competing.id, "create", record="canopy:C8")
    pair = item_with(triage, "canopy:C2", "qbo:2")
    triage.decide(pair.id, "link", canopy="canopy:C2", qbo="qbo:2")
    dupes = item_with(triage, "qbo:8", "qbo:9")
    triage.decide(dupes.id, "edit", record="qbo:8", fields={"email": "sam@black.example.com"})
    canopy_dupes = item_with(triage, "canopy:C9", "canopy:C10")
    triage.decide(canopy_dupes.id, "inactive", record="canopy:C10", value=True)

    plan = build_plan(triage)
    assert plan.applicable and plan.contradictions == []
    kinds = sorted((op.kind, op.key) for op in plan.operations)
    assert kinds == [("create", "canopy:C8"), ("update", "qbo:2"), ("update", "qbo:8")]
    rename = next(op for op in plan.operations if op.key == "qbo:2")
    assert (rename.before["DisplayName"], rename.fields["DisplayName"]) == ("Doe, Jane",
                                                                            "Jane Doe")
    assert [(w.canopy_id, w.action) for w in plan.worklist] == [("C10", "archive")]

    run = apply.start_apply(session.journal, plan)
    result = apply.run(session.journal, client, run)
    assert (result.done, result.conflicts, result.failed) == (3, [], [])
    after = names(server)
    assert after["2"] == ("Jane Doe", True)
    created = [i for i in after if i not in before]
    assert [after[i] for i in created] == [("Green, Tom", True)]
    assert server.store.get("8")["PrimaryEmailAddr"]["Address"] == "sam@black.example.com"
    with pytest.raises(UserError, match="nothing to apply"):
        apply.start_apply(session.journal, build_plan(triage))

    undo = apply.run(session.journal, client, apply.start_undo(session.journal))
    assert undo.done == 3
    reverted = names(server)
    assert reverted["2"] == ("Doe, Jane", True)
    assert reverted[created[0]] == ("Green, Tom (deleted)", False)  # QBO never deletes
    assert server.store.get("8")["PrimaryEmailAddr"]["Address"] == "sam.black@example.com"
    session.close()


def test_stale_sync_token_is_a_conflict(server: SandboxServer, client: QboClient) -> None:
    seeded(server)
    session, triage = open_live(client)
    pair = item_with(triage, "canopy:C2", "qbo:2")
    triage.decide(pair.id, "link", canopy="canopy:C2", qbo="qbo:2")
    # Someone edits the customer in QBO after the list was read.
    server.store.update({"Id": "2", "SyncToken": "0", "sparse": True, "GivenName": "Janet"})
    result = apply.run(session.journal, client,
                       apply.start_apply(session.journal, build_plan(triage)))
    assert [op.key for op in result.conflicts] == ["qbo:2"]
    assert result.conflicts[0].result["GivenName"] == "Janet"  # re-read, shown to the user
    assert server.store.get("2")["DisplayName"] == "Doe, Jane"  # not overwritten
    again = Triage(session.report, session.journal)
    assert not again.is_decided(pair.id)  # back in the queue
    assert again.in_conflict(pair.id)
    again.decide(pair.id, "link", canopy="canopy:C2", qbo="qbo:2")  # decided again: settled
    assert again.is_decided(pair.id) and not again.in_conflict(pair.id)
    session.close()


def test_429_storm_is_ridden_out(server: SandboxServer, client: QboClient) -> None:
    seeded(server)
    session, triage = open_live(client)
    pair = item_with(triage, "canopy:C2", "qbo:2")
    triage.decide(pair.id, "link", canopy="canopy:C2", qbo="qbo:2")
    run = apply.start_apply(session.journal, build_plan(triage))
    server.fail_next(429, "", times=5)
    result = apply.run(session.journal, client, run)
    assert result.done == 1 and client.retries == 5
    assert server.store.get("2")["DisplayName"] == "Jane Doe"
    session.close()


def many_clients(path: Path, n: int) -> Path:
    lines = ["Client ID,Client Type,Client Name,Email"]
    lines += [f"K{i:04d},Individual,Client{i:04d} Person,k{i}@example.com" for i in range(n)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _decide_all_creates(canopy: Path, client: QboClient) -> Session:
    session, _ = open_live(client, canopy)
    triage = Triage(session.report, session.journal)
    for key in [f"canopy:K{i:04d}" for i in range(session.report.canopy.frame.height)]:
        triage.decide(f"record:{key}", "create", record=key)
    return session


def _state(store: CustomerStore) -> list[tuple[str, str, bool, str]]:
    return sorted((c["Id"], c["DisplayName"], c["Active"], c.get("SyncToken", ""))
                  for c in store.all())


def test_kill_9_at_random_moments_applies_everything_once(tmp_path: Path,
                                                          qbo_config: QboConfig) -> None:
    n = 300
    canopy = many_clients(tmp_path / "clients.csv", n)

    # The reference: one uninterrupted run against its own sandbox.
    reference = SandboxServer(CustomerStore(), SandboxConfig(limits=False))
    reference.serve_in_thread()
    try:
        seeded(reference)
        config = QboConfig(environment="local", local_url=reference.url,
                           client_id="sandbox-client", client_secret="sandbox-secret",
                           redirect_uri="http://localhost:8000/callback")
        pending = oauth.start_login(config)
        from conftest import browser
        tokens = oauth.finish_login(pending, browser(pending.url), config)
        ref_client = QboClient(config, tokens, save=lambda t: None, sleep=lambda s: None,
                               limiter=RateLimiter.unlimited())
        session = _decide_all_creates(canopy, ref_client)
        apply.run(session.journal, ref_client,
                  apply.start_apply(session.journal, build_plan(Triage(session.report,
                                                                       session.journal))))
        session.close()
        expected = _state(reference.store)
    finally:
        reference.shutdown()
        reference.server_close()

    # The same plan, applied by `cqtriage apply` killed at random moments, in a new home.
    home = tmp_path / "home2"
    os.environ["CQTRIAGE_HOME"] = str(home)  # restored by the autouse fixture
    server = SandboxServer(CustomerStore(), SandboxConfig(latency=0.3))
    server.serve_in_thread()
    try:
        seeded(server)
        config = QboConfig(environment="local", local_url=server.url,
                           client_id="sandbox-client", client_secret="sandbox-secret",
                           redirect_uri="http://localhost:8000/callback",
                           retry_base_seconds=0.01)
        from conftest import browser
        pending = oauth.start_login(config)
        tokens = oauth.finish_login(pending, browser(pending.url), config)
        save_tokens(tokens)
        client = QboClient(config, tokens, save=save_tokens, sleep=lambda s: None)
        _decide_all_creates(canopy, client).close()
        config_file = tmp_path / "config.toml"
        config_file.write_text(
            f'[qbo]\nenvironment = "local"\nlocal_url = "{server.url}"\n'
            'client_id = "sandbox-client"\nclient_secret = "sandbox-secret"\n'
            'redirect_uri = "http://localhost:8000/callback"\nretry_base_seconds = 0.01\n',
            encoding="utf-8")
        command = [sys.executable, "-m", "tui.cli", "apply", "--canopy", str(canopy),
                   "--qbo", "live", "--config", str(config_file)]
        env = {**os.environ, "CQTRIAGE_HOME": str(home)}
        rng = random.Random(1234)
        kills = 0
        midway = 0  # kills that left the run part done: the case that matters
        journal_path = SessionInputs.of(canopy, snapshot_path(tokens.realm_id)).journal_path()

        def done_count() -> int:
            journal = Journal(journal_path)
            try:
                run = journal.open_run()
                return -1 if run is None else sum(
                    op.state == "done" for op in journal.operations(run))
            finally:
                journal.close()

        for _ in range(10):
            before = done_count()
            process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
            # Wait for this process to get somewhere, then kill it a random moment later:
            # mid-request, mid-journal-write, between batches.
            deadline = time.monotonic() + 20
            while process.poll() is None and done_count() <= max(before, 0) \
                    and time.monotonic() < deadline:
                time.sleep(0.02)
            time.sleep(rng.uniform(0.0, 0.6))
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                kills += 1
            process.wait()
            count = done_count()
            midway += count > 0
            if count == -1 and process.returncode == 0:
                break  # finished before it could be killed
        final = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
        finished = final.returncode == 0 or "nothing to apply" in final.stderr
        assert finished, final.stderr
        assert _state(server.store) == expected
        assert kills >= 3 and midway >= 1  # the test did interrupt runs midway
    finally:
        server.shutdown()
        server.server_close()


def test_a_half_recorded_batch_is_resent_under_its_own_request_id(
        server: SandboxServer, client: QboClient, tmp_path: Path) -> None:
    """A crash after QBO applied a batch but before every answer was journaled: the rest of
    the batch goes again under the batch's request id, and QBO answers from memory."""
    seeded(server)
    before = len(server.store.customers)  # the list's orphan job ("Acme LLC:…") is left out
    canopy = many_clients(tmp_path / "clients.csv", 5)
    session = _decide_all_creates(canopy, client)
    journal = session.journal
    run = apply.start_apply(journal, build_plan(Triage(session.report, journal)))
    ops = journal.operations(run)
    assert len({op.batch for op in ops}) == 1 and len(ops) == 5
    answers = client.batch([apply.BatchItem(op.bid, op.kind, op.body) for op in ops],
                           f"b0-{ops[0].request_id[:30]}")
    journal.mark_sent([op.op for op in ops])
    for op, answer in list(zip(ops, answers, strict=True))[:2]:  # then the process died
        journal.finish_operation(op.op, "done", answer)
    result = apply.run(journal, client, run)
    assert (result.done, result.failed) == (5, [])
    assert client.count() == 5 + before
    session.close()


def test_a_plan_with_only_canopy_work_sends_nothing(server: SandboxServer,
                                                    client: QboClient) -> None:
    seeded(server)
    session, triage = open_live(client)
    canopy_dupes = item_with(triage, "canopy:C9", "canopy:C10")
    triage.decide(canopy_dupes.id, "inactive", record="canopy:C10", value=True)
    with pytest.raises(UserError, match="nothing to send to QBO") as caught:
        apply.start_apply(session.journal, build_plan(triage))
    assert "export" in caught.value.todo
    assert session.journal.runs() == []
    session.close()


def test_a_batch_refused_as_a_whole_marks_no_operation_failed(
        server: SandboxServer, client: QboClient, tmp_path: Path) -> None:
    """QBO answering a batch's request id with a whole-request Fault (here one remembered from
    an earlier send cut off mid-body, as the sandbox once did): nothing was applied, so apply
    stops with every operation still sent, none failed, and says the request is at fault."""
    seeded(server)
    canopy = many_clients(tmp_path / "clients.csv", 5)
    session = _decide_all_creates(canopy, client)
    journal = session.journal
    run = apply.start_apply(journal, build_plan(Triage(session.report, journal)))
    ops = journal.operations(run)
    before = client.count()
    refusal = wire.required("BatchItemRequest")
    server.store.remember(f"b0-{ops[0].request_id[:30]}", refusal.status,
                          json.dumps(refusal.body()).encode())
    with pytest.raises(UserError) as caught:
        apply.run(journal, client, run)
    message = caught.value.one_line()
    assert "code 2020" in message and "whole batch was refused, none of it applied" in message
    assert "5 operation(s) left sent or pending, none failed" in message
    assert "fix the record" not in message
    assert {op.state for op in journal.operations(run)} == {"sent"}
    assert client.count() == before
    session.close()
