"""Comparing two people's names: straight, crosswise (given and family swapped between columns),
with a missing part, and between the people of joint clients; and telling relatives apart.

`person_inputs` compares the name parts of record pairs (once per distinct pair of strings, see
`pairwise`) into numeric columns; `compare_people` reads them with Polars expressions into
`person_name`, `given`, `given_conflict` and `nickname`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from tui.service.match.nicknames import full_names, nickname_pairs
from tui.service.match.pairwise import (
    Coded,
    Distinct,
    code,
    lengths,
    similarity,
    typo_similarity,
)

FAMILY_SHARE = 0.55
"""The family name's share of a person's name score (the given name has the rest): a family
name is longer and rarer than a given name, so agreeing on it says more."""

PARTIAL = 0.85
"""A name with one part missing ("John" vs "John Smith") scores this share of its part's match."""

SIMILAR_GIVEN = 75.0
"""Given names scoring under this (rapidfuzz ratio) are different names, unless nicknames."""

Combo = tuple[int, int]
"""(a side person, b side person): 1 is the record's (first) person, 2 a joint client's partner."""

_COMBOS: tuple[Combo, ...] = ((1, 1), (1, 2), (2, 1), (2, 2))


def combos(partner_a: bool, partner_b: bool) -> tuple[Combo, ...]:
    """The comparisons of `_COMBOS` that can count for pairs whose a side has a partner (a
    second person's name, see `NameTables.partnered`) or not, and b side likewise.

    A comparison with a person who is not there has no score, no conflict and no nickname, and
    `compare_people` reads the best of the scores and the flags of the best (so it is skipped,
    as a null is): leaving it out gives the same columns. Most records are one person, and most
    pairs then need one comparison of four."""
    return tuple((i, j) for i, j in _COMBOS if (i == 1 or partner_a) and (j == 1 or partner_b))


def _cols(i: int, side: str) -> tuple[str, str, str]:
    suffix = "" if i == 1 else "2"
    return f"given{suffix}_key_{side}", f"family{suffix}_key_{side}", f"gender{suffix}_key_{side}"


def _family_gender(column: str) -> str:
    """The gender of a family-name column read as a given name (for names typed in the wrong
    columns): `fgender_key` beside `family_key`, `fgender2_key` beside `family2_key`."""
    return column.replace("family", "fgender")


NAME_COLUMNS = ("given_key", "given2_key", "family_key", "family2_key")
GENDER_COLUMNS = ("gender_key", "gender2_key", "fgender_key", "fgender2_key")


def _requests(pairs_of: tuple[Combo, ...]) -> list[tuple[str, str]]:
    """Every (a column, b column) of name parts `compare_people` reads for the comparisons
    `pairs_of`, given ~ given first (one per comparison, in its order)."""
    out: list[tuple[str, str]] = []
    for i, j in pairs_of:
        ga, fa, _ = _cols(i, "a")
        gb, fb, _ = _cols(j, "b")
        out.append((ga, gb))
    for i, j in pairs_of:
        ga, fa, _ = _cols(i, "a")
        gb, fb, _ = _cols(j, "b")
        for x, y in ((fa, fb), (ga, fb), (fa, gb)):
            if (x, y) not in out:
                out.append((x, y))
    return out


