"""Benchmark of the lm_registry materialization (a measurement, not a test).

Drives pytests/registry_project with generated rows (calls x metrics from a cross join of digit
sequences) and prints how long the lm_value model took, with the time of each of its statements:

  1. 100k calls x 15 metrics = 1.5M rows upserted into an empty lm_value;
  2. 1.5k of those calls recomputed with every value changed (22.5k rows updated in place);
  3. 1.5k new calls (22.5k rows inserted into the 1.5M-row table);
  4. 1.5k calls recomputed with one metric retired (21k rows unchanged, 1.5k stale rows deleted);
  5. --full-refresh over every call (the table is kept; 1.5k calls change back, 1.5k rows come back).

Usage: .venv/bin/python scripts/bench_registry.py [--target mariadb|duckdb] [--calls 100000] [--batch 1500] [--keep]
MariaDB databases lm_reg_bench_src / lm_reg_bench (DuckDB: a temporary file) are dropped and recreated, and
dropped again at the end unless --keep.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import yaml

from lm import dbt_runner
from lm.warehouse import Target, connect

PROJECT_DIR = Path(__file__).resolve().parents[1] / "pytests" / "registry_project"
SOURCE_SCHEMA = "lm_reg_bench_src"
TARGET_SCHEMA = "lm_reg_bench"
METRICS = 15
NODE = "model.lm.lm_value"


@dataclass
class Step:
    label: str
    first_call: int
    calls: int
    metrics: int
    salt: int
    full_refresh: bool = False


def _targets(duckdb_path: Path) -> dict[str, Target]:
    return {
        "mariadb": Target(
            name="mariadb",
            type="mariadb",
            schema=TARGET_SCHEMA,
            host=os.environ.get("LM_MYSQL_HOST", "127.0.0.1"),
            port=int(os.environ.get("LM_MYSQL_PORT", "3306")),
            user=os.environ.get("LM_MYSQL_USER", "lm"),
            password=os.environ.get("LM_MYSQL_PASSWORD", ""),
        ),
        "duckdb": Target(name="duckdb", type="duckdb", schema=TARGET_SCHEMA, path=str(duckdb_path)),
    }


def _write_profile(directory: Path, targets: dict[str, Target]) -> None:
    mysql = targets["mariadb"]
    outputs = {
        "duckdb": {"type": "duckdb", "path": targets["duckdb"].path, "schema": TARGET_SCHEMA, "threads": 1},
        "mariadb": {
            "type": "mariadb",
            "server": mysql.host,
            "port": mysql.port,
            "username": mysql.user,
            "password": mysql.password,
            "schema": TARGET_SCHEMA,
            "threads": 1,
        },
    }
    (directory / "profiles.yml").write_text(yaml.safe_dump({"lm": {"target": "duckdb", "outputs": outputs}}))


def _load_sources(target: Target, n_calls: int) -> None:
    """call_history and call_scores for every call the steps write (the foreign keys check them)."""
    warehouse = connect(target)
    try:
        for schema in (TARGET_SCHEMA, SOURCE_SCHEMA):
            warehouse.drop_schema(schema)
        warehouse.ensure_schema(TARGET_SCHEMA)
        warehouse.create_source_tables(SOURCE_SCHEMA)
        ids = pa.array(range(1, n_calls + 1), type=pa.uint32())
        started = pa.array(["2025-01-01 09:00:00"] * n_calls)
        history = pa.table(
            {
                "history_id": ids,
                "call_started_at": started,
                "direction": pa.array(["in"] * n_calls),
                "call_status": pa.array(["answered"] * n_calls),
                "updated_at": started,
            }
        )
        scores = pa.table({"id": ids, "history_id": ids, "call_date": pa.array(["2025-01-01"] * n_calls)})
        warehouse.load_arrow(SOURCE_SCHEMA, "call_history", history)
        warehouse.load_arrow(SOURCE_SCHEMA, "call_scores", scores)
    finally:
        warehouse.close()


def _statement_seconds(log_text: str) -> dict[str, float]:
    """Seconds of each statement the lm_value model ran, from the timestamps of dbt's debug log."""
    kinds = [
        ("temp table (model query)", re.compile(r"^\s*create temporary table", re.IGNORECASE)),
        ("upsert", re.compile(r"^\s*insert into \S+lm_value\S* \(", re.IGNORECASE)),
        ("stale-row count", re.compile(r"^\s*select count\(\*\) as stale_rows", re.IGNORECASE)),
        ("delete stale rows", re.compile(r"^\s*delete", re.IGNORECASE)),
        ("run log", re.compile(r"^\s*insert into \S+lm_run_log", re.IGNORECASE)),
    ]
    stamp = re.compile(r"(\d{2}):(\d{2}):(\d{2}\.\d+) \[debug\]")
    seconds: dict[str, float] = {}
    started: float | None = None
    current: str | None = None
    for line in log_text.splitlines():
        found = stamp.search(line)
        if found and f"On {NODE}: " in line:
            hours, minutes, secs = found.groups()
            started, current = int(hours) * 3600 + int(minutes) * 60 + float(secs), None
            continue
        if started is not None and current is None and not found:
            current = next((label for label, pattern in kinds if pattern.search(line)), None)
            if current is None and line.strip():
                started = None
            continue
        if found and current is not None and started is not None and "SQL status" in line:
            hours, minutes, secs = found.groups()
            elapsed = int(hours) * 3600 + int(minutes) * 60 + float(secs) - started
            seconds[current] = seconds.get(current, 0.0) + elapsed
            started, current = None, None
    return seconds


