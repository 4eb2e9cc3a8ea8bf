"""Apply tells the whole truth: a lost answer leaves operations *sent* for a resume under the
same request id (never *failed*), and the summary and exit status of a resumed run count every
operation of the run, failures recorded before a crash included."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from dropping_proxy import DroppingProxy
from test_apply import DATA, item_with, many_clients, open_live, seeded

from tui import cli
from tui.sandbox.server import SandboxServer
from tui.service import apply
from tui.service.config import QboConfig
from tui.service.errors import UserError
from tui.service.plan import build_plan
from tui.service.qbo.client import QboClient
from tui.service.qbo.tokens import Tokens, save_tokens


@pytest.fixture
def proxy(server: SandboxServer) -> Iterator[DroppingProxy]:
    running = DroppingProxy(server.url).start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def proxied(qbo_config: QboConfig, tokens: Tokens, proxy: DroppingProxy) -> QboClient:
    """A client whose API requests pass through the proxy."""
    return QboClient(qbo_config, replace(tokens, base_url=proxy.url + "/v3"),
                     save=lambda t: None, sleep=lambda s: None)


@pytest.mark.parametrize("size", [1, 3])
def test_a_lost_answer_leaves_the_batch_sent_for_a_resume(
        server: SandboxServer, proxied: QboClient, proxy: DroppingProxy, tmp_path: Path,
        size: int) -> None:
    seeded(server)
    canopy = many_clients(tmp_path / "clients.csv", size)
    session, triage = open_live(proxied, canopy)
    for n in range(size):
        triage.decide(f"record:canopy:K{n:04d}", "create", record=f"canopy:K{n:04d}")
    journal = session.journal
    run = apply.start_apply(journal, build_plan(triage))
    before = len(server.store.all())
    proxy.drop = 1
    with pytest.raises(UserError, match="apply again") as caught:
        apply.run(journal, proxied, run)
    assert "sent" in caught.value.what
    ops = journal.operations(run)
    assert [(op.state, op.error) for op in ops] == [("sent", None)] * size
    assert journal.open_run() == run
    assert len(server.store.all()) == before + size  # QBO did the work; we never heard
    assert len(proxy.dropped) == 1

    result = apply.run(journal, proxied, run)  # the resume
    assert (result.done, result.conflicts, result.failed) == (size, [], [])
    assert len(server.store.all()) == before + size  # answered from memory, not run again
    sent_as = ops[0].request_id if size == 1 else f"b0-{ops[0].request_id[:30]}"
    assert server.store.remembered(sent_as) is not None
    assert sent_as in proxy.dropped[0]
    session.close()


def test_a_refused_connection_on_a_one_operation_batch_is_not_a_failure(
        server: SandboxServer, client: QboClient, qbo_config: QboConfig,
        tokens: Tokens) -> None:
    seeded(server)
    session, triage = open_live(client)
    pair = item_with(triage, "canopy:C2", "qbo:2")
    triage.decide(pair.id, "link", canopy="canopy:C2", qbo="qbo:2")
    journal = session.journal
    run = apply.start_apply(journal, build_plan(triage))
    # Nothing listens on port 9 of the loopback: the connection is refused.
    nowhere = QboClient(qbo_config, replace(tokens, base_url="http://127.0.0.1:9/v3"),
                        save=lambda t: None, sleep=lambda s: None)
    with pytest.raises(UserError, match="apply again"):
        apply.run(journal, nowhere, run)
    assert [op.state for op in journal.operations(run)] == ["sent"]
    assert journal.failed_items() == {}
    result = apply.run(journal, client, run)
    assert (result.done, result.failed) == (1, [])
    assert server.store.get("2")["DisplayName"] == "Jane Doe"
    session.close()


def _config_file(tmp_path: Path, server: SandboxServer) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[qbo]\nenvironment = "local"\nlocal_url = "{server.url}"\n'
        'client_id = "sandbox-client"\nclient_secret = "sandbox-secret"\n'
        'redirect_uri = "http://localhost:8000/callback"\nretry_base_seconds = 0.01\n',
        encoding="utf-8")
    return path


def test_a_failure_before_a_crash_is_in_the_summary_after_resume(
        server: SandboxServer, client: QboClient, tokens: Tokens, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    seeded(server)
    save_tokens(tokens)
    config = _config_file(tmp_path, server)
    session, triage = open_live(client)
    triage.decide("record:canopy:C5", "create", record="canopy:C5")
    pair = item_with(triage, "canopy:C2", "qbo:2")
    triage.decide(pair.id, "link", canopy="canopy:C2", qbo="qbo:2")
    server.store.create({"DisplayName": "Mary Jones"})  # taken after the list was read
    journal = session.journal
    run = apply.start_apply(journal, build_plan(triage), batch_size=1)

    def crash(done: int, total: int) -> None:
        if done == 1:
            raise KeyboardInterrupt  # the process dies right after the first batch

    with pytest.raises(KeyboardInterrupt):
        apply.run(journal, client, run, crash)
    assert [op.state for op in journal.operations(run)] == ["failed", "pending"]
    session.close()

    code = cli.main(["apply", "--canopy", str(DATA / "labelled_canopy.csv"), "--qbo", "live",
                     "--config", str(config)])
    out = capsys.readouterr().out
    assert "Finishing run" in out
    assert "1 of 2 done, 0 conflicts, 1 failed" in out
    assert "failed: canopy:C5:" in out and "with that name" in out
    assert code == 1
    assert server.store.get("2")["DisplayName"] == "Jane Doe"


def test_the_summary_counts_conflicts_and_a_conflict_is_a_non_zero_exit(
        server: SandboxServer, client: QboClient, tokens: Tokens, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    seeded(server)
    save_tokens(tokens)
    config = _config_file(tmp_path, server)
    session, triage = open_live(client)
    pair = item_with(triage, "canopy:C2", "qbo:2")
    triage.decide(pair.id, "link", canopy="canopy:C2", qbo="qbo:2")
    session.close()
    server.store.update({"Id": "2", "SyncToken": "0", "sparse": True, "GivenName": "Janet"})
    code = cli.main(["apply", "--canopy", str(DATA / "labelled_canopy.csv"), "--qbo", "live",
                     "--config", str(config)])
    out = capsys.readouterr().out
    assert "0 of 1 done, 1 conflicts, 0 failed" in out
    assert code == 1
    assert server.store.get("2")["GivenName"] == "Janet"  # not overwritten


def test_a_timeout_leaves_the_operation_sent_and_the_resume_applies_it_once(
        server: SandboxServer, client: QboClient, qbo_config: QboConfig,
        tokens: Tokens) -> None:
    seeded(server)
    session, triage = open_live(client)
    pair = item_with(triage, "canopy:C2", "qbo:2")
    triage.decide(pair.id, "link", canopy="canopy:C2", qbo="qbo:2")
    journal = session.journal
    run = apply.start_apply(journal, build_plan(triage))
    impatient = QboClient(qbo_config, tokens, save=lambda t: None, sleep=lambda s: None,
                          timeout=0.2)
    server.config.latency = 0.6  # QBO answers, but after the client stopped waiting
    with pytest.raises(UserError, match="apply again") as caught:
        apply.run(journal, impatient, run)
    assert "Timeout" in caught.value.what
    assert [op.state for op in journal.operations(run)] == ["sent"]
    server.config.latency = 0.0
    result = apply.run(journal, client, run)
    assert (result.done, result.conflicts, result.failed) == (1, [], [])
    assert server.store.get("2")["DisplayName"] == "Jane Doe"
    assert server.store.get("2")["SyncToken"] == "1"  # one write, not two
    session.close()
