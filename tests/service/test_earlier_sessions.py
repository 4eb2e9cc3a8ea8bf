"""The same lists at another path (a weekly re-export under a new name, a moved file): the
earlier session is found by its records and offered, and continued on request (new user's
report, item 3)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tui.cli import main
from tui.service.config import Config
from tui.service.inputs import SessionInputs, remember_last
from tui.service.session import open_session
from tui.service.triage import Triage

DATA = Path(__file__).parent.parent / "data"


def lists(folder: Path) -> SessionInputs:
    """The labelled pair, copied into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("labelled_canopy.csv", "labelled_qbo.csv"):
        shutil.copy(DATA / name, folder / name)
    return SessionInputs.of(folder / "labelled_canopy.csv", folder / "labelled_qbo.csv")


def decided_session(folder: Path) -> tuple[SessionInputs, int]:
    """A session on the pair in `folder` with decisions; returns its inputs and their count."""
    inputs = lists(folder)
    session = open_session(inputs, Config())
    triage = Triage(session.report, session.journal)
    group = next(i for i in triage.items if i.kind == "canopy")
    triage.decide(group.id, "inactive", record=group.members[1], value=True)
    count = len(session.journal.decisions())
    session.close()
    return inputs, count


def test_the_same_lists_at_a_new_path_offer_the_earlier_session(tmp_path: Path) -> None:
    old, count = decided_session(tmp_path / "week1")
    new = lists(tmp_path / "moved")
    session = open_session(new, Config())
    assert len(session.journal.decisions()) == 0
    earlier = session.earlier
    assert earlier is not None
    assert (earlier.canopy, earlier.qbo, earlier.decisions) == (str(old.canopy), str(old.qbo),
                                                                count)
    assert earlier.describe().startswith(
        f"An earlier session on {old.canopy} and {old.qbo}, {count} decisions, last used 20")
    assert earlier.describe().endswith(" UTC: continue it with these files?")
    session.close()


def test_other_lists_are_not_offered_a_session(tmp_path: Path) -> None:
    decided_session(tmp_path / "week1")
    from tui.cli import demo_paths

    session = open_session(SessionInputs.of(*demo_paths()), Config())
    assert session.earlier is None
    session.close()


def test_continuing_carries_the_decisions_and_reports_what_changed(tmp_path: Path) -> None:
    old, count = decided_session(tmp_path / "week1")
    new = lists(tmp_path / "week2")
    text = new.qbo.read_text(encoding="utf-8")
    new.qbo.write_text(text.replace("jane.doe@example.com", "jd@example.org"), encoding="utf-8")
    session = open_session(new, Config(), continue_earlier=True)
    assert len(session.journal.decisions()) == count
    assert session.earlier is None
    # The usual "input files changed" way: the QBO list differs from the one decided on.
    assert [change.source for change in session.changes] == ["qbo"]
    session.close()
    # The earlier session is left as it was, and the new one is now its own.
    again = open_session(old, Config())
    assert len(again.journal.decisions()) == count
    again.close()
    assert open_session(new, Config()).earlier is None


def test_continue_with_nothing_to_continue_is_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    new = lists(tmp_path / "fresh")
    assert main(["plan", "--continue", "--canopy", str(new.canopy), "--qbo", str(new.qbo)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"cqtriage: error: {new.canopy}: no earlier session holds the records")


def test_the_cli_names_the_earlier_session_and_the_command(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old, count = decided_session(tmp_path / "week1")
    new = lists(tmp_path / "moved")
    argv = ["--canopy", str(new.canopy), "--qbo", str(new.qbo)]
    assert main(["plan", *argv]) == 0
    err = capsys.readouterr().err
    assert f"note: An earlier session on {old.canopy} and {old.qbo}, {count} decisions" in err
    assert f"(cqtriage open --continue {' '.join(argv)})" in err
    assert main(["plan", "--continue", *argv]) == 0
    assert "An earlier session" not in capsys.readouterr().err
    assert main(["plan", *argv]) == 0  # continued: the moved lists' own session now
    assert "An earlier session" not in capsys.readouterr().err


def test_bare_cqtriage_names_the_session_and_the_missing_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old, count = decided_session(tmp_path / "week1")
    remember_last(old)
    old.canopy.rename(tmp_path / "elsewhere.csv")
    for argv in ([], ["plan"], ["open"]):  # bare, and commands taking the last session
        assert main(argv) == 2
        err = capsys.readouterr().err.strip()
        assert err == (
            f"cqtriage: error: {old.canopy}: the last session (on labelled_canopy.csv and "
            f"labelled_qbo.csv, {count} decisions) cannot be reopened: its file is gone (moved "
            "or renamed?) — to continue it with the list at its new path: cqtriage open "
            f"--continue --canopy NEW-PATH --qbo {old.qbo}")
