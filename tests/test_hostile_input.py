"""Hostile input through the command line (issue 12): every bad file, place or setting ends
in one located line on stderr and exit 2, never a traceback, a hang or a silent drop."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tui.cli import main
from tui.service.sources import textfile

DATA = Path(__file__).parent / "data"
QBO = str(DATA / "labelled_qbo.csv")
CANOPY = str(DATA / "labelled_canopy.csv")


def one_line_error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    """Run `cqtriage argv` in-process; assert exit 2 and one error line, and return it."""
    status = main(argv)
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert status == 2, err
    assert len(lines) == 1 and lines[0].startswith("cqtriage: error: "), err
    assert "Traceback" not in err and out == ""
    return lines[0]


@pytest.mark.parametrize(("name", "content"), [
    ("bom.csv", b"\xef\xbb\xbf"),
    ("bom-blank.csv", b"\xef\xbb\xbf\n\n\r\n  \n"),
    ("commas.csv", b",,,\n,,\n,\n"),
    ("semicolons.csv", b";;\n;;\n"),
    ("nbsp.csv", "\u00a0".encode()),
    ("nbsp-lines.csv", "\u00a0\n\u00a0,\u00a0\n".encode()),
    ("zero-width.csv", "\ufeff\u200b\n\u2060,\n".encode()),
    ("utf16-bom.csv", b"\xff\xfe"),
])
@pytest.mark.parametrize("side", ["--canopy", "--qbo"])
def test_files_with_no_text_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                         name: str, content: bytes, side: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    argv = ["report", "--canopy", CANOPY, "--qbo", QBO]
    argv[argv.index(side) + 1] = str(path)
    line = one_line_error(capsys, argv)
    assert f"{path}: " in line
    assert "empty" in line or "holds no text" in line


def test_repeated_header_names_both_columns(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "clients.csv"
    path.write_text("Client Name,Email,Client Name\n,ann@example.com,Ann Lee\n",
                    encoding="utf-8")
    line = one_line_error(capsys, ["report", "--canopy", str(path), "--qbo", QBO])
    assert f"{path}:1:3: columns 1 and 3 are both headed 'Client Name'" in line


def test_repeated_header_spelled_differently_is_caught(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "qbo.csv"
    path.write_text("Customer,Email,customer\nAnn Lee,ann@example.com,\n", encoding="utf-8")
    line = one_line_error(capsys, ["report", "--canopy", CANOPY, "--qbo", str(path)])
    assert "columns 1 and 3 are both headed 'Customer'" in line


def test_repeated_unused_headers_are_allowed(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "clients.csv"
    path.write_text("Client Name,Notes,Notes\nAnn Lee,a,b\n", encoding="utf-8")
    assert main(["report", "--canopy", str(path), "--qbo", QBO]) == 0


def test_a_fifo_is_refused_without_blocking(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "clients.csv"
    os.mkfifo(fifo)
    line = one_line_error(capsys, ["report", "--canopy", str(fifo), "--qbo", QBO])
    assert f"{fifo}: this is a named pipe, not a regular file" in line


@pytest.mark.parametrize("command", ["open", "plan", "export"])
def test_other_commands_refuse_a_fifo_and_a_device(tmp_path: Path, command: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "qbo.csv"
    os.mkfifo(fifo)
    extra = ["--out", str(tmp_path / "out")] if command == "export" else []
    line = one_line_error(capsys, [command, "--canopy", CANOPY, "--qbo", str(fifo), *extra])
    assert f"{fifo}: this is a named pipe, not a regular file" in line
    line = one_line_error(capsys, [command, "--canopy", "/dev/zero", "--qbo", QBO, *extra])
    assert "/dev/zero: this is a device, not a regular file" in line


def test_a_fifo_config_or_token_file_is_refused(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    from tui.service.qbo.tokens import token_path

    fifo = tmp_path / "config.toml"
    os.mkfifo(fifo)
    line = one_line_error(capsys, ["report", "--canopy", CANOPY, "--qbo", QBO,
                                   "--config", str(fifo)])
    assert f"{fifo}: the config is not a regular file" in line
    token_path().parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(token_path())
    line = one_line_error(capsys, ["qbo", "status"])
    assert "the saved QBO login is unreadable" in line


def test_dev_zero_is_refused_before_reading() -> None:
    # A subprocess with a timeout: reading /dev/zero would run until MemoryError.
    done = subprocess.run([sys.executable, "-m", "tui.cli", "report", "--canopy", "/dev/zero",
                           "--qbo", QBO], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert done.returncode == 2
    assert done.stderr.strip() == ("cqtriage: error: /dev/zero: this is a device, not a "
                                   "regular file — save the export to a file and give its path")


def test_a_folder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = one_line_error(capsys, ["report", "--canopy", str(tmp_path), "--qbo", QBO])
    assert "this is a folder, not a file" in line


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    # A sparse file: its size is over the limit without writing 2 GiB.
    path = tmp_path / "huge.csv"
    with open(path, "wb") as handle:
        handle.truncate(textfile.MAX_INPUT_BYTES + 1)
    line = one_line_error(capsys, ["report", "--canopy", str(path), "--qbo", QBO])
    assert "over the 2 GiB an input may hold" in line
    assert textfile.MAX_INPUT_BYTES >= 2 * 2**30  # well above 1M rows of ~300 bytes


@pytest.mark.parametrize(("setting", "expected"), [
    ("[qbo]\nretry_base_seconds = -1\n", "qbo.retry_base_seconds = -1 is out of range"),
    ("[qbo]\nbatches_per_minute = 0\n", "qbo.batches_per_minute = 0 is out of range"),
    ("[qbo]\nminor_version = 65\n", "qbo.minor_version = 65 is below 75"),
    ("[qbo]\nenvironment = \"staging\"\n", "qbo.environment = 'staging' is not known"),
    ("[canopy]\nqbo_clients = \"some\"\n", "canopy.qbo_clients = 'some' is not known"),
    ("[canopy]\nqbo_clients = 1\n", "canopy.qbo_clients must be text"),
])
def test_config_values_that_would_break_apply(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str],
                                              setting: str, expected: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(setting, encoding="utf-8")
    line = one_line_error(capsys, ["report", "--canopy", CANOPY, "--qbo", QBO,
                                   "--config", str(config)])
    assert f"{config}: {expected}" in line


@pytest.mark.parametrize("content", [
    [],
    "a string",
    {"environment": "local", "realm_id": 5, "access_token": "a", "refresh_token": "r"},
    {"environment": "local", "realm_id": "1", "access_token": "a", "refresh_token": "r",
     "access_expires_at": "tomorrow"},
    {"environment": "local", "realm_id": "1", "access_token": None, "refresh_token": "r"},
    {"environment": "local", "realm_id": "1", "access_token": "a", "refresh_token": "r",
     "colour": "blue"},
])
def test_a_hand_edited_token_file_is_one_line(capsys: pytest.CaptureFixture[str],
                                              content: object) -> None:
    from tui.service.qbo.tokens import token_path

    path = token_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content), encoding="utf-8")
    line = one_line_error(capsys, ["qbo", "status"])
    assert f"{path}: the saved QBO login is unreadable" in line
    assert "run `cqtriage qbo login` again" in line


def test_unwritable_out_names_the_folder(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    in_the_way = tmp_path / "a-file"
    in_the_way.write_text("", encoding="utf-8")
    line = one_line_error(capsys, ["export", "--canopy", CANOPY, "--qbo", QBO, "--out",
                                   str(in_the_way / "exports")])
    assert f"check that {in_the_way} is a folder you can write to" in line


def test_unwritable_home_names_the_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    in_the_way = tmp_path / "home-file"
    in_the_way.write_text("", encoding="utf-8")
    monkeypatch.setenv("CQTRIAGE_HOME", str(in_the_way))
    line = one_line_error(capsys, ["plan", "--canopy", CANOPY, "--qbo", QBO])
    assert f"check that {in_the_way} is a folder you can write to" in line


@pytest.mark.parametrize("command", [["open", "--canopy", CANOPY, "--qbo", QBO], ["demo"]])
def test_the_app_does_not_start_on_an_unwritable_home(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        command: list[str]) -> None:
    in_the_way = tmp_path / "home-file"
    in_the_way.write_text("", encoding="utf-8")
    monkeypatch.setenv("CQTRIAGE_HOME", str(in_the_way))
    line = one_line_error(capsys, command)
    assert f"check that {in_the_way} is a folder you can write to" in line


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through folder permissions")
def test_read_only_out_names_the_folder(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    try:
        line = one_line_error(capsys, ["export", "--canopy", CANOPY, "--qbo", QBO, "--out",
                                       str(locked / "exports")])
    finally:
        locked.chmod(0o755)
    assert str(locked) in line


@pytest.mark.parametrize("command", ["report", "plan", "export"])
def test_one_file_given_for_both_lists_is_refused(tmp_path: Path, command: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    extra = ["--out", str(tmp_path / "out")] if command == "export" else []
    line = one_line_error(capsys, [command, "--canopy", CANOPY, "--qbo", CANOPY, *extra])
    assert "the Canopy and QBO lists are the same file" in line


def test_a_header_alone_is_read_with_a_warning(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "clients.csv"
    empty.write_text("Client Name,Email\n", encoding="utf-8")
    assert main(["report", "--canopy", str(empty), "--qbo", QBO]) == 0
    err = capsys.readouterr().err
    assert "no records under the header: is this the right export?" in err


def test_headless_commands_leave_the_apps_last_session_alone(tmp_path: Path) -> None:
    from tui.service.inputs import SessionInputs, last_inputs, remember_last

    remember_last(SessionInputs.of(CANOPY, QBO))
    scratch = tmp_path / "scratch.csv"
    scratch.write_text("Client Name\nZed\n", encoding="utf-8")
    assert main(["plan", "--canopy", str(scratch), "--qbo", QBO]) == 0
    assert main(["export", "--canopy", str(scratch), "--qbo", QBO,
                 "--out", str(tmp_path / "out")]) == 0
    assert last_inputs() == SessionInputs.of(CANOPY, QBO)


# Input missing the columns it needs, or the two lists swapped (new user's report, item 1) ----
DEMO = Path(__file__).parents[1] / "tui" / "demo" / "data"


def _without(source: Path, target: Path, drop: set[str], rows: int = 6) -> Path:
    """`source` with the columns headed by `drop` left out (its first `rows` rows)."""
    import csv

    with open(source, newline="", encoding="utf-8") as handle:
        table = list(csv.reader(handle))[:rows]
    keep = [i for i, name in enumerate(table[0]) if name not in drop]
    with open(target, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([[row[i] for i in keep] for row in table])
    return target


def test_a_canopy_list_with_no_column_naming_a_person_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clients = _without(DEMO / "canopy_clients.csv", tmp_path / "clients.csv",
                       {"Client Name", "Client Facing Name", "First Name", "Last Name"})
    line = one_line_error(capsys, ["report", "--canopy", str(clients),
                                   "--qbo", str(DEMO / "qbo_customers.csv")])
    assert f"{clients}:1: " in line
    assert "have no name: the file has no column naming a person" in line
    assert '"Client Name", or "First Name" and "Last Name"' in line
    assert "found Client ID, Client Type, Business Name, Email" in line


def test_a_canopy_list_of_businesses_named_by_business_name_is_read(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clients = tmp_path / "clients.csv"
    clients.write_text("Client ID,Client Type,Business Name\nC1,Business,Acme LLC\n",
                       encoding="utf-8")
    assert main(["report", "--canopy", str(clients), "--qbo", QBO]) == 0


def test_a_qbo_list_without_its_customer_column_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    customers = _without(DEMO / "qbo_customers.csv", tmp_path / "customers.csv", {"Customer"})
    line = one_line_error(capsys, ["report", "--canopy", str(DEMO / "canopy_clients.csv"),
                                   "--qbo", str(customers)])
    assert f"{customers}:1: no column holds the customer's display name" in line
    assert '"Customer", "Display Name", "Name" or "Full Name"' in line
    assert "found Id, Company, First Name, Last Name" in line


@pytest.mark.parametrize("command", ["report", "plan", "export"])
def test_swapped_lists_are_refused(command: str, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    qbo, canopy = DEMO / "qbo_customers.csv", DEMO / "canopy_clients.csv"
    extra = ["--out", str(tmp_path / "out")] if command == "export" else []
    line = one_line_error(capsys, [command, "--canopy", str(qbo), "--qbo", str(canopy), *extra])
    assert f"{qbo}:1: given as --canopy, this looks like a QBO export (headers Id, Customer" \
        in line
    assert "did you swap --canopy and --qbo?" in line


@pytest.mark.parametrize(("header", "flag"), [
    ("Client ID,Client Name\nC1,Ann Lee\n", "--qbo"),  # no QBO name alias at all
    ("Client ID,First Name,Last Name\nC1,Ann,Lee\n", "--qbo"),
])
def test_a_canopy_list_given_as_qbo_is_called_swapped(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], header: str, flag: str) -> None:
    path = tmp_path / "clients.csv"
    path.write_text(header, encoding="utf-8")
    line = one_line_error(capsys, ["report", "--canopy", CANOPY, flag, str(path)])
    assert f"{path}:1: given as --qbo, this looks like a Canopy export" in line
    assert "did you swap --canopy and --qbo?" in line


def test_the_contact_list_report_given_as_canopy_is_called_swapped(
        data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Title lines above the header and a date line below: swapped, not a ragged row.
    path = data / "qbo_contact_list.csv"
    line = one_line_error(capsys, ["report", "--canopy", str(path), "--qbo", QBO])
    assert f"{path}:4: given as --canopy, this looks like a QBO export" in line


def test_the_app_ends_on_swapped_lists_with_the_same_line() -> None:
    import asyncio

    from tui.app import TriageApp
    from tui.service.config import Config
    from tui.service.inputs import SessionInputs

    qbo, canopy = DEMO / "qbo_customers.csv", DEMO / "canopy_clients.csv"

    class Recording(TriageApp):
        """The app, keeping the message it exits with (Textual prints it after run)."""

        CSS_PATH = str(Path(__file__).parents[1] / "tui" / "app.tcss")
        said: object = None

        def exit(self, *args: object, **kwargs: object) -> None:  # type: ignore[override]
            self.said = kwargs.get("message")
            super().exit(*args, **kwargs)  # type: ignore[arg-type]

    async def scenario() -> Recording:
        app = Recording(SessionInputs.of(qbo, canopy), Config())
        async with app.run_test(size=(80, 24)) as pilot:
            for _ in range(500):  # the loader fails and the app exits by itself
                if app.return_code is not None:
                    break
                await pilot.pause(0.01)
        return app

    app = asyncio.run(scenario())
    assert app.return_code == 2
    message = str(app.said)
    assert "given as --canopy, this looks like a QBO export" in message
    assert "did you swap --canopy and --qbo?" in message


def test_an_unclosed_quote_is_located_by_line_and_column(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Escaped quotes and a quoted line break before it close properly; a quote after a space
    # is text; the quote opening "open… is the one that never closes (line 6, column 9).
    path = tmp_path / "brokenquote.csv"
    path.write_text('Client Name,Email,Note\nAnn,a@x,"ok ""q"""\nBob,b@x,"multi\nline"\n'
                    'Cy,c@x, "x\nDee,d@x,"open\nEve,e@x,z\n', encoding="utf-8")
    line = one_line_error(capsys, ["report", "--canopy", str(path), "--qbo", QBO])
    assert line == (f"cqtriage: error: {path}:6:9: cannot parse the CSV: the double quote "
                    "opening field 3 here never closes, so the rest of the file reads as one "
                    "value — add the closing quote, or remove this one")


