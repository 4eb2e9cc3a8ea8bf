"""The duplicate queue driven with the Pilot: every decision lands in the journal at once."""

from __future__ import annotations

import asyncio
from pathlib import Path

from helpers import demo_app, reopened_queue, settle, to_queue, until
from textual.geometry import Region

from tui.screens.edit import EditScreen
from tui.screens.queue import QueueScreen
from tui.service.journal import Journal


def journal_rows(app) -> list[tuple[str, str, bool]]:  # type: ignore[no-untyped-def]
    """(action, item, undone) of every decision, read through a second connection."""
    reader = Journal(app.inputs.journal_path())
    try:
        return [(d.action, d.item, d.undone) for d in reader.decisions(include_undone=True)]
    finally:
        reader.close()


def test_triage_a_group() -> None:
    async def scenario() -> None:
        app = demo_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await to_queue(pilot)
            screen = app.screen
            assert isinstance(screen, QueueScreen)
            item = screen.item
            assert item is not None and item.kind == "competing"
            await pilot.press("1")          # keep the first record
            await pilot.press("right", "x")  # retire the second
            state = app.triage.state(item.id)
            assert state.primary["canopy"] == item.members[0]
            assert state.inactive == {item.members[1]}
            assert [(a, i) for a, i, _ in journal_rows(app)] == [
                ("primary", item.id), ("inactive", item.id)]
            title = str(screen.query_one("#queue-title").render())
            assert "Decided 1/" in title and "1 / " in title
            await pilot.press("j")
            assert screen.position == 1
            await pilot.press("k")
            assert screen.position == 0

    asyncio.run(scenario())


def test_undo_and_redo() -> None:
    async def scenario() -> None:
        app = demo_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await to_queue(pilot)
            item = app.screen.item
            await pilot.press("1", "j", "2")  # decisions on two items
            second = app.screen.item
            await pilot.press("u")
            assert app.triage.state(second.id).primary == {}
            assert app.triage.state(item.id).primary != {}
            await pilot.press("u")
            assert app.screen.item.id == item.id  # the undo shows the item it changed
            assert app.triage.state(item.id).primary == {}
            await pilot.press("ctrl+r")
            assert app.triage.state(item.id).primary != {}
            assert [u for _, _, u in journal_rows(app)] == [False, True]
            await pilot.press("u", "c")  # a new decision ends the redo chain
            await pilot.press("ctrl+r")
            assert app.triage.state(item.id).primary == {}

    asyncio.run(scenario())


def test_edit_with_a_validation_error_then_fixed() -> None:
    async def scenario() -> None:
        app = demo_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await to_queue(pilot)
            item = app.screen.item
            qbo_column = next(n for n, key in enumerate(item.members) if key.startswith("qbo:"))
            for _ in range(qbo_column):
                await pilot.press("right")
            await pilot.press("e")
            await settle(pilot)
            form = app.screen
            assert isinstance(form, EditScreen)
            name = form.query_one("#field-display_name")
            name.value = "Lopez: Elizabeth"
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.screen is form  # refused
            error = str(form.query_one("#error-display_name").render())
            assert "colon" in error
            name.value = "Elizabeth Lopez Jr"
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, QueueScreen)
            state = app.triage.state(item.id)
            key = item.members[qbo_column]
            assert state.edits[key] == {"display_name": "Elizabeth Lopez Jr"}
            assert app.triage.shown(key, state)["display_name"] == "Elizabeth Lopez Jr"
            assert journal_rows(app)[-1][0] == "edit"

    asyncio.run(scenario())


def test_escape_discards_an_edit() -> None:
    async def scenario() -> None:
        app = demo_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await to_queue(pilot)
            await pilot.press("e")
            await settle(pilot)
            app.screen.query_one("#field-email").value = "someone@example.com"
            await pilot.press("escape")  # asks first (tests/ui/test_edit_form.py)
            await settle(pilot)
            await pilot.press("enter")   # discard
            await settle(pilot)
            assert isinstance(app.screen, QueueScreen)
            assert journal_rows(app) == []

    asyncio.run(scenario())


def test_not_a_duplicate_reforms_the_group() -> None:
    async def scenario() -> None:
        app = demo_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await to_queue(pilot)
            screen = app.screen
            item = screen.item
            before = app.triage.members(item)
            await pilot.press("right", "d")
            after = app.triage.members(item)
            assert after == [k for k in before if k != before[1]]
            assert len(screen.query_one("#grid").columns) == len(after) + 1  # + the label column
            assert journal_rows(app)[-1][0] == "distinct"

    asyncio.run(scenario())


