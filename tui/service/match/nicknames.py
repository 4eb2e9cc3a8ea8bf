"""Given names that stand for one another (Bill = William, Liz = Beth), as a Polars frame."""

from __future__ import annotations

from functools import cache

import nicknames
import polars as pl


@cache
def nickname_pairs() -> pl.DataFrame:
    """Ordered pairs `(x, y)` of lower-case given names that may name the same person."""
    # Only a name and its own nicknames. Two nicknames of one name are not equated: the table
    # lists Bill and Bob both under Robert, and a household's Bill and Bob are two people.
    by_name: dict[str, set[str]] = {}
    for triplet in nicknames.name_triplets():
        by_name.setdefault(triplet.name1, set()).add(triplet.name2)
    pairs: set[tuple[str, str]] = set()
    for name, nicks in by_name.items():
        for nick in nicks:
            pairs.update({(name, nick), (nick, name)})
    xs, ys = zip(*sorted(pairs), strict=True)
    return pl.DataFrame({"x": list(xs), "y": list(ys)}, schema={"x": pl.String, "y": pl.String})


@cache
def full_names() -> pl.Series:
    """Lower-case given names the table lists nicknames for (Louis, Louise, Danielle), as
    opposed to names it knows only as someone's nickname (Dani)."""
    return pl.Series(sorted({t.name1 for t in nicknames.name_triplets()}), dtype=pl.String)


@cache
def nickname_set() -> frozenset[tuple[str, str]]:
    """`nickname_pairs` as a set of tuples, built once per process."""
    return frozenset(nickname_pairs().iter_rows())


@cache
def full_name_set() -> frozenset[str]:
    """`full_names` as a set, built once per process."""
    return frozenset(full_names().to_list())
