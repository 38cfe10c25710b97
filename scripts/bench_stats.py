"""Benchmark LM's statistics layer on one target: after a full build over a large history, the three BI
queries of issue 9 (median of 5 runs each) and what the statistics models add to the incremental run after
one day of new calls.

    .venv/bin/python scripts/bench_stats.py [--calls 1000000] [--day-calls 1500] [--target mariadb] [--reuse]

The BI queries, over the latest call date D of fct_calls:
  1. a month of one metric by day:     vw_lm_daily_stats, response_speed_score, dimension all, D-29 .. D
  2. a month of KPIs by day x channel: vw_lm_kpi_daily, dimension channel, D-29 .. D
  3. the last 7 days of KPIs by hour:  vw_lm_kpi_hourly, dimension all, D-6 .. D
The incremental refresh cost is the run time of int_stats_refresh_days + fct_calls +
agg_lm_daily_metric_stats in the incremental run (dbt's run_results.json).

Uses its own schemas (lm_bench_stats_src for the sources and lm_value, lm_bench_stats for the models; a
temporary DuckDB file for duckdb) and prints the figures; nothing is asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from lm import dbt_runner, project, secret, warehouse
from lm import demo as gen

SOURCE_SCHEMA = "lm_bench_stats_src"
MODEL_SCHEMA = "lm_bench_stats"
STATS_MODELS = ("int_stats_refresh_days", "fct_calls", "agg_lm_daily_metric_stats")
RUNS = 5


def _dbt(env: dict[str, str], *args: str) -> tuple[float, dict[str, float]]:
    started = time.perf_counter()
    proc = dbt_runner.invoke(args, environ=env, capture=True)
    elapsed = time.perf_counter() - started
    if not proc.success:
        print(proc.stdout[-4000:], proc.stderr[-2000:], file=sys.stderr)
        raise SystemExit(f"dbt {' '.join(args)} failed")
    results = json.loads((Path(env["DBT_TARGET_PATH"]) / "run_results.json").read_text())["results"]
    timings = {r["unique_id"].split(".")[-1]: float(r["execution_time"]) for r in results}
    slowest = sorted(timings.items(), key=lambda item: -item[1])[:4]
    detail = ", ".join(f"{name} {seconds:.1f}s" for name, seconds in slowest)
    print(f"  dbt {' '.join(args)}: {elapsed:.1f} s (slowest: {detail})")
    return elapsed, timings


def _queries(wh: warehouse.Warehouse, latest: dt.date) -> dict[str, str]:
    def day(offset: int) -> str:
        return (latest - dt.timedelta(days=offset)).isoformat()

    stats = wh.qualify(MODEL_SCHEMA, "vw_lm_daily_stats")
    daily = wh.qualify(MODEL_SCHEMA, "vw_lm_kpi_daily")
    hourly = wh.qualify(MODEL_SCHEMA, "vw_lm_kpi_hourly")
    return {
        "month of one metric by day": (
            f"select call_date, call_count, value_mean, value_p50, value_p90 from {stats}"
            f" where metric_code = 'response_speed_score' and dimension = 'all'"
            f" and call_date between '{day(29)}' and '{day(0)}' order by call_date"
        ),
        "month of KPIs by day x channel": (
            f"select * from {daily} where dimension = 'channel'"
            f" and call_date between '{day(29)}' and '{day(0)}' order by call_date, dimension_value"
        ),
        "last 7 days of KPIs by hour": (
            f"select * from {hourly} where dimension = 'all'"
            f" and call_date between '{day(6)}' and '{day(0)}' order by call_date, call_hour"
        ),
    }


def _median_seconds(wh: warehouse.Warehouse, sql: str) -> tuple[float, int]:
    times: list[float] = []
    rows: list[Any] = []
    for _ in range(RUNS):
        started = time.perf_counter()
        rows = wh.query(sql)
        times.append(time.perf_counter() - started)
    return statistics.median(times), len(rows)


def _measure_queries(env: dict[str, str], target: str) -> dict[str, float]:
    wh = warehouse.connect(target, environ=env)
    try:
        latest_value = wh.query(f"select max(call_date) from {wh.qualify(MODEL_SCHEMA, 'fct_calls')}")[0][0]
        latest = latest_value if isinstance(latest_value, dt.date) else dt.date.fromisoformat(str(latest_value)[:10])
        medians = {}
        for name, sql in _queries(wh, latest).items():
            median, rows = _median_seconds(wh, sql)
            medians[name] = median
            print(f"  {name}: median of {RUNS} {median:.3f} s ({rows} rows)")
    finally:
        wh.close()
    return medians


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--day-calls", type=int, default=1500, help="new calls in the incremental day")
    parser.add_argument("--target", default="mariadb")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--reuse", action="store_true", help="keep the history of a previous run; measure the day")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="lm_bench_stats_"))
    env = dict(os.environ)
    env.update(
        {
            "LM_TARGET": args.target,
            "LM_SOURCE_SCHEMA": SOURCE_SCHEMA,
            "LM_SCHEMA": MODEL_SCHEMA,
            "LM_DUCKDB_PATH": str(tmp / "bench.duckdb"),
            "DBT_PROFILES_DIR": str(project.profiles_dir()),
            "DBT_TARGET_PATH": str(tmp / "target"),
            "DBT_LOG_PATH": str(tmp / "logs"),
        }
    )
    history = gen.generate(args.calls, seed=args.seed)
    full_s = float("nan")
    full_stats: dict[str, float] = {}
    if not args.reuse:
        wh = warehouse.connect(args.target, environ=env)
        try:
            wh.drop_schema(MODEL_SCHEMA)
            wh.drop_schema(SOURCE_SCHEMA)
            started = time.perf_counter()
            counts = gen.load(wh, SOURCE_SCHEMA, history, replace=True)
            print(f"history: {counts} loaded in {time.perf_counter() - started:.1f} s")
            secret.install(wh, MODEL_SCHEMA)
        finally:
            wh.close()
        _dbt(env, "seed")
        full_s, full_stats = _dbt(env, "run")
    print("BI queries after the full build:")
    medians = _measure_queries(env, args.target)

    day = gen.next_batch(history, args.day_calls, seed=args.seed + 1)
    wh = warehouse.connect(args.target, environ=env)
    try:
        day_counts = gen.load(wh, SOURCE_SCHEMA, day, replace=False)
    finally:
        wh.close()
    print(f"one day of new data: {day_counts}")
    incr_s, incr = _dbt(env, "run")
    wh = warehouse.connect(args.target, environ=env)
    try:
        scope = wh.query(f"select count(*) from {wh.qualify(MODEL_SCHEMA, 'int_scoring_scope')}")[0][0]
        days = wh.query(f"select count(*) from {wh.qualify(MODEL_SCHEMA, 'int_stats_refresh_days')}")[0][0]
    finally:
        wh.close()
    stats_s = sum(incr.get(name, 0.0) for name in STATS_MODELS)
    detail = ", ".join(f"{name} {incr.get(name, 0.0):.2f} s" for name in STATS_MODELS)
    full_detail = ", ".join(f"{name} {full_stats.get(name, float('nan')):.1f} s" for name in STATS_MODELS)
    print(f"incremental run: {scope:,} calls rescored, {days} days of statistics recomputed")
    print(
        f"RESULT target={args.target} calls={args.calls:,}: full build {full_s:.1f} s ({full_detail}); "
        + "; ".join(f"{name} {seconds:.3f} s" for name, seconds in medians.items())
        + f"; incremental day {incr_s:.1f} s of which statistics {stats_s:.2f} s ({detail})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
