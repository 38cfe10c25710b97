"""The manager's Monday report: one self-contained HTML file of the week ahead.

``render_report(data, path)`` writes a single HTML file that opens with no network: plotly.js is inlined once
in the page head (about 4.7 MB), every figure is a ``<div>`` plus a ``Plotly.newPlot`` call on it, the style
sheet is inline and the tables are plain HTML. Sections, in page order:

1. headline figures of the forecast week (calls offered, bookings, risky cases against last week; staffing gaps);
2. the week-ahead forecasts against recent history with their 80 % and 95 % intervals: daily calls offered,
   daily bookings, daily risky cases, and the forecast week's hourly calls offered;
3. KPI trends (service level, ASA, abandonment rate, AHT, conversion per day);
4. the staffing curve per hour of the forecast week (operators needed against the operators the history
   shows for that weekday-hour), with a per-day summary;
5. the what-if table (each scenario's week figures side by side with the baseline);
6. backtest accuracy in plain words (model, MASE, WAPE, interval coverage per series);
7. the high-risk calls of the last 7 days, by ``history_id`` only.

The caller gathers the figures (warehouse views, ``lm.weekahead.staffing`` / ``whatif``, the backtest) into a
``ReportData``; this module only renders. ``ReportData`` has no field for phone numbers, caller names or
transcripts, so none can reach the page. All text goes through Jinja2's autoescaping (tables) or plotly's JSON
encoder, which escapes ``<`` (charts). Missing values are ``None`` (non-finite floats are shown as missing too)
and are rendered as a dash in tables and as gaps in charts.

Ratios (service level, abandonment, conversion, WAPE, coverage, complaint probability) are shares in 0-1;
durations are seconds.

Usage::

    from lm.weekahead.report import ReportData, render_report

    data = ReportData(week_start=..., generated_at=..., calls_offered=ForecastSeries(...), ...)
    render_report(data, Path("reports/week_2026-11-30.html"))

``WhatIfRow`` takes ``lm.weekahead.whatif.WeekTotal``'s figures (``service_level``, ``asa_sec``,
``abandon_rate`` as ``abandonment_rate``, ``bookings``, ``offered``); ``StaffingHour`` takes
``HourStaffing.erlang_a.agents`` as ``operators_needed`` and ``operators_planned`` as ``operators_current``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import jinja2
import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs
from plotly.subplots import make_subplots

# Colours of the charts (opaque, so that a screenshot shows them exactly where they are painted).
HISTORY_COLOR = "#3b3b3b"
FORECAST_COLOR = "#1f5fa8"
BAND80_COLOR = "#9ec0e6"
BAND95_COLOR = "#d9e6f5"
NEEDED_COLOR = "#c0392b"
CURRENT_COLOR = "#27ae60"
KPI_COLOR = "#6c3483"
TARGET_COLOR = "#e67e22"

_PLOTLY_CONFIG: dict[str, Any] = {"displaylogo": False, "responsive": True}
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


# ---------------------------------------------------------------------------------------------------------
# Input
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ValuePoint:
    """One observed value of a series."""

    ds: date | datetime  # the day (daily series) or the start of the hour (hourly series)
    value: float | None  # the actual; None when unknown


@dataclass(frozen=True)
class IntervalPoint:
    """One forecast value with its central 80 % and 95 % prediction intervals."""

    ds: date | datetime  # the day (daily series) or the start of the hour (hourly series)
    mean: float | None  # point forecast
    lo80: float | None = None  # lower bound of the 80 % interval
    hi80: float | None = None  # upper bound of the 80 % interval
    lo95: float | None = None  # lower bound of the 95 % interval
    hi95: float | None = None  # upper bound of the 95 % interval


@dataclass(frozen=True)
class ForecastSeries:
    """A forecast series with the recent history it is drawn against."""

    code: str  # machine name, e.g. "calls_offered"
    title: str  # what the manager reads, e.g. "Calls offered"
    unit: str  # unit of the values, e.g. "calls"
    history: list[ValuePoint] = field(default_factory=list)  # actuals before the forecast week, oldest first
    forecast: list[IntervalPoint] = field(default_factory=list)  # the forecast week, in time order


@dataclass(frozen=True)
class KpiDay:
    """The contact-centre KPIs of one past day (as ``vw_lm_kpi_daily`` gives them)."""

    ds: date
    service_level: float | None  # share answered within the SLA threshold, 0-1
    asa_sec: float | None  # average speed of answer of the answered calls, seconds
    abandonment_rate: float | None  # share abandoned (after the short-abandon threshold), 0-1
    aht_sec: float | None  # average handle time, seconds
    conversion: float | None  # bookings per target call, 0-1


@dataclass(frozen=True)
class StaffingHour:
    """One hour of the forecast week: operators needed against the operators usually on the phones."""

    ds: datetime  # start of the hour
    operators_needed: float | None  # operators on the phones the forecast needs for the SL target (Erlang A)
    operators_current: float | None  # operators the history shows on the phones for this weekday-hour
    offered: float | None = None  # forecast calls offered in the hour (hover text only)


@dataclass(frozen=True)
class WhatIfRow:
    """The forecast week under one scenario (``lm.weekahead.whatif.WeekTotal`` gives these figures)."""

    scenario_code: str  # e.g. "vol_plus_10"; the baseline's is "baseline"
    description: str  # what the scenario changes, in words
    offered: float | None  # calls offered over the week
    service_level: float | None  # week service level, 0-1
    asa_sec: float | None  # week ASA of the answered calls, seconds
    abandonment_rate: float | None  # week abandonment rate, 0-1
    bookings: float | None  # expected bookings over the week


@dataclass(frozen=True)
class BacktestRow:
    """Measured accuracy of one forecast series on the rolling-origin backtest."""

    series_code: str  # e.g. "calls_offered_daily"
    series_title: str  # e.g. "Daily calls offered"
    model: str  # the chosen model, e.g. "MSTL"
    weeks: int  # number of backtest weeks (forecast origins) the figures are over
    mase: float | None  # mean absolute scaled error (scaled by the seasonal-naive in-sample error)
    wape: float | None  # weighted absolute percentage error: sum |error| / sum actual, 0-1+
    coverage_80: float | None  # share of actuals inside the 80 % interval, 0-1
    coverage_95: float | None  # share of actuals inside the 95 % interval, 0-1
    baseline_model: str | None = None  # the benchmark compared against, e.g. "SeasonalNaive"
    baseline_mase: float | None = None  # MASE of the benchmark over the same weeks


@dataclass(frozen=True)
class RiskyCall:
    """One high-risk call of the last 7 days. By ``history_id`` only: no phone number, no transcript."""

    history_id: int  # call_history.history_id
    call_at: datetime  # start of the call
    operator_id: int | None  # the operator who took it; None when it was not answered
    channel: str | None  # traffic channel code
    churn_risk_level: str | None  # "low" / "medium" / "high"
    complaint_prob: float | None  # forecast probability of a complaint, 0-1
    reason: str | None  # short label of why it is risky (e.g. refusal reason, category); never free text


@dataclass(frozen=True)
class ReportData:
    """Everything the Monday report shows. Lists may be empty: their section then says there is no data."""

    week_start: date  # first day (normally the Monday) of the forecast week
    generated_at: datetime  # when the figures were gathered
    calls_offered: ForecastSeries  # daily total calls offered: history and the week's forecast
    bookings: ForecastSeries  # daily bookings: history and forecast
    risky_cases: ForecastSeries  # daily risky cases (e.g. calls at high churn risk): history and forecast
    hourly_calls_offered: ForecastSeries  # hourly calls offered: the forecast week (history optional)
    kpi_days: list[KpiDay]  # KPIs of the recent weeks, one row per day, oldest first
    staffing: list[StaffingHour]  # one row per hour of the forecast week
    whatif_baseline: WhatIfRow | None  # the forecast week as planned
    whatif_scenarios: list[WhatIfRow]  # the other scenarios, in display order
    backtest: list[BacktestRow]  # one row per forecast series
    risky_calls: list[RiskyCall]  # the top high-risk calls of the last 7 days, in display order
    title: str = "Week-ahead report"  # page title
    centre_name: str | None = None  # e.g. the clinic network's name, shown under the title
    sla_answer_sec: float | None = None  # SLA threshold, shown in the service-level labels
    sl_target: float | None = None  # service-level target, drawn on the SL trend, 0-1
    notes: list[str] = field(default_factory=list)  # caveats shown under the headline (e.g. data gaps)


# ---------------------------------------------------------------------------------------------------------
# Formatting
# ---------------------------------------------------------------------------------------------------------


def _ok(x: float | None) -> bool:
    return x is not None and math.isfinite(x)


def _val(x: float | None) -> float | None:
    """The value for a chart: None for missing or non-finite."""
    return x if x is not None and math.isfinite(x) else None


def fmt_num(x: float | None, digits: int = 0) -> str:
    """A number with thin thousands separators, or a dash when missing."""
    if x is None or not math.isfinite(x):
        return "\u2014"
    return f"{x:,.{digits}f}".replace(",", "\u202f")


def fmt_pct(x: float | None, digits: int = 1) -> str:
    """A share 0-1 as a percentage, or a dash when missing."""
    if x is None or not math.isfinite(x):
        return "\u2014"
    return f"{x * 100:.{digits}f}\u00a0%"


def fmt_sec(x: float | None) -> str:
    if x is None or not math.isfinite(x):
        return "\u2014"
    return f"{x:.0f}\u00a0s"


def _fmt_delta(x: float | None, base: float | None, kind: str) -> str:
    if not _ok(x) or not _ok(base):
        return ""
    assert x is not None and base is not None
    d = x - base
    if abs(d) < 1e-9:
        return "same as baseline"
    if kind == "pct":
        return f"{d * 100:+.1f}\u00a0pp vs baseline"
    if kind == "sec":
        return f"{d:+.0f}\u00a0s vs baseline"
    rel = f" ({d / base * 100:+.1f}\u00a0%)" if base else ""
    return f"{d:+,.0f}".replace(",", "\u202f") + rel + " vs baseline"


def _fmt_day(d: date) -> str:
    return f"{_WEEKDAYS[d.weekday()]} {d:%d.%m.%Y}"


# ---------------------------------------------------------------------------------------------------------
# Charts
# ---------------------------------------------------------------------------------------------------------


def _layout(fig: go.Figure, height: int, y_title: str = "") -> None:
    fig.update_layout(
        template="plotly_white",
        height=height,
        margin={"l": 60, "r": 20, "t": 30, "b": 40},
        legend={"orientation": "h", "y": 1.08, "x": 0},
        hovermode="x unified",
        yaxis_title=y_title,
    )


def _band_traces(fig: go.Figure, pts: Sequence[IntervalPoint], level: int, color: str) -> None:
    lo_name, hi_name = f"lo{level}", f"hi{level}"
    rows = [(p.ds, _val(getattr(p, lo_name)), _val(getattr(p, hi_name))) for p in pts]
    rows = [r for r in rows if r[1] is not None and r[2] is not None]
    if not rows:
        return
    xs = [r[0] for r in rows]
    fig.add_trace(
        go.Scatter(x=xs, y=[r[2] for r in rows], mode="lines", line={"width": 0}, showlegend=False, hoverinfo="skip")
    )
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=[r[1] for r in rows],
            mode="lines",
            line={"width": 0},
            fill="tonexty",
            fillcolor=color,
            name=f"{level} % interval",
            hoverinfo="skip",
        )
    )


def forecast_figure(series: ForecastSeries, height: int = 360, history_days: int | None = 42) -> go.Figure:
    """History (dark line), the point forecast (blue) and its 95 % and 80 % bands (light and darker blue).

    The x axis opens on the last ``history_days`` days of history and the forecast (None: all of it); the rest of
    the history is a zoom-out away.
    """
    fig = go.Figure()
    _band_traces(fig, series.forecast, 95, BAND95_COLOR)
    _band_traces(fig, series.forecast, 80, BAND80_COLOR)
    if series.history:
        fig.add_trace(
            go.Scatter(
                x=[p.ds for p in series.history],
                y=[_val(p.value) for p in series.history],
                mode="lines",
                line={"color": HISTORY_COLOR, "width": 1.5},
                name="Actual",
            )
        )
    if series.forecast:
        fig.add_trace(
            go.Scatter(
                x=[p.ds for p in series.forecast],
                y=[_val(p.mean) for p in series.forecast],
                mode="lines",
                line={"color": FORECAST_COLOR, "width": 2.5},
                name="Forecast",
            )
        )
    _layout(fig, height, series.unit)
    xs = [p.ds for p in series.history] + [p.ds for p in series.forecast]
    if history_days is not None and xs:
        first, last = min(xs), max(xs)
        start = last - timedelta(days=history_days + 7)
        if start > first:
            fig.update_xaxes(range=[start, last])
    return fig


def kpi_figure(days: Sequence[KpiDay], sla_answer_sec: float | None, sl_target: float | None) -> go.Figure:
    """One panel per KPI over the recent days, sharing the date axis."""
    sl_title = f"Service level ({sla_answer_sec:.0f} s)" if _ok(sla_answer_sec) else "Service level"
    panels: list[tuple[str, str, str]] = [
        ("service_level", sl_title, ".0%"),
        ("asa_sec", "ASA, s", ""),
        ("abandonment_rate", "Abandonment rate", ".1%"),
        ("aht_sec", "AHT, s", ""),
        ("conversion", "Conversion", ".0%"),
    ]
    fig = make_subplots(
        rows=len(panels), cols=1, shared_xaxes=True, vertical_spacing=0.04, subplot_titles=[p[1] for p in panels]
    )
    xs = [d.ds for d in days]
    for i, (attr, title, tickformat) in enumerate(panels, start=1):
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=[_val(getattr(d, attr)) for d in days],
                mode="lines+markers",
                marker={"size": 4},
                line={"color": KPI_COLOR, "width": 1.5},
                name=title,
                showlegend=False,
            ),
            row=i,
            col=1,
        )
        if tickformat:
            fig.update_yaxes(tickformat=tickformat, row=i, col=1)
    if _ok(sl_target) and days:
        fig.add_trace(
            go.Scatter(
                x=[xs[0], xs[-1]],
                y=[sl_target, sl_target],
                mode="lines",
                line={"color": TARGET_COLOR, "dash": "dash", "width": 1.5},
                name="SL target",
                showlegend=False,
                hoverinfo="skip",
            ),
            row=1,
            col=1,
        )
    _layout(fig, 180 * len(panels))
    fig.update_layout(hovermode="x")
    return fig


def staffing_figure(hours: Sequence[StaffingHour]) -> go.Figure:
    """Operators needed (red) and usually on the phones (green) per hour, as steps."""
    fig = go.Figure()
    xs = [h.ds for h in hours]
    offered = [fmt_num(h.offered, 0) for h in hours]
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=[_val(h.operators_current) for h in hours],
            mode="lines",
            line={"color": CURRENT_COLOR, "width": 2, "shape": "hv"},
            name="Operators on the phones (history)",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=[_val(h.operators_needed) for h in hours],
            mode="lines",
            line={"color": NEEDED_COLOR, "width": 2, "shape": "hv"},
            name="Operators needed (forecast)",
            customdata=offered,
            hovertemplate="%{y:.0f} needed, %{customdata} calls<extra></extra>",
        )
    )
    _layout(fig, 380, "operators")
    return fig


def _figure_html(fig: go.Figure, div_id: str) -> str:
    html: str = pio.to_html(
        fig, full_html=False, include_plotlyjs=False, include_mathjax=False, config=_PLOTLY_CONFIG, div_id=div_id
    )
    return html


# ---------------------------------------------------------------------------------------------------------
# Tables and sentences
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Headline:
    label: str
    value: str
    detail: str


def _sum(values: Sequence[float | None]) -> float | None:
    ok = [v for v in values if v is not None and math.isfinite(v)]
    return sum(ok) if ok else None


def _headline(series: ForecastSeries, week_start: date) -> _Headline:
    week = _sum([p.mean for p in series.forecast])
    prev_start = week_start - timedelta(days=7)
    last = [p.value for p in series.history if prev_start <= _day(p.ds) < week_start]
    last_week = _sum(last) if len(last) == 7 else None
    detail = ""
    if _ok(last_week) and _ok(week):
        assert last_week is not None and week is not None
        detail = f"last week {fmt_num(last_week)}"
        if last_week:
            detail += f" ({(week - last_week) / last_week * 100:+.1f}\u00a0%)"
    return _Headline(series.title, fmt_num(week), detail)


def _day(ds: date | datetime) -> date:
    return ds.date() if isinstance(ds, datetime) else ds


@dataclass(frozen=True)
class _StaffDay:
    day: str
    needed_hours: str
    current_hours: str
    short_hours: int
    largest_gap: str


def _gaps(hours: Sequence[StaffingHour]) -> list[tuple[float, datetime]]:
    """(operators needed - operators usual, hour) for the hours that have both figures."""
    out = []
    for h in hours:
        need, have = _val(h.operators_needed), _val(h.operators_current)
        if need is not None and have is not None:
            out.append((need - have, h.ds))
    return out


def _staffing_days(hours: Sequence[StaffingHour]) -> list[_StaffDay]:
    by_day: dict[date, list[StaffingHour]] = {}
    for h in hours:
        by_day.setdefault(h.ds.date(), []).append(h)
    out = []
    for d in sorted(by_day):
        rows = by_day[d]
        short = [g for g in _gaps(rows) if g[0] > 0]
        worst = max(short, default=None)
        out.append(
            _StaffDay(
                _fmt_day(d),
                fmt_num(_sum([h.operators_needed for h in rows]), 0),
                fmt_num(_sum([h.operators_current for h in rows]), 0),
                len(short),
                f"{fmt_num(worst[0], 1)} at {worst[1]:%H:%M}" if worst else "\u2014",
            )
        )
    return out


def _staffing_sentence(hours: Sequence[StaffingHour]) -> str:
    gaps = _gaps(hours)
    if not gaps:
        return "No staffing figures for the forecast week."
    short = [g for g in gaps if g[0] > 0]
    if not short:
        return "The usual operators cover the forecast in every hour of the week."
    gap, when = max(short)
    return (
        f"The forecast needs more operators than the history shows in {len(short)} of {len(gaps)} hours; "
        f"the largest gap is {fmt_num(gap, 1)} operators on {_WEEKDAYS[when.weekday()]} at {when:%H:%M}."
    )


@dataclass(frozen=True)
class _WhatIfCells:
    code: str
    description: str
    is_baseline: bool
    cells: list[tuple[str, str]]  # (value, delta against the baseline) per column


_WHATIF_COLUMNS: list[tuple[str, str, str]] = [
    ("offered", "Calls offered", "num"),
    ("service_level", "Service level", "pct"),
    ("asa_sec", "ASA", "sec"),
    ("abandonment_rate", "Abandonment", "pct"),
    ("bookings", "Bookings", "num"),
]


def _fmt_kind(x: float | None, kind: str) -> str:
    return fmt_pct(x) if kind == "pct" else fmt_sec(x) if kind == "sec" else fmt_num(x)


def _whatif_rows(base: WhatIfRow | None, scenarios: Sequence[WhatIfRow]) -> list[_WhatIfCells]:
    out = []
    for row, is_base in [*([(base, True)] if base else []), *((s, False) for s in scenarios)]:
        assert row is not None
        cells = []
        for attr, _title, kind in _WHATIF_COLUMNS:
            x = getattr(row, attr)
            delta = "" if is_base or base is None else _fmt_delta(x, getattr(base, attr), kind)
            cells.append((_fmt_kind(x, kind), delta))
        out.append(_WhatIfCells(row.scenario_code, row.description, is_base, cells))
    return out


def backtest_sentence(row: BacktestRow) -> str:
    """The accuracy of one series in plain words."""
    weeks = f"{row.weeks} week" + ("" if row.weeks == 1 else "s")
    wape, cov80, cov95, mase = _val(row.wape), _val(row.coverage_80), _val(row.coverage_95), _val(row.mase)
    if wape is not None:
        text = f"{row.series_title} forecasts were off by {wape * 100:.0f} % on average over the last {weeks}"
    else:
        text = f"{row.series_title}: no error figure over the last {weeks}"
    if cov80 is not None:
        text += f"; the 80 % band held the actual value {cov80 * 100:.0f} % of the time"
        if cov95 is not None:
            text += f" (the 95 % band {cov95 * 100:.0f} %)"
    text += "."
    if mase is not None:
        verdict = "more accurate than" if mase < 1 else "no more accurate than"
        text += f" MASE {mase:.2f}: {verdict} the seasonal-naive forecast (the same time a week earlier)."
        baseline_mase = _val(row.baseline_mase)
        if row.baseline_model and baseline_mase is not None:
            text += f" {row.baseline_model} scored {baseline_mase:.2f}."
    if cov80 is not None and cov80 < 0.70:
        text += " The 80 % band has been too narrow: expect more surprises than it suggests."
    elif cov80 is not None and cov80 > 0.90:
        text += " The 80 % band has been wider than needed."
    return text


@dataclass(frozen=True)
class _BacktestCells:
    title: str
    model: str
    mase: str
    wape: str
    cov80: str
    cov95: str
    sentence: str


@dataclass(frozen=True)
class _RiskyCells:
    history_id: str
    call_at: str
    operator_id: str
    channel: str
    churn: str
    complaint: str
    reason: str


def _risky_rows(calls: Sequence[RiskyCall]) -> list[_RiskyCells]:
    return [
        _RiskyCells(
            str(int(c.history_id)),
            f"{_WEEKDAYS[c.call_at.weekday()]} {c.call_at:%d.%m %H:%M}",
            "\u2014" if c.operator_id is None else str(int(c.operator_id)),
            c.channel or "\u2014",
            c.churn_risk_level or "\u2014",
            fmt_pct(c.complaint_prob, 0),
            c.reason or "\u2014",
        )
        for c in calls
    ]


# ---------------------------------------------------------------------------------------------------------
# Page
# ---------------------------------------------------------------------------------------------------------


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("lm.weekahead", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(data: ReportData) -> str:
    """The report page as one HTML string (see the module docstring)."""
    week_end = data.week_start + timedelta(days=6)
    charts: dict[str, str] = {}
    for key, series in (
        ("calls_offered", data.calls_offered),
        ("bookings", data.bookings),
        ("risky_cases", data.risky_cases),
        ("hourly_calls_offered", data.hourly_calls_offered),
    ):
        if series.forecast or series.history:
            charts[key] = _figure_html(forecast_figure(series), f"chart-{key}")
    if data.kpi_days:
        charts["kpi"] = _figure_html(kpi_figure(data.kpi_days, data.sla_answer_sec, data.sl_target), "chart-kpi")
    if data.staffing:
        charts["staffing"] = _figure_html(staffing_figure(data.staffing), "chart-staffing")
    backtest = [
        _BacktestCells(
            r.series_title,
            r.model,
            fmt_num(r.mase, 2),
            fmt_pct(r.wape),
            fmt_pct(r.coverage_80, 0),
            fmt_pct(r.coverage_95, 0),
            backtest_sentence(r),
        )
        for r in data.backtest
    ]
    template = _environment().get_template("report.html.j2")
    return template.render(
        data=data,
        plotly_js=get_plotlyjs(),
        week_label=f"{_fmt_day(data.week_start)} \u2013 {_fmt_day(week_end)}",
        generated=f"{data.generated_at:%d.%m.%Y %H:%M}",
        headlines=[_headline(s, data.week_start) for s in (data.calls_offered, data.bookings, data.risky_cases)],
        staffing_sentence=_staffing_sentence(data.staffing),
        staffing_days=_staffing_days(data.staffing),
        charts=charts,
        series={
            "calls_offered": data.calls_offered,
            "bookings": data.bookings,
            "risky_cases": data.risky_cases,
            "hourly_calls_offered": data.hourly_calls_offered,
        },
        whatif_columns=[c[1] for c in _WHATIF_COLUMNS],
        whatif_rows=_whatif_rows(data.whatif_baseline, data.whatif_scenarios),
        backtest=backtest,
        risky=_risky_rows(data.risky_calls),
    )


def render_report(data: ReportData, path: Path) -> Path:
    """Write the report to ``path`` (parents created) as one self-contained UTF-8 HTML file; returns ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(render_html(data), encoding="utf-8")
    tmp.replace(path)
    return path
