"""The `lm` command: demo data, dbt runs and a human summary, on the profile's target."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from lm import warehouse

console = Console()


def run_dbt(args: list[str], target: str | None = None, vars_: dict[str, object] | None = None) -> int:
    """Run one dbt command in the project folder with LM's profile; returns dbt's exit code."""
    cmd = [str(Path(sys.executable).parent / "dbt"), *args, "--profiles-dir", str(warehouse.profiles_dir())]
    if target:
        cmd += ["--target", target]
    if vars_:
        cmd += ["--vars", json.dumps(vars_)]
    console.print(f"[bold cyan]$ dbt {' '.join(args)}[/]" + (f" [dim](target {target})[/]" if target else ""))
    return subprocess.call(cmd, cwd=warehouse.PROJECT_DIR)


def dbt_results() -> dict[str, int]:
    """Counts of statuses in the last dbt run's run_results.json."""
    path = warehouse.PROJECT_DIR / "target" / "run_results.json"
    counts: dict[str, int] = {}
    if path.exists():
        for result in json.loads(path.read_text()).get("results", []):
            counts[result["status"]] = counts.get(result["status"], 0) + 1
    return counts


@click.group()
@click.version_option(package_name="lm")
def main() -> None:
    """LM - the call analytics layer (dbt on MySQL/MariaDB and embedded DuckDB)."""


@main.command()
@click.option("--calls", default=100_000, show_default=True, help="Number of calls to generate.")
@click.option("--seed", default=42, show_default=True, help="Random seed (same seed, same data).")
@click.option("--start", default="2025-01-06", show_default=True, help="First day of the demo traffic.")
@click.option("--dirty-share", default=0.02, show_default=True, help="Share of deliberately dirty rows.")
@click.option("--target", default=None, help="Profile target (default: the profile's, LM_TARGET).")
def generate(calls: int, seed: int, start: str, dirty_share: float, target: str | None) -> None:
    """Generate demo call traffic and bulk-load it into the source tables (replacing their rows)."""
    from lm import generate as gen

    started = time.perf_counter()
    data = gen.generate(calls, seed=seed, start=dt.date.fromisoformat(start), dirty_share=dirty_share)
    generated = time.perf_counter()
    schema = warehouse.source_schema()
    with warehouse.connect(target) as wh:
        counts = gen.load(wh, schema, data, replace=True)
        target_name = wh.target.name
    loaded = time.perf_counter()
    console.print(
        f"[green]generated[/] {calls:,} calls in {generated - started:.1f} s, loaded into "
        f"{target_name}:{schema} in {loaded - generated:.1f} s "
        f"({counts.get('call_history', 0):,} calls, {counts.get('call_scores', 0):,} gradings)"
    )


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.option("--target", default=None, help="Profile target (default: the profile's, LM_TARGET).")
@click.option("--full-refresh", is_flag=True, help="Recompute every call (lm_value is kept, not dropped).")
@click.option("--calc-source", default=None, help="calc_source written on every lm_value row of this run.")
@click.pass_context
def build(ctx: click.Context, target: str | None, full_refresh: bool, calc_source: str | None) -> None:
    """`dbt build` the project (seeds, models, tests). Extra arguments go to dbt."""
    args = ["build", *ctx.args]
    if full_refresh:
        args.append("--full-refresh")
    vars_ = {"lm_calc_source": calc_source} if calc_source else None
    code = run_dbt(args, target=target, vars_=vars_)
    if code:
        raise SystemExit(code)


@main.command()
@click.option("--target", default=None, help="Profile target (default: the profile's, LM_TARGET).")
def summary(target: str | None) -> None:
    """Print what the last build produced: row counts per layer and test results."""
    print_summary(target)


def _query_or_empty(wh: warehouse.Warehouse, sql: str) -> list[tuple]:
    """Rows of `sql`, or none when the relation does not exist yet (the summary shows what there is)."""
    try:
        return wh.query(sql)
    except Exception:
        return []


def _count(wh: warehouse.Warehouse, schema: str, table: str, expression: str = "count(*)") -> int | None:
    rows = _query_or_empty(wh, f"select {expression} from {wh.qualify(schema, table)}")
    return int(rows[0][0]) if rows else None


def print_summary(target: str | None) -> None:
    schema = warehouse.source_schema()
    with warehouse.connect(target) as wh:
        lm_schema = wh.target.schema
        rows = [
            ("source", f"{schema}.call_history", _count(wh, schema, "call_history")),
            ("source", f"{schema}.call_scores", _count(wh, schema, "call_scores")),
            ("staging", "stg_operatorbot__call_history", _count(wh, lm_schema, "stg_operatorbot__call_history")),
            ("staging", "stg_operatorbot__call_scores", _count(wh, lm_schema, "stg_operatorbot__call_scores")),
            ("intermediate", "int_calls_quarantined", _count(wh, lm_schema, "int_calls_quarantined")),
            ("intermediate", "int_call_scores_orphaned", _count(wh, lm_schema, "int_call_scores_orphaned")),
            ("marts", f"{schema}.lm_value", _count(wh, schema, "lm_value")),
            ("marts", f"{schema}.lm_value: calls scored", _count(wh, schema, "lm_value", "count(distinct history_id)")),
        ]
        reasons = _query_or_empty(
            wh,
            f"select quarantine_reason, count(*) from {wh.qualify(lm_schema, 'int_calls_quarantined')} "
            "group by quarantine_reason order by 2 desc",
        )
        target_name = wh.target.name
    table = Table(title=f"LM on target '{target_name}'")
    table.add_column("layer")
    table.add_column("relation")
    table.add_column("rows", justify="right")
    for layer, name, count in rows:
        if count is not None:
            table.add_row(layer, name, f"{count:,}")
    console.print(table)
    if reasons:
        console.print("quarantined: " + ", ".join(f"{count:,} {reason}" for reason, count in reasons))
    results = dbt_results()
    if results:
        console.print("last dbt run: " + ", ".join(f"{n} {status}" for status, n in sorted(results.items())))


@main.command()
@click.option("--calls", default=100_000, show_default=True, help="Demo calls to generate.")
@click.option("--seed", default=42, show_default=True)
@click.pass_context
def demo(ctx: click.Context, calls: int, seed: int) -> None:
    """Generate demo data into the embedded DuckDB target, build everything, print a summary."""
    os.environ.setdefault("LM_TARGET", "duckdb")
    target = os.environ["LM_TARGET"]
    ctx.invoke(generate, calls=calls, seed=seed, target=target)
    code = run_dbt(["build", "--full-refresh"], target=target)
    print_summary(target)
    if code:
        console.print("[red]dbt build reported failures (see above)[/]")
        raise SystemExit(code)
    console.print(
        "[bold green]LM demo built.[/] Browse the metric dictionary: .venv/bin/dbt docs generate "
        "--profiles-dir .lm && .venv/bin/dbt docs serve --profiles-dir .lm"
    )


if __name__ == "__main__":
    main()
