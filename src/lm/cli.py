"""The `lm` command: demo data, dbt runs and a human summary, on the profile's target."""

from __future__ import annotations

import datetime as dt
import json
import os
import time

import click
from rich.console import Console
from rich.table import Table

from lm import dbt_runner, project, secret, summary, warehouse

console = Console()


def run_dbt(args: list[str], target: str | None = None, vars_: dict[str, object] | None = None) -> int:
    """Run one dbt command in the project folder with LM's profile (lm.dbt_runner); returns dbt's exit code."""
    full = list(args)
    if target:
        full += ["--target", target]
    if vars_:
        full += ["--vars", json.dumps(vars_)]
    console.print(f"[bold cyan]$ dbt {' '.join(args)}[/]" + (f" [dim](target {target})[/]" if target else ""))
    return dbt_runner.invoke(full).returncode


def install_secret(target: str | None) -> str:
    """Store the caller-key secret (env LM_CALLER_SALT) in LM's schema for dbt to read; returns its key id."""
    with warehouse.connect(target) as wh:
        return secret.install(wh, wh.target.schema)


def dbt_results() -> dict[str, int]:
    """Counts of statuses in the last dbt run's run_results.json."""
    path = project.target_path() / "run_results.json"
    counts: dict[str, int] = {}
    if path.exists():
        for result in json.loads(path.read_text()).get("results", []):
            counts[result["status"]] = counts.get(result["status"], 0) + 1
    return counts


class _Group(click.Group):
    """Configuration problems (no project found, vocabularies out of step) end in one line, not a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        from lm.demo.vocabulary import VocabularyError

        try:
            return super().invoke(ctx)
        except (project.ProjectNotFoundError, VocabularyError) as error:
            raise click.ClickException(str(error)) from error


@click.group(cls=_Group)
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
    from lm import demo

    started = time.perf_counter()
    data = demo.generate(calls, seed=seed, start=dt.date.fromisoformat(start), dirty_share=dirty_share)
    generated = time.perf_counter()
    settings = project.settings()
    with warehouse.connect(target) as wh:
        counts = demo.load(wh, settings.source_schema, data, replace=True, value_schema=settings.value_schema)
        target_name = wh.target.name
    loaded = time.perf_counter()
    console.print(
        f"[green]generated[/] {calls:,} calls in {generated - started:.1f} s, loaded into "
        f"{target_name}:{settings.source_schema} in {loaded - generated:.1f} s "
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
    install_secret(target)
    code = run_dbt(args, target=target, vars_=vars_)
    if code:
        raise SystemExit(code)


@main.command(
    "dbt", context_settings={"ignore_unknown_options": True, "allow_extra_args": True, "help_option_names": []}
)
@click.pass_context
def dbt_command(ctx: click.Context) -> None:
    """Any dbt command, run the way LM runs dbt (in the project folder, with LM's profile)."""
    install_secret(None)
    code = dbt_runner.invoke(ctx.args).returncode
    if code:
        raise SystemExit(code)


@main.command("summary")
@click.option("--target", default=None, help="Profile target (default: the profile's, LM_TARGET).")
def summary_command(target: str | None) -> None:
    """Print what the last build produced: row counts per layer and test results."""
    print_summary(target)


def print_summary(target: str | None) -> None:
    with warehouse.connect(target) as wh:
        rows, reasons = summary.collect(wh, project.settings())
        target_name = wh.target.name
    table = Table(title=f"LM on target '{target_name}'")
    table.add_column("layer")
    table.add_column("relation")
    table.add_column("rows", justify="right")
    for row in rows:
        table.add_row(row.layer, row.name, row.missing if row.count is None else f"{row.count:,}")
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
    install_secret(target)
    code = run_dbt(["build", "--full-refresh"], target=target)
    print_summary(target)
    if code:
        console.print("[red]dbt build reported failures (see above)[/]")
        raise SystemExit(code)
    console.print(
        "[bold green]LM demo built.[/] Browse the metric dictionary: .venv/bin/lm dbt docs generate "
        "&& .venv/bin/lm dbt docs serve"
    )


@main.group("secret")
def secret_group() -> None:
    """The caller-key secret (HMAC key of caller_key)."""


@secret_group.command("install")
@click.option("--target", default=None, help="Profile target (default: the profile's, LM_TARGET).")
def secret_install(target: str | None) -> None:
    """Store env LM_CALLER_SALT (demo key when unset) in LM's schema as HMAC pads, for plain `dbt build`.

    `lm build` and `lm demo` do this themselves. The key is passed with bound parameters and never
    printed; a new key makes the next run recompute every call (its key id is in the run's settings).
    """
    key_id = install_secret(target)
    console.print(f"[green]caller-key secret installed[/] (key id {key_id})")


if __name__ == "__main__":
    main()
