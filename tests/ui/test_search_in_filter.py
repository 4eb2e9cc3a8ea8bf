"""`/` while a filter is active jumped to an item outside it (score 99.7 under
`score:60-80`) while the header still claimed the filter, and a failed search left the search
box open, unlabelled, taking the keys that followed. Now search stays within the filter, says
when the only hits are outside it, and a failed search closes the box."""

from __future__ import annotations

import asyncio
from pathlib import Path

from helpers import demo_app, settle, to_queue
from textual.widgets import Input

from tui.screens.queue import QueueScreen


def test_search_stays_within_the_filter(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = demo_app(tmp_path)
        async with app.run_test(size=(120, 40)) as pilot:
            await to_queue(pilot)
            screen = app.screen
            assert isinstance(screen, QueueScreen)
            await pilot.press("f", *"score:60-80", "enter")
            await settle(pilot)
            shown = set(screen.view.visible or [])
            assert shown and len(shown) < len(app.triage.items)
            triage = app.triage
            # A name held only by items the filter hides.
            names_shown = [triage.name_of(k).casefold()
                           for p in shown for k in triage.items[p].members]
            name = next(
                n for p, item in enumerate(triage.items) if p not in shown
                for n in [triage.name_of(item.members[0])]
                if len(n) > 3 and not any(n.casefold() in m for m in names_shown))
            here = screen.position
            await pilot.press("slash", *name, "enter")
            await settle(pilot)
            assert screen.position == here, "jumped outside the filter"
            said = list(app._notifications)[-1].message
            assert "outside the filter" in said and "Escape clears the filter" in said
            box = screen.query_one("#search", Input)
            assert not box.has_class("-shown") and not box.has_focus
            # The keys after it are the queue's again, not the box's.
            await pilot.press("down")
            await settle(pilot)
            assert screen.position != here and screen.position in shown
            # A name inside the filter is found there.
            inside = triage.name_of(triage.items[min(shown)].members[0])
            await pilot.press("slash", "ctrl+u", *inside, "enter")
            await settle(pilot)
            assert screen.position in shown

    asyncio.run(scenario())


def test_t_reopens_the_queue_with_its_filter(tmp_path: Path) -> None:
    """User test: filter `score:60-80 undecided`, `r` to the report, `t` back: the queue came
    back unfiltered though `t` is "the queue where you left it"."""
    async def scenario() -> None:
        app = demo_app(tmp_path)
        async with app.run_test(size=(120, 40)) as pilot:
            await to_queue(pilot)
            await pilot.press("f", *"score:60-80 undecided", "enter")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, QueueScreen)
            shown = list(screen.view.visible or [])
            assert shown and len(shown) < len(app.triage.items)
            here = screen.position
            await pilot.press("r")
            await settle(pilot)
            assert not isinstance(app.screen, QueueScreen)
            await pilot.press("t")
            await settle(pilot)
            again = app.screen
            assert isinstance(again, QueueScreen) and again is not screen
            assert again.filter.text == "score:60-80 undecided"
            assert list(again.view.visible or []) == shown and again.position == here
            # Still the user's own filter: Escape clears it rather than leaving the queue.
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is again and again.filter.empty

    asyncio.run(scenario())
