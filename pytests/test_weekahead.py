"""The week ahead end to end on both targets: lm forecast through the profile on a generated call centre's
history, its stored forecasts, backtest, staffing and what-if, the BI views over them, and the report.

On each target a demo of 45,000 calls over about 16 weeks is built (dbt build), then the week-ahead step runs
(lm.weekahead.step.run_forecast, what `lm forecast` and `lm run` call) and the report is written. Then:

* the backtest of daily calls offered (8 weekly origins, a week ahead each) beats the seasonal-naive scale
  (MASE < 1), and the 80 % intervals of the daily series (pooled over the series and origins) hold the actual
  value between 75 % and 85 % of the time (the issue's bar);
* the stored forecast has 7 days and 168 hours per series, one chosen model per series, ordered non-negative
  intervals, and the channel series add up to the total (reconciled), hour by hour;
* staffing: Erlang C and Erlang A recomputed in the test from the stored inputs of every hour give the stored
  operators; Erlang A never needs more operators than Erlang C; the callers' mean patience is the censored
  estimate over the history's own abandoned calls;
* what-if: one baseline and the seed's scenarios; a campaign lowers the service level, two more operators at
  midday raise it, a shorter AHT raises it; `lm whatif` again gives the same figures;
* the report is one HTML file with every risky call's history_id and no caller number of the source.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import LmProject
from lm import demo
from lm.weekahead import gather, staffing, whatif
from lm.weekahead import step as weekahead

CALLS = 45_000
CALLS_PER_DAY = 400.0
SEED = 11


@dataclass
class Forecast:
    project: LmProject
    data: demo.DemoData
    run: weekahead.ForecastRun
    report_path: Path


@pytest.fixture(scope="module")
def forecast(lm_project: LmProject, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Forecast]:
    data = demo.generate(CALLS, seed=SEED, calls_per_day=CALLS_PER_DAY)
    with lm_project.connect() as wh:
        demo.load(wh, lm_project.source_schema, data)
    lm_project.dbt("build", "--full-refresh")
    with lm_project.connect() as wh:
        run = weekahead.run_forecast(wh)
        path = gather.write_report(wh, tmp_path_factory.mktemp("report") / "week.html")
    yield Forecast(lm_project, data, run, path)


def _latest(project_: LmProject, table: str, columns: str, where: str = "1 = 1") -> list[tuple[object, ...]]:
    return project_.query(
        f"select {columns} from {{lm}}.{table} where forecast_run_id = "
        f"(select max(forecast_run_id) from {{lm}}.{table}) and {where}"
    )


def test_daily_volume_backtest_beats_seasonal_naive_and_its_80_percent_band_holds(forecast: Forecast) -> None:
    summary = forecast.run.result.summary
    total = summary[(summary["series_id"] == weekahead.TOTAL) & (summary["grain"] == "day") & summary["chosen"]]
    assert len(total) == 1
    assert int(total["n_origins"].iloc[0]) == 8
    assert float(total["mase"].iloc[0]) < 1.0
    backtest = forecast.run.result.backtest
    daily = backtest[(backtest["grain"] == "day")]
    chosen = summary[summary["chosen"] & (summary["grain"] == "day")][["series_id", "model"]]
    daily = daily.merge(chosen, on=["series_id", "model"])
    held = (daily["coverage_80_open"] * daily["n_open"]).sum() / daily["n_open"].sum()
    assert 0.75 <= held <= 0.85, held
    stored = _latest(
        forecast.project, "lm_weekahead_backtest", "mase, n_origins",
        f"series_code = '{weekahead.TOTAL}' and grain = 'day' and is_chosen = 1",
    )  # fmt: skip
    assert [(round(float(m), 9), int(n)) for m, n in stored] == [(round(float(total["mase"].iloc[0]), 9), 8)]


def test_stored_forecast_has_a_week_per_series_and_the_channels_add_up(forecast: Forecast) -> None:
    rows = _latest(
        forecast.project, "lm_weekahead_forecast",
        "series_code, grain, period_start, point, lo_80, hi_80, lo_95, hi_95", "is_chosen = 1",
    )  # fmt: skip
    per_series: dict[tuple[str, str], int] = {}
    totals: dict[tuple[str, str], float] = {}
    channels: dict[tuple[str, str], float] = {}
    for code, grain, period, point, lo80, hi80, lo95, hi95 in rows:
        per_series[(str(code), str(grain))] = per_series.get((str(code), str(grain)), 0) + 1
        values = [float(v) for v in (lo95, lo80, point, hi80, hi95)]
        assert values == sorted(values) and values[0] >= 0, (code, grain, period)
        key = (str(grain), str(period))
        if code == weekahead.TOTAL:
            totals[key] = float(point)
        elif str(code).startswith(weekahead.CHANNEL_PREFIX):
            channels[key] = channels.get(key, 0.0) + float(point)
    channel_codes = {code for code, _ in per_series if code.startswith(weekahead.CHANNEL_PREFIX)}
    assert len(channel_codes) >= 5
    assert {count for (_, grain), count in per_series.items() if grain == "day"} == {7}
    assert {count for (_, grain), count in per_series.items() if grain == "hour"} == {168}
    assert set(totals) == set(channels)
    assert max(abs(totals[key] - channels[key]) for key in totals) < 1e-6
    daily_view = forecast.project.query(
        f"select count(*), count(distinct series_code) from {{lm}}.vw_lm_forecast_daily"
        f" where series_code = '{weekahead.TOTAL}'"
    )
    assert [tuple(int(v) for v in row) for row in daily_view] == [(7, 1)]


def test_staffing_is_erlang_c_and_a_of_the_stored_inputs(forecast: Forecast) -> None:
    params = forecast.run.params
    rows = _latest(
        forecast.project, "lm_staffing_hourly",
        "period_start, calls_forecast, aht_sec, mean_patience_sec, agents_erlang_c, agents_erlang_a, scheduled_staff",
    )  # fmt: skip
    assert len(rows) == 168
    busy = [row for row in rows if float(row[1]) > 1.0]
    assert len(busy) >= 50
    for period, calls, aht, patience, agents_c, agents_a, scheduled in busy[::7]:
        expected_c = staffing.agents_required_erlang_c(
            float(calls), float(aht), sl_target=params.sl_target, sl_threshold_sec=params.sla_answer_sec,
            max_occupancy=params.max_occupancy, shrinkage=params.shrinkage,
        )  # fmt: skip
        expected_a = staffing.agents_required_erlang_a(
            float(calls), float(aht), float(patience), sl_target=params.sl_target,
            sl_threshold_sec=params.sla_answer_sec, max_occupancy=params.max_occupancy, shrinkage=params.shrinkage,
            short_abandon_sec=params.short_abandon_sec,
        )  # fmt: skip
        assert (int(agents_c), int(agents_a), int(scheduled)) == (
            expected_c.agents, expected_a.agents, expected_a.scheduled,
        ), period  # fmt: skip
        assert int(agents_a) <= int(agents_c)
    # patience: waiting beyond short_abandon_sec / abandons after it, over the history's own calls
    facts = forecast.project.query(
        "select await_sec, is_lost, is_answered, call_status from {lm}.fct_calls where is_inbound"
        " and call_date > (select max(call_date) from {lm}.fct_calls) - 57"
        " and call_date < (select max(call_date) from {lm}.fct_calls)"
        if forecast.project.target == "duckdb"
        else "select await_sec, is_lost, is_answered, call_status from {lm}.fct_calls where is_inbound"
        " and call_date > (select max(call_date) - interval 57 day from {lm}.fct_calls)"
        " and call_date < (select max(call_date) from {lm}.fct_calls)"
    )
    waits = [
        math.nan if w is None else float(w)
        for w, _, answered, status in facts
        if bool(answered) or status in ("missed", "abandoned")
    ]
    lost = [bool(lost) for _, lost, answered, status in facts if bool(answered) or status in ("missed", "abandoned")]
    estimate = staffing.estimate_patience(waits, lost, short_abandon_sec=params.short_abandon_sec)
    assert math.isfinite(forecast.run.mean_patience_sec)
    assert forecast.run.mean_patience_sec == pytest.approx(estimate.mean_patience_sec, rel=0.02)


def test_whatif_scenarios_move_service_level_the_expected_way(forecast: Forecast) -> None:
    rows = _latest(forecast.project, "lm_whatif_results", "scenario_code, is_baseline, expected_sl, expected_bookings")
    by_code = {str(code): (int(base), float(sl), float(bookings)) for code, base, sl, bookings in rows}
    assert set(by_code) == {"baseline", "campaign_plus_15", "script_minus_20s", "plus_2_midday", "night_shift_profile"}
    assert by_code["baseline"][0] == 1 and sum(v[0] for v in by_code.values()) == 1
    base_sl = by_code["baseline"][1]
    assert by_code["campaign_plus_15"][1] < base_sl
    assert by_code["plus_2_midday"][1] > base_sl
    assert by_code["script_minus_20s"][1] > base_sl
    assert by_code["campaign_plus_15"][2] > by_code["baseline"][2]
    with forecast.project.connect() as wh:
        again = weekahead.rerun_whatif(wh)
    totals = {result.scenario.code: result.total for result in again.scenarios}
    for code, (_, sl, bookings) in by_code.items():
        assert totals[code].service_level == pytest.approx(sl, abs=1e-9)
        assert totals[code].bookings == pytest.approx(bookings, abs=1e-6)
    view = forecast.project.query("select scenario_code, sl_change from {lm}.vw_lm_whatif")
    changes = {str(code): float(change) for code, change in view}
    assert changes["baseline"] == pytest.approx(0.0, abs=1e-12)
    assert changes["campaign_plus_15"] == pytest.approx(by_code["campaign_plus_15"][1] - base_sl, abs=1e-9)
    assert isinstance(whatif.BASELINE, whatif.Scenario)


def test_report_lists_the_risky_calls_by_id_and_no_caller_number(forecast: Forecast) -> None:
    html = forecast.report_path.read_text(encoding="utf-8")
    with forecast.project.connect() as wh:
        data = gather.gather(wh)
    assert data.risky_calls, "the demo's last week has high-risk calls"
    for call in data.risky_calls:
        assert re.search(rf"\b{call.history_id}\b", html)
    numbers = {str(number) for number in forecast.data.call_history["caller_number"].to_pylist() if number}
    assert numbers and not any(number in html for number in numbers)
    assert "<script src=" not in html
