"""The app over live QBO (issue 12, item 2): sub-customers read as jobs, and the `[canopy]
qbo_clients` setting changes what the report predicts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_login_cli import cli, login

from tui.sandbox.server import SandboxServer


def test_a_job_is_never_a_match_nor_a_duplicate_of_its_parent(
        tmp_path: Path, server: SandboxServer) -> None:
    config = login(tmp_path, server)
    parent = server.store.create({"DisplayName": "Morales Family Trust",
                                  "PrimaryEmailAddr": {"Address": "elena@morales.example"}})
    server.store.create({"DisplayName": "Elena Morales", "Job": True,
                         "ParentRef": {"value": parent["Id"]},
                         "PrimaryEmailAddr": {"Address": "elena@morales.example"}})
    canopy = tmp_path / "clients.csv"
    canopy.write_text("Client Name,Email\nElena Morales,elena@morales.example\n"
                      "Morales Family Trust,elena@morales.example\n", encoding="utf-8")
    done = cli("report", "--canopy", str(canopy), "--qbo", "live", "--json",
               str(tmp_path / "r.json"), "--config", str(config))
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["verdicts"]["qbo"]["Sub-customer"] == 1
    assert report["verdicts"]["qbo"]["Matches"] == 1  # the parent, by its own name
    assert report["verdicts"]["canopy"]["Unmatched"] == 1  # Elena: the job is no client
    assert report["counts"]["qbo_sub_customers"] == 1
    job_id = next(c["Id"] for c in server.store.all() if c.get("Job"))
    assert report["pairs"], "the parent's pair is listed"
    for pair in report["pairs"]:  # no pair, of any category, involves the job
        assert ("qbo", job_id) not in ((pair["a"]["source"], pair["a"]["id"]),
                                       (pair["b"]["source"], pair["b"]["id"])), pair
    assert all(("qbo", job_id) not in {(m["source"], m["id"]) for m in group["members"]}
               for group in report["groups"])


@pytest.mark.parametrize(("selection", "expected"), [
    ("active", {"Matches": 1, "Inactive": 1, "Not selected": 0, "New": 1}),
    ("inactive", {"Matches": 1, "Inactive": 0, "Not selected": 2, "New": 0}),
    ("all", {"Matches": 2, "Inactive": 0, "Not selected": 0, "New": 1}),
])
def test_qbo_clients_setting_changes_the_prediction(tmp_path: Path, server: SandboxServer,
                                                    selection: str,
                                                    expected: dict[str, int]) -> None:
    config = login(tmp_path, server)
    with open(config, "a", encoding="utf-8") as handle:
        handle.write(f'\n[canopy]\nqbo_clients = "{selection}"\n')
    server.store.create({"DisplayName": "Active Match Co"})
    server.store.create({"DisplayName": "Active Only Co"})
    gone = server.store.create({"DisplayName": "Old Match Co"})
    server.store.update({"Id": gone["Id"], "SyncToken": "0", "sparse": True, "Active": False})
    canopy = tmp_path / "clients.csv"
    canopy.write_text("Client Name\nActive Match Co\nOld Match Co\n", encoding="utf-8")
    done = cli("report", "--canopy", str(canopy), "--qbo", "live", "--json",
               str(tmp_path / "r.json"), "--config", str(config))
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    qbo = report["verdicts"]["qbo"]
    assert {k: qbo[k] for k in expected} == expected
    # "Old Match Co" links only when Canopy brings in inactive customers.
    linked = report["verdicts"]["canopy"]["Matches"]
    assert linked == {"active": 1, "inactive": 1, "all": 2}[selection]
    # One customer is inactive whatever the selection, and the report says which it used.
    assert report["counts"]["qbo_inactive"] == 1
    assert report["thresholds"]["qbo_clients"] == selection
