"""Helpers for driving the app with the Pilot."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Input, Static

from tui.app import TriageApp
from tui.cli import demo_paths
from tui.screens.dialogs import MessageDialog
from tui.screens.queue import QueueScreen
from tui.screens.report import ReportScreen
from tui.service.config import Config
from tui.service.inputs import SessionInputs


def demo_app(folder: Path | None = None) -> TriageApp:
    """The app on the bundled demo pair, or on copies of it in `folder` (made on first use, so a
    test may edit them between two runs)."""
    canopy, qbo = demo_paths()
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        for source in (canopy, qbo):
            if not (folder / source.name).exists():
                shutil.copy(source, folder / source.name)
        canopy, qbo = folder / canopy.name, folder / qbo.name
    return TriageApp(SessionInputs.of(canopy, qbo), Config())


async def until(pilot: Pilot, holds: Callable[[], bool], what: str,
                seconds: float = 60) -> None:
    """Wait until `holds()` is true, by condition and not by a count of pauses: under load
    (the whole suite on two busy cores) a fixed number of pauses ends before the app is ready.
    `seconds` is generous; it only bounds a hang."""
    deadline = time.monotonic() + seconds
    while not holds():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await pilot.pause(0.01)


async def until_report(pilot: Pilot) -> None:
    """Wait for the report screen and for the queue behind it: the queue is built in a worker
    started after the report's first paint, and until it is there `t`, `T` and `P` only say
    "a moment" and leave the report in front."""
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, ReportScreen), "the report screen")
    await until(pilot, lambda: getattr(app, "triage", None) is not None, "the queue to build")
    await pilot.pause()
    assert isinstance(app.screen, ReportScreen)


async def to_queue(pilot: Pilot) -> None:
    """Wait for the report, then open the queue where the session left it."""
    await until_report(pilot)
    await pilot.press("t")
    await until(pilot, lambda: isinstance(pilot.app.screen, QueueScreen), "the queue screen")
    await settle(pilot)


async def settle(pilot: Pilot) -> None:
    """Let workers finish and the screen repaint; stop cursors blinking for stable pictures."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    await pilot.pause()


def static_text(widget: Static) -> str:
    """The plain text a Static shows, whether it holds markup or a Rich renderable."""
    content = widget.content
    if isinstance(content, str):
        return content
    console = Console(width=200, record=True, color_system=None)
    console.print(content)
    return console.export_text()


async def until_reclassified(pilot: Pilot) -> None:
    """Wait until the report screen shows the thresholds last asked for (re-classifying starts
    after a short quiet spell, then runs in a worker)."""
    screen = pilot.app.screen
    deadline = time.monotonic() + 60  # generous: the whole suite may be loading the machine
    while time.monotonic() < deadline:
        if screen._wanted is None:  # type: ignore[attr-defined]
            break
        await pilot.pause(0.02)
    await settle(pilot)
    assert screen._wanted is None  # type: ignore[attr-defined]


async def reopened_queue(app: TriageApp, pilot: Pilot) -> QueueScreen:
    """Past the "inputs changed" dialog (Enter resumes) to the queue."""
    await until(pilot, lambda: isinstance(app.screen, MessageDialog), "the dialog")
    await pilot.press("enter")
    await to_queue(pilot)
    assert isinstance(app.screen, QueueScreen)
    return app.screen
