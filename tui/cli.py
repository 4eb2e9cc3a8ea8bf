"""The `cqtriage` command line: the headless report, the demo, and the demo-data generator.

Only this module turns a `UserError` into a message on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from tui import __version__
from tui.service.errors import UserError

if TYPE_CHECKING:
    from tui.app import TriageApp
    from tui.service.config import Config

EXIT_USER_ERROR = 2


def demo_paths() -> tuple[Path, Path]:
    """The bundled demo pair: Canopy clients and QBO customers."""
    folder = resources.files("tui.demo") / "data"
    return Path(str(folder / "canopy_clients.csv")), Path(str(folder / "qbo_customers.csv"))


class _StepPrinter:
    """Progress on stderr while a long report runs, only when a person is watching."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self.start = time.perf_counter()

    def __call__(self, step: str, fraction: float) -> None:
        if self.enabled:
            elapsed = time.perf_counter() - self.start
            print(f"\r  {step:<12} {fraction:>4.0%}  {elapsed:5.1f}s", end="", file=sys.stderr,
                  flush=True)

    def done(self) -> None:
        if self.enabled:
            print("\r" + " " * 40 + "\r", end="", file=sys.stderr, flush=True)


LIVE = "live"
"""`--qbo live` reads QBO through its API instead of a file."""


def _live_snapshot(config_path: Path | None) -> Path:
    """Fetch every QBO customer into this company's snapshot file, showing progress."""
    from tui.service.config import load_config
    from tui.service.qbo.client import QboClient
    from tui.service.qbo.tokens import load_tokens
    from tui.service.sources.qbo_api import fetch_snapshot

    config = load_config(config_path)
    client = QboClient(config.qbo, load_tokens())

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty():
            print(f"\r  reading QBO customers {done:,}/{total:,}", end="", file=sys.stderr,
                  flush=True)

    path = fetch_snapshot(client, progress)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    return path


def _qbo_path(qbo: Path, config_path: Path | None, fetch: bool = True) -> Path:
    """The QBO list to read: the file given, or for `live` the company's snapshot, fetched anew
    unless `fetch` is False (apply must keep the SyncTokens the user decided against)."""
    if str(qbo) != LIVE:
        return qbo
    if fetch:
        return _live_snapshot(config_path)
    from tui.service.qbo.tokens import load_tokens
    from tui.service.sources.qbo_api import snapshot_path

    path = snapshot_path(load_tokens().realm_id)
    if not path.exists():
        raise UserError("no QBO snapshot yet", "open the session with `--qbo live` first")
    return path


def session_files(args: argparse.Namespace) -> tuple[Path, Path]:
    """The two lists a command works on: `--canopy` and `--qbo` as given or, with neither, the
    last session's (what bare `cqtriage` reopens), named on stderr so the user knows which."""
    from tui.service.inputs import last_inputs

    canopy, qbo = getattr(args, "canopy", None), getattr(args, "qbo", None)
    if canopy is not None and qbo is not None:
        return canopy, qbo
    if canopy is not None or qbo is not None:
        missing = "--qbo" if qbo is None else "--canopy"
        raise UserError(f"{missing} is missing",
                        "give both --canopy FILE and --qbo FILE, or neither to use the last "
                        "session's files")
    inputs = last_inputs()
    if inputs is None:
        raise UserError("no last session to take the files from",
                        "pass --canopy FILE --qbo FILE (or open one with `cqtriage open`)")
    check_last_session_files(inputs.canopy, inputs.qbo)
    print(f"cqtriage: using the last session's files: --canopy {inputs.canopy} --qbo "
          f"{inputs.qbo}", file=sys.stderr)
    return inputs.canopy, inputs.qbo


def _run_report(canopy: Path, qbo: Path, json_out: Path | None, config_path: Path | None) -> int:
    from dataclasses import replace

    from tui.service.config import load_config
    from tui.service.inputs import SessionInputs
    from tui.service.report import build_report
    from tui.service.sources.both_lists import read_both
    from tui.service.summary import format_summary

    config = load_config(config_path)
    qbo = _qbo_path(qbo, config_path)
    progress = _StepPrinter()
    progress("reading", 0.0)
    SessionInputs.of(canopy, qbo).check_distinct()
    canopy_set, qbo_set = read_both(canopy, qbo, config.columns)
    # The original rows are for a session's fingerprints and the app's display; a headless
    # report never reads them, and at 1M × 1M they are a tenth of the peak memory.
    canopy_set, qbo_set = (replace(s, raw=s.raw.clear()) for s in (canopy_set, qbo_set))
    report = build_report(canopy_set, qbo_set, config, progress)
    if json_out is not None:
        progress("writing", 1.0)
        report.write_json(json_out)
    progress.done()
    for records in (canopy_set, qbo_set):
        for warning in records.warnings:
            print(f"cqtriage: warning: {records.path}: {warning}", file=sys.stderr)
    print(format_summary(report))
    if json_out is not None:
        print(f"\nJSON report written to {json_out}", file=sys.stderr)
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    canopy, qbo = session_files(args)
    return _run_report(canopy, qbo, args.json, args.config)


