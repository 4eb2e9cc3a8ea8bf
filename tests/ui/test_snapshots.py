"""SVG snapshots of every screen at 80×24 and 120×40 (stored in snapshots/ui/test_snapshots/).

Regenerate after a deliberate change with `pytest tests/ui/test_snapshots.py --snapshot-update`
and look at every changed picture before committing it.
"""

from __future__ import annotations

import pytest
from helpers import demo_app, settle, until_report
from textual.pilot import Pilot

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


async def report_ready(pilot: Pilot) -> None:
    await until_report(pilot)
    await settle(pilot)


async def queue_ready(pilot: Pilot) -> None:
    await until_report(pilot)
    await pilot.press("t")
    await pilot.press("1", "right", "x")
    await settle(pilot)


async def edit_ready(pilot: Pilot) -> None:
    await queue_ready(pilot)
    await pilot.press("e")
    await settle(pilot)
    pilot.app.screen.query_one("#field-email").value = "not an email"
    await settle(pilot)


async def differing_ready(pilot: Pilot) -> None:
    await queue_ready(pilot)
    await pilot.press("v")
    await settle(pilot)


async def patterns_ready(pilot: Pilot) -> None:
    await until_report(pilot)
    await pilot.press("T")
    await settle(pilot)


async def plan_ready(pilot: Pilot) -> None:
    await patterns_ready(pilot)
    await pilot.press("a")       # link the biggest pattern (a preview first)
    await settle(pilot)
    await pilot.press("enter", "escape", "P")
    await settle(pilot)
    pilot.app.clear_notifications()  # the "Linked 20 items" toast is not the picture's point
    await settle(pilot)


async def help_ready(pilot: Pilot) -> None:
    await until_report(pilot)
    await pilot.press("question_mark")
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES)
def test_report_screen(snap_compare, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    """Counts on the left, the score histogram with R and A marks on the right, the tabs and
    the probable-match table below, the footer with the report's keys."""
    assert snap_compare(demo_app(), terminal_size=size, run_before=report_ready)


@pytest.mark.parametrize("size", SIZES)
def test_queue_screen(snap_compare, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    """The first group side by side: record 1 starred as primary, record 2 crossed out as
    inactive, the ≠ mark on differing fields, progress 1/N, the score and reason below."""
    assert snap_compare(demo_app(), terminal_size=size, run_before=queue_ready)


@pytest.mark.parametrize("size", SIZES)
def test_edit_screen(snap_compare, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    """The edit form over the queue, every field listed, the e-mail error shown under it."""
    assert snap_compare(demo_app(), terminal_size=size, run_before=edit_ready)


@pytest.mark.parametrize("size", SIZES)
def test_queue_differing_only(snap_compare, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    """The first group with only its differing fields (each marked ≠), the title saying so;
    at 80×24 records 1–2 of 3 with the paging hint, nothing cut at the right edge."""
    assert snap_compare(demo_app(), terminal_size=size, run_before=differing_ready)


@pytest.mark.parametrize("size", SIZES)
def test_patterns_screen(snap_compare, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    """The Patterns view: a summary line, one row per pattern (items, open, score range, a
    level per field, flags), the biggest first, and a preview of its first items below."""
    assert snap_compare(demo_app(), terminal_size=size, run_before=patterns_ready)


def test_plan_screen(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """The plan at 80×24: record, field, before and after on screen (Where, Action and Why
    after them), and the detail line under the table giving the highlighted change in full
    (`Display name: before → after`), then where, the action and why."""
    assert snap_compare(demo_app(), terminal_size=(80, 24), run_before=plan_ready)


def test_help_screen(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """The help screen listing keys by screen, over the report."""
    assert snap_compare(demo_app(), terminal_size=(80, 24), run_before=help_ready)


def test_report_screen_no_color(snap_compare, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """With NO_COLOR the report is greys only; the R and A marks still say where the
    thresholds are."""
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(demo_app(), terminal_size=(80, 24), run_before=report_ready)
