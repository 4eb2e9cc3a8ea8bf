"""Comparing two people's names: straight, crosswise (given and family swapped between columns),
with a missing part, and between the people of joint clients; and telling relatives apart.

Works on a frame of pairs that carries both sides' keys as `<key>_a` / `<key>_b` (see
`score._sides`); every function adds columns and returns the frame.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein

from tui.service.match.nicknames import full_names, nickname_pairs

FAMILY_SHARE = 0.55
"""The family name's share of a person's name score (the given name has the rest): a family
name is longer and rarer than a given name, so agreeing on it says more."""

PARTIAL = 0.85
"""A name with one part missing ("John" vs "John Smith") scores this share of its part's match."""

SIMILAR_GIVEN = 75.0
"""Given names scoring under this (rapidfuzz ratio) are different names, unless nicknames."""

# (a side person, b side person): 1 is the record's (first) person, 2 a joint client's partner.
_COMBOS = ((1, 1), (1, 2), (2, 1), (2, 2))


def similarity(a: pl.Series, b: pl.Series, scorer: object = fuzz.ratio) -> pl.Series:
    """rapidfuzz scores (0–100) of aligned string columns; null where either side is null.

    Equal strings score 100 without calling rapidfuzz: blocking on names makes them common.
    """
    missing = (a.is_null() | b.is_null()).to_numpy()
    equal = (a == b).fill_null(False).to_numpy()
    todo = np.flatnonzero(~missing & ~equal)
    scores = np.full(len(a), np.nan)
    scores[equal] = 100.0
    if todo.size:
        left = a.gather(todo).to_list()
        right = b.gather(todo).to_list()
        scores[todo] = process.cpdist(left, right, scorer=scorer, workers=-1)
    return pl.Series(scores).fill_nan(None)


TYPO_STEP = 10.0
"""What one typo (an insertion, deletion, substitution or swap of neighbours, Damerau–
Levenshtein) costs: rapidfuzz's ratio charges a swapped pair ("Jonh", "Smiht", "Bne") as two
edits, 67–80, and a typo in both parts then looked like two names."""


def typo_similarity(a: pl.Series, b: pl.Series, ratio: pl.Series | None = None) -> pl.Series:
    """`similarity` by ratio (computed unless given), raised to 90 for one typo in words of
    three letters or more, and to 80 for two typos in words of seven or more."""
    ratio = similarity(a, b) if ratio is None else ratio
    shorter = np.minimum(a.str.len_chars().fill_null(0).to_numpy(),
                         b.str.len_chars().fill_null(0).to_numpy())
    todo = np.flatnonzero(
        ((ratio.is_not_null() & (ratio < 100)).fill_null(False).to_numpy()) & (shorter >= 3)
    )
    if not todo.size:
        return ratio
    typos = process.cpdist(a.gather(todo).to_list(), b.gather(todo).to_list(),
                           scorer=DamerauLevenshtein.distance, workers=-1)
    allowed = np.where(shorter[todo] >= 7, 2, 1)
    raised = ratio.to_numpy().copy()
    lifted = np.where(typos <= allowed, 100.0 - TYPO_STEP * typos, 0.0)
    raised[todo] = np.maximum(raised[todo], lifted)
    return pl.Series(raised).fill_nan(None)


def _cols(i: int, side: str) -> tuple[str, str, str]:
    suffix = "" if i == 1 else "2"
    return f"given{suffix}_key_{side}", f"family{suffix}_key_{side}", f"gender{suffix}_key_{side}"


def _family_gender(column: str) -> pl.Expr:
    """The gender of a family-name column read as a given name (for names typed in the wrong
    columns): `fgender_key` beside `family_key`, `fgender2_key` beside `family2_key`."""
    return pl.col(column.replace("family", "fgender"))


def _is_nickname(given_a: pl.Expr, given_b: pl.Expr) -> pl.Expr:
    nick = nickname_pairs().select(pl.concat_str(["x", "y"], separator="|")).to_series()
    return pl.concat_str([given_a, given_b], separator="|").is_in(nick.implode()).fill_null(False)


