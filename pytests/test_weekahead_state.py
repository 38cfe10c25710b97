"""The week-ahead step's stored outputs on both targets: the four state tables the on-run-start hooks create
(macros/registry/lm_weekahead_state.sql), their staging views and the BI views over them.

The tables are filled here by hand, the way `lm forecast` / `lm whatif` will write them (Arrow tables through
Warehouse.load_arrow), with two runs: OLD (2026-11-30) and NEW (2026-12-07). NEW's run id sorts before OLD's,
so a view that took the greatest run id instead of the latest forecast_at would show OLD; lm_whatif_results
also holds a run TIE written in the same second as NEW with a smaller id (the tie goes to NEW). The expected rows
are written out by hand below; 2026-12-07 is a Monday, so 2026-12-08 is a Tuesday (ISO 2) and 2026-12-13 a
Sunday (ISO 7).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa
import pytest

from conftest import LmProject

OLD, NEW = "wa-run-z-old", "wa-run-a-new"
TIE = "wa-run-0-tie"  # written in the same second as NEW, with a smaller id: NEW wins the tie
OLD_AT, NEW_AT = dt.datetime(2026, 11, 30, 6, 0), dt.datetime(2026, 12, 7, 6, 0)
VERSION = "1.1.0"
STR, INT, DBL, TS = pa.string(), pa.int32(), pa.float64(), pa.timestamp("s")

# The contract the Python step writes: columns in table order with the Arrow type it loads.
COLUMNS: dict[str, list[tuple[str, pa.DataType]]] = {
    "lm_weekahead_forecast": [
        ("forecast_run_id", STR),
        ("series_code", STR),
        ("grain", STR),
        ("period_start", TS),
        ("model_name", STR),
        ("is_chosen", INT),
        ("point", DBL),
        ("lo_80", DBL),
        ("hi_80", DBL),
        ("lo_95", DBL),
        ("hi_95", DBL),
        ("interval_method", STR),
        ("forecast_at", TS),
        ("lm_version", STR),
    ],
    "lm_weekahead_backtest": [
        ("forecast_run_id", STR),
        ("series_code", STR),
        ("grain", STR),
        ("model_name", STR),
        ("n_origins", INT),
        ("horizon_days", INT),
        ("mase", DBL),
        ("wape", DBL),
        ("coverage_80", DBL),
        ("coverage_95", DBL),
        ("is_chosen", INT),
        ("interval_method", STR),
        ("forecast_at", TS),
        ("lm_version", STR),
    ],
    "lm_staffing_hourly": [
        ("forecast_run_id", STR),
        ("period_start", TS),
        ("calls_forecast", DBL),
        ("aht_sec", DBL),
        ("mean_patience_sec", DBL),
        ("agents_erlang_c", INT),
        ("agents_erlang_a", INT),
        ("scheduled_staff", INT),
        ("binding_constraint", STR),
        ("sl_at_required", DBL),
        ("asa_at_required_sec", DBL),
        ("abandonment_at_required", DBL),
        ("operators_history", DBL),
        ("sl_at_history", DBL),
        ("asa_at_history_sec", DBL),
        ("abandonment_at_history", DBL),
        ("forecast_at", TS),
        ("lm_version", STR),
    ],
    "lm_whatif_results": [
        ("forecast_run_id", STR),
        ("scenario_code", STR),
        ("description", STR),
        ("calc_profile", STR),
        ("is_baseline", INT),
        ("calls_offered", DBL),
        ("calls_answered", DBL),
        ("expected_sl", DBL),
        ("expected_asa_sec", DBL),
        ("expected_abandonment", DBL),
        ("expected_bookings", DBL),
        ("operator_hours", DBL),
        ("forecast_at", TS),
        ("lm_version", STR),
    ],
}
PRIMARY_KEYS = {
    "lm_weekahead_forecast": ["forecast_run_id", "series_code", "grain", "period_start", "model_name"],
    "lm_weekahead_backtest": ["forecast_run_id", "series_code", "grain", "model_name"],
    "lm_staffing_hourly": ["forecast_run_id", "period_start"],
    "lm_whatif_results": ["forecast_run_id", "scenario_code"],
}


def day(d: int, hour: int = 0) -> dt.datetime:
    """A December 2026 day (at an hour)."""
    return dt.datetime(2026, 12, d, hour)


D8, D9, D14, DEC1 = day(8), day(9), day(14), day(1)


def _fc(run: str, series: str, grain: str, start: dt.datetime, model: str, chosen: int, point: float) -> tuple:
    """A forecast row: intervals point -/+ 10 % (80 %) and 20 % (95 %), conformal for AutoETS."""
    at = NEW_AT if run == NEW else OLD_AT
    method = "conformal" if model == "AutoETS" else "model"
    return (run, series, grain, start, model, chosen, point, point * 0.9, point * 1.1, point * 0.8, point * 1.2,
            method, at, VERSION)  # fmt: skip


FORECAST_ROWS = [
    # NEW: calls_offered by day, AutoETS chosen
    _fc(NEW, "calls_offered", "day", D8, "SeasonalNaive", 0, 100.0),
    _fc(NEW, "calls_offered", "day", D9, "SeasonalNaive", 0, 101.0),
    _fc(NEW, "calls_offered", "day", D8, "AutoETS", 1, 110.0),
    _fc(NEW, "calls_offered", "day", D9, "AutoETS", 1, 111.0),
    _fc(NEW, "calls_offered", "day", D8, "MSTL", 0, 120.0),
    _fc(NEW, "calls_offered", "day", D9, "MSTL", 0, 121.0),
    # NEW: bookings by day, SeasonalNaive chosen (its own point is the baseline)
    _fc(NEW, "bookings", "day", D8, "SeasonalNaive", 1, 20.0),
    _fc(NEW, "bookings", "day", D9, "SeasonalNaive", 1, 21.0),
    _fc(NEW, "bookings", "day", D8, "AutoETS", 0, 22.0),
    _fc(NEW, "bookings", "day", D9, "AutoETS", 0, 23.0),
    # NEW: risky_cases without a SeasonalNaive fit: no baseline point
    _fc(NEW, "risky_cases", "day", D8, "AutoETS", 1, 3.0),
    # NEW: calls_offered by hour, MSTL chosen
    _fc(NEW, "calls_offered", "hour", day(8, 9), "SeasonalNaive", 0, 9.0),
    _fc(NEW, "calls_offered", "hour", day(8, 10), "SeasonalNaive", 0, 10.0),
    _fc(NEW, "calls_offered", "hour", day(8, 9), "MSTL", 1, 11.0),
    _fc(NEW, "calls_offered", "hour", day(8, 10), "MSTL", 1, 12.0),
    _fc(NEW, "calls_offered", "hour", day(13, 23), "MSTL", 1, 2.0),
    # OLD run: must not show
    _fc(OLD, "calls_offered", "day", DEC1, "SeasonalNaive", 1, 50.0),
    _fc(OLD, "calls_offered", "day", DEC1, "AutoETS", 0, 55.0),
    _fc(OLD, "calls_offered", "hour", day(1, 9), "SeasonalNaive", 1, 5.0),
]
# run, series, grain, model, n_origins, horizon_days, mase, wape, coverage_80, coverage_95, is_chosen, method
BACKTEST_ROWS = [
    (NEW, "calls_offered", "day", "SeasonalNaive", 8, 7, 1.0, 0.12, 0.75, 0.93, 0, "model"),
    (NEW, "calls_offered", "day", "AutoETS", 8, 7, 0.8, 0.09, 0.80, 0.95, 1, "conformal"),
    (NEW, "calls_offered", "day", "MSTL", 8, 7, 0.9, 0.10, None, None, 0, "model"),
    (NEW, "calls_offered", "hour", "SeasonalNaive", 8, 7, 1.0, 0.30, 0.70, 0.90, 0, "model"),
    (NEW, "calls_offered", "hour", "MSTL", 8, 7, 0.7, 0.25, 0.79, 0.94, 1, "model"),
    (OLD, "calls_offered", "day", "SeasonalNaive", 6, 7, 1.0, 0.20, 0.60, 0.85, 1, "model"),
]
# run, period_start, calls, aht, patience, erlang_c, erlang_a, scheduled, binding, sl/asa/aband at required,
# operators_history, sl/asa/aband at history
STAFFING_ROWS = [
    (NEW, day(8, 9), 40.0, 240.0, 180.0, 5, 4, 6, "service_level", 0.82, 14.0, 0.03, 3.5, 0.6, 40.0, 0.09),
    (NEW, day(13, 23), 2.0, 200.0, 180.0, 1, 1, 2, "occupancy", 0.99, 0.5, 0.001, 1.0, 0.99, 0.5, 0.001),
    (NEW, D14, 0.0, 200.0, 180.0, 0, 0, 0, "none", None, None, None, None, None, None, None),
    (OLD, day(1, 9), 30.0, 240.0, 180.0, 4, 3, 5, "service_level", 0.8, 15, 0.03, 3, 0.7, 30, 0.05),
]
# run, scenario, description, calc_profile, is_baseline, offered, answered, sl, asa, abandonment, bookings, op-hours
WHATIF_ROWS = [
    (NEW, "baseline", "The plan as it stands", "default_v1", 1, 1000.0, 940.0, 0.80, 30.0, 0.05, 200.0, 400.0),
    (NEW, "vol_plus_10", "Volume +10 %", "default_v1", 0, 1100.0, 1010.0, 0.72, 45.0, 0.08, 215.0, 400.0),
    (NEW, "extra_op", "One operator more 9-18", "default_v1", 0, 1000.0, 975.0, 0.90, 12.5, 0.025, 206.0, 463.0),
    (TIE, "baseline", "The plan as it stands", "default_v1", 1, 1000.0, 900.0, 0.60, 60.0, 0.10, 180.0, 400.0),
    (OLD, "baseline", "The plan as it stands", "default_v1", 1, 900.0, 800.0, 0.50, 90.0, 0.15, 150.0, 300.0),
    (OLD, "vol_plus_10", "Volume +10 %", "default_v1", 0, 990.0, 850.0, 0.40, 120.0, 0.20, 160.0, 300.0),
]


def _arrow(table: str, rows: list[tuple[Any, ...]]) -> pa.Table:
    columns = COLUMNS[table]
    values = list(zip(*rows, strict=True))
    return pa.table({name: pa.array(values[i], kind) for i, (name, kind) in enumerate(columns)})


def _stamped(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Rows without forecast_at / lm_version, given their run's."""
    return [(*row, OLD_AT if row[0] == OLD else NEW_AT, VERSION) for row in rows]


