"""The sync report: counts per category, pairs, groups, unmatched records and field conflicts,
as frames for the TUI and as the documented JSON contract (docs/report-schema.md)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import polars as pl

from tui.service import paths
from tui.service.config import Config, check_thresholds
from tui.service.errors import UserError
from tui.service.match.classify import CANOPY_VERDICTS, GROUP_KINDS, QBO_VERDICTS
from tui.service.match.engine import MatchResult, Progress, no_progress, reclassify, run_match
from tui.service.records import RecordSet

SCHEMA_NAME = "cqtriage-report"
SCHEMA_VERSION = 1
FIELDS = ("name", "email", "phone", "address")
CONFLICT_FIELDS = {"email": "email", "phone": "phone", "address": "street"}
"""Pair score column → record column shown when a matched pair disagrees on it."""
ADDRESS_COLUMNS = ("street", "city", "region", "postal_code")
"""Record columns joined (", ", nulls left out) into the address a conflict shows."""
PAIR_FLAGS = {"given_conflict": "given_conflict", "generation_conflict": "generation_conflict",
              "joint_mismatch": "joint_mismatch", "kind_mismatch": "kind_mismatch",
              "nickname": "nickname", "flag_household": "household"}
"""Pair column → the name of its flag in the JSON pairs' `flags` list, in the listed order."""
PAIR_SLICE = 50_000
"""Pairs turned into JSON at once (about 0.5 KB each)."""


