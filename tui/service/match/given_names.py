"""Known given names and their gender, to tell relatives apart from typos.

Source: `gender-guesser`'s dictionary (Jörg Michael's `nam_dict.txt`, about 48,000 given names
from 50+ countries, each with its gender per country). Two given names that are both in it with
opposite definite genders (Eric/Erica, Paul/Paula, Louis/Louise, Adrian/Adriana) are two people;
a typo (`Jonh`) is in no list, and a spelling variant (Ann/Anne, Jon/John, Sara/Sarah) keeps its
gender, so neither is taken for a relative.

Parsing the dictionary costs about half a CPU second per process, so the table is kept as JSON
in the cache folder, named after the package's version: a new version builds a new table, and
a cache file that is missing or unreadable is rebuilt.
"""

from __future__ import annotations

import contextlib
import json
from functools import cache
from importlib.metadata import version
from pathlib import Path

import polars as pl

from tui.service import paths

_DEFINITE = {"male": "m", "female": "f"}
_PACKAGE = "gender-guesser"
_FORMAT = 1
"""Bumped when what the table holds changes, so old cache files are not read."""


def build_gender_table() -> dict[str, str]:
    """Lower-case given name → "m" or "f", only for names whose gender is definite everywhere
    the dictionary lists them ("mostly" and ambiguous names such as Pat, Sam, Jo are left out).
    """
    import gender_guesser.detector as detector

    guesser = detector.Detector(case_sensitive=False)
    table: dict[str, str] = {}
    for name in guesser.names:
        code = _DEFINITE.get(guesser.get_gender(name))
        if code and name.isascii():
            table[name.replace("-", " ")] = code
    return table


def cache_path(folder: Path) -> Path:
    """The cache file for the installed version of the source package."""
    return folder / f"given-names-{_PACKAGE}-{version(_PACKAGE)}-v{_FORMAT}.json"


def _read_cache(path: Path) -> dict[str, str] | None:
    try:
        table = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    ok = isinstance(table, dict) and table and all(
        isinstance(k, str) and v in ("m", "f") for k, v in table.items())
    return table if ok else None


def load_gender_table(folder: Path) -> dict[str, str]:
    """`build_gender_table`, read from its cache file in `folder` when that is whole, else
    built and (best effort: a read-only folder only costs the build) written there."""
    path = cache_path(folder)
    table = _read_cache(path)
    if table is not None:
        return table
    table = build_gender_table()
    with contextlib.suppress(OSError):
        paths.write_private(path, json.dumps(table, ensure_ascii=False))
    return table


@cache
def gender_table() -> dict[str, str]:
    """The gender table (`build_gender_table`) through the cache folder, once per process."""
    return load_gender_table(paths.cache_dir())


@cache
def _gender_columns() -> tuple[pl.Series, pl.Series]:
    # Made once: `gender` runs four times per matching run, and turning a 48,000-entry dict
    # into columns each time is wasted work.
    table = gender_table()
    return (pl.Series(list(table), dtype=pl.String),
            pl.Series(list(table.values()), dtype=pl.String))


def gender(given: pl.Expr) -> pl.Expr:
    """"m", "f" or null for a folded given-name column."""
    names, codes = _gender_columns()
    return given.replace_strict(names, codes, default=None, return_dtype=pl.String)
