"""Deciding many items at once: patterns, marks and filters; and the fixes that keep the app
readable and keyed at 80×24 (focus, paging, differing-only, the edit form)."""

from __future__ import annotations

import asyncio

from helpers import demo_app, settle, static_text, to_queue, until_reclassified, until_report
from textual.widgets import Tabs

from tui.screens.dialogs import MessageDialog
from tui.screens.edit import EditScreen
from tui.screens.patterns import PatternsScreen
from tui.screens.queue import QueueScreen
from tui.service.journal import Journal
from tui.service.triage import SHOWN_FIELDS
from tui.widgets.compare_grid import CompareGrid
from tui.widgets.record_table import RecordTable


def steps(app) -> list[int]:  # type: ignore[no-untyped-def]
    """The journal's live decisions, read through a second connection: their count."""
    reader = Journal(app.inputs.journal_path())
    try:
        return [d.seq for d in reader.decisions()]
    finally:
        reader.close()


def test_accept_a_whole_pattern_then_undo_it_in_one_key() -> None:
    async def scenario() -> None:
        app = demo_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await until_report(pilot)
            await pilot.press("T")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, PatternsScreen)
            pattern = screen.current()
            assert pattern is not None and pattern.count == max(p.count for p in
                                                                screen.patterns)
            pairs = [i for i in pattern.items
                     if {k.split(":")[0] for k in app.triage.item(i).members} == {"canopy", "qbo"}]
            assert len(pairs) >= 10
            await pilot.press("a")
            await settle(pilot)
            assert isinstance(app.screen, MessageDialog)  # the preview, before anything
            assert steps(app) == []
            assert "One step" in app.screen.body
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen is screen
            assert all(app.triage.is_decided(i) for i in pairs)
            assert all(app.triage.state(i).links for i in pairs)
            assert len(steps(app)) == len(pairs)
            table = screen.query_one(RecordTable)
            assert table.shown["Open"][0] == pattern.count - len(pairs)
            await pilot.press("u")  # one undo reverts the whole pattern
            await settle(pilot)
            assert not any(app.triage.is_decided(i) for i in pairs)
            assert steps(app) == []
            assert table.shown["Open"][0] == pattern.count
            await pilot.press("d", "escape")  # a preview left with Escape decides nothing
            await settle(pilot)
            assert steps(app) == []
            await pilot.press("enter")  # walk the pattern in the queue, filtered to it
            await settle(pilot)
            queue = app.screen
            assert isinstance(queue, QueueScreen)
            assert [app.triage.items[p].id for p in queue.view.visible] == pattern.items
            await pilot.press("d", "escape")  # decide one there, come back: counts follow
            await settle(pilot)
            assert app.screen is screen
            assert table.shown["Open"][0] == pattern.count - 1

    asyncio.run(scenario())


def test_filter_mark_and_decide_the_marked_in_one_step() -> None:
    async def scenario() -> None:
        app = demo_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await to_queue(pilot)
            screen = app.screen
            assert isinstance(screen, QueueScreen)
            await pilot.press("f", *"kind:probable score:90-100", "enter")
            await settle(pilot)
            shown = screen.view.visible
            expected = app.item_table().filter(
                (app.item_table()["kind"] == "pair")
                & (app.item_table()["score_max"] >= 90))["pos"].to_list()
            assert shown == expected and 0 < len(shown) < len(app.triage.items)
            assert screen.position == shown[0]
            title = static_text(screen.query_one("#queue-title"))
            assert f"1 / {len(shown)} shown of {len(app.triage.items)}" in title
            await pilot.press("j")
            assert screen.position == shown[1]        # j moves among the shown only
            await pilot.press("k", "space", "space")  # mark the first two
            assert screen.view.marks == set(shown[:2])
            await pilot.press("j", "M")               # … and the range up to the 4th
            assert screen.view.marks == set(shown[:4])
            await pilot.press("L")
            await settle(pilot)
            marked = [app.triage.items[p].id for p in shown[:4]]
            assert all(app.triage.state(i).links for i in marked)
            assert screen.view.marks == set()
            await pilot.press("u")                    # one undo: all four
            assert not any(app.triage.is_decided(i) for i in marked)
            await pilot.press("f", *"flag:nope", "enter")  # a word it cannot read
            await settle(pilot)
            assert screen.view.visible == shown       # the filter stays as it was
            await pilot.press("escape")               # closes the box, stays in the queue
            await settle(pilot)
            assert isinstance(app.screen, QueueScreen) and app.screen.focused is None
            await pilot.press("f")
            screen.query_one("#filter").value = ""
            await pilot.press("enter")                # an empty filter: everything
            await settle(pilot)
            assert screen.view.visible is None

    asyncio.run(scenario())


