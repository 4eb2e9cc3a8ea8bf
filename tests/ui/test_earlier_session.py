"""The app offers the earlier session when the same lists are opened at a new path."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from textual.widgets import Static

from tui.app import TriageApp
from tui.screens.dialogs import MessageDialog
from tui.service.config import Config

sys.path.insert(0, str(Path(__file__).parents[1] / "service"))
from helpers import static_text, until_report
from test_earlier_sessions import decided_session, lists


def test_the_app_offers_and_continues_the_earlier_session(tmp_path: Path) -> None:
    _, count = decided_session(tmp_path / "week1")
    new = lists(tmp_path / "moved")

    async def scenario() -> None:
        app = TriageApp(new, Config())
        async with app.run_test(size=(80, 24)) as pilot:
            for _ in range(500):
                await pilot.pause(0.01)
                if isinstance(app.screen, MessageDialog):
                    break
            assert isinstance(app.screen, MessageDialog)
            await pilot.pause()
            body = " ".join(static_text(s) for s in app.screen.query(Static))
            assert f"{count} decisions" in body and "continue it with these files?" in body
            await pilot.press("enter")
            await until_report(pilot)
            assert app.session is not None
            assert len(app.session.journal.decisions()) == count

    asyncio.run(scenario())


def test_the_demo_never_offers_another_sessions_decisions(tmp_path: Path) -> None:
    """`cqtriage demo` (and `demo --reset`) opens on its own first day even when another
    session holds the same records (a user's session on copies of the demo lists)."""
    _, count = decided_session(tmp_path / "week1")
    new = lists(tmp_path / "moved")

    async def scenario() -> None:
        app = TriageApp(new, Config(), offer_earlier=False)
        async with app.run_test(size=(80, 24)) as pilot:
            await until_report(pilot)
            assert not isinstance(app.screen, MessageDialog)
            assert app.session is not None and count > 0
            assert app.session.journal.decisions() == []

    asyncio.run(scenario())
