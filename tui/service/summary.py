"""The report as a short plain-text summary table, for the terminal."""

from __future__ import annotations

from tui.service.report import Report


def _line(label: str, value: int | str, note: str = "") -> str:
    text = f"  {label:<58}{value:>8}"
    return f"{text}   {note}" if note else text


def _count(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def format_summary(report: Report) -> str:
    """What Canopy's sync will do with each record, then what the evidence adds."""
    c = report.counts()
    canopy, qbo = report.canopy, report.qbo
    lines = [
        f"Canopy  {canopy.path or 'API'}: "
        + _count(c["canopy_records"], "client", "clients"),
        f"QBO     {qbo.path or 'API'}: " + _count(c["qbo_records"], "customer", "customers")
        + f" ({c['qbo_inactive']:,} inactive, "
        + _count(c["qbo_sub_customers"], "sub-customer", "sub-customers") + ")",
        "",
        "What Canopy's sync will do (its name rule)",
        _line("Matches: linked by name, one to one", c["matched"]),
        _line("  of which the evidence doubts (likely wrong link)", c["matched_likely_wrong"],
              "namesakes: check before syncing"),
        _line("  of which the evidence is thin", c["matched_uncertain"]),
        _line("Unmatched: Canopy clients it will not sync", c["unmatched_canopy"]),
        _line("  with a probable QBO twin (rename one to link)", c["unmatched_canopy_with_twin"]),
        _line("New: active QBO customers it will copy into Canopy", c["unmatched_qbo"]),
        _line("  with a probable Canopy twin (a duplicate in the making)",
              c["unmatched_qbo_with_twin"]),
        _line("Duplicates: names linked to more than one record",
              report.verdicts("canopy")["Duplicates"] + report.verdicts("qbo")["Duplicates"],
              "records"),
        "",
        "What the evidence says",
        _line("Probable matches (same client, names differ)", c["probable"]),
        _line("Duplicate groups", c["duplicate_groups"]),
        _line("  inside Canopy", c["duplicate_groups_canopy"]),
        _line("  inside QBO", c["duplicate_groups_qbo"]),
        _line("  several Canopy clients for one QBO customer", c["duplicate_groups_competing"]),
        _line("  several on both sides", c["duplicate_groups_mixed"]),
        _line("  whose members do not all agree", c["duplicate_groups_incomplete"]),
        _line("Field conflicts on matched pairs", c["conflicts"],
              f"email {c['conflicts_email']}, phone {c['conflicts_phone']}, "
              f"address {c['conflicts_address']}"),
    ]
    return "\n".join(lines)
