"""The `cqtriage` command as a user runs it: a real subprocess, exit codes, stdout and stderr."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run([sys.executable, "-m", "tui.cli", *args], capture_output=True,
                          text=True, env=env, cwd=cwd, timeout=120)


def test_report_prints_the_summary() -> None:
    done = run("report", "--canopy", str(DATA / "labelled_canopy.csv"),
               "--qbo", str(DATA / "labelled_qbo.csv"))
    assert done.returncode == 0, done.stderr
    assert "Matches: linked by name, one to one" in done.stdout
    assert "likely wrong link" in done.stdout


def test_report_writes_json(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    done = run("report", "--canopy", str(DATA / "labelled_canopy.csv"),
               "--qbo", str(DATA / "labelled_qbo.csv"), "--json", str(out))
    assert done.returncode == 0, done.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["counts"]["canopy_records"] == 16


@pytest.mark.parametrize(("canopy", "expected"), [
    ("bad_ragged.csv", "bad_ragged.csv:3:4: this row has 4 fields"),
    ("bad_binary.csv", "bad_binary.csv:2:4: binary data"),
    ("missing.csv", "missing.csv: file not found"),
])
def test_bad_input_is_one_line_and_exit_2(canopy: str, expected: str) -> None:
    done = run("report", "--canopy", str(DATA / canopy), "--qbo", str(DATA / "labelled_qbo.csv"))
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("cqtriage: error: ")
    assert expected in lines[0]
    assert "Traceback" not in done.stderr


def test_bad_config_is_exit_2(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text("[match]\nreview = 200\n", encoding="utf-8")
    done = run("report", "--canopy", str(DATA / "labelled_canopy.csv"),
               "--qbo", str(DATA / "labelled_qbo.csv"), "--config", str(config))
    assert done.returncode == 2
    assert "thresholds out of order" in done.stderr


def test_demo_report_runs_on_the_bundled_lists() -> None:
    done = run("demo", "--report")
    assert done.returncode == 0, done.stderr
    assert "What the evidence says" in done.stdout


def test_open_with_a_missing_file_is_exit_2(tmp_path: Path) -> None:
    done = run("open", "--canopy", str(tmp_path / "none.csv"),
               "--qbo", str(DATA / "labelled_qbo.csv"))
    assert done.returncode == 2
    assert "none.csv: file not found" in done.stderr


def test_no_command_and_no_session_yet_says_how_to_start(tmp_path: Path) -> None:
    done = run()
    assert done.returncode == 2
    assert "no session to reopen yet" in done.stderr
    assert "cqtriage demo" in done.stderr


def test_demo_data_writes_three_files(tmp_path: Path) -> None:
    done = run("demo-data", "--out", str(tmp_path / "lists"), "--clients", "50")
    assert done.returncode == 0, done.stderr
    names = sorted(Path(line).name for line in done.stdout.split())
    assert names == ["canopy_clients.csv", "qbo_customers.csv", "truth.csv"]


def test_unknown_option_is_exit_2() -> None:
    assert run("report", "--nope").returncode == 2
