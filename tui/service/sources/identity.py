"""Record identity that survives edits to an input: what decisions point at.

A record is its own id where the export has one. Where it has none (Canopy's "Export filtered
list" may leave the id column out), it is a fingerprint of its name, which does not depend on
the line the record sits on, so deleting or reordering rows moves no decision to another
record. Rows that share a name are told apart by a digest of their whole content, and rows that
are identical in every field by their order among themselves (they are interchangeable).

An id that appears on several rows of one input is never merged: each row gets its id plus a
fingerprint (`C1~3fa2…`), and the reader warns with the lines. A decision made on the plain id
then names no record and shows as stale, rather than landing on the wrong one.

Fingerprinted ids carry a `~`, which no Canopy or QBO id has: `is_own_id` tells them apart, and
only a record with its own id can be written to QBO by Id.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Sequence

import polars as pl

from tui.service.records import RecordSet

FINGERPRINT_MARK = "~"
_SPACE_AT_AN_END = r"^[\s\x1c-\x1f]|[\s\x1c-\x1f]$"
"""What Python's `str.strip` removes: Unicode white space (the regex's `\\s`) and the four
information separators, which Python counts as space and Unicode does not."""


def _digest(text: str, size: int = 5) -> str:
    return hashlib.blake2b(text.encode(), digest_size=size).hexdigest()


def _name_key(name: str | None) -> str:
    return re.sub(r"\s+", " ", name or "").strip().casefold()


def is_own_id(record_id: str) -> bool:
    """True when the id came from the input itself (not a fingerprint made here)."""
    return FINGERPRINT_MARK not in record_id


def assign_ids(ids: Sequence[str | None], names: Sequence[str | None],
               contents: Sequence[str], lines: Sequence[int]) -> tuple[list[str], list[str]]:
    """Stable record ids for one input, and a warning per id found on several rows.

    `ids` are the export's ids (None where it has none), `names` the display names,
    `contents` each row's whole text, `lines` each row's first line: all row-aligned.
    Returns (record ids, warnings). Names are keyed and hashed only on rows that need a
    fingerprint (no id of their own, or one shared), and `contents` is read only where such
    a name repeats: an export whose ids are all present and distinct costs no hashing at all.
    """
    clean = [(value or "").strip() or None for value in ids]
    counts = Counter(value for value in clean if value is not None)
    if len(counts) == len(clean):
        return clean, []  # type: ignore[return-value]  # every row has its own, distinct id
    keys = {i: _name_key(names[i]) for i, value in enumerate(clean)
            if value is None or counts[value] > 1}
    name_counts = Counter(keys.values())
    out: list[str] = []
    # Over every row, own ids included: a fingerprint equal to an export's id still gets ".2".
    seen: Counter[str] = Counter()
    for i, value in enumerate(clean):
        if value is not None and i not in keys:
            record_id = value
        else:
            key = keys[i]
            base = FINGERPRINT_MARK + _digest(key)
            if name_counts[key] > 1:
                base += _digest(contents[i], 4)
            record_id = base if value is None else value + base
        seen[record_id] += 1
        out.append(record_id if seen[record_id] == 1 else f"{record_id}.{seen[record_id]}")
    warnings = []
    if any(n > 1 for n in counts.values()):
        where: dict[str, list[int]] = defaultdict(list)
        for value, line in zip(clean, lines, strict=True):
            if value is not None and counts[value] > 1:
                where[value].append(line)
        for value, at in sorted(where.items(), key=lambda kv: kv[1][0]):
            shown = ", ".join(str(n) for n in at[:5]) + (" …" if len(at) > 5 else "")
            warnings.append(f"id {value} is on {len(at)} rows (lines {shown}): kept apart as "
                            "different records; fix the export so each record has its own id")
    return out, warnings


class RowTexts(Sequence[str]):
    """Each raw row's whole text (cells joined by U+001F), built on the first look: most
    inputs have an id per record and never need it, and it costs a pass over every cell."""

    def __init__(self, raw: pl.DataFrame, height: int) -> None:
        self._raw = raw
        self._height = height
        self._texts: list[str] | None = None

    def __len__(self) -> int:
        return self._height

    def __getitem__(self, index: int) -> str:  # type: ignore[override]
        if self._texts is None:
            self._texts = self._raw.select(
                pl.concat_str([pl.col(c).fill_null("") for c in self._raw.columns],
                              separator="\x1f")
            ).to_series().to_list() if self._raw.width else [""] * self._height
        return self._texts[index]


def with_record_ids(frame: pl.DataFrame, raw: pl.DataFrame) -> tuple[pl.DataFrame, list[str]]:
    """`frame` with `record_id` set by `assign_ids` from its `record_id` (the export's id, may
    be null), `display_name` and `line` columns and the raw row text; plus the warnings."""
    own = frame["record_id"]
    if (own.null_count() == 0 and own.n_unique() == frame.height
            and not own.str.contains(_SPACE_AT_AN_END).any()):
        # Every row has its own distinct id with nothing `str.strip` would take off: what
        # `assign_ids` would return unchanged, without turning three columns into lists.
        return frame, []
    ids, warnings = assign_ids(frame["record_id"].to_list(), frame["display_name"].to_list(),
                               RowTexts(raw, frame.height), frame["line"].to_list())
    return frame.with_columns(pl.Series("record_id", ids, dtype=pl.String)), warnings


def with_identity(records: RecordSet) -> RecordSet:
    """The record set with stable `record_id`s (see `with_record_ids`) and their warnings, and
    a warning when there is no record at all (a header alone: likely the wrong file)."""
    records.frame, warnings = with_record_ids(records.frame, records.raw)
    records.warnings.extend(warnings)
    if records.frame.height == 0:
        records.warnings.append("no records under the header: is this the right export?")
    return records
