"""A pair scored again with the user's edits applied, as matching scores it, so the queue's
reason line tells the truth after an edit (a changed e-mail no longer shows "email 100")."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

import polars as pl

from tui.service.match.levels import capped_score
from tui.service.match.normalise import KEY_COLUMNS, add_keys
from tui.service.match.score import prepare, score_pairs
from tui.service.match.weighing import explain

if TYPE_CHECKING:
    from tui.service.report import Report


def rescored_pair(report: Report, rows: list[dict[str, Any]],
                  edits: list[dict[str, str]]) -> dict[str, Any]:
    """The scored pair of two records' rows (as `Triage.record` gives them) after applying
    each one's edits (field → text; `active` is not compared and is left alone).

    Returns the pair's columns as matching gives them (`score`, `name`, `email`, `phone`,
    `address`, flags, `reason`) plus `evidence` read against the report's thresholds.
    """
    keep = [c for c in report.records.columns if c not in KEY_COLUMNS and c != "idx"]
    frame = pl.DataFrame([{c: row.get(c) for c in keep} for row in rows],
                         schema={c: report.records.schema[c] for c in keep})
    for n, changes in enumerate(edits):
        if "display_name" in changes:
            # The name keys read the first/last name columns before the display name, so a
            # renamed record kept scoring by its old first/last names ("nickname kendra = kenj"
            # after a rename to "Laurinda Chen"). A rename without new first/last names is
            # scored by the name the user typed.
            changes = {"given_name": "", "family_name": "", **changes}
        for name, value in changes.items():
            if name in frame.columns and name != "active" and frame.schema[name] == pl.String:
                frame[n, name] = value or None
    records = add_keys(frame, report.config.match.exact_case_sensitive).with_row_index("idx")
    pairs = pl.DataFrame({"a": [0], "b": [1]}, schema={"a": pl.UInt32, "b": pl.UInt32})
    match = report.config.match
    # The weights this run learned and the cap at the session's thresholds, as the report
    # scored the pair: with the defaults and no cap, a joint client against one person showed
    # 99.8 "agrees" after an edit where the report said 79.9 "uncertain".
    # u from the whole lists: counted on these two records it made every name rare (+5.0).
    prepared = replace(prepare(records), u=report.result.name_u)
    scored = score_pairs(prepared, pairs, report.result.weights)
    scored = scored.with_columns(capped_score(match).alias("score"))
    row = explain(scored, ["a", "b"]).row(0, named=True)
    row["evidence"] = ("agrees" if row["score"] >= match.accept else
                       "uncertain" if row["score"] >= match.review else "disagrees")
    return row
