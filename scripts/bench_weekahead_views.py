"""Benchmark the week-ahead BI views on one target when the state tables hold many appended runs.

    .venv/bin/python scripts/bench_weekahead_views.py [--runs 120] [--series 15] [--target mariadb]

Builds only the week-ahead staging and BI views (the on-run-start hooks create the state tables) in its own
schemas (lm_bench_wa_src, lm_bench_wa; a temporary DuckDB file for duckdb), fills lm_weekahead_forecast and
lm_staffing_hourly with `--runs` daily runs of synthetic rows (3 models x `--series` series x 7 days + 168
hours per run; 168 staffing hours per run), and prints the median time of reading each view (the latest run
only) over 5 queries. Nothing is asserted (speed is measured here, not in tests).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa

from lm import dbt_runner, project, secret, warehouse

SOURCE_SCHEMA = "lm_bench_wa_src"
MODEL_SCHEMA = "lm_bench_wa"
MODELS = ("SeasonalNaive", "AutoETS", "MSTL")
VIEWS = ("vw_lm_forecast_daily", "vw_lm_forecast_hourly", "vw_lm_staffing_hourly")
RUNS = 5


def _forecast_rows(runs: int, series: int) -> pa.Table:
    columns: dict[str, list[object]] = {
        name: []
        for name in ("forecast_run_id", "series_code", "grain", "period_start", "model_name", "is_chosen", "point")
    }
    at: list[dt.datetime] = []
    for run in range(runs):
        written = dt.datetime(2026, 1, 1, 6) + dt.timedelta(days=run)
        first = written.replace(hour=0) + dt.timedelta(days=1)
        for code in range(series):
            for model in MODELS:
                for grain, count, step in (("day", 7, dt.timedelta(days=1)), ("hour", 168, dt.timedelta(hours=1))):
                    for i in range(count):
                        columns["forecast_run_id"].append(f"wa-bench-{run:05d}")
                        columns["series_code"].append(f"series_{code}")
                        columns["grain"].append(grain)
                        columns["period_start"].append(first + i * step)
                        columns["model_name"].append(model)
                        columns["is_chosen"].append(int(model == "AutoETS"))
                        columns["point"].append(float(i % 24))
                        at.append(written)
    return pa.table({**columns, "forecast_at": at, "lm_version": ["bench"] * len(at)})


def _staffing_rows(runs: int) -> pa.Table:
    run_ids, starts, at = [], [], []
    for run in range(runs):
        written = dt.datetime(2026, 1, 1, 6) + dt.timedelta(days=run)
        for hour in range(168):
            run_ids.append(f"wa-bench-{run:05d}")
            starts.append(written.replace(hour=0) + dt.timedelta(days=1, hours=hour))
            at.append(written)
    n = len(run_ids)
    return pa.table(
        {
            "forecast_run_id": run_ids,
            "period_start": starts,
            "calls_forecast": [10.0] * n,
            "agents_erlang_a": pa.array([3] * n, pa.int32()),
            "operators_history": [2.5] * n,
            "forecast_at": at,
            "lm_version": ["bench"] * n,
        }
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=120, help="appended lm forecast runs")
    parser.add_argument("--series", type=int, default=15)
    parser.add_argument("--target", default="mariadb")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="lm_bench_wa_"))
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
    wh = warehouse.connect(args.target, environ=env)
    try:
        wh.drop_schema(MODEL_SCHEMA)
        wh.drop_schema(SOURCE_SCHEMA)
        wh.create_source_tables(SOURCE_SCHEMA)
        wh.ensure_schema(MODEL_SCHEMA)
        secret.install(wh, MODEL_SCHEMA)
    finally:
        wh.close()
    select = ["stg_lm_state__weekahead_forecast", "stg_lm_state__staffing_hourly", *VIEWS]
    proc = dbt_runner.invoke(["run", "--select", *select], environ=env, capture=True)
    if not proc.success:
        print(proc.stdout[-4000:], proc.stderr[-2000:], file=sys.stderr)
        raise SystemExit("dbt run failed")

    forecast, staffing = _forecast_rows(args.runs, args.series), _staffing_rows(args.runs)
    wh = warehouse.connect(args.target, environ=env)
    try:
        started = time.perf_counter()
        wh.load_arrow(MODEL_SCHEMA, "lm_weekahead_forecast", forecast)
        wh.load_arrow(MODEL_SCHEMA, "lm_staffing_hourly", staffing)
        print(
            f"loaded {forecast.num_rows:,} forecast and {staffing.num_rows:,} staffing rows"
            f" in {time.perf_counter() - started:.1f} s"
        )
        if args.target != "duckdb":
            for table in ("lm_weekahead_forecast", "lm_staffing_hourly"):
                wh.query(f"analyze table {wh.qualify(MODEL_SCHEMA, table)}")
        medians = {}
        for view in VIEWS:
            times, rows = [], 0
            for _ in range(RUNS):
                started = time.perf_counter()
                rows = len(wh.query(f"select * from {wh.qualify(MODEL_SCHEMA, view)}"))
                times.append(time.perf_counter() - started)
            medians[view] = statistics.median(times)
            print(f"  {view}: median of {RUNS} {medians[view]:.3f} s ({rows} rows)")
    finally:
        wh.close()
    print(
        f"RESULT target={args.target} runs={args.runs} forecast_rows={forecast.num_rows:,}: "
        + "; ".join(f"{view} {seconds:.3f} s" for view, seconds in medians.items())
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
