"""Derived matching keys, computed once per records frame with Polars expressions.

Names: case, accents, punctuation, "Last, First", honorifics, joint names, business suffixes and
QBO's " (deleted)". Contacts: e-mail lower-cased, phones to digits, ZIPs to five digits, states
to two-letter codes.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from tui.service.match.given_names import gender
from tui.service.match.regions import REGION_CODES, US_COUNTRY_NAMES

DELETED = " (deleted)"

_SUFFIX = (
    r"(?:l\.?\s?l\.?\s?c|p\.?\s?l\.?\s?l\.?\s?c|l\.?\s?l\.?\s?p|l\.?\s?p|p\.?\s?c|p\.?\s?a|inc"
    r"|incorporated|corp|corporation|co|company|ltd|limited|plc)\.?"
)
_HAS_SUFFIX = rf"(?:^|[\s,]){_SUFFIX}$"
_STRIP_SUFFIX = rf"[\s,]+{_SUFFIX}$"
_HONORIFIC = r"\b(?:mr|mrs|ms|miss|mx|dr|prof)\b\.?"
_GENERATIONS = {"junior": "jr", "senior": "sr", "2nd": "ii", "3rd": "iii"}
_GENERATION_WORD = r"\b(jr|junior|sr|senior|ii|iii|iv|2nd|3rd)\b\.?"
_GENERATION = rf",?\s*{_GENERATION_WORD}"
_STREET_WORDS = {
    "street": "st", "avenue": "ave", "av": "ave", "road": "rd", "drive": "dr", "lane": "ln",
    "boulevard": "blvd", "court": "ct", "place": "pl", "terrace": "ter", "highway": "hwy",
    "parkway": "pkwy", "circle": "cir", "suite": "ste", "apartment": "apt", "north": "n",
    "south": "s", "east": "e", "west": "w", "unit": "apt",
}

KEY_COLUMNS = [
    "exact_key", "name_key", "sorted_key", "given_key", "given2_key", "family_key",
    "family2_key", "gender_key", "gender2_key", "fgender_key", "fgender2_key", "generation",
    "joint", "email_key", "phone_key",
    "street_key", "city_key", "region_key", "postal_key", "country_key",
]
"""Columns `add_keys` adds to a records frame."""


def _fold(expr: pl.Expr) -> pl.Expr:
    """Lower case without accents, whitespace collapsed."""
    return (
        expr.str.normalize("NFKD")
        .str.replace_all(r"\p{M}", "")
        .str.to_lowercase()
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
    )


def _words(expr: pl.Expr) -> pl.Expr:
    """Only letters, digits and single spaces; apostrophes vanish so O'Brien = OBrien."""
    return (
        expr.str.replace_all(r"['’`]", "")
        .str.replace_all(r"[^a-z0-9 ]", " ")
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
        .replace("", None)
    )


def exact_key(display_name: pl.Expr, case_sensitive: bool = False) -> pl.Expr:
    """What Canopy's name rule compares: the display name, trimmed, spaces collapsed."""
    key = display_name.str.strip_suffix(DELETED).str.replace_all(r"\s+", " ").str.strip_chars()
    return key if case_sensitive else key.str.to_lowercase()


def business_name_key(name: pl.Expr) -> pl.Expr:
    """A business name without case, accents, punctuation, "the" or its legal suffix."""
    folded = (
        _fold(name.str.strip_suffix(DELETED)).str.replace(r"\s*\(\d+\)$", "")
        # "A&W" = "A & W" = "A and W": the ampersand is a word, not punctuation.
        .str.replace_all(r"\s*(?:&|\+)\s*", " and ")
    )
    # "Acme Co., Inc." carries two suffixes; strip at most two so "Co" alone still can be a name.
    stripped = folded.str.replace(_STRIP_SUFFIX, "").str.replace(_STRIP_SUFFIX, "")
    return _words(stripped.str.replace(r"^the\s+", ""))


def person_name_key(name: pl.Expr) -> pl.Expr:
    """A person's name in "first … last" order without honorifics, generation or punctuation;
    joint names read "john and mary smith"."""
    folded = _fold(name.str.strip_suffix(DELETED))
    cleaned = (
        # "John Smith (2)", "John Smith #2": the number QBO users add to get past a taken name.
        folded.str.replace(r"\s*(?:\(\d+\)|#\d+|\d+)$", "")
        .str.replace_all(_HONORIFIC, "")
        .str.replace_all(_GENERATION, "")
        .str.replace_all(r"\s*(?:&|\+)\s*", " and ")
        .str.strip_chars(" ,")
        .str.replace(r"^([^,]+),\s*(.+)$", "$2 $1")
    )
    return _words(cleaned)


