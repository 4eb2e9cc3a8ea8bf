"""Normalisation: one key per spelling a firm's lists really hold."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from tui.service.match.normalise import add_keys
from tui.service.records import conform


def keys(**columns: list) -> dict:
    """Keys of one record built from the given columns."""
    frame = conform(pl.DataFrame({name: values for name, values in columns.items()}))
    return add_keys(frame).row(0, named=True)


@pytest.mark.parametrize(
    ("display", "name_key", "given", "family"),
    [
        ("Smith, John", "john smith", "john", "smith"),
        ("John Smith", "john smith", "john", "smith"),
        ("  JOHN   smith ", "john smith", "john", "smith"),
        ("Mr. John Smith", "john smith", "john", "smith"),
        ("Dr John Smith Jr.", "john smith", "john", "smith"),
        ("Mrs. Jane Doe", "jane doe", "jane", "doe"),
        ("Ms Jane Doe", "jane doe", "jane", "doe"),
        ("Renée Côté", "renee cote", "renee", "cote"),
        ("O'Brien, Pat", "pat obrien", "pat", "obrien"),
        ("Smith, John (deleted)", "john smith", "john", "smith"),
    ],
)
def test_person_names(display: str, name_key: str, given: str, family: str) -> None:
    k = keys(display_name=[display], kind=["individual"])
    assert (k["name_key"], k["given_key"], k["family_key"]) == (name_key, given, family)
    assert k["joint"] is False


@pytest.mark.parametrize(
    "display", ["John & Mary Smith", "John and Mary Smith", "Smith, John and Mary",
                "Smith, John & Mary"],
)
def test_joint_names(display: str) -> None:
    k = keys(display_name=[display], kind=["individual"])
    assert k["name_key"] == "john and mary smith"
    assert (k["given_key"], k["given2_key"], k["family_key"]) == ("john", "mary", "smith")
    assert k["joint"] is True


@pytest.mark.parametrize(
    "display",
    ["Acme LLC", "ACME, L.L.C.", "Acme Inc", "Acme, Inc.", "Acme Corp", "Acme Corporation",
     "Acme Co.", "Acme Ltd", "Acme PC", "Acme P.C.", "Acme PLLC", "Acme LLP", "The Acme Co., Inc.",
     "acme llc (deleted)"],
)
def test_business_suffixes(display: str) -> None:
    k = keys(display_name=[display], kind=["business"])
    assert k["name_key"] == "acme"
    assert k["given_key"] is None


def test_a_legal_suffix_makes_a_business_even_without_a_type() -> None:
    assert keys(display_name=["Acme, Inc."], kind=["individual"])["kind"] == "business"


def test_exact_key_is_what_canopy_compares() -> None:
    assert keys(display_name=["  Smith,  John "])["exact_key"] == "smith, john"
    assert keys(display_name=["Smith, John (deleted)"])["exact_key"] == "smith, john"


@pytest.mark.parametrize(
    ("phone", "expected"),
    [
        ("(555) 010-1000", "5550101000"),
        ("555.010.1000", "5550101000"),
        ("1-555-010-1000", "5550101000"),
        ("+1 555 010 1000", "5550101000"),
        ("555-010-1000 x12", "5550101000"),
        ("555 010 1000 ext. 4", "5550101000"),
        ("+44 20 7946 0958", "+442079460958"),
        ("0044 20 7946 0958", "+442079460958"),
        ("123", None),
        ("", None),
    ],
)
def test_phones(phone: str, expected: str | None) -> None:
    assert keys(display_name=["x"], phone=[phone])["phone_key"] == expected


@pytest.mark.parametrize(
    ("postal", "country", "expected"),
    [
        ("62704-1234", None, "62704"),
        ("627041234", "USA", "62704"),
        ("2134", "United States", "02134"),  # a spreadsheet ate the leading zero
        ("sw1a 1aa", "UK", "SW1A1AA"),
        # The Country column does not move a postcode: one side often leaves it blank.
        ("2000", "Australia", "02000"),
        ("2000", None, "02000"),
        ("800", "Australia", "00800"),  # Darwin's 0800 after a spreadsheet
    ],
)
def test_postal_codes(postal: str, country: str | None, expected: str) -> None:
    assert keys(display_name=["x"], postal_code=[postal], country=[country])["postal_key"] == (
        expected)


@pytest.mark.parametrize(
    ("region", "expected"),
    [("Illinois", "IL"), ("il", "IL"), ("New York", "NY"), ("District of Columbia", "DC"),
     ("Québec", "QC"), ("TX", "TX")],
)
def test_regions(region: str, expected: str) -> None:
    assert keys(display_name=["x"], region=[region])["region_key"] == expected


def test_email_and_street() -> None:
    k = keys(display_name=["x"], email=["  John.Smith@Example.COM "],
             street=["400 Market Avenue, Suite 2"])
    assert k["email_key"] == "john.smith@example.com"
    assert k["street_key"] == "400 market ave ste 2"


@pytest.mark.parametrize(
    ("display", "generation"),
    [("Robert King Sr.", "sr"), ("Robert King, Junior", "jr"), ("King, Robert III", "iii"),
     ("Robert King 2nd", "ii"), ("Robert King", None)],
)
def test_generations(display: str, generation: str | None) -> None:
    assert keys(display_name=[display], kind=["individual"])["generation"] == generation


@pytest.mark.parametrize(
    ("display", "people"),
    [
        ("Paul and Hannah Fuentes", ("paul", "fuentes", "hannah", "fuentes")),
        ("Fuentes, Paul and Hannah", ("paul", "fuentes", "hannah", "fuentes")),
        ("Henry Cole & Karen Holmes", ("henry", "cole", "karen", "holmes")),
        ("Robert & Linda Chen", ("robert", "chen", "linda", "chen")),
    ],
)
def test_joint_clients_are_parsed_into_people(display: str, people: tuple) -> None:
    k = keys(display_name=[display], kind=["individual"])
    assert (k["given_key"], k["family_key"], k["given2_key"], k["family2_key"]) == people


@pytest.mark.parametrize(
    ("a", "b"), [("Country & Western Feed LLC", "Country and Western Feed LLC"),
                 ("A&W Roofing", "A & W Roofing")],
)
def test_ampersand_is_and_in_business_names(a: str, b: str) -> None:
    assert (keys(display_name=[a], kind=["business"])["name_key"]
            == keys(display_name=[b], kind=["business"])["name_key"])


def test_gender_of_known_given_names() -> None:
    assert keys(display_name=["Erica Olsen"], kind=["individual"])["gender_key"] == "f"
    assert keys(display_name=["Eric Olsen"], kind=["individual"])["gender_key"] == "m"
    assert keys(display_name=["Jonh Olsen"], kind=["individual"])["gender_key"] is None


def test_gender_table_is_cached_on_disk_per_package_version(tmp_path: Path) -> None:
    from tui.service.match.given_names import build_gender_table, cache_path, load_gender_table

    built = build_gender_table()
    path = cache_path(tmp_path)
    assert "gender-guesser" in path.name and not path.exists()
    assert load_gender_table(tmp_path) == built
    assert path.exists() and (path.stat().st_mode & 0o777) == 0o600
    # A second load reads the file: what it holds is what is returned.
    path.write_text('{"zed": "m"}', encoding="utf-8")
    assert load_gender_table(tmp_path) == {"zed": "m"}


@pytest.mark.parametrize("content", ["", "{not json", "[1, 2]", "{}", '{"ann": "x"}'])
def test_gender_table_cache_missing_or_corrupt_is_rebuilt(tmp_path: Path, content: str) -> None:
    from tui.service.match.given_names import build_gender_table, cache_path, load_gender_table

    path = cache_path(tmp_path)
    path.write_text(content, encoding="utf-8")
    table = load_gender_table(tmp_path)
    assert table == build_gender_table()
    assert json.loads(path.read_text(encoding="utf-8")) == table


def test_gender_table_works_without_a_writable_cache(tmp_path: Path) -> None:
    from tui.service.match.given_names import build_gender_table, load_gender_table

    blocked = tmp_path / "file"
    blocked.write_text("", encoding="utf-8")  # a file where the folder should be
    assert load_gender_table(blocked / "cache") == build_gender_table()
