"""The Textual app: theme, keymap, the session it holds, and which screen comes next."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from textual import work
from textual.app import App, SystemCommand
from textual.notifications import Notify
from textual.screen import Screen

from tui.commands import COMMANDS, bindings
from tui.messages import QueueBuilt, SessionFailed, SessionOpened
from tui.palette import CommandsProvider
from tui.screens.dialogs import MessageDialog
from tui.screens.help import HelpScreen
from tui.screens.loading import LoadingScreen
from tui.service.config import Config
from tui.service.inputs import SessionInputs

if TYPE_CHECKING:
    import polars as pl

    # These pull in Polars; they are imported where first used, after the first frame.
    from tui.service.qbo.client import QboClient
    from tui.service.report import Report
    from tui.service.session import Session
    from tui.service.triage import Triage


class TriageApp(App[None]):
    """cqtriage: the sync report, the duplicate queue and the edit form over one session."""

    CSS_PATH = "app.tcss"
    TITLE = "cqtriage"
    BINDINGS = bindings("app")
    COMMANDS = App.COMMANDS | {CommandsProvider}
    NOTIFICATION_TIMEOUT = 3
    """Seconds a toast stays (Textual's default is 5): short, as toasts cover the screen."""

    def __init__(self, inputs: SessionInputs, config: Config, *,
                 prepare: Callable[[Callable[[str, float], None]], object] | None = None,
                 client_factory: Callable[[], QboClient] | None = None,
                 continue_earlier: bool = False, offer_earlier: bool = True) -> None:
        super().__init__()
        self.continue_earlier = continue_earlier
        """Open by taking over the earlier session on the same records (`open --continue`)."""
        self.offer_earlier = offer_earlier
        """Offer an earlier session on the same records when this one has no decisions: not
        for the demo, whose first day (`demo --reset`) must not bring another's decisions."""
        self.inputs = inputs
        self.config = config
        self.prepare = prepare
        """Run in the loader's worker before the inputs are read (the demo starts its QBO)."""
        self.client_factory = client_factory
        self.keymap = dict(config.keys)
        """Command id → keys, from config.toml."""
        self.session: Session | None = None
        self.triage: Triage | None = None
        self._item_table: tuple[Triage, pl.DataFrame] | None = None
        self.queue_filter = ""
        """The queue's filter as last set (`t` opens the queue with it)."""
        self.qbo_note = ""
        """When the QBO list predates our own runs, which moment of QBO the report shows
        (`list_age.qbo_list_note`); empty otherwise."""

    def on_mount(self) -> None:
        # Set explicitly so TEXTUAL_THEME in the environment cannot change the look.
        self.theme = self.config.ui.theme
        self._show_inputs()
        known = {c.id for c in COMMANDS}
        unknown = sorted(set(self.keymap) - known)
        if unknown:
            self.notify(f"Unknown command ids in [keys]: {', '.join(unknown)}",
                        severity="warning")
        self.set_keymap({k: v for k, v in self.keymap.items() if k in known})
        self.push_screen(LoadingScreen(self.inputs, self.config, self.continue_earlier))

    # session ---------------------------------------------------------------------------------
    def _show_inputs(self) -> None:
        """The title bar's sub-title: the two lists, and when the QBO list predates our own
        runs, which moment of QBO the report shows."""
        from tui.service.list_age import qbo_list_note

        title = f"{self.inputs.canopy.name} ↔ {self.inputs.qbo.name}"
        note = qbo_list_note(self.inputs.qbo, self.session.journal.runs()) if self.session else ""
        self.qbo_note = note
        # The note first: at 80 columns the end of the title bar is cut.
        self.sub_title = f"{note} · {title}" if note else title

    def on_session_opened(self, message: SessionOpened) -> None:
        session = message.session
        self.session = session
        self._show_inputs()
        for records in (session.report.canopy, session.report.qbo):
            for warning in records.warnings:
                name = records.path.name if records.path else records.source
                self.notify(f"{name}: {warning}", severity="warning", timeout=15)
        if session.earlier is not None and not session.changes and self.offer_earlier:
            self._offer_earlier(session)
            return
        if not session.changes:
            self.show_report()
            return
        body = "\n".join(change.describe() for change in session.changes)
        body += ("\n\nYour decisions are kept. A decision whose records changed or are gone "
                 "is shown as stale, first in the queue, and left out of the plan until you "
                 "re-confirm (y) or drop (z) it. The report is rebuilt from the files as they "
                 "are now.")

        def answered(resume: bool | None) -> None:
            if resume:
                session.accept_changes(defer=True)  # recorded once the report is up
                self.show_report()
            else:
                self.exit()

        self.push_screen(MessageDialog("The input files changed since your last session", body,
                                       "Enter: resume   q/Esc: quit, no change   "
                                       "↑↓ PgUp PgDn: scroll",
                                       q_answers_no=True),
                         answered)

    def _offer_earlier(self, session: Session) -> None:
        """These lists have no session of their own, but an earlier one holds their records
        (a re-export under a new name, a moved file): offer to continue it."""
        earlier = session.earlier
        assert earlier is not None
        body = (f"{earlier.describe()}\n\nContinuing copies its decisions to these files; "
                "records that changed since are shown as stale. The earlier session stays as "
                "it was. (From the command line: cqtriage open --continue --canopy … --qbo …)")

        def answered(resume: bool | None) -> None:
            if not resume:
                self.show_report()  # a new session on these files, as opened
                return
            session.close()
            self.session = None
            self.prepare = None  # the demo's company or the live snapshot is ready already
            self.switch_screen(LoadingScreen(self.inputs, self.config, continue_earlier=True))

        self.push_screen(MessageDialog("An earlier session holds these lists' records", body,
                                       "Enter: continue it   Escape: start a new session"),
                         answered)

    @work(thread=True, exclusive=True, group="queue")
    def _build_queue(self, report: Report) -> None:
        from tui.service.triage import Triage

        assert self.session is not None
        self.session.record_new_inputs()  # deferred past the first paint; before any decision
        self.post_message(QueueBuilt(Triage(report, self.session.journal)))

    def on_queue_built(self, message: QueueBuilt) -> None:
        # A queue over a report since replaced (new thresholds) is not the one to show.
        if self.session is not None and message.triage.report is self.session.report:
            first = self.triage is None
            self.triage = message.triage
            stale = self.triage.stale_item_ids() if first else []
            if stale:
                # The queue opens where the user left off, which may be past the stale items
                # the toast points to: on resume it opens at the first stale one instead.
                if stale[0] in self.triage.index:
                    self.triage.move_to(self.triage.index[stale[0]])
                self.notify(f"{len(stale):,} decided item(s) rest on records that changed "
                            "since: stale, first in the queue, which opens at the first "
                            "(y re-confirm, z drop).", severity="warning", timeout=10)

    def queue_ready(self) -> bool:
        """Whether the queue is built; says "a moment" when it is not."""
        if self.triage is None:
            self.notify("Building the duplicate queue: a moment.", severity="warning")
        return self.triage is not None

    def on_session_failed(self, message: SessionFailed) -> None:
        self.exit(return_code=2, message=f"cqtriage: error: {message.error.one_line()}")

    def show_report(self) -> None:
        from tui.screens.report import ReportScreen

        assert self.session is not None
        self.switch_screen(ReportScreen())
        # After the report's first paint: building the queue holds the GIL for a while.
        self.call_after_refresh(self._build_queue, self.session.report)

    def adopt_report(self, report: Report, triage: Triage | None = None) -> None:
        """Take a report re-read at new thresholds, with its queue (built here if not given)."""
        from tui.service.triage import Triage

        assert self.session is not None
        self.session.adopt(report)
        self.triage = triage if triage is not None else Triage(report, self.session.journal)

    # navigation --------------------------------------------------------------------------------
    def open_queue(self, position: int | None = None, filter_text: str = "") -> None:
        """Show the queue at `position` (where the session left it by default), filtered by
        `filter_text` (see `queue_filter.parse`)."""
        from tui.screens.queue import QueueScreen

        if not self.queue_ready():
            return
        assert self.triage is not None
        typed = ""
        if position is None:  # where the user left it, its filter too (a row opened is not)
            position = self.triage.cursor
            typed = "" if filter_text else self.queue_filter
        self.push_screen(QueueScreen(self.triage.move_to(position), filter_text, typed))

    def open_record(self, key: str) -> None:
        """Open the queue item holding a record, or the edit form for a record with no twin."""
        from tui.screens.edit import EditScreen

        if not self.queue_ready():
            return
        assert self.triage is not None
        position = self.triage.item_of(key)
        if position is not None:
            self.open_queue(position)
            return
        triage = self.triage
        item_id = f"record:{key}"

        def saved(changes: dict[str, str] | None) -> None:
            if changes:
                triage.decide(item_id, "edit", record=key, fields=changes)
                self.notify(f"Edit of {key} saved.")

        self.push_screen(EditScreen.for_record(triage, item_id, key), saved)

    def item_table(self) -> pl.DataFrame:
        """The queue's items with their scores, flags and patterns (`patterns.item_table`),
        built on first use and kept until the queue is rebuilt."""
        from tui.service.patterns import item_table

        assert self.triage is not None
        if self._item_table is None or self._item_table[0] is not self.triage:
            self._item_table = (self.triage, item_table(self.triage.report, self.triage.items))
        return self._item_table[1]

    def qbo_client(self) -> QboClient:
        """A client for apply and undo: the demo's own, or one from the saved login."""
        if self.client_factory is not None:
            return self.client_factory()
        from tui.service.qbo.client import QboClient
        from tui.service.qbo.tokens import load_tokens

        return QboClient(self.config.qbo, load_tokens())

    def reload_triage(self) -> None:
        """Rebuild the queue from the journal (after a run: conflicts go back to the queue)."""
        from tui.service.triage import Triage

        assert self.session is not None
        self.triage = Triage(self.session.report, self.session.journal)
        self._show_inputs()

    def action_open_plan(self) -> None:
        from tui.screens.plan import PlanScreen

        if self.queue_ready() and not isinstance(self.screen, PlanScreen):
            self.push_screen(PlanScreen())

    def action_open_patterns(self) -> None:
        from tui.screens.patterns import PatternsScreen

        if self.queue_ready() and not isinstance(self.screen, PatternsScreen):
            self.push_screen(PatternsScreen())

    def _on_notify(self, event: Notify) -> None:
        # One toast at a time: the newest replaces the rest instead of stacking over the
        # report at 80×24 (each also costs bytes over SSH).
        self._notifications.clear()
        super()._on_notify(event)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's own palette commands, less those ours already are: its Quit beside our
        Quit (q), and its Keys panel beside our Help (?), read as the same command twice."""
        for command in super().get_system_commands(screen):
            if command.title not in ("Quit", "Keys"):
                yield command

    def action_show_help(self) -> None:
        self.push_screen(HelpScreen())

    def on_unmount(self) -> None:
        if self.session is not None:
            self.session.close()
