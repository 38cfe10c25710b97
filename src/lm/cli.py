"""The `lm` command: demo data, dbt runs and a human summary, on the profile's target.

Its exit codes are :class:`lm.errors.ExitCode` (README, "The `lm` command"); an :class:`lm.errors.LmError`
raised below a command ends it with one line ``lm: <message>`` on stderr and the error's code.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import click
import yaml
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from lm import calibrate as calibration
from lm import dbt_runner, erasure, guard, kpi_summary, lm_vars, lock, project, secret, summary, warehouse
from lm.errors import BadParameterError, ExitCode, LmError, StoppedBySignalError

#: demo traffic of `lm demo` (see there)
DEMO_CALLS_PER_DAY = 700.0
# wide enough for the evaluation table when the output goes to a log (cron) instead of a terminal
console = Console(width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True)


def run_dbt(args: list[str], target: str | None = None, vars_: dict[str, object] | None = None) -> int:
    """Run one dbt command in the project folder with LM's profile (lm.dbt_runner); returns dbt's exit code.

    A signal that stopped the run (forwarded to dbt, or one that killed dbt) raises StoppedBySignalError.
    """
    full = list(args)
    if target:
        full += ["--target", target]
    if vars_:
        full += ["--vars", json.dumps(vars_, default=str)]
    console.print(f"[bold cyan]$ dbt {' '.join(args)}[/]" + (f" [dim](target {target})[/]" if target else ""))
    return dbt_exit_code(dbt_runner.invoke(full))


@contextlib.contextmanager
def run_lock(target: str | None) -> Iterator[None]:
    """Hold LM's run lock (lm.lock) around a dbt run; another run holding it ends lm with exit 4."""
    try:
        with lock.run_lock(target) as lock_env:
            saved = {name: os.environ.get(name) for name in lock_env}
            os.environ.update(lock_env)
            try:
                yield
            finally:
                for name, value in saved.items():
                    if value is None:
                        os.environ.pop(name, None)
                    else:
                        os.environ[name] = value
    except lock.LockHeld as error:
        fail(f"{error}; this run did nothing", ExitCode.LOCKED)


def dbt_exit_code(result: dbt_runner.DbtResult) -> int:
    """dbt's exit code (0, 1 failures, 2 could not run); a stopped or killed dbt raises StoppedBySignalError."""
    if result.stopped_by is not None:
        name = dbt_runner.signal_name(result.stopped_by)
        ended = (
            f"killed by {dbt_runner.signal_name(result.killed_by)}"
            if result.killed_by is not None
            else f"exit {result.returncode}"
        )
        raise StoppedBySignalError(
            f"stopped by {name}; dbt was told to stop and has ended ({ended}): what it had not committed was "
            "rolled back, the next run starts from the last committed state"
        )
    if result.killed_by is not None:
        raise StoppedBySignalError(
            f"dbt was killed by {dbt_runner.signal_name(result.killed_by)} (return code {result.returncode}): "
            "the run did not finish; what it had not committed was rolled back, the next run starts from the "
            "last committed state"
        )
    return result.returncode


def split_vars(args: Sequence[str]) -> tuple[list[str], dict[str, Any]]:
    """dbt arguments without their ``--vars`` options, and those vars merged (YAML, as dbt reads them)."""
    rest: list[str] = []
    variables: dict[str, Any] = {}
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--vars":
            if index + 1 >= len(args):
                raise BadParameterError("--vars needs a value (a YAML/JSON mapping)")
            raw, index = args[index + 1], index + 2
        elif arg.startswith("--vars="):
            raw, index = arg.removeprefix("--vars="), index + 1
        else:
            rest.append(arg)
            index += 1
            continue
        try:
            parsed = yaml.safe_load(raw)
        except yaml.YAMLError as error:
            raise BadParameterError(f"--vars is not valid YAML: {error}") from error
        if parsed is None:
            continue
        if not isinstance(parsed, dict):
            raise BadParameterError(f"--vars must be a mapping of var names to values; got {raw!r}")
        variables.update(parsed)
    return rest, variables


def install_secret(target: str | None) -> str:
    """Store the caller-key secret (env LM_CALLER_SALT) in LM's schema for dbt to read; returns its key id."""
    with warehouse.connect(target) as wh:
        return secret.install(wh, wh.target.schema)


