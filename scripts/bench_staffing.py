"""Benchmark the staffing and what-if core (lm.weekahead.staffing / whatif) on a synthetic week.

    .venv/bin/python scripts/bench_staffing.py [--days 7] [--scenarios 5] [--repeats 5] [--seed 1]

The plan: days x 24 hours, open 07-21 with an intraday peak and day-to-day noise, a trickle of night calls on
one operator, fractional historical operators. Times, each the median of --repeats runs:
  1. staffing_plan: Erlang C and Erlang A agents required for every hour;
  2. run_scenarios: the baseline and --scenarios - 1 scenarios with per-hour requirements;
  3. run_scenarios without the requirement search (with_requirements=False);
  4. one scalar erlang_a call and one agents_required_erlang_a search (a busy hour), mean of 2000 / 300.
Prints the figures; nothing is asserted.
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from collections.abc import Callable
from datetime import datetime, timedelta

import numpy as np

from lm.weekahead import staffing
from lm.weekahead.whatif import CalcParams, PlanHour, Scenario, run_scenarios, staffing_plan

SCENARIO_POOL = [
    Scenario("vol_plus_10", "10 % more calls", volume_change_pct=10),
    Scenario("aht_minus_20", "20 s shorter calls", aht_change_sec=-20),
    Scenario("plus_2_midday", "2 operators more 10-14", extra_operators=2, hour_from=10, hour_to=14),
    Scenario("impatient", "callers' patience 60 s", overrides={"mean_patience_sec": 60.0}),
    Scenario("minus_1_evening", "1 operator less 18-21 on weekdays", -0.0, 0, -1, 18, 21, frozenset(range(1, 6))),
    Scenario("vol_minus_15", "15 % fewer calls", volume_change_pct=-15),
]


def make_plan(days: int, seed: int) -> list[PlanHour]:
    rng = np.random.default_rng(seed)
    start = datetime(2026, 12, 14)
    plan: list[PlanHour] = []
    for i in range(days * 24):
        ds = start + timedelta(hours=i)
        h = ds.hour
        if 7 <= h < 21:
            offered = (60 + 140 * math.sin(math.pi * (h - 7) / 14)) * rng.uniform(0.8, 1.2)
            aht = 240 * rng.uniform(0.9, 1.1)
            operators = round(offered * aht / 3600 / rng.uniform(0.75, 0.9), 1)
        else:
            offered = rng.uniform(0, 6)
            aht, operators = 240.0, 1.0
        plan.append(PlanHour(ds, offered, aht, offered * 0.3, operators))
    return plan


def timed(fn: Callable[[], object], repeats: int) -> float:
    runs = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=int, default=7)
    ap.add_argument("--scenarios", type=int, default=5, help="including the baseline")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    plan = make_plan(args.days, args.seed)
    scenarios = SCENARIO_POOL[: max(0, args.scenarios - 1)]
    params = CalcParams()

    t_staff = timed(lambda: staffing_plan(plan, params), args.repeats)
    t_all = timed(lambda: run_scenarios(plan, params, scenarios), args.repeats)
    t_eval = timed(lambda: run_scenarios(plan, params, scenarios, with_requirements=False), args.repeats)
    t_total = timed(lambda: (staffing_plan(plan, params), run_scenarios(plan, params, scenarios)), args.repeats)

    n = 2000
    t = time.perf_counter()
    for _ in range(n):
        staffing.erlang_a(200, 240, 16, 180, 20, short_abandon_sec=5)
    t_one = (time.perf_counter() - t) / n
    m = 300
    t = time.perf_counter()
    for _ in range(m):
        staffing.agents_required_erlang_a(200, 240, 180, 0.8, 20, 0.85, 0.3, short_abandon_sec=5)
    t_req = (time.perf_counter() - t) / m

    results = run_scenarios(plan, params, scenarios)
    print(f"plan: {len(plan)} hours ({args.days} days x 24), {len(results)} scenarios incl. the baseline")
    print(f"staffing_plan (Erlang C + Erlang A agents required per hour): {t_staff * 1000:8.1f} ms")
    print(f"run_scenarios with per-hour requirements:                   {t_all * 1000:8.1f} ms")
    print(f"run_scenarios without requirements:                         {t_eval * 1000:8.1f} ms")
    print(f"staffing_plan + run_scenarios (the whole what-if step):     {t_total * 1000:8.1f} ms")
    print(f"one erlang_a (200 calls/h, 16 agents):                     {t_one * 1e6:8.1f} us")
    print(f"one agents_required_erlang_a (200 calls/h):                {t_req * 1e6:8.1f} us")
    print(f"median of {args.repeats} runs")
    print()
    print(f"{'scenario':<18}{'offered':>9}{'SL':>8}{'ASA s':>8}{'aband.':>8}{'bookings':>10}{'req. agent-h':>14}")
    for r in results:
        w = r.total
        print(
            f"{w.scenario_code:<18}{w.offered:>9.0f}{w.service_level:>8.3f}{w.asa_sec:>8.1f}"
            f"{w.abandon_rate:>8.3f}{w.bookings:>10.1f}{w.agents_required_hours or 0:>14d}"
        )


if __name__ == "__main__":
    main()
