"""Stale items come first in the queue, as the opening toast says, whether their item was
carried (a record deleted) or is still one of the report's items (a record edited in place)."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

from tui.cli import demo_paths
from tui.service.config import Config
from tui.service.inputs import SessionInputs
from tui.service.session import open_session
from tui.service.triage import Triage


def demo_inputs(folder: Path) -> SessionInputs:
    canopy, qbo = demo_paths()
    for source in (canopy, qbo):
        shutil.copy(source, folder / source.name)
    return SessionInputs.of(folder / canopy.name, folder / qbo.name)


def reopen(inputs: SessionInputs) -> Triage:
    session = open_session(inputs, Config())
    session.accept_changes()
    return Triage(session.report, session.journal)


def test_every_stale_item_is_first_in_a_stable_order(tmp_path: Path) -> None:
    inputs = demo_inputs(tmp_path)
    triage = reopen(inputs)
    group = triage.items[triage.item_of("qbo:238")]     # the Armanda Silva group
    pair = triage.items[triage.item_of("canopy:C000083")]  # a probable pair, far down
    assert triage.index[pair.id] > triage.index[group.id] > 2
    triage.decide(group.id, "primary", record="qbo:237")
    triage.decide(group.id, "inactive", record="qbo:238", value=True)
    triage.decide(pair.id, "keep")
    triage.journal.close()
    lines = inputs.qbo.read_text(encoding="utf-8").splitlines(keepends=True)
    inputs.qbo.write_text("".join(x for x in lines if not x.startswith("238,")),
                          encoding="utf-8")  # the group's record goes: the item is carried
    rows = list(csv.reader(io.StringIO(inputs.canopy.read_text(encoding="utf-8-sig"))))
    phone = rows[0].index("Phone")
    next(r for r in rows if r[0] == "C000083")[phone] = "(555) 000-1111"  # edited in place
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    inputs.canopy.write_text(out.getvalue(), encoding="utf-8")

    triage = reopen(inputs)
    assert triage.item(pair.id).kind == "pair"  # still the report's item, not carried
    stale = triage.stale_item_ids()
    assert stale == [group.id, pair.id]
    assert [triage.index[i] for i in stale] == [0, 1]
    assert [i.kind for i in triage.items[2:]] == sorted(
        (i.kind for i in triage.items[2:]),
        key=["changed", "competing", "mixed", "canopy", "qbo", "pair", "link"].index)
    # The gone record is shown as gone, with the fields it was decided on.
    gone = triage.gone_members(triage.item(group.id))
    assert gone == ["qbo:238"]
    shown = triage.shown("qbo:238", triage.state(group.id))
    assert shown["display_name"] == "Armanda Silva (2)"
    assert shown["phone"] == "661-359-4204" and shown["verdict"] == "no longer in the input"