def test_filter_by_flag_and_kind_words() -> None:
    async def scenario() -> None:
        app = demo_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await to_queue(pilot)
            screen = app.screen
            await pilot.press("f", *"kind:inside-qbo", "enter")
            await settle(pilot)
            kinds = {app.triage.items[p].kind for p in screen.view.visible}
            assert kinds == {"qbo"}
            await pilot.press("f")
            screen.query_one("#filter").value = ""
            await pilot.press(*"flag:joint", "enter")
            await settle(pilot)
            table = app.item_table()
            assert screen.view.visible == table.filter(table["flag_joint"])["pos"].to_list()
            assert screen.view.visible

    asyncio.run(scenario())


def test_exclude_one_member_and_keep_deciding_the_rest() -> None:
    async def scenario() -> None:
        app = demo_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await to_queue(pilot)
            screen = app.screen
            item = next(i for i in app.triage.items if len(i.members) >= 3)
            screen._go(app.triage.index[item.id])
            excluded = item.members[1]
            await pilot.press("right", "d")   # record 2 is not a duplicate of the rest
            rest = app.triage.members(item)
            assert excluded not in rest and len(rest) == len(item.members) - 1
            await pilot.press("1")            # the rest is still one item to decide
            state = app.triage.state(item.id)
            assert state.primary[rest[0].split(":")[0]] == rest[0]
            assert excluded in state.split
            await pilot.press("u")            # undo takes back the primary only
            assert excluded not in app.triage.members(item)

    asyncio.run(scenario())


def test_columns_page_and_differing_only_at_80x24() -> None:
    async def scenario() -> None:
        app = demo_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await to_queue(pilot)
            screen = app.screen
            grid = screen.query_one(CompareGrid)
            members = app.triage.members(screen.item)
            assert len(members) == 3 and list(grid.window) == [0, 1]
            assert "records 1–2 of 3" in static_text(screen.query_one("#queue-title"))
            # ≠ only where this page's two records differ; ∅ where one of them is blank; ›
            # where they agree and record 3 differs (the user saw ≠ beside two equal values).
            differing, blank = app.triage.field_agreement(members)
            on_page, blank_here = app.triage.field_agreement(members[:2])
            marks = {field: str(grid.get_row(field)[0])[:1] for field, _ in SHOWN_FIELDS}
            assert {f for f, m in marks.items() if m == "≠"} == on_page
            assert {f for f, m in marks.items() if m == "∅"} == blank_here - on_page
            assert {f for f, m in marks.items() if m == "›"} == (
                (differing | blank) - on_page - blank_here)
            await pilot.press("right_square_bracket")
            assert list(grid.window) == [2] and screen.focus_index == 2
            # One record on its page: every difference is with a record elsewhere.
            marks = {field: str(grid.get_row(field)[0])[:1] for field, _ in SHOWN_FIELDS}
            assert {f for f, m in marks.items() if m == "›"} == differing | blank
            assert str(grid.ordered_columns[0].label) == "Field ›:other"  # what › means
            await pilot.press("left_square_bracket")
            assert list(grid.window) == [0, 1]
            all_rows = grid.row_count
            await pilot.press("v")
            assert 0 < grid.row_count == len(differing | blank) < all_rows
            await pilot.press("v")
            assert grid.row_count == all_rows

    asyncio.run(scenario())


def test_edit_form_focus_rescore_and_name_in_use() -> None:
    async def scenario() -> None:
        app = demo_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await to_queue(pilot)
            screen = app.screen
            item = next(i for i in app.triage.items if i.kind == "pair"
                        and app.triage.pair_evidence(*i.members)["email"] == 100)
            screen._go(app.triage.index[item.id])
            assert "email 100" in static_text(screen.query_one("#reason"))
            await pilot.press("e")
            await settle(pilot)
            form = app.screen
            assert isinstance(form, EditScreen)
            assert form.focused is form.query_one("#field-display_name")
            form.query_one("#field-display_name").value = ""
            other = next(k for k in app.triage.items[0].members if k.startswith("canopy:"))
            taken = app.triage.record(other)["display_name"]
            await pilot.press(*taken)  # typing goes to the first field
            await settle(pilot)
            warning = static_text(form.query_one("#warning-display_name"))
            assert other.split(":")[1] in warning and "already has" in warning
            form.query_one("#field-display_name").value = form.original["display_name"]
            form.query_one("#field-email").value = "someone.else@example.org"
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, QueueScreen)
            reason = static_text(screen.query_one("#reason"))
            assert "email 0" in reason and "re-scored" in reason

    asyncio.run(scenario())


