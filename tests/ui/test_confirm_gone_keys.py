"""`y` / `Y` on a stale item whose decision names a record gone from the input: re-confirming
it counted the item decided while the plan silently had no row for it and `cqtriage plan`
said `0 stale decisions left out`. Now it is refused, saying why and what to do instead."""

from __future__ import annotations

import asyncio
from pathlib import Path

from helpers import settle
from test_queue_flows import armanda_decided_then_238_deleted, demo_app, reopened_queue

from tui.service.plan import build_plan


def test_a_decision_naming_a_gone_record_is_not_reconfirmed(tmp_path: Path) -> None:
    item_id = armanda_decided_then_238_deleted(tmp_path)

    async def scenario() -> None:
        app = demo_app(tmp_path)
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await reopened_queue(app, pilot)
            assert screen.item is not None and screen.item.id == item_id  # stale: first
            await pilot.press("y")
            await settle(pilot)
            said = list(app._notifications)[-1].message
            assert "QBO 238" in said and "no longer in the input" in said
            assert "drop it (z)" in said
            assert app.triage.stale(item_id), "re-confirmed all the same"
            await pilot.press("Y")
            await settle(pilot)
            said = list(app._notifications)[-1].message
            assert "1 stale item(s) not re-confirmed" in said
            assert app.triage.stale(item_id)
            # The plan still lists it as left out, not silently nothing.
            assert [s.item for s in build_plan(app.triage, {}).stale] == [item_id]

    asyncio.run(scenario())
