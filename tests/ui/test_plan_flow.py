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
                    active = [k for k in item.members
                              if k.startswith("qbo:") and triage.record(k)["active"]]
                    return sorted(active, key=lambda k: triage.record(k)["verdict"] != "Matches")

                group = next(i for i in triage.items if len(active_qbo(i)) >= 2)
                keep, retire = active_qbo(group)[:2]
                triage.decide(group.id, "primary", record=keep)
                triage.decide(group.id, "inactive", record=retire, value=True)
                await pilot.press("P")
                await settle(pilot)
                screen = app.screen
                assert isinstance(screen, PlanScreen)
                assert screen.plan.summary()["deactivations"] == 1
                summary = static_text(screen.query_one("#plan-summary"))
                assert "Nothing is sent until you press a." in summary
                assert "cannot send" not in summary
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
                # The report still shows QBO as read before the run: the title bar says so.
                assert app.sub_title.startswith("QBO as read ")
                assert ", before run 1 · " in app.sub_title
                await pilot.press("U")
                await settle(pilot)
                assert isinstance(app.screen, MessageDialog)
                await pilot.press("enter")
                await app.workers.wait_for_complete()
                await settle(pilot)
                assert demo.server.store.get(qbo_id)["Active"] is True
                assert app.session.journal.runs()[-2][4] is not None  # the apply is undone
                assert ", before runs 1–2 · " in app.sub_title
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
            # A CSV session cannot apply: the summary must not also invite pressing a.
            summary = static_text(screen.query_one("#plan-summary"))
            assert "Apply cannot send this plan" in summary
            assert "press a" not in summary
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


def _decide_many(app: TriageApp) -> None:
    """Retire the second active QBO customer of every group holding two or more, and link
    every probable pair (renames): a plan of many operations on ids of different lengths."""
    triage = app.triage
    assert triage is not None
    for item in triage.items:
        active = sorted([k for k in item.members
                         if k.startswith("qbo:") and triage.record(k)["active"]],
                        # The one Canopy's sync links by name first: retiring it unlinks it.
                        key=lambda k: triage.record(k)["verdict"] != "Matches")
        if item.kind == "pair":
            canopy, qbo = item.members
            triage.decide(item.id, "link", canopy=canopy, qbo=qbo)
        elif len(active) >= 2:
            triage.decide(item.id, "primary", record=active[0])
            triage.decide(item.id, "inactive", record=active[1], value=True)


def test_the_plan_reads_well_before_and_after_apply() -> None:
    """New user's report, item 7: ids sort as numbers; the Record column names records
    (`QBO 174`, `Canopy C000031`), the raw key is in the detail line; no progress bar on a dry
    run; after apply Why keeps its header at 80 columns; Before and After grow on wider
    screens."""
    from textual.widgets import ProgressBar

    from tui.widgets.record_table import RecordTable

    async def scenario() -> None:
        canopy, qbo = demo_paths()
        demo = DemoQbo(qbo)
        app = TriageApp(SessionInputs.of(canopy, demo_snapshot_path()), Config(),
                        prepare=demo.start, client_factory=demo.client)
        try:
            async with app.run_test(size=(80, 24)) as pilot:
                await until_report(pilot)
                _decide_many(app)
                await pilot.press("P")
                await settle(pilot)
                screen = app.screen
                assert isinstance(screen, PlanScreen)
                assert not screen.query_one("#plan-progress", ProgressBar).display
                table = screen.query_one("#plan-table", RecordTable)
                records = table.shown["Record"].to_list()
                qbo_ids = [int(r.split()[1]) for r in records if r.startswith("QBO ")]
                assert len(set(qbo_ids)) > 5 and qbo_ids == sorted(qbo_ids)
                assert all(r.startswith(("QBO ", "Canopy ")) for r in records), records
                detail = static_text(screen.query_one("#plan-table .detail"))
                assert f"{records[0]} ({table.shown['key'][0]})" in detail

                await table.sort_on_cursor()  # the Record column: numbers, not text
                await settle(pilot)
                sorted_ids = [int(r.split()[1]) for r in table.shown["Record"].to_list()
                              if r.startswith("QBO ")]
                assert sorted_ids == sorted(sorted_ids)

                operations = len(screen.plan.operations)
                await pilot.press("a")
                await settle(pilot)
                await pilot.press("enter")
                await app.workers.wait_for_complete()
                await settle(pilot)
                assert screen.plan.summary()["applied"] == operations
                grid = screen.query_one("#plan-table DataTable")
                right = sum(c.render_width for c in grid.ordered_columns[:-1])
                assert right + len("Why") + 1 <= 80 - 2, right  # "Why" whole, not "Wh"

                await pilot.resize_terminal(120, 40)
                await settle(pilot)
                await app.workers.wait_for_complete()
                await settle(pilot)
                assert table.widths["Before"] > 16 and table.widths["After"] > 16
        finally:
            demo.stop()

    asyncio.run(scenario())
