"""Benchmark of the day routes (issue 10): solver length against the optimum, and time.

    python bench/route_bench.py [--quick] [--seed N]

Random days of 5–60 stops inside Ezhou (lat 30.2–30.6, lon 114.5–115.1) from the office in
the city centre. For 5–13 stops the OR-Tools solver, at the production time limit, is compared
with the exact optimum (Held–Karp); above, with a long solver run (5 s, 1 s with --quick).
Production uses the exact method up to ``EXACT_MAX_STOPS`` and the solver above; the figures
below are the solver's, so they show its quality where the exact method can check it.
Targets: mean gap ≤ 2 %, worst ≤ 5 %, a 30-stop day under 200 ms. The last line reads
``routes: mean gap X% to the optimum, worst Y%, 30-stop day Z ms``.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.geo import Point  # noqa: E402
from services.routes import EXACT_MAX_STOPS, exact_order, order_stops, solver_order  # noqa: E402

OFFICE = Point(30.3908, 114.8949)


def day(rng: random.Random, n: int) -> list[Point]:
    """``n`` random stops inside Ezhou."""
    return [Point(rng.uniform(30.2, 30.6), rng.uniform(114.5, 115.1)) for _ in range(n)]


def main() -> None:
    """Run the benchmark and print one line per size, then the summary line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer days, shorter references")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    per_size = 4 if args.quick else 12
    long_ms = 1000 if args.quick else 5000
    exact_sizes = list(range(5, 14))
    ref_sizes = [15, 20, 30, 45, 60] if args.quick else [15, 20, 25, 30, 40, 50, 60]
    solver_order(OFFICE, day(rng, 8), 50)  # load OR-Tools once, outside the timings

    exact_gaps: list[float] = []
    long_gaps: list[float] = []
    print(f"{'stops':>5} {'ref':>6} {'mean gap':>9} {'worst':>7} {'solver ms':>10} "
          f"{'ref ms':>8}")
    for n in exact_sizes + ref_sizes:
        gaps, times, ref_times = [], [], []
        for _ in range(per_size):
            stops = day(rng, n)
            t0 = time.perf_counter()
            solved = solver_order(OFFICE, stops)
            t1 = time.perf_counter()
            ref = exact_order(OFFICE, stops) if n <= 13 else solver_order(OFFICE, stops, long_ms)
            t2 = time.perf_counter()
            gaps.append(solved.km / ref.km - 1)
            times.append((t1 - t0) * 1000)
            ref_times.append((t2 - t1) * 1000)
        (exact_gaps if n <= 13 else long_gaps).extend(gaps)
        print(f"{n:>5} {'exact' if n <= 13 else 'long':>6} {statistics.mean(gaps):>8.2%} "
              f"{max(gaps):>7.2%} {statistics.median(times):>10.0f} "
              f"{statistics.median(ref_times):>8.0f}")

    thirty = []
    for _ in range(per_size):
        stops = day(rng, 30)
        t0 = time.perf_counter()
        order_stops(OFFICE, stops)
        thirty.append((time.perf_counter() - t0) * 1000)
    print(f"production: exact up to {EXACT_MAX_STOPS} stops, OR-Tools above")
    print(f"against long runs ({ref_sizes[0]}-{ref_sizes[-1]} stops): mean gap "
          f"{statistics.mean(long_gaps):.2%}, worst {max(long_gaps):.2%}")
    print(f"routes: mean gap {statistics.mean(exact_gaps):.2%} to the optimum, "
          f"worst {max(exact_gaps):.2%}, 30-stop day {statistics.median(thirty):.0f} ms")


if __name__ == "__main__":
    main()
