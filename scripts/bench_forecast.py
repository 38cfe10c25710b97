"""Benchmark the forecast step on one target: feature extraction + training on a large history, scoring
every call, and scoring a batch of new calls, each as its own `lm` process (wall time and its peak RSS).

    .venv/bin/python scripts/bench_forecast.py [--calls 1000000] [--score-calls 100000] [--target mariadb]

Builds only what the forecast step reads (dbt run --select +int_forecast_features +int_forecast_labels) in
its own schemas (lm_bench_fc_src, lm_bench_fc; a temporary DuckDB file for duckdb) and prints the figures;
nothing is asserted (speed is measured here, not in tests). The issue's goals: extraction + training on
1M calls under 60 s, scoring 100k calls under 10 s, peak memory of the Python process under 4 GB.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lm import dbt_runner, project, secret, warehouse
from lm import demo as gen
from lm.forecast import step

SOURCE_SCHEMA = "lm_bench_fc_src"
MODEL_SCHEMA = "lm_bench_fc"
LM = str(Path(sys.executable).with_name("lm"))


def _timed_lm(env: dict[str, str], *args: str) -> tuple[float, float, str]:
    """Run `lm args` as a child process: (wall seconds, its peak RSS in MB, its output)."""
    started = time.perf_counter()
    proc = subprocess.Popen([LM, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - started
    if proc.returncode:
        print(output[-4000:], file=sys.stderr)
        raise SystemExit(f"lm {' '.join(args)} failed ({proc.returncode})")
    return elapsed, usage.ru_maxrss / 1024, output


def _server_rss_mb(target: str) -> float | None:
    if target == "duckdb":
        return None
    for name in ("mariadbd", "mysqld"):
        found = subprocess.run(["ps", "-o", "rss=", "-C", name], capture_output=True, text=True).stdout.split()
        if found:
            return sum(int(value) for value in found) / 1024
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--score-calls", type=int, default=100_000, help="calls rescored in the 'new calls' step")
    parser.add_argument("--target", default="mariadb")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--reuse", action="store_true", help="keep the history and features of a previous run")
    parser.add_argument("--source-schema", default=SOURCE_SCHEMA, help="with --reuse: e.g. another benchmark's")
    parser.add_argument("--model-schema", default=MODEL_SCHEMA, help="with --reuse: e.g. another benchmark's")
    args = parser.parse_args(argv)
    source_schema, model_schema = args.source_schema, args.model_schema

    tmp = Path(tempfile.mkdtemp(prefix="lm_bench_forecast_"))
    env = dict(os.environ)
    env.update(
        {
            "LM_TARGET": args.target,
            "LM_SOURCE_SCHEMA": source_schema,
            "LM_SCHEMA": model_schema,
            "LM_DUCKDB_PATH": str(Path(os.environ.get("LM_BENCH_DIR", tmp)) / "bench_forecast.duckdb"),
            "LM_MODEL_DIR": str(tmp / "models"),
            "DBT_PROFILES_DIR": str(project.profiles_dir()),
            "DBT_TARGET_PATH": str(tmp / "target"),
            "DBT_LOG_PATH": str(tmp / "logs"),
        }
    )
    if not args.reuse:
        history = gen.generate(args.calls, seed=args.seed)
        with warehouse.connect(args.target, environ=env) as wh:
            wh.drop_schema(model_schema)
            wh.drop_schema(source_schema)
            counts = gen.load(wh, source_schema, history, replace=True)
            secret.install(wh, model_schema)
        del history
        print(f"history: {counts}")
        started = time.perf_counter()
        for dbt_args in (("seed",), ("run", "--select", "+int_forecast_features", "+int_forecast_labels")):
            proc = dbt_runner.invoke(dbt_args, environ=env, capture=True)
            if not proc.success:
                print(proc.stdout[-4000:], file=sys.stderr)
                raise SystemExit(f"dbt {' '.join(dbt_args)} failed")
        print(f"features built in {time.perf_counter() - started:.1f} s")
    train_s, train_mb, output = _timed_lm(env, "train", "--target", args.target)
    print(output[-3000:])
    score_all_s, score_all_mb, _ = _timed_lm(env, "score", "--target", args.target)
    with warehouse.connect(args.target, environ=env) as wh:
        scores = wh.qualify(model_schema, step.SCORES_TABLE)
        newest = wh.query(
            f"select history_id from {scores} order by history_id desc limit 1 offset {args.score_calls - 1}"
        )
        wh.execute(f"delete from {scores} where history_id >= {int(newest[0][0])}")
        server_mb = _server_rss_mb(args.target)
        version = wh.query("select version()")[0][0] if wh.target.is_mysql else "duckdb"
    score_s, score_mb, _ = _timed_lm(env, "score", "--target", args.target)
    print(
        f"RESULT target={args.target} ({version}, {os.cpu_count()} cores) calls={args.calls:,}: "
        f"extraction + training {train_s:.1f} s (peak RSS {train_mb:,.0f} MB); "
        f"scoring every call {score_all_s:.1f} s ({score_all_mb:,.0f} MB); "
        f"scoring {args.score_calls:,} new calls {score_s:.1f} s ({score_mb:,.0f} MB); "
        f"database server RSS {'-' if server_mb is None else f'{server_mb:,.0f} MB'} "
        "(each figure one lm process, start-up included)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