def test_report_keys_focus_and_thresholds_that_add_up() -> None:
    async def scenario() -> None:
        app = demo_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await until_report(pilot)
            screen = app.screen
            table = screen.current_table()
            await pilot.press("slash", "a", "escape")  # filter, then clear it
            await settle(pilot)
            assert not isinstance(app.focused, Tabs)
            assert app.focused is table.table
            await pilot.press("G")
            assert table.table.cursor_row == table.shown.height - 1
            await pilot.press("k")
            assert table.table.cursor_row == table.shown.height - 2
            await pilot.press("g", "j")
            assert table.table.cursor_row == 1
            why = table.shown["Why"][1]
            assert static_text(table.query_one(".detail")) .strip().endswith(why)
            review = app.session.report.config.match.review
            await pilot.press("right_square_bracket")
            # The busy sign is up from the first press (asserted here, not after the rest: on
            # a loaded machine the run may be over by then).
            assert "Re-classifying" in str(screen.query_one("#histogram").render())
            await pilot.press(*["right_square_bracket"] * 3)  # quick presses: none lost
            await until_reclassified(pilot)
            assert app.session.report.config.match.review == review + 20

    asyncio.run(scenario())


def test_a_filter_matching_nothing_shows_an_empty_state_and_escape_clears_it() -> None:
    """The item under the cursor is hidden by such a filter: it is not shown, and no key acts
    on it; Escape clears the filter first, then goes back to the report."""
    async def scenario() -> None:
        app = demo_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await to_queue(pilot)
            screen = app.screen
            assert isinstance(screen, QueueScreen)
            before = steps(app)
            await pilot.press("f", *"score:0-1", "enter")
            await settle(pilot)
            assert screen.view.visible == []
            assert screen.item is None
            title = " ".join(static_text(screen.query_one("#queue-title")).split())
            assert f"0 / 0 shown of {len(app.triage.items)}" in title
            assert "No item matches score:0-1; Esc clears the filter" in title
            assert not screen.query_one(CompareGrid).columns  # not the hidden item
            await pilot.press("1", "x", "l", "d", "space", "s")
            await settle(pilot)
            assert steps(app) == before                      # nothing decided on it
            assert screen.view.marks == set()                # nor marked
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, QueueScreen)
            assert screen.view.visible is None and screen.item is not None
            assert screen.query_one(CompareGrid).columns
            assert "filter:" not in static_text(screen.query_one("#queue-title"))
            await pilot.press("escape")                      # no filter: back to the report
            await settle(pilot)
            assert not isinstance(app.screen, QueueScreen)

    asyncio.run(scenario())


def test_filter_prompt_recalls_the_filter_selected_so_typing_replaces_it() -> None:
    """As k9s's `/` does: the prompt opens holding the current filter, all of it selected, so
    typing replaces it and End (or an arrow) keeps it to edit; in the queue and the report."""
    async def scenario() -> None:
        app = demo_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await to_queue(pilot)
            screen = app.screen
            await pilot.press("f", *"kind:probable", "enter")
            await settle(pilot)
            box = screen.query_one("#filter")
            await pilot.press("f")
            await settle(pilot)
            assert box.value == "kind:probable"
            assert (box.selection.start, box.selection.end) == (0, len("kind:probable"))
            await pilot.press(*"stale")
            assert box.value == "stale"                    # typing replaced it
            await pilot.press("escape", "f", "end", *" score:90-100")
            assert box.value == "kind:probable score:90-100"  # End kept it to edit
            await pilot.press("enter", "r")
            await settle(pilot)
            report = app.screen
            await pilot.press("slash", *"chen", "enter")
            await settle(pilot)
            await pilot.press("slash")
            await settle(pilot)
            box = report.query_one("#filter")
            assert box.value == "chen" and (box.selection.start, box.selection.end) == (0, 4)
            await pilot.press(*"hayes")
            assert box.value == "hayes"

    asyncio.run(scenario())


def test_deciding_many_marked_items_asks_first_with_count_and_scores() -> None:
    """ctrl+a then L linked 32 items at once, 79.9 "uncertain" ones among them, with no
    preview. More than a handful now asks first, as the Patterns screen does."""
    from tui.screens.dialogs import MessageDialog

    async def scenario() -> None:
        app = demo_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await to_queue(pilot)
            screen = app.screen
            assert isinstance(screen, QueueScreen)
            await pilot.press("f", *"kind:probable", "enter", "ctrl+a")
            await settle(pilot)
            marked = [app.triage.items[p].id for p in sorted(screen.view.marks)]
            assert len(marked) > 5
            await pilot.press("L")
            await settle(pilot)
            dialog = app.screen
            assert isinstance(dialog, MessageDialog)
            table = app.item_table().filter(app.item_table()["item"].is_in(marked))
            low, high = table["score_min"].min(), table["score_max"].max()
            assert f"Link {len(marked)} items?" == dialog.title_text
            assert f"Scores {low:g}–{high:g}" in dialog.body
            assert "below the accept threshold" in dialog.body and low < 80
            await pilot.press("escape")                 # cancelled: nothing decided
            await settle(pilot)
            assert app.screen is screen
            assert not any(app.triage.is_decided(i) for i in marked)
            await pilot.press("L", "enter")
            await settle(pilot)
            assert all(app.triage.state(i).links for i in marked)
            await pilot.press("u")                      # one undo, as before
            assert not any(app.triage.is_decided(i) for i in marked)

    asyncio.run(scenario())
