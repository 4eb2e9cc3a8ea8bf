"""The report's counts at a glance: what Canopy's sync will do and what the evidence adds."""

from __future__ import annotations

from rich.table import Table
from textual.widgets import Static

from tui.service.report import Report


class CountsPanel(Static):
    """Two short columns of counts."""

    DEFAULT_CSS = """
    CountsPanel { width: auto; min-width: 38; height: 8; padding: 0 1; }
    """

    def __init__(self, report: Report, *, id: str | None = None) -> None:
        super().__init__(self.table(report), id=id)

    def show(self, report: Report) -> None:
        self.update(self.table(report))

    @staticmethod
    def table(report: Report) -> Table:
        """The counts as a two-column grid."""
        c = report.counts()
        table = Table.grid(padding=(0, 1))
        table.add_column(justify="left")
        table.add_column(justify="right")
        rows = [
            ("[b]Canopy's sync will[/b]", ""),
            ("link (Matches)", f"{c['matched']:,}"),
            ("  doubtful links", f"{c['matched_likely_wrong']:,}"),
            ("skip (Unmatched)", f"{c['unmatched_canopy']:,}"),
            ("add from QBO (New)", f"{c['unmatched_qbo']:,}"),
            ("[b]Evidence[/b] probable", f"{c['probable']:,}"),
            ("duplicate groups", f"{c['duplicate_groups']:,}"),
            ("field conflicts", f"{c['conflicts']:,}"),
        ]
        for label, value in rows:
            table.add_row(label, value)
        return table
