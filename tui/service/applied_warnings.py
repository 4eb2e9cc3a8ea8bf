"""What changing or undoing decisions does NOT take back: changes an apply run already made in
QBO, told to the user before and after (a silent drop let a bookkeeper believe QBO was as
before). `Triage` builds on it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.service.own_writes import AppliedChange, describe

if TYPE_CHECKING:
    from tui.service.journal import Decision, Journal
    from tui.service.own_writes import OwnWrites


class AppliedWarnings:
    """Sentences about our own applied changes per item; what it reads, and `exists`,
    `fields_of` and `last_known`, are `Triage`'s."""

    if TYPE_CHECKING:  # provided by Triage
        journal: Journal
        _own: OwnWrites

        def exists(self, key: str) -> bool: ...
        def fields_of(self, key: str) -> dict[str, str]: ...
        def last_known(self, key: str) -> dict[str, str]: ...

    def applied_changes(self, item_ids: list[str]) -> list[tuple[int, str]]:
        """(run, sentence) for every change an apply run (not undone) made in QBO for these
        items, oldest first. Dropping or changing the items' decisions leaves all of it in QBO:
        only an undo of the run takes it back."""
        return self._described([change for item_id in item_ids
                                for change in self._own.by_item.get(item_id, [])])

    def drop_warning(self, item_ids: list[str]) -> str | None:
        """What dropping these items' decisions does NOT take back, for the user, before and
        after: the changes already applied to QBO stay, listed by the plan as kept in QBO (a
        silent drop let a bookkeeper believe QBO was as before). None when nothing was applied."""
        return self._applied_sentence(self.applied_changes(item_ids))

    def undo_warning(self, step: list[Decision]) -> str | None:
        """What undoing this step does NOT take back: the changes an apply run (not undone)
        already made in QBO from its decisions. A decision made after a run began had no
        part in it, so only runs begun after the decision count. None when none did."""
        changes = []
        for decision in step:
            for change in self._own.by_item.get(decision.item, []):
                if int(self.journal.get(f"run_seq:{change.run}", "0") or 0) < decision.seq:
                    continue  # the run began before this decision: it carried out others
                changes.append(change)
        return self._applied_sentence(self._described(changes))

    def _described(self, changes: list[AppliedChange]) -> list[tuple[int, str]]:
        out = []
        for change in changes:
            name = (self.fields_of(change.key).get("display_name", "")
                    if self.exists(change.key)
                    else self.last_known(change.key).get("display_name", ""))
            out.append((change.run, describe(change, name)))
        # One change may serve several items: said once, runs in order.
        return sorted(dict.fromkeys(out), key=lambda pair: pair[0])

    def _applied_sentence(self, changes: list[tuple[int, str]]) -> str | None:
        if not changes:
            return None
        runs = sorted({run for run, _ in changes})
        shown = "; ".join(text for _, text in changes[:6])
        if len(changes) > 6:
            shown += f"; and {len(changes) - 6} more"
        which = ("apply run " + ", ".join(str(r) for r in runs[:-1])
                 + (" and " if len(runs) > 1 else "") + str(runs[-1]))
        return (f"Already applied to QBO by {which}, and it stays so: {shown}. The plan "
                "lists it as kept in QBO, no longer decided; to put QBO back, undo the run (U "
                "on the plan screen, or `cqtriage undo`: it takes back the last run not undone, "
                "every change in it).")
