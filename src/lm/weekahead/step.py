"""The week-ahead step's warehouse side: `lm forecast` (series forecasts, backtest, staffing) and `lm whatif`.

Reads, through the same profile as dbt (:mod:`lm.warehouse`):

* ``int_weekahead_hourly`` / ``int_weekahead_channel_hourly`` (views over ``fct_calls``): the hourly history of
  the series - inbound calls offered in total and per channel, bookings, risky cases, offered workload - and of
  what staffing needs (answered calls and their handle time, operators on the phones, the callers' patience);
* the seeds ``lm_special_days`` (public holidays, closures) and ``lm_whatif_scenarios``, and ``int_calc_params``
  (service-level threshold and target, maximum occupancy, shrinkage, short-abandon threshold).

Forecasts every series daily and hourly with :func:`lm.weekahead.series.forecast_week_ahead` (seasonal naive
beside AutoETS / MSTL, the backtest's winner per series, channels reconciled to the total) and stores, under one
``forecast_run_id``, the state tables the BI views read (created by dbt's on-run-start hooks, source
``lm_state``): ``lm_weekahead_forecast`` (every model's points and 80 % / 95 % intervals, the chosen one
flagged), ``lm_weekahead_backtest`` (per series x model: MASE, WAPE, interval coverage), ``lm_staffing_hourly``
(operators needed per forecast hour by Erlang C and Erlang A against the staffing the history shows) and
``lm_whatif_results`` (each scenario's week next to the baseline).

The latest call date is taken as still in progress (a scheduled run sees a partial today): the history ends
the day before it and the forecast week starts on it. History-based inputs of staffing use the last
``lm_load_profile_weeks`` weeks (the load profile's var): each weekday-hour's AHT (answered-call weighted) and
its effective operators on the phones (:func:`implied_operators`: the team at which Erlang A reproduces the
service level the history observed); the callers' mean patience is the censored exponential estimate over
the window (:func:`lm.weekahead.staffing.estimate_patience` in aggregate form: the waiting time beyond
short_abandon_sec / the abandons after it, answered waits right-censored).
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from lm import project
from lm.errors import LmError
from lm.warehouse import Warehouse
from lm.weekahead import staffing, whatif
from lm.weekahead.series import SpecialDay, WeekAheadConfig, WeekAheadResult, forecast_week_ahead

HOURLY_MODEL = "int_weekahead_hourly"
CHANNEL_MODEL = "int_weekahead_channel_hourly"
PARAMS_MODEL = "int_calc_params"
SPECIAL_DAYS_SEED = "lm_special_days"
SCENARIO_SEED = "lm_whatif_scenarios"
FORECAST_TABLE = "lm_weekahead_forecast"
BACKTEST_TABLE = "lm_weekahead_backtest"
STAFFING_TABLE = "lm_staffing_hourly"
WHATIF_TABLE = "lm_whatif_results"

#: the series forecast, as columns of int_weekahead_hourly; calls_offered is the total of the channel series
SERIES = ("calls_offered", "bookings", "risky_cases", "workload_min")
TOTAL = "calls_offered"
CHANNEL_PREFIX = "calls_offered:"
#: history read for the forecasts (a year of daily and hourly history, as the issue's benchmark)
DEFAULT_HISTORY_DAYS = 364


class WeekAheadError(LmError):
    """The week-ahead step cannot run (nothing built yet, too little history)."""


@dataclass(frozen=True)
class History:
    """The hourly history on a complete grid (every hour of every date from the first to the last call date)."""

    hourly: pd.DataFrame  # ds + the columns of int_weekahead_hourly (zeros where no call)
    channels: pd.DataFrame  # ds x channel -> calls_offered (zeros where no call)
    special_days: list[SpecialDay]
    last_date: dt.date


@dataclass(frozen=True)
class ForecastRun:
    run_id: str
    forecast_at: dt.datetime
    result: WeekAheadResult
    staffing: list[whatif.HourStaffing]
    plan: list[whatif.PlanHour]
    params: whatif.CalcParams
    mean_patience_sec: float
    scenarios: list[whatif.ScenarioResult]
    seconds: dict[str, float]


def _relation(wh: Warehouse, name: str) -> str:
    return wh.qualify(wh.target.schema, name)


def _require_built(wh: Warehouse) -> None:
    for name in (HOURLY_MODEL, CHANNEL_MODEL, PARAMS_MODEL, SPECIAL_DAYS_SEED, SCENARIO_SEED, FORECAST_TABLE):
        if not wh.table_exists(wh.target.schema, name):
            raise WeekAheadError(
                f"{name} does not exist in {wh.target.schema} on target '{wh.target.name}': run `lm build` first"
            )


def _moment_of(value: Any) -> dt.datetime:
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value)[:19])
    return moment.replace(tzinfo=None, microsecond=0)


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def read_history(wh: Warehouse, history_days: int = DEFAULT_HISTORY_DAYS) -> History:
    """The last `history_days` complete days of hourly history, on a complete hourly grid: every date before
    the latest call date (that one may be in progress - a scheduled run at 10:15 sees a partial today)."""
    hourly_rel, channel_rel = _relation(wh, HOURLY_MODEL), _relation(wh, CHANNEL_MODEL)
    latest = wh.query(f"select max(call_date) from {hourly_rel}")[0][0]
    if latest is None:
        raise WeekAheadError(f"{HOURLY_MODEL} is empty on target '{wh.target.name}': no call history to forecast")
    last_date = _date(latest) - dt.timedelta(days=1)
    first_date = last_date - dt.timedelta(days=history_days - 1)
    span = f"call_date >= '{first_date.isoformat()}' and call_date <= '{last_date.isoformat()}'"
    hourly = wh.query_arrow(f"select * from {hourly_rel} where {span}").to_pandas()
    channels = wh.query_arrow(f"select * from {channel_rel} where {span}").to_pandas()
    if hourly.empty:
        raise WeekAheadError(f"{HOURLY_MODEL} has no complete day before {_date(latest)}: no history to forecast")
    first_date = min(_date(value) for value in hourly["call_date"])
    grid = pd.date_range(pd.Timestamp(first_date), pd.Timestamp(last_date) + pd.Timedelta(hours=23), freq="h")

    def stamp(frame: pd.DataFrame) -> pd.Series:
        days = pd.to_datetime(frame["call_date"].map(_date))
        return days + pd.to_timedelta(frame["call_hour"].astype(int), unit="h")

    hourly = hourly.assign(ds=stamp(hourly)).drop(columns=["call_date", "call_hour"])
    measures = [column for column in hourly.columns if column != "ds"]
    hourly[measures] = hourly[measures].astype(float)
    hourly = hourly.set_index("ds").reindex(grid, fill_value=0.0).rename_axis("ds").reset_index()
    channels = channels.assign(ds=stamp(channels))[["ds", "channel", "calls_offered"]]
    channels = (
        channels.pivot_table(index="ds", columns="channel", values="calls_offered", aggfunc="sum")
        .reindex(grid)
        .fillna(0.0)
        .rename_axis("ds")
    )
    specials = wh.query(f"select special_date, day_kind from {_relation(wh, SPECIAL_DAYS_SEED)}")
    special_days = [SpecialDay(_date(day), str(kind)) for day, kind in specials]  # type: ignore[arg-type]
    return History(hourly, channels.reset_index(), special_days, last_date)


def series_table(history: History) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """The long table forecast_week_ahead reads (series_id, grain, ds, y; hourly and daily sums) and the
    hierarchy of the channel series under the total."""
    hourly = history.hourly.set_index("ds")
    frames = {name: hourly[name] for name in SERIES}
    channel_ids = []
    for channel in [column for column in history.channels.columns if column != "ds"]:
        series_id = CHANNEL_PREFIX + str(channel)
        frames[series_id] = history.channels.set_index("ds")[channel]
        channel_ids.append(series_id)
    parts = []
    for series_id, values in frames.items():
        hourly_part = pd.DataFrame({"series_id": series_id, "grain": "hour", "ds": values.index, "y": values.values})
        daily = values.resample("D").sum()
        daily_part = pd.DataFrame({"series_id": series_id, "grain": "day", "ds": daily.index, "y": daily.values})
        parts += [hourly_part, daily_part]
    table = pd.concat(parts, ignore_index=True)
    table["y"] = table["y"].astype(float)
    return table, {TOTAL: channel_ids}


def calc_params(wh: Warehouse, mean_patience_sec: float) -> whatif.CalcParams:
    """The staffing parameters of the selected calc profile (int_calc_params), with the estimated patience."""
    row = wh.query_arrow(f"select * from {_relation(wh, PARAMS_MODEL)}").to_pylist()[0]
    values = {name.lower(): value for name, value in row.items()}
    return whatif.CalcParams.from_parameters(values, whatif.CalcParams(mean_patience_sec=mean_patience_sec))


def profile_params(wh: Warehouse, mean_patience_sec: float) -> dict[str, whatif.CalcParams]:
    """Every calc profile's staffing parameters (a scenario may name another profile)."""
    rows = wh.query(f"select calc_profile, parameter_code, parameter_value from {_relation(wh, 'lm_calc_profiles')}")
    by_profile: dict[str, dict[str, Any]] = {}
    for profile, code, value in rows:
        by_profile.setdefault(str(profile), {})[str(code)] = value
    base = whatif.CalcParams(mean_patience_sec=mean_patience_sec)
    return {name: whatif.CalcParams.from_parameters(values, base) for name, values in by_profile.items()}


