"""A histogram of match scores with the review and accept thresholds marked below it."""

from __future__ import annotations

import math

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

_BLOCKS = " ▁▂▃▄▅▆▇█"


def rebin(counts: list[int], bins: int) -> list[int]:
    """Counts per score point (0–99) summed into `bins` equal bands."""
    out = [0] * bins
    for point, count in enumerate(counts):
        out[min(bins - 1, point * bins // len(counts))] += count
    return out


class ScoreHistogram(Widget):
    """Counts per score band on a log scale, so thin bands still show; as many bands as the
    width allows (two cells each)."""

    DEFAULT_CSS = """
    ScoreHistogram { height: 8; width: 1fr; padding: 0 1; }
    """

    counts: reactive[list[int]] = reactive(list)
    """Candidate pairs per score point, 100 entries."""
    review: reactive[float] = reactive(55.0)
    accept: reactive[float] = reactive(80.0)
    busy: reactive[bool] = reactive(False)
    """Re-classifying at the marked thresholds: the counts are the old ones until it ends."""
    rows = 4

    def __init__(self, counts: list[int], review: float, accept: float, *,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.set_reactive(ScoreHistogram.counts, counts)
        self.set_reactive(ScoreHistogram.review, review)
        self.set_reactive(ScoreHistogram.accept, accept)

    def render(self) -> Text:
        bins = max(5, min(50, (self.content_size.width - 1) // 2))
        counts = rebin(self.counts or [0] * 100, bins)
        top = max(math.log1p(max(counts)), 1.0)
        heights = [math.log1p(c) / top * self.rows * 8 for c in counts]
        width = bins * 2
        text = Text(no_wrap=True, overflow="crop")
        if self.busy:  # first line: the one a narrow terminal never crops
            text.append("⧗ Re-classifying…\n", style="bold reverse")
        else:
            text.append(f"Scores of {sum(counts):,} compared pairs\n", style="bold")
        for row in range(self.rows - 1, -1, -1):
            for h in heights:
                text.append(_BLOCKS[max(0, min(8, round(h - row * 8)))] * 2)
            text.append("\n")
        marks = [" "] * (width + 1)
        for value, mark in ((self.review, "R"), (self.accept, "A")):
            marks[min(width, round(value / 100 * width))] = mark
        text.append("".join(marks) + "\n")
        half = width // 2
        text.append(f"0{'50':>{half}}{'100':>{width - half}}\n")
        text.append(f"R review {self.review:g} · A accept {self.accept:g} (log scale)",
                    style="dim")

        return text