def _run_step(target: Target, profiles_dir: Path, work_dir: Path, step: Step) -> None:
    log_path = work_dir / "logs"
    log_file = log_path / "dbt.log"
    if log_file.exists():
        log_file.unlink()
    variables = {
        "lm_source_schema": SOURCE_SCHEMA,
        "reg_bench_first_call": step.first_call,
        "reg_bench_calls": step.calls,
        "reg_bench_metrics": step.metrics,
        "reg_bench_salt": step.salt,
        "reg_hooks": False,
    }
    args = [
        "run",
        "--project-dir", str(PROJECT_DIR),
        "--profiles-dir", str(profiles_dir),
        "--target", target.name,
        "--target-path", str(work_dir / "target"),
        "--log-path", str(log_path),
        "--no-partial-parse",
        "--quiet",
        "--vars", json.dumps(variables),
        "--select", "reg_scope", "reg_batch", "lm_value",
        *(["--full-refresh"] if step.full_refresh else []),
    ]  # fmt: skip
    started = time.perf_counter()
    result = dbt_runner.invoke(args, project_dir=PROJECT_DIR, capture=True)
    wall = time.perf_counter() - started
    if not result.success:
        raise SystemExit(f"{step.label}: dbt failed:\n{result.stdout[-4000:]}\n{result.stderr[-2000:]}")
    run_results = json.loads((work_dir / "target" / "run_results.json").read_text())
    node = next(item for item in run_results["results"] if item["unique_id"] == NODE)
    warehouse = connect(target)
    try:
        registry = warehouse.qualify(SOURCE_SCHEMA, "lm_value")
        total = warehouse.query(f"select count(*) from {registry}")[0][0]
        log = warehouse.query(
            "select rows_written, rows_deleted from "
            f"{warehouse.qualify(TARGET_SCHEMA, 'lm_run_log')} order by logged_at desc limit 1"
        )[0]
    finally:
        warehouse.close()
    statements = _statement_seconds(log_file.read_text())
    other = node["execution_time"] - sum(statements.values())
    breakdown = ", ".join(f"{label} {seconds:.2f}s" for label, seconds in statements.items())
    breakdown += f", other (introspection, counts, commit) {other:.2f}s"
    print(
        f"{step.label}: lm_value model {node['execution_time']:.2f}s ({breakdown});"
        f" rows written {log[0]}, deleted {log[1]}, table now {total} rows; whole dbt run {wall:.1f}s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", choices=["mariadb", "duckdb"], default="mariadb")
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1_500)
    parser.add_argument("--keep", action="store_true", help="keep the MariaDB benchmark databases afterwards")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="lm_bench_registry_") as tmp:
        work_dir = Path(tmp)
        targets = _targets(work_dir / "bench_registry.duckdb")
        target = targets[options.target]
        _write_profile(work_dir, targets)
        _load_sources(target, options.calls + options.batch)
        middle = options.calls // 2
        steps = [
            Step(f"1. {options.calls} calls x {METRICS} into an empty table", 1, options.calls, METRICS, 0),
            Step(f"2. {options.batch} existing calls, every value changed", middle, options.batch, METRICS, 1),
            Step(f"3. {options.batch} new calls", options.calls + 1, options.batch, METRICS, 0),
            Step(f"4. {options.batch} existing calls, one metric retired", middle, options.batch, METRICS - 1, 1),
            Step(
                f"5. --full-refresh, all {options.calls + options.batch} calls (all but {options.batch} unchanged)",
                1,
                options.calls + options.batch,
                METRICS,
                0,
                full_refresh=True,
            ),
        ]
        print(f"target {options.target}; lm_value in {SOURCE_SCHEMA}, run log in {TARGET_SCHEMA}")
        for step in steps:
            _run_step(target, work_dir, work_dir, step)
        if target.is_mysql and not options.keep:
            warehouse = connect(target)
            try:
                for schema in (TARGET_SCHEMA, SOURCE_SCHEMA):
                    warehouse.drop_schema(schema)
            finally:
                warehouse.close()


if __name__ == "__main__":
    main()