def history_profile(history: History, weeks: int) -> tuple[pd.DataFrame, float]:
    """Per ISO weekday x hour over the last `weeks` weeks: mean calls offered per date, AHT (answered-call
    weighted), the observed service level (answered within the threshold / (answered + lost), the KPI's) and
    the distinct operators seen; and the callers' mean patience over the same window."""
    hourly = history.hourly
    start = pd.Timestamp(history.last_date) - pd.Timedelta(days=7 * weeks - 1)
    window = hourly[hourly["ds"] >= start].copy()
    window["weekday"] = window["ds"].dt.isocalendar().day.astype(int)
    window["hour"] = window["ds"].dt.hour
    dates = window.assign(day=window["ds"].dt.normalize()).groupby("weekday")["day"].nunique()
    grouped = window.groupby(["weekday", "hour"])
    profile = pd.DataFrame(
        {
            "calls_offered": grouped["calls_offered"].sum(),
            "handle_sec_total": grouped["handle_sec_total"].sum(),
            "calls_answered": grouped["calls_answered"].sum(),
            "answered_in_sl": grouped["answered_in_sl"].sum(),
            "calls_lost": grouped["patience_abandons"].sum(),
            "operators_seen": grouped["operators_on_duty"].mean(),
        }
    ).reset_index()
    profile["offered_mean"] = profile["calls_offered"] / profile["weekday"].map(dates)
    overall_aht = window["handle_sec_total"].sum() / max(window["calls_answered"].sum(), 1.0)
    answered = profile["calls_answered"].where(profile["calls_answered"] > 0)
    profile["aht_sec"] = (profile["handle_sec_total"] / answered).fillna(overall_aht)
    counted = (profile["calls_answered"] + profile["calls_lost"]).where(lambda v: v > 0)
    profile["sl_observed"] = profile["answered_in_sl"] / counted
    abandons = float(window["patience_abandons"].sum())
    exposure = float(window["patience_exposure_sec"].sum())
    # exponential patience is memoryless: the waiting beyond the threshold per abandon after it is its mean
    patience = exposure / abandons if abandons > 0 else math.inf
    return profile, patience


