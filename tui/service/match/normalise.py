"""Derived matching keys, computed once per records frame with Polars expressions.

Names: case, accents, punctuation, "Last, First", honorifics, joint names, business suffixes and
QBO's " (deleted)". Contacts: e-mail lower-cased, phones to digits, ZIPs to five digits, states
to two-letter codes.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

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


_SPACES = r"\s\s+|[^\S ]"
"""Replaced by one space, the same as replacing every `\\s+`: a lone " " is left alone, so the
common value, with single spaces only, does not match at all (about 4× cheaper)."""


def _fold(expr: pl.Expr) -> pl.Expr:
    """Lower case without accents, whitespace collapsed."""
    return _fold_ascii(expr.str.normalize("NFKD").str.replace_all(r"\p{M}", ""))


def _fold_ascii(expr: pl.Expr) -> pl.Expr:
    """`_fold` of ASCII text, where decomposing and dropping marks change nothing."""
    return expr.str.to_lowercase().str.replace_all(_SPACES, " ").str.strip_chars()


def fold_series(values: pl.Series) -> pl.Series:
    """`_fold` of a String Series, in its order and with its name. Decomposing is the costly
    step and changes only values with a non-ASCII character (about 1 % of a real list), so
    only those are decomposed."""
    out = values.to_frame("v").select(_fold_ascii(pl.col("v"))).to_series().alias(values.name)
    wide = (values.str.len_bytes() != values.str.len_chars()).fill_null(False).arg_true()
    if wide.len():
        out = out.scatter(wide, values.gather(wide).to_frame("v").select(_fold(pl.col("v")))
                          .to_series())
    return out


def _words(expr: pl.Expr) -> pl.Expr:
    """Only letters, digits and single spaces; apostrophes vanish so O'Brien = OBrien."""
    return (
        expr.str.replace_many(["'", "’", "`"], ["", "", ""])
        # Each run of other characters becomes one space (a lone space is left as it is).
        .str.replace_all(r"[^a-z0-9]{2,}|[^a-z0-9 ]", " ")
        .str.strip_chars(" ")
        .replace("", None)
    )


def exact_key(display_name: pl.Expr, case_sensitive: bool = False) -> pl.Expr:
    """What Canopy's name rule compares: the display name, trimmed, spaces collapsed."""
    key = display_name.str.strip_suffix(DELETED).str.replace_all(_SPACES, " ").str.strip_chars()
    return key if case_sensitive else key.str.to_lowercase()


def _business_key(folded: pl.Expr) -> pl.Expr:
    """A business name without case, accents, punctuation, "the" or its legal suffix, from the
    name already stripped of " (deleted)" and folded (`fold_series`)."""
    cleaned = (
        folded.str.replace(r"\s*\(\d+\)$", "")
        # "A&W" = "A & W" = "A and W": the ampersand is a word, not punctuation.
        .str.replace_all(r"\s*(?:&|\+)\s*", " and ")
    )
    # "Acme Co., Inc." carries two suffixes; strip at most two so "Co" alone still can be a name.
    stripped = cleaned.str.replace(_STRIP_SUFFIX, "").str.replace(_STRIP_SUFFIX, "")
    return _words(stripped.str.replace(r"^the\s+", ""))


def _person_key(folded: pl.Expr) -> pl.Expr:
    """A person's name in "first … last" order without honorifics, generation or punctuation
    (joint names read "john and mary smith"), from the name already stripped of " (deleted)"
    and folded (`fold_series`)."""
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


def phone_key(phones: pl.Series) -> pl.Series:
    """US numbers as 10 digits, other countries as "+" and their digits; extensions dropped.

    Staged, each step a column: as one expression the digits were worked out once per use
    (five), three times the cost.
    """
    c = pl.col
    return phones.to_frame("raw").lazy().with_columns(
        c("raw").str.replace(r"(?i)\s*(?:x|ext\.?|extension)\s*\d+\s*$", "").str.strip_chars()
    ).with_columns(
        c("raw").str.replace_all(r"\D", "").alias("digits"),
        c("raw").str.starts_with("00").alias("00"),
        (c("raw").str.starts_with("+") | c("raw").str.starts_with("00")).alias("international"),
    ).with_columns(
        pl.when(c("00")).then(c("digits").str.slice(2)).otherwise(c("digits")).alias("digits"),
    ).with_columns(c("digits").str.len_chars().alias("length")).select(
        pl.when(c("length") < 7).then(None)
        .when((c("length") == 11) & c("digits").str.starts_with("1"))
        .then(c("digits").str.slice(1))
        .when(c("international")).then(pl.lit("+") + c("digits"))
        .otherwise(c("digits")).alias(phones.name)
    ).collect().to_series()