VIEWS = [
    "vw_lm_forecast_daily",
    "vw_lm_forecast_hourly",
    "vw_lm_forecast_backtest",
    "vw_lm_staffing_hourly",
    "vw_lm_whatif",
]
# the singular key tests of the four staging views and the five BI views
KEY_TESTS = [
    "assert_stg_lm_state__weekahead_forecast_one_row_per_run_series_period_model",
    "assert_stg_lm_state__weekahead_backtest_one_row_per_run_series_model",
    "assert_stg_lm_state__staffing_hourly_one_row_per_run_hour",
    "assert_stg_lm_state__whatif_results_one_row_per_run_scenario",
    "assert_vw_lm_forecast_daily_one_row_per_series_date",
    "assert_vw_lm_forecast_hourly_one_row_per_series_hour",
    "assert_vw_lm_forecast_backtest_one_row_per_series_grain_model",
    "assert_vw_lm_staffing_hourly_one_row_per_hour",
    "assert_vw_lm_whatif_one_row_per_scenario",
]
STAGING = [
    "stg_lm_state__weekahead_forecast",
    "stg_lm_state__weekahead_backtest",
    "stg_lm_state__staffing_hourly",
    "stg_lm_state__whatif_results",
]


@pytest.fixture(scope="module")
def built(lm_project: LmProject) -> LmProject:
    # the on-run-start hooks create the four (empty) tables; then the views over them
    lm_project.dbt("run", "--select", *STAGING, *VIEWS)
    with lm_project.connect() as wh:
        wh.load_arrow(lm_project.schema, "lm_weekahead_forecast", _arrow("lm_weekahead_forecast", FORECAST_ROWS))
        for table, rows in (
            ("lm_weekahead_backtest", BACKTEST_ROWS),
            ("lm_staffing_hourly", STAFFING_ROWS),
            ("lm_whatif_results", WHATIF_ROWS),
        ):
            wh.load_arrow(lm_project.schema, table, _arrow(table, _stamped(rows)))
    return lm_project


