"""The "input files changed" dialog at 80×24 with many changed records (new user's report,
item 5): the key line stays in view, the list scrolls with the keyboard, q and Escape quit."""

from __future__ import annotations

import asyncio
import re
import shutil
from pathlib import Path

import pytest
from textual.containers import VerticalScroll
from textual.widgets import Label

from tui.app import TriageApp
from tui.cli import demo_paths
from tui.screens.dialogs import MessageDialog
from tui.service.config import Config
from tui.service.inputs import SessionInputs
from tui.service.session import open_session
from tui.service.triage import Triage


def _changed_pair(folder: Path) -> SessionInputs:
    """The demo pair with decisions, then every Canopy e-mail and QBO phone changed."""
    canopy, qbo = demo_paths()
    for source in (canopy, qbo):
        shutil.copy(source, folder / source.name)
    inputs = SessionInputs.of(folder / canopy.name, folder / qbo.name)
    session = open_session(inputs, Config())
    triage = Triage(session.report, session.journal)
    for item in triage.items[:8]:
        triage.decide(item.id, "keep")
    session.close()
    for path in (inputs.canopy, inputs.qbo):
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"@", "@new.", text), encoding="utf-8")
    return inputs


async def _dialog(app: TriageApp) -> MessageDialog:
    for _ in range(1000):
        await asyncio.sleep(0.01)
        if isinstance(app.screen, MessageDialog):
            return app.screen
    raise AssertionError("no dialog")


@pytest.mark.parametrize("key", ["q", "escape"])
def test_the_key_line_stays_in_view_and_the_list_scrolls(tmp_path: Path, key: str) -> None:
    inputs = _changed_pair(tmp_path)

    async def scenario() -> TriageApp:
        app = TriageApp(inputs, Config())
        async with app.run_test(size=(80, 24)) as pilot:
            dialog = await _dialog(app)
            await pilot.pause()
            keys = dialog.query(Label).last()
            assert "Enter: resume   q/Esc: quit, no change" in str(keys.content)
            # Whole at 80 columns: the user saw "q or Escape: quit (nothing is c".
            assert str(keys.content).endswith("↑↓ PgUp PgDn: scroll")
            assert len(str(keys.content)) <= keys.region.width
            assert keys.region.bottom <= 24 and keys.region.height == 1
            body = dialog.query_one("#dialog-body", VerticalScroll)
            assert body.max_scroll_y > 0  # more than fits: it scrolls…
            assert body.region.bottom <= keys.region.y  # …above the key line, not under it
            await pilot.press("pagedown")
            await pilot.pause()
            assert body.scroll_y > 0
            await pilot.press(key)
            for _ in range(100):
                if app.return_code is not None:
                    break
                await pilot.pause(0.01)
        return app

    app = asyncio.run(scenario())
    assert app.return_code == 0