def _country_key(folded: pl.Expr) -> pl.Expr:
    """"US" for every spelling of the United States and for blanks; others as words, upper
    case (from the folded country)."""
    words = _words(folded)
    return pl.when(words.is_null() | words.is_in(US_COUNTRY_NAMES)).then(pl.lit("US")).otherwise(
        words.str.to_uppercase()
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


def _region_key(folded: pl.Expr) -> pl.Expr:
    """State or province names to their codes; codes upper-cased (from the folded region)."""
    words = _words(folded)
    return words.replace_strict(
        REGION_CODES, default=words.str.to_uppercase(), return_dtype=pl.String
    )


_STREET_FROM = [f" {word} " for word in _STREET_WORDS]
_STREET_TO = [f" {short} " for short in _STREET_WORDS.values()]


def _street_key(folded: pl.Expr) -> pl.Expr:
    """Street lines as words, with the usual abbreviations made uniform ("Avenue" = "Ave"),
    from the folded street."""
    # Each word between spaces, replaced as a whole. One pass replaces every other word of a
    # run of long forms ("north east street": a match takes the space the next one starts
    # with), a second pass the rest; no short form is a long form, so a word is replaced once.
    padded = pl.lit(" ") + _words(folded) + pl.lit(" ")
    for _ in range(2):
        padded = padded.str.replace_many(_STREET_FROM, _STREET_TO)
    return padded.str.strip_chars(" ")


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
    """The words left and right of a joint name key's first " and ", as lists (only read for
    joint names, which have one)."""
    sides = person.str.splitn(" and ", 2).struct
    return sides.field("field_0").str.split(" "), sides.field("field_1").str.split(" ")


_NAME_INPUTS = ["display_name", "kind", "given_name", "family_name"]
"""The columns every name key is a function of."""
_NAME_KEYS = [
    "kind", "exact_key", "name_key", "given_key", "given2_key", "family_key", "family2_key",
    "generation", "joint", "sorted_key", "gender_key", "gender2_key", "fgender_key",
    "fgender2_key",
]
_CONTACT_KEYS: dict[str, tuple[str, Callable[[pl.Series], pl.Series]]] = {
    "phone_key": ("phone", phone_key),
    "street_key": ("street", lambda values: _folded(values, _street_key)),
    "city_key": ("city", lambda values: _folded(values, _words)),
    "region_key": ("region", lambda values: _folded(values, _region_key)),
    "country_key": ("country", lambda values: _folded(values, _country_key)),
    "postal_key": ("postal_code", lambda values: _folded(values, postal_key, fold=False)),
}
"""Contact key → the one column it is a function of, and how it is computed."""


_NEAR_UNIQUE = {"phone_key", "street_key"}
"""Keys of columns with about as many distinct values as non-null ones (two in three rows at
100k and at 1M): finding the distinct values costs more than it saves."""


def _folded(values: pl.Series, key: Callable[[pl.Expr], pl.Expr],
            fold: bool = True) -> pl.Series:
    """`key` of `values` folded (`fold_series`), or as they are."""
    frame = (fold_series(values) if fold else values).to_frame("v")
    return frame.lazy().select(key(pl.col("v"))).collect().to_series()


def _per_distinct(frame: pl.DataFrame, inputs: list[str],
                  keys: Callable[[pl.DataFrame], pl.DataFrame]) -> pl.DataFrame:
    """`keys` computed once per distinct combination of `inputs` and spread back over the
    rows of `frame`, in its order.

    Every key is a function of its inputs' values alone (no expression looks at another
    row), so this gives the same values as computing per row: many names appear on both
    sides (the name inputs of 200,000 records hold 156,000 distinct combinations, of 2M
    records 1.44M).
    """
    # Each row's first row alike (nulls alike too, as in a group_by); the distinct rows are
    # the first ones, in the frame's order. At 1M × 1M a third cheaper than a `unique` and a
    # join back, and spreading the keys back over the rows three times cheaper: rows alike
    # sit near each other in that order.
    rows = frame.select(inputs).with_row_index("_row")
    first = rows.select(pl.col("_row").first().over(inputs))["_row"]
    is_first = first == rows["_row"]
    at = (is_first.cum_sum().cast(pl.UInt32) - 1).gather(first)
    return keys(frame.select(inputs).filter(is_first))[at]


def _per_value(frame: pl.DataFrame, name: str) -> pl.DataFrame:
    """The contact key `name` computed once per distinct value of its column (null included)
    and looked up per row: for one column, a lookup costs half a `_per_distinct` join."""
    column = _CONTACT_KEYS[name][0]
    values = frame[column]
    distinct = values.unique().to_frame(column)
    keys = _contact_key(distinct, name)[name]
    return values.replace_strict(distinct[column], keys, return_dtype=pl.String).to_frame(name)


def _contact_key(rows: pl.DataFrame, name: str) -> pl.DataFrame:
    column, key = _CONTACT_KEYS[name]
    return key(rows[column]).alias(name).to_frame()


def add_keys(frame: pl.DataFrame, case_sensitive: bool = False) -> pl.DataFrame:
    """The frame with `KEY_COLUMNS` added and `kind` corrected for names with a legal suffix.

    People: `given_key`/`family_key` are the (first) person's names, from the name columns when
    the record has them; a joint client ("John & Mary Smith", "Henry Cole & Karen Holmes") also
    has `given2_key`/`family2_key`, read from its display name. A one-word name fills only the
    part its column names (else `family_key`). `gender_key`/`gender2_key` are "m", "f" or null
    (see `given_names`); `fgender_key`/`fgender2_key` the same for the family names.

    Each key but the phone's and the street's is computed once per distinct value of what it
    depends on (`_per_distinct`, `_per_value`).
    """
    # The name keys in a second thread while this one does the contacts: Polars releases the
    # GIL, and many of the steps below use one core each.
    with ThreadPoolExecutor(1) as pool:
        pending = pool.submit(_per_distinct, frame, _NAME_INPUTS,
                              lambda rows: _name_keys(rows, case_sensitive))
        contacts = _contacts(frame)
        names = pending.result()
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


def _contacts(frame: pl.DataFrame) -> list[pl.DataFrame]:
    """The `_CONTACT_KEYS` of `frame`'s rows, one frame each."""
    return [
        _contact_key(frame, name) if name in _NEAR_UNIQUE else _per_value(frame, name)
        for name in _CONTACT_KEYS
    ]


def sorted_words(key: pl.Series) -> pl.Series:
    """Each value's space-separated words in (byte) order, joined by single spaces, as
    `str.split(" ").list.sort().list.join(" ")` gives them; nulls stay null.

    Three values in four have one or two words: those are ordered by one comparison. The rest
    are sorted in Python: Polars' `list.sort` sorts each row's list as a Series of its own,
    several times slower, and slower still on a busy machine.
    """
    frame = key.to_frame("k").with_columns(pl.col("k").str.splitn(" ", 2).alias("_halves"))
    first, rest = pl.col("_halves").struct.field("field_0"), pl.col("_halves").struct.field(
        "field_1")
    out = frame.select(
        pl.when(rest.is_null() | (first <= rest)).then(pl.col("k"))
        .otherwise(pl.concat_str([rest, first], separator=" ")).alias(key.name)
    ).to_series()
    many = (key.str.count_matches(" ", literal=True) >= 2).fill_null(False).arg_true()
    if many.len():
        # Code point order, as Python compares strings, is UTF-8 byte order, as Polars does.
        words = [" ".join(sorted(value.split(" "))) for value in key.gather(many).to_list()]
        out = out.scatter(many, pl.Series(words, dtype=pl.String))
    return out


def _name_keys(frame: pl.DataFrame, case_sensitive: bool) -> pl.DataFrame:
    """The name keys of `add_keys` (`_NAME_KEYS`) for rows of `_NAME_INPUTS`.

    Computed lazily: eager frames skip Polars' common-subexpression elimination, and the keys
    share many (the folded name, "is it a business").
    """
    # Staged so each costly string pass runs once: every value used by more than one key is
    # a column of its own (temporaries start with "_"), not an expression evaluated per use.
    left, right = _joint_sides(pl.col("_person"))
    staged = frame.with_columns(
        fold_series(frame["display_name"].str.strip_suffix(DELETED)).alias("_folded"),
        fold_series(frame["given_name"]).alias("_given"),
        fold_series(frame["family_name"]).alias("_family"),
    ).lazy().with_columns(
        _person_key(pl.col("_folded")).alias("_person"),
        _words(pl.col("_given")).alias("_given"),
        _words(pl.col("_family")).alias("_family"),
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
        # A business's name key replaces this below, worked out for businesses alone.
        pl.col("_person").alias("name_key"),
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
    keys = out.collect()
    # The family name's gender as a given name too, for names typed into the wrong columns.
    # One lookup for the four columns: each lookup first hashes the 48,000 known names.
    parts = {"gender_key": "given_key", "gender2_key": "given2_key",
             "fgender_key": "family_key", "fgender2_key": "family2_key"}
    stacked = pl.concat([keys[name] for name in parts.values()]).to_frame("name")
    genders = stacked.select(gender(pl.col("name"))).to_series()
    keys = keys.with_columns(genders.slice(i * keys.height, keys.height).alias(out)
                             for i, out in enumerate(parts))
    businesses = keys["_business"].arg_true()
    name_key = keys["name_key"].scatter(businesses, keys.select(
        _business_key(pl.col("_folded").gather(businesses))).to_series())
    return keys.with_columns(name_key, sorted_words(name_key).alias("sorted_key")).select(
        _NAME_KEYS)