@dataclass(frozen=True)
class NameTables:
    """What comparing people needs from the records, built once per records frame."""

    coded: Coded
    """`NAME_COLUMNS` coded over one vocabulary."""
    sizes: np.ndarray
    """Length of each vocabulary value."""
    first: np.ndarray
    """Code of each vocabulary value's first character."""
    full: np.ndarray
    """Per vocabulary value: a full name the nickname table knows (`nicknames.full_names`)."""
    nicknames: np.ndarray
    """Code pairs (x × (vocabulary size + 1) + y) of given names that are nicknames of one
    another (`nicknames.nickname_pairs`)."""
    own_nickname: np.ndarray
    """Per vocabulary value: the nickname table pairs it with itself."""
    gender: dict[str, np.ndarray]
    """Per `GENDER_COLUMNS` column and record: 1 a female name, 0 another gender, -1 not known
    (Int8: numpy gathers it at a tenth of the cost of Polars gathering Booleans)."""
    individual: np.ndarray
    """Per record: 1 an individual (`kind`), 0 not, -1 kind not known (Int8)."""
    partnered: np.ndarray
    """Per record: a second person's name part (`given2_key` or `family2_key`) is present."""

    @classmethod
    def of(cls, records: pl.DataFrame) -> NameTables:
        coded = code(records, NAME_COLUMNS)
        vocabulary = pl.Series("v", coded.values.tolist(), dtype=pl.String)
        base = len(vocabulary) + 1
        # Each nickname pair's names looked up in the vocabulary by joins (pairs of names it
        # lacks drop out), not a dict of every name.
        position = pl.DataFrame({"name": vocabulary,
                                 "code": np.arange(len(vocabulary), dtype=np.int64)})
        known = (nickname_pairs()
                 .join(position.rename({"name": "x", "code": "cx"}), on="x")
                 .join(position.rename({"name": "y", "code": "cy"}), on="y"))
        nicks = (known["cx"] * base + known["cy"]).to_numpy()
        initials = pl.DataFrame({"v": vocabulary.str.slice(0, 1)})
        return cls(
            coded, lengths(coded.values), code(initials, ["v"]).codes["v"],
            vocabulary.is_in(full_names().implode()).to_numpy(), np.sort(nicks),
            np.isin(np.arange(len(vocabulary), dtype=np.int64) * (base + 1), nicks),
            {c: _tri_state(records[c] == "f") for c in GENDER_COLUMNS},
            _tri_state(records["kind"] == "individual"),
            (coded.codes["given2_key"] >= 0) | (coded.codes["family2_key"] >= 0),
        )


def _tri_state(flags: pl.Series) -> np.ndarray:
    """A Boolean column as Int8: 1 true, 0 false, -1 null."""
    return flags.cast(pl.Int8).fill_null(-1).to_numpy()


def _known(*columns: str) -> pl.Expr:
    """All of the `_tri_state` columns are known (not -1)."""
    return pl.all_horizontal(pl.col(c) >= 0 for c in columns)


def _told_apart(x: str, y: str) -> pl.Expr:
    """Two `_tri_state` columns both known and different."""
    return _known(x, y) & (pl.col(x) != pl.col(y))


