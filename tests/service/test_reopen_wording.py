"""What the "input files changed" message says about each record (new user's report, item
5): an empty value is "empty", not the word 'blank'; a decided record that came back is named
as the queue names it; an edit that leaves the decided fields alone says so."""

from __future__ import annotations

import shutil
from pathlib import Path

from tui.cli import demo_paths
from tui.service.config import Config
from tui.service.inputs import SessionInputs
from tui.service.session import open_session
from tui.service.triage import Triage


def _pair(folder: Path) -> SessionInputs:
    canopy, qbo = demo_paths()
    for source in (canopy, qbo):
        shutil.copy(source, folder / source.name)
    return SessionInputs.of(folder / canopy.name, folder / qbo.name)


def _item(triage: Triage, key: str) -> str:
    return next(i.id for i in triage.items if key in i.members)


def test_reopen_lines_say_empty_name_the_fields_and_call_a_return_back(tmp_path: Path) -> None:
    inputs = _pair(tmp_path)
    session = open_session(inputs, Config())
    triage = Triage(session.report, session.journal)
    triage.decide(_item(triage, "canopy:C000002"), "link", canopy="canopy:C000002",
                  qbo="qbo:33")
    triage.decide(_item(triage, "canopy:C000004"), "link", canopy="canopy:C000004",
                  qbo="qbo:74")
    triage.decide(_item(triage, "canopy:C000025"), "inactive", record="canopy:C000025",
                  value=True)
    session.close()

    original = inputs.canopy.read_text(encoding="utf-8").splitlines(keepends=True)
    returning = next(line for line in original if line.startswith("C000025,"))
    edited = [line.replace("Lopez,,,(982)", "Lopez,,eliz@x.com,(982)")
              .replace("Raleigh,NC,27675,Ann Park", "Raleigh,NC,27675,Raj Patel")
              for line in original if line is not returning]
    inputs.canopy.write_text("".join(edited), encoding="utf-8")
    changed = open_session(inputs, Config())
    (change,) = changed.changes
    assert "Canopy C000002 (Elizabeth Lopez): e-mail changed since you decided (was empty, " \
        "now 'eliz@x.com')" in change.details
    assert ("Canopy C000004 (Mabel Fernandez): edited in a column your decision does not use "
            "(its name, client type, e-mail, phone, address and status are as you decided)"
            ) in change.details
    changed.accept_changes()
    changed.close()

    inputs.canopy.write_text("".join(edited) + returning, encoding="utf-8")
    back = open_session(inputs, Config())
    (change,) = back.changes
    assert (change.added, change.back) == (1, 1)
    assert change.describe().splitlines()[0].endswith(
        ": 1 back in the input since you decided.")
    assert [d for d in change.details if "C000025" in d] == [
        d for d in change.details if d.endswith(": back in the input since you decided")]
    back.close()


def test_a_rename_gives_was_and_now_for_each_name(tmp_path: Path) -> None:
    """The new user saw `name, last name changed since you decided` with no values, though an
    e-mail change shows them."""
    inputs = _pair(tmp_path)
    session = open_session(inputs, Config())
    triage = Triage(session.report, session.journal)
    triage.decide(_item(triage, "canopy:C000002"), "link", canopy="canopy:C000002",
                  qbo="qbo:33")
    session.close()
    text = inputs.canopy.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("C000002,"))
    inputs.canopy.write_text(text.replace(row, row.replace("Lopez", "Lopes")), encoding="utf-8")
    changed = open_session(inputs, Config())
    (change,) = changed.changes
    [line] = [d for d in change.details if "C000002" in d]
    assert "last name was 'Lopez', now 'Lopes'" in line, line
    assert "name was 'Elizabeth Lopez', now 'Elizabeth Lopes'" in line, line
    changed.close()
