"""The queue's decision keys: primary, inactive, link, create, not duplicates, keep, skip,
stale settling, undo and redo, and the edit form. Mixed into `QueueScreen`, whose item, members
and drawing they use; every decision goes to the journal (committed) before the screen changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tui.screens.dialogs import MessageDialog
from tui.screens.edit import EditScreen
from tui.service.errors import UserError

if TYPE_CHECKING:
    from tui.service.plan_facts import Contradiction
    from tui.service.triage import Item, ItemState, Triage


class DecisionKeys:
    """Actions of `QueueScreen` that record decisions; they read the screen's `item`,
    `_members()`, `focus_index` and `triage`, and redraw with `show_item()`."""

    if TYPE_CHECKING:  # provided by QueueScreen
        focus_index: int
        position: int

        @property
        def triage(self) -> Triage: ...
        @property
        def item(self) -> Item | None: ...
        def _members(self) -> tuple[Item, ItemState, list[str]] | None: ...
        def show_item(self) -> None: ...
        def conflicts(self) -> dict[str, list[Contradiction]]: ...
        def conflict_note(self, item_id: str, found: list[Contradiction]) -> str: ...
        def _describe(self, item_id: str) -> str: ...
        def notify(self, message: str, **kwargs: Any) -> None: ...
        @property
        def app(self) -> Any: ...

    def _focused(self) -> str | None:
        current = self._members()
        return current[2][self.focus_index] if current and current[2] else None

    def _decide(self, action: str, **payload: Any) -> bool:
        item = self.item
        if item is None:
            return False
        before = {(c.key, c.message) for c in self.conflicts().get(item.id, [])}
        try:
            self.triage.decide(item.id, action, **payload)
        except UserError as error:
            self.notify(error.one_line(), severity="warning")
            return False
        self.show_item()
        # Said now, naming the other item, not first when the plan is read.
        new = [c for c in self.conflicts().get(item.id, []) if (c.key, c.message) not in before]
        if new:
            self.notify(f"Contradicts {self.conflict_note(item.id, new)}: {new[0].key} "
                        f"{new[0].message}. The plan leaves it alone until one is undone "
                        "(f conflict finds them).", severity="warning", timeout=10)
        return True

    def action_primary(self, number: int) -> None:
        current = self._members()
        if current is None or number > len(current[2]):
            self.notify(f"There is no record {number} here.", severity="warning")
            return
        self.focus_index = number - 1
        self._decide("primary", record=current[2][number - 1])

    def action_toggle_inactive(self) -> None:
        current = self._members()
        if current is not None:
            key = current[2][self.focus_index]
            self._decide("inactive", record=key, value=key not in current[1].inactive)

    def _focus(self) -> tuple[ItemState, list[str], str, str] | None:
        """State, members, the focused record and its side ("canopy" or "qbo")."""
        current = self._members()
        if current is None or not current[2]:
            return None
        _, state, members = current
        focused = members[self.focus_index]
        return state, members, focused, focused.split(":", 1)[0]

    def action_retire_rest(self) -> None:
        focus = self._focus()
        if focus is None:
            return
        state, members, _, side = focus
        primary = state.primary.get(side)
        if primary is None:
            self.notify("Pick the primary on this side first (1-9).", severity="warning")
            return
        item = self.item
        rest = [key for key in members  # not a gone record's column: nothing to retire
                if key.startswith(side + ":") and key != primary and key not in state.inactive
                and self.triage.exists(key)]
        if item is None or not rest:
            return
        try:  # one step: one undo brings every one of them back
            self.triage.decide_many([(item.id, "inactive", {"record": key, "value": True})
                                     for key in rest])
        except UserError as error:
            self.notify(error.one_line(), severity="warning")
        self.show_item()

    def action_link(self) -> None:
        focus = self._focus()
        if focus is None:
            return
        state, members, focused, side = focus
        other_side = "qbo" if side == "canopy" else "canopy"
        others = [k for k in members
                  if k.startswith(other_side + ":") and self.triage.exists(k)]
        partner = state.primary.get(other_side) or (others[0] if len(others) == 1 else None)
        if partner is None:
            self.notify("Pick the primary on the other side first (1-9).", severity="warning")
            return
        canopy, qbo = (focused, partner) if side == "canopy" else (partner, focused)
        self._decide("link", canopy=canopy, qbo=qbo)

    def action_create(self) -> None:
        focused = self._focused()
        if focused is not None:
            self._decide("create", record=focused)

    def action_distinct(self) -> None:
        focused = self._focused()
        if focused is not None:
            self._decide("distinct", record=focused)

    def action_keep(self) -> None:
        self._decide("keep")

    def action_settle_stale(self, action: str, every: bool) -> None:
        item = self.item
        if every:
            ids = self.triage.stale_item_ids()
        elif item is not None and self.triage.stale(item.id):
            ids = [item.id]
        else:
            self.notify("This item is not stale: nothing to re-confirm or drop.")
            return
        if action == "confirm":
            # A decision naming a gone record is not re-confirmed: the plan would silently
            # have nothing for it while the item counted as decided.
            refused = [i for i in ids if self.triage.confirm_refusal(i) is not None]
            if not every and refused:
                self.notify(str(self.triage.confirm_refusal(refused[0])), severity="warning")
                return
            ids = [i for i in ids if i not in refused]
            if refused:
                if ids:
                    self._settle(action, ids, None)
                self.notify(f"{len(refused):,} stale item(s) not re-confirmed: a record their "
                            "decisions name is no longer in the input. Decide them again or "
                            "drop them (z).", severity="warning", timeout=15)
                return
        # Dropping a decision QBO already carries out takes nothing back in QBO: the user is
        # told what stays changed there, and asked first when several items go at once.
        applied = self.triage.drop_warning(ids) if action == "drop" else None
        if applied is None or len(ids) <= 1:
            self._settle(action, ids, applied)
            return
        body = (f"{applied}\n\nThe decisions of {len(ids):,} stale items are cleared (undo "
                "brings them back).")

        def answered(go: bool | None) -> None:
            if go:
                self._settle(action, ids, applied)

        self.app.push_screen(MessageDialog(f"Drop the decisions of {len(ids):,} stale items?",
                                           body, "Enter: drop them   Escape: cancel"), answered)

    def _settle(self, action: str, ids: list[str], applied: str | None) -> None:
        step = self.triage.settle_stale(action, ids)
        self.show_item()
        if not step:
            self.notify("No stale items.")
            return
        verb = "Re-confirmed" if action == "confirm" else "Dropped the decisions of"
        if applied is None:
            self.notify(f"{verb} {len(step):,} stale item(s).")
        else:
            self.notify(f"{verb} {len(step):,} stale item(s). {applied}", severity="warning",
                        timeout=20)

    def action_skip(self) -> None:
        if self._decide("skip"):
            self.action_move(1)

    def _undo_redo(self, redo: bool) -> None:
        step = self.triage.redo() if redo else self.triage.undo()
        if not step:
            self.notify("Nothing to redo." if redo else "Nothing to undo.")
            return
        decision = step[0]
        position = self.triage.index.get(decision.item)
        if position is not None and position != self.position:
            self.position = self.triage.move_to(position)
            self.focus_index = 0
        self.show_item()
        verb = "Redone" if redo else "Undone"
        if len(step) > 1:
            said = f"{verb}: {len(step):,} decisions made in one step."
        else:
            # Named, not numbered: under a filter the queue's numbers are not the ones shown.
            said = f"{verb}: {decision.action} on {self._describe(decision.item)}."
        # Undoing a decision an apply run carried out takes nothing back in QBO: a bare
        # "Undone" let a bookkeeper believe the created customer or rename was gone.
        applied = None if redo else self.triage.undo_warning(step)
        if applied is None:
            self.notify(said)
        else:
            self.notify(f"{said} {applied}", severity="warning", timeout=20)

    def action_undo(self) -> None:
        self._undo_redo(redo=False)

    def action_redo(self) -> None:
        self._undo_redo(redo=True)

    def action_edit(self) -> None:
        item, key = self.item, self._focused()
        if item is None or key is None:
            return
        if not self.triage.exists(key):
            self.notify("That record is no longer in the input: there is nothing to edit.",
                        severity="warning")
            return

        def saved(changes: dict[str, str] | None) -> None:
            if changes:
                self._decide("edit", record=key, fields=changes)

        self.app.push_screen(EditScreen.for_record(self.triage, item.id, key), saved)