def phone_key(phone: pl.Expr) -> pl.Expr:
    """US numbers as 10 digits, other countries as "+" and their digits; extensions dropped."""
    raw = phone.str.replace(r"(?i)\s*(?:x|ext\.?|extension)\s*\d+\s*$", "").str.strip_chars()
    digits = raw.str.replace_all(r"\D", "")
    international = raw.str.starts_with("+") | raw.str.starts_with("00")
    digits = pl.when(raw.str.starts_with("00")).then(digits.str.slice(2)).otherwise(digits)
    north_american = (digits.str.len_chars() == 11) & digits.str.starts_with("1")
    key = (
        pl.when(north_american).then(digits.str.slice(1))
        .when(international).then(pl.lit("+") + digits)
        .otherwise(digits)
    )
    return pl.when(digits.str.len_chars() >= 7).then(key).otherwise(None)


def country_key(country: pl.Expr) -> pl.Expr:
    """"US" for every spelling of the United States and for blanks; others folded."""
    folded = _words(_fold(country))
    return pl.when(folded.is_null() | folded.is_in(US_COUNTRY_NAMES)).then(pl.lit("US")).otherwise(
        folded.str.to_uppercase()
    )


def postal_key(postal: pl.Expr) -> pl.Expr:
    """Postcodes as written, whatever the Country column says: all-digit codes of three to five
    digits padded to five (a spreadsheet drops a US ZIP's leading zero, and Australia's 0800
    alike), ZIP+4 cut to five; other codes without spaces, upper-cased.

    The country is left out on purpose: one side often leaves it blank, and a key that depends
    on it made `2000` beside `Australia` differ from the same `2000` with no country.
    """
    compact = postal.str.replace_all(r"\s", "").str.to_uppercase()
    digits = compact.str.extract(r"^([0-9]{3,5})(?:-?[0-9]{4})?$", 1).str.zfill(5)
    return pl.coalesce(digits, compact).replace("", None)


def region_key(region: pl.Expr) -> pl.Expr:
    """State or province names to their codes; codes upper-cased."""
    folded = _words(_fold(region))
    return folded.replace_strict(
        REGION_CODES, default=folded.str.to_uppercase(), return_dtype=pl.String
    )


def street_key(street: pl.Expr) -> pl.Expr:
    """Street lines folded, with the usual abbreviations made uniform ("Avenue" = "Ave")."""
    words = _words(_fold(street)).str.split(" ")
    return words.list.eval(pl.element().replace(_STREET_WORDS)).list.join(" ")


def _joint_people(left: pl.Expr, right: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr, pl.Expr]:
    """Given and family name of both people of a joint name key, as four expressions, from the
    words left and right of its " and " (`_joint_sides`).

    "john and mary smith" → (john, smith), (mary, smith); "john smith and mary jones" → (john,
    smith), (mary, jones). ("Smith, John and Mary" was already turned round by the name key.)
    """
    left_family = pl.when(left.list.len() >= 2).then(left.list.last())
    right_family = pl.when(right.list.len() >= 2).then(right.list.last())
    return (
        left.list.first(), pl.coalesce(left_family, right_family),
        right.list.first(), pl.coalesce(right_family, left_family),
    )