def test_the_tables_have_the_contract_columns(built: LmProject) -> None:
    for table, columns in COLUMNS.items():
        rows = built.query(
            "select column_name from information_schema.columns"
            f" where table_schema = '{built.schema}' and table_name = '{table}' order by ordinal_position"
        )
        assert [r[0] for r in rows] == [name for name, _ in columns], table


def test_primary_keys_on_mariadb_none_on_duckdb(built: LmProject) -> None:
    if built.target == "duckdb":
        rows = built.query(
            "select table_name from duckdb_constraints()"
            f" where schema_name = '{built.schema}' and constraint_type = 'PRIMARY KEY'"
            " and table_name like 'lm_%'"
        )
        assert [r for r in rows if r[0] in PRIMARY_KEYS] == []
        return
    rows = built.query(
        "select table_name, column_name from information_schema.key_column_usage"
        f" where table_schema = '{built.schema}' and constraint_name = 'PRIMARY' order by table_name, ordinal_position"
    )
    keys: dict[str, list[str]] = {}
    for table, column in rows:
        keys.setdefault(table, []).append(column)
    assert {table: keys.get(table) for table in PRIMARY_KEYS} == PRIMARY_KEYS
    indexed = built.query(
        "select distinct table_name from information_schema.statistics"
        f" where table_schema = '{built.schema}' and column_name = 'forecast_at'"
    )
    assert sorted(r[0] for r in indexed if r[0] in PRIMARY_KEYS) == sorted(PRIMARY_KEYS)


