"""`cqtriage plan` and `export` as a user runs them, and CSV cells that cannot run formulas."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

from tui.service.config import Config
from tui.service.exports import QBO_IMPORT_HEADERS, safe_cell
from tui.service.inputs import SessionInputs
from tui.service.session import open_session
from tui.service.triage import Triage

DATA = Path(__file__).parent.parent / "data"


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tui.cli", *args], capture_output=True,
                          text=True, timeout=120, env=dict(os.environ))


def test_formula_injection_is_defused() -> None:
    assert safe_cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    for start in "+-@\t\r":
        assert safe_cell(start + "1").startswith("'")
    assert safe_cell("Jane Doe") == "Jane Doe"
    assert safe_cell(None) == ""


def test_plan_and_exports_from_the_cli(tmp_path: Path) -> None:
    canopy = tmp_path / "clients.csv"
    canopy.write_text((DATA / "labelled_canopy.csv").read_text(encoding="utf-8").replace(
        "Mary Jones", "=cmd|' /C calc'!A0"), encoding="utf-8")
    qbo = DATA / "labelled_qbo.csv"
    session = open_session(SessionInputs.of(canopy, qbo), Config())
    triage = Triage(session.report, session.journal)
    triage.decide("record:canopy:C5", "create", record="canopy:C5")
    group = next(i for i in triage.items if "canopy:C10" in i.members)
    triage.decide(group.id, "inactive", record="canopy:C10", value=True)
    triage.decide(group.id, "primary", record="canopy:C10")  # contradicts the line above
    triage.decide("record:qbo:5", "inactive", record="qbo:5", value=True)
    triage.decide("record:qbo:6", "edit", record="qbo:6", fields={"display_name": "Pat Lee Jr"})
    session.close()

    plan = cli("plan", "--canopy", str(canopy), "--qbo", str(qbo),
               "--json", str(tmp_path / "plan.json"))
    assert plan.returncode == 0, plan.stderr
    assert "1 to create in QBO" in plan.stdout
    assert "Apply cannot send this plan: the QBO list has no SyncToken for" in " ".join(
        plan.stdout.split())
    assert "kept as the primary and also marked inactive" in plan.stdout
    data = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
    assert data["summary"]["contradictions"] == 1

    out = tmp_path / "exports"
    done = cli("export", "--canopy", str(canopy), "--qbo", str(qbo), "--out", str(out))
    assert done.returncode == 0, done.stderr
    with open(out / "qbo-customer-import.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == QBO_IMPORT_HEADERS
    assert rows[1][0] == "'=cmd|' /C calc'!A0"
    audit = json.loads((out / "audit-log.json").read_text(encoding="utf-8"))
    assert audit["schema"] == "cqtriage-audit" and audit["runs"] == []
    assert (out / "canopy-worklist.csv").exists()
    # The manual route loses nothing: QBO's import only creates, so the changes to existing
    # customers are a worklist of their own.
    with open(out / "qbo-worklist.csv", encoding="utf-8-sig", newline="") as handle:
        todo = list(csv.reader(handle))
    assert todo[0] == ["QBO Id", "Customer", "Action", "Field", "From", "To", "Why"]
    assert sorted(tuple(row[:6]) for row in todo[1:]) == [
        ("5", "Zed Zulu", "make inactive", "Active", "active", "inactive"),
        ("6", "Pat Lee", "edit", "Display name", "Pat Lee", "Pat Lee Jr")]


def _inputs(tmp_path: Path) -> tuple[Path, Path, Path]:
    out = tmp_path / "out"
    out.mkdir()
    return DATA / "labelled_canopy.csv", DATA / "labelled_qbo.csv", out


def _refused(canopy: Path, qbo: Path, out: Path, *victims: Path) -> None:
    before = {path: path.read_bytes() for path in victims}
    listing = sorted(p.name for p in out.iterdir())
    done = cli("export", "--canopy", str(canopy), "--qbo", str(qbo), "--out", str(out))
    assert done.returncode == 2, done.stderr
    assert "would overwrite an input" in done.stderr
    assert "Traceback" not in done.stderr
    for path, content in before.items():
        assert path.read_bytes() == content, path  # byte for byte
    assert sorted(p.name for p in out.iterdir()) == listing  # nothing written, no temporary


def test_export_onto_an_input_named_like_the_target_is_refused_first(tmp_path: Path) -> None:
    canopy, qbo, out = _inputs(tmp_path)
    copy = out / "canopy-worklist.csv"
    copy.write_bytes(canopy.read_bytes())
    _refused(copy, qbo, out, copy)


def test_export_onto_a_hard_link_of_an_input_is_refused(tmp_path: Path) -> None:
    canopy, _, out = _inputs(tmp_path)
    qbo = tmp_path / "customers.csv"
    qbo.write_bytes((DATA / "labelled_qbo.csv").read_bytes())
    os.link(qbo, out / "qbo-customer-import.csv")
    _refused(canopy, qbo, out, qbo, out / "qbo-customer-import.csv")


def test_export_onto_a_symlink_to_an_input_is_refused(tmp_path: Path) -> None:
    _, qbo, out = _inputs(tmp_path)
    canopy = tmp_path / "clients.csv"
    canopy.write_bytes((DATA / "labelled_canopy.csv").read_bytes())
    (out / "audit-log.json").symlink_to(canopy)
    _refused(canopy, qbo, out, canopy)
    assert (out / "audit-log.json").is_symlink()


def test_plan_json_onto_an_input_is_refused(tmp_path: Path) -> None:
    canopy = tmp_path / "clients.csv"
    canopy.write_bytes((DATA / "labelled_canopy.csv").read_bytes())
    link = tmp_path / "plan.json"
    os.link(canopy, link)
    before = canopy.read_bytes()
    done = cli("plan", "--canopy", str(canopy), "--qbo", str(DATA / "labelled_qbo.csv"),
               "--json", str(link))
    assert done.returncode == 2 and "would overwrite an input" in done.stderr
    assert canopy.read_bytes() == before
    assert done.stdout == ""  # refused before the plan is printed, not after
