"""Whether the session's QBO list predates our own apply or undo runs.

The report shows QBO as the list was read; after a run the plan already accounts for what the
run wrote (`own_writes`), but the report's tables do not until the list is read again. Users
acting on the report must be told which moment it shows.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

Run = tuple[int, str, str, str | None, int | None]
"""A journal run: (run, kind, started_at, finished_at, undone_by); times ISO 8601 UTC."""


def _read_at(qbo: Path) -> dt.datetime | None:
    """When the QBO list was written (exported or, for a live session, fetched), to the
    second as the journal keeps its times; None when the file is gone."""
    try:
        return dt.datetime.fromtimestamp(int(qbo.stat().st_mtime), dt.UTC)
    except OSError:
        return None


def _after(read: dt.datetime, runs: list[Run]) -> list[int]:
    # A run applied in the second the list was read came after it (a session reads its lists
    # before anything is decided).
    return [run for run, _kind, _started, finished, _undone in runs
            if finished is not None and dt.datetime.fromisoformat(finished) >= read]


def runs_after_read(qbo: Path, runs: list[Run]) -> list[int]:
    """The runs (numbers, oldest first) that finished after the QBO list at `qbo` was written.
    Empty when the file is gone or no run finished after it."""
    read = _read_at(qbo)
    return [] if read is None else _after(read, runs)


def qbo_list_note(qbo: Path, runs: list[Run]) -> str:
    """'' when the QBO list is newer than every finished run; else a short line for the title
    bar: when the list was read (local time) and which runs came after it."""
    read = _read_at(qbo)  # one look at the file: it may go between two
    after = [] if read is None else _after(read, runs)
    if read is None or not after:
        return ""
    read = read.astimezone()
    # Short: the title bar has 80 columns for this, the file names and the app's name.
    when = read.strftime("%H:%M" if read.date() == dt.date.today() else "%Y-%m-%d %H:%M")
    which = f"run {after[0]}" if len(after) == 1 else f"runs {after[0]}–{after[-1]}"
    return f"QBO as read {when}, before {which}"