def dbt_run_results() -> list[dict[str, Any]]:
    """The results of the last dbt run's run_results.json ([] when there is none)."""
    path = project.target_path() / "run_results.json"
    if not path.exists():
        return []
    return list(json.loads(path.read_text()).get("results", []))


def dbt_results() -> dict[str, int]:
    """Counts of statuses in the last dbt run's run_results.json."""
    counts: dict[str, int] = {}
    for result in dbt_run_results():
        counts[result["status"]] = counts.get(result["status"], 0) + 1
    return counts


def print_warnings(target: str | None) -> None:
    """One line per warning of the last dbt run (guards name the grader or label, lm.summary)."""
    results = dbt_run_results()
    if not any(result.get("status") == "warn" for result in results):
        return
    with warehouse.connect(target) as wh:
        lines = summary.guard_warnings(wh, results)
    for line in lines:
        console.print(f"[yellow]{line}[/]", markup=True, highlight=False, soft_wrap=True)


class _Group(click.Group):
    """Configuration problems (no project found, vocabularies out of step) end in one line, not a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        from lm.demo.vocabulary import VocabularyError

        try:
            return super().invoke(ctx)
        except (project.ProjectNotFoundError, VocabularyError) as error:
            fail(str(error), ExitCode.BAD_PARAMETER)
        except LmError as error:
            fail(str(error), error.exit_code)


def fail(message: str, code: ExitCode) -> None:
    """End lm: ``lm: <message>`` on stderr, exit `code`."""
    err_console.print(f"lm: {message}", markup=False, highlight=False, soft_wrap=True)
    sys.exit(int(code))


def _iso_date(_ctx: click.Context, _param: click.Parameter, value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


@click.group(cls=_Group)
@click.version_option(package_name="lm")
def main() -> None:
    """LM - the call analytics layer (dbt on MySQL/MariaDB and embedded DuckDB)."""


@main.command()
@click.option("--calls", default=100_000, show_default=True, type=click.IntRange(min=1), help="Number of calls.")
@click.option("--seed", default=42, show_default=True, help="Random seed (same seed, same data).")
@click.option("--start", default="2025-01-06", show_default=True, callback=_iso_date, help="First day of traffic.")
@click.option(
    "--dirty-share", default=0.02, show_default=True, type=click.FloatRange(0, 1), help="Share of dirty rows."
)
@click.option(
    "--calls-per-day",
    default=1500.0,
    show_default=True,
    type=click.FloatRange(min=1),
    help="Average calls a day at the start (the volume grows slowly).",
)
@click.option(
    "--grader-scale",
    "grader_scales",
    multiple=True,
    metavar="GRADER=MIN:MAX",
    help="A grader scoring on another scale than seeds/lm_grader_scales.csv says, e.g. ai=0:10 (repeatable).",
)
@click.option("--target", default=None, help="Profile target (default: the profile's, LM_TARGET).")
@click.option("--force", is_flag=True, help="Replace source rows that lm generate did not write (never production).")
def generate(
    calls: int,
    seed: int,
    start: dt.date,
    dirty_share: float,
    target: str | None,
    force: bool,
    calls_per_day: float = 1500.0,
    grader_scales: tuple[str, ...] = (),
) -> None:
    """Generate demo call traffic and bulk-load it into the source tables (replacing their rows).

    Demo-only. It refuses (exit 6) a production target - one named `mysql` or `prod*`, or any target while
    LM_PRODUCTION=1 - and, unless --force, a source schema whose call_history/call_scores hold rows but no
    lm_demo_marker table (written by every lm generate). lm_value, emptied with the sources, and the
    sources are replaced in one transaction: a failure leaves them as they were.
    """
    from lm import demo
    from lm.demo import behaviour

    config = None
    if grader_scales:
        try:
            scales = tuple(behaviour.parse_grader_scale(text) for text in grader_scales)
        except ValueError as error:
            raise BadParameterError(f"--grader-scale: {error}") from None
        config = demo.GeneratorConfig(dirty_share=dirty_share, calls_per_day=calls_per_day, grader_scales=scales)
        behaviour.grader_scales(demo.vocabulary(), config)  # an unknown grader or empty scale: exit 2 now
    settings = project.settings()
    with warehouse.connect(target) as wh:
        guard.check_generate(wh, settings.source_schema, force)
        started = time.perf_counter()
        data = demo.generate(
            calls, seed=seed, start=start, dirty_share=dirty_share, calls_per_day=calls_per_day, config=config
        )
        generated = time.perf_counter()
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
    """`dbt build` the project (seeds, models, tests). Extra arguments go to dbt.

    --calc-source and every var of --vars are checked before dbt starts, by the rules of the macro
    lm_var() (macros/utils/lm_vars.sql): a bad value exits 2 naming the var.
    """
    warehouse.check_target_name(target)
    rest, vars_ = split_vars(ctx.args)
    if calc_source is not None:
        vars_["lm_calc_source"] = calc_source
    lm_vars.check_vars(vars_)
    args = ["build", *rest]
    if full_refresh:
        args.append("--full-refresh")
    with run_lock(target):
        install_secret(target)
        code = run_dbt(args, target=target, vars_=vars_ or None)
    print_warnings(target)
    if code:
        sys.exit(code)


@main.command("calibrate")
@click.option("--target", default=None, help="Profile target (default: the profile's, LM_TARGET).")
@click.option(
    "--min-n",
    default=calibration.DEFAULT_MIN_N,
    show_default=True,
    type=click.IntRange(min=1),
    help="Scored gradings a grader needs for its own fit; fewer: its family's fit or the seed's prior (flagged).",
)
@click.option("--dry-run", is_flag=True, help="Fit and print, store nothing.")
def calibrate_command(target: str | None, min_n: int, dry_run: bool) -> None:
    """Fit each grader's scale and offset from the gradings and store them (lm_grader_calibration).

    Reads LM's staging view stg_operatorbot__call_scores on the profile's target (built first by a
    `dbt run` of it when missing). The next build normalizes scores with the fit - unless a row of
    seeds/lm_grader_scales.csv is an override - and, the calibration_version being part of its settings,
    recomputes every call. Nothing refits unless this command runs (lm calibrate, src/lm/calibrate.py).
    """
    warehouse.check_target_name(target)
    with run_lock(target):
        install_secret(target)
        with warehouse.connect(target) as wh:
            missing = calibration.needs_build(wh)
        if missing:
            code = run_dbt(["run", "--select", calibration.SCORES_VIEW], target=target)
            if code:
                sys.exit(code)
        with warehouse.connect(target) as wh:
            result = calibration.calibrate(wh, min_n=min_n, dry_run=dry_run)
            target_name = wh.target.name
    table = Table(title=f"grader calibration {result.calibration_version} on target '{target_name}'")
    for column in ("grader", "n", "scale", "offset", "method", "fallback"):
        table.add_column(column, justify="right" if column in ("n", "offset") else "left")
    for fitted in result.fits:
        table.add_row(
            fitted.grader_code,
            f"{fitted.n_gradings:,}",
            f"{fitted.scale_min:g}-{fitted.scale_max:g}",
            f"{fitted.calibration_offset:+.4f}",
            fitted.fit_method,
            fitted.fallback_code or "",
        )
    console.print(table)
    reference = "-" if result.reference_location is None else f"{result.reference_location:.4f}"
    if dry_run:
        console.print(f"dry run: nothing stored (reference location {reference})")
    else:
        console.print(
            f"[green]stored[/] {len(result.fits)} graders (reference location {reference}, min n {min_n}); "
            "the next lm build recomputes every call with them"
        )


@main.command(
    "dbt", context_settings={"ignore_unknown_options": True, "allow_extra_args": True, "help_option_names": []}
)
@click.pass_context
def dbt_command(ctx: click.Context) -> None:
    """Any dbt command, run the way LM runs dbt (in the project folder, with LM's profile)."""
    lm_vars.check_vars(split_vars(ctx.args)[1])
    with run_lock(_target_of(ctx.args)):
        install_secret(_target_of(ctx.args))
        code = dbt_exit_code(dbt_runner.invoke(ctx.args))
    if code:
        sys.exit(code)


def _target_of(args: Sequence[str]) -> str | None:
    for index, arg in enumerate(args):
        if arg in ("--target", "-t") and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith("--target="):
            return arg.removeprefix("--target=")
    return None


@main.command("summary")
@click.option("--target", default=None, help="Profile target (default: the profile's, LM_TARGET).")
def summary_command(target: str | None) -> None:
    """Print what the last build produced: row counts per layer and test results."""
    print_summary(target)


def print_summary(target: str | None) -> None:
    with warehouse.connect(target) as wh:
        rows, reasons = summary.collect(wh, project.settings())
        target_name = wh.target.name
        headline = kpi_summary.collect(wh)
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
    print_warnings(target)
    kpi_summary.render(console, headline)


@main.command()
@click.option("--calls", default=100_000, show_default=True, type=click.IntRange(min=1), help="Demo calls.")
@click.option("--seed", default=42, show_default=True)
@click.option("--force", is_flag=True, help="Replace source rows that lm generate did not write (never production).")
@click.pass_context
def demo(ctx: click.Context, calls: int, seed: int, force: bool) -> None:
    """Generate demo data into the embedded DuckDB target, run the whole schedule (lm run: rules, training,
    scores, what depends on them), print a summary."""
    os.environ.setdefault("LM_TARGET", "duckdb")
    target = os.environ["LM_TARGET"]
    warehouse.check_target_name(target)
    # 700 calls a day: 100,000 calls span about 20 weeks, enough history for the 30-day complaint label
    # (its holdout, the one-window gap before it and a training period)
    ctx.invoke(
        generate,
        calls=calls,
        seed=seed,
        start=dt.date(2025, 1, 6),
        dirty_share=0.02,
        calls_per_day=DEMO_CALLS_PER_DAY,
        target=target,
        force=force,
    )
    code = run_schedule(target, full_refresh=True, retrain=True)
    print_summary(target)
    if code:
        console.print("[red]dbt build reported failures (see above)[/]")
        sys.exit(code)
    console.print(
        "[bold green]LM demo built.[/] Browse the metric dictionary: .venv/bin/lm dbt docs generate "
        "&& .venv/bin/lm dbt docs serve"
    )


@main.command()
@click.option("--history-id", "history_ids", multiple=True, type=click.IntRange(min=0), help="A call (repeatable).")
@click.option(
    "--from-file", type=click.File("r"), default=None, help="A file of history_ids, one per line (# comments)."
)
@click.option("--target", default=None, help="Profile target (default: the profile's, LM_TARGET).")
def forget(history_ids: tuple[int, ...], from_file: Any, target: str | None) -> None:
    """Erase calls from LM so that the client can delete them at the source (lm_value's foreign keys).

    In one transaction: the calls' rows of lm_value, then of LM's state lm_scored_calls; one row per call in
    lm_erasure_log (history_id, erased_at, row counts - no personal data). Then delete the calls at the
    source, before the next scheduled run.
    """
    ids = list(history_ids)
    if from_file is not None:
        for number, line in enumerate(from_file, start=1):
            text = line.split("#", 1)[0].strip()
            if not text:
                continue
            if not text.isdigit():
                # the line is not echoed: a file of ids may hold a pasted phone number by mistake
                raise BadParameterError(f"{from_file.name}, line {number}: not a history_id (a whole number)")
            ids.append(int(text))
    if not ids:
        raise BadParameterError("nothing to forget: give --history-id (repeatable) or --from-file")
    settings = project.settings()
    with warehouse.connect(target) as wh:
        erased = erasure.forget(wh, settings, ids)
        target_name, lm_schema = wh.target.name, wh.target.schema
    value_rows = sum(row.lm_value_rows for row in erased)
    state_rows = sum(row.state_rows for row in erased)
    console.print(
        f"[green]forgot[/] {len(erased):,} calls on {target_name}: {value_rows:,} rows of "
        f"{settings.value_schema}.lm_value, {state_rows:,} rows of {lm_schema}.lm_scored_calls "
        f"(logged in {lm_schema}.{erasure.ERASURE_LOG}). Now delete them at the source, before the next run."
    )
    for row in erased:
        if not row.lm_value_rows and not row.state_rows:
            console.print(f"[yellow]history_id {row.history_id}: LM held no rows for it[/]")


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


# --------------------------------------------------------------------------------------------------------
# The forecast step and the schedule
# --------------------------------------------------------------------------------------------------------
def _eval_table(evaluation: Sequence[Any], title: str) -> Table:
    table = Table(title=title)
    for column in ("metric", "model", "n", "pos", "AUC", "oracle", "ratio", "Brier", "base Brier", "ECE", "used"):
        table.add_column(column, justify="left" if column in ("metric", "model", "used") else "right")

    def number(value: float | None, digits: int = 3) -> str:
        return "-" if value is None else f"{value:.{digits}f}"

    for row in evaluation:
        table.add_row(
            row.metric_code,
            row.model,
            f"{row.n:,}",
            f"{row.n_positive:,}",
            number(row.auc),
            number(row.oracle_auc),
            number(row.auc_ratio),
            number(row.brier, 4),
            number(row.base_brier, 4),
            number(row.ece, 4),
            "winner" if row.is_winner else "",
        )
    return table


def train_models(target: str | None, holdout_share: float, seed: int) -> None:
    from lm.forecast import step

    with warehouse.connect(target) as wh:
        directory = step.model_dir(wh.target.name)
        started = time.monotonic()
        with console.status("training") as status:
            result = step.train(
                wh,
                directory,
                source_schema=project.settings().source_schema,
                holdout_share=holdout_share,
                seed=seed,
                progress=lambda text: status.update(text),
            )
        elapsed = time.monotonic() - started
    console.print(_eval_table(result.evaluation, f"model {result.version}: holdout evaluation"))
    console.print(
        f"[green]trained[/] {result.version} on {result.n_rows:,} labelled calls in {elapsed:.1f} s; "
        f"saved in {result.path}; evaluation appended to lm_model_eval"
    )


def score_calls(target: str | None, batch_size: int) -> int:
    from lm.forecast import step

    with warehouse.connect(target) as wh:
        directory = step.model_dir(wh.target.name)
        columns = (TextColumn("scoring"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console, transient=True) as bar:
            task = bar.add_task("score", total=None)

            def advance(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            result = step.score(wh, directory, batch_size=batch_size, progress=advance)
    console.print(f"scored {result.scored:,} calls with model {result.version} ({result.batches} batches)")
    return result.scored


@main.command("train")
@click.option("--target", default=None, help="Profile target (default: the profile's, LM_TARGET).")
@click.option("--holdout-share", default=0.2, show_default=True, type=click.FloatRange(0.05, 0.5))
@click.option("--seed", default=0, show_default=True, help="Random seed of the models.")
def train_command(target: str | None, holdout_share: float, seed: int) -> None:
    """Fit the forecast metrics' models on the history, print and store their holdout evaluation.

    Reads int_forecast_features and int_forecast_labels (built by lm build); saves a versioned artifact in
    .lm/models/<target> (LM_MODEL_DIR) and makes it current; `lm score` then scores with it.
    """
    warehouse.check_target_name(target)
    with run_lock(target):
        train_models(target, holdout_share, seed)


@main.command("score")
@click.option("--target", default=None, help="Profile target (default: the profile's, LM_TARGET).")
@click.option("--batch-size", default=200_000, show_default=True, type=click.IntRange(min=1000))
def score_command(target: str | None, batch_size: int) -> None:
    """Score the calls whose features changed, or that have no score from the current model.

    The next lm build writes the scores into lm_value (lm run does both).
    """
    warehouse.check_target_name(target)
    with run_lock(target):
        score_calls(target, batch_size)


def _backtest_table(run: Any) -> Table:
    table = Table(title=f"forecast {run.run_id}: rolling-origin backtest (chosen model per series)")
    for column in ("series", "grain", "model", "origins", "MASE", "WAPE", "80 % cover", "95 % cover", "intervals"):
        table.add_column(column, justify="left" if column in ("series", "grain", "model", "intervals") else "right")

    def number(value: Any, percent: bool = False) -> str:
        if value is None or value != value:
            return "-"
        return f"{value:.0%}" if percent else f"{value:.2f}"

    summary = run.result.summary
    if summary.empty:
        table.caption = "no backtest: the history is too short for its origins (every series uses seasonal naive)"
        return table
    chosen = summary.loc[summary["chosen"].astype(bool)]
    for row in chosen.sort_values(["grain", "series_id"]).itertuples(index=False):
        table.add_row(
            str(row.series_id),
            str(row.grain),
            str(row.model),
            str(int(row.n_origins)),
            number(row.mase),
            number(row.wape, percent=True),
            number(row.coverage_80_open, percent=True),
            number(row.coverage_95_open, percent=True),
            str(row.interval_method),
        )
    return table


def _whatif_table(run: Any) -> Table:
    table = Table(title="what-if: the forecast week under each scenario (Erlang A at the history's staffing)")
    for column in ("scenario", "offered", "SL", "ASA s", "abandonment", "bookings", "operator hours"):
        table.add_column(column, justify="left" if column == "scenario" else "right")
    for result in run.scenarios:
        total = result.total
        table.add_row(
            result.scenario.code,
            f"{total.offered:,.0f}",
            "-" if total.service_level != total.service_level else f"{total.service_level:.1%}",
            "-" if total.asa_sec != total.asa_sec else f"{total.asa_sec:.1f}",
            "-" if total.abandon_rate != total.abandon_rate else f"{total.abandon_rate:.1%}",
            f"{total.bookings:,.0f}",
            f"{total.operator_hours:,.0f}",
        )
    return table


def forecast_week(target: str | None, horizon_days: int, origins: int, history_days: int) -> Any:
    from lm.weekahead import step as weekahead
    from lm.weekahead.series import WeekAheadConfig

    config = WeekAheadConfig(horizon_days=horizon_days, backtest_origins=origins)
    with warehouse.connect(target) as wh:
        started = time.monotonic()
        with console.status("forecasting") as status:
            run = weekahead.run_forecast(wh, config, history_days, progress=lambda text: status.update(text))
        elapsed = time.monotonic() - started
    console.print(_backtest_table(run))
    console.print(_whatif_table(run))
    detail = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in run.seconds.items())
    console.print(
        f"[green]forecast[/] {run.run_id}: {horizon_days} days ahead, daily and hourly, in {elapsed:.1f} s ({detail});"
        f" callers' mean patience {run.mean_patience_sec:.0f} s; stored in lm_weekahead_forecast,"
        " lm_weekahead_backtest, lm_staffing_hourly, lm_whatif_results"
    )
    return run


@main.command("forecast")
@click.option("--target", default=None, help="Profile target (default: the profile's, LM_TARGET).")
@click.option("--horizon-days", default=7, show_default=True, type=click.IntRange(1, 28))
@click.option("--origins", default=8, show_default=True, type=click.IntRange(1, 52), help="Backtest origins.")
@click.option("--history-days", default=364, show_default=True, type=click.IntRange(28, 3650))
def forecast_command(target: str | None, horizon_days: int, origins: int, history_days: int) -> None:
    """Forecast the week ahead (daily and hourly, 80 % / 95 % intervals), backtest, staff and run the what-ifs.

    Reads the hourly history (int_weekahead_hourly, built by lm build) and the seeds lm_special_days and
    lm_whatif_scenarios; prints the backtest of the chosen models and the what-if table and stores them.
    """
    warehouse.check_target_name(target)
    with run_lock(target):
        forecast_week(target, horizon_days, origins, history_days)


def whatif_again(target: str | None) -> None:
    from lm.weekahead import step as weekahead

    with warehouse.connect(target) as wh:
        run = weekahead.rerun_whatif(wh)
    console.print(_whatif_table(run))
    console.print(f"what-if of forecast run {run.run_id} stored in lm_whatif_results ({len(run.scenarios)} scenarios)")


@main.command("whatif")
@click.option("--target", default=None, help="Profile target (default: the profile's, LM_TARGET).")
def whatif_command(target: str | None) -> None:
    """Run the scenarios of seed lm_whatif_scenarios again on the latest forecast week (no new forecast).

    After editing the seed (lm dbt seed --select lm_whatif_scenarios): expected SL, ASA, abandonment and bookings
    per scenario next to the baseline, stored in lm_whatif_results (vw_lm_whatif).
    """
    warehouse.check_target_name(target)
    with run_lock(target):
        whatif_again(target)


def default_report_path(target_name: str) -> Path:
    return project.project_dir() / ".lm" / "reports" / target_name / "week_ahead.html"


def write_report(target: str | None, output: Path | None) -> Path:
    from lm.weekahead import gather

    with warehouse.connect(target) as wh:
        path = output or default_report_path(wh.target.name)
        started = time.monotonic()
        gather.write_report(wh, path)
        elapsed = time.monotonic() - started
    console.print(f"[green]report[/] written to {path} in {elapsed:.1f} s (one HTML file, opens without network)")
    return path


@main.command("report")
@click.option("--target", default=None, help="Profile target (default: the profile's, LM_TARGET).")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="HTML file to write.")
def report_command(target: str | None, output: Path | None) -> None:
    """Write the manager's week-ahead report: one self-contained HTML file (default .lm/reports/<target>/).

    Forecast against recent history with its intervals, KPI trends, staffing against current staffing, the
    what-if table, backtest accuracy in words and the high-risk calls of the last 7 days (by history_id).
    """
    warehouse.check_target_name(target)
    write_report(target, output)


def run_schedule(target: str | None, full_refresh: bool = False, retrain: bool = False) -> int:
    """rules and statistics (dbt build) -> train when asked or when no model exists -> score -> dbt build of
    what depends on the scores -> week-ahead forecast, staffing and what-if -> report; returns dbt's exit code
    (0 when every step passed). Too short a history for a week-ahead forecast skips the last two steps with a
    warning."""
    from lm.forecast import step

    steps: list[tuple[str, float]] = []
    with run_lock(target):
        install_secret(target)
        started = time.monotonic()
        code = run_dbt(["build", *(["--full-refresh"] if full_refresh else [])], target=target)
        steps.append(("rules (dbt build)", time.monotonic() - started))
        if code:
            return code
        with warehouse.connect(target) as wh:
            has_model = step.current_version(step.model_dir(wh.target.name)) is not None
        if retrain or not has_model:
            started = time.monotonic()
            train_models(target, 0.2, 0)
            steps.append(("train", time.monotonic() - started))
        started = time.monotonic()
        scored = score_calls(target, step.DEFAULT_BATCH)
        steps.append(("score", time.monotonic() - started))
        if scored:
            started = time.monotonic()
            code = run_dbt(["build"], target=target)
            steps.append(("scores into lm_value (dbt build)", time.monotonic() - started))
        if code:
            return code
        from lm.weekahead.step import WeekAheadError

        started = time.monotonic()
        try:
            forecast_week(target, 7, 8, 364)
        except WeekAheadError as error:
            err_console.print(f"[yellow]week ahead skipped:[/] {error}")
        else:
            steps.append(("forecast, backtest, staffing, what-if", time.monotonic() - started))
            started = time.monotonic()
            write_report(target, None)
            steps.append(("report", time.monotonic() - started))
    table = Table(title="lm run")
    table.add_column("step")
    table.add_column("seconds", justify="right")
    for name, seconds in steps:
        table.add_row(name, f"{seconds:.1f}")
    console.print(table)
    return code


@main.command("run")
@click.option("--target", default=None, help="Profile target (default: the profile's, LM_TARGET).")
@click.option("--full-refresh", is_flag=True, help="Recompute every call's rule metrics first.")
@click.option("--train", "retrain", is_flag=True, help="Retrain the forecast models before scoring.")
def run_command(target: str | None, full_refresh: bool, retrain: bool) -> None:
    """The whole schedule: rules -> scores -> statistics -> forecast -> report (the README's cron line).

    1. dbt build (rule metrics, features, statistics, tests); 2. lm train when --train or when the target
    has no model yet; 3. lm score (new and changed calls); 4. dbt build again when anything was scored
    (the forecast rows of lm_value and what reads them); 5. lm forecast (week ahead, backtest, staffing,
    what-if); 6. lm report.
    """
    warehouse.check_target_name(target)
    code = run_schedule(target, full_refresh=full_refresh, retrain=retrain)
    print_warnings(target)
    if code:
        sys.exit(code)
