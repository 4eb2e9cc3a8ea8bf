"""Records side by side: one column per record, one row per field, differing fields marked.

Marks are characters, not only colours, so the grid reads the same with NO_COLOR.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

LABEL_WIDTH = 13
COLUMN_WIDTH = 30
"""Cells of one record column: two fit at 80 columns, three at 120; the rest are paged."""

MARKS = {
    "primary": "★",
    "inactive": "✗",
    "create": "+",
    "linked": "↔",
}
"""Record states shown in a column's header."""


def fitted(text: str, width: int, style: str = "") -> Text:
    """`text` cut to `width` cells with a trailing `…` when it is longer: the grid would cut
    it bare, and a bare cut can read as another valid value (`…@example.co` for `.com`)."""
    out = Text(text, style=style, no_wrap=True, overflow="ellipsis")
    out.truncate(width, overflow="ellipsis")
    return out


class CompareGrid(DataTable):
    """A read-only grid; the queue screen drives which column is focused."""

    DEFAULT_CSS = """
    CompareGrid { height: auto; max-height: 1fr; }
    """

    can_focus = False

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="column", zebra_stripes=False, show_cursor=True)
        self.window = range(0)
        """The record columns on screen (indices into the columns last shown)."""

    def fit(self) -> int:
        """How many record columns fit side by side at the current width."""
        width = self.size.width or self.app.size.width
        return max(1, (width - LABEL_WIDTH - 2) // (COLUMN_WIDTH + 2))

    def window_for(self, count: int, focus: int) -> range:
        """The record columns shown for `count` records with `focus` focused: pages of as
        many as fit (1–2, 3–4, … at 80 columns)."""
        fit = self.fit()
        start = (focus // fit) * fit
        return range(start, min(count, start + fit))

    def show(self, columns: list[tuple[str, list[str]]], rows: list[tuple[str, str]],
             values: list[dict[str, str]], differing: set[str], focus: int,
             elsewhere: set[str] | frozenset[str] = frozenset(),
             blank: set[str] | frozenset[str] = frozenset()) -> None:
        """Fill the grid.

        `columns` are (header, marks) per record, `rows` (field, label) pairs, `values` each
        record's field → text, `differing` the fields that disagree, `focus` the focused
        column among `columns`; `elsewhere` the differing fields whose values agree on this
        page and differ only with a record on another page: marked `›`, not `≠`, so two equal
        values side by side are not called different; `blank` the fields some records here
        have and others lack (their values otherwise agree): marked `∅`.
        """
        self.clear(columns=True)
        window = self.window_for(len(columns), focus)
        start = window.start
        self.window = window
        # The title line has no room left to say what › means; the label column's head has.
        head = "Field ›:other" if elsewhere else "Field ∅:blank" if blank else "Field"
        self.add_column(Text(head, style="bold"), key="field", width=LABEL_WIDTH)
        for n in window:
            header, marks = columns[n]
            pointer = "▶" if n == focus else " "
            label = f"{pointer}{n + 1} {''.join(marks)} {header}".rstrip()
            self.add_column(fitted(label, COLUMN_WIDTH, "bold"), key=f"r{n}", width=COLUMN_WIDTH)
        for field, label in rows:
            off_page = field in elsewhere
            differs = field in differing and not off_page
            mark = ("≠ " if differs else "› " if off_page
                    else "∅ " if field in blank else "  ")
            cells: list[Text | str] = [Text(f"{mark}{label}", style="bold" if differs else "")]
            for n in window:
                value = values[n].get(field, "")
                cells.append(fitted(value, COLUMN_WIDTH,
                                    "bold underline" if differs and value else ""))
            self.add_row(*cells, key=field)
        if columns:
            self.move_cursor(column=1 + (focus - start), animate=False)