def implied_operators(profile: pd.DataFrame, params: whatif.CalcParams) -> np.ndarray:
    """The effective operators on the phones of each weekday-hour: the (fractional) team at which Erlang A,
    with the hour's mean volume, AHT and the callers' patience, gives the service level the history observed.

    Call records say who answered, not who sat idle, so this is the staffing the history shows in the only
    sense the what-if model can use: at it, the baseline reproduces the observed service level. Between two
    team sizes the service level is interpolated linearly (a time mix of the two, as whatif evaluates a
    fractional team); an hour without calls or without an observed service level has 0.
    """
    out = np.zeros(len(profile))
    for index, row in enumerate(profile.itertuples(index=False)):
        offered, aht, observed = float(row.offered_mean), float(row.aht_sec), row.sl_observed
        if offered <= 0 or observed is None or not np.isfinite(observed):
            continue
        load = offered * aht / params.interval_sec
        teams = np.arange(0, math.ceil(load) + 40)
        levels = staffing.erlang_a_batch(
            offered, aht, teams, params.mean_patience_sec, params.sla_answer_sec, params.interval_sec,
            params.short_abandon_sec,
        ).service_level_excl_short  # fmt: skip
        reached = np.nonzero(levels >= observed)[0]
        if len(reached) == 0:
            out[index] = float(teams[-1])
            continue
        upper = int(reached[0])
        if upper == 0:
            continue
        low_level, high_level = float(levels[upper - 1]), float(levels[upper])
        share = (observed - low_level) / (high_level - low_level) if high_level > low_level else 1.0
        out[index] = upper - 1 + min(max(share, 0.0), 1.0)
    return out


