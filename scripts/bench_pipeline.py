"""Benchmark LM's scoring end to end on one target: a full build over a large history, then an
incremental run after one day of new calls (with the late gradings that arrived meanwhile).

    .venv/bin/python scripts/bench_pipeline.py [--calls 1000000] [--day-calls 1500] [--target mariadb]

Uses its own schemas (lm_bench_src for the sources and lm_value, lm_bench for the models; a temporary
DuckDB file for duckdb) and prints the figures; nothing is asserted (speed is measured here, not in tests).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from lm import dbt_runner, project, secret, warehouse
from lm import demo as gen

SOURCE_SCHEMA = "lm_bench_src"
MODEL_SCHEMA = "lm_bench"


def _dbt(env: dict[str, str], *args: str) -> float:
    started = time.perf_counter()
    proc = dbt_runner.invoke(args, environ=env, capture=True)
    elapsed = time.perf_counter() - started
    if not proc.success:
        print(proc.stdout[-4000:], proc.stderr[-2000:], file=sys.stderr)
        raise SystemExit(f"dbt {' '.join(args)} failed")
    timings = json.loads((Path(env["DBT_TARGET_PATH"]) / "run_results.json").read_text())["results"]
    slowest = sorted(timings, key=lambda r: -r["execution_time"])[:4]
    detail = ", ".join(f"{r['unique_id'].split('.')[-1]} {r['execution_time']:.1f}s" for r in slowest)
    print(f"  dbt {' '.join(args)}: {elapsed:.1f} s (slowest: {detail})")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--day-calls", type=int, default=1500, help="new calls in the incremental day")
    parser.add_argument("--target", default="mariadb")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--reuse", action="store_true", help="keep the history and lm_value of a previous run; measure the day only"
    )
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="lm_bench_pipeline_"))
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
    full_s = test_s = float("nan")
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
        full_s = _dbt(env, "run")
        test_s = _dbt(env, "test", "--exclude", "path:tests/macros")

    day = gen.next_batch(history, args.day_calls, seed=args.seed + 1)
    wh = warehouse.connect(args.target, environ=env)
    try:
        day_counts = gen.load(wh, SOURCE_SCHEMA, day, replace=False)
        total = wh.query(f"select count(*) from {wh.qualify(SOURCE_SCHEMA, 'lm_value')}")[0][0]
    finally:
        wh.close()
    print(f"one day of new data: {day_counts}")
    incr_s = _dbt(env, "run")

    wh = warehouse.connect(args.target, environ=env)
    try:
        log = wh.query(
            f"select scope_calls, rows_written, rows_deleted from {wh.qualify(MODEL_SCHEMA, 'lm_run_log')} "
            "order by logged_at"
        )
        after = wh.query(f"select count(*) from {wh.qualify(SOURCE_SCHEMA, 'lm_value')}")[0][0]
    finally:
        wh.close()
    print(f"lm_value rows: {total:,} after the full build, {after:,} after the incremental day")
    print(f"run log (scope_calls, rows_written, rows_deleted): {log}")
    print(
        f"RESULT target={args.target} calls={args.calls:,}: full build {full_s:.1f} s, "
        f"dbt test {test_s:.1f} s, incremental day ({args.day_calls} new calls) {incr_s:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
