"""The plan: a dry run of every change, then apply (journaled, with progress), undo, export."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from textual import work
from textual.app import ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, ProgressBar, Static

from tui.commands import bindings
from tui.service.errors import UserError
from tui.service.plan import Plan, build_plan
from tui.service.views import KEY
from tui.widgets.record_table import RecordTable


def _text(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items())
    return "—" if value in (None, "") else str(value)


def plan_frame(plan: Plan) -> pl.DataFrame:
    """One row per field changed (QBO) or per Canopy worklist line."""
    rows = []
    for op in plan.operations:
        for name, value in op.fields.items():
            rows.append({"Where": "QBO", "Action": op.kind, "Record": op.qbo_id or op.key,
                         "Field": name, "Before": _text(op.before.get(name)),
                         "After": _text(value), "Why": "; ".join(op.why), KEY: op.key})
    for work_item in plan.worklist:
        rows.append({"Where": "Canopy (by hand)", "Action": work_item.action,
                     "Record": work_item.canopy_id, "Field": work_item.field,
                     "Before": work_item.before, "After": work_item.after,
                     "Why": work_item.why, KEY: f"canopy:{work_item.canopy_id}"})
    for c in plan.contradictions:
        rows.append({"Where": "Contradiction", "Action": "left alone", "Record": c.key,
                     "Field": "", "Before": "", "After": "", "Why": c.message, KEY: c.key})
    columns = ["Where", "Action", "Record", "Field", "Before", "After", "Why", KEY]
    return pl.DataFrame(rows, schema=dict.fromkeys(columns, pl.String))


class PlanScreen(Screen[None]):
    """What the decisions change, before anything is sent."""

    SCOPE = "plan"
    BINDINGS = bindings("plan")
    AUTO_FOCUS = "RecordTable DataTable"

    class RunFinished(Message):
        def __init__(self, text: str, severity: str) -> None:
            super().__init__()
            self.text = text
            self.severity = severity

    class Progressed(Message):
        def __init__(self, done: int, total: int) -> None:
            super().__init__()
            self.done = done
            self.total = total

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, PlanScreen.Progressed)

    def __init__(self) -> None:
        super().__init__()
        self.plan = build_plan(self.app.triage)  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self._summary(), id="plan-summary")
        yield RecordTable(plan_frame(self.plan), detail="Why", id="plan-table")
        yield ProgressBar(total=1, show_eta=False, id="plan-progress")
        yield Footer(compact=True)

    def _summary(self) -> str:
        s = self.plan.summary()
        text = (f"[b]Dry run[/b]: {s['creates']} to create in QBO, {s['updates']} to update "
                f"({s['deactivations']} made inactive), {s['canopy_worklist']} to do by hand in "
                f"Canopy, {s['contradictions']} contradictions. Nothing is sent until you "
                "press a.")
        if not self.plan.applicable:
            text += ("\nThe QBO list is a file without Ids and SyncTokens: open the session "
                     "with --qbo live to apply, or export (x) for QBO's import screen.")
        return text

    def _refresh_plan(self) -> None:
        self.plan = build_plan(self.app.triage)  # type: ignore[attr-defined]
        self.query_one("#plan-summary", Static).update(self._summary())
        self.run_worker(self.query_one(RecordTable).set_frame(plan_frame(self.plan)))

    def action_back(self) -> None:
        # The run shares the session's journal: no new decisions until it is over.
        if any(w.group == "apply" and w.is_running for w in self.workers):
            self.notify("A run is in progress: it finishes first (it is safe to quit).",
                        severity="warning")
            return
        self.app.pop_screen()

    def action_apply(self) -> None:
        self._run("apply")

    def action_undo_run(self) -> None:
        self._run("undo")

    @work(thread=True, exclusive=True, group="apply")
    def _run(self, kind: str) -> None:
        from tui.service import apply

        app: Any = self.app
        journal = app.session.journal
        try:
            run = journal.open_run()
            if run is None:
                run = (apply.start_apply(journal, self.plan) if kind == "apply"
                       else apply.start_undo(journal))
            client = app.qbo_client()
            result = apply.run(journal, client, run,
                               lambda done, total: self.post_message(
                                   self.Progressed(done, total)))
        except UserError as error:
            self.post_message(self.RunFinished(error.one_line(), "error"))
            return
        text = (f"{result.kind.title()}: {result.done} of {result.total} done, "
                f"{len(result.conflicts)} conflicts (back in the queue), "
                f"{len(result.failed)} failed.")
        self.post_message(self.RunFinished(text, "warning" if result.failed or
                                           result.conflicts else "information"))

    def on_plan_screen_progressed(self, message: Progressed) -> None:
        bar = self.query_one("#plan-progress", ProgressBar)
        bar.update(total=max(message.total, 1), progress=message.done)

    def on_plan_screen_run_finished(self, message: RunFinished) -> None:
        self.notify(message.text, severity=message.severity, timeout=8)  # type: ignore[arg-type]
        app: Any = self.app
        app.reload_triage()
        self._refresh_plan()

    def action_export(self) -> None:
        from tui.service import exports, paths

        app: Any = self.app
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        folder = paths.data_dir() / "exports" / stamp
        try:
            exports.qbo_import_csv(app.triage, self.plan, folder / "qbo-customer-import.csv")
            exports.canopy_worklist_csv(self.plan, folder / "canopy-worklist.csv")
            exports.audit_log(app.session.journal, folder / "audit-log.json")
        except OSError as exc:
            self.notify(f"Export failed: {exc.strerror}", severity="error")
            return
        self.notify(f"Exported to {folder}", timeout=10)
