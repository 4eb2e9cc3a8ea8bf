"""Readers: real export shapes in, the records schema out; bad input gives one located error."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from tui.service.config import ColumnsConfig
from tui.service.errors import UserError
from tui.service.records import SCHEMA
from tui.service.sources.canopy_csv import read_canopy_csv
from tui.service.sources.qbo_csv import read_qbo_csv


def row(frame: pl.DataFrame, record_id: str) -> dict:
    return frame.filter(pl.col("record_id") == record_id).to_dicts()[0]


def test_canopy_export_maps_aliases_and_keeps_unknown_columns(data: Path) -> None:
    records = read_canopy_csv(data / "canopy_basic.csv")
    assert list(records.frame.schema) == list(SCHEMA)
    assert records.frame.height == 3  # the blank line and the row of empty cells are dropped
    assert records.columns_used["display_name"] == "Client Name"
    assert records.columns_used["postal_code"] == "Zip Code"
    assert records.columns_unused == ["Client Facing Name", "Client Owner"]
    assert records.raw["Client Owner"].to_list() == ["Ann", "Ann", "Bob"]
    acme = row(records.frame, "C002")
    assert acme["kind"] == "business"
    assert acme["street"] == "400 Market St\nSuite 2"  # a quoted field with a line break
    assert acme["line"] == 3
    assert row(records.frame, "C003")["line"] == 5  # counted past the two-line record


def test_canopy_semicolon_utf8_bom(data: Path) -> None:
    records = read_canopy_csv(data / "canopy_semicolon_bom.csv")
    assert (records.encoding, records.delimiter) == ("utf-8-sig", ";")
    assert records.frame["display_name"].to_list() == ["Müller, Jürgen", "Café Olé Inc."]
    # No id column: each record is named by a fingerprint of its name, not by its line.
    ids = records.frame["record_id"].to_list()
    assert all(i.startswith("~") for i in ids) and len(set(ids)) == 2
    assert records.frame["kind"].to_list() == ["individual", "business"]


def test_canopy_windows_1252(data: Path) -> None:
    records = read_canopy_csv(data / "canopy_cp1252.csv")
    assert records.encoding == "windows-1252"
    assert records.frame["display_name"].to_list() == ["Peña, José", "Renée Côté"]


def test_config_mapping_overrides_aliases(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("Customer Label,Mail\nAnn Lee,ann@example.com\n", encoding="utf-8")
    records = read_canopy_csv(path, ColumnsConfig(canopy={"display_name": "customer label",
                                                          "email": "Mail"}))
    assert records.frame["display_name"].to_list() == ["Ann Lee"]
    assert records.frame["email"].to_list() == ["ann@example.com"]


def test_config_mapping_naming_a_missing_header_is_an_error(data: Path) -> None:
    with pytest.raises(UserError, match="no such column") as caught:
        read_canopy_csv(data / "canopy_basic.csv", ColumnsConfig(canopy={"email": "E-Mail 2"}))
    assert "Client Name" in caught.value.todo  # the error lists the headers there are


def test_qbo_import_template(data: Path) -> None:
    records = read_qbo_csv(data / "qbo_import_template.csv")
    frame = records.frame
    assert frame["display_name"].to_list() == ["John Smith", "ACME, L.L.C."]
    assert frame["kind"].to_list() == ["individual", "business"]
    assert frame["postal_code"].to_list() == ["62704", "43004"]
    assert frame["active"].to_list() == [True, True]


def test_qbo_contact_list_report(data: Path) -> None:
    records = read_qbo_csv(data / "qbo_contact_list.csv")
    frame = records.frame
    # Title, company and blank line above the header, the date line below: all skipped.
    assert frame["display_name"].to_list() == [
        "John Smith", "Old Smith", "Doe Family:Tax 2025", "Acme, Inc."]
    smith = frame.row(0, named=True)
    assert (smith["given_name"], smith["family_name"]) == ("John", "Smith")
    assert smith["phone"] == "(555) 010-1000"  # the first of "Phone: … Mobile: …"
    assert (smith["street"], smith["city"], smith["region"], smith["postal_code"],
            smith["country"]) == ("12 Oak St", "Springfield", "IL", "62704", "USA")
    assert frame["active"].to_list() == [True, False, True, True]  # " (deleted)" = inactive
    assert frame["is_job"].to_list() == [False, False, True, False]


BAD_INPUTS = [
    ("nope.csv", "file not found", None, None),
    ("bad_empty.csv", "the file is empty", None, None),
    ("bad_blank_lines.csv", "the file is empty", None, None),
    ("bad_no_name.csv", "no column holds the client's name", 1, None),
    ("bad_ragged.csv", "4 fields but the header has 3", 3, 4),
    ("bad_short_row.csv", "2 fields but the header has 3", 3, 3),
    ("bad_mixed_encoding.csv", "undecodable byte 0xe9", 3, 4),
    ("bad_binary.csv", "binary data", 2, 4),
    ("bad_xlsx.csv", "Excel workbook", None, None),
    ("bad_unclosed_quote.csv", "quote opening field 1 here never closes", 3, 1),
]


@pytest.mark.parametrize(("name", "what", "line", "column"), BAD_INPUTS)
def test_bad_input_is_one_located_error(data: Path, name: str, what: str, line: int | None,
                                        column: int | None) -> None:
    with pytest.raises(UserError) as caught:
        read_canopy_csv(data / name)
    error = caught.value
    assert what in error.what
    assert Path(error.path).name == name
    assert (error.line, error.column) == (line, column)
    assert error.todo  # always says what to do
    assert "\n" not in error.one_line()


def test_a_folder_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="folder"):
        read_qbo_csv(tmp_path)


def test_inputs_are_not_modified(data: Path) -> None:
    path = data / "canopy_basic.csv"
    before = path.read_bytes()
    read_canopy_csv(path)
    assert path.read_bytes() == before


def test_read_both_is_reading_one_after_the_other(data: Path) -> None:
    from polars.testing import assert_frame_equal

    from tui.service.sources.both_lists import read_both

    canopy, qbo = read_both(data / "canopy_basic.csv", data / "qbo_import_template.csv")
    assert_frame_equal(canopy.frame, read_canopy_csv(data / "canopy_basic.csv").frame)
    assert_frame_equal(qbo.frame, read_qbo_csv(data / "qbo_import_template.csv").frame)
    assert (canopy.source, qbo.source) == ("canopy", "qbo")


def test_read_both_raises_the_canopy_error_first(data: Path) -> None:
    from tui.service.sources.both_lists import read_both

    with pytest.raises(UserError) as both_bad:
        read_both(data / "bad_ragged.csv", data / "bad_empty.csv")
    assert both_bad.value.path == data / "bad_ragged.csv"
    with pytest.raises(UserError) as qbo_bad:
        read_both(data / "canopy_basic.csv", data / "bad_empty.csv")
    assert qbo_bad.value.path == data / "bad_empty.csv"
