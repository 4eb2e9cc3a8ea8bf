"""Moving through the queue: the item the user was on (kept across sessions), the next
undecided item, and finding an item by a member's name or id. `Triage` builds on it."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.service.journal import Journal
    from tui.service.queue_items import Item


class QueueNavigation:
    """Positions (0-based, in queue order) over `items`; what it reads, and `is_decided` and
    `name_of`, are `Triage`'s."""

    if TYPE_CHECKING:  # provided by Triage
        items: list[Item]
        index: dict[str, int]
        journal: Journal
        _item_of: dict[str, int]
        _row_of: dict[str, int]
        _names: list[str]

        def is_decided(self, item_id: str) -> bool: ...
        def name_of(self, key: str) -> str: ...

    def item_of(self, key: str) -> int | None:
        """The position of the item holding a record, if any."""
        return self._item_of.get(key)

    @property
    def cursor(self) -> int:
        """The item the user was on, remembered across sessions."""
        item_id = self.journal.get("cursor")
        return self.index.get(item_id, 0) if item_id else 0

    def move_to(self, position: int) -> int:
        position = max(0, min(position, len(self.items) - 1)) if self.items else 0
        if self.items:
            self.journal.set("cursor", self.items[position].id)
        return position

    def next_undecided(self, start: int) -> int | None:
        """The first undecided item after `start`, wrapping around; None when all are decided."""
        n = len(self.items)
        for step in range(1, n + 1):
            position = (start + step) % n
            if not self.is_decided(self.items[position].id):
                return position
        return None

    def find(self, text: str, start: int, among: Collection[int] | None = None) -> int | None:
        """The next item after `start` (wrapping) with a member whose name or id holds `text`;
        only the positions `among` when given (the ones a filter shows)."""
        needle = text.casefold().strip()
        if not needle:
            return None
        n = len(self.items)
        for step in range(1, n + 1):
            position = (start + step) % n
            if (among is None or position in among) and self._holds(position, needle):
                return position
        return None

    def count_found(self, text: str) -> int:
        """How many items have a member whose name or id holds `text`, filter or not."""
        needle = text.casefold().strip()
        return sum(self._holds(p, needle) for p in range(len(self.items))) if needle else 0

    def _holds(self, position: int, needle: str) -> bool:
        for key in self.items[position].members:
            row = self._row_of.get(key)  # None: gone from its input, a decision names it
            name = self._names[row] if row is not None else self.name_of(key).casefold()
            if needle in name or needle in key.casefold():
                return True
        return False
