"""On resume with stale items the toast says they are first in the queue, but the queue
opened where the user left off, past them. Now it opens at the first stale item."""

from __future__ import annotations

import asyncio
from pathlib import Path

from helpers import settle
from test_queue_flows import armanda_decided_then_238_deleted, demo_app, reopened_queue

from tui.service.config import Config
from tui.service.inputs import SessionInputs
from tui.service.session import open_session
from tui.service.triage import Triage


def test_resume_opens_the_queue_at_the_first_stale_item(tmp_path: Path) -> None:
    item_id = armanda_decided_then_238_deleted(tmp_path)
    canopy, qbo = next(tmp_path.glob("canopy*.csv")), next(tmp_path.glob("qbo*.csv"))
    session = open_session(SessionInputs.of(canopy, qbo), Config())
    triage = Triage(session.report, session.journal)
    # The user left off far down the queue, at an item that is not stale.
    elsewhere = triage.items[len(triage.items) // 2].id
    assert elsewhere != item_id
    session.journal.set("cursor", elsewhere)
    session.close()

    async def scenario() -> None:
        app = demo_app(tmp_path)
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await reopened_queue(app, pilot)
            await settle(pilot)
            assert screen.item is not None and screen.item.id == item_id
            assert any("first in the queue" in n.message for n in app._notifications)

    asyncio.run(scenario())
