"""Bare `cqtriage` reopening a demo session: the demo's company starts again from its data
folder, and the plan screen applies and undoes, each after a confirmation with the counts."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from helpers import settle, until_report

from tui import cli
from tui.demo.live import DemoQbo, demo_folder
from tui.screens.dialogs import MessageDialog
from tui.screens.plan import PlanScreen
from tui.service.config import Config
from tui.service.inputs import SessionInputs, last_inputs
from tui.service.qbo.tokens import token_path
from tui.service.session import open_session
from tui.service.triage import Triage


def _demo_session_with_a_retired_customer() -> str:
    """`cqtriage demo`, headless: one duplicate QBO customer marked inactive, then quit."""
    canopy, qbo = cli.demo_paths()
    demo = DemoQbo(qbo)
    try:
        session = open_session(SessionInputs.of(canopy, demo.start()), Config())
        triage = Triage(session.report, session.journal)
        for item in triage.items:
            active = sorted([k for k in item.members
                             if k.startswith("qbo:") and triage.record(k)["active"]],
                            key=lambda k: triage.record(k)["verdict"] != "Matches")
            if item.kind == "qbo" and len(active) >= 2:
                triage.decide(item.id, "primary", record=active[0])
                triage.decide(item.id, "inactive", record=active[1], value=True)
                session.close()
                return active[1].split(":", 1)[1]
        raise AssertionError("the demo has no QBO duplicates")
    finally:
        demo.stop()


def _active(qbo_id: str) -> bool:
    path: Path = demo_folder() / "qbo-company.json"
    return bool(json.loads(path.read_text(encoding="utf-8"))["customers"][qbo_id]["Active"])


def test_bare_cqtriage_reopens_a_demo_that_applies_and_undoes() -> None:
    qbo_id = _demo_session_with_a_retired_customer()
    assert _active(qbo_id)
    inputs = last_inputs()
    assert inputs is not None
    app, stop = cli.session_app(inputs.canopy, inputs.qbo, Config())

    async def scenario() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await until_report(pilot)
            await pilot.press("P")
            await settle(pilot)
            assert isinstance(app.screen, PlanScreen)
            await pilot.press("a")
            await settle(pilot)
            assert isinstance(app.screen, MessageDialog)
            await pilot.press("enter")
            await settle(pilot)
            await app.workers.wait_for_complete()
            await settle(pilot)
            assert not _active(qbo_id)
            await pilot.press("U")
            await settle(pilot)
            assert isinstance(app.screen, MessageDialog)
            assert "1 customer" in app.screen.body
            await pilot.press("enter")
            await app.workers.wait_for_complete()
            await settle(pilot)
            assert _active(qbo_id)

    try:
        asyncio.run(scenario())
    finally:
        stop()
    assert not token_path().exists()