def test_resume_after_restart(tmp_path: Path) -> None:
    async def first() -> str:
        app = demo_app(tmp_path)
        async with app.run_test(size=(120, 40)) as pilot:
            await to_queue(pilot)
            await pilot.press("j", "j", "n", "j")  # "keep as is" resolves the item
            position = app.screen.position
            item_id = app.screen.item.id
            assert position == 3
        return item_id

    async def second(item_id: str) -> None:
        app = demo_app(tmp_path)
        async with app.run_test(size=(120, 40)) as pilot:
            await to_queue(pilot)
            assert app.screen.item.id == item_id  # the same place
            decided, _ = app.triage.progress()
            assert decided == 1                   # the same decisions

    asyncio.run(second(asyncio.run(first())))


def test_search_and_jump_to_undecided() -> None:
    async def scenario() -> None:
        app = demo_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await to_queue(pilot)
            triage = app.triage
            target = triage.items[5]
            name = triage.record(target.members[-1])["display_name"]
            await pilot.press("slash")
            await pilot.press(*name)
            await pilot.press("enter")
            await settle(pilot)
            found = app.screen.item
            assert any(triage.record(k)["display_name"] == name for k in found.members)
            await pilot.press("1")
            start = app.screen.position
            await pilot.press("g")
            assert app.screen.position != start
            assert not triage.is_decided(app.screen.item.id)

    asyncio.run(scenario())


def test_a_stale_item_shows_what_changed_and_is_reconfirmed_with_one_key(
        tmp_path: Path) -> None:
    import csv
    import io

    async def first() -> tuple[str, str]:
        app = demo_app(tmp_path)
        async with app.run_test(size=(120, 40)) as pilot:
            await to_queue(pilot)
            item = app.screen.item
            # The first record is not a duplicate, and the rest are kept as they are (a split
            # alone leaves the other records to decide).
            await pilot.press("d")
            assert not app.triage.is_decided(item.id)
            await pilot.press("n")
            assert app.triage.is_decided(item.id)
            return item.id, item.members

    async def second(item_id: str, members: list[str]) -> None:
        canopy = next(tmp_path.glob("canopy*.csv"))
        rows = list(csv.reader(io.StringIO(canopy.read_text(encoding="utf-8-sig"))))
        email = next(n for n, h in enumerate(rows[0]) if "mail" in h.lower())
        for row in rows[1:]:
            if f"canopy:{row[0]}" in members:  # every Canopy record of the item changes
                row[email] = f"changed-{row[0]}@example.org"
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        canopy.write_text(out.getvalue(), encoding="utf-8")
        app = demo_app(tmp_path)
        async with app.run_test(size=(120, 40)) as pilot:
            # The "inputs changed" dialog first: Enter resumes with the new files.
            screen = await reopened_queue(app, pilot)
            assert isinstance(screen, QueueScreen) and screen.item.id == item_id
            title = str(screen.query_one("#queue-title").render())
            reason = str(screen.query_one("#reason").render())
            key = members[0]
            assert "stale" in title and "e-mail changed" in reason
            assert f"changed-{key.split(':', 1)[1]}@example.org" in reason
            assert not app.triage.is_decided(item_id)
            # Every "Changed:" line is on screen: the reason area grows to hold them.
            changed = app.triage.stale(item_id)
            box = screen.query_one("#reason")
            shown = " ".join("".join(seg.text for seg in strip) for strip in
                             box.render_lines(Region(0, 0, box.size.width, box.size.height)))
            shown = " ".join(shown.split())
            assert len(changed) >= 2
            assert all(" ".join(c.split())[:60] in shown for c in changed)
            # The `stale` filter word shows just the stale items.
            await pilot.press("j", "f", *"stale", "enter")
            await settle(pilot)
            assert screen.view.visible == [app.triage.index[item_id]]
            assert screen.item.id == item_id
            await pilot.press("f", *"nonsense", "enter")
            await settle(pilot)
            toast = next(iter(app._notifications))
            assert "nonsense" in toast.message
            # Said on the filter box too, where the eyes are while typing.
            assert "nonsense" in str(screen.query_one("#filter").border_title)
            await pilot.press("escape")
            await pilot.press("y")
            assert app.triage.is_decided(item_id) and not app.triage.stale(item_id)
            await pilot.press("u")
            assert app.triage.stale(item_id)
            await pilot.press("z")  # drop: the decision is cleared, the item undecided
            assert not app.triage.stale(item_id) and not app.triage.is_decided(item_id)

    asyncio.run(second(*asyncio.run(first())))


