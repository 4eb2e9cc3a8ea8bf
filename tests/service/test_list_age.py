"""Which runs came after the QBO list was read (the title bar's note)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from tui.service.list_age import qbo_list_note, runs_after_read


def _at(path: Path, when: dt.datetime) -> Path:
    path.write_text("Customer\nAnn Lee\n", encoding="utf-8")
    os.utime(path, (when.timestamp(), when.timestamp()))
    return path


def test_only_runs_finished_after_the_list_was_read_count(tmp_path: Path) -> None:
    read = dt.datetime(2026, 11, 30, 9, 0, 0, tzinfo=dt.UTC)
    qbo = _at(tmp_path / "customers.csv", read)
    runs = [
        (1, "apply", "2026-11-30T08:00:00+00:00", "2026-11-30T08:01:00+00:00", None),
        (2, "apply", "2026-11-30T09:00:00+00:00", "2026-11-30T09:00:00+00:00", 3),
        (3, "undo", "2026-11-30T09:05:00+00:00", "2026-11-30T09:06:00+00:00", None),
        (4, "apply", "2026-11-30T09:07:00+00:00", None, None),  # still under way
    ]
    assert runs_after_read(qbo, runs) == [2, 3]
    note = qbo_list_note(qbo, runs)
    local = read.astimezone().strftime("%Y-%m-%d %H:%M")
    assert note == f"QBO as read {local}, before runs 2–3"
    assert qbo_list_note(qbo, runs[:2]).endswith("before run 2")


def test_no_note_for_a_fresh_list_or_a_gone_file(tmp_path: Path) -> None:
    qbo = _at(tmp_path / "customers.csv", dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC))
    runs = [(1, "apply", "2026-11-30T08:00:00+00:00", "2026-11-30T08:01:00+00:00", None)]
    assert qbo_list_note(qbo, runs) == ""
    assert runs_after_read(tmp_path / "gone.csv", runs) == []
    assert qbo_list_note(tmp_path / "gone.csv", runs) == ""