def session_app(canopy: Path, qbo: Path, config: Config,
                continue_earlier: bool = False) -> tuple[TriageApp, Callable[[], None]]:
    """The app on a pair of inputs, and what to call once it has exited. A QBO list that is the
    demo's snapshot brings the demo company up again, so a reopened demo applies and undoes."""
    from tui.app import TriageApp
    from tui.demo.live import demo_for
    from tui.service.inputs import SessionInputs

    prepare = None
    if str(qbo) == LIVE:
        # Fetched in the app's loader, with its progress bar, into the company's snapshot.
        from tui.service.qbo.tokens import load_tokens
        from tui.service.sources.qbo_api import snapshot_loader, snapshot_path

        tokens = load_tokens()
        qbo = snapshot_path(tokens.realm_id)
        prepare = snapshot_loader(config.qbo, tokens)
    from tui.service import paths
    from tui.service.sources.textfile import check_input_file

    demo = demo_for(qbo) if prepare is None else None
    for path in (canopy,) if prepare or demo else (canopy, qbo):
        check_input_file(Path(path))  # a FIFO or a device would hang the loader
    paths.private_dir(paths.data_dir())  # 0700; unwritable: one line, before the UI
    if demo is not None:
        app = TriageApp(SessionInputs.of(canopy, qbo), config, prepare=demo.resume,
                        client_factory=demo.client, continue_earlier=continue_earlier,
                        offer_earlier=False)
        return app, demo.stop
    return TriageApp(SessionInputs.of(canopy, qbo), config, prepare=prepare,
                     continue_earlier=continue_earlier), lambda: None


def _run_app(canopy: Path, qbo: Path, config_path: Path | None,
             continue_earlier: bool = False) -> int:
    import signal

    from tui.service.config import load_config

    app, stop = session_app(canopy, qbo, load_config(config_path), continue_earlier)
    # A dropped SSH link sends SIGHUP, for which Textual installs no handler. Decisions are
    # already in the journal; this only lets the terminal be restored on the way out.
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, lambda *_: sys.exit(0))
    try:
        app.run()
    finally:
        stop()
    return app.return_code or 0


def _cmd_demo(args: argparse.Namespace) -> int:
    canopy, qbo = demo_paths()
    if args.reset:
        from tui.demo.live import reset_demo

        removed = reset_demo(canopy)
        print("The demo starts afresh: its decisions, apply runs and company are forgotten."
              if removed else "The demo had not been run yet: nothing to forget.")
    if args.report:
        return _run_report(canopy, qbo, args.json, args.config)
    import signal

    from tui.app import TriageApp
    from tui.demo.live import DemoQbo, demo_snapshot_path
    from tui.service import paths
    from tui.service.config import load_config
    from tui.service.inputs import SessionInputs

    paths.private_dir(paths.data_dir())  # 0700; unwritable: one line, before the UI
    # The demo's QBO is the sandbox, in-process: started and read in the loader's worker.
    demo = DemoQbo(qbo)
    config = load_config(args.config)
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, lambda *_: sys.exit(0))
    app = TriageApp(SessionInputs.of(canopy, demo_snapshot_path()), config,
                    prepare=demo.start, client_factory=demo.client, offer_earlier=False)
    try:
        app.run()
    finally:
        demo.stop()
    return app.return_code or 0


def _cmd_open(args: argparse.Namespace) -> int:
    if args.canopy is None and args.qbo is None and not args.continue_earlier:
        return _cmd_resume(args)
    canopy, qbo = session_files(args)
    return _run_app(canopy, qbo, args.config, args.continue_earlier)


def _cmd_resume(args: argparse.Namespace) -> int:
    from tui.service.inputs import last_inputs

    inputs = last_inputs()
    if inputs is None:
        raise UserError("no session to reopen yet",
                        "start one with `cqtriage open --canopy FILE --qbo FILE` or try "
                        "`cqtriage demo`")
    check_last_session_files(inputs.canopy, inputs.qbo)
    return _run_app(inputs.canopy, inputs.qbo, args.config)


def check_last_session_files(canopy: Path, qbo: Path) -> None:
    """Raise a UserError naming the last session and its missing file, and how to go on with
    the list at its new path, when one of the session's files is gone (moved, renamed)."""
    from tui.service.earlier import decisions_in
    from tui.service.inputs import SessionInputs

    for flag, path in (("--canopy", canopy), ("--qbo", qbo)):
        if path.exists():
            continue
        decided = decisions_in(SessionInputs.of(canopy, qbo).journal_path())
        other = f"--qbo {qbo}" if flag == "--canopy" else f"--canopy {canopy}"
        raise UserError(
            f"the last session (on {canopy.name} and {qbo.name}, {decided:,} decisions) cannot "
            "be reopened: its file is gone (moved or renamed?)",
            f"to continue it with the list at its new path: cqtriage open --continue {flag} "
            f"NEW-PATH {other}", path)