def armanda_decided_then_238_deleted(tmp_path: Path) -> str:
    """On copies of the demo pair in `tmp_path`: the Armanda Silva group decided (QBO 237
    kept, 238 retired), then QBO 238 deleted from the QBO file. Its item's id."""
    from tui.service.config import Config
    from tui.service.inputs import SessionInputs
    from tui.service.session import open_session
    from tui.service.triage import Triage

    demo_app(tmp_path)  # copies the demo pair into tmp_path
    canopy, qbo = next(tmp_path.glob("canopy*.csv")), next(tmp_path.glob("qbo*.csv"))
    session = open_session(SessionInputs.of(canopy, qbo), Config())
    triage = Triage(session.report, session.journal)
    item = triage.items[triage.item_of("qbo:238")]
    triage.decide(item.id, "primary", record="qbo:237")
    triage.decide(item.id, "inactive", record="qbo:238", value=True)
    session.close()
    lines = qbo.read_text(encoding="utf-8").splitlines(keepends=True)
    qbo.write_text("".join(line for line in lines if not line.startswith("238,")),
                   encoding="utf-8")
    return item.id


def test_search_with_a_decided_record_deleted_from_the_input(tmp_path: Path) -> None:
    """The user's crash: decide the Armanda Silva group, delete QBO 238 from the QBO file,
    reopen, `/ zzz` Enter in the queue: `KeyError: 'qbo:238'`. Now it says nothing holds it,
    and the gone record is still found by its last name."""
    item_id = armanda_decided_then_238_deleted(tmp_path)

    async def scenario() -> None:
        app = demo_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await reopened_queue(app, pilot)
            await pilot.press("slash", *"zzz", "enter")
            await settle(pilot)
            assert app.return_code is None and app.screen is screen
            assert "No item holds 'zzz'" in next(iter(app._notifications)).message
            # A failed search closes the box (left open, it took the keys after it): / again.
            await pilot.press("slash", "ctrl+u", *"silva (2)", "enter")  # QBO 238's last name
            await settle(pilot)
            assert screen.item is not None and screen.item.id == item_id

    asyncio.run(scenario())


def test_a_deleted_record_is_shown_as_gone_with_its_last_fields(tmp_path: Path) -> None:
    """Not an all-blank column: the gone record's fields as decided on, said to be gone in its
    header, its Canopy sync row and the reason line; no decision may name it."""
    from helpers import static_text

    item_id = armanda_decided_then_238_deleted(tmp_path)

    async def scenario() -> None:
        app = demo_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await reopened_queue(app, pilot)
            assert screen.item is not None and screen.item.id == item_id  # stale: first
            title = static_text(screen.query_one("#queue-title")).splitlines()
            assert "· 1 gone" in title[0]
            # The stale heading whole at 80 columns, not cut after "Decided earlier, on…".
            assert title[1].rstrip().endswith("Decided earlier; its records changed since")
            await pilot.press("right", "right")  # the third column: QBO 238, gone
            await settle(pilot)
            grid = screen.query_one("#grid")
            headers = [str(column.label) for column in grid.columns.values()]
            assert any("QBO 238 (gone)" in h for h in headers), headers
            column = next(k for k, c in grid.columns.items() if "238" in str(c.label))
            assert str(grid.get_cell("email", column)) == "armanda.silva895@gmail.com"
            assert str(grid.get_cell("verdict", column)) == "no longer in the input"
            reason = static_text(screen.query_one("#reason"))
            assert "Armanda Silva (2) is no longer in the input" in " ".join(reason.split())
            await pilot.press("x")
            await settle(pilot)
            assert "no longer in the input" in next(iter(app._notifications)).message
            assert "qbo:238" in app.triage.state(item_id).inactive  # as decided, unchanged

    asyncio.run(scenario())