def build_plan(result: WeekAheadResult, profile: pd.DataFrame) -> list[whatif.PlanHour]:
    """The forecast hours as the staffing and what-if plan: forecast calls and bookings (chosen models), the
    weekday-hour's AHT and effective operators (implied_operators)."""
    final = result.final[result.final["grain"] == "hour"]
    calls = final[final["series_id"] == TOTAL].set_index("ds")["point"]
    bookings = final[final["series_id"] == "bookings"].set_index("ds")["point"]
    keyed = profile.set_index(["weekday", "hour"])
    plan = []
    for ds, offered in calls.items():
        stamp = pd.Timestamp(ds)
        key = (int(stamp.isoweekday()), int(stamp.hour))
        aht = float(keyed["aht_sec"].get(key, np.nan))
        operators = float(keyed["operators_history"].get(key, 0.0))
        plan.append(
            whatif.PlanHour(
                ds=stamp.to_pydatetime(),
                offered=max(float(offered), 0.0),
                aht_sec=aht if np.isfinite(aht) and aht > 0 else 1.0,
                bookings=max(float(bookings.get(ds, 0.0)), 0.0),
                operators=operators,
            )
        )
    return plan


def read_scenarios(wh: Warehouse) -> list[whatif.Scenario]:
    """The what-if scenarios of seed lm_whatif_scenarios (parsed as whatif.parse_scenarios_csv would)."""
    table = wh.query_arrow(f"select * from {_relation(wh, SCENARIO_SEED)}")
    columns = [name.lower() for name in table.column_names]
    lines = [",".join(columns)]
    for row in table.to_pylist():
        cells = []
        for name in table.column_names:
            value = row[name]
            text = "" if value is None else str(value)
            cells.append('"' + text.replace('"', '""') + '"' if ("," in text or '"' in text) else text)
        lines.append(",".join(cells))
    return whatif.parse_scenarios_csv("\n".join(lines) + "\n")