def test_text_after_a_closing_quote_is_located_by_line_and_column(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The new user's broken_quote.csv: `"Smith" Jr` — the csv module says "',' expected after
    # '"'" with no column. Line 3's escaped and multi-line quotes are sound.
    path = tmp_path / "broken_quote.csv"
    path.write_text('Client Name,Email,Note\nAnn,a@x,"ok ""q"""\nBob,b@x,"multi\nline"\n'
                    'Cy,"c@x" Jr,z\n', encoding="utf-8")
    line = one_line_error(capsys, ["report", "--canopy", str(path), "--qbo", QBO])
    assert line.startswith(f"cqtriage: error: {path}:5:9: cannot parse the CSV: text follows "
                           "the double quote that closes field 2"), line




def test_a_stray_quote_is_located_where_it_opens_not_where_the_parse_fails(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """User test: a stray `"` on line 3 swallowed lines 3–5 and the error named line 5, where
    a later quote closed the field with text after it. It names line 3, and says line 5."""
    path = tmp_path / "stray.csv"
    path.write_text('Client Name,Email,Note\nAnn,a@x,ok\nBob,b@x,"stray\nCy,c@x,z\n'
                    'Dee,d@x,"quoted" note\nEve,e@x,fine\n', encoding="utf-8")
    line = one_line_error(capsys, ["report", "--canopy", str(path), "--qbo", QBO])
    assert line.startswith(f"cqtriage: error: {path}:3:9: cannot parse the CSV: the double "
                           "quote opening field 3 here runs over the line breaks up to line "
                           "5"), line