def test_the_heading_follows_the_members_left_after_a_split() -> None:
    """`d` on a "several Canopy clients for one QBO customer" group of two clients leaves one
    client and one customer: the heading says so instead of the group's old kind."""
    from helpers import static_text

    async def scenario() -> None:
        app = demo_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await to_queue(pilot)
            screen = app.screen
            assert isinstance(screen, QueueScreen)
            item = screen.item
            assert item is not None and item.kind == "competing" and len(item.members) == 3
            title = static_text(screen.query_one("#queue-title")).splitlines()
            assert "Several Canopy clients for one QBO customer" in title[1]
            await pilot.press("d")
            await settle(pilot)
            title = static_text(screen.query_one("#queue-title")).splitlines()
            assert "1 split off" in title[0]
            assert "Several Canopy clients" not in title[1]
            assert "One Canopy client and one QBO customer left" in title[1]
            await pilot.press("u")
            await settle(pilot)
            title = static_text(screen.query_one("#queue-title")).splitlines()
            assert "Several Canopy clients for one QBO customer" in title[1]

    asyncio.run(scenario())


def test_palette_ranks_a_whole_word_of_the_name_first_and_lists_quit_once() -> None:
    """Typing `undo` listed "Link marked (L)" and "Drop (z)", whose descriptions mention undo,
    above "Undo (u)"; Textual's "Quit" stood beside ours."""
    from textual.command import CommandList, CommandPalette

    async def typed(pilot, text: str) -> list[str]:  # type: ignore[no-untyped-def]
        palette = pilot.app.screen
        assert isinstance(palette, CommandPalette)
        found = palette.query_one(CommandList)

        def shown() -> list[str]:
            return [str(found.get_option_at_index(n).prompt).split("\n")[0]
                    for n in range(found.option_count)]

        before = shown()
        await pilot.press("ctrl+u", *text)  # the box cleared, then the query typed
        await until(pilot, lambda: shown() not in ([], before), f"hits for {text!r}")
        await settle(pilot)  # the search worker done: every hit is in
        return shown()

    async def scenario() -> None:
        app = demo_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await to_queue(pilot)
            await pilot.press("ctrl+p")
            await until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
            hits = await typed(pilot, "undo")
            assert hits[0].startswith("Undo (u)"), hits
            hits = await typed(pilot, "quit")
            assert [h for h in hits if "quit" in h.casefold()] == ["Quit (q)"], hits
            hits = await typed(pilot, "keys")
            assert not any(h.startswith("Keys") for h in hits), hits

    asyncio.run(scenario())


def test_a_decision_contradicting_another_items_is_said_and_both_are_flagged() -> None:
    """Canopy C000031 is in two probable pairs: linked to its QBO customer in one and created
    in QBO in the other, both were accepted silently and the plan left it alone. Now the
    second decision's toast names the other item, both headers say so, `conflict` finds
    them, and undo clears it."""
    from helpers import static_text

    from tui.service.plan import build_plan

    async def scenario() -> None:
        app = demo_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await to_queue(pilot)
            screen = app.screen
            assert isinstance(screen, QueueScreen)
            triage = app.triage
            first, second = [i for i in triage.items if "canopy:C000031" in i.members]
            screen._go(triage.index[first.id])
            await pilot.press("l")                      # linked to its QBO customer
            await settle(pilot)
            assert triage.state(first.id).links and not screen.conflicts()
            screen._go(triage.index[second.id])
            await pilot.press("c")                      # … and created in QBO
            await settle(pilot)
            toast = next(iter(app._notifications)).message
            assert f"Contradicts item {triage.index[first.id] + 1}" in toast
            assert "canopy:C000031 created in QBO and also linked" in toast
            title = static_text(screen.query_one("#queue-title")).splitlines()[1]
            assert f"conflicts with item {triage.index[first.id] + 1}" in title
            assert set(screen.conflicts()) == {first.id, second.id}
            [plan_says] = [c for c in build_plan(triage).contradictions
                           if c.key == "canopy:C000031"]
            assert plan_says.items == sorted([first.id, second.id])
            await pilot.press("f", *"conflict", "enter")
            await settle(pilot)
            assert screen.view.visible == sorted(triage.index[i] for i in (first.id, second.id))
            screen._go(triage.index[first.id])
            title = static_text(screen.query_one("#queue-title")).splitlines()[1]
            assert f"conflicts with item {triage.index[second.id] + 1}" in title
            await pilot.press("u")                      # the create undone: no conflict
            await settle(pilot)
            assert screen.conflicts() == {}
            title = static_text(screen.query_one("#queue-title")).splitlines()[1]
            assert "conflict" not in title

    asyncio.run(scenario())
