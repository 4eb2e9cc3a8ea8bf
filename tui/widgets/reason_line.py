"""Why two records of a queue item were put together: the pair's score, its per-field scores
and its one-line reason, scored again when the user has edited either record."""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from textual.widgets import Static

from tui.service.rescore import rescored_pair
from tui.service.triage import ItemState, Triage


def _score_text(value: Any) -> str:
    return "—" if value is None else f"{value:g}"


def anchor(members: list[str], state: ItemState, focus: int) -> str:
    """The record the focused one is compared with: a primary, else the first other."""
    focused = members[focus]
    for key in state.primary.values():
        if key != focused and key in members:
            return key
    return next((k for k in members if k != focused), focused)


def reason_text(triage: Triage, columns: list[str], state: ItemState, focus: int) -> str:
    """Two lines (markup): the focused record against its anchor, then why. `columns` are the
    records shown, those gone from their input last."""
    if not columns:
        return "No record left in this item: every one was split off as not a duplicate."
    if not triage.exists(columns[focus]):
        return (f"{escape(triage.name_of(columns[focus]) or columns[focus])} is no longer in "
                "the input: its fields as last decided on are shown. y keeps the decisions "
                "for the records still here; z drops them.")
    members = [k for k in columns if triage.exists(k)]
    if len(members) < 2:
        return ("One record left in this item: the rest were split off as not duplicates or "
                "are no longer in the input.")
    focus = members.index(columns[focus])
    focused = members[focus]
    other = anchor(members, state, focus)
    pair = triage.pair_evidence(focused, other)
    n, m = members.index(focused) + 1, members.index(other) + 1
    edited = ""
    if focused in state.edits or other in state.edits:
        # Scored again as matching would score the records as edited.
        pair = rescored_pair(triage.report, [triage.record(focused), triage.record(other)],
                             [state.edits.get(focused, {}), state.edits.get(other, {})])
        edited = " · re-scored with your edits"
    if pair is None:
        return f"{n} vs {m}: not compared by matching (joined through other members)."
    fields = " · ".join(f"{name} {_score_text(pair[name])}"
                        for name in ("name", "email", "phone", "address"))
    return (f"{n} vs {m}: score [b]{pair['score']:g}[/b] ({pair['evidence']}) · {fields}"
            f"{edited}\nWhy: {pair['reason']}")


class ReasonLine(Static):
    """The reason under the queue's grid."""

    def show(self, triage: Triage, members: list[str], state: ItemState, focus: int,
             changed: list[str] | None = None) -> None:
        """The focused pair's reason; first, for a stale item, what changed under it."""
        why = reason_text(triage, members, state, focus)
        self.update("\n".join([f"[b]Changed:[/b] {c}" for c in changed or []] + [why]))
