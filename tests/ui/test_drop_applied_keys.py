"""`z` / `Z` on stale items whose decisions an apply run already carried out in QBO: the toast
(and, for several, the confirmation first) says what stays changed in QBO and how to undo it,
instead of only "Dropped the decisions of 1 stale item(s).", which let a bookkeeper believe
QBO was as before."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from helpers import reopened_queue, settle, until

from tui.app import TriageApp
from tui.cli import demo_paths
from tui.demo.live import DemoQbo
from tui.screens.dialogs import MessageDialog
from tui.screens.queue import QueueScreen
from tui.service import apply
from tui.service.config import Config
from tui.service.inputs import SessionInputs
from tui.service.plan import build_plan
from tui.service.session import open_session
from tui.service.triage import Triage


@contextmanager
def demo_company() -> Iterator[tuple[DemoQbo, SessionInputs]]:
    """The demo company up, its QBO read anew; stopped on the way out."""
    canopy, qbo = demo_paths()
    demo = DemoQbo(qbo)
    try:
        yield demo, SessionInputs.of(canopy, demo.start())
    finally:
        demo.stop()


def retire_apply_and_let_a_colleague_edit(groups: int) -> list[tuple[str, str]]:
    """In `groups` QBO duplicate groups, keep one active customer and retire another; apply;
    then a colleague changes each kept customer's e-mail in QBO, which makes the decisions
    stale. (item id, retired key) per group."""
    done = []
    with demo_company() as (demo, inputs):
        session = open_session(inputs, Config())
        triage = Triage(session.report, session.journal)
        for item in triage.items:
            active = sorted([m for m in item.members
                             if m.startswith("qbo:") and triage.record(m)["active"]],
                            key=lambda m: triage.record(m)["verdict"] != "Matches")
            if item.kind != "qbo" or len(active) < 2:
                continue
            triage.decide(item.id, "primary", record=active[0])
            triage.decide(item.id, "inactive", record=active[1], value=True)
            done.append((item.id, active[1], active[0]))
            if len(done) == groups:
                break
        client = demo.client()
        assert apply.run(session.journal, client,
                         apply.start_apply(session.journal, build_plan(triage))).complete
        for _, _, kept in done:
            qbo_id = kept.split(":", 1)[1]
            token = str(client.read(qbo_id)["SyncToken"])
            client.sparse_update(qbo_id, token, {"PrimaryEmailAddr": {"Address": "x@example.org"}},
                                 f"colleague-{qbo_id}")
        session.close()
    return [(item_id, retired) for item_id, retired, _ in done]


def toast(app: TriageApp) -> str:
    return list(app._notifications)[-1].message


def test_dropping_applied_decisions_says_what_stays_in_qbo(tmp_path: Path) -> None:
    (first, retired), (second, other) = retire_apply_and_let_a_colleague_edit(2)

    async def scenario() -> None:
        with demo_company() as (_, inputs):
            app = TriageApp(inputs, Config())
            async with app.run_test(size=(120, 40)) as pilot:
                await reopened_queue(app, pilot)  # the inputs changed: resume with them
                assert set(app.triage.stale_item_ids()) == {first, second}
                # Several at once: asked first, saying what stays changed in QBO.
                await pilot.press("Z")
                await until(pilot, lambda: isinstance(app.screen, MessageDialog), "the question")
                body = app.screen.body
                for key in (retired, other):
                    assert f"QBO {key.split(':', 1)[1]} (" in body
                assert "made inactive" in body and "cqtriage undo" in body
                await pilot.press("escape")  # cancel: nothing dropped
                await settle(pilot)
                assert set(app.triage.stale_item_ids()) == {first, second}
                await pilot.press("Z")
                await until(pilot, lambda: isinstance(app.screen, MessageDialog), "the question")
                await pilot.press("enter")
                await settle(pilot)
                assert app.triage.stale_item_ids() == []
                said = toast(app)
                assert "Dropped the decisions of 2 stale item(s)" in said
                assert "made inactive" in said and "stays so" in said
                assert "cqtriage undo" in said
                # One item: no question, the toast says it.
                await pilot.press("u")
                await settle(pilot)
                screen = app.screen
                assert isinstance(screen, QueueScreen)
                screen.position = screen.triage.move_to(app.triage.index[first])
                screen.show_item()
                await pilot.press("z")
                await settle(pilot)
                said = toast(app)
                assert not isinstance(app.screen, MessageDialog)
                assert "Dropped the decisions of 1 stale item(s)" in said
                assert f"QBO {retired.split(':', 1)[1]} (" in said and "made inactive" in said
                assert f"QBO {other.split(':', 1)[1]} (" not in said

    asyncio.run(scenario())
