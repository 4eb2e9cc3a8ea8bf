"""Reading the two exports side by side: Polars parses one while the other is decoded."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tui.service.config import ColumnsConfig
from tui.service.records import RecordSet
from tui.service.sources.canopy_csv import read_canopy_csv
from tui.service.sources.qbo_csv import read_qbo_csv


def read_both(canopy: Path | str, qbo: Path | str,
              columns: ColumnsConfig | None = None) -> tuple[RecordSet, RecordSet]:
    """(`read_canopy_csv(canopy)`, `read_qbo_csv(qbo)`), the QBO list read in a second thread.

    Errors are those of reading one after the other: the Canopy list's `UserError` when it
    has one (whatever the QBO list's), else the QBO list's. Most of each read runs in Polars,
    which releases the GIL, so two cores read both in a little more than the longer one's time.
    """
    with ThreadPoolExecutor(1) as pool:
        pending = pool.submit(read_qbo_csv, qbo, columns)
        try:
            canopy_set = read_canopy_csv(canopy, columns)
        except BaseException:
            pending.cancel()
            raise
        return canopy_set, pending.result()
