"""Reading a delimited text export as real ones come: sniffed encoding and delimiter, checked rows.

Every problem becomes a `UserError` naming the file, the line and the column.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from tui.service.errors import UserError
from tui.service.sources.quotes import broken_quote

_VALID_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_MAGIC = {
    b"PK\x03\x04": "an Excel workbook or other zip archive",
    b"\xd0\xcf\x11\xe0": "an old Excel (.xls) workbook",
    b"%PDF": "a PDF document",
}
_DELIMITERS = (",", ";", "\t")
_ASCII_VISIBLE = re.compile(r"[!-~]")
MAX_INPUT_BYTES = 2 * 2**30
"""2 GiB: far above the largest real export (1M clients of ~300 bytes is 0.3 GiB), and below
what would exhaust a laptop's memory while it is parsed."""


@dataclass
class Row:
    """One parsed row and the line it starts on."""

    line: int
    cells: list[str]


@dataclass
class TextTable:
    """A delimited file as rows of text, before any header is chosen."""

    path: Path
    rows: list[Row]
    encoding: str
    delimiter: str


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and character column of a byte offset."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    line = data.count(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return line, column


def decode(data: bytes, path: Path) -> tuple[str, str]:
    """Text and encoding name: UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise UserError(
                f"undecodable UTF-16 data at byte {exc.start}",
                "re-export the file as CSV UTF-8",
                path,
            ) from None
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise UserError(
                f"this is {what}, not a CSV file",
                "open it in its program and export or save it as CSV",
                path,
            )
    if b"\x00" in data[:65536]:
        line, column = _position(data, data.index(b"\x00"))
        raise UserError(
            "binary data (a NUL byte) in what should be a text file",
            "check you picked the CSV export, not another file",
            path,
            line,
            column,
        )
    encoding = "utf-8"
    if data.startswith(codecs.BOM_UTF8):
        data, encoding = data[len(codecs.BOM_UTF8) :], "utf-8-sig"
    try:
        return data.decode("utf-8"), encoding
    except UnicodeDecodeError as exc:
        utf8_error = exc
    # Valid multibyte sequences mean the file is UTF-8 with a stray byte: decoding it all as
    # Windows-1252 would silently garble every accented name, so point at the byte instead.
    if not _VALID_UTF8_MULTIBYTE.search(data):
        try:
            return data.decode("cp1252"), "windows-1252"
        except UnicodeDecodeError:
            pass
    line, column = _position(data, utf8_error.start)
    byte = data[utf8_error.start : utf8_error.start + 1].hex()
    raise UserError(
        f"undecodable byte 0x{byte} (the file is neither UTF-8 nor Windows-1252)",
        "re-export the file as CSV UTF-8, or fix that character",
        path,
        line,
        column,
    )


def _visible(text: str) -> bool:
    """Whether text holds a character that shows: not only whitespace (no-break spaces
    included), a BOM or other invisible format characters (Unicode category Cf)."""
    # Nearly every row holds a printable ASCII character: one regex call instead of a
    # Python-level look at each character (a second per 200,000 rows).
    if _ASCII_VISIBLE.search(text):
        return True
    return any(not (ch.isspace() or unicodedata.category(ch) == "Cf") for ch in text)


def _count_outside_quotes(line: str, char: str) -> int:
    # Quoted cells may hold the other delimiter; only count the ones that separate fields.
    return sum(part.count(char) for part in line.split('"')[::2])


def _first_lines(text: str, count: int) -> list[str]:
    """`text.splitlines()[:count]`, splitting only as much of the text as it takes."""
    size = 4096
    while size < len(text):
        lines = text[:size].splitlines()
        # More lines than asked: the first `count` end inside the prefix, as in the whole text
        # (a "\r" cut from its "\n" still ends the same line there).
        if len(lines) > count:
            return lines[:count]
        size *= 4
    return text.splitlines()[:count]


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines most often: comma, semicolon or tab."""
    lines = [line for line in _first_lines(text, 30) if line.strip()]
    best, best_count = ",", 0
    for delimiter in _DELIMITERS:
        count = sum(_count_outside_quotes(line, delimiter) for line in lines)
        if count > best_count:
            best, best_count = delimiter, count
    return best


