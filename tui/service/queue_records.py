"""The records under the queue: a record's row, its fields as a decision is made on them (with
what our own writes left in QBO), its shown text, the fields that differ between an item's
members, and the edit form's QBO checks. `Triage` (the queue and its decisions) builds on it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Any

import polars as pl

from tui.service.report import Report
from tui.service.validate import name_clash_key, validate_record

if TYPE_CHECKING:
    from tui.service.triage import ItemState

SHOWN_FIELDS = [
    ("display_name", "Name"), ("kind", "Type"), ("given_name", "First"),
    ("family_name", "Last"), ("company_name", "Company"), ("email", "Email"),
    ("phone", "Phone"), ("street", "Street"), ("city", "City"), ("region", "State"),
    ("postal_code", "ZIP"), ("country", "Country"), ("active", "Active"),
    ("verdict", "Canopy sync"),
]
"""Record fields shown side by side, with their labels."""

_COMPARE_KEYS = {
    "email": "email_key", "phone": "phone_key",
    "street": "street_key", "city": "city_key", "region": "region_key",
    "country": "country_key", "given_name": "given_key",
    "family_name": "family_key",
}
"""Shown field → normalised key: fields differ only when their keys do. Names are compared as
Canopy's sync compares them (case and spacing aside, `validate.name_clash_key`), not by the
matching key: "Sullivan, Lindsay" and "Lindsay Sullivan" match as people but not for the sync.
Postcodes are compared by `postal_compared`, not by the matching key, which cuts ZIP+4."""

_POSTAL = re.compile(r"([0-9]{3,5})-?([0-9]{4})?")


def postal_compared(value: str | None) -> str | None:
    """A postcode as the side-by-side compare reads it: spacing and case aside, a US ZIP's
    dropped leading zeros put back (as `normalise.postal_key` does), but the ZIP+4 kept:
    12345-6789 and 12345 differ (one side holds more than the other, and the sync would copy
    it), while 12345 6789 and 12345-6789 do not. None for a blank."""
    compact = re.sub(r"\s", "", value or "").upper()
    found = _POSTAL.fullmatch(compact)
    if found:
        return found[1].zfill(5) + (f"-{found[2]}" if found[2] else "")
    return compact or None

_CLASH_COMPARED = ("display_name", "company_name")

BASIS_FIELDS = ("display_name", "kind", "given_name", "family_name", "company_name", "email",
                "phone", "street", "city", "region", "postal_code", "country", "active")
"""The fields a decision is made on: when one of them changes in an input, the decision is
stale. Not SyncToken or update time: QBO bumps those on writes that change nothing here."""


class QueueRecords:
    """The records of one report, looked up by key ("canopy:C12")."""

    def __init__(self, report: Report) -> None:
        self.report = report
        recs = report.records
        self._row_of = {
            key: n for n, key in enumerate((recs["source"] + ":" + recs["record_id"]).to_list())
        }
        self._after_own_writes: dict[str, dict[str, str]] = {}
        """QBO record key → the fields our own last write left on it (set by `Triage`)."""

    # Built on first use (search, the edit form): opening the queue need not pay for them.
    @cached_property
    def _names(self) -> list[str]:
        names = self.report.records["display_name"].fill_null("").to_list()
        return [name.casefold() for name in names]

    @cached_property
    def _qbo_names(self) -> Counter[str]:
        recs = self.report.records
        qbo_names = recs.filter(pl.col("source") == "qbo")["display_name"].fill_null("")
        return Counter(name_clash_key(name) for name in qbo_names.to_list())

    def record(self, key: str) -> dict[str, Any]:
        """A record's row in the report (original fields and normalised keys). Only for a
        record in the inputs (`exists`): a key a carried decision still names may be gone."""
        return self.report.records.row(self._row_of[key], named=True)

    def last_known(self, key: str) -> dict[str, str]:
        """A record's `BASIS_FIELDS` as the newest decision on it saw them; empty when no
        decision did. `Triage` holds the decisions and fills this in."""
        return {}

    def name_of(self, key: str) -> str:
        """A record's display name; for one gone from its input (a decision still names it),
        the name it had when last decided on, so it can still be found and told apart."""
        row = self._row_of.get(key)
        if row is None:
            return self.last_known(key).get("display_name", "")
        return self.report.records["display_name"][row] or ""

    @cached_property
    def _basis_columns(self) -> dict[str, list[str]]:
        # Column lists built once: a pattern decided over 10k items reads 20k records, and a
        # frame row at a time costs ~50 µs each.
        recs = self.report.records
        columns = {name: recs[name].cast(pl.String).fill_null("").to_list()
                   for name in BASIS_FIELDS if name != "active"}
        columns["active"] = ["yes" if v else "no" for v in recs["active"].to_list()]
        return columns

    def fields_of(self, key: str) -> dict[str, str]:
        """The record's `BASIS_FIELDS` as text (`active` as "yes"/"no"), as QBO holds them
        after our own writes (see `current`)."""
        row = self._row_of[key]
        out = {name: self._basis_columns[name][row] for name in BASIS_FIELDS}
        out.update(self._after_own_writes.get(key, {}))
        return out

    def current(self, key: str) -> dict[str, Any]:
        """The record (as `record`) with what our own applied or undone writes left on it since
        the QBO list was read: what a plan must be built against, or it would skip a rename
        the list shows done while an undo has since put the old name back."""
        row = self.record(key)
        for name, value in self._after_own_writes.get(key, {}).items():
            row[name] = value == "yes" if name == "active" else value
        return row

    def exists(self, key: str) -> bool:
        """The record is in the inputs as they are now."""
        return key in self._row_of

    @cached_property
    def _ids_now_on_several_rows(self) -> set[str]:
        """`source:id` of every id the inputs hold on several rows (kept apart as `id~…`)."""
        return {key.split("~", 1)[0] for key in self._row_of
                if "~" in key and not key.split(":", 1)[1].startswith("~")}

    def shown(self, key: str, state: ItemState | None = None) -> dict[str, str]:
        """The record's shown fields as text, with the item's edits applied."""
        if not self.exists(key):
            # Its fields as last decided on, so the user sees which record went; never blank
            # cells that read as a record with nothing in it.
            known = self.last_known(key)
            gone = {name: known.get(name, "") for name, _ in SHOWN_FIELDS}
            gone["display_name"] = known.get("display_name") or "(no longer in the input)"
            gone["verdict"] = "no longer in the input"
            return gone
        row = self.record(key)
        values = {name: "" if row.get(name) is None else str(row[name])
                  for name, _ in SHOWN_FIELDS}
        values["active"] = "yes" if row["active"] else "no"
        if state is not None:
            values.update(state.edits.get(key, {}))
            if key in state.inactive and row["active"]:
                values["active"] = "yes → no (decided)"
        return values

    def validate_edit(self, key: str, values: dict[str, str],
                      name_refusal: Callable[[str], str | None] | None = None
                      ) -> dict[str, str]:
        """Field → message, as QBO would judge the record with these values.

        Only a QBO customer's name must be unique among QBO customers: a Canopy client is
        often renamed precisely to equal its QBO twin, so that the sync links them.
        `name_refusal` (`plan.name_check`) says why the plan would refuse a name; without it
        the name is checked against the QBO list as read.
        """
        if not key.startswith("qbo:"):
            return validate_record(values)
        if name_refusal is not None:
            return validate_record(values, name_refusal)
        own = name_clash_key(self.name_of(key))

        def taken(name: str) -> bool:
            wanted = name_clash_key(name)
            return self._qbo_names[wanted] - (wanted == own) > 0

        return validate_record(values, taken)

    def differing_fields(self, members: list[str], state: ItemState | None = None) -> set[str]:
        """Shown fields whose normalised values differ between members that have them, with
        the item's edits applied (an edited name is compared as edited)."""
        return self.field_agreement(members, state)[0]

    def field_agreement(self, members: list[str], state: ItemState | None = None
                        ) -> tuple[set[str], set[str]]:
        """(differing, partly blank): the shown fields whose normalised values differ between
        members that have them (`differing_fields`), and those that agree where present but
        some members lack (only one record has an e-mail: worth seeing before choosing the
        primary)."""
        rows = []
        for key in filter(self.exists, members):
            row = dict(self.record(key))
            for name, value in (state.edits.get(key, {}) if state else {}).items():
                row[name] = value
                if name in _COMPARE_KEYS:  # its normalised key is stale: compare the text
                    row[_COMPARE_KEYS[name]] = value.strip().casefold() or None
            rows.append(row)
        differing, blank = set(), set()
        for name, _ in SHOWN_FIELDS:
            if name == "postal_code":
                present = [postal_compared(row.get(name)) for row in rows]
                present = [value for value in present if value is not None]
            else:
                column = _COMPARE_KEYS.get(name, name)
                present = [name_clash_key(row[column]) if name in _CLASH_COMPARED
                           else row[column]
                           for row in rows if row.get(column) not in (None, "")]
            if len(set(present)) > 1:
                differing.add(name)
            elif present and len(present) < len(rows):
                blank.add(name)
        return differing, blank

    def pair_evidence(self, a: str, b: str) -> dict[str, Any] | None:
        """The scored pair between two records, if matching compared them (never, when one
        is gone from its input)."""
        if not (self.exists(a) and self.exists(b)):
            return None
        ia, ib = sorted((self._row_of[a], self._row_of[b]))
        found = self.report.result.pairs.filter((pl.col("a") == ia) & (pl.col("b") == ib))
        return found.row(0, named=True) if found.height else None
