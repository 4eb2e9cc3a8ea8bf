"""Is this the right export? The columns a reader needs, checked once the file is read.

The readers accept any header that can name a client, which let three mistakes through
silently: a Canopy list with no column naming a person (every client read nameless, every one
unmatched), a QBO list without its display-name column (the one Canopy's name rule matches on),
and the two files given the wrong way round. Each ends here in one `UserError` naming the file,
the header's line, the columns expected and the columns found.

Kept apart from the readers (`canopy_csv`, `qbo_csv`, `tabular`), which each call it once, so
their speed work and these checks change independently.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tui.service.errors import UserError
from tui.service.records import RecordSet
from tui.service.sources.columns import header_key

# Headers only one side's export has (compared by `header_key`). A shared spelling (Email,
# Name, Id, Company, First Name…) says nothing about which export a file is.
CANOPY_ONLY = frozenset({"clientid", "clienttype", "clientname", "clientfacingname",
                         "clientowner", "clientstatus", "clientnumber", "canopyid",
                         "businessname", "businesslegalname", "primarycontactfirstname",
                         "primarycontactlastname", "primarycontactemail", "qbocustomerid"})
QBO_ONLY = frozenset({"customer", "customerid", "customername", "synctoken", "phonenumbers",
                      "billingaddress", "shippingaddress", "billingstreet", "billingcity",
                      "billingstate", "billingzip", "billingcountry", "openingbalance",
                      "openingbalancedate", "resaleno", "mainphone", "mainemail"})

SIDES = {"canopy": ("--canopy", "Canopy client list", CANOPY_ONLY),
         "qbo": ("--qbo", "QBO customer list", QBO_ONLY)}


def _shown(headers: Sequence[str], limit: int = 8) -> str:
    names = [h.strip() for h in headers if h.strip()]
    more = f", … ({len(names) - limit} more)" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def _expected(section: str) -> str:
    if section == "canopy":
        return "Client ID, Client Name or First Name and Last Name"
    return "Id, Customer (or Display Name / Name / Full Name)"


def check_swapped(headers: Sequence[str], section: str, path: Path | None,
                  line: int | None) -> None:
    """Raise when `headers`, read as the `section` ("canopy" / "qbo") list, carry the other
    export's own columns and none of this one's: the two paths were given the wrong way round."""
    other = "qbo" if section == "canopy" else "canopy"
    keys = {header_key(h) for h in headers}
    own, theirs = SIDES[section][2] & keys, SIDES[other][2] & keys
    if theirs and not own:
        flag, expected, _ = SIDES[section]
        article = "a QBO export" if other == "qbo" else "a Canopy export"
        raise UserError(
            f"given as {flag}, this looks like {article} (headers {_shown(headers, 5)}; a "
            f"{expected} has {_expected(section)})",
            "did you swap --canopy and --qbo? Give Canopy's client list to --canopy and QBO's "
            "customer list to --qbo",
            path, line)


def _header_line(records: RecordSet) -> int:
    # The header sits just above the first row read (line 1 in all but QBO's report, whose
    # title lines come first); a header with no rows under it is taken as line 1.
    lines = records.frame["line"]
    return int(lines.min()) - 1 if records.frame.height else 1  # type: ignore[operator]


def check_canopy(records: RecordSet) -> RecordSet:
    """The Canopy list as read, or a UserError when it is the QBO list, or when it has no
    column naming a person and so leaves clients nameless. Returns `records` unchanged."""
    headers = list(records.raw.columns)
    line = _header_line(records)
    check_swapped(headers, "canopy", records.path, line)
    used = records.columns_used
    if {"display_name", "given_name", "family_name"} & used.keys():
        return records
    # Only a business name: a business is named, an individual is not. Every record read
    # without a name would go unmatched without a word, so say which columns are missing.
    nameless = records.frame["display_name"].null_count()
    if nameless == 0:
        return records
    total = records.frame.height
    raise UserError(
        f"{nameless:,} of {total:,} clients have no name: the file has no column naming a "
        f"person (expected \"Client Name\", or \"First Name\" and \"Last Name\"; found "
        f"{_shown(headers)})",
        "export the list again with its name columns, or map yours in config.toml under "
        "[columns.canopy] (display_name = \"<your header>\")",
        records.path, line)


def check_qbo(records: RecordSet) -> RecordSet:
    """The QBO list as read, or a UserError when it is the Canopy list, or when it lacks the
    customer's display name (Customer / Display Name / Name / Full Name), the name Canopy's
    sync matches on. Returns `records` unchanged."""
    headers = list(records.raw.columns)
    line = _header_line(records)
    check_swapped(headers, "qbo", records.path, line)
    if {"display_name", "full_name"} & records.columns_used.keys():
        return records
    raise UserError(
        "no column holds the customer's display name, which Canopy's sync matches on "
        f"(expected \"Customer\", \"Display Name\", \"Name\" or \"Full Name\"; found "
        f"{_shown(headers)})",
        "export the customer list again with its Customer column, or map yours in "
        "config.toml under [columns.qbo] (display_name = \"<your header>\")",
        records.path, line)
