"""The queue's filter: a few words such as `kind:probable score:60-80 flag:joint` read into a
predicate over the item table (`patterns.item_table`), giving the queue positions shown.

Words of one name are alternatives (`kind:canopy kind:qbo` is either); different names must all
hold; `undecided`, `decided`, `stale` (decisions whose records changed since) and
`conflict` (decisions that contradict another's) and `pattern:<key>` narrow further.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

import polars as pl

from tui.service.errors import UserError
from tui.service.patterns import FLAGS

KINDS = {
    "competing": "competing", "several": "competing",
    "canopy": "canopy", "inside-canopy": "canopy",
    "qbo": "qbo", "inside-qbo": "qbo",
    "mixed": "mixed",
    "probable": "pair", "pair": "pair",
    "link": "link", "wrong": "link", "likely-wrong": "link",
}
"""Words a user may type → the queue's item kinds."""

HELP = ("kind:competing|canopy|qbo|mixed|probable|link  score:60-80  flag:"
        + "|".join(FLAGS) + "  undecided|decided|stale|conflict")


@dataclass
class QueueFilter:
    """What the user asked to see; empty shows everything."""

    kinds: set[str] = field(default_factory=set)
    score: tuple[float, float] | None = None
    """Inclusive range; an item is in when its best pair score is in it."""
    flags: set[str] = field(default_factory=set)
    pattern: str | None = None
    decided: bool | None = None
    stale: bool = False
    """Only items whose records changed under their decisions (`Triage.stale_item_ids`)."""
    conflict: bool = False
    """Only items whose decisions contradict others' (`plan_facts.decision_conflicts`)."""
    text: str = ""
    """As typed, to show and to edit again."""

    @property
    def empty(self) -> bool:
        return not (self.kinds or self.score or self.flags or self.pattern
                    or self.decided is not None or self.stale or self.conflict)


def parse(text: str) -> QueueFilter:
    """Read a filter. Raises `UserError` naming the word it cannot read."""
    wanted = QueueFilter(text=text.strip())
    if text.strip().startswith("pattern:"):
        wanted.pattern = text.strip().removeprefix("pattern:").strip()
        return wanted
    for word in text.split():
        name, _, value = word.partition(":")
        name, value = name.casefold(), value.casefold()
        if name == "kind" and value in KINDS:
            wanted.kinds.add(KINDS[value])
        elif name == "flag" and value.replace("-", "_") in FLAGS:
            wanted.flags.add(value.replace("-", "_"))
        elif name == "score" and (found := re.fullmatch(r"(\d+(?:\.\d+)?)?-(\d+(?:\.\d+)?)?",
                                                         value)):
            low, high = found.group(1), found.group(2)
            wanted.score = (float(low or 0), float(high or 100))
        elif name == "score" and re.fullmatch(r"\d+(?:\.\d+)?", value):
            wanted.score = (float(value), 100.0)
        elif word.casefold() == "stale":
            wanted.stale = True
        elif word.casefold() in ("conflict", "conflicts"):
            wanted.conflict = True
        elif word.casefold() in ("undecided", "decided"):
            wanted.decided = word.casefold() == "decided"
        else:
            raise UserError(f"cannot read {word!r} in the filter", f"use {HELP}")
    return wanted


def positions(table: pl.DataFrame, wanted: QueueFilter, decided: set[str],
              stale: set[str] | None = None, conflict: set[str] | None = None) -> list[int]:
    """Queue positions of the items `wanted` lets through, in queue order; `decided` holds
    the ids of decided items, `stale` those of stale items (needed only for `stale`),
    `conflict` those in conflict (only for `conflict`)."""
    if wanted.empty:
        return table["pos"].to_list()
    condition = pl.lit(True)
    if wanted.kinds:
        condition &= pl.col("kind").is_in(sorted(wanted.kinds))
    if wanted.score is not None:
        low, high = wanted.score
        condition &= pl.col("score_max").is_between(low, high).fill_null(False)
    for flag in wanted.flags:
        condition &= pl.col(f"flag_{flag}")
    if wanted.pattern is not None:
        condition &= (pl.col("pattern") == wanted.pattern).fill_null(False)
    if wanted.decided is not None:
        done = pl.col("item").is_in(sorted(decided))
        condition &= done if wanted.decided else ~done
    if wanted.stale:
        condition &= pl.col("item").is_in(sorted(stale or ()))
    if wanted.conflict:
        condition &= pl.col("item").is_in(sorted(conflict or ()))
    return table.filter(condition)["pos"].to_list()


class QueueView:
    """Which queue positions the filter shows, and which are marked.

    Positions index `Triage.items`; a view lives as long as its queue screen (a new triage
    means a new screen).
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.visible: list[int] | None = None
        """Positions shown, in order; None shows every item."""
        self.marks: set[int] = set()
        self.last_mark: int | None = None

    @property
    def shown(self) -> list[int]:
        return list(range(self.size)) if self.visible is None else self.visible

    def count(self) -> int:
        return self.size if self.visible is None else len(self.visible)

    def rank(self, position: int) -> int:
        """0-based place of `position` among those shown (of the next shown one, if hidden)."""
        if self.visible is None:
            return position
        return bisect.bisect_left(self.visible, position)

    def step(self, position: int, step: int) -> int | None:
        """The shown position `step` places from `position` (clamped); None if none shown."""
        shown = self.shown
        if not shown:
            return None
        here = self.rank(position)
        if self.visible is not None and (here >= len(shown) or shown[here] != position):
            # Not shown itself: one step forward lands on the next shown one.
            here -= 1 if step > 0 else 0
        return shown[max(0, min(len(shown) - 1, here + step))]

    def toggle(self, position: int) -> bool:
        """Mark or unmark; True when it is now marked."""
        self.last_mark = position
        if position in self.marks:
            self.marks.discard(position)
            return False
        self.marks.add(position)
        return True

    def mark_range(self, position: int) -> int:
        """Mark every shown position between the last marked and `position`; how many."""
        start = position if self.last_mark is None else self.last_mark
        low, high = sorted((start, position))
        added = [p for p in self.shown if low <= p <= high]
        self.marks.update(added)
        self.last_mark = position
        return len(added)

    def mark_all(self) -> int:
        self.marks.update(self.shown)
        return len(self.marks)

    def clear_marks(self) -> None:
        self.marks.clear()
        self.last_mark = None
