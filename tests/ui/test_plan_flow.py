"""The plan screen in the demo: its QBO is the sandbox, in-process; apply, then undo."""

from __future__ import annotations

import asyncio

from helpers import demo_app, settle, static_text, to_queue, until_report

from tui.app import TriageApp
from tui.cli import demo_paths
from tui.demo.live import DemoQbo, demo_snapshot_path
from tui.screens.dialogs import MessageDialog
from tui.screens.plan import PlanScreen
from tui.service.config import Config
from tui.service.inputs import SessionInputs


def test_apply_and_undo_from_the_plan_screen() -> None:
    async def scenario() -> None:
        canopy, qbo = demo_paths()
        demo = DemoQbo(qbo)
        app = TriageApp(SessionInputs.of(canopy, demo_snapshot_path()), Config(),
                        prepare=demo.start, client_factory=demo.client)
        try:
            async with app.run_test(size=(120, 40)) as pilot:
                await until_report(pilot)
                triage = app.triage
                def active_qbo(item):  # type: ignore[no-untyped-def]
                    return [k for k in item.members
                            if k.startswith("qbo:") and triage.record(k)["active"]]

                group = next(i for i in triage.items if len(active_qbo(i)) >= 2)
                keep, retire = active_qbo(group)[:2]
                triage.decide(group.id, "primary", record=keep)
                triage.decide(group.id, "inactive", record=retire, value=True)
                await pilot.press("P")
                await settle(pilot)
                screen = app.screen
                assert isinstance(screen, PlanScreen)
                assert screen.plan.summary()["deactivations"] == 1
                detail = static_text(screen.query_one("#plan-table .detail"))
                # The value as a user reads it, not QBO's `True → False`.
                assert "Active: active → inactive" in detail
                assert f"Why: {screen.plan.operations[0].why[0]}" in " ".join(detail.split())
                qbo_id = retire.split(":", 1)[1]
                assert demo.server is not None
                assert demo.server.store.get(qbo_id)["Active"] is True
                await pilot.press("a")
                await settle(pilot)
                # Nothing is written before the user confirms the counts.
                dialog = app.screen
                assert isinstance(dialog, MessageDialog)
                assert "0 customers to create, 1 customer to update (1 made inactive)" \
                    in dialog.body
                await pilot.press("escape")
                await settle(pilot)
                assert app.session.journal.runs() == []
                assert demo.server.store.get(qbo_id)["Active"] is True
                await pilot.press("a")
                await settle(pilot)
                await pilot.press("enter")
                await settle(pilot)
                await app.workers.wait_for_complete()
                await settle(pilot)
                assert demo.server.store.get(qbo_id)["Active"] is False
                assert app.session.journal.runs()[-1][1] == "apply"
                await pilot.press("U")
                await settle(pilot)
                assert isinstance(app.screen, MessageDialog)
                await pilot.press("enter")
                await app.workers.wait_for_complete()
                await settle(pilot)
                assert demo.server.store.get(qbo_id)["Active"] is True
                assert app.session.journal.runs()[-2][4] is not None  # the apply is undone
        finally:
            demo.stop()

    asyncio.run(scenario())


def test_plan_reads_at_80_columns() -> None:
    """At 80×24 the After column is on screen and the detail line gives the highlighted
    change in full: a phone as its number, an address as one line, not QBO's objects."""
    async def scenario() -> None:
        app = demo_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await to_queue(pilot)
            triage = app.triage
            item = next(i for i in triage.items
                        if any(k.startswith("qbo:") for k in i.members))
            qbo_key = next(k for k in item.members if k.startswith("qbo:"))
            triage.decide(item.id, "edit", record=qbo_key,
                          fields={"phone": "555-0100", "street": "1 Main St", "city": "Reno"})
            await pilot.press("P")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, PlanScreen)
            frame = screen.query_one("#plan-table").shown
            changes = {row["Field"]: row for row in frame.iter_rows(named=True)}
            assert changes["Phone"]["After"] == "555-0100"
            assert changes["Address"]["After"].startswith("1 Main St, Reno")
            assert "{" not in "".join(frame["After"].to_list() + frame["Before"].to_list())
            table = screen.query_one("#plan-table DataTable")
            after = list(frame.columns).index("After")
            right_edge = sum(c.render_width for c in table.ordered_columns[:after + 1])
            assert right_edge <= 80  # After is on screen without scrolling
            rows = frame["Field"].to_list()
            table.move_cursor(row=rows.index("Phone"), animate=False)
            await settle(pilot)
            detail = static_text(screen.query_one("#plan-table .detail"))
            before = changes["Phone"]["Before"]
            assert f"Phone: {before} → 555-0100" in detail

    asyncio.run(scenario())
