"""Synthetic `ReportData` for the report tests and the report benchmark (not shipped in src/).

`sample_report_data(seed, history_weeks)` builds a plausible Monday report: daily calls with a weekly profile,
hourly calls with an intraday profile, intervals that widen with the forecast horizon, KPIs of the history,
the staffing curve and the what-if week totals computed with `lm.weekahead.whatif` on the synthetic plan, a
backtest table and high-risk calls identified by history_id only.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta

import numpy as np

from lm.weekahead.report import (
    BacktestRow,
    ForecastSeries,
    IntervalPoint,
    KpiDay,
    ReportData,
    RiskyCall,
    StaffingHour,
    ValuePoint,
    WhatIfRow,
)
from lm.weekahead.whatif import CalcParams, PlanHour, Scenario, run_scenarios, staffing_plan

WEEKDAY_FACTOR = np.array([1.25, 1.15, 1.05, 1.0, 0.95, 0.55, 0.35])  # Mon..Sun
HOUR_SHAPE = np.array(
    [0, 0, 0, 0, 0, 0, 0, 0.3, 0.9, 1.4, 1.6, 1.5, 1.2, 1.3, 1.4, 1.3, 1.1, 0.9, 0.6, 0.3, 0.1, 0, 0, 0], dtype=float
)
HOUR_SHAPE = HOUR_SHAPE / HOUR_SHAPE.sum()
Z80, Z95 = 1.2816, 1.9600
REASONS = ("price too high", "no suitable slot", "doctor unavailable", "long wait", "repeat call", "refused booking")
CHANNELS = ("site", "context_ads", "maps", "repeat", "referral")


def _interval(ds: date | datetime, mean: float, sd: float) -> IntervalPoint:
    return IntervalPoint(
        ds=ds,
        mean=mean,
        lo80=max(0.0, mean - Z80 * sd),
        hi80=mean + Z80 * sd,
        lo95=max(0.0, mean - Z95 * sd),
        hi95=mean + Z95 * sd,
    )


def _daily(
    rng: np.random.Generator,
    code: str,
    title: str,
    unit: str,
    level: float,
    days: list[date],
    week: list[date],
    rel_sd: float,
) -> ForecastSeries:
    hist = [
        ValuePoint(d, float(max(0.0, rng.normal(level * WEEKDAY_FACTOR[d.weekday()], rel_sd * level)))) for d in days
    ]
    fc = []
    for h, d in enumerate(week, start=1):
        mean = level * WEEKDAY_FACTOR[d.weekday()]
        fc.append(_interval(d, mean, rel_sd * level * math.sqrt(1 + 0.1 * h)))
    return ForecastSeries(code, title, unit, hist, fc)


def sample_report_data(seed: int = 0, history_weeks: int = 12, risky_calls: int = 25) -> ReportData:
    """A full Monday report on synthetic data: `history_weeks` of daily history and a forecast week of hours."""
    rng = np.random.default_rng(seed)
    week_start = date(2026, 11, 30)  # a Monday
    days = [week_start - timedelta(days=i) for i in range(7 * history_weeks, 0, -1)]
    week = [week_start + timedelta(days=i) for i in range(7)]
    calls_level = 1400.0
    calls = _daily(rng, "calls_offered", "Calls offered", "calls", calls_level, days, week, 0.07)
    bookings = _daily(rng, "bookings", "Bookings", "bookings", calls_level * 0.32, days, week, 0.09)
    risky = _daily(rng, "risky_cases", "Risky cases", "calls", calls_level * 0.03, days, week, 0.25)

    # Hourly: last week's actuals and the forecast week's hours (intraday profile times the daily forecast).
    hourly_hist: list[ValuePoint] = []
    for d in days[-7:]:
        for h in range(24):
            lam = calls_level * WEEKDAY_FACTOR[d.weekday()] * HOUR_SHAPE[h]
            hourly_hist.append(ValuePoint(datetime.combine(d, time(h)), float(rng.poisson(lam))))
    hourly_fc: list[IntervalPoint] = []
    plan: list[PlanHour] = []
    for d in week:
        for h in range(24):
            ds = datetime.combine(d, time(h))
            mean = calls_level * WEEKDAY_FACTOR[d.weekday()] * HOUR_SHAPE[h]
            hourly_fc.append(_interval(ds, mean, math.sqrt(mean) * 1.3 + 0.05 * mean))
            aht = 240.0 + 20.0 * rng.standard_normal()
            # Operators as the history shows them: the usual staffing (a bit short in the Monday peak).
            usual = 0.0 if mean == 0 else max(1.0, round(mean * aht / 3600.0 / 0.8 * (0.85 if h in (10, 11) else 1)))
            plan.append(PlanHour(ds, float(mean), float(aht), float(mean * 0.32), float(usual)))
    hourly = ForecastSeries("hourly_calls_offered", "Calls offered per hour", "calls", hourly_hist, hourly_fc)

    params = CalcParams()
    staff = staffing_plan(plan, params)
    staffing = [
        StaffingHour(s.ds, float(s.erlang_a.agents), s.operators_planned, s.offered)
        for s in staff  # agents on the phones, the unit of operators_planned
    ]
    scenarios = [
        Scenario("vol_plus_10", "Campaign: 10 % more calls", volume_change_pct=10),
        Scenario("aht_minus_20", "Shorter calls with the new script", aht_change_sec=-20),
        Scenario("plus_2_midday", "Two more operators 10:00-14:00", extra_operators=2, hour_from=10, hour_to=14),
        Scenario("minus_1_evening", "One operator fewer 17:00-20:00", extra_operators=-1, hour_from=17, hour_to=20),
    ]
    results = run_scenarios(plan, params, scenarios, with_requirements=False)

    def row(code: str, description: str, i: int) -> WhatIfRow:
        t = results[i].total
        return WhatIfRow(code, description, t.offered, t.service_level, t.asa_sec, t.abandon_rate, t.bookings)

    baseline = row(results[0].scenario.code, results[0].scenario.description, 0)
    others = [row(r.scenario.code, r.scenario.description, i) for i, r in enumerate(results) if i > 0]

    kpi_days = [
        KpiDay(
            d,
            service_level=float(np.clip(rng.normal(0.82, 0.05), 0, 1)),
            asa_sec=float(max(1.0, rng.normal(18, 5))),
            abandonment_rate=float(np.clip(rng.normal(0.05, 0.015), 0, 1)),
            aht_sec=float(rng.normal(240, 12)),
            conversion=float(np.clip(rng.normal(0.32, 0.03), 0, 1)),
        )
        for d in days
    ]
    # One day without figures (a gap the chart must show, not bridge).
    kpi_days[len(kpi_days) // 2] = KpiDay(days[len(days) // 2], None, None, None, None, None)

    backtest = [
        BacktestRow("calls_offered_daily", "Daily volume", "MSTL", 8, 0.71, 0.062, 0.79, 0.94, "SeasonalNaive", 1.0),
        BacktestRow("bookings_daily", "Daily bookings", "AutoETS", 8, 0.84, 0.091, 0.81, 0.95),
        BacktestRow("risky_cases_daily", "Daily risky cases", "HistoricAverage", 8, 1.04, 0.27, 0.66, 0.88),
        BacktestRow("calls_offered_hourly", "Hourly volume", "MSTL", 8, 0.88, 0.18, 0.77, 0.93),
    ]

    # history_ids of 6-7 digits (an id never looks like an 11-digit phone number).
    ids = rng.choice(np.arange(100_000, 9_999_999), size=risky_calls, replace=False)
    risky_rows = []
    for i, hid in enumerate(ids):
        at = datetime.combine(week_start - timedelta(days=int(rng.integers(1, 8))), time(int(rng.integers(8, 20))))
        at += timedelta(minutes=int(rng.integers(0, 60)))
        risky_rows.append(
            RiskyCall(
                history_id=int(hid),
                call_at=at,
                operator_id=None if i % 9 == 4 else int(rng.integers(1, 40)),
                channel=str(CHANNELS[int(rng.integers(0, len(CHANNELS)))]),
                churn_risk_level="high",
                complaint_prob=float(rng.uniform(0.3, 0.95)),
                reason=str(REASONS[int(rng.integers(0, len(REASONS)))]),
            )
        )
    risky_rows.sort(key=lambda c: -(c.complaint_prob or 0.0))

    return ReportData(
        week_start=week_start,
        generated_at=datetime.combine(week_start, time(6, 30)),
        calls_offered=calls,
        bookings=bookings,
        risky_cases=risky,
        hourly_calls_offered=hourly,
        kpi_days=kpi_days,
        staffing=staffing,
        whatif_baseline=baseline,
        whatif_scenarios=others,
        backtest=backtest,
        risky_calls=risky_rows,
        title="Week-ahead report",
        centre_name="Demo clinics",
        sla_answer_sec=params.sla_answer_sec,
        sl_target=params.sl_target,
        notes=["Synthetic data for the report tests."],
    )