def person_inputs(tables: NameTables, a: np.ndarray, b: np.ndarray,
                  pairs_of: tuple[Combo, ...] = _COMBOS) -> dict[str, pl.Series]:
    """The columns `compare_people` reads for the comparisons `pairs_of` (see `combos`), for
    pairs of records at positions `a`, `b`.

    - `<part>_key_<side>` (Boolean: the name part is present) for the four name parts;
    - `<gender column>_<side>` (Int8: 1 female, 0 not, -1 unknown; see `NameTables.gender`);
    - `individual_<side>` (Int8: 1 an individual, 0 not, -1 unknown);
    - `<x>~<y>`: `typo_similarity` of two name parts (0–100, null where either is missing);
    - `_r<i><j>`: plain ratio of person i's given name (a) and person j's (b);
    - `_k<i><j>`: those given names are nicknames of one another (the `nicknames` table);
    - `_f<i><j>`: both are full names the table knows; `_i<i><j>`: one is the other's initial.

    Only the name parts and genders of the people in `pairs_of` are given. Each distinct pair of
    strings is compared once.
    """
    coded = tables.coded
    values = coded.values
    requests = _requests(pairs_of)
    left = np.concatenate([coded.pair(x[:-2], a) for x, _ in requests])
    right = np.concatenate([coded.pair(y[:-2], b) for _, y in requests])
    pairs = Distinct.of(left, right)
    ratio = similarity(values, pairs)
    typo = typo_similarity(values, tables.sizes, pairs, ratio)
    # Nicknames, full names and initials concern given names: only the given ~ given requests.
    n = len(a)
    given_rows = np.unique(pairs.inverse[: np.count_nonzero(pairs.valid[: len(pairs_of) * n])])
    gl, gr = pairs.left[given_rows], pairs.right[given_rows]
    nick = np.zeros(len(pairs.left), dtype=bool)
    nick[given_rows] = np.isin(gl * (len(values) + 1) + gr, tables.nicknames)
    full = np.zeros(len(pairs.left), dtype=bool)
    full[given_rows] = tables.full[gl] & tables.full[gr]
    size, first = tables.sizes, tables.first
    initial = np.zeros(len(pairs.left), dtype=bool)
    initial[given_rows] = ((size[gl] == 1) | (size[gr] == 1)) & (first[gl] == first[gr])
    # The same flags for a given name against itself (`Distinct.same`), per name.
    single = size == 1

    out: dict[str, pl.Series] = {}
    for side, rows, people in (("a", a, {i for i, _ in pairs_of}),
                               ("b", b, {j for _, j in pairs_of})):
        for person in sorted(people):
            given, family, gender = (c[: -len(side) - 1] for c in _cols(person, side))
            for column in (given, family):
                out[f"{column}_{side}"] = pl.Series(coded.pair(column, rows) >= 0)
            for column in (gender, gender.replace("gender", "fgender")):
                out[f"{column}_{side}"] = pl.Series(tables.gender[column][rows])
        out[f"individual_{side}"] = pl.Series(tables.individual[rows])
    # Built once for every given ~ given request: each holds a value per name.
    flags = {prefix: Distinct.table(flag, False, alone)
             for prefix, flag, alone in (("_k", nick, tables.own_nickname),
                                         ("_f", full, tables.full), ("_i", initial, single))}
    for r, (x, y) in enumerate(requests):
        part = slice(r * n, (r + 1) * n)
        out[f"{x}~{y}"] = pl.Series(values=pairs.spread(typo, part), nan_to_null=True)
        if r < len(pairs_of):
            i, j = pairs_of[r]
            out[f"_r{i}{j}"] = pl.Series(values=pairs.spread(ratio, part), nan_to_null=True)
            for prefix, table in flags.items():
                out[f"{prefix}{i}{j}"] = pl.Series(table[pairs.slot[part]])
    return out