def test_staging_turns_the_flags_into_booleans(built: LmProject) -> None:
    chosen = built.query(
        "select model_name, is_chosen from {lm}.stg_lm_state__weekahead_forecast"
        f" where forecast_run_id = '{NEW}' and series_code = 'calls_offered' and grain = 'day'"
        " and period_start = (select min(period_start) from {lm}.stg_lm_state__weekahead_forecast"
        f" where forecast_run_id = '{NEW}')"
    )
    assert {name: bool(flag) for name, flag in chosen} == {"SeasonalNaive": False, "AutoETS": True, "MSTL": False}
    baseline = dict(built.query("select scenario_code, is_baseline from {lm}.stg_lm_state__whatif_results"))
    assert {k: bool(v) for k, v in baseline.items()} == {"baseline": True, "vol_plus_10": False, "extra_op": False}
    counts = [
        built.query(f"select count(*) from {{lm}}.{name}")[0][0]
        for name in ("stg_lm_state__weekahead_backtest", "stg_lm_state__staffing_hourly")
    ]
    assert counts == [len(BACKTEST_ROWS), len(STAFFING_ROWS)]


def test_daily_view_is_the_latest_runs_chosen_model_with_the_baseline(built: LmProject) -> None:
    rows = built.query(
        "select series_code, forecast_date, model_name, point, seasonal_naive_point, interval_method,"
        " forecast_run_id, forecast_at from {lm}.vw_lm_forecast_daily order by series_code, forecast_date"
    )
    assert rows == [
        ("bookings", dt.date(2026, 12, 8), "SeasonalNaive", 20.0, 20.0, "model", NEW, NEW_AT),
        ("bookings", dt.date(2026, 12, 9), "SeasonalNaive", 21.0, 21.0, "model", NEW, NEW_AT),
        ("calls_offered", dt.date(2026, 12, 8), "AutoETS", 110.0, 100.0, "conformal", NEW, NEW_AT),
        ("calls_offered", dt.date(2026, 12, 9), "AutoETS", 111.0, 101.0, "conformal", NEW, NEW_AT),
        ("risky_cases", dt.date(2026, 12, 8), "AutoETS", 3.0, None, "conformal", NEW, NEW_AT),
    ]
    bounds = built.query(
        "select lo_80, hi_80, lo_95, hi_95 from {lm}.vw_lm_forecast_daily"
        " where series_code = 'calls_offered' and point = 110"
    )
    assert bounds == [pytest.approx((99.0, 121.0, 88.0, 132.0))]


def test_hourly_view_is_the_latest_runs_chosen_model_by_hour(built: LmProject) -> None:
    rows = built.query(
        "select series_code, forecast_date, forecast_hour, period_start, model_name, point, seasonal_naive_point,"
        " forecast_run_id from {lm}.vw_lm_forecast_hourly order by period_start"
    )
    assert rows == [
        ("calls_offered", dt.date(2026, 12, 8), 9, day(8, 9), "MSTL", 11.0, 9.0, NEW),
        ("calls_offered", dt.date(2026, 12, 8), 10, day(8, 10), "MSTL", 12.0, 10.0, NEW),
        ("calls_offered", dt.date(2026, 12, 13), 23, day(13, 23), "MSTL", 2.0, None, NEW),
    ]


