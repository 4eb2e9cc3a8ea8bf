"""What a user at 80×24 must see: every footer with its `?`, the queue's progress line, names
in the report's tables, toasts out of the way, the help saying how to close it, and the
queue's progress current after a Patterns decision."""

from __future__ import annotations

import asyncio

from helpers import demo_app, settle, static_text, to_queue, until_report
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets._footer import FooterKey
from textual.widgets._toast import Toast

from tui.screens.dialogs import MessageDialog
from tui.screens.patterns import PatternsScreen
from tui.screens.queue import QueueScreen


def lines_of(widget: Widget) -> list[str]:
    """The text rows a widget shows on screen, as cut to its size."""
    region = Region(0, 0, widget.size.width, widget.size.height)
    return ["".join(seg.text for seg in strip) for strip in widget.render_lines(region)]


def footer_keys(app) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Footer key → the screen column its label ends at."""
    return {key.key: key.region.right for key in app.screen.query(FooterKey)}


def test_every_footer_fits_80_columns_with_help() -> None:
    async def scenario() -> None:
        app = demo_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await until_report(pilot)
            await settle(pilot)
            for screen_keys in ("report", "t", "T", "P"):
                if screen_keys != "report":
                    await pilot.press(screen_keys)
                    await settle(pilot)
                keys = footer_keys(app)
                assert "question_mark" in keys, type(app.screen).__name__
                assert max(keys.values()) <= 80, (type(app.screen).__name__, keys)
                if isinstance(app.screen, QueueScreen):
                    assert {"u", "x", "l", "d", "space"} <= set(keys)
                    await pilot.press("escape")  # back to the report, then the patterns
                    await settle(pilot)
                elif screen_keys != "report":
                    await pilot.press("escape")
                    await settle(pilot)

    asyncio.run(scenario())


def test_queue_title_keeps_progress_with_marks_and_long_titles() -> None:
    async def scenario() -> None:
        app = demo_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await to_queue(pilot)
            screen = app.screen
            assert isinstance(screen, QueueScreen)
            await pilot.press("n", "space", "space", "space")  # decide one, mark three
            longest = max(range(5, len(app.triage.items)),
                          key=lambda p: len(app.triage.items[p].title))
            screen._go(longest)
            await pilot.press("space", "k")
            await settle(pilot)
            title = screen.query_one("#queue-title")
            first, second = lines_of(title)
            assert "Decided 1/" in first and "4 marked" in first
            assert app.triage.items[screen.position].title[:20] in second
            assert title.size.height == 2
            # A line too long is cut with an ellipsis, not wrapped onto the progress.
            screen.filter.text = "kind:probable " * 8
            screen.show_item()
            await settle(pilot)
            first, _ = lines_of(title)
            assert first.rstrip().endswith("…") and "Decided 1/" in first

    asyncio.run(scenario())


def test_progress_is_current_after_a_patterns_decision() -> None:
    async def scenario() -> None:
        app = demo_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await to_queue(pilot)
            screen = app.screen
            assert isinstance(screen, QueueScreen)
            await pilot.press("f", *"undecided", "enter")
            await settle(pilot)
            shown_before = len(screen.view.shown)
            await pilot.press("T")
            await settle(pilot)
            assert isinstance(app.screen, PatternsScreen)
            await pilot.press("a")
            await settle(pilot)
            assert isinstance(app.screen, MessageDialog)
            await pilot.press("enter")
            await settle(pilot)
            decided, total = app.triage.progress()
            assert decided > 0
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is screen
            assert f"Decided {decided:,}/{total:,}" in static_text(
                screen.query_one("#queue-title"))
            # The `undecided` filter no longer shows the items decided there.
            assert len(screen.view.shown) == shown_before - decided
            assert not any(app.triage.is_decided(app.triage.items[p].id)
                           for p in screen.view.shown)

    asyncio.run(scenario())


def test_report_tables_give_names_room_and_scroll_sideways() -> None:
    async def scenario() -> None:
        app = demo_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await until_report(pilot)
            await settle(pilot)
            report = app.screen
            for _ in range(6):
                table = report.current_table()
                grid = table.table
                assert grid is not None
                widths = {c.label.plain: c.render_width for c in grid.ordered_columns}
                for name, width in widths.items():
                    if name.casefold().endswith("id"):
                        assert width <= 12 + 2, (name, width)
                right = 0
                for column in grid.ordered_columns:
                    right += column.render_width
                    if column.label.plain in ("QBO", "In QBO", "Name"):
                        assert right <= 80, (column.label.plain, widths)
                await pilot.press("n")
                await settle(pilot)
            grid = report.current_table().table
            await pilot.press("right", "right", "right", "right", "right", "right")
            assert grid.cursor_column > 0
            if grid.max_scroll_x:
                assert grid.scroll_x > 0

    asyncio.run(scenario())


def test_toasts_sit_top_right_and_help_says_how_to_close() -> None:
    async def scenario() -> None:
        app = demo_app()
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            await to_queue(pilot)
            app.notify("A short note.")
            await settle(pilot)
            toast = app.screen.query_one(Toast)
            assert toast.region.y <= 2 and toast.region.right >= 78
            assert toast.region.height <= 2
            assert app.NOTIFICATION_TIMEOUT <= 3
            await pilot.press("question_mark")
            await settle(pilot)
            assert "Escape, q or ? closes this help" in static_text(
                app.screen.query_one("#help-close"))
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, QueueScreen)

    asyncio.run(scenario())


def test_plan_action_column_fits_80_columns_whatever_the_row() -> None:
    """Every kind of plan row (QBO write, Canopy work by hand, contradiction, stale) shows its
    whole Action cell at 80 columns, even with the longest record ids and names; the detail
    line gives where and why in full."""
    import polars as pl
    from textual.app import App, ComposeResult

    from tui.screens.plan import CANOPY_ACTIONS, PLAN_WIDTHS, action_label, plan_detail
    from tui.widgets.record_table import RecordTable

    labels = ([action_label("QBO", a) for a in ("create", "update", "applied")]
              + [action_label("Canopy", a) for a in CANOPY_ACTIONS]
              + ["left alone", "left out"])
    assert max(len(label) for label in labels) <= PLAN_WIDTHS["Action"]
    long = "W" * 40
    frame = pl.DataFrame([{"Record": "group:canopy:C000041:0123456789", "Field": "Display name",
                           "Before": long, "After": long, "Action": label, "Why": long,
                           "key": "canopy:C1"} for label in labels])

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield RecordTable(frame, detail=plan_detail, widths=PLAN_WIDTHS)

    async def scenario() -> None:
        app = Host()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            grid = app.query_one(RecordTable).table
            assert grid is not None
            right = 0
            for column in grid.ordered_columns:
                right += column.render_width
                if column.label.plain == "Action":
                    break
            assert right <= 80 - 2, right  # the vertical scroll bar takes two cells
            shown = "\n".join(lines_of(grid))
            for label in labels:
                assert label in shown, label
            detail = static_text(app.query_one(".detail"))
            assert "Canopy archive (by hand in Canopy)" not in detail  # first row: a QBO one
            assert "QBO create · group:canopy:C000041:0123456789" in detail

    asyncio.run(scenario())


def test_report_detail_gives_evidence_past_80_columns() -> None:
    async def scenario() -> None:
        app = demo_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await until_report(pilot)
            await settle(pilot)
            table = app.screen.current_table()
            detail = " ".join(static_text(table.query_one(".detail")).split())
            evidence = table.shown["Evidence"][0]
            assert detail.startswith(f"Evidence: {evidence} · Why: ")

    asyncio.run(scenario())


def test_record_columns_cut_long_values_with_an_ellipsis() -> None:
    """`tamarra.thornton851@example.com` is 31 cells in a 30-cell column: cut bare it read
    `…@example.co`, another valid address. Every cut value and header ends in `…`."""
    async def scenario() -> None:
        app = demo_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await to_queue(pilot)
            screen = app.screen
            assert isinstance(screen, QueueScreen)
            screen._go(app.triage.item_of("canopy:C000208"))
            await settle(pilot)
            grid = screen.query_one("#grid")
            shown = lines_of(grid)
            email = next(line for line in shown if "Email" in line)
            assert "tamarra.thornton851@example.c…" in email, email
            assert "example.co " not in email.replace("…", " ")
            for row_key in grid.rows:
                for cell in grid.get_row(row_key)[1:]:
                    assert cell.cell_len <= 30

    asyncio.run(scenario())
