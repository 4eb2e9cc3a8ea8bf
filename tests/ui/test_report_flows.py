"""The report screen, session start-up and the help, driven with the Pilot."""

from __future__ import annotations

import asyncio
from pathlib import Path

from helpers import demo_app, settle, static_text, until_reclassified, until_report
from textual.widgets import TabbedContent

from tui.app import TriageApp
from tui.commands import COMMANDS
from tui.screens.dialogs import MessageDialog
from tui.screens.help import HelpScreen
from tui.screens.queue import QueueScreen
from tui.screens.report import ReportScreen
from tui.service.config import Config
from tui.service.inputs import SessionInputs
from tui.widgets.record_table import RecordTable


def test_filter_then_open_the_row() -> None:
    async def scenario() -> None:
        app = demo_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await until_report(pilot)
            screen = app.screen
            table = screen.query_one("#table-probable", RecordTable)
            everything = table.shown.height
            name = table.frame["QBO"][3]
            await pilot.press("slash", *name, "enter")
            await settle(pilot)
            assert 0 < table.shown.height < everything
            assert all(name.lower() in row.lower() for row in table.shown["QBO"])
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, QueueScreen)
            names = [app.triage.record(k)["display_name"] for k in app.screen.item.members]
            assert any(name.startswith(n) for n in names)
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, ReportScreen)
            await pilot.press("escape")  # clears the filter
            await settle(pilot)
            assert table.shown.height == everything

    asyncio.run(scenario())


def test_tabs_and_sort() -> None:
    async def scenario() -> None:
        app = demo_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await until_report(pilot)
            await pilot.press("n")
            await settle(pilot)
            assert app.screen.query_one(TabbedContent).active == "groups"
            await pilot.press("n", "n")  # New in QBO
            await settle(pilot)
            table = app.screen.current_table()
            await pilot.press("right", "o")  # sort by Name
            await settle(pilot)
            names = table.shown["Name"].to_list()
            assert names == sorted(names)
            await pilot.press("o")
            await settle(pilot)
            assert table.shown["Name"].to_list() == sorted(names, reverse=True)

    asyncio.run(scenario())


def test_thresholds_reclassify_live() -> None:
    async def scenario() -> None:
        app = demo_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await until_report(pilot)
            before = app.session.report.counts()["probable"]
            for _ in range(8):
                await pilot.press("right_square_bracket")
                await until_reclassified(pilot)
            report = app.session.report
            assert report.config.match.review == 80.0  # capped at accept
            assert report.counts()["probable"] < before
            assert app.session.journal.get("review") == "80.0"  # kept for the session
            assert app.screen.query_one("#table-probable", RecordTable).frame.height == (
                report.counts()["probable"])

    asyncio.run(scenario())


def test_changed_input_is_reported_before_resuming(tmp_path: Path) -> None:
    async def first() -> None:
        app = demo_app(tmp_path)
        async with app.run_test(size=(120, 40)) as pilot:
            await until_report(pilot)

    async def second() -> None:
        app = demo_app(tmp_path)
        async with app.run_test(size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()
            await settle(pilot)
            dialog = app.screen
            assert isinstance(dialog, MessageDialog)
            assert "2 removed, 1 edited" in dialog.body
            # Which records, not only how many: the edited one, then the two removed.
            named = [line for line in dialog.body.splitlines() if line.startswith("  · ")]
            assert len(named) == 3, dialog.body
            assert named[0].endswith(": edited (no decision rests on it)")
            assert all(line.endswith(": removed") for line in named[1:])
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, ReportScreen)
            assert app.session.changes == []

    asyncio.run(first())
    canopy = tmp_path / "canopy_clients.csv"
    lines = canopy.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace("Individual", "Business")
    del lines[5:7]
    canopy.write_text("".join(lines), encoding="utf-8")
    asyncio.run(second())


def test_help_lists_every_command_and_palette_offers_them() -> None:
    async def scenario() -> None:
        app = demo_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await until_report(pilot)
            await pilot.press("question_mark")
            await settle(pilot)
            assert isinstance(app.screen, HelpScreen)
            text = " ".join(static_text(app.screen.query_one("#help-table")).split())
            for command in COMMANDS:
                assert command.help in text, command.id
            await pilot.press("escape")
            await settle(pilot)
            from tui.palette import CommandsProvider
            provider = CommandsProvider(app.screen)
            hits = [hit async for hit in provider.discover()]
            assert any("Queue (t)" in str(hit.display) for hit in hits)

    asyncio.run(scenario())


def test_unreadable_input_exits_with_status_2(tmp_path: Path) -> None:
    bad = tmp_path / "clients.csv"
    bad.write_bytes(b"")

    async def scenario() -> TriageApp:
        app = TriageApp(SessionInputs.of(bad, bad), Config())
        async with app.run_test(size=(80, 24)) as pilot:
            for _ in range(200):  # the loader fails and the app exits by itself
                if app.return_code is not None:
                    break
                await pilot.pause(0.01)
        return app

    app = asyncio.run(scenario())
    assert app.return_code == 2
