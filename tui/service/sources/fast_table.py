"""The common, well-formed export parsed by Polars in Rust: header on line 1, one line per
record, every row as wide as the header.

Python's `csv` module (`textfile.parse_text_table`) takes about a second per 100,000 rows
building a list per row; Polars reads the same text in a few hundredths of a second. The fast
path answers only when it can prove the result is the careful reader's, cell for cell and line
for line; anything it cannot prove (a record over several lines, a blank or invisible row, a
short or long row, a quote inside a cell, a stray carriage return or NUL, a parse error) gives
None, and the caller reads the file the careful way, whose errors name file, line and column.
"""

from __future__ import annotations

import csv

import polars as pl

_QUOTE = '"'


def _hex(char: str) -> str:
    """A character as a regex escape any delimiter is safe in (a tab, a bracket)."""
    return f"\\x{{{ord(char):X}}}"


def first_row(text: str, delimiter: str) -> list[str] | None:
    """The cells of line 1 when it is a whole row on its own line; else None."""
    line, newline, _ = text.partition("\n")
    if not newline:
        return None
    try:
        rows = list(csv.reader([line.removesuffix("\r")], delimiter=delimiter, strict=True))
    except csv.Error:
        return None
    return rows[0] if len(rows) == 1 else None


def body_frame(text: str, delimiter: str, names: list[str]) -> pl.DataFrame | None:
    """The rows under line 1 as String columns `names`, row i being line i + 2, when the
    careful reader would read exactly these cells; else None.

    What is checked, so that Polars' reading is the `csv` module's:
    - every carriage return ends a line, and there is no NUL;
    - one record per physical line (as many rows as lines; blank lines would be rows too);
    - no parsed cell holds a quote, so quoting was only ever whole-cell quoting;
    - each line's characters are exactly its cells, its delimiters (one fewer than the header
      has columns) and its quotes: a short row, whose missing cells Polars fills with "",
      fails this;
    - each row holds a printable ASCII character (the careful reader drops invisible rows);
    - each quote opens or closes a cell.
    A row longer than the header is a Polars error, also None.
    """
    body = text.partition("\n")[2].rstrip("\r\n")
    if not body or "\x00" in body or ("\r" in body
                                      and body.count("\r") != body.count("\r\n")):
        return None
    lines = body.split("\n")
    schema = dict.fromkeys(names, pl.String)
    try:
        frame = pl.read_csv(
            body.encode("utf-8"), has_header=False, schema=schema, separator=delimiter,
            quote_char=_QUOTE, empty_string_is_null=False, infer_schema=False,
            truncate_ragged_lines=False, raise_if_empty=True, comment_prefix=None,
            eol_char="\n",
        )
    except pl.exceptions.PolarsError:
        return None
    if (frame.height != len(lines) or frame.width != len(names)
            or frame.null_count().sum_horizontal().item()):
        return None
    # Per line, in Rust: its characters less quotes and delimiters must be its cells', and it
    # must hold a printable ASCII character that is neither (so some cell shows something).
    line = pl.Series("line", lines, dtype=pl.String)
    shown = f"[!-~&&[^{_hex(delimiter)}{_hex(_QUOTE)}]]"
    line_chars = (line.str.len_chars().cast(pl.Int64)
                  - line.str.ends_with("\r").cast(pl.Int64)
                  - line.str.count_matches(_QUOTE, literal=True).cast(pl.Int64)
                  - (len(names) - 1))
    cells = frame.select(
        pl.sum_horizontal(pl.col(name).str.len_chars() for name in names).alias("chars"),
        pl.any_horizontal(pl.col(name).str.contains(_QUOTE, literal=True) for name in names)
        .any().alias("quoted"),
    )
    if (cells["quoted"][0] or not line.str.contains(shown).all()
            or not cells["chars"].cast(pl.Int64).equals(line_chars, check_names=False)):
        return None
    # Every quote must open a cell (after a delimiter or at the line's start) or close one
    # (before a delimiter or at its end), never both, as many opening as closing: the `csv`
    # module refuses `"a"b"c"`, which Polars reads as `abc`.
    d = _hex(delimiter)
    opens = line.str.count_matches(f'(?:^|{d}){_QUOTE}')
    closes = line.str.count_matches(f'{_QUOTE}(?:{d}|\r?$)')
    quotes = line.str.count_matches(_QUOTE, literal=True)
    if not (opens.equals(closes) and (opens + closes).equals(quotes, check_names=False)):
        return None
    return frame
