"""Where a CSV's unbalanced double quote opens. Python's `csv` module only says "unexpected end
of data" once the quoted field has swallowed the rest of the file; this finds the quote itself,
so the error can name its line and column. Runs only after a parse failed."""

from __future__ import annotations

import re

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
"""Line ends as the `csv` module counts them (the file is read with newline="")."""


def _line_offset(text: str, line: int) -> int:
    """The offset in `text` where 1-based `line` starts."""
    if line <= 1:
        return 0
    for number, match in enumerate(_LINE_BREAK.finditer(text), start=2):
        if number == line:
            return match.end()
    return len(text)


def unclosed_quote(text: str, line: int, delimiter: str) -> tuple[int, int, int] | None:
    """(line, column, field) of the double quote that opens a field at or after the row
    starting on `line` and is still open at the end of `text`; None when every quote closes
    (the parse failed for another reason). Columns count characters, fields cells, from 1."""
    i = _line_offset(text, line)
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
                opened, at_field_start = None, False
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
    return opened