def _joint_sides(person: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """The words left and right of a joint name key's " and ", as lists."""
    return (person.str.extract(r"^(.*?) and ", 1).str.split(" "),
            person.str.extract(r" and (.*)$", 1).str.split(" "))


def _city_key(city: pl.Expr) -> pl.Expr:
    return _words(_fold(city))


_NAME_INPUTS = ["display_name", "kind", "given_name", "family_name"]
"""The columns every name key is a function of."""
_NAME_KEYS = [
    "kind", "exact_key", "name_key", "given_key", "given2_key", "family_key", "family2_key",
    "generation", "joint", "sorted_key", "gender_key", "gender2_key", "fgender_key",
    "fgender2_key",
]
_CONTACT_KEYS: dict[str, tuple[str, Callable[[pl.Expr], pl.Expr]]] = {
    "phone_key": ("phone", phone_key),
    "street_key": ("street", street_key),
    "city_key": ("city", _city_key),
    "region_key": ("region", region_key),
    "country_key": ("country", country_key),
    "postal_key": ("postal_code", postal_key),
}
"""Contact key → the one column it is a function of, and how it is computed."""


def _per_distinct(frame: pl.DataFrame, inputs: list[str],
                  keys: Callable[[pl.DataFrame], pl.DataFrame]) -> pl.DataFrame:
    """`keys` computed once per distinct combination of `inputs` and spread back over the
    rows of `frame`, in its order.

    Every key is a function of its inputs' values alone (no expression looks at another
    row), so this gives the same values as computing per row: a list of 100,000 clients has
    a few dozen distinct towns and states, and many names and streets appear on both sides.
    """
    distinct = frame.select(inputs).unique().with_row_index("_distinct")
    at = frame.select(inputs).join(distinct, on=inputs, how="left", nulls_equal=True,
                                   maintain_order="left")["_distinct"]
    return keys(distinct.drop("_distinct"))[at]


def add_keys(frame: pl.DataFrame, case_sensitive: bool = False) -> pl.DataFrame:
    """The frame with `KEY_COLUMNS` added and `kind` corrected for names with a legal suffix.

    People: `given_key`/`family_key` are the (first) person's names, from the name columns when
    the record has them; a joint client ("John & Mary Smith", "Henry Cole & Karen Holmes") also
    has `given2_key`/`family2_key`, read from its display name. A one-word name fills only the
    part its column names (else `family_key`). `gender_key`/`gender2_key` are "m", "f" or null
    (see `given_names`); `fgender_key`/`fgender2_key` the same for the family names.

    Each key is computed once per distinct value of what it depends on (`_per_distinct`).
    """
    names = _per_distinct(frame, _NAME_INPUTS,
                          lambda rows: _name_keys(rows, case_sensitive))
    contacts = [
        # Lazy, so Polars computes a sub-expression used twice (a phone's digits) once.
        _per_distinct(frame, [column], lambda rows, c=column, k=key, out=name: rows.lazy().select(
            k(pl.col(c)).alias(out)).collect())
        for name, (column, key) in _CONTACT_KEYS.items()
    ]
    email = frame.select(
        pl.col("email").str.strip_chars().str.to_lowercase().replace("", None).alias("email_key")
    )
    keyed = pl.concat([frame.drop("kind"), names, email, *contacts], how="horizontal")
    # The columns in the order computing them row by row gave: the records frame's order is
    # part of what the report and sessions see.
    order = [*frame.columns, "exact_key", "name_key", "given_key", "given2_key", "family_key",
             "family2_key", "generation", "joint", "email_key", "phone_key", "street_key",
             "city_key", "region_key", "country_key", "postal_key", "sorted_key", "gender_key",
             "gender2_key", "fgender_key", "fgender2_key"]
    return keyed.select(order)


def _name_keys(frame: pl.DataFrame, case_sensitive: bool) -> pl.DataFrame:
    """The name keys of `add_keys` (`_NAME_KEYS`) for rows of `_NAME_INPUTS`.

    Computed lazily: eager frames skip Polars' common-subexpression elimination, and the keys
    share many (the folded name, "is it a business").
    """
    # Staged so each costly string pass runs once: every value used by more than one key is
    # a column of its own (temporaries start with "_"), not an expression evaluated per use.
    left, right = _joint_sides(pl.col("_person"))
    staged = frame.lazy().with_columns(
        _fold(pl.col("display_name").str.strip_suffix(DELETED)).alias("_folded"),
        person_name_key(pl.col("display_name")).alias("_person"),
        _words(_fold(pl.col("given_name"))).alias("_given"),
        _words(_fold(pl.col("family_name"))).alias("_family"),
    ).with_columns(
        ((pl.col("kind") == "business") | pl.col("_folded").str.contains(_HAS_SUFFIX))
        .fill_null(False).alias("_business"),
        pl.col("_person").str.split(" ").alias("_tokens"),
        left.alias("_left"),
        right.alias("_right"),
    )
    business = pl.col("_business")
    tokens = pl.col("_tokens")
    person = ~business
    joint = (person & pl.col("_person").str.contains(r"^\S.* and \S")).fill_null(False)
    many = tokens.list.len() > 1
    given_col = pl.col("_given")
    family_col = pl.col("_family")
    one_word_given = ~many & given_col.is_not_null() & (given_col == tokens.list.first())
    g1, f1, g2, f2 = _joint_people(pl.col("_left"), pl.col("_right"))
    out = staged.with_columns(
        pl.when(business).then(pl.lit("business")).otherwise(pl.lit("individual")).alias("kind"),
        exact_key(pl.col("display_name"), case_sensitive).alias("exact_key"),
        pl.when(business).then(business_name_key(pl.col("display_name")))
        .otherwise(pl.col("_person")).alias("name_key"),
        pl.when(business).then(None).when(joint).then(pl.coalesce(g1, given_col))
        .otherwise(pl.coalesce(given_col, pl.when(many).then(tokens.list.first())))
        .alias("given_key"),
        pl.when(joint).then(g2).alias("given2_key"),
        pl.when(business).then(None).when(joint).then(pl.coalesce(f1, family_col))
        .when(one_word_given).then(family_col)
        .otherwise(pl.coalesce(family_col, tokens.list.last())).alias("family_key"),
        pl.when(joint).then(f2).alias("family2_key"),
        pl.when(person).then(
            pl.col("_folded").str.extract(_GENERATION_WORD, 1).replace(_GENERATIONS)
        ).alias("generation"),
        joint.alias("joint"),
    )
    return out.with_columns(
        pl.col("name_key").str.split(" ").list.sort().list.join(" ").alias("sorted_key"),
        gender(pl.col("given_key")).alias("gender_key"),
        gender(pl.col("given2_key")).alias("gender2_key"),
        # The family name's gender as a given name, for names typed into the wrong columns.
        gender(pl.col("family_key")).alias("fgender_key"),
        gender(pl.col("family2_key")).alias("fgender2_key"),
    ).select(_NAME_KEYS).collect()
