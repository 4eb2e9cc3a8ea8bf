"""The cheaper ways `normalise` and the readers compute things give what the plain ways gave."""

from __future__ import annotations

import random

import polars as pl
import pytest

from tui.service.match import normalise
from tui.service.sources.textfile import _first_lines, sniff_delimiter

_PIECES = ["John", "SMITH", "Renée", "Côté", "e\u0301", "ß", "ﬁ", "İ", "Ω", "日本", "O'Brien",
           "d’Arc", "`x", "&", "+", ",", "-", ".", "#2", "(3)", "  ", " ", "\t", "\u00a0", "\n",
           "\u2003", "\r\n", "", "Street", "north", "east", "Avenue", "av", "ave", "unit",
           "apt", "4B"]


def _values(seed: int, count: int = 3000) -> pl.Series:
    rng = random.Random(seed)
    values = [None if rng.random() < 0.05 else "".join(
        rng.choice([rng.choice(_PIECES), " "]) for _ in range(rng.randint(0, 8)))
        for _ in range(count)]
    return pl.Series("v", values, dtype=pl.String)


def _select(values: pl.Series, expr: pl.Expr) -> pl.Series:
    return values.to_frame("v").select(expr).to_series()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fold_series_is_the_full_fold(seed: int) -> None:
    values = _values(seed)
    full = _select(values, pl.col("v").str.normalize("NFKD").str.replace_all(r"\p{M}", "")
                   .str.to_lowercase().str.replace_all(r"\s+", " ").str.strip_chars())
    assert normalise.fold_series(values).to_list() == full.to_list()
    assert normalise.fold_series(values.head(0)).len() == 0
    assert normalise.fold_series(pl.Series("v", [None], dtype=pl.String)).to_list() == [None]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_words_is_the_plain_pattern_chain(seed: int) -> None:
    folded = normalise.fold_series(_values(seed))
    plain = _select(folded, pl.col("v").str.replace_all(r"['’`]", "")
                    .str.replace_all(r"[^a-z0-9 ]", " ").str.replace_all(r"\s+", " ")
                    .str.strip_chars().replace("", None))
    assert _select(folded, normalise._words(pl.col("v"))).to_list() == plain.to_list()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_street_words_replaced_as_a_list_replace_did(seed: int) -> None:
    folded = normalise.fold_series(_values(seed))
    words = normalise._words(pl.col("v")).str.split(" ")
    plain = _select(folded, words.list.eval(pl.element().replace(normalise._STREET_WORDS))
                    .list.join(" "))
    assert _select(folded, normalise._street_key(pl.col("v"))).to_list() == plain.to_list()
    # A run of long forms, each replaced once.
    street = pl.Series("v", ["north east street avenue", "av", "avenue avenue avenue ave"])
    assert _select(street, normalise._street_key(pl.col("v"))).to_list() == [
        "n e st ave", "ave", "ave ave ave ave"]


def test_sorted_words_sorts_as_a_list_sort_did() -> None:
    rng = random.Random(4)
    words = ["a", "b", "ab", "ba", "z", "and", "mary", "", "0", "9x"]
    values = [None if rng.random() < 0.05 else " ".join(
        rng.choice(words) for _ in range(rng.randint(1, 6))) for _ in range(3000)]
    key = pl.Series("name_key", values, dtype=pl.String)
    plain = key.str.split(" ").list.sort().list.join(" ")
    out = normalise.sorted_words(key)
    assert out.name == "name_key"
    assert out.to_list() == plain.to_list()
    assert normalise.sorted_words(key.head(0)).len() == 0


@pytest.mark.parametrize("seed", [1, 2])
def test_phone_key_is_the_one_expression(seed: int) -> None:
    rng = random.Random(seed)
    pieces = ["+", "00", "1", "555", "(555)", " ", "-", ".", "010", "1000", "x12", " ext. 4",
              "extension 9", "44", "٣", "abc"]
    phones = pl.Series("phone", [None if rng.random() < 0.1 else "".join(
        rng.choice(pieces) for _ in range(rng.randint(0, 7))) for _ in range(3000)])
    raw = pl.col("phone").str.replace(r"(?i)\s*(?:x|ext\.?|extension)\s*\d+\s*$", "") \
        .str.strip_chars()
    digits = raw.str.replace_all(r"\D", "")
    digits = pl.when(raw.str.starts_with("00")).then(digits.str.slice(2)).otherwise(digits)
    key = (pl.when((digits.str.len_chars() == 11) & digits.str.starts_with("1"))
           .then(digits.str.slice(1))
           .when(raw.str.starts_with("+") | raw.str.starts_with("00")).then(pl.lit("+") + digits)
           .otherwise(digits))
    plain = phones.to_frame().select(pl.when(digits.str.len_chars() >= 7).then(key)).to_series()
    assert normalise.phone_key(phones).to_list() == plain.to_list()


@pytest.mark.parametrize("text", [
    "a,b\r\nc,d\r\n" * 3000, "x;y\n" * 5000, "a\rb\rc\n" * 2000, "no newline",
    "\u2028".join(["a,b"] * 4000), "", "\n" * 9000 + "a,b",
    "a" * 5000 + "\r\n" + "b\n" * 40,
])
def test_first_lines_are_splitlines(text: str) -> None:
    assert _first_lines(text, 30) == text.splitlines()[:30]


def test_first_lines_when_a_cut_falls_inside_crlf() -> None:
    # Line 31 must start inside the 4096 first characters; "\r" is the 4096th.
    head = "".join(f"{i:02d},x\r\n" for i in range(30))
    text = head + "y" * (4095 - len(head)) + "\r\n" + "tail\n"
    assert _first_lines(text, 30) == text.splitlines()[:30]
    assert sniff_delimiter(text) == ","
