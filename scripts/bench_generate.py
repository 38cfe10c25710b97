"""Benchmark the demo data generator and its bulk loader.

    .venv/bin/python scripts/bench_generate.py [--calls 1000000] [--targets duckdb,mariadb] [--seed 42] [--no-truth]

Prints the generation time (with the forecast labels' truth, DemoData.truth, unless --no-truth) and, per
target, the load time (the truth table lm_demo_truth included) and calls/s. DuckDB loads into a temporary
file; MariaDB (the ``mariadb`` output of the dbt profile, LM_MYSQL_* env vars) into the schema
``lm_bench_src``, dropped afterwards unless ``--keep``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from lm import demo as gen
from lm import warehouse

BENCH_SCHEMA = "lm_bench_src"


def _connect(target: str, tmp_dir: Path) -> warehouse.Warehouse:
    if target == "duckdb":
        return warehouse.connect(
            warehouse.Target(name="duckdb", type="duckdb", schema=BENCH_SCHEMA, path=str(tmp_dir / "bench.duckdb"))
        )
    return warehouse.connect(target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--targets", default="duckdb,mariadb")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", action="store_true", help="keep the MariaDB schema lm_bench_src")
    parser.add_argument("--no-truth", action="store_true", help="skip DemoData.truth (GeneratorConfig.truth)")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    data = gen.generate(args.calls, seed=args.seed, config=gen.GeneratorConfig(truth=not args.no_truth))
    gen_s = time.perf_counter() - started
    summary = data.summary()
    print(
        f"generated {summary['calls']:,} calls and {summary['gradings']:,} gradings in {gen_s:.2f} s "
        f"({summary['calls'] / gen_s:,.0f} calls/s); calls up to {data.as_of:%Y-%m-%d}; "
        f"truth rows {data.truth.num_rows:,}"
    )
    with tempfile.TemporaryDirectory(prefix="lm_bench_") as tmp:
        for target in [name.strip() for name in args.targets.split(",") if name.strip()]:
            wh = _connect(target, Path(tmp))
            try:
                wh.drop_schema(BENCH_SCHEMA)
                started = time.perf_counter()
                counts = gen.load(wh, BENCH_SCHEMA, data)
                load_s = time.perf_counter() - started
                stored = {
                    table: wh.query(f"select count(*) from {wh.qualify(BENCH_SCHEMA, table)}")[0][0] for table in counts
                }
                if stored != counts:
                    print(f"{target}: row counts differ after load: wrote {counts}, found {stored}", file=sys.stderr)
                    return 1
                total = gen_s + load_s
                print(
                    f"{target:8s} load {load_s:6.2f} s ({counts['call_history'] / load_s:,.0f} calls/s, "
                    f"{sum(counts.values()) / load_s:,.0f} rows/s); generate + load {total:6.2f} s "
                    f"({counts['call_history'] / total:,.0f} calls/s)"
                )
                if target != "duckdb" and not args.keep:
                    wh.drop_schema(BENCH_SCHEMA)
            finally:
                wh.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
