"""Where a CSV's unbalanced double quote opens. Python's `csv` module only says "unexpected end
of data" once the quoted field has swallowed the rest of the file; this finds the quote itself,
so the error can name its line and column. Runs only after a parse failed."""

from __future__ import annotations

import re
from typing import NamedTuple

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
"""Line ends as the `csv` module counts them (the file is read with newline="")."""


def line_offset(text: str, line: int) -> int:
    """The offset in `text` where 1-based `line` starts."""
    if line <= 1:
        return 0
    for number, match in enumerate(_LINE_BREAK.finditer(text), start=2):
        if number == line:
            return match.end()
    return len(text)


class QuoteFault(NamedTuple):
    """A quoting fault: `kind` "unclosed", "after" or "stray" at (`line`, `column`) of field
    `field` (from 1); for "stray", `closes_on` is the line where the field's quote closed."""

    kind: str
    line: int
    column: int
    field: int
    closes_on: int = 0


def unclosed_quote(text: str, line: int, delimiter: str) -> tuple[int, int, int] | None:
    """(line, column, field) of the double quote that opens a field at or after the row
    starting on `line` and is still open at the end of `text`; None when every quote closes
    (the parse failed for another reason). Columns count characters, fields cells, from 1."""
    found = broken_quote(text, line, delimiter)
    return (found.line, found.column, found.field) if found is not None and \
        found.kind == "unclosed" else None


def broken_quote(text: str, line: int, delimiter: str) -> QuoteFault | None:
    """The first quoting fault at or after the row starting on `line`: "unclosed", the quote
    opening a field that is still open at the end of `text`; "after", the character right
    after the quote that closes a field when it is neither the delimiter nor a line end (the
    `csv` module's "',' expected after '\"'", which names no column); or "stray", the same
    when the field ran over line breaks: then the quote that OPENED it, lines earlier, is the
    likely fault (a stray `"` on line 11 swallowed lines up to 18), and that is where it
    points. None when the quoting is sound (the parse failed for another reason)."""
    i = line_offset(text, line)
    line_start, number, field = i, line, 1
    at_field_start, opened = True, None
    end = len(text)
    while i < end:
        char = text[i]
        if opened is not None:  # inside a quoted field
            if char == '"':
                if text.startswith('""', i):  # an escaped quote
                    i += 2
                    continue
                closing, opened, at_field_start = opened, None, False
                following = text[i + 1:i + 2]
                if following and following not in (delimiter, "\r", "\n"):
                    if closing[0] != number:
                        return QuoteFault("stray", *closing, closes_on=number)
                    return QuoteFault("after", number, i + 1 - line_start + 1, field)
            elif char in "\r\n":  # a line break inside quotes belongs to the field
                i += 2 if text.startswith("\r\n", i) else 1
                number, line_start = number + 1, i
                continue
            i += 1
            continue
        if char == '"' and at_field_start:
            opened = (number, i - line_start + 1, field)
        elif char == delimiter:
            field, at_field_start = field + 1, True
            i += 1
            continue
        elif char in "\r\n":
            i += 2 if text.startswith("\r\n", i) else 1
            number, line_start, field, at_field_start = number + 1, i, 1, True
            continue
        at_field_start = False
        i += 1
    return None if opened is None else QuoteFault("unclosed", *opened)
