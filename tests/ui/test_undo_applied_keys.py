"""`u` on a decision an apply run already carried out in QBO: the toast says what stays
changed in QBO and how to undo the run, instead of only "Undone: inactive on item 1.", which
let a bookkeeper believe QBO was as before."""

from __future__ import annotations

import asyncio

from helpers import reopened_queue, settle
from test_drop_applied_keys import demo_company, retire_apply_and_let_a_colleague_edit, toast

from tui.app import TriageApp
from tui.service.config import Config


def test_undoing_an_applied_decision_says_what_stays_in_qbo() -> None:
    [(_, retired)] = retire_apply_and_let_a_colleague_edit(1)

    async def scenario() -> None:
        with demo_company() as (_, inputs):
            app = TriageApp(inputs, Config())
            async with app.run_test(size=(120, 40)) as pilot:
                await reopened_queue(app, pilot)  # the inputs changed: resume with them
                await pilot.press("u")  # the newest step: the applied `inactive`
                await settle(pilot)
                said = toast(app)
                # The item by its records, not by a number a filter may not show.
                assert said.startswith("Undone: inactive on ")
                assert f"({retired.split(':', 1)[1]})" in said.split(".")[0]
                assert f"QBO {retired.split(':', 1)[1]} (" in said and "made inactive" in said
                assert "stays so" in said and "cqtriage undo" in said
                # Redo puts the decision back as QBO has it: nothing to warn of.
                await pilot.press("ctrl+r")
                await settle(pilot)
                assert "stays so" not in toast(app)

    asyncio.run(scenario())

