"""The duplicate queue: one group or pair at a time, records side by side, one key per decision.

Every decision goes to the journal (committed) before the screen changes.
"""

from __future__ import annotations

from rich.markup import escape
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from tui.commands import bindings
from tui.screens.queue_decisions import DecisionKeys
from tui.screens.queue_marks import MarkKeys
from tui.service import queue_filter
from tui.service.errors import UserError
from tui.service.plan_facts import Contradiction, decision_conflicts
from tui.service.triage import SHOWN_FIELDS, Item, ItemState, Triage
from tui.widgets.compare_grid import MARKS, CompareGrid
from tui.widgets.reason_line import ReasonLine


class QueueScreen(DecisionKeys, MarkKeys, Screen[None]):
    """Walk the queue; `position` is the item shown."""

    SCOPE = "queue"
    BINDINGS = bindings("queue")
    AUTO_FOCUS = ""
    """Nothing takes focus: the keys belong to the queue, not to the hidden search box."""

    def __init__(self, position: int = 0, filter_text: str = "",
                 typed_filter: str = "") -> None:
        """`filter_text`: the queue opened filtered (a pattern walked from Patterns; Escape
        goes straight back); `typed_filter`: the user's own filter from an earlier visit (`t`
        brings it back, and Escape clears it as if typed here)."""
        super().__init__()
        self.position = position
        self.focus_index = 0
        self.differing_only = False
        """Show only the fields that differ between the records (`v`)."""
        self.view = queue_filter.QueueView(len(self.triage.items))
        """Filter and marks."""
        self.filter = queue_filter.QueueFilter()
        self._initial_filter = filter_text
        self._typed_filter = typed_filter
        self._conflicts_of: tuple[tuple[int, int], dict[str, list[Contradiction]]] | None = None

    @property
    def triage(self) -> Triage:
        return self.app.triage  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="queue-title")
        yield CompareGrid(id="grid")
        yield ReasonLine(id="reason")
        yield Input(placeholder="Find a name or id (Enter searches, Escape closes)", id="search")
        yield Input(placeholder=queue_filter.HELP, id="filter")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        if self._initial_filter or self._typed_filter:
            self._set_filter(self._initial_filter or self._typed_filter)
        self.show_item()

    def conflicts(self) -> dict[str, list[Contradiction]]:
        """Item id → the contradictions between decisions it takes part in, worked out again
        only when the decisions changed (a new triage, or a decision, undo or redo)."""
        triage = self.triage
        at = (id(triage), triage.version)
        if self._conflicts_of is None or self._conflicts_of[0] != at:
            self._conflicts_of = (at, decision_conflicts(triage))
        return self._conflicts_of[1]

    def conflict_note(self, item_id: str, found: list[Contradiction]) -> str:
        """Which other items `found` (contradictions of `item_id`) involve, as the queue
        numbers them: "item 12", "items 3, 12", or "this item" when only it."""
        index = self.triage.index
        others = sorted({index[i] + 1 for c in found for i in c.items
                         if i != item_id and i in index})
        if not others:
            return "this item"
        return ("item " if len(others) == 1 else "items ") + ", ".join(map(str, others))

    def on_screen_resume(self) -> None:
        # Back from Patterns, the plan or the edit form: decisions made there change the
        # progress, the item's state and what a `decided`/`stale`/`conflict` filter lets
        # through.
        if not self.is_mounted:
            return
        if self.filter.decided is not None or self.filter.stale or self.filter.conflict:
            position, focus = self.position, self.focus_index
            self._set_filter(self.filter.text)
            if self.position == position:
                self.focus_index = focus  # still on the item: keep the focused record
        self.show_item()

    def on_resize(self) -> None:
        self.show_item()  # the title's lines are cut to the width

    # drawing -------------------------------------------------------------------------------------
    @property
    def item(self) -> Item | None:
        """The item on screen; None when the queue is empty or the filter matches nothing (the
        item under the cursor is then hidden, and no key may act on it)."""
        items = self.triage.items
        return items[self.position] if items and self.view.visible != [] else None

    def _members(self) -> tuple[Item, ItemState, list[str]] | None:
        """The item, its state and its record columns: the members still in the group, then
        those gone from their input (shown as gone; no decision may name them)."""
        item = self.item
        if item is None:
            return None
        state = self.triage.state(item.id)
        return (item, state,
                self.triage.members(item, state) + self.triage.gone_members(item, state))

    def show_item(self) -> None:
        """Redraw the title, the grid and the reason line from the triage state."""
        title = self.query_one("#queue-title", Static)
        grid = self.query_one(CompareGrid)
        reason = self.query_one(ReasonLine)
        current = self._members()
        decided, total = self.triage.progress()
        if current is None:
            if self.view.visible == []:
                title.update(Text.from_markup(
                    f"[b]0 / 0 shown of {total:,}[/b] · Decided {decided:,}/{total:,}\n"
                    f"No item matches [b]{escape(self.filter.text)}[/b]; Esc clears the "
                    "filter, f edits it."))
            else:
                title.update("Nothing to triage: no duplicate groups, probable matches or "
                             "doubtful links.  r: back to the report")
            grid.clear(columns=True)
            reason.update("")
            return
        item, state, members = current
        self.focus_index = max(0, min(self.focus_index, len(members) - 1))
        changed = self.triage.stale(item.id)
        status = "[b]stale[/b] (y re-confirm · z drop)" if changed else (
            "decided" if self.triage.is_decided(item.id) else (
                escape(self.triage.apply_issue(item.id) or "")
                if self.triage.in_conflict(item.id)
                else "skipped" if state.skipped else "undecided"))
        # A carried item is incomplete by construction: it says why it is here instead.
        chain = "" if item.complete or item.kind == "changed" else " · members do not all agree"
        clashing = self.conflicts().get(item.id)
        if clashing:  # first after the status: the line is cut at 80 columns
            chain = (f" · [b]⚠ conflicts with {self.conflict_note(item.id, clashing)}[/b]"
                     f" (P plan){chain}")
        columns, values = [], []
        for key in members:
            marks = []
            if state.primary.get(key.split(":", 1)[0]) == key:
                marks.append(MARKS["primary"])
            if key in state.inactive:
                marks.append(MARKS["inactive"])
            if key in state.creates:
                marks.append(MARKS["create"])
            if any(key in link for link in state.links):
                marks.append(MARKS["linked"])
            source, record_id = key.split(":", 1)
            gone = "" if self.triage.exists(key) else " (gone)"
            columns.append((f"{'Canopy' if source == 'canopy' else 'QBO'} {record_id}{gone}",
                            marks))
            values.append(self.triage.shown(key, state))
        differing, blank = self.triage.field_agreement(members, state)
        rows = ([(name, label) for name, label in SHOWN_FIELDS if name in differing | blank]
                if self.differing_only else SHOWN_FIELDS)
        window = grid.window_for(len(members), self.focus_index)
        if len(window) < len(members):  # paged: marks say what this page's records show
            differing_here, blank_here = self.triage.field_agreement(
                [members[n] for n in window], state)
            blank_here -= differing_here
        else:
            differing_here, blank_here = differing, blank
        elsewhere = (differing | blank) - differing_here - blank_here
        grid.show(columns, rows, values, differing_here, self.focus_index, elsewhere,
                  blank_here)
        width = (title.size.width or self.app.size.width) - 2  # less the padding
        lines = []
        for line in self._title_text(item, state, members, status + chain, decided, total,
                                     grid.window).split("\n"):
            text = Text.from_markup(line)
            text.truncate(width, overflow="ellipsis")
            lines.append(text)
        title.update(Text("\n").join(lines))
        reason.show(self.triage, members, state, self.focus_index, changed)

    def _title_text(self, item: Item, state: ItemState, members: list[str], status: str,
                    decided: int, total: int, window: range) -> str:
        """Two lines, each cut with an ellipsis rather than wrapped (the title is two rows):
        where you are and the progress first, so neither is ever pushed off; then the item's
        state and kind."""
        percent = decided * 100 // total if total else 100
        view = self.view
        counter = (f"{self.position + 1:,} / {total:,}" if view.visible is None else
                   f"{view.rank(self.position) + 1:,} / {view.count():,} shown of {total:,}")
        first = [f"[b]{counter}[/b]", f"Decided {decided:,}/{total:,} ({percent}%)"]
        if view.marks:
            first.append(f"{len(view.marks):,} marked"
                         + (" [reverse]● this one[/reverse]" if self.position in view.marks
                            else ""))
        if len(window) < len(members):
            first.append(f"[b]records {window[0] + 1}–{window[-1] + 1} of {len(members)}[/b] "
                         "([ ] page)")
        split = len(state.split & set(item.members))
        if split:
            first.append(f"{split} split off")
        gone = sum(not self.triage.exists(k) for k in members)
        if gone:
            first.append(f"{gone} gone")  # short: the line is cut at 80 columns
        if not self.filter.empty:
            first.append(f"filter: {escape(self.filter.text)}")
        if self.differing_only:
            first.append("differing fields only (v)")
        remaining = [k for k in members if self.triage.exists(k)]
        return " · ".join(first) + f"\n{status} · {escape(item.heading(remaining))}"

    # navigation --------------------------------------------------------------------------------
    def _go(self, position: int) -> None:
        self.position = self.triage.move_to(position)
        self.focus_index = 0
        self.show_item()

    def action_move(self, step: int) -> None:
        found = self.view.step(self.position, step) if self.triage.items else None
        if found is not None:
            self._go(found)

    def action_next_undecided(self) -> None:
        if self.view.visible is None:
            found = self.triage.next_undecided(self.position)
        else:
            shown = self.view.visible
            here = self.view.rank(self.position)
            order = shown[here + 1:] + shown[:here + 1]
            found = next((p for p in order if not self.triage.is_decided(
                self.triage.items[p].id)), None)
        if found is None:
            self.notify("Every item shown is decided.")
        else:
            self._go(found)

    def action_focus_column(self, step: int) -> None:
        current = self._members()
        if current is not None:
            self.focus_index = (self.focus_index + step) % len(current[2])
            self.show_item()

    def action_page_columns(self, step: int) -> None:
        current = self._members()
        if current is None:
            return
        fit = self.query_one(CompareGrid).fit()
        page = self.focus_index // fit + step
        last_page = (len(current[2]) - 1) // fit
        self.focus_index = min(len(current[2]) - 1, max(0, min(page, last_page)) * fit)
        self.show_item()

    def action_toggle_differing(self) -> None:
        self.differing_only = not self.differing_only
        self.show_item()

    def action_back_to_report(self) -> None:
        for box_id in ("#search", "#filter"):
            if self.query_one(box_id, Input).has_class("-shown"):
                self._close_box(box_id)
                return
        self.app.pop_screen()

    def action_escape(self) -> None:
        """Close an open box, else clear a filter typed here (as in the report, k9s and
        lazygit), else go back: a queue opened filtered (a pattern walked from Patterns) goes
        straight back to where it came from."""
        typed_here = not self.filter.empty and self.filter.text != self._initial_filter
        if not typed_here or any(self.query_one(box_id, Input).has_class("-shown")
                                 for box_id in ("#search", "#filter")):
            self.action_back_to_report()
            return
        self._set_filter("")
        self.show_item()
        self.notify("Filter cleared: every item shown.")

    # filter and search ---------------------------------------------------------------------------
    def action_start_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.value = self.filter.text
        box.border_title = None
        box.remove_class("-error")
        box.add_class("-shown")
        box.focus()

    def _set_filter(self, text: str) -> bool:
        try:
            wanted = queue_filter.parse(text)
        except UserError as error:
            # Also on the box's own border, where the eyes are while typing.
            box = self.query_one("#filter", Input)
            box.border_title = escape(error.what)
            box.add_class("-error")
            self.notify(error.one_line(), severity="warning")
            return False
        box = self.query_one("#filter", Input)
        box.border_title = None
        box.remove_class("-error")
        self.filter = wanted
        # `t` reopens the queue where it was left: with this filter too.
        self.app.queue_filter = text  # type: ignore[attr-defined]
        if wanted.empty:
            self.view.visible = None
        else:
            table = self.app.item_table()  # type: ignore[attr-defined]
            decided = {i.id for i in self.triage.items if self.triage.is_decided(i.id)}
            stale = set(self.triage.stale_item_ids()) if wanted.stale else set()
            clashing = set(self.conflicts()) if wanted.conflict else set()
            self.view.visible = queue_filter.positions(table, wanted, decided, stale, clashing)
        if self.view.visible is not None and self.view.visible:
            shown = self.view.visible
            here = self.view.rank(self.position)
            self.position = self.triage.move_to(shown[min(here, len(shown) - 1)])
            self.focus_index = 0
        return True

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        if not self._set_filter(event.value):
            return
        self._close_box("#filter")
        self.show_item()  # says so in place of the item when nothing matches

    # search -------------------------------------------------------------------------------------
    def action_search(self) -> None:
        box = self.query_one("#search", Input)
        box.add_class("-shown")
        box.focus()

    def _close_box(self, box_id: str) -> None:
        box = self.query_one(box_id, Input)
        box.remove_class("-shown")
        self.set_focus(None)

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        # Within the filter: a hit outside it would show an item the header says is filtered
        # out. A failed search closes the box too: left open, it took the keys that followed.
        shown = None if self.view.visible is None else set(self.view.visible)
        found = self.triage.find(event.value, self.position, shown)
        self._close_box("#search")
        if found is not None:
            self._go(found)
            return
        outside = self.triage.count_found(event.value) if shown is not None else 0
        if outside:
            self.notify(f"{event.value!r} is in {outside:,} item(s) outside the filter — Escape "
                        "clears the filter.", severity="warning")
        else:
            self.notify(f"No item holds {event.value!r} (/ searches again).", severity="warning")