def compare_people(df: pl.DataFrame) -> pl.DataFrame:
    """Add `person_name` (0–100, null unless both sides are people with names), `given`
    (the best given-name agreement, 0–100), `given_conflict` and `nickname`.

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
    people = (pl.col("kind_a") == "individual") & (pl.col("kind_b") == "individual")
    ratios = [
        similarity(df[_cols(i, "a")[0]], df[_cols(j, "b")[0]]).alias(f"_r{i}{j}")
        for i, j in _COMBOS
    ]
    sims: dict[str, pl.Series] = {}
    for (i, j), ratio in zip(_COMBOS, ratios, strict=True):
        ga, fa, _ = _cols(i, "a")
        gb, fb, _ = _cols(j, "b")
        sims[f"{ga}~{gb}"] = typo_similarity(df[ga], df[gb], ratio)
        for x, y in ((fa, fb), (ga, fb), (fa, gb)):
            if f"{x}~{y}" not in sims:
                sims[f"{x}~{y}"] = typo_similarity(df[x], df[y])
    df = df.with_columns(*(s.alias(name) for name, s in sims.items()), *ratios)
    scores, conflicts, nicks = [], [], []
    for i, j in _COMBOS:
        ga, fa, sa = _cols(i, "a")
        gb, fb, sb = _cols(j, "b")
        nick = _is_nickname(pl.col(ga), pl.col(gb))
        initial = (
            (pl.col(ga).str.len_chars() == 1) | (pl.col(gb).str.len_chars() == 1)
        ) & (pl.col(ga).str.slice(0, 1) == pl.col(gb).str.slice(0, 1))
        opposite = (pl.col(sa) != pl.col(sb)).fill_null(False)
        # The nickname table pairs Louis with Louise and Frances with Francis: two full names of
        # opposite gender are two people, whatever a nickname list says (Dani, a nickname only,
        # still stands for Danielle).
        full = pl.col(ga).is_in(full_names().implode()) & pl.col(gb).is_in(full_names().implode())
        two_people = opposite & full.fill_null(False)
        same_given = (nick & ~two_people) | initial.fill_null(False)
        # A typo makes a word no list knows ("Jonh"); two known names one letter apart
        # (Jon/Ron) are two people, so they are judged by ratio alone.
        known = pl.col(sa).is_not_null() & pl.col(sb).is_not_null()
        given_ratio = pl.when(known).then(pl.col(f"_r{i}{j}")).otherwise(pl.col(f"{ga}~{gb}"))
        given = pl.when(same_given).then(100.0).otherwise(given_ratio)
        straight = FAMILY_SHARE * pl.col(f"{fa}~{fb}") + (1 - FAMILY_SHARE) * given
        cross = FAMILY_SHARE * pl.col(f"{fa}~{gb}") + (1 - FAMILY_SHARE) * pl.col(f"{ga}~{fb}")
        a_one = pl.col(ga).is_null() != pl.col(fa).is_null()
        b_one = pl.col(gb).is_null() != pl.col(fb).is_null()
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
            ((fa_gb >= 90) & ((ga_fb < SIMILAR_GIVEN) | (pl.col(sa) != fsb).fill_null(False)))
            | ((ga_fb >= 90) & ((fa_gb < SIMILAR_GIVEN) | (fsa != pl.col(sb)).fill_null(False)))
        )
        # A name with a part missing ("Adriana" vs "Adrian Ternori") is read straight.
        crosswise = (cross > straight).fill_null(False) | (
            straight.is_null() & cross.is_not_null())
        conflict = (
            pl.when(crosswise).then(cross_differ)
            .otherwise(pl.col(ga).is_not_null() & pl.col(gb).is_not_null() & differ)
        ).fill_null(False)
        scores.append(pl.when(people).then(score).alias(f"_s{i}{j}"))
        conflicts.append(conflict.alias(f"_c{i}{j}"))
        nicks.append((nick & ~two_people & (straight >= cross.fill_null(-1.0))).fill_null(False)
                     .alias(f"_n{i}{j}"))
    df = df.with_columns(*scores, *conflicts, *nicks)
    s = [f"_s{i}{j}" for i, j in _COMBOS]
    best = pl.max_horizontal(s)
    clean = pl.any_horizontal(
        [(pl.col(f"_s{i}{j}") == best) & ~pl.col(f"_c{i}{j}") for i, j in _COMBOS]
    ).fill_null(False)
    nicked = pl.any_horizontal(
        [(pl.col(f"_s{i}{j}") == best) & pl.col(f"_n{i}{j}") for i, j in _COMBOS]
    ).fill_null(False)
    given_best = pl.max_horizontal(
        pl.when(_is_nickname(pl.col("given_key_a"), pl.col("given_key_b"))).then(100.0),
        *(pl.col(f"{_cols(i, 'a')[0]}~{_cols(j, 'b')[0]}") for i, j in _COMBOS),
    )
    df = df.with_columns(
        best.alias("person_name"),
        given_best.alias("given"),
        (people & best.is_not_null() & ~clean).alias("given_conflict"),
        nicked.alias("nickname"),
    )
    temporaries = [c for c in df.columns if "~" in c or c[:2] in ("_s", "_c", "_n", "_r")]
    return df.drop(temporaries)
