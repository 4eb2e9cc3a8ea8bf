"""Where the whole report's time goes: CPU seconds (user + system, all threads) and peak memory
after each stage of `cqtriage report --json`, in this process.

CPU seconds, not wall time: the bench machine is shared, and a busy neighbour stretches wall
time without changing the work done. The stages are the command's own steps in its order
(see `tui.cli._run_report`); the matching steps are told apart by the engine's progress calls.

    python bench/stages.py                  # bench/out/honest-n100000 (make it with match.py)
    python bench/stages.py --n 10000
    python bench/stages.py --canopy a.csv --qbo b.csv
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

# Taken before anything else is imported, so the imports count as a stage.
_CPU_AT_START = time.process_time()
_WALL_AT_START = time.perf_counter()

# Run as a script, bench/ comes first on sys.path, where bench/tui.py would shadow the tui package.
_BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _BENCH]

import argparse  # noqa: E402


class Stages:
    """CPU seconds, wall seconds and peak MB at the end of each stage, in order."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, float, float, float]] = []
        self._cpu, self._wall = _CPU_AT_START, _WALL_AT_START

    def lap(self, name: str) -> None:
        cpu, wall = time.process_time(), time.perf_counter()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.rows.append((name, cpu - self._cpu, wall - self._wall, peak))
        self._cpu, self._wall = cpu, wall

    def table(self) -> str:
        total_cpu = sum(row[1] for row in self.rows)
        total_wall = sum(row[2] for row in self.rows)
        lines = [f"{'stage':<16} {'cpu s':>7} {'share':>6} {'wall s':>7} {'peak MB':>8}"]
        for name, cpu, wall, peak in self.rows:
            lines.append(f"{name:<16} {cpu:>7.2f} {cpu / total_cpu:>6.0%} {wall:>7.2f} "
                         f"{peak:>8.0f}")
        peak = max(row[3] for row in self.rows)
        lines.append(f"{'whole report':<16} {total_cpu:>7.2f} {'':>6} {total_wall:>7.2f} "
                     f"{peak:>8.0f}")
        return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000,
                        help="use bench/out/honest-n<N> (written by bench/match.py)")
    parser.add_argument("--canopy", type=Path)
    parser.add_argument("--qbo", type=Path)
    parser.add_argument("--json", type=Path, help="where to write the report (default: "
                        "report.json beside the Canopy list)")
    args = parser.parse_args()
    folder = _BENCH / "out" / f"honest-n{args.n}"
    canopy = args.canopy or folder / "canopy_clients.csv"
    qbo = args.qbo or folder / "qbo_customers.csv"
    out = args.json or canopy.parent / "report.json"
    if not (canopy.exists() and qbo.exists()):
        raise SystemExit(f"no lists at {canopy} / {qbo}: run bench/match.py --sizes {args.n}")

    stages = Stages()
    # The modules `cqtriage report` imports, in its order.
    from tui.service.config import load_config
    from tui.service.inputs import SessionInputs
    from tui.service.report import build_report
    from tui.service.sources.canopy_csv import read_canopy_csv
    from tui.service.sources.qbo_csv import read_qbo_csv
    from tui.service.summary import format_summary

    config = load_config(None)
    SessionInputs.of(canopy, qbo).check_distinct()
    stages.lap("imports")
    canopy_set = read_canopy_csv(canopy, config.columns)
    stages.lap("read canopy")
    qbo_set = read_qbo_csv(qbo, config.columns)
    stages.lap("read qbo")

    def progress(step: str, fraction: float) -> None:
        # The engine reports each step as it ends; "normalise" is the keys (add_keys).
        stages.lap("keys" if step == "normalise" else f"match {step}")

    report = build_report(canopy_set, qbo_set, config, progress)
    # Built and written in one pass (the lists stream into the file), so one stage.
    report.write_json(out)
    stages.lap("report json")
    format_summary(report)
    stages.lap("summary")
    print(f"{canopy.parent.name}: {canopy_set.frame.height} × {qbo_set.frame.height} records, "
          f"report at {out}")
    print(stages.table())


if __name__ == "__main__":
    main()
