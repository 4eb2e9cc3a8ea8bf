"""From a parsed text table to a frame of mapped fields: header search, width checks, raw rows."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from tui.service.errors import UserError
from tui.service.records import RecordSet, conform
from tui.service.sources import columns, header_check
from tui.service.sources.fast_table import body_frame, first_row
from tui.service.sources.textfile import TextInput, check_width, parse_text_table, read_text

HEADER_SEARCH_ROWS = 10
"""QBO's report puts a title, the company and a blank line above its header."""


@dataclass
class MappedTable:
    """The rows under the header: mapped fields, and every original column as text."""

    encoding: str
    delimiter: str
    fields: pl.DataFrame
    """One column per mapped field (stripped text, blanks as null) plus `line`."""
    raw: pl.DataFrame
    """Every original column, by its header, as text."""
    columns_used: dict[str, str]
    columns_unused: list[str]

    def record_set(self, source: str, frame: pl.DataFrame, path: Path) -> RecordSet:
        """The records frame (conformed to the schema) with what was read on the way."""
        return RecordSet(source=source, frame=conform(frame), raw=self.raw, path=path,
                         columns_used=self.columns_used, columns_unused=self.columns_unused,
                         encoding=self.encoding, delimiter=self.delimiter)


def _unique_headers(headers: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for index, header in enumerate(headers):
        name = header.strip() or f"column {index + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        out.append(name)
    return out


def _is_footer(cells: list[str], width: int) -> bool:
    # QBO reports end with a lone date/time line; a full-width row is data even if sparse.
    filled = [i for i, cell in enumerate(cells) if cell.strip()]
    return len(cells) < width and filled == [0]


def _fields(raw: pl.DataFrame, mapping: dict[str, int], lines: pl.Series) -> pl.DataFrame:
    return raw.select(
        [
            pl.col(raw.columns[index]).str.strip_chars().replace("", None).alias(field)
            for field, index in mapping.items()
        ]
    ).with_columns(lines)


def _mapped(source: TextInput, mapping: dict[str, int], raw: pl.DataFrame,
            lines: pl.Series) -> MappedTable:
    names = raw.columns
    used = {field: names[index] for field, index in mapping.items()}
    unused = [name for i, name in enumerate(names) if i not in mapping.values()]
    return MappedTable(source.encoding, source.delimiter, _fields(raw, mapping, lines), raw,
                       used, unused)


def _load_fast(
    source: TextInput, aliases: dict[str, list[str]], overrides: dict[str, str], section: str
) -> MappedTable | None:
    """The table by `fast_table` when the header is line 1 and every row is well formed;
    None whenever the careful reader must look (it raises the errors, with their lines)."""
    header = first_row(source.text, source.delimiter)
    if header is None:
        return None
    try:
        mapping = columns.resolve(header, aliases, overrides, source.path, section)
        if not columns.has_name(mapping):
            return None
        columns.check_repeats(header, mapping, source.path, 1)
    except UserError:
        return None
    raw = body_frame(source.text, source.delimiter, _unique_headers(header))
    if raw is None:
        return None
    lines = pl.int_range(2, raw.height + 2, dtype=pl.Int64, eager=True).alias("line")
    return _mapped(source, mapping, raw, lines)


def load_mapped(
    path: Path,
    aliases: dict[str, list[str]],
    overrides: dict[str, str],
    section: str,
    *,
    skip_footer: bool = False,
) -> MappedTable:
    """Read `path`, find the header row, check every row's width and map the columns.

    A well-formed file with its header on line 1 is parsed by Polars (`fast_table`); any
    other goes row by row through the `csv` module, which locates every problem. A QBO report
    footer is a short row, so a file with one takes the careful way too.
    """
    source = read_text(Path(path))
    fast = _load_fast(source, aliases, overrides, section)
    if fast is not None:
        return fast
    path = source.path
    table = parse_text_table(source)
    header_at = None
    mapping: dict[str, int] = {}
    for index, row in enumerate(table.rows[:HEADER_SEARCH_ROWS]):
        mapping = columns.resolve(row.cells, aliases, overrides, path, section)
        if columns.has_name(mapping):
            header_at = index
            break
    if header_at is None:
        first = table.rows[0]
        # The other export has no name column by this side's aliases: say it was swapped.
        header_check.check_swapped(first.cells, section, path, first.line)
        shown = ", ".join(cell.strip() for cell in first.cells if cell.strip())[:200]
        names = " / ".join(aliases["display_name"][:3])
        raise UserError(
            f"no column holds the client's name (headers seen: {shown})",
            f"rename the name column to \"{names.title()}\" or set "
            f"[columns.{section}] display_name = \"<your header>\" in the config",
            path,
            first.line,
        )
    header = table.rows[header_at].cells
    header_check.check_swapped(header, section, path, table.rows[header_at].line)
    columns.check_repeats(header, mapping, path, table.rows[header_at].line)
    width = len(header)
    body = table.rows[header_at + 1 :]
    if skip_footer:
        while body and _is_footer(body[-1].cells, width):
            body.pop()
    cells = [row.cells if len(row.cells) == width else check_width(row, width, path)
             for row in body]
    # Polars builds the frame from the rows in Rust: five times faster than transposing here.
    raw = pl.DataFrame(cells, schema=dict.fromkeys(_unique_headers(header), pl.String),
                       orient="row")
    lines = pl.Series("line", [row.line for row in body], dtype=pl.Int64)
    return _mapped(source, mapping, raw, lines)


def parse_active(column: str) -> pl.Expr:
    """Active/Status text to a boolean; blank means active."""
    text = pl.col(column).str.to_lowercase().str.strip_chars()
    return (
        pl.when(text.is_in(["inactive", "archived", "no", "false", "0", "n", "deleted"]))
        .then(False)
        .otherwise(True)
    )