def run_forecast(
    wh: Warehouse,
    config: WeekAheadConfig | None = None,
    history_days: int = DEFAULT_HISTORY_DAYS,
    progress: Callable[[str], None] | None = None,
) -> ForecastRun:
    """Forecast, backtest, staff and run the what-if scenarios; store everything under one forecast run."""
    _require_built(wh)
    say = progress or (lambda _text: None)
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    say("reading the history")
    history = read_history(wh, history_days)
    table, hierarchy = series_table(history)
    seconds["read"] = time.perf_counter() - started
    if history.hourly["ds"].dt.normalize().nunique() < 21:
        raise WeekAheadError("less than 3 weeks of call history: too little to forecast a week ahead")
    say(f"forecasting {table[['series_id', 'grain']].drop_duplicates().shape[0]} series with their backtest")
    started = time.perf_counter()
    result = forecast_week_ahead(table, history.special_days, hierarchy, config or WeekAheadConfig())
    seconds["forecast"] = time.perf_counter() - started
    started = time.perf_counter()
    weeks = int(project.project_vars().get("lm_load_profile_weeks", 8))
    profile, patience = history_profile(history, weeks)
    params = calc_params(wh, patience)
    profile["operators_history"] = implied_operators(profile, params)
    plan = build_plan(result, profile)
    say("staffing and what-if")
    staffing = whatif.staffing_plan(plan, params)
    scenarios = whatif.run_scenarios(plan, params, read_scenarios(wh), profiles=profile_params(wh, patience))
    seconds["staffing"] = time.perf_counter() - started
    forecast_at = _moment_of(wh.query(f"select {wh.now_sql}")[0][0])  # the database clock, as freshness reads it
    run = ForecastRun(
        run_id="wa-" + forecast_at.strftime("%Y%m%dT%H%M%S"),
        forecast_at=forecast_at,
        result=result,
        staffing=staffing,
        plan=plan,
        params=params,
        mean_patience_sec=patience,
        scenarios=scenarios,
        seconds=seconds,
    )
    started = time.perf_counter()
    store(wh, run)
    seconds["store"] = time.perf_counter() - started
    return run


def _finite(value: Any) -> float | None:
    number = float(value) if value is not None else math.nan
    return number if math.isfinite(number) else None


def store(wh: Warehouse, run: ForecastRun) -> None:
    """Append the run's rows to the four state tables, in one transaction."""
    lm_version = str(project.project_vars().get("lm_version", ""))
    common = {"forecast_run_id": run.run_id, "forecast_at": run.forecast_at, "lm_version": lm_version}
    forecasts = [
        {
            **common,
            "series_code": str(row.series_id),
            "grain": str(row.grain),
            "period_start": pd.Timestamp(row.ds).to_pydatetime(),
            "model_name": str(row.model),
            "is_chosen": int(bool(row.chosen)),
            "point": _finite(row.point),
            "lo_80": _finite(row.lo_80),
            "hi_80": _finite(row.hi_80),
            "lo_95": _finite(row.lo_95),
            "hi_95": _finite(row.hi_95),
            "interval_method": str(row.interval_method),
        }
        for row in run.result.forecasts.itertuples(index=False)
    ]
    cfg_horizon = int(run.result.backtest["n"].max() or 0) if len(run.result.backtest) else 0
    backtest = [
        {
            **common,
            "series_code": str(row.series_id),
            "grain": str(row.grain),
            "model_name": str(row.model),
            "is_chosen": int(bool(row.chosen)),
            "n_origins": int(row.n_origins),
            "horizon_days": cfg_horizon // (24 if row.grain == "hour" else 1),
            "mase": _finite(row.mase),
            "wape": _finite(row.wape),
            "coverage_80": _finite(row.coverage_80_open),
            "coverage_95": _finite(row.coverage_95_open),
            "interval_method": str(row.interval_method),
        }
        for row in run.result.summary.itertuples(index=False)
    ]
    reference = next(result for result in run.scenarios if result.scenario.code == whatif.BASELINE.code)
    baseline = {hour.ds: hour for hour in reference.hours}
    staffing = []
    for hour in run.staffing:
        at_history = baseline[hour.ds]
        staffing.append(
            {
                **common,
                "period_start": hour.ds,
                "calls_forecast": hour.offered,
                "aht_sec": hour.aht_sec,
                "mean_patience_sec": _finite(run.mean_patience_sec),
                "agents_erlang_c": hour.erlang_c.agents,
                "agents_erlang_a": hour.erlang_a.agents,
                "scheduled_staff": hour.erlang_a.scheduled,
                "binding_constraint": hour.erlang_a.binding,
                "sl_at_required": _finite(hour.erlang_a.service_level),
                "asa_at_required_sec": _finite(hour.erlang_a.asa_sec),
                "abandonment_at_required": _finite(hour.erlang_a.p_abandon),
                "operators_history": hour.operators_planned,
                "sl_at_history": _finite(at_history.service_level),
                "asa_at_history_sec": _finite(at_history.asa_sec),
                "abandonment_at_history": _finite(at_history.abandon_rate),
            }
        )
    results = _whatif_rows(run.scenarios, common)
    with wh.transaction():
        for table, rows in (
            (FORECAST_TABLE, forecasts),
            (BACKTEST_TABLE, backtest),
            (STAFFING_TABLE, staffing),
            (WHATIF_TABLE, results),
        ):
            if rows:
                wh.load_arrow(wh.target.schema, table, pa.Table.from_pylist(rows))


