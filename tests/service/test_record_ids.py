"""Record ids are persisted in users' sessions: these values were computed by the readers on
main before the reading path was optimised, and must never change."""

from __future__ import annotations

from pathlib import Path

from tui.service.sources.canopy_csv import read_canopy_csv
from tui.service.sources.identity import assign_ids
from tui.service.sources.qbo_csv import read_qbo_csv


def test_ids_with_own_repeated_and_missing_ids_are_pinned(data: Path) -> None:
    records = read_canopy_csv(data / "identity_canopy.csv")
    assert records.frame["record_id"].to_list() == [
        "C1",
        "C2~406d1f247c", "C2~c5aaabb21d",  # one id on two rows: kept apart
        "~5eff9536a1fa66ba94", "~5eff9536a1c2fabb55",  # blank id, one name twice
        "~7bb0fbb6739b28242e", "~7bb0fbb6739b28242e.2",  # identical rows
        "~6ad240a3ef",
        "C3~decb6ba7ef698ff894", "C3~decb6ba7ef698ff894.2",
    ]
    assert records.warnings == [
        "id C2 is on 2 rows (lines 3, 4): kept apart as different records; fix the export so "
        "each record has its own id",
        "id C3 is on 2 rows (lines 10, 11): kept apart as different records; fix the export so "
        "each record has its own id",
    ]


def test_fingerprints_without_an_id_column_are_pinned(data: Path) -> None:
    ids = read_canopy_csv(data / "identity_no_id.csv").frame["record_id"].to_list()
    assert ids == ["~1a6333b415b223c0ed", "~1a6333b41540675f29", "~bbbd226559", "~c9ed361e2f",
                   "~152a7b4988"]
    assert read_canopy_csv(data / "canopy_semicolon_bom.csv").frame["record_id"].to_list() == [
        "~3965da0e38", "~152a7b4988"]
    assert read_canopy_csv(data / "canopy_cp1252.csv").frame["record_id"].to_list() == [
        "~25488a8e4b", "~d19f8f8036"]


def test_qbo_fingerprints_are_pinned(data: Path) -> None:
    assert read_qbo_csv(data / "qbo_contact_list.csv").frame["record_id"].to_list() == [
        "~78397fbb6d", "~ee98d4cb77", "~1cb735392c", "~8e35042251"]
    assert read_qbo_csv(data / "qbo_import_template.csv").frame["record_id"].to_list() == [
        "~78397fbb6d", "~3b3578b8ff"]


def test_assign_ids_is_pinned() -> None:
    ids, warnings = assign_ids(["7", None, "7", " x ", None], ["A b", "a  B", "c", "d", None],
                               ["r1", "r2", "r3", "r4", "r5"], [2, 3, 4, 5, 6])
    assert ids == ["7~2847e54c571d35ce33", "~2847e54c57278b26c1", "7~2add4c06d4", "x",
                   "~7d64c5272e"]
    assert warnings == ["id 7 is on 2 rows (lines 2, 4): kept apart as different records; fix "
                        "the export so each record has its own id"]


def test_own_distinct_ids_are_kept_as_they_are(data: Path) -> None:
    assert read_canopy_csv(data / "canopy_basic.csv").frame["record_id"].to_list() == [
        "C001", "C002", "C003"]


def test_ids_are_trimmed_as_python_trims_them() -> None:
    import polars as pl

    from tui.service.sources.identity import with_record_ids

    # U+001C is space to Python's str.strip, not to Unicode: such an id still gets trimmed.
    frame = pl.DataFrame({"record_id": ["A\x1c", " B", "C"], "display_name": ["a", "b", "c"],
                          "line": [2, 3, 4]})
    ids, warnings = with_record_ids(frame, pl.DataFrame({"x": ["1", "2", "3"]}))
    assert ids["record_id"].to_list() == ["A", "B", "C"] and warnings == []
