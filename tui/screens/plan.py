"""The plan: a dry run of every change, then apply (journaled, with progress), undo, export."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, ProgressBar, Static

from tui.commands import bindings
from tui.screens.dialogs import MessageDialog
from tui.service.errors import UserError
from tui.service.plan import Plan, build_plan
from tui.service.qbo_values import FIELD_NAMES, shown
from tui.service.views import KEY
from tui.widgets.record_table import RecordTable


def _text(value: Any, field: str = "") -> str:
    return shown(value, field)


CANOPY_ACTIONS = ("archive", "edit", "rename")
"""What a Canopy worklist line asks for (`plan.canopy_work`)."""


def action_label(where: str, action: str) -> str:
    """The Action cell: where and what in at most `PLAN_WIDTHS["Action"]` cells, so the column
    is never cut at 80 columns: "QBO update", "Canopy rename" (by hand), "left alone" (a
    contradiction), "left out" (stale)."""
    return f"{where} {action}" if where in ("QBO", "Canopy") else action


def plan_frame(plan: Plan) -> pl.DataFrame:
    """One row per field changed (QBO) or per Canopy worklist line: the record, the field,
    before and after first (what a user checks), then the action (where and what) and why."""
    rows = []
    for op in plan.operations:
        for name, value in op.fields.items():
            action = "applied" if op.applied else op.kind
            rows.append({"Record": op.qbo_id or op.key, "Field": FIELD_NAMES.get(name, name),
                         "Before": _text(op.before.get(name), name),
                         "After": _text(value, name), "Action": action_label("QBO", action),
                         "Why": "; ".join(op.why), KEY: op.key})
    for work_item in plan.worklist:
        rows.append({"Record": work_item.canopy_id, "Field": work_item.field,
                     "Before": work_item.before, "After": work_item.after,
                     "Action": action_label("Canopy", work_item.action),
                     "Why": work_item.why, KEY: f"canopy:{work_item.canopy_id}"})
    for c in plan.contradictions:
        rows.append({"Record": c.key, "Field": "", "Before": "", "After": "",
                     "Action": "left alone", "Why": "contradiction: " + c.message, KEY: c.key})
    for stale in plan.stale:
        for change in stale.changes:
            rows.append({"Record": stale.item, "Field": "", "Before": "", "After": "",
                         "Action": "left out",
                         "Why": "stale: " + change
                         + " (re-confirm with y or drop with z in the queue)",
                         KEY: stale.item})
    columns = ["Record", "Field", "Before", "After", "Action", "Why", KEY]
    return pl.DataFrame(rows, schema=dict.fromkeys(columns, pl.String))


PLAN_WIDTHS = {"Record": 10, "Field": 12, "Before": 16, "After": 16, "Action": 14}
"""Cells per column: with a cell of padding each side and the scroll bar, record, field,
before, after and the whole action fit in 80 columns (80); the detail line under the table
gives the highlighted row in full, and the Why column takes what is left on wider screens."""


def plan_detail(row: dict[str, Any]) -> Text:
    """The highlighted plan row in full: `Field: before → after` (when a field changes), then
    the action, the record and why."""
    text = Text()
    if row.get("Field"):
        text.append(f"{row['Field']}: ", "bold")
        text.append(f"{row['Before'] or '—'} → {row['After'] or '—'}\n")
    action = row["Action"]
    if action.startswith("Canopy "):
        action += " (by hand in Canopy)"
    text.append(f"{action} · {row['Record']}\n", "dim")
    text.append("Why: ", "bold")
    text.append(row.get("Why") or "")
    return text


def _plural(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def confirmation(journal: Any, plan: Plan, kind: str) -> tuple[str, str]:
    """The title and text asking to confirm a run, with its counts; nothing is written.

    Raises UserError when there is nothing to run (its text says why)."""
    from tui.service import apply

    run = journal.open_run()
    if run is not None:
        left = sum(op.state in ("pending", "sent") for op in journal.operations(run))
        return ("Finish the run that did not finish?",
                f"Run {run} stopped with {_plural(left, 'operation', 'operations')} not "
                "answered yet. They are sent again under the same request ids, so QBO applies "
                "each once.")
    if kind == "apply":
        c = apply.counts(apply.preview_apply(journal, plan))
        back = sum(op.brings_back is not None and not op.applied for op in plan.operations)
        return ("Apply to QuickBooks Online?",
                f"{_plural(c['creates'], 'customer', 'customers')} to create"
                + (f" ({back:,} of them brought back: created by an earlier run, then undone)"
                   if back else "") + ", "
                f"{_plural(c['updates'], 'customer', 'customers')} to update "
                f"({c['deactivations']:,} made inactive).\n\nEach write is journaled first; "
                "U undoes the whole run afterwards.")
    target, rows = apply.preview_undo(journal)
    c = apply.counts(rows)
    return ("Undo the last apply?",
            f"Run {target}: {_plural(c['updates'], 'customer', 'customers')} put back as "
            f"before, {_plural(c['creates'], 'customer', 'customers')} it created made "
            "inactive (QBO cannot delete them).")


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
        yield RecordTable(plan_frame(self.plan), detail=plan_detail, widths=PLAN_WIDTHS,
                          id="plan-table")
        yield ProgressBar(total=1, show_eta=False, id="plan-progress")
        yield Footer(compact=True)

    def _summary(self) -> str:
        s = self.plan.summary()
        text = (f"[b]Dry run[/b]: {s['creates']} to create in QBO, {s['updates']} to update "
                f"({s['deactivations']} made inactive)"
                + (f", {s['applied']} applied already" if s["applied"] else "")
                + f", {s['canopy_worklist']} to do by hand in Canopy, "
                f"{s['contradictions']} contradictions"
                + (f", {s['stale']} stale decisions left out" if s["stale"] else "")
                + ". Nothing is sent until you press a.")
        if not self.plan.applicable:
            text += (f"\nApply cannot send this plan: {self.plan.unapplicable_why}. Open the "
                     "session with --qbo live to apply, or export (x) for the manual route.")
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
        self._confirm("apply")

    def action_undo_run(self) -> None:
        self._confirm("undo")

    def _confirm(self, kind: str) -> None:
        """Say what the run will write, with its counts, and start it only on Enter."""
        if any(w.group == "apply" and w.is_running for w in self.workers):
            return
        app: Any = self.app
        try:
            title, body = confirmation(app.session.journal, self.plan, kind)
        except UserError as error:
            self.notify(error.one_line(), severity="error")
            return

        def answered(go: bool | None) -> None:
            if go:
                self._run(kind)

        self.app.push_screen(MessageDialog(title, body, "Enter: go ahead   Escape: cancel"),
                             answered)

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
        # Each refusal with QBO's reason, here and not only in the audit log.
        text += "".join(f"\n{op.key}: {op.error}" for op in result.failed[:3])
        if len(result.failed) > 3:
            text += f"\n… and {len(result.failed) - 3} more (cqtriage export: audit-log.json)"
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
        inputs = [app.session.inputs.canopy, app.session.inputs.qbo]
        try:
            exports.write_exports(app.triage, self.plan, app.session.journal, folder, inputs)
        except UserError as error:
            self.notify(error.one_line(), severity="error")
            return
        except OSError as exc:
            self.notify(f"Export failed: {exc.strerror}", severity="error")
            return
        self.notify(f"Exported to {folder}", timeout=10)
