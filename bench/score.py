"""Scoring stage alone at 100k: compare, weights (EM), weigh and explain, in CPU seconds.

Caches the keyed records and candidate pairs of `bench/out/honest-n<N>/` once (normalise and
blocking are another engineer's stage), then runs the "compare", "weights" and "score" section
of `engine.run_match` as it runs there and prints CPU seconds per sub-step (`score` is weigh +
explain). `--dump DIR` writes the weights, every score and the explained pairs so two versions
can be compared column by column (`--compare DIR`).

    python bench/score.py --size 100000 --dump /tmp/before
    python bench/score.py --size 100000 --compare /tmp/before
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

_BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _BENCH]

import polars as pl  # noqa: E402
from polars.testing import assert_frame_equal  # noqa: E402

from tui.service.config import Config  # noqa: E402
from tui.service.match import engine  # noqa: E402
from tui.service.match.block import BLOCKING_COLUMNS, candidate_pairs, exact_pairs  # noqa: E402
from tui.service.match.normalise import add_keys  # noqa: E402
from tui.service.match.score import compare_pairs, prepare, with_name_frequency  # noqa: E402
from tui.service.match.weighing import explain, weigh, with_sides  # noqa: E402
from tui.service.match.weights import DEFAULT, MIN_PAIRS, RANDOM, SAMPLE, estimate  # noqa: E402
from tui.service.sources.canopy_csv import read_canopy_csv  # noqa: E402
from tui.service.sources.qbo_csv import read_qbo_csv  # noqa: E402

OUT = _BENCH / "out"


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def inputs(n: int, folder: Path | None = None) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Keyed records (with name frequency), pairs to score (sorted) and the matchable idx."""
    folder = folder or OUT / f"honest-n{n}"
    cache = folder / "score-cache"
    if not (cache / "ordered.parquet").exists():
        match = Config().match
        canopy = read_canopy_csv(folder / "canopy_clients.csv")
        qbo = read_qbo_csv(folder / "qbo_customers.csv")
        records = pl.concat([canopy.frame, qbo.frame], how="vertical")
        records = add_keys(records, match.exact_case_sensitive).with_row_index("idx")
        matchable = records.filter(~pl.col("is_job")).select("idx", *BLOCKING_COLUMNS)
        candidates = candidate_pairs(matchable, match.max_block)
        exact = exact_pairs(records, match.qbo_clients)
        to_score = pl.concat([candidates.select("a", "b"), exact]).unique(maintain_order=False)
        cache.mkdir(exist_ok=True)
        with_name_frequency(records).write_parquet(cache / "records.parquet")
        to_score.sort("a", "b").write_parquet(cache / "ordered.parquet")
        matchable.select("idx").write_parquet(cache / "matchable.parquet")
    return (pl.read_parquet(cache / "records.parquet"), pl.read_parquet(cache / "ordered.parquet"),
            pl.read_parquet(cache / "matchable.parquet"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--folder", type=Path, help="lists to read instead of honest-n<size>")
    parser.add_argument("--dump", type=Path)
    parser.add_argument("--compare", type=Path)
    args = parser.parse_args()
    records, ordered, matchable = inputs(args.size, args.folder)
    figures: dict[str, float] = {}

    t = cpu()
    prepared = prepare(records)
    figures["prepare"] = cpu() - t
    wall = time.perf_counter()
    t = cpu()
    compared = pl.concat(
        [compare_pairs(prepared, ordered.slice(start_row, engine.CHUNK))
         for start_row in range(0, max(ordered.height, 1), engine.CHUNK)],
        rechunk=False,
    )
    figures["compare"] = cpu() - t
    t = cpu()
    weights = DEFAULT
    if compared.height >= MIN_PAIRS:
        ids = matchable["idx"].to_numpy()
        weights = estimate(compared.sample(min(SAMPLE, compared.height), seed=0),
                           compare_pairs(prepared, engine.random_pairs(ids, RANDOM)),
                           compared.height, len(ids) * (len(ids) - 1) / 2)
    figures["weights"] = cpu() - t
    weigh_s = explain_s = 0.0
    scores_parts, shown_parts = [], []
    for start_row in range(0, max(compared.height, 1), engine.CHUNK):
        t = cpu()
        weighed = weigh(compared.slice(start_row, engine.CHUNK), weights)
        scores_parts.append(weighed["score"])
        t2 = cpu()
        kept = weighed.filter((pl.col("score") >= engine.SHOWN_FLOOR) | pl.col("exact_name"))
        shown_parts.append(explain(with_sides(kept, prepared.records), ["a", "b"]))
        weigh_s += t2 - t
        explain_s += cpu() - t2
    figures["weigh"] = weigh_s
    figures["explain"] = explain_s
    figures["total"] = sum(figures.values())
    scores = pl.concat(scores_parts)
    shown = pl.concat(shown_parts)
    print(f"{ordered.height} pairs, {shown.height} shown; CPU s: "
          + ", ".join(f"{k} {v:.2f}" for k, v in figures.items())
          + f"; compare to explain wall {time.perf_counter() - wall:.2f} s")
    print(f"weights: {weights}")
    if args.dump:
        args.dump.mkdir(parents=True, exist_ok=True)
        (args.dump / "weights.json").write_text(json.dumps(weights.as_dict()))
        scores.to_frame().write_parquet(args.dump / "scores.parquet")
        shown.write_parquet(args.dump / "shown.parquet")
    if args.compare:
        before = json.loads((args.compare / "weights.json").read_text())
        assert before == weights.as_dict(), (before, weights.as_dict())
        assert_frame_equal(pl.read_parquet(args.compare / "scores.parquet"), scores.to_frame())
        assert_frame_equal(pl.read_parquet(args.compare / "shown.parquet"), shown)
        print("same weights, scores and shown pairs as", args.compare)


if __name__ == "__main__":
    main()