def test_backtest_view_has_every_model_of_the_latest_run(built: LmProject) -> None:
    rows = built.query(
        "select series_code, grain, model_name, is_chosen, n_origins, mase, coverage_95, forecast_run_id"
        " from {lm}.vw_lm_forecast_backtest order by grain, model_name"
    )
    assert [(*r[:3], bool(r[3]), *r[4:]) for r in rows] == [
        ("calls_offered", "day", "AutoETS", True, 8, 0.8, 0.95, NEW),
        ("calls_offered", "day", "MSTL", False, 8, 0.9, None, NEW),
        ("calls_offered", "day", "SeasonalNaive", False, 8, 1.0, 0.93, NEW),
        ("calls_offered", "hour", "MSTL", True, 8, 0.7, 0.94, NEW),
        ("calls_offered", "hour", "SeasonalNaive", False, 8, 1.0, 0.90, NEW),
    ]


def test_staffing_view_has_weekday_hour_and_gap(built: LmProject) -> None:
    rows = built.query(
        "select forecast_date, forecast_hour, forecast_weekday, scheduled_staff, agents_erlang_a,"
        " operators_history, operators_gap, binding_constraint, forecast_run_id"
        " from {lm}.vw_lm_staffing_hourly order by period_start"
    )
    assert rows == [
        # Tuesday 09:00: Erlang A needs 4 on the phones, the history shows 3.5 -> 0.5 short
        (dt.date(2026, 12, 8), 9, 2, 6, 4, 3.5, 0.5, "service_level", NEW),
        # Sunday 23:00: 1 needed, 1 there
        (dt.date(2026, 12, 13), 23, 7, 2, 1, 1.0, 0.0, "occupancy", NEW),
        # Monday 00:00 without calls and without a history: no gap
        (dt.date(2026, 12, 14), 0, 1, 0, 0, None, None, "none", NEW),
    ]


def test_whatif_view_has_the_deltas_against_the_baseline(built: LmProject) -> None:
    rows = built.query(
        "select scenario_code, is_baseline, sl_change, asa_change_sec, abandonment_change, bookings_change,"
        " forecast_run_id from {lm}.vw_lm_whatif order by scenario_code"
    )
    assert [(r[0], bool(r[1]), *r[2:6], r[6]) for r in rows] == [
        ("baseline", True, 0.0, 0.0, 0.0, 0.0, NEW),
        # 0.90 - 0.80, 12.5 - 30, 0.025 - 0.05, 206 - 200
        ("extra_op", False, pytest.approx(0.10), -17.5, pytest.approx(-0.025), 6.0, NEW),
        # 0.72 - 0.80, 45 - 30, 0.08 - 0.05, 215 - 200
        ("vol_plus_10", False, pytest.approx(-0.08), 15.0, pytest.approx(0.03), 15.0, NEW),
    ]


def test_key_tests_pass(built: LmProject) -> None:
    sources = [f"source:lm_state.{table}" for table in COLUMNS]  # their not_null tests on forecast_run_id
    built.dbt("test", "--select", *KEY_TESTS, *sources)
    results = {r["unique_id"].split(".")[2]: r["status"] for r in built.run_results()}
    assert results == {
        **dict.fromkeys(KEY_TESTS, "pass"),
        **{f"source_not_null_lm_state_{table}_forecast_run_id": "pass" for table in COLUMNS},
    }


def test_key_tests_catch_a_second_chosen_model(built: LmProject) -> None:
    """Last (it changes the data): a second chosen model of a series in the latest run fails the backtest
    view's test and doubles the daily view's rows, which fails its key test."""
    second = [(NEW, "calls_offered", "day", "Theta", 8, 7, 0.85, 0.1, 0.8, 0.95, 1, "model")]
    theta = [_fc(NEW, "calls_offered", "day", D8, "Theta", 1, 130.0)]
    with built.connect() as wh:
        wh.load_arrow(built.schema, "lm_weekahead_backtest", _arrow("lm_weekahead_backtest", _stamped(second)))
        wh.load_arrow(built.schema, "lm_weekahead_forecast", _arrow("lm_weekahead_forecast", theta))
    proc = built.dbt("test", "--select", *KEY_TESTS, check=False)
    assert not proc.success
    failed = {r["unique_id"].split(".")[2]: r["failures"] for r in built.run_results() if r["status"] == "fail"}
    assert failed == {
        "assert_vw_lm_forecast_backtest_one_row_per_series_grain_model": 1,
        "assert_vw_lm_forecast_daily_one_row_per_series_date": 1,
    }
