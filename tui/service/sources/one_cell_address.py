"""A one-cell address (QBO's Customer Contact List: "12 Main St, Springfield, IL 62704 USA") split
into street, city, region, postcode and country.

A strict pattern reads the usual "street, city, ST ZIP" shape; whatever it cannot read (no
commas, a suite on its own line, a PO box) goes to `usaddress`, a conditional-random-field tagger
trained on US addresses, row by row.
"""

from __future__ import annotations

import polars as pl

# "12 Main St, Springfield, IL 62704 USA": street, city, then state + ZIP (+ country).
_ADDRESS = (
    r"^(?<street>.+?),\s*(?<city>[^,]+?),?\s+(?<region>[A-Za-z]{2,3})\.?\s+"
    r"(?<postal>[0-9]{4,5}(?:-[0-9]{4})?|[A-Za-z][0-9][A-Za-z] ?[0-9][A-Za-z][0-9])"
    r"(?:[,\s]+(?<country>.+))?$"
)
PARTS = ("street", "city", "region", "postal", "country")
_SCHEMA = pl.Struct({name: pl.String for name in PARTS})
_STREET_LABELS = (
    "AddressNumberPrefix", "AddressNumber", "AddressNumberSuffix", "StreetNamePreModifier",
    "StreetNamePreDirectional", "StreetNamePreType", "StreetName", "StreetNamePostType",
    "StreetNamePostDirectional", "OccupancyType", "OccupancyIdentifier", "USPSBoxType",
    "USPSBoxID", "USPSBoxGroupType", "USPSBoxGroupID",
)


def tag_address(text: str | None) -> dict[str, str | None] | None:
    """`PARTS` of one address by usaddress, or None when it cannot be read (no ZIP or no town
    found, or labels repeated: then the caller keeps the whole cell as the street)."""
    if not text:
        return None
    import usaddress

    try:
        tagged, _ = usaddress.tag(" ".join(text.split()))
    except usaddress.RepeatedLabelError:
        return None
    if not tagged.get("PlaceName") or not tagged.get("ZipCode"):
        return None
    street = " ".join(tagged[label] for label in _STREET_LABELS if tagged.get(label))
    return {
        "street": street.strip(" ,") or None,
        "city": tagged["PlaceName"].strip(" ,"),
        "region": (tagged.get("StateName") or "").strip(" ,.") or None,
        "postal": tagged["ZipCode"].strip(" ,"),
        "country": (tagged.get("CountryName") or "").strip(" ,") or None,
    }


def split_address(cell: pl.Expr) -> pl.Expr:
    """A struct of `PARTS` (strings, null where not found) from a one-cell address column."""
    flat = cell.str.replace_all(r"\s*\n\s*", ", ")
    strict = flat.str.extract_groups(_ADDRESS)
    tagged = flat.map_elements(tag_address, return_dtype=_SCHEMA, skip_nulls=True)
    return pl.when(strict.struct.field("postal").is_not_null() | cell.is_null()).then(
        strict.cast(_SCHEMA)
    ).otherwise(tagged)
