"""The Polars fast path reads only what it can prove the careful `csv` reader reads the same."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.service.sources.canopy_csv import read_canopy_csv
from tui.service.sources.fast_table import body_frame, first_row
from tui.service.sources.tabular import _unique_headers
from tui.service.sources.textfile import TextInput, parse_text_table

HEADER = "Client ID,Client Name,Email\n"


def careful_rows(text: str, delimiter: str = ",") -> list[tuple[int, list[str]]]:
    table = parse_text_table(TextInput(Path("x.csv"), text, "utf-8", delimiter))
    return [(row.line, row.cells) for row in table.rows[1:]]


def fast_rows(text: str, delimiter: str = ",") -> list[tuple[int, list[str]]] | None:
    header = first_row(text, delimiter)
    assert header is not None
    frame = body_frame(text, delimiter, _unique_headers(header))
    if frame is None:
        return None
    return [(i + 2, list(row)) for i, row in enumerate(frame.iter_rows())]


@pytest.mark.parametrize("body", [
    "C1,Ann Lee,ann@example.com\nC2,Bob,\n",
    'C1,"Lee, Ann",ann@example.com\r\nC2,"",""\r\n',
    "C1,Ann Lee,ann@example.com",  # no newline at the end
    "C1,  Ann  ,\nC2,Müller Jürgen,x@y.z\n\n\n",  # trailing blank lines are dropped either way
    "C1,Ann\tLee,\n",
])
def test_well_formed_rows_are_read_fast_and_the_same(body: str) -> None:
    text = HEADER + body
    assert fast_rows(text) == careful_rows(text)


@pytest.mark.parametrize("body", [
    'C1,"Ann\nLee",x\nC2,Bob,y\n',  # a record over two lines: lines shift
    "C1,Ann,x\n\nC2,Bob,y\n",  # a blank line inside
    "C1,Ann,x\n,,\nC2,Bob,y\n",  # a row of empty cells
    "C1,Ann,x\n\u00a0,\u200b,\nC2,Bob,y\n",  # a row of invisible characters
    "C1,Ann\nC2,Bob,y\n",  # a short row
    "C1,Ann,x,\nC2,Bob,y\n",  # a long row, even with an empty extra cell
    'C1,"Ann ""Jr""",x\n',  # an escaped quote
    'C1,Ann "AJ" Lee,x\n',  # a quote inside an unquoted cell
    'C1,"Ann"x,y\n',  # text after a closing quote
    'C1,"Ann"x"Lee",y\n',  # text between two quoted parts: Polars reads "AnnxLee"
    'C1,"Ann,"x,y\n',  # a quote opening mid-cell
    'C1,Ann,"\n',  # a lone quote
    'C1,"Ann,x\nC2,Bob,y\n',  # an unclosed quote
    "C1,Ann,x\rC2,Bob,y\r",  # old Mac line ends
    "C1,Ann\x00,x\n",  # a NUL
])
def test_anything_odd_is_left_to_the_careful_reader(body: str) -> None:
    assert fast_rows(HEADER + body) is None


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_other_delimiters_are_read_fast_and_the_same(delimiter: str) -> None:
    text = "".join(delimiter.join(row) + "\n" for row in (
        ["Client ID", "Client Name", "Email"], ["C1", '"Lee, Ann"', "a@b.c"],
        ["C2", '"Bob; Jr"', ""]))
    assert fast_rows(text, delimiter) == careful_rows(text, delimiter) != []
    # A row of delimiters and quotes alone shows nothing: the careful reader drops it.
    odd = text + delimiter.join(['""', '""', '""']) + "\n"
    assert fast_rows(odd, delimiter) is None


def test_a_header_over_two_lines_is_left_to_the_careful_reader() -> None:
    assert first_row('"Client\nID",Client Name\nC1,Ann\n', ",") is None


def test_the_careful_reader_still_names_the_line(tmp_path: Path) -> None:
    from tui.service.errors import UserError

    path = tmp_path / "short.csv"
    path.write_text(HEADER + "C1,Ann Lee,a@b.c\nC2,Bob\n", encoding="utf-8")
    with pytest.raises(UserError) as caught:
        read_canopy_csv(path)
    assert (caught.value.line, caught.value.column) == (3, 3)


def test_fast_and_careful_give_the_same_records(tmp_path: Path) -> None:
    rows = "".join(f'C{i},"Lee{i}, Ann",ann{i}@example.com\n' for i in range(50))
    fast = tmp_path / "fast.csv"
    fast.write_text(HEADER + rows, encoding="utf-8")
    # A blank line at the top sends the same rows the careful way (one line further down).
    careful = tmp_path / "careful.csv"
    careful.write_text("\n" + HEADER + rows, encoding="utf-8")
    a, b = read_canopy_csv(fast), read_canopy_csv(careful)
    assert a.raw.equals(b.raw)
    assert a.frame.drop("line").equals(b.frame.drop("line"))
    assert (a.frame["line"] + 1).equals(b.frame["line"])


def test_text_between_quoted_parts_is_still_an_error(tmp_path: Path) -> None:
    from tui.service.errors import UserError

    path = tmp_path / "odd.csv"
    path.write_text(HEADER + 'C1,"Ann"x"Lee",a@b.c\n', encoding="utf-8")
    with pytest.raises(UserError) as caught:
        read_canopy_csv(path)
    assert caught.value.line == 2 and "cannot parse the CSV" in caught.value.what
