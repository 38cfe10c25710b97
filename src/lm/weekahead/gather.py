"""`lm report`: the manager's report gathered from what LM stored, rendered by :mod:`lm.weekahead.report`.

Reads, through the profile (never the phone number or a transcript: every query names its columns):
the latest week-ahead run (``lm_weekahead_forecast`` chosen models, ``lm_weekahead_backtest``,
``lm_staffing_hourly``, ``lm_whatif_results``), the daily history of the forecast series
(``int_weekahead_hourly``), the daily KPIs (``vw_lm_kpi_daily``, dimension all) and the high-risk calls of the
last 7 days (``fct_calls`` with the forecast step's ``complaint_prob`` from ``lm_forecast_scores``), ranked by
complaint probability, then churn risk.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lm.warehouse import Warehouse
from lm.weekahead import report
from lm.weekahead import step as weekahead

HISTORY_WEEKS = 12
RISKY_CALLS = 25
SERIES_TITLES = {
    "calls_offered": ("Calls offered", "calls"),
    "bookings": ("Bookings", "bookings"),
    "risky_cases": ("Risky cases", "calls"),
    "workload_min": ("Offered workload", "operator-minutes"),
}


class ReportError(weekahead.WeekAheadError):
    """No forecast to report yet."""


def _number(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _moment(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    return dt.datetime.fromisoformat(str(value)[:19])


def latest_run(wh: Warehouse) -> str:
    table = wh.qualify(wh.target.schema, weekahead.FORECAST_TABLE)
    rows = wh.query(f"select forecast_run_id from {table} order by forecast_at desc, forecast_run_id desc limit 1")
    if not rows:
        raise ReportError(f"no week-ahead forecast on target '{wh.target.name}' yet: run `lm forecast` first")
    return str(rows[0][0])


def _forecast_points(wh: Warehouse, run_id: str, series: str, grain: str) -> list[report.IntervalPoint]:
    table = wh.qualify(wh.target.schema, weekahead.FORECAST_TABLE)
    rows = wh.query(
        f"select period_start, point, lo_80, hi_80, lo_95, hi_95 from {table} where forecast_run_id = {wh.placeholder}"
        f" and series_code = {wh.placeholder} and grain = {wh.placeholder} and is_chosen = 1 order by period_start",
        [run_id, series, grain],
    )
    points = []
    for period, point, lo80, hi80, lo95, hi95 in rows:
        moment = _moment(period)
        points.append(
            report.IntervalPoint(
                ds=moment.date() if grain == "day" else moment,
                mean=_number(point),
                lo80=_number(lo80),
                hi80=_number(hi80),
                lo95=_number(lo95),
                hi95=_number(hi95),
            )
        )
    return points


def _daily_history(wh: Warehouse, since: dt.date, until: dt.date) -> dict[str, list[report.ValuePoint]]:
    table = wh.qualify(wh.target.schema, weekahead.HOURLY_MODEL)
    rows = wh.query(
        f"select call_date, sum(calls_offered), sum(bookings), sum(risky_cases) from {table}"
        f" where call_date >= '{since.isoformat()}' and call_date < '{until.isoformat()}'"
        " group by call_date order by call_date"
    )
    history: dict[str, list[report.ValuePoint]] = {"calls_offered": [], "bookings": [], "risky_cases": []}
    for day, offered, bookings, risky in rows:
        moment = _moment(day).date()
        history["calls_offered"].append(report.ValuePoint(moment, _number(offered)))
        history["bookings"].append(report.ValuePoint(moment, _number(bookings)))
        history["risky_cases"].append(report.ValuePoint(moment, _number(risky)))
    return history


def _kpi_days(wh: Warehouse, since: dt.date) -> list[report.KpiDay]:
    view = wh.qualify(wh.target.schema, "vw_lm_kpi_daily")
    rows = wh.query(
        f"select call_date, service_level, asa_sec, abandonment_rate, aht_sec, conversion_rate from {view}"
        f" where dimension = 'all' and call_date >= '{since.isoformat()}' order by call_date"
    )
    return [
        report.KpiDay(
            ds=_moment(day).date(),
            service_level=_number(sl),
            asa_sec=_number(asa),
            abandonment_rate=_number(abandonment),
            aht_sec=_number(aht),
            conversion=_number(conversion),
        )
        for day, sl, asa, abandonment, aht, conversion in rows
    ]


def _staffing(wh: Warehouse, run_id: str) -> list[report.StaffingHour]:
    table = wh.qualify(wh.target.schema, weekahead.STAFFING_TABLE)
    rows = wh.query(
        f"select period_start, agents_erlang_a, operators_history, calls_forecast from {table}"
        f" where forecast_run_id = {wh.placeholder} order by period_start",
        [run_id],
    )
    return [
        report.StaffingHour(_moment(ds), _number(needed), _number(current), _number(offered))
        for ds, needed, current, offered in rows
    ]


def _whatif(wh: Warehouse, run_id: str) -> tuple[report.WhatIfRow | None, list[report.WhatIfRow]]:
    table = wh.qualify(wh.target.schema, weekahead.WHATIF_TABLE)
    rows = wh.query(
        "select scenario_code, description, is_baseline, calls_offered, expected_sl, expected_asa_sec,"
        f" expected_abandonment, expected_bookings from {table} where forecast_run_id = {wh.placeholder}"
        " order by is_baseline desc, scenario_code",
        [run_id],
    )
    baseline: report.WhatIfRow | None = None
    scenarios = []
    for code, description, is_baseline, offered, sl, asa, abandonment, bookings in rows:
        row = report.WhatIfRow(
            str(code),
            str(description or ""),
            _number(offered),
            _number(sl),
            _number(asa),
            _number(abandonment),
            _number(bookings),
        )
        if int(is_baseline) == 1:
            baseline = row
        else:
            scenarios.append(row)
    return baseline, scenarios


def _backtest(wh: Warehouse, run_id: str) -> list[report.BacktestRow]:
    table = wh.qualify(wh.target.schema, weekahead.BACKTEST_TABLE)
    rows = wh.query(
        "select series_code, grain, model_name, is_chosen, n_origins, mase, wape, coverage_80, coverage_95"
        f" from {table} where forecast_run_id = {wh.placeholder} order by grain, series_code, model_name",
        [run_id],
    )
    baseline = {(code, grain): _number(mase) for code, grain, model, _, _, mase, *_ in rows if model == "SeasonalNaive"}
    out = []
    for code, grain, model, chosen, origins, mase, wape, cover80, cover95 in rows:
        if int(chosen) != 1 or str(code).startswith(weekahead.CHANNEL_PREFIX):
            continue
        title, _ = SERIES_TITLES.get(str(code), (str(code), ""))
        out.append(
            report.BacktestRow(
                series_code=f"{code}_{'daily' if grain == 'day' else 'hourly'}",
                series_title=f"{'Daily' if grain == 'day' else 'Hourly'} {title.lower()}",
                model=str(model),
                weeks=int(origins),
                mase=_number(mase),
                wape=_number(wape),
                coverage_80=_number(cover80),
                coverage_95=_number(cover95),
                baseline_model="SeasonalNaive",
                baseline_mase=baseline.get((code, grain)),
            )
        )
    return out


def _risky_calls(wh: Warehouse, since: dt.date) -> list[report.RiskyCall]:
    facts = wh.qualify(wh.target.schema, "fct_calls")
    scores = wh.qualify(wh.target.schema, "lm_forecast_scores")
    rows = wh.query(
        "select facts.history_id, facts.call_started_at, facts.operator_id, facts.channel, facts.churn_risk_level,"
        " scores.complaint_prob, facts.call_status, facts.call_category, facts.complaint_risk_flag"
        f" from {facts} as facts left join {scores} as scores on facts.history_id = scores.history_id"
        f" where facts.call_date >= '{since.isoformat()}'"
        " and (facts.churn_risk_level = 'high' or facts.complaint_risk_flag = 'true')"
        " order by coalesce(scores.complaint_prob, 0) desc,"
        " case facts.churn_risk_level when 'high' then 0 else 1 end, facts.history_id"
        f" limit {RISKY_CALLS}"
    )
    out = []
    for history_id, started, operator, channel, churn, complaint, status, category, flag in rows:
        if status != "answered":
            reason = f"unanswered ({status})"
        elif category:
            reason = f"{category} call" + (", complaint risk" if flag == "true" else "")
        else:
            reason = "complaint risk" if flag == "true" else "high churn risk"
        out.append(
            report.RiskyCall(
                history_id=int(history_id),
                call_at=_moment(started),
                operator_id=None if operator is None else int(operator),
                channel=None if channel is None else str(channel),
                churn_risk_level=None if churn is None else str(churn),
                complaint_prob=_number(complaint),
                reason=reason,
            )
        )
    return out


def gather(wh: Warehouse, run_id: str | None = None, generated_at: dt.datetime | None = None) -> report.ReportData:
    """The report's figures for the latest week-ahead run (or `run_id`)."""
    run_id = run_id or latest_run(wh)
    forecasts = {
        series: _forecast_points(wh, run_id, series, "day") for series in ("calls_offered", "bookings", "risky_cases")
    }
    if not forecasts["calls_offered"]:
        raise ReportError(f"forecast run {run_id} has no daily calls_offered forecast")
    week_start = forecasts["calls_offered"][0].ds
    assert isinstance(week_start, dt.date)
    since = week_start - dt.timedelta(weeks=HISTORY_WEEKS)
    history = _daily_history(wh, since, week_start)
    series = {}
    for code, points in forecasts.items():
        title, unit = SERIES_TITLES[code]
        series[code] = report.ForecastSeries(code, title, unit, history=history[code], forecast=points)
    baseline, scenarios = _whatif(wh, run_id)
    params = wh.query(f"select sla_answer_sec, sl_target from {wh.qualify(wh.target.schema, weekahead.PARAMS_MODEL)}")
    return report.ReportData(
        week_start=week_start if not isinstance(week_start, dt.datetime) else week_start.date(),
        generated_at=generated_at or dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0),
        calls_offered=series["calls_offered"],
        bookings=series["bookings"],
        risky_cases=series["risky_cases"],
        hourly_calls_offered=report.ForecastSeries(
            "calls_offered_hourly",
            "Calls offered per hour",
            "calls",
            forecast=_forecast_points(wh, run_id, "calls_offered", "hour"),
        ),
        kpi_days=_kpi_days(wh, since),
        staffing=_staffing(wh, run_id),
        whatif_baseline=baseline,
        whatif_scenarios=scenarios,
        backtest=_backtest(wh, run_id),
        risky_calls=_risky_calls(wh, week_start - dt.timedelta(days=7)),
        sla_answer_sec=_number(params[0][0]) if params else None,
        sl_target=_number(params[0][1]) if params else None,
        notes=[f"Forecast run {run_id}."],
    )


def write_report(wh: Warehouse, path: Path, run_id: str | None = None) -> Path:
    return report.render_report(gather(wh, run_id), path)


__all__: Sequence[str] = ("gather", "latest_run", "write_report")