def _cmd_demo_data(args: argparse.Namespace) -> int:
    from tui.demo.generate import generate, write_pair

    if args.clients < 1:
        raise UserError("--clients must be at least 1", "give a positive number")
    out = args.out
    if out.exists() and not out.is_dir():
        raise UserError("not a folder", "give a folder for --out", out)
    paths = write_pair(generate(args.clients, args.seed), out)
    for path in paths:
        print(path)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; also read by the docs test so every subcommand stays documented."""
    parser = argparse.ArgumentParser(
        prog="cqtriage",
        description="Find and fix the client records that break the Canopy ↔ QBO sync.",
    )
    parser.add_argument("--version", action="version", version=f"cqtriage {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    report = sub.add_parser(
        "report", help="match a Canopy export with a QBO customer list and print the sync report",
        description="Match a Canopy client-list CSV with a QBO customer CSV; print what Canopy's "
        "sync will do and what the evidence says, optionally as JSON.",
    )
    report.add_argument("--canopy", type=Path, metavar="FILE",
                        help="Canopy's client list (Export filtered list → CSV); with neither "
                        "--canopy nor --qbo, the last session's files")
    report.add_argument("--qbo", type=Path, metavar="FILE",
                        help="QBO customers: the import template or the Customer Contact List, "
                        "or `live` to read them through the API (after `cqtriage qbo login`)")
    report.add_argument("--json", type=Path, metavar="OUT",
                        help="also write the whole report as JSON (docs/report-schema.md)")
    report.add_argument("--config", type=Path, metavar="FILE",
                        help="config TOML (default: the user config file)")
    report.set_defaults(func=_cmd_report)

    demo = sub.add_parser("demo", help="open the app on the bundled demo lists",
                          description="Open the triage app on the demo Canopy and QBO lists "
                          "bundled with it; nothing to configure.")
    demo.add_argument("--report", action="store_true",
                      help="print the sync report instead of opening the app")
    demo.add_argument("--json", type=Path, metavar="OUT",
                      help="with --report, also write the JSON report")
    demo.add_argument("--config", type=Path, metavar="FILE", help="config TOML")
    demo.add_argument("--reset", action="store_true",
                      help="first forget the demo's decisions, apply runs and QBO company, "
                      "and start it as on the first day (your own sessions are untouched)")
    demo.set_defaults(func=_cmd_demo)

    opener = sub.add_parser("open", help="open the app on your Canopy and QBO lists",
                            description="Open the triage app on a Canopy client list and a QBO "
                            "customer list; reopening the same files resumes the session.")
    opener.add_argument("--canopy", type=Path, metavar="FILE",
                        help="Canopy's client list CSV; with neither --canopy nor --qbo, the "
                        "last session (as bare `cqtriage`)")
    opener.add_argument("--qbo", type=Path, metavar="FILE",
                        help="QBO customer CSV, or `live` to read them through the API")
    opener.add_argument("--config", type=Path, metavar="FILE", help="config TOML")
    opener.add_argument("--continue", dest="continue_earlier", action="store_true",
                        help="continue the earlier session whose lists hold the same records "
                        "(a re-export under a new name, a moved file) with these files")
    opener.set_defaults(func=_cmd_open)

    data = sub.add_parser("demo-data", help="generate a realistic pair of lists with the truth",
                          description="Write canopy_clients.csv, qbo_customers.csv and "
                          "truth.csv (which records are one client) into a folder.")
    data.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder to write")
    data.add_argument("--clients", type=int, default=300, help="real clients (default 300)")
    data.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    data.set_defaults(func=_cmd_demo_data)
    from tui.cli_apply import add_commands as add_apply_commands
    from tui.cli_qbo import add_commands as add_qbo_commands

    add_qbo_commands(sub)
    add_apply_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `cqtriage`; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        # `cqtriage` alone reopens the most recent session.
        args.func, args.config = _cmd_resume, None
    try:
        return int(args.func(args))
    except UserError as exc:
        print(f"cqtriage: error: {exc.one_line()}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("cqtriage: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:  # a write refused: a read-only folder, a file in the way, disk full
        print(f"cqtriage: error: {_os_error(exc)}", file=sys.stderr)
        return EXIT_USER_ERROR


def _os_error(exc: OSError) -> str:
    """One line for an OSError that escaped the service layer, naming the folder to fix."""
    if not exc.filename:
        return f"{exc.strerror or exc} — check the disk and the folders cqtriage writes to"
    target = Path(str(exc.filename))
    # A file standing where a folder must go is the thing to fix, not its parent.
    in_the_way = isinstance(exc, FileExistsError | NotADirectoryError) and target.is_file()
    folder = target if target.is_dir() or in_the_way else target.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return (f"{target}: cannot write ({exc.strerror or type(exc).__name__}) — check that "
            f"{folder} is a folder you can write to (see --out, --json or CQTRIAGE_HOME)")


if __name__ == "__main__":
    sys.exit(main())