def _file_kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def check_input_file(path: Path) -> None:
    """Raise `UserError` unless `path` is a regular file of at most `MAX_INPUT_BYTES`: a
    folder, a FIFO that would block, a device such as /dev/zero that never ends, or a file
    too large is refused before a byte is read."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise UserError("file not found", "check the path and the file name", path) from None
    except OSError as exc:
        raise UserError(f"cannot read the file: {exc.strerror}", "check the path and its "
                        "permissions", path) from None
    if stat.S_ISDIR(info.st_mode):
        raise UserError("this is a folder, not a file", "name the CSV file in it", path)
    if not stat.S_ISREG(info.st_mode):
        raise UserError(f"this is {_file_kind(info.st_mode)}, not a regular file",
                        "save the export to a file and give its path", path)
    if info.st_size > MAX_INPUT_BYTES:
        raise UserError(f"the file is {info.st_size / 2**30:.1f} GiB, over the "
                        f"{MAX_INPUT_BYTES // 2**30} GiB an input may hold",
                        "split the export, or check you picked the right file", path)


def read_input_bytes(path: Path) -> bytes:
    """The bytes of an input file that passes `check_input_file`; else a `UserError`."""
    check_input_file(path)
    try:
        with open(path, "rb") as handle:
            # One byte past the limit: a file that grew since the check is still refused.
            data = handle.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise UserError(
            f"cannot read the file: {exc.strerror}", "check its permissions", path
        ) from None
    if len(data) > MAX_INPUT_BYTES:
        raise UserError(f"the file grew past the {MAX_INPUT_BYTES // 2**30} GiB an input may "
                        "hold while it was read", "give a finished export", path)
    return data


@dataclass
class TextInput:
    """A delimited file decoded, before it is parsed."""

    path: Path
    text: str
    encoding: str
    delimiter: str


def read_text(path: Path) -> TextInput:
    """Read and decode a delimited file and find its delimiter.

    Raises `UserError` for a file that is not a regular readable file under the size limit,
    that is empty, or that cannot be decoded.
    """
    path = Path(path)
    data = read_input_bytes(path)
    if not data or data.isspace():  # `not data.strip()`, without copying the file
        raise UserError("the file is empty", "export the list again; the export held no rows", path)
    text, encoding = decode(data, path)
    return TextInput(path, text, encoding, sniff_delimiter(text))


def parse_text_table(source: TextInput) -> TextTable:
    """Parse a decoded file row by row; blank rows are dropped, every row keeps its line.

    Raises `UserError` for a file that cannot be parsed or holds no cell with text (only a
    BOM, blank lines, delimiters or invisible spaces).
    """
    path = source.path
    reader = csv.reader(io.StringIO(source.text, newline=""), delimiter=source.delimiter,
                        strict=True)
    rows: list[Row] = []
    previous_end = 0
    try:
        for cells in reader:
            start = previous_end + 1
            previous_end = reader.line_num
            if _visible("".join(cells)):
                rows.append(Row(start, cells))
    except csv.Error as exc:
        # The module names neither the quote nor its column: find the faulty one.
        found = broken_quote(source.text, previous_end + 1, source.delimiter)
        if found is not None and found.kind == "unclosed":
            _, line, column, field, _ = found
            raise UserError(
                f"cannot parse the CSV: the double quote opening field {field} here never "
                "closes, so the rest of the file reads as one value",
                "add the closing quote, or remove this one",
                path, line, column) from None
        if found is not None and found.kind == "stray":
            _, line, column, field, closes_on = found
            raise UserError(
                f"cannot parse the CSV: the double quote opening field {field} here runs over "
                f"the line breaks up to line {closes_on}, where text follows its closing quote",
                "remove this quote if it is stray, or double it (\"\") inside a quoted value",
                path, line, column) from None
        if found is not None:
            _, line, column, field, _ = found
            raise UserError(
                f"cannot parse the CSV: text follows the double quote that closes field "
                f"{field}, where the delimiter or the line's end belongs",
                'double the quote inside a quoted value ("") or move the text inside the '
                "quotes", path, line, column) from None
        # Any other fault (a field over the module's size limit; a NUL is refused before
        # parsing): the row's first column, so the message names line and column as every
        # other input error does.
        raise UserError(
            f"cannot parse the CSV: {exc}",
            "look for an unbalanced double quote or an over-long value in this row",
            path, previous_end + 1, 1,
        ) from None
    if not rows:
        raise UserError("the file holds no text: only blank lines, delimiters or invisible "
                        "characters", "export the list again; the export held no rows", path)
    return TextTable(path, rows, source.encoding, source.delimiter)


def read_text_table(path: Path) -> TextTable:
    """Read and parse a delimited file (`read_text`, then `parse_text_table`)."""
    return parse_text_table(read_text(path))


def check_width(row: Row, width: int, path: Path) -> list[str]:
    """The row's cells padded to `width` if it only lacks trailing empties; a ragged row raises."""
    cells = row.cells
    if len(cells) > width:
        extra = cells[width:]
        if any(cell.strip() for cell in extra):
            raise UserError(
                f"this row has {len(cells)} fields but the header has {width}",
                "a value probably holds an unquoted delimiter; quote it or remove the extra field",
                path,
                row.line,
                width + 1,
            )
        return cells[:width]
    if len(cells) < width:
        raise UserError(
            f"this row has {len(cells)} fields but the header has {width}",
            "a field is missing or a line break splits the row; fix that row",
            path,
            row.line,
            len(cells) + 1,
        )
    return cells
