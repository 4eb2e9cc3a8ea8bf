"""The edit form driven with the Pilot: keys sent in one burst (as over SSH or a paste) each land
in their field, and Escape asks before throwing edits away."""

from __future__ import annotations

import asyncio

from helpers import demo_app, settle, static_text, to_queue
from textual import events
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, Static

from tui.screens.dialogs import MessageDialog
from tui.screens.edit import EditScreen
from tui.screens.queue import QueueScreen


async def edit_form(app: App, pilot: Pilot) -> EditScreen:
    """The queue's first item, its focused record in the edit form (`e`)."""
    await to_queue(pilot)
    await pilot.press("e")
    await settle(pilot)
    form = app.screen
    assert isinstance(form, EditScreen)
    return form


def burst(app: App, keys: list[str]) -> None:
    """Queue every key at once, as the terminal driver does when many bytes arrive together:
    nothing runs between two keys."""
    driver = app._driver
    assert driver is not None
    for key in keys:
        char = {"tab": "\t"}.get(key, key if len(key) == 1 else None)
        event = events.Key(key, char)
        event.set_sender(app)
        driver.send_message(event)


def test_keys_in_a_burst_land_in_their_fields() -> None:
    async def scenario() -> None:
        app = demo_app()
        async with app.run_test(size=(80, 24)) as pilot:
            form = await edit_form(app, pilot)
            for name in ("display_name", "given_name", "family_name"):
                form.query_one(f"#field-{name}", Input).value = ""
            await settle(pilot)
            burst(app, [*"Bobby", "tab", *"Tables", "tab", *"Inc"])
            await settle(pilot)
            values = form.values()
            assert (values["display_name"], values["given_name"], values["family_name"]) == (
                "Bobby", "Tables", "Inc")
            # Typing then Tab in one burst keeps the last character.
            burst(app, [*"xyz", "tab"])
            await settle(pilot)
            assert form.values()["family_name"] == "Incxyz"
            assert app.focused is form.query_one("#field-company_name", Input)
            burst(app, ["shift+tab", *"Q"])
            await settle(pilot)
            # Back in the field, typed over its text (a field selects its text when entered).
            assert form.values()["family_name"] == "Q"
            assert form.values()["company_name"] == form.original["company_name"]
            # Round 2 of the user test: a hidden stop between the last field and the first ate
            # a value. Tab from the last field lands on the first; shift+tab comes back.
            fields = list(form.query(Input))
            fields[-1].focus()
            await settle(pilot)
            burst(app, ["tab"])
            await settle(pilot)
            assert app.focused is fields[0]
            burst(app, ["shift+tab"])
            await settle(pilot)
            assert app.focused is fields[-1]

    asyncio.run(scenario())


def test_escape_asks_before_discarding_edits() -> None:
    async def scenario() -> None:
        app = demo_app()
        async with app.run_test(size=(80, 24)) as pilot:
            form = await edit_form(app, pilot)
            await pilot.press(*"Jr")
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, MessageDialog)  # asked, nothing lost yet
            await pilot.press("escape")                   # keep editing
            await settle(pilot)
            assert app.screen is form and form.values()["display_name"].endswith("Jr")
            await pilot.press("escape", "enter")           # discard
            await settle(pilot)
            assert isinstance(app.screen, QueueScreen)
            # Without changes Escape closes at once.
            await pilot.press("e")
            await settle(pilot)
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, QueueScreen)

    asyncio.run(scenario())


def test_the_form_opens_with_the_cursor_at_the_end_of_the_name_nothing_selected() -> None:
    """The form used to open with Display name selected: one keystroke replaced the whole
    name. Now a key adds to it; a field entered with Tab still selects its text."""
    async def scenario() -> None:
        app = demo_app()
        async with app.run_test(size=(80, 24)) as pilot:
            form = await edit_form(app, pilot)
            name = form.query_one("#field-display_name", Input)
            original = form.original["display_name"]
            assert app.focused is name and name.selection.is_empty
            assert name.cursor_position == len(original)
            await pilot.press("x")
            assert name.value == original + "x"
            await pilot.press("tab")
            given = form.query_one("#field-given_name", Input)
            assert given.selected_text == form.original["given_name"] != ""

    asyncio.run(scenario())


def test_canopy_rename_to_a_taken_canopy_name_warns_and_rescores() -> None:
    """The new user's case: C000016 renamed to C000037's name. The form warns (Canopy's sync
    matches by name) and the reason line re-scores with the new name, not the old first/last."""
    async def scenario() -> None:
        app = demo_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await to_queue(pilot)
            screen = app.screen
            assert isinstance(screen, QueueScreen)
            item = next(i for i in app.triage.items if "canopy:C000016" in i.members
                        and "qbo:104" in i.members)
            screen._go(app.triage.index[item.id])
            await settle(pilot)
            while screen._focused() != "canopy:C000016":
                screen.action_focus_column(1)
            await pilot.press("e")
            await settle(pilot)
            form = app.screen
            assert isinstance(form, EditScreen) and form.key == "canopy:C000016"
            form.query_one("#field-display_name", Input).value = "Laurinda Chen"
            await settle(pilot)
            warning = static_text(form.query_one("#warning-display_name", Static))
            assert "C000037" in warning and "sync" in warning, warning
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, QueueScreen)
            reason = static_text(screen.query_one("#reason", Static))
            assert "re-scored" in reason and "kendra" not in reason.lower(), reason

    asyncio.run(scenario())


def test_a_rule_broken_by_an_untouched_field_warns_but_does_not_block() -> None:
    """User test: editing a client's e-mail was refused because its State, untouched, read
    "Oregon" (QBO wants the two-letter code). An untouched field is not sent in an update: it
    warns; a field the user changes is held to the rule."""
    async def scenario() -> None:
        app = demo_app()
        async with app.run_test(size=(80, 24)) as pilot:
            form = await edit_form(app, pilot)
            # As if the list had it so: the form's record reads "Oregon".
            form.original["region"] = "Oregon"
            form.query_one("#field-region", Input).value = "Oregon"
            form.query_one("#field-country", Input).value = form.original["country"] = "USA"
            email = form.query_one("#field-email", Input)
            email.value = "new.address@example.com"
            await settle(pilot)
            assert form.show_errors() == {}
            warning = static_text(form.query_one("#warning-region", Static))
            assert "as the list has it" in warning and "two-letter" in warning
            assert static_text(form.query_one("#error-region", Static)) == ""
            # Typed by the user, the same value is an error again.
            form.query_one("#field-region", Input).value = "Oregon "
            await settle(pilot)
            assert "two-letter" in form.show_errors()["region"]
            form.query_one("#field-region", Input).value = "Oregon"
            await settle(pilot)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert not isinstance(app.screen, EditScreen)  # saved
            state = app.triage.state(app.screen.item.id)
            assert any(e.get("email") == "new.address@example.com" for e in state.edits.values())

    asyncio.run(scenario())
