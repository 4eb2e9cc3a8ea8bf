"""`cqtriage plan`, `apply`, `undo` and `export`: the triage decisions turned into changes."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def _open(args: argparse.Namespace, fetch: bool) -> Any:
    from tui.cli import _qbo_path, session_files
    from tui.service.config import load_config
    from tui.service.inputs import SessionInputs
    from tui.service.session import open_session
    from tui.service.triage import Triage

    config = load_config(args.config)
    args.canopy, args.qbo = session_files(args)
    qbo = _qbo_path(args.qbo, args.config, fetch=fetch)
    # Headless: the app's last session (what bare `cqtriage` reopens) stays as it was.
    session = open_session(SessionInputs.of(args.canopy, qbo), config, remember=False,
                           continue_earlier=args.continue_earlier)
    from tui.demo.live import demo_for

    # The demo never takes another session's decisions, as in the app (`demo --reset`).
    if session.earlier is not None and demo_for(qbo) is None:
        print(f"note: {earlier_hint(session.earlier, args)}", file=sys.stderr)
    for records in (session.report.canopy, session.report.qbo):
        for warning in records.warnings:
            print(f"cqtriage: warning: {records.path}: {warning}", file=sys.stderr)
    if session.changes:
        for change in session.changes:
            print(f"note: {change.describe()}", file=sys.stderr)
    return config, session, Triage(session.report, session.journal)


def earlier_hint(earlier: Any, args: argparse.Namespace) -> str:
    """The offer of an earlier session on the same records, with the command that takes it."""
    return (f"{earlier.describe()} (cqtriage open --continue --canopy {args.canopy} --qbo "
            f"{args.qbo})")


def _show(value: Any, field: str = "") -> str:
    from tui.service.qbo_values import shown

    return shown(value, field)


def print_plan(plan: Any) -> None:
    summary = plan.summary()
    print(f"Plan: {summary['creates']} to create in QBO, {summary['updates']} to update "
          f"({summary['deactivations']} made inactive), {summary['applied']} already applied, "
          f"{summary['canopy_worklist']} changes to make in Canopy, "
          f"{summary['contradictions']} contradictions, {summary['stale']} stale decisions "
          "left out" + (f", {summary['kept']} applied but no longer decided (QBO keeps them)"
                        if summary["kept"] else "") + ".")
    if not plan.applicable:
        print(f"Apply cannot send this plan: {plan.unapplicable_why}. Open the session with "
              "`--qbo live` to apply; the exports serve the manual route.")
    for op in plan.operations:
        if op.applied:
            print(f"\n= applied already: {op.kind} {op.qbo_id or op.key} ({op.key})")
            for name, value in op.fields.items():
                print(f"    {name}: {_show(op.before.get(name), name)} → {_show(value, name)}")
        elif op.kind == "create":
            print(f"\n+ create {op.fields.get('DisplayName')!r} (from {op.key})")
            for name, value in op.fields.items():
                print(f"    {name}: {_show(value, name)}")
        else:
            print(f"\n~ update QBO {op.qbo_id} ({op.key}), SyncToken {_show(op.sync_token)}")
            for name, value in op.fields.items():
                print(f"    {name}: {_show(op.before.get(name), name)} → {_show(value, name)}")
        for why in op.why:
            print(f"    why: {why}")
    for kept in plan.kept:
        print(f"\n= applied in run {kept.run}; no longer decided — QBO keeps it: {kept.text}"
              " (`cqtriage undo` takes back the last run)")
    if plan.worklist:
        print("\nIn Canopy, by hand:")
        for work in plan.worklist:
            change = f" {work.field}: {work.before!r} → {work.after!r}" if work.field else ""
            print(f"  [ ] {work.canopy_id} {work.name}: {work.action}{change} ({work.why})")
    if plan.contradictions:
        print("\nContradictions and what QBO would refuse (left alone, nothing is sent):")
        for c in plan.contradictions:
            print(f"  ! {c.key}: {c.message}")
    if plan.stale:
        print("\nStale decisions (records changed since you decided; left out until you "
              "re-confirm or drop them in the queue):")
        for s in plan.stale:
            for change in s.changes:
                print(f"  ? {s.item}: {change}")


def cmd_plan(args: argparse.Namespace) -> int:
    from tui.service import paths
    from tui.service.plan import build_plan

    if args.json and args.canopy is not None and args.qbo is not None:  # before any work
        paths.refuse_inputs([args.json], [args.canopy, args.qbo], "choose another --json path")
    _, session, triage = _open(args, fetch=False)
    plan = build_plan(triage)
    print_plan(plan)
    if args.json:
        paths.refuse_inputs([args.json], [session.inputs.canopy, session.inputs.qbo],
                            "choose another --json path")
        data = {"summary": plan.summary(), "applicable": plan.applicable,
                "operations": [op.__dict__ for op in plan.operations],
                "worklist": [w.__dict__ for w in plan.worklist],
                "contradictions": [c.__dict__ for c in plan.contradictions],
                "stale": [s.__dict__ for s in plan.stale]}
        paths.write_private(args.json, json.dumps(data, indent=1, ensure_ascii=False))
    session.close()
    return 0


@contextmanager
def _client(config: Any, session: Any) -> Iterator[Any]:
    """A client for the session's company: the saved login's, or for a demo session the demo
    company brought up again from its data folder (and stopped afterwards)."""
    from tui.demo.live import demo_for
    from tui.service.qbo.client import QboClient
    from tui.service.qbo.tokens import load_tokens

    demo = demo_for(session.inputs.qbo)
    if demo is None:
        yield QboClient(config.qbo, load_tokens())
        return
    try:
        demo.resume()
        yield demo.client()
    finally:
        demo.stop()


def _progress(done: int, total: int) -> None:
    if sys.stderr.isatty():
        print(f"\r  applied {done:,}/{total:,}", end="", file=sys.stderr, flush=True)


def _confirm(args: argparse.Namespace) -> bool:
    """Whether to send: asked at a terminal (the TUI asks too), unless --yes. Without a
    terminal it sends, as it always has, so scripts written before the question keep working."""
    if getattr(args, "yes", False) or not sys.stdin.isatty():
        return True
    try:
        answer = input("Send? [y/N] ")
    except EOFError:
        answer = ""
    if answer.strip().lower() in ("y", "yes"):
        return True
    print("Nothing sent.")
    return False


def _undo_target(journal: Any, run: int) -> int | None:
    """The apply run that undo run `run` reverts, as `apply.start_undo` recorded it."""
    undo_run, _, target = (journal.get("undo_target") or "").partition(":")
    return int(target) if target and undo_run == str(run) else None


def _report_run(result: Any, undoes: int | None = None) -> int:
    """Print the run's summary (every operation of the run, resumes included); the exit
    status is 0 only when every operation is done."""
    if sys.stderr.isatty():
        print(file=sys.stderr)
    # An undo names the run it reverts: "Undo run 4" alone left the user to work out which.
    title = (f"Undo of run {undoes} (run {result.run})" if undoes is not None
             else f"{result.kind.title()} run {result.run}")
    print(f"{title}: {result.done} of {result.total} done, "
          f"{len(result.conflicts)} conflicts, {len(result.failed)} failed.")
    for op in result.conflicts:
        print(f"  conflict: {op.key} changed in QBO since it was read; it is back in the queue")
    for op in result.failed:
        print(f"  failed: {op.key}: {op.error}")
    return 0 if result.complete else 1


def cmd_apply(args: argparse.Namespace) -> int:
    from tui.service import apply
    from tui.service.plan import build_plan

    config, session, triage = _open(args, fetch=False)
    journal = session.journal
    run = journal.open_run()
    if run is not None:
        print(f"Finishing run {run}, which did not finish.")
    else:
        plan = build_plan(triage)
        print_plan(plan)
        if not _confirm(args):
            session.close()
            return 0
        run = apply.start_apply(journal, plan)
    with _client(config, session) as client:
        result = apply.run(journal, client, run, _progress)
    session.close()
    return _report_run(result)


def cmd_undo(args: argparse.Namespace) -> int:
    from tui.service import apply

    config, session, _ = _open(args, fetch=False)
    journal = session.journal
    run = journal.open_run()
    if run is not None:
        print(f"Finishing run {run}, which did not finish.")
    else:
        target, rows = apply.preview_undo(journal)
        print(f"Undo of run {target}: {len(rows)} customer change(s) to revert.")
        for row in rows[:_UNDO_SHOWN]:
            body = {k: v for k, v in row["body"].items() if k not in ("Id", "SyncToken", "sparse")}
            fields = ", ".join(f"{name} → {_show(value, name)}" for name, value in body.items())
            print(f"  ~ QBO {row['qbo_id']} ({row['key']}): {fields}")
        if len(rows) > _UNDO_SHOWN:
            print(f"  … and {len(rows) - _UNDO_SHOWN} more")
        if not _confirm(args):
            session.close()
            return 0
        run = apply.start_undo(journal)
    with _client(config, session) as client:
        result = apply.run(journal, client, run, _progress)
    target = _undo_target(journal, run)
    session.close()
    return _report_run(result, target)


_UNDO_SHOWN = 10
"""How many of the reverted customers undo lists before asking: enough to recognise the run."""


def cmd_export(args: argparse.Namespace) -> int:
    from tui.service import exports
    from tui.service.plan import build_plan

    _, session, triage = _open(args, fetch=False)
    plan = build_plan(triage)
    inputs = [session.inputs.canopy, session.inputs.qbo]
    written = exports.write_exports(triage, plan, session.journal, args.out, inputs,
                                    all_unmatched=args.all_unmatched)
    for path in written:
        print(path)
    session.close()
    return 0


def add_commands(sub: Any) -> None:
    """Register plan, apply, undo and export on the main parser."""
    def inputs(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--canopy", type=Path, metavar="FILE",
                            help="Canopy's client list CSV (as the session was opened); with "
                            "neither --canopy nor --qbo, the last session's files")
        parser.add_argument("--qbo", type=Path, metavar="FILE",
                            help="QBO customer CSV, or `live` for the company's snapshot")
        parser.add_argument("--config", type=Path, metavar="FILE", help="config TOML")
        parser.add_argument("--continue", dest="continue_earlier", action="store_true",
                            help="continue the earlier session whose lists hold the same "
                            "records (a re-export under a new name) with these files")

    def yes(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--yes", action="store_true",
                            help="send without asking; at a terminal it lists what it will "
                            "send and asks `Send? [y/N]` first. Without a terminal (a script, "
                            "a pipe) it sends without asking, with or without --yes")

    plan = sub.add_parser("plan", help="dry run: every change the decisions make",
                          description="List every QBO operation (before → after per field), the "
                          "Canopy worklist and any contradictions. Nothing is sent.")
    inputs(plan)
    plan.add_argument("--json", type=Path, metavar="OUT", help="also write the plan as JSON")
    plan.set_defaults(func=cmd_plan)
    apply = sub.add_parser("apply", help="send the plan to QBO, journaled and resumable",
                           description="Send the plan's operations to QBO in batches; each is "
                           "journaled before it is sent, so running apply again after a crash "
                           "finishes the plan with every operation applied once.")
    inputs(apply)
    yes(apply)
    apply.set_defaults(func=cmd_apply)
    undo = sub.add_parser("undo", help="revert the last applied run through the API",
                          description="Put back the before-image of every customer the last "
                          "applied run changed; customers it created are made inactive.")
    inputs(undo)
    yes(undo)
    undo.set_defaults(func=cmd_undo)
    export = sub.add_parser("export", help="QBO import CSV, Canopy worklist, audit log",
                            description="Write qbo-customer-import.csv (for QBO's import "
                            "screen), canopy-worklist.csv and audit-log.json into a folder.")
    inputs(export)
    export.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder")
    export.add_argument("--all-unmatched", action="store_true",
                        help="put every Canopy client with no QBO twin in the import CSV, not "
                        "only those decided `create`")
    export.set_defaults(func=cmd_export)
