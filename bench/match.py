"""Matching budget: N Canopy × N QBO records through the full report, timed and measured.

Budgets on the 2-core machine (issue 10): 100,000 × 100,000 in under 5 s and 1 GB;
1,000,000 × 1,000,000 in under 60 s and 4 GB. Printed, never asserted.
Generates the lists once into bench/out/, then runs `cqtriage report --json` in a child process
so its wall time and peak memory (ru_maxrss of the child) are exactly what a user pays.
Also prints the precision and recall of the report against the generator's truth.

    python bench/match.py                 # N = 10,000 and 100,000
    python bench/match.py --sizes 20000
    python bench/match.py --sizes 1000000          # the 60 s / 4 GB budget
    python bench/match.py --sizes 100000 --names 30  # 30 × 30 names: under 2 GB
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

# Run as a script, bench/ comes first on sys.path, where bench/tui.py would shadow the tui package.
_BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _BENCH]

import polars as pl  # noqa: E402

from tui.demo.evaluate import quality, read_truth  # noqa: E402
from tui.demo.generate import generate_sides, write_pair  # noqa: E402
from tui.service.config import Config  # noqa: E402
from tui.service.report import build_report  # noqa: E402
from tui.service.sources.canopy_csv import read_canopy_csv  # noqa: E402
from tui.service.sources.qbo_csv import read_qbo_csv  # noqa: E402

OUT = Path(__file__).parent / "out"
BUDGETS = {100_000: (5.0, 1024.0), 1_000_000: (60.0, 4096.0)}
"""N → (seconds, MB); other sizes are read against the nearest budget above them."""


def budget(n: int) -> tuple[float, float]:
    """The budget for N records a side."""
    return next((b for size, b in sorted(BUDGETS.items()) if n <= size), BUDGETS[1_000_000])


def make_lists(n: int, seed: int, names: int = 0) -> tuple[Path, Path, Path]:
    """The n × n honest lists (see `tui.demo.generate.generate`) and their truth, generated once
    into bench/out/; `names` draws every person from that many given names × surnames."""
    folder = OUT / (f"honest-n{n}" + (f"-names{names}" if names else ""))
    paths = (folder / "canopy_clients.csv", folder / "qbo_customers.csv", folder / "truth.csv")
    if all(p.exists() for p in paths):
        return paths
    return write_pair(generate_sides(n, seed, names=names), folder)


def compile_package() -> None:
    """Byte-compile `tui` once, as an installed package is (pip compiles at install; Python
    writes the cache on the first run): without it every timed run also compiles our modules
    from source, ~0.1 s, when the environment sets PYTHONDONTWRITEBYTECODE (this one does)."""
    import compileall

    compileall.compile_dir(str(_BENCH.parent / "tui"), quiet=1)


def run_report(canopy: Path, qbo: Path) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system: steadier than wall time on a shared machine)
    and peak MB of one `cqtriage report --json` in a child process."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu_before = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "tui.cli", "report", "--canopy", str(canopy), "--qbo", str(qbo),
         "--json", str(canopy.parent / "report.json")],
        check=True, stdout=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime - cpu_before
    if peak <= before:
        raise SystemExit("cannot measure the child's memory: run sizes in separate invocations")
    return seconds, cpu, peak / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--names", type=int, default=0,
                        help="draw people from N given names × N surnames (30: the 2 GB case)")
    args = parser.parse_args()
    compile_package()
    print(f"{'N':>8} {'wall s':>8} {'budget':>7} {'cpu s':>7} {'peak MB':>8} {'budget':>7} "
          f"{'pairs':>8} {'prec@rev':>8} {'rec@rev':>8} {'prec@acc':>8} {'rec@acc':>8}")
    for n in sorted(args.sizes):
        canopy, qbo, truth_path = make_lists(n, args.seed, args.names)
        seconds, cpu, peak = run_report(canopy, qbo)
        config = Config()
        report = build_report(read_canopy_csv(canopy), read_qbo_csv(qbo), config)
        truth = read_truth(truth_path)
        at_review = quality(report, truth, config.match.review)
        at_accept = quality(report, truth, config.match.accept)
        budget_s, budget_mb = budget(n)
        print(f"{n:>8} {seconds:>8.2f} {seconds / budget_s:>6.0%} {cpu:>7.1f} {peak:>8.0f} "
              f"{peak / budget_mb:>6.0%} {report.result.pairs.height:>8} "
              f"{at_review.precision:>8.3f} {at_review.recall:>8.3f} "
              f"{at_accept.precision:>8.3f} {at_accept.recall:>8.3f}")
        print(f"{'':>8} in-process matching: {len(report.result.scores)} candidate pairs; "
              f"{pl.thread_pool_size()} Polars threads; per step (peak: high-water so far):")
        for step, used in report.result.usage.items():
            print(f"{'':>10} {step:<10} {used.wall_s:>7.2f} s wall {used.cpu_s:>7.2f} s CPU "
                  f"{used.peak_mb:>7.0f} MB peak")
        print(f"{'':>8} weights: {report.result.weights}")


if __name__ == "__main__":
    main()
