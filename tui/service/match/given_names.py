"""Known given names and their gender, to tell relatives apart from typos.

Source: `gender-guesser`'s dictionary (Jörg Michael's `nam_dict.txt`, about 48,000 given names
from 50+ countries, each with its gender per country). Two given names that are both in it with
opposite definite genders (Eric/Erica, Paul/Paula, Louis/Louise, Adrian/Adriana) are two people;
a typo (`Jonh`) is in no list, and a spelling variant (Ann/Anne, Jon/John, Sara/Sarah) keeps its
gender, so neither is taken for a relative.
"""

from __future__ import annotations

from functools import cache

import polars as pl

_DEFINITE = {"male": "m", "female": "f"}


@cache
def gender_table() -> dict[str, str]:
    """Lower-case given name → "m" or "f", only for names whose gender is definite everywhere
    the dictionary lists them ("mostly" and ambiguous names such as Pat, Sam, Jo are left out).

    Loads in about a third of a second, once per process.
    """
    import gender_guesser.detector as detector

    guesser = detector.Detector(case_sensitive=False)
    table: dict[str, str] = {}
    for name in guesser.names:
        code = _DEFINITE.get(guesser.get_gender(name))
        if code and name.isascii():
            table[name.replace("-", " ")] = code
    return table


def gender(given: pl.Expr) -> pl.Expr:
    """"m", "f" or null for a folded given-name column."""
    return given.replace_strict(gender_table(), default=None, return_dtype=pl.String)
