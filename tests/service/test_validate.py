"""The edit form's rules: what QBO would refuse is refused here first, with a message."""

from __future__ import annotations

import pytest

from tui.service.validate import validate_record

GOOD = {"display_name": "Jane Doe", "given_name": "Jane", "family_name": "Doe",
        "email": "jane@example.com", "phone": "(555) 201-0101", "region": "IL",
        "postal_code": "62704", "country": "USA"}


def test_a_good_record_passes() -> None:
    assert validate_record(GOOD) == {}


@pytest.mark.parametrize(("field", "value", "message"), [
    ("display_name", "", "required"),
    ("display_name", "Doe: Jane", "no colon"),
    ("display_name", "Jane\tDoe", "no colon, tab"),
    ("display_name", "x" * 501, "at most 500"),
    ("given_name", "x" * 101, "at most 100"),
    ("family_name", "Doe:", "no colon"),
    ("company_name", "x" * 101, "at most 100"),
    ("email", "jane@", "@-sign"),
    ("email", "jane.example.com", "@-sign"),
    ("email", "x" * 95 + "@a.com", "at most 100"),
    ("phone", "12", "not a possible phone number"),
    ("phone", "call me", "not a phone number"),
    ("region", "Illinois", "two-letter code"),
    ("postal_code", "6270", "US ZIP"),
])
def test_each_rule(field: str, value: str, message: str) -> None:
    errors = validate_record({**GOOD, field: value})
    assert list(errors) == [field]
    assert message in errors[field]


def test_canadian_addresses() -> None:
    canada = {**GOOD, "country": "Canada", "region": "ON", "postal_code": "K1A 0B1",
              "phone": "+1 613 555 0101"}
    assert validate_record(canada) == {}
    assert "K1A 0B1" in validate_record({**canada, "postal_code": "62704"})["postal_code"]


def test_a_taken_name_is_refused() -> None:
    errors = validate_record(GOOD, name_taken=lambda name: name.lower() == "jane doe")
    assert errors == {"display_name": "another customer already has this name (QBO error 6240)"}