def file_digest(path: Path) -> str:
    """SHA-256 of a file, read in chunks (inputs may be large)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class Report:
    """A finished report over one Canopy list and one QBO list."""

    canopy: RecordSet
    qbo: RecordSet
    result: MatchResult
    config: Config

    @property
    def records(self) -> pl.DataFrame:
        return self.result.records

    def pairs(self) -> pl.DataFrame:
        """Pairs with both records' source, id and name beside their scores."""
        return self._named(self.result.pairs)

    def _named(self, pairs: pl.DataFrame) -> pl.DataFrame:
        """`pairs` with both records' `record_id_a`, `display_name_a`, `…_b`, gathered by
        `idx` (a record's row)."""
        recs = self.records
        return pairs.with_columns(
            recs[name].gather(pairs[side]).alias(f"{name}_{side}")
            for side in ("a", "b") for name in ("record_id", "display_name")
        )

    def conflicts(self) -> pl.DataFrame:
        """Field disagreements on matched (linked 1:1) pairs: one row per pair and field."""
        matched = self.result.pairs.select("a", "b", "category", *CONFLICT_FIELDS).filter(
            pl.col("category") == "matched")
        recs = self.records
        address = pl.concat_str(
            [pl.col(c) for c in ADDRESS_COLUMNS], separator=", ", ignore_nulls=True,
        )

        def shown(idx: pl.Series, column: str) -> pl.Series:
            # Gathered first: the address is built for the few conflicting records, not all.
            if column != "street":
                return recs[column].gather(idx)
            parts = pl.DataFrame([recs[c].gather(idx) for c in ADDRESS_COLUMNS])
            return parts.select(address.alias("street")).to_series()

        rows = []
        for score_col, value_col in CONFLICT_FIELDS.items():
            bad = matched.filter(
                (pl.col(score_col) == 0) if score_col != "address" else (pl.col(score_col) < 60)
            )
            rows.append(pl.DataFrame({
                "canopy_id": recs["record_id"].gather(bad["a"]),
                "qbo_id": recs["record_id"].gather(bad["b"]),
                "field": pl.Series([score_col] * bad.height, dtype=pl.String),
                "canopy_value": shown(bad["a"], value_col),
                "qbo_value": shown(bad["b"], value_col),
            }))
        return pl.concat(rows).sort("canopy_id", "field")

    def counts(self) -> dict[str, int]:
        """Counts per category, the numbers at the top of the report."""
        return self._counts(self.conflicts())

    def _counts(self, conflicts: pl.DataFrame) -> dict[str, int]:
        """`counts`, given `conflicts()` (the report writes that list too: built once)."""
        # Only the columns counted: filtering the whole records frame copies its 47 columns.
        recs = self.records.select("source", "verdict", "active", "is_job", "twin_idx")
        pairs = self.result.pairs.select("category", "evidence")
        groups = self.result.groups.select("kind", "complete")
        canopy = recs.filter(pl.col("source") == "canopy")
        qbo = recs.filter(pl.col("source") == "qbo")
        matched = pairs.filter(pl.col("category") == "matched")
        unmatched_c = canopy.filter(pl.col("verdict") == "Unmatched")
        unmatched_q = qbo.filter(pl.col("verdict") == "New")
        counts = {
            "canopy_records": canopy.height,
            "qbo_records": qbo.height,
            # Counted from the records, not the verdicts: with qbo_clients = "all" an inactive
            # customer has a Matches/New verdict and would vanish from this count.
            "qbo_inactive": qbo.filter(~pl.col("active").fill_null(True)).height,
            "qbo_sub_customers": qbo.filter(pl.col("is_job")).height,
            "matched": matched.height,
            "matched_uncertain": matched.filter(pl.col("evidence") == "uncertain").height,
            "matched_likely_wrong": matched.filter(pl.col("evidence") == "disagrees").height,
            "probable": pairs.filter(pl.col("category") == "probable").height,
            "unmatched_canopy": unmatched_c.height,
            "unmatched_canopy_with_twin": unmatched_c.filter(
                pl.col("twin_idx").is_not_null()).height,
            "unmatched_qbo": unmatched_q.height,
            "unmatched_qbo_with_twin": unmatched_q.filter(
                pl.col("twin_idx").is_not_null()).height,
            "duplicate_groups": groups.height,
            "duplicate_groups_incomplete": groups.filter(~pl.col("complete")).height,
            "conflicts": conflicts.height,
        }
        for kind in GROUP_KINDS:
            counts[f"duplicate_groups_{kind}"] = groups.filter(pl.col("kind") == kind).height
        for name in CONFLICT_FIELDS:
            counts[f"conflicts_{name}"] = conflicts.filter(pl.col("field") == name).height
        return counts

    def verdicts(self, source: str) -> dict[str, int]:
        """How Canopy's sync will treat each record of one side, in Canopy's words."""
        names = CANOPY_VERDICTS if source == "canopy" else QBO_VERDICTS
        found = dict(
            self.records.select("source", "verdict").filter(pl.col("source") == source)
            .group_by("verdict").len().iter_rows()
        )
        return {name: int(found.get(name, 0)) for name in names}

    def _pair_order(self) -> pl.Series:
        """Row positions of the pairs in the JSON's order: by category, then `a`, `b`."""
        return self.result.pairs.select(pl.arg_sort_by("category", "a", "b")).to_series()

    def _pair_rows(self, rows: pl.Series | None = None) -> pl.DataFrame:
        """The JSON's pairs at positions `rows` of `result.pairs` (all, in order, if None)."""
        def side(prefix: str) -> pl.Expr:
            return pl.struct(
                pl.col(f"source_{prefix}").alias("source"),
                pl.col(f"record_id_{prefix}").alias("id"),
                pl.col(f"display_name_{prefix}").alias("name"),
            )

        # Joined and split rather than `concat_list(...).list.drop_nulls()`: building lists of
        # six nullable strings per pair cost 0.25 s at 100,000 records a side, this 0.02 s.
        raised = [pl.col(column).fill_null(False) for column in PAIR_FLAGS]
        joined = pl.concat_str(
            [pl.when(pl.col(column)).then(pl.lit(name)) for column, name in PAIR_FLAGS.items()],
            separator=",", ignore_nulls=True,
        )
        flags = (pl.when(pl.any_horizontal(raised)).then(joined.str.split(","))
                 .otherwise(pl.lit([], dtype=pl.List(pl.String))))
        rows = self._pair_order() if rows is None else rows
        pairs = self.result.pairs.select(
            "category", "a", "b", "source_a", "source_b", "exact", "evidence", "score", *FIELDS,
            *(f"lvl_{f}" for f in FIELDS), *PAIR_FLAGS, "reason",
        )[rows]
        return self._named(pairs).select(
            "category",
            side("a").alias("a"),
            side("b").alias("b"),
            pl.col("exact").alias("canopy_rule_links"),
            "evidence",
            "score",
            pl.struct(*FIELDS).alias("fields"),
            pl.struct(*(pl.col(f"lvl_{f}").alias(f) for f in FIELDS)).alias("levels"),
            flags.alias("flags"),
            "reason",
        )

    def _group_rows(self) -> pl.DataFrame:
        groups = self.result.groups.sort("group").with_row_index("number", offset=1)
        flat = groups.select("number", "members").explode("members")
        # A record's `idx` is its row: members are gathered by position, not joined (a join
        # with all records held 0.2 GB more at 1M × 1M).
        rows, recs = flat["members"], self.records
        members = (
            flat.with_columns(
                recs[column].gather(rows).alias(name) for column, name in
                (("source", "source"), ("record_id", "id"), ("display_name", "name"),
                 ("verdict", "verdict"), ("active", "active")))
            .sort("number", "members")
            .group_by("number", maintain_order=True)
            .agg(pl.struct("source", "id", "name", "verdict", "active").alias("members"))
        )
        return groups.drop("members").join(members, on="number").sort("number").select(
            pl.format("G{}", pl.col("number").cast(pl.String).str.zfill(5)).alias("id"),
            "kind", "complete", "members",
        )

    def _unmatched_rows(self, source: str) -> pl.DataFrame:
        verdict = "Unmatched" if source == "canopy" else "New"
        recs = self.records
        # A record's `idx` is its row (see `MatchResult.records`): its twin's source and id are
        # gathered by position, and the records stay in `idx` order.
        unmatched = recs.select("record_id", "display_name", "verdict", "twin_idx",
                                "twin_score").filter(pl.col("verdict") == verdict)
        twin = unmatched["twin_idx"]
        return unmatched.select(
            pl.col("record_id").alias("id"), pl.col("display_name").alias("name"),
            pl.when(twin.is_not_null()).then(
                pl.struct(recs["source"].gather(twin).alias("source"),
                          recs["record_id"].gather(twin).alias("id"),
                          pl.col("twin_score").alias("score"))
            ).alias("twin"),
        )

    def to_json(self, now: dt.datetime | None = None) -> str:
        """The JSON contract, version `SCHEMA_VERSION` (see docs/report-schema.md)."""
        buffer = io.BytesIO()
        self._write_json_to(buffer, now)
        return buffer.getvalue().decode("utf-8")

    def _write_json_to(self, handle: BinaryIO, now: dt.datetime | None = None) -> None:
        """The JSON contract written to `handle` part by part, in one pass.

        The long lists are serialised by Polars straight into the handle: at 100,000 records a
        side, building Python dicts for them would take longer than matching, and building the
        whole 60 MB document as one string first costs a decode and a copy per part.
        """
        now = now or dt.datetime.now(dt.UTC)
        # The patterns (queue items and the pairs inside them) are built on a second thread
        # while this one writes the pairs: both are mostly Polars work, which runs without
        # Python's lock. At 100,000 records a side that halves this step's wall time.
        with ThreadPoolExecutor(max_workers=1) as pool:
            patterns = pool.submit(self._patterns_json)
            self._write_parts(handle, now, patterns.result)

    def _write_parts(self, handle: BinaryIO, now: dt.datetime,
                     patterns_json: Callable[[], str]) -> None:
        conflicts = self.conflicts()
        head = {
            "schema": SCHEMA_NAME,
            "version": SCHEMA_VERSION,
            "generated_at": now.isoformat(timespec="seconds"),
            "inputs": {s.source: self._input(s) for s in (self.canopy, self.qbo)},
            "thresholds": {
                "review": self.config.match.review,
                "accept": self.config.match.accept,
                "max_block": self.config.match.max_block,
                "exact_case_sensitive": self.config.match.exact_case_sensitive,
                "qbo_clients": self.config.match.qbo_clients,
            },
            "counts": self._counts(conflicts),
            "verdicts": {"canopy": self.verdicts("canopy"), "qbo": self.verdicts("qbo")},
        }
        text = json.dumps(head, ensure_ascii=False, indent=1)
        # The head's closing brace is dropped and the lists follow as further members.
        handle.write((text[: text.rindex("}")].rstrip() + ",\n").encode("utf-8"))

        def unmatched(out: BinaryIO) -> None:
            for i, source in enumerate(("canopy", "qbo")):
                out.write(("{" if i == 0 else ",").encode() + f'"{source}":'.encode())
                self._unmatched_rows(source).write_json(out)
            out.write(b"}")

        lists: dict[str, Callable[[BinaryIO], object]] = {
            "pairs": self._write_pairs,
            "groups": lambda out: self._group_rows().write_json(out),
            "unmatched": unmatched,
            "conflicts": lambda out: conflicts.write_json(out),
            "patterns": lambda out: out.write(patterns_json().encode("utf-8")),
        }
        for i, (key, write) in enumerate(lists.items()):
            handle.write((",\n" if i else "").encode() + f' "{key}": '.encode())
            write(handle)
        handle.write(b"\n}\n")

    def _write_pairs(self, out: BinaryIO) -> None:
        """The pairs' JSON array, `PAIR_SLICE` pairs at a time: Polars builds each part's JSON
        in memory before it writes it (at 1M × 1M, 0.6 GB for the whole list at once)."""
        order = self._pair_order()
        out.write(b"[")
        for start in range(0, len(order), PAIR_SLICE):
            buffer = io.BytesIO()
            self._pair_rows(order.slice(start, PAIR_SLICE)).write_json(buffer)
            # Each part is an array of its own: its brackets dropped, the parts joined by commas.
            out.write((b"," if start else b"") + buffer.getbuffer()[1:-1])
        out.write(b"]")

    def _patterns_json(self) -> str:
        # Imported here: patterns reads the queue's items, and triage imports this module.
        from tui.service.patterns import report_patterns

        return json.dumps(report_patterns(self), ensure_ascii=False)

    def to_dict(self, now: dt.datetime | None = None) -> dict[str, Any]:
        """The JSON contract as Python objects (parsed from `to_json`, so the two never differ)."""
        return json.loads(self.to_json(now))

    @staticmethod
    def _input(records: RecordSet) -> dict[str, Any]:
        path = records.path
        return {
            "path": str(path) if path else None,
            "sha256": file_digest(path) if path else None,
            "records": records.frame.height,
            "encoding": records.encoding,
            "delimiter": records.delimiter,
            "columns_used": records.columns_used,
            "columns_unused": records.columns_unused,
        }

    def write_json(self, out: Path) -> Path:
        """Write the JSON report next to nothing it read: refuses to overwrite an input."""
        out = Path(out)
        paths.refuse_inputs([out], [r.path for r in (self.canopy, self.qbo) if r.path],
                            "choose another --json path")
        try:
            with paths.private_writer(out, binary=True) as handle:
                self._write_json_to(handle)
        except OSError as exc:
            raise UserError(f"cannot write the report: {exc.strerror}",
                            "check the folder exists and is writable", out) from None
        return out


def with_thresholds(report: Report, review: float, accept: float) -> Report:
    """The report re-read against other thresholds, keeping every score."""
    match = dataclasses.replace(report.config.match, review=review, accept=accept)
    check_thresholds(match)
    config = dataclasses.replace(report.config, match=match)
    return Report(report.canopy, report.qbo, reclassify(report.result, match), config)


def build_report(canopy: RecordSet, qbo: RecordSet, config: Config,
                 progress: Progress = no_progress) -> Report:
    """Match two loaded record sets and wrap the result as a report."""
    return Report(canopy, qbo, run_match(canopy, qbo, config.match, progress), config)
