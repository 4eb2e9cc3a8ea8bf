"""The plan: a dry run of every change, then apply (journaled, with progress), undo, export."""

from __future__ import annotations

import datetime as dt
import re
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
from tui.service.sources.identity import is_own_id
from tui.service.stale import record_label as stale_label
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


def record_label(key: str, name: str = "") -> str:
    """A record as a person reads it: `QBO 174`, `Canopy C000031` (`Canopy "Jane Doe"` for a
    client known only by a fingerprint of its name); the raw key goes to the detail line.
    Labels end in the record's number, so `views.sort_rows` sorts the column as numbers."""
    source, _, record_id = key.partition(":")
    if source not in ("qbo", "canopy"):
        return name or key
    return stale_label(key, "" if is_own_id(record_id) else name)


def _natural(key: str) -> tuple[str, int, str]:
    # "qbo:12" before "qbo:108", as the queue and the report sort ids.
    match = re.match(r"^(.*?)(\d+)$", key)
    return (match[1], int(match[2]), key) if match else (key, -1, key)


def plan_frame(plan: Plan) -> pl.DataFrame:
    """One row per field changed (QBO) or per Canopy worklist line: the record, the field,
    before and after first (what a user checks), then the action (where and what) and why."""
    rows = []
    operations = sorted(plan.operations, key=lambda op: (op.kind != "create", _natural(op.key)))
    for op in operations:
        name_of = str(op.fields.get("DisplayName") or op.before.get("DisplayName") or "")
        for name, value in op.fields.items():
            action = "applied" if op.applied else op.kind
            rows.append({"Record": record_label(op.key, name_of),
                         "Field": FIELD_NAMES.get(name, name),
                         "Before": _text(op.before.get(name), name),
                         "After": _text(value, name), "Action": action_label("QBO", action),
                         "Why": "; ".join(op.why), KEY: op.key})
    for work_item in plan.worklist:
        rows.append({"Record": record_label(f"canopy:{work_item.canopy_id}", work_item.name),
                     "Field": work_item.field,
                     "Before": work_item.before, "After": work_item.after,
                     "Action": action_label("Canopy", work_item.action),
                     "Why": work_item.why, KEY: f"canopy:{work_item.canopy_id}"})
    for c in plan.contradictions:
        rows.append({"Record": record_label(c.key), "Field": "", "Before": "", "After": "",
                     "Action": "left alone", "Why": "contradiction: " + c.message, KEY: c.key})
    for stale in plan.stale:
        for change in stale.changes:
            rows.append({"Record": stale.label or stale.item, "Field": "", "Before": "",
                         "After": "",
                         "Action": "left out",
                         "Why": "stale: " + change
                         + " (re-confirm with y or drop with z in the queue)",
                         KEY: stale.item})
    for kept in plan.kept:
        rows.append({"Record": record_label(kept.key), "Field": "", "Before": "", "After": "",
                     "Action": "kept in QBO",
                     "Why": f"applied in run {kept.run}; no longer decided — QBO keeps it: "
                     f"{kept.text} (undo the run to put it back)", KEY: kept.key})
    columns = ["Record", "Field", "Before", "After", "Action", "Why", KEY]
    return pl.DataFrame(rows, schema=dict.fromkeys(columns, pl.String))


FIXED_CAPS = {"Record": 14, "Field": 12, "Action": 14}
"""Cells at most for the short columns: `Canopy C000031`, `Display name`, `Canopy archive`."""


