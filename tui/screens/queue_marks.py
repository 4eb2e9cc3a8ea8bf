"""The queue's marks: mark items (space, a range, all shown), then link them or call them not
duplicates in one step, after a preview when there are many. Mixed into `QueueScreen`; marks
are a selection, not a decision, so they live in the screen's view and not in the journal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl
from rich.markup import escape

from tui.screens.dialogs import MessageDialog
from tui.service.patterns import verdict_entries

if TYPE_CHECKING:
    from tui.service.queue_filter import QueueView
    from tui.service.triage import Item, Triage

CONFIRM_OVER = 5
"""More marked items than this are decided after a preview: ctrl+a marks every item shown, and
one stray `L` would then link them all, uncertain scores included."""

PREVIEW = 4
"""Items named in that preview."""


class MarkKeys:
    """Actions of `QueueScreen` on marked items; they read the screen's `view` (the marks),
    `item`, `position` and `triage`, and redraw with `show_item()`."""

    if TYPE_CHECKING:  # provided by QueueScreen
        position: int
        view: QueueView

        @property
        def triage(self) -> Triage: ...
        @property
        def item(self) -> Item | None: ...
        def show_item(self) -> None: ...
        def action_move(self, step: int) -> None: ...
        def notify(self, message: str, **kwargs: Any) -> None: ...
        @property
        def app(self) -> Any: ...

    def action_toggle_mark(self) -> None:
        if self.item is not None:  # never the item a filter hides
            self.view.toggle(self.position)
            self.action_move(1)
            self.show_item()

    def action_mark_range(self) -> None:
        if self.item is not None:
            added = self.view.mark_range(self.position)
            self.notify(f"{added:,} marked in the range; {len(self.view.marks):,} in all.")
            self.show_item()

    def action_mark_all(self) -> None:
        self.notify(f"{self.view.mark_all():,} marked.")
        self.show_item()

    def action_unmark_all(self) -> None:
        self.view.clear_marks()
        self.show_item()

    def action_decide_marked(self, verdict: str) -> None:
        if not self.view.marks:
            self.notify("Nothing is marked: space marks an item.", severity="warning")
            return
        ids = [self.triage.items[p].id for p in sorted(self.view.marks)]
        entries, left_out = verdict_entries(self.triage, ids, verdict)
        if not entries:
            self.notify("None of the marked items can take that (decided already, or not a "
                        "Canopy–QBO pair).", severity="warning")
            return
        if len(entries) <= CONFIRM_OVER:
            self._decide_entries(entries, left_out, verdict)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._decide_entries(entries, left_out, verdict)

        title, body = self._bulk_preview(entries, left_out, verdict)
        self.app.push_screen(MessageDialog(title, body, "Enter: decide them all   Escape: cancel"),
                             answered)

    def _bulk_preview(self, entries: list[tuple[str, str, dict[str, Any]]], left_out: int,
                      verdict: str) -> tuple[str, str]:
        """The confirmation's title and body, as the Patterns screen words its preview: how
        many, their scores (and how many fall below the accept threshold), the first few."""
        ids = [item_id for item_id, _, _ in entries]
        table = self.app.item_table()  # type: ignore[attr-defined]
        scores = table.filter(pl.col("item").is_in(ids))
        low, high = scores["score_min"].min(), scores["score_max"].max()
        accept = self.triage.report.config.match.accept
        below = scores.filter(pl.col("score_max") < accept).height
        what = ("Link each Canopy client to its QBO customer" if verdict == "accept"
                else "Say the two records of each are not duplicates")
        lines = [f"{what}: {len(entries):,} marked items."]
        if low is not None:
            lines.append(f"Scores {low:g}–{high:g}"
                         + (f"; {below:,} below the accept threshold ({accept:g}): not "
                            "certain matches." if below else "."))
        lines.append("")
        lines += [f"• {escape(self._describe(item_id))}" for item_id in ids[:PREVIEW]]
        if len(ids) > PREVIEW:
            lines.append(f"… and {len(ids) - PREVIEW:,} more")
        if left_out:
            lines.append(f"\n{left_out:,} marked items are left as they are (decided already, "
                         "or not a Canopy–QBO pair).")
        lines.append("\nOne step: one undo (u) reverts all of it.")
        verb = "Link" if verdict == "accept" else "Reject"
        return f"{verb} {len(entries):,} items?", "\n".join(lines)

    def _describe(self, item_id: str) -> str:
        """An item's records by name and id: "Ann Lee (C12) ↔ Lee, Ann (93)"."""
        return " ↔ ".join(f"{self.triage.name_of(k)} ({k.split(':', 1)[1]})"
                          for k in self.triage.item(item_id).members)

    def _decide_entries(self, entries: list[tuple[str, str, dict[str, Any]]], left_out: int,
                        verdict: str) -> None:
        self.triage.decide_many(entries)
        done = {self.triage.index[item_id] for item_id, _, _ in entries}
        self.view.marks -= done
        items = f"{len(entries):,} item{'s' if len(entries) != 1 else ''}"
        said = f"Linked {items}" if verdict == "accept" else f"{items} marked not duplicates"
        self.notify(f"{said} in one step (u undoes it)"
                    + (f"; {left_out:,} left marked (decided already or not a pair)."
                       if left_out else "."))
        self.show_item()