@dataclass(frozen=True)
class WhatIfRun:
    run_id: str
    scenarios: list[whatif.ScenarioResult]


def rerun_whatif(wh: Warehouse, run_id: str | None = None) -> WhatIfRun:
    """The what-if scenarios of the seed again, on the stored plan of the latest forecast run (or `run_id`):
    its forecast hours, AHT, history staffing and patience (lm_staffing_hourly) and hourly bookings; the run's
    lm_whatif_results rows are replaced. For a changed seed without a new forecast."""
    _require_built(wh)
    staffing_rel, forecast_rel = _relation(wh, STAFFING_TABLE), _relation(wh, FORECAST_TABLE)
    if run_id is None:
        rows = wh.query(f"select forecast_run_id from {staffing_rel} order by forecast_at desc limit 1")
        if not rows:
            raise WeekAheadError(f"no week-ahead forecast on target '{wh.target.name}' yet: run `lm forecast` first")
        run_id = str(rows[0][0])
    mark = wh.placeholder
    hours = wh.query(
        "select period_start, calls_forecast, aht_sec, operators_history, mean_patience_sec, forecast_at"
        f" from {staffing_rel} where forecast_run_id = {mark} order by period_start",
        [run_id],
    )
    bookings = {
        pd.Timestamp(period).to_pydatetime(): float(point or 0.0)
        for period, point in wh.query(
            f"select period_start, point from {forecast_rel} where forecast_run_id = {mark}"
            " and series_code = 'bookings' and grain = 'hour' and is_chosen = 1",
            [run_id],
        )
    }
    plan = [
        whatif.PlanHour(
            ds=pd.Timestamp(period).to_pydatetime(),
            offered=float(calls),
            aht_sec=float(aht),
            bookings=bookings.get(pd.Timestamp(period).to_pydatetime(), 0.0),
            operators=float(operators),
        )
        for period, calls, aht, operators, _, _ in hours
    ]
    patience = float(hours[0][4]) if hours and hours[0][4] is not None else math.inf
    forecast_at = hours[0][5] if hours else dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    params = calc_params(wh, patience)
    scenarios = whatif.run_scenarios(plan, params, read_scenarios(wh), profiles=profile_params(wh, patience))
    lm_version = str(project.project_vars().get("lm_version", ""))
    rows_out = _whatif_rows(
        scenarios, {"forecast_run_id": run_id, "forecast_at": forecast_at, "lm_version": lm_version}
    )
    with wh.transaction():
        wh.execute(f"delete from {_relation(wh, WHATIF_TABLE)} where forecast_run_id = {mark}", [run_id])
        wh.load_arrow(wh.target.schema, WHATIF_TABLE, pa.Table.from_pylist(rows_out))
    return WhatIfRun(run_id, scenarios)


def _whatif_rows(scenarios: list[whatif.ScenarioResult], common: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            **common,
            "scenario_code": scenario.scenario.code,
            "description": scenario.scenario.description,
            "calc_profile": scenario.scenario.calc_profile or "",
            "is_baseline": int(scenario.scenario.code == whatif.BASELINE.code),
            "calls_offered": scenario.total.offered,
            "calls_answered": scenario.total.answered,
            "expected_sl": _finite(scenario.total.service_level),
            "expected_asa_sec": _finite(scenario.total.asa_sec),
            "expected_abandonment": _finite(scenario.total.abandon_rate),
            "expected_bookings": scenario.total.bookings,
            "operator_hours": scenario.total.operator_hours,
        }
        for scenario in scenarios
    ]