def plan_widths(width: int, frame: pl.DataFrame | None = None) -> dict[str, int]:
    """Column widths for a screen `width` wide: the short columns as wide as their longest
    value (up to `FIXED_CAPS`), then Before and After share what is left (8 to 40 cells each)
    once Why has kept its header and a word, plus a third of the columns past 80. Each column
    has a cell of padding each side; the vertical scroll bar takes two."""
    fixed = {}
    for name, cap in FIXED_CAPS.items():
        longest = (frame[name].str.len_chars().max() if frame is not None and frame.height
                   else cap)
        fixed[name] = min(cap, max(len(name), int(longest or 0)))  # type: ignore[arg-type]
    why = 8 + max(0, width - 80) // 3
    left = width - 2 - 6 * 2 - sum(fixed.values()) - why
    wide = max(8, min(40, left // 2))
    return {**fixed, "Before": wide, "After": wide}


PLAN_WIDTHS = plan_widths(80)
"""The widths at 80 columns whatever the rows: record, field, before, after and the whole
action fit, and the Why column keeps its header; the detail line under the table gives the
highlighted row in full."""


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
    key = row.get(KEY)
    raw = f" ({key})" if key and key != row["Record"] else ""
    text.append(f"{action} · {row['Record']}{raw}\n", "dim")
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
            f"before, {_plural(c['creates'], 'customer', 'customers')} it created or brought "
            "back made inactive (QBO cannot delete them).")


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
        frame = plan_frame(self.plan)
        yield RecordTable(frame, detail=plan_detail,
                          widths=plan_widths(self.app.size.width, frame), id="plan-table")
        bar = ProgressBar(total=1, show_eta=False, id="plan-progress")
        bar.display = False  # a bar at 0% on a dry run reads as something under way
        yield bar
        yield Footer(compact=True)

    def _summary(self) -> str:
        s = self.plan.summary()
        text = (f"[b]Dry run[/b]: {s['creates']} to create in QBO, {s['updates']} to update "
                f"({s['deactivations']} made inactive)"
                + (f", {s['applied']} applied already" if s["applied"] else "")
                + f", {s['canopy_worklist']} to do by hand in Canopy, "
                f"{s['contradictions']} contradictions"
                + (f", {s['stale']} stale decisions left out" if s["stale"] else "")
                + (f", {s['kept']} applied but no longer decided (QBO keeps them)"
                   if s["kept"] else "")
                + ".")
        if self.plan.applicable:
            return text + " Nothing is sent until you press a."
        # "press a" above "apply cannot send" read as two answers to one question.
        return text + (f"\nApply cannot send this plan: {self.plan.unapplicable_why}. Open the "
                       "session with --qbo live to apply, or export (x) for the manual route.")

    def on_resize(self) -> None:
        table = self.query_one("#plan-table", RecordTable)
        widths = plan_widths(self.size.width, table.frame)
        if widths != table.widths:
            table.widths = widths
            self.run_worker(table.set_frame(table.frame))

    def _refresh_plan(self) -> None:
        self.plan = build_plan(self.app.triage)  # type: ignore[attr-defined]
        self.query_one("#plan-summary", Static).update(self._summary())
        table = self.query_one(RecordTable)
        frame = plan_frame(self.plan)
        table.widths = plan_widths(self.size.width, frame)  # "QBO applied" is longer
        self.run_worker(table.set_frame(frame))

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
                + (f"{_plural(len(result.conflicts), 'conflict', 'conflicts')} (back in the "
                   "queue), " if result.conflicts else "no conflicts, ")
                + f"{len(result.failed)} failed.")
        # Each refusal with QBO's reason, here and not only in the audit log.
        text += "".join(f"\n{op.key}: {op.error}" for op in result.failed[:3])
        if len(result.failed) > 3:
            text += f"\n… and {len(result.failed) - 3} more (cqtriage export: audit-log.json)"
        self.post_message(self.RunFinished(text, "warning" if result.failed or
                                           result.conflicts else "information"))

    def on_plan_screen_progressed(self, message: Progressed) -> None:
        bar = self.query_one("#plan-progress", ProgressBar)
        bar.display = True  # shown while a run sends, from its first answer
        bar.update(total=max(message.total, 1), progress=message.done)

    def on_plan_screen_run_finished(self, message: RunFinished) -> None:
        self.query_one("#plan-progress", ProgressBar).display = False  # the toast says how
        app: Any = self.app
        app.reload_triage()
        text = message.text
        if app.qbo_note:
            text += ("\nThe report shows QBO as read before this run (the plan counts its "
                     "writes); reopen with a fresh QBO list to see QBO as it is now.")
        self.notify(text, severity=message.severity, timeout=8)  # type: ignore[arg-type]
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