def compare_people(df: pl.LazyFrame, pairs_of: tuple[Combo, ...] = _COMBOS) -> pl.LazyFrame:
    """Add `person_name` (0–100, null unless both sides are people with names), `given`
    (the best given-name agreement, 0–100), `given_conflict` and `nickname`. `df` holds
    `person_inputs` for the comparisons `pairs_of` (see `combos`; (1, 1) always among them).

    Each person of side a is compared with each person of side b (a joint client has two); the
    best comparison wins, and a tie goes to the one without a conflict. For one comparison:

    - straight: 55 % family-name ratio + 45 % given-name ratio (a nickname or an initial counts
      as the same given name);
    - crosswise: the same with a's given name against b's family name and back, for names typed
      in the wrong columns ("Chen Robert");
    - missing part: a name with only one part scores 85 % of its best match with either part of
      the other name.

    A given-name conflict is two given names that are not nicknames or an initial of one another
    and either score under 75 or are known names of opposite gender (Eric/Erica, Paul/Paula,
    from `given_names`); it counts only when the straight reading is the best one.
    """
    # Null where a kind is unknown (and false where either is known not to be an individual).
    people = pl.all_horizontal(
        pl.when(pl.col(c) >= 0).then(pl.col(c) == 1) for c in ("individual_a", "individual_b"))
    scores, conflicts, nicks = [], [], []
    for i, j in pairs_of:
        ga, fa, sa = _cols(i, "a")
        gb, fb, sb = _cols(j, "b")
        nick, initial = pl.col(f"_k{i}{j}"), pl.col(f"_i{i}{j}")
        opposite = _told_apart(sa, sb)
        # The nickname table pairs Louis with Louise and Frances with Francis: two full names of
        # opposite gender are two people, whatever a nickname list says (Dani, a nickname only,
        # still stands for Danielle).
        two_people = opposite & pl.col(f"_f{i}{j}")
        same_given = (nick & ~two_people) | initial
        # A typo makes a word no list knows ("Jonh"); two known names one letter apart
        # (Jon/Ron) are two people, so they are judged by ratio alone.
        known = _known(sa, sb)
        given_ratio = pl.when(known).then(pl.col(f"_r{i}{j}")).otherwise(pl.col(f"{ga}~{gb}"))
        given = pl.when(same_given).then(100.0).otherwise(given_ratio)
        straight = FAMILY_SHARE * pl.col(f"{fa}~{fb}") + (1 - FAMILY_SHARE) * given
        cross = FAMILY_SHARE * pl.col(f"{fa}~{gb}") + (1 - FAMILY_SHARE) * pl.col(f"{ga}~{fb}")
        a_one = pl.col(ga) != pl.col(fa)
        b_one = pl.col(gb) != pl.col(fb)
        partial = pl.when(a_one | b_one).then(PARTIAL * pl.max_horizontal(
            f"{ga}~{gb}", f"{fa}~{fb}", f"{ga}~{fb}", f"{fa}~{gb}"))
        score = pl.max_horizontal(straight, cross, partial)
        differ = ~same_given & ((given_ratio < SIMILAR_GIVEN) | opposite)
        # Read crosswise ("Ayala Michael" vs "Virginia Ayala"), one part agreeing and the other
        # not is the same family and another person, as it is read straight.
        # "Kina, Gabriel" vs "Kina Gabriela": names of opposite gender across the columns too.
        fa_gb, ga_fb = pl.col(f"{fa}~{gb}"), pl.col(f"{ga}~{fb}")
        fsa, fsb = _family_gender(fa), _family_gender(fb)
        cross_differ = (
            ((fa_gb >= 90) & ((ga_fb < SIMILAR_GIVEN) | _told_apart(sa, fsb)))
            | ((ga_fb >= 90) & ((fa_gb < SIMILAR_GIVEN) | _told_apart(fsa, sb)))
        )
        # A name with a part missing ("Adriana" vs "Adrian Ternori") is read straight.
        crosswise = (cross > straight).fill_null(False) | (
            straight.is_null() & cross.is_not_null())
        conflict = (
            pl.when(crosswise).then(cross_differ)
            .otherwise(pl.col(ga) & pl.col(gb) & differ)
        ).fill_null(False)
        scores.append(pl.when(people).then(score).alias(f"_s{i}{j}"))
        conflicts.append(conflict.alias(f"_c{i}{j}"))
        nicks.append((nick & ~two_people & (straight >= cross.fill_null(-1.0))).fill_null(False)
                     .alias(f"_n{i}{j}"))
    df = df.with_columns(*scores, *conflicts, *nicks)
    s = [f"_s{i}{j}" for i, j in pairs_of]
    best = pl.max_horizontal(s)
    clean = pl.any_horizontal(
        [(pl.col(f"_s{i}{j}") == best) & ~pl.col(f"_c{i}{j}") for i, j in pairs_of]
    ).fill_null(False)
    nicked = pl.any_horizontal(
        [(pl.col(f"_s{i}{j}") == best) & pl.col(f"_n{i}{j}") for i, j in pairs_of]
    ).fill_null(False)
    given_best = pl.max_horizontal(
        pl.when(pl.col("_k11")).then(100.0),
        *(pl.col(f"{_cols(i, 'a')[0]}~{_cols(j, 'b')[0]}") for i, j in pairs_of),
    )
    df = df.with_columns(
        best.alias("person_name"),
        given_best.alias("given"),
        (people & best.is_not_null() & ~clean).alias("given_conflict"),
        nicked.alias("nickname"),
    )
    temporaries = [c for c in df.collect_schema().names()
                   if "~" in c or c[:2] in ("_s", "_c", "_n", "_r", "_k", "_f", "_i")]
    return df.drop(temporaries)
