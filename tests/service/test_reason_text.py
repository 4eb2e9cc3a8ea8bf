"""The reason line's text, field by field: each number formatted once per row gives the text
formatting it in both branches gave."""

from __future__ import annotations

import polars as pl

from tui.service.match.levels import reason


def test_reason_text_for_signs_scores_and_missing_fields() -> None:
    rows = pl.DataFrame({
        "name": [100.0, 98.0, 85.4, 42.9, None],
        "exact_name": [True, False, False, False, False],
        "w_name": [5.0, 4.96, 1.04, -5.0, 0.0],
        "nickname": [False, True, False, False, False],
        "given_conflict": [False, False, True, False, False],
        "generation_conflict": [False, False, False, True, False],
        "joint_mismatch": [False, False, False, False, True],
        "kind_mismatch": [False] * 5,
        "email": [100.0, 0.0, None, None, 100.0],
        "w_email": [3.5, -1.0, 0.0, 0.0, -0.0],
        "phone": [None, 100.0, 0.0, None, None],
        "w_phone": [0.0, 3.0, -1.04, 0.0, 0.0],
        "address": [95.0, 70.0, 50.0, 10.0, None],
        "w_address": [2.0, 1.0, 0.0, -2.5, 0.0],
        "given_key_a": ["bill", "bill", "john", "ann", None],
        "given_key_b": ["william", "william", "mary", "ann", None],
        "generation_a": ["jr", "jr", "jr", "jr", None],
        "generation_b": ["sr", "sr", "sr", "sr", None],
    })
    assert rows.select(reason()).to_series().to_list() == [
        "same name (+5.0); same email (+3.5); same address (+2.0)",
        "same name, other spelling or order (+5.0); nickname bill = william; "
        "different email (−1.0); same phone (+3.0); nearby address (+1.0)",
        "similar names (85) (+1.0); different given names (john ≠ mary): likely family "
        "members; different phone (−1.0)",
        "different names (42) (−5.0); jr ≠ sr: different generations; different place (−2.5)",
        # A negative zero is not below zero, and prints as Polars prints it.
        "joint client vs one person: review; same email (+-0.0)",
    ]
