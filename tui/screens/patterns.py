"""The Patterns view: the queue's two-record items grouped by how their records compare, with
counts, score ranges and a preview; one key decides every undecided item of a pattern as one
journal step, which one undo reverts."""

from __future__ import annotations

from typing import Any

import polars as pl
from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Static
from textual_fastdatatable import DataTable

from tui.commands import bindings
from tui.screens.dialogs import MessageDialog
from tui.service.patterns import FIELDS, Pattern, patterns, verdict_entries
from tui.service.views import KEY
from tui.widgets.record_table import RecordTable

PREVIEW = 4
"""Items shown under the table and in the confirmation: enough to recognise the pattern."""

_LEVEL_TEXT = {"exact": "exact", "similar": "similar", "different": "differ", "missing": "—"}


class PatternsScreen(Screen[None]):
    """Every agreement pattern with its count; accept or reject one whole pattern."""

    SCOPE = "patterns"
    BINDINGS = bindings("patterns")
    AUTO_FOCUS = "RecordTable DataTable"

    DEFAULT_CSS = """
    PatternsScreen #patterns-summary { height: auto; padding: 0 1; background: $boost; }
    PatternsScreen #pattern-preview {
        height: auto; max-height: 6; padding: 0 1; border-top: solid $primary-muted;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.patterns: list[Pattern] = []
        self._left = False
        """The queue was opened from here: its decisions may have changed the counts."""
        self._load()

    @property
    def app_(self) -> Any:
        return self.app

    def _load(self) -> None:
        self.patterns = patterns(self.app_.item_table())
        self.by_key = {p.key: p for p in self.patterns}

    def _open(self, pattern: Pattern) -> int:
        triage = self.app_.triage
        return sum(not triage.is_decided(item_id) for item_id in pattern.items)

    def frame(self) -> pl.DataFrame:
        """One row per pattern: items, undecided, score range, each field's level, flags and
        the first item's names."""
        rows = []
        for p in self.patterns:
            score = (f"{p.score_min:g}" if p.score_min == p.score_max
                     else f"{p.score_min:g}–{p.score_max:g}")
            rows.append({"Items": p.count, "Open": self._open(p), "Score": score,
                         **{name.title(): _LEVEL_TEXT[p.levels[name]] for name in FIELDS},
                         "Flags": " ".join(p.flags), "Sample": self._names(p.items[0]),
                         KEY: p.key})
        schema = {"Items": pl.Int64, "Open": pl.Int64, "Score": pl.String,
                  **{name.title(): pl.String for name in FIELDS}, "Flags": pl.String,
                  "Sample": pl.String, KEY: pl.String}
        return pl.DataFrame(rows, schema=schema)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self._summary(), id="patterns-summary")
        yield RecordTable(self.frame(), id="patterns-table")
        yield Static("", id="pattern-preview")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self._show_preview()

    async def on_screen_resume(self) -> None:
        # Back from the queue (Enter walks a pattern there): its decisions change the counts.
        if self._left:
            self._left = False
            await self._refresh()

    def _summary(self) -> str:
        items = sum(p.count for p in self.patterns)
        return (f"[b]{len(self.patterns):,} patterns[/b] over {items:,} two-record items "
                "(exact · similar · differ · — missing). a links, d rejects every undecided "
                "item of the highlighted pattern; u undoes it.")

    def current(self) -> Pattern | None:
        key = self.query_one(RecordTable).current_key()
        return self.by_key.get(key) if key is not None else None

    def _names(self, item_id: str) -> str:
        """The item's display names, plain text: "Ann Lee ↔ Lee, Ann"."""
        triage = self.app_.triage
        return " ↔ ".join(triage.name_of(k) for k in triage.item(item_id).members)

    def _describe(self, item_id: str) -> str:
        triage = self.app_.triage
        item = triage.item(item_id)
        names = [f"{escape(triage.name_of(k))} ({k.split(':', 1)[1]})"
                 for k in item.members]
        return " ↔ ".join(names)

    def _show_preview(self) -> None:
        pattern = self.current()
        box = self.query_one("#pattern-preview", Static)
        if pattern is None:
            box.update("No two-record items in the queue.")
            return
        lines = [f"[b]{escape(pattern.key)}[/b]"]
        lines += [f"  {self._describe(i)}" for i in pattern.items[:PREVIEW]]
        if pattern.count > PREVIEW:
            lines.append(f"  … and {pattern.count - PREVIEW:,} more (Enter walks them)")
        box.update("\n".join(lines))

    @on(DataTable.CellHighlighted)
    def _highlighted(self) -> None:
        self._show_preview()

    async def _refresh(self) -> None:
        self._load()
        self.query_one("#patterns-summary", Static).update(self._summary())
        await self.query_one(RecordTable).set_frame(self.frame())
        self._show_preview()

    # actions -----------------------------------------------------------------------------------
    def action_open_pattern(self) -> None:
        pattern = self.current()
        if pattern is not None:
            self._left = True
            self.app_.open_queue(pattern.positions[0], f"pattern:{pattern.key}")

    @on(RecordTable.RowChosen)
    def _row_chosen(self) -> None:
        # Enter on the table arrives here (the table binds it), not as the screen's key.
        self.action_open_pattern()

    def action_decide_pattern(self, verdict: str) -> None:
        pattern = self.current()
        if pattern is None:
            return
        triage = self.app_.triage
        entries, left_out = verdict_entries(triage, pattern.items, verdict)
        if not entries:
            self.notify("Nothing left to decide in this pattern (decided already, or not "
                        "Canopy–QBO pairs).", severity="warning")
            return
        what = ("Link each Canopy client to its QBO customer" if verdict == "accept"
                else "Say the two records of each are not duplicates")
        preview = "\n".join(f"• {self._describe(item_id)}"
                            for item_id, _, _ in entries[:PREVIEW])
        more = f"\n… and {len(entries) - PREVIEW:,} more" if len(entries) > PREVIEW else ""
        skipped = (f"\n{left_out:,} of the pattern's items are left as they are (decided "
                   "already, or not a Canopy–QBO pair)." if left_out else "")
        body = (f"{what}: {len(entries):,} items of\n{escape(pattern.key)}\n\n{preview}{more}"
                f"{skipped}\n\nOne step: one undo (u) reverts all of it.")

        async def answered(yes: bool | None) -> None:
            if not yes:
                return
            triage.decide_many(entries)
            await self._refresh()
            verb = "Linked" if verdict == "accept" else "Rejected"
            self.notify(f"{verb} {len(entries):,} items in one step (u undoes it).")

        self.app.push_screen(MessageDialog(f"{verdict.title()} {len(entries):,} items?", body,
                                           "Enter: decide them all   Escape: cancel"), answered)

    async def action_undo(self) -> None:
        step = self.app_.triage.undo()
        if not step:
            self.notify("Nothing to undo.")
            return
        await self._refresh()
        self.notify(f"Undone: {len(step):,} decision{'s' if len(step) > 1 else ''} "
                    "made in one step.")

    def action_back(self) -> None:
        self.app.pop_screen()
