"""The sync report: counts, the score histogram with its thresholds, and a table per category."""

from __future__ import annotations

import polars as pl
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Input, TabbedContent, TabPane, Tabs

from tui.commands import bindings
from tui.service.errors import UserError
from tui.service.match.engine import SHOWN_FLOOR
from tui.service.report import Report, with_thresholds
from tui.service.triage import Triage
from tui.service.views import VIEWS, score_histogram
from tui.widgets.counts_panel import CountsPanel
from tui.widgets.histogram import ScoreHistogram
from tui.widgets.record_table import RecordTable

FILTER_DELAY = 0.15
"""Seconds of no typing before the filter runs (a 100,000-row filter takes a moment)."""
THRESHOLD_DELAY = 0.2
"""Seconds of no threshold key before re-classifying: quick presses make one run, not four
(a run takes about two seconds at 100,000 a side)."""


class ReportScreen(Screen[None]):
    """Where a session starts: what the sync will do, and every row behind the counts."""

    SCOPE = "report"
    BINDINGS = bindings("report")
    AUTO_FOCUS = "RecordTable DataTable"
    """The first table, never the hidden filter box."""

    class ThresholdsApplied(Message):
        """The report was re-read at new thresholds."""

        def __init__(self, report: Report, triage: Triage,
                     frames: dict[str, pl.DataFrame]) -> None:
            super().__init__()
            self.report = report
            self.triage = triage
            """The queue over the new report."""
            self.frames = frames
            """View id → its rows, for the tables already built."""

    def __init__(self) -> None:
        super().__init__()
        self._filter_timer: Timer | None = None
        self._wanted: tuple[float, float] | None = None
        """Thresholds asked for and not yet shown: each key press moves from here, so quick
        presses add up instead of each starting from the report on screen."""
        self._threshold_timer: Timer | None = None
        self._in_flight: tuple[float, float] | None = None
        """Thresholds being re-classified now: one run at a time, the newest wanted next."""

    def on_mount(self) -> None:
        # The tab strip never takes focus (n and p change tabs): a filter closing or a table
        # being rebuilt must not leave the keys with it.
        tabs = self.query_one(TabbedContent).query_one(Tabs)
        tabs.can_focus = False

    @property
    def report(self) -> Report:
        return self.app.session.report  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="summary"):
            # Filled here, not after mounting, so the first paint is the final one.
            yield CountsPanel(self.report, id="counts")
            yield ScoreHistogram(score_histogram(self.report), self.report.config.match.review,
                                 self.report.config.match.accept, id="histogram")
        with TabbedContent(id="tabs"):
            for n, view in enumerate(VIEWS):
                with TabPane(view.title, id=view.id):
                    # Only the first tab's table is built now; the others when first shown.
                    if n == 0:
                        yield RecordTable(view.build(self.report), detail=view.detail,
                                          id=f"table-{view.id}")
        yield Input(placeholder="Filter rows (Enter keeps it, Escape clears it)", id="filter")
        yield Footer(compact=True, show_command_palette=False)

    def _show_summary(self) -> None:
        report = self.report
        self.query_one(CountsPanel).show(report)
        histogram = self.query_one(ScoreHistogram)
        histogram.counts = score_histogram(report)
        histogram.review = report.config.match.review
        histogram.accept = report.config.match.accept

    def current_table(self) -> RecordTable:
        active = self.query_one(TabbedContent).active or VIEWS[0].id
        return self.query_one(f"#table-{active}", RecordTable)

    @on(TabbedContent.TabActivated)
    async def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        pane = event.pane
        if pane.id is not None and not pane.query(RecordTable):
            view = next(v for v in VIEWS if v.id == pane.id)
            await pane.mount(RecordTable(view.build(self.report), detail=view.detail,
                                         id=f"table-{view.id}"))
        self.current_table().focus_table()

    # opening -----------------------------------------------------------------------------------
    def _busy(self) -> bool:
        """Re-classifying: the queue is being rebuilt, so it cannot be opened yet."""
        if self._wanted is not None:
            self.notify("Re-classifying at the new thresholds: a moment.", severity="warning")
        return self._wanted is not None

    def action_open_row(self) -> None:
        key = self.current_table().current_key()
        if key is not None and not self._busy():
            self.app.open_record(key)  # type: ignore[attr-defined]

    @on(RecordTable.RowChosen)
    def _row_chosen(self, event: RecordTable.RowChosen) -> None:
        if not self._busy():
            self.app.open_record(event.key)  # type: ignore[attr-defined]

    def action_open_queue(self) -> None:
        if not self._busy():
            self.app.open_queue()  # type: ignore[attr-defined]

    # tabs ----------------------------------------------------------------------------------------
    def _step_tab(self, step: int) -> None:
        tabs = self.query_one(TabbedContent)
        ids = [view.id for view in VIEWS]
        tabs.active = ids[(ids.index(tabs.active or ids[0]) + step) % len(ids)]

    def action_next_tab(self) -> None:
        self._step_tab(1)

    def action_previous_tab(self) -> None:
        self._step_tab(-1)

    # filter and sort --------------------------------------------------------------------------
    def action_start_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.value = self.current_table().filter_text
        box.add_class("-shown")
        box.focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
        if not event.input.has_class("-shown"):
            # Clearing the box on Escape posts a change too: a late filter run would remount
            # the table under the user's keys and drop its focus.
            self._filter_timer = None
            return
        self._filter_timer = self.set_timer(FILTER_DELAY, self._apply_filter)

    async def _apply_filter(self) -> None:
        await self.current_table().set_filter(self.query_one("#filter", Input).value)

    @on(Input.Submitted, "#filter")
    async def _filter_submitted(self) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
        await self._apply_filter()
        self.query_one("#filter", Input).remove_class("-shown")
        self.current_table().focus_table()

    async def action_clear_filter(self) -> None:
        box = self.query_one("#filter", Input)
        if self._filter_timer is not None:
            self._filter_timer.stop()
        box.value = ""
        box.remove_class("-shown")
        await self.current_table().set_filter("")
        self.current_table().focus_table()

    async def action_sort_column(self) -> None:
        await self.current_table().sort_on_cursor()
        self.current_table().focus_table()

    # thresholds ---------------------------------------------------------------------------------
    def action_move_threshold(self, which: str, delta: float) -> None:
        match = self.report.config.match
        before = self._wanted or (match.review, match.accept)
        review, accept = before
        if which == "review":
            review = max(SHOWN_FLOOR, min(accept, review + delta))
        else:
            accept = max(review, min(100.0, accept + delta))
        if (review, accept) == before:
            self.notify("That threshold cannot move further.", severity="warning")
            return
        self._wanted = (review, accept)
        histogram = self.query_one(ScoreHistogram)
        histogram.review, histogram.accept, histogram.busy = review, accept, True
        if self._threshold_timer is not None:
            self._threshold_timer.stop()
        self._threshold_timer = self.set_timer(THRESHOLD_DELAY, self._start_reclassify)

    def _start_reclassify(self) -> None:
        if self._in_flight is not None or self._wanted is None:
            return  # the run under way starts the next when it ends
        self._in_flight = self._wanted
        built = [v.id for v in VIEWS if self.query(f"#table-{v.id}")]
        self._reclassify(*self._wanted, built)

    def _reclassify_failed(self, error: UserError) -> None:
        self._in_flight = self._wanted = None
        self.query_one(ScoreHistogram).busy = False
        self._show_summary()
        self.notify(error.one_line(), severity="error")

    @work(thread=True, exclusive=True, group="thresholds")
    def _reclassify(self, review: float, accept: float, views: list[str]) -> None:
        # Report, queue and table rows all built here: the event loop only swaps them in.
        try:
            report = with_thresholds(self.report, review, accept)
        except UserError as error:
            self.app.call_from_thread(self._reclassify_failed, error)
            return
        triage = Triage(report, self.app.session.journal)  # type: ignore[attr-defined]
        frames = {v.id: v.build(report) for v in VIEWS if v.id in views}
        self.post_message(self.ThresholdsApplied(report, triage, frames))

    @on(ThresholdsApplied)
    async def _thresholds_applied(self, message: ThresholdsApplied) -> None:
        match = message.report.config.match
        self._in_flight = None
        if (match.review, match.accept) != self._wanted:
            self._start_reclassify()  # keys pressed meanwhile: run once more, for the last
            return
        self._wanted = None
        self.query_one(ScoreHistogram).busy = False
        self.app.adopt_report(message.report, message.triage)  # type: ignore[attr-defined]
        self._show_summary()
        for table in self.query(RecordTable):
            view = next(v for v in VIEWS if table.id == f"table-{v.id}")
            frame = message.frames.get(view.id)
            await table.set_frame(frame if frame is not None else view.build(message.report))
        self.current_table().focus_table()
        self.notify(f"Re-classified at review {match.review:g}, accept {match.accept:g}.")
