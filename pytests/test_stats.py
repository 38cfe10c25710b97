"""The statistics layer on both targets: KPIs of a hand-made call set worked out by hand, percentiles against
numpy, and incremental upkeep of fct_calls and agg_lm_daily_metric_stats equal to a full rebuild.

13 calls on two days (2025-03-03, a Monday, and 2025-03-04), profile default_v1: service-level threshold
sla_answer_sec 20 s, short_abandon_sec 5, after_call_work_sec 30, repeat and attribution windows 7 days.
The expected values below were worked out by hand from the definitions in models/reports/_reports__models.yml;
each carries its arithmetic. They are not computed by code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from conftest import LmProject, call_history_table


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2025, 3, day, hour, minute)


# Fake numbers only.
P, Q, R, S, T, U, V, W, X, Y, Z = (f"+000{n:07d}" for n in range(201, 212))

# history_id, started, caller, operator, channel, direction, status, await, duration, talk
CALLS: list[tuple[Any, ...]] = [
    (1, at(3, 9), P, 7, "site", "in", "answered", 10, 200, 170),  # in SL; target, booked
    (2, at(3, 9, 30), Q, 7, "site", "in", "answered", 30, 300, 270),  # out of SL; target no_record, Q books on 11
    (3, at(3, 10), R, 8, "google_ads", "in", "answered", 20, 150, 120),  # at the threshold: in SL; refusal
    (4, at(3, 10, 15), S, None, "site", "in", "abandoned", 3, 3, 0),  # short abandon (3 <= 5)
    (5, at(3, 10, 20), T, None, "google_ads", "in", "abandoned", 40, 40, 0),  # lost
    (6, at(3, 11), U, None, "site", "in", "missed", 25, 25, 0),  # lost
    (7, at(3, 11, 30), V, None, "site", "in", "busy", 0, 0, 0),  # offered, out of SL and abandonment
    (8, at(3, 12), W, None, "google_ads", "in", "failed", 0, 0, 0),  # offered, out of SL and abandonment
    (9, at(3, 13), P, 8, "site", "in", "answered", 5, 100, 90),  # repeat (P 4 h before); non-target
    (10, at(3, 14), X, 9, "site", "out", "answered", 0, 120, 100),  # outbound, target, booked
    (11, at(4, 9), Q, 7, "google_ads", "in", "answered", 60, 200, 150),  # repeat (Q 23.5 h before); booked
    (12, at(4, 10), Y, 8, "site", "in", "answered", 15, 400, 330),  # in SL; target callback
    (13, at(4, 11), Z, None, "site", "in", "abandoned", 5, 5, 0),  # short abandon (5 <= 5)
]
# history_id -> (is_target, outcome, refusal_reason)
GRADINGS: dict[int, tuple[int, str, str | None]] = {
    1: (1, "record", None),
    2: (1, "no_record", None),
    3: (1, "refusal", "price"),
    9: (0, "info_only", None),
    10: (1, "record", None),
    11: (1, "record", None),
    12: (1, "callback", None),
}

# (call_date, dimension, dimension_value) -> KPI column -> expected
EXPECTED_DAILY: dict[tuple[dt.date, str, str], dict[str, float | None]] = {
    (dt.date(2025, 3, 3), "all", "all"): {
        "calls_offered": 9,  # inbound 1-9
        "calls_answered": 4,  # 1, 2, 3, 9
        "calls_abandoned": 2,  # 4, 5
        "calls_missed": 1,  # 6
        "calls_busy": 1,
        "calls_failed": 1,  # 4 + 2 + 1 + 1 + 1 = 9
        "short_abandons": 1,  # 4
        "calls_lost": 2,  # 5, 6
        "answered_in_sl": 3,  # 1 (10 s), 3 (20 s), 9 (5 s); 2 waited 30 s
        "calls_outbound": 1,
        "service_level": 0.5,  # 3 / (4 answered + 2 lost)
        "asa_sec": 16.25,  # (10 + 30 + 20 + 5) / 4
        "abandonment_rate": 1 / 3,  # 2 / (4 + 2)
        "aht_sec": 192.5,  # ((170+30) + (270+30) + (120+30) + (90+30)) / 4 = 770 / 4
        "repeat_calls": 1,  # 9
        "repeat_call_rate": 1 / 9,
        "target_calls": 4,  # 1, 2, 3, 10 (outbound counts)
        "booked_target_calls": 2,  # 1, 10
        "attributed_booked_calls": 3,  # 1, 10, and 2 (Q books on 11, 23.5 h later)
        "conversion_rate": 0.5,  # 2 / 4
        "attributed_conversion_rate": 0.75,  # 3 / 4
        "lost_calls_value_k": 2.34,  # 5, 6: 0.6 x 3000 x (1 - 0.35) / 1000 = 1.17 each; 4 is short
        # queue_impact_index: answered (talk + 30) / 60: 1 3.3333, 2 5.0, 3 2.5, 9 2.0, 10 2.1667;
        # unanswered inbound ungraded (180 + 30) / 60 = 3.5 for 4, 5, 6; busy and failed 0 -> 25.5
        "offered_workload_min": 25.5,
    },
    (dt.date(2025, 3, 4), "all", "all"): {
        "calls_offered": 3,  # 11, 12, 13
        "calls_answered": 2,
        "calls_abandoned": 1,
        "short_abandons": 1,  # 13 waited 5 s: short
        "calls_lost": 0,
        "answered_in_sl": 1,  # 12 (15 s); 11 waited 60 s
        "service_level": 0.5,  # 1 / (2 + 0)
        "asa_sec": 37.5,  # (60 + 15) / 2
        "abandonment_rate": 0.0,  # 0 / 2
        "aht_sec": 270.0,  # ((150+30) + (330+30)) / 2
        "repeat_call_rate": 1 / 3,  # 11
        "conversion_rate": 0.5,  # 11 booked of 11, 12
        "attributed_conversion_rate": 0.5,  # Y does not call again
        "lost_calls_value_k": 0.0,
    },
    (dt.date(2025, 3, 3), "channel", "site"): {
        "calls_offered": 6,  # 1, 2, 4, 6, 7, 9
        "service_level": 0.5,  # in SL 1, 9 / (answered 1, 2, 9 + lost 6)
        "asa_sec": 15.0,  # (10 + 30 + 5) / 3
    },
    (dt.date(2025, 3, 3), "channel", "google_ads"): {
        "calls_offered": 3,  # 3, 5, 8
        "service_level": 0.5,  # 3 / (3 + 5)
        "abandonment_rate": 0.5,
    },
    (dt.date(2025, 3, 3), "operator", "7"): {
        "calls_offered": 2,  # 1, 2
        "service_level": 0.5,  # 1 in SL of 2 answered, no lost (unanswered calls have no operator)
        "aht_sec": 250.0,  # (200 + 300) / 2
    },
}
# 2025-03-03 10:00-10:59: calls 3 (answered in SL), 4 (short), 5 (lost)
EXPECTED_HOURLY = {"calls_offered": 3, "calls_answered": 1, "short_abandons": 1, "service_level": 0.5}


def _tables(calls: list[tuple[Any, ...]], gradings: dict[int, tuple[int, str, str | None]], first_id: int) -> Any:
    history = call_history_table(calls, [None] * len(calls), [call[1] + dt.timedelta(minutes=20) for call in calls])
    started = {call[0]: call[1] for call in CALLS + calls}
    ids = list(gradings)
    stamps = [started[h] + dt.timedelta(minutes=30) for h in ids]
    scores = pa.table(
        {
            "id": pa.array([first_id + i for i in range(len(ids))], pa.uint32()),
            "history_id": pa.array(ids, pa.uint32()),
            "call_date": pa.array([started[h].date() for h in ids], pa.date32()),
            "is_target": pa.array([gradings[h][0] for h in ids], pa.int8()),
            "outcome": pa.array([gradings[h][1] for h in ids], pa.string()),
            "refusal_reason": pa.array([gradings[h][2] for h in ids], pa.string()),
            "call_category": pa.array(["booking"] * len(ids), pa.string()),
            "call_type": pa.array(["primary"] * len(ids), pa.string()),
            "context_type": pa.array(["first_contact"] * len(ids), pa.string()),
            "requested_service_id": pa.array([11] * len(ids), pa.uint32()),
            "doctor_id": pa.array([None] * len(ids), pa.uint32()),
            "number_checklist": pa.array([5] * len(ids), pa.int32()),
            "category_checklist": pa.array(["booking_v1"] * len(ids), pa.string()),
            "call_score": pa.array([Decimal(80)] * len(ids), pa.decimal128(6, 2)),
            "scored_by": pa.array(["ai"] * len(ids), pa.string()),
            "created_at": pa.array(stamps, pa.timestamp("s")),
            "updated_at": pa.array(stamps, pa.timestamp("s")),
        }
    )
    return history, scores


FACT_SQL = "select * from {lm}.fct_calls order by history_id"
AGG_SQL = (
    "select call_date, metric_code, value_type, dimension, dimension_value, value_label, call_count,"
    " value_mean, value_p50, value_p90, label_share from {lm}.agg_lm_daily_metric_stats"
)


def _normalised(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Rows comparable across runs and engines: numbers rounded, booleans as 0/1, sorted."""

    def value(item: Any) -> Any:
        if isinstance(item, bool):
            return int(item)
        if isinstance(item, float | Decimal):
            return round(float(item), 6)
        return item

    return sorted((tuple(value(item) for item in row) for row in rows), key=repr)


def _kpis(project: LmProject, view: str, where: str) -> dict[str, Any]:
    wh = project.connect()
    try:
        relation = wh.qualify(project.schema, view)
        cursor_rows = wh.query(f"select * from {relation} where {where}")
        names = [row[0] for row in wh.query(_columns_sql(project, view))]
    finally:
        wh.close()
    assert len(cursor_rows) == 1, (view, where, cursor_rows)
    return dict(zip(names, cursor_rows[0], strict=True))


def _columns_sql(project: LmProject, view: str) -> str:
    return (
        "select column_name from information_schema.columns where table_schema = "
        f"'{project.schema}' and table_name = '{view}' order by ordinal_position"
    )


@pytest.fixture(scope="module")
def built(lm_project: LmProject) -> Iterator[LmProject]:
    history, scores = _tables(CALLS, GRADINGS, first_id=100)
    wh = lm_project.connect()
    try:
        wh.load_arrow(lm_project.source_schema, "call_history", history)
        wh.load_arrow(lm_project.source_schema, "call_scores", scores)
    finally:
        wh.close()
    lm_project.dbt("build", "--exclude", "path:tests/macros")
    yield lm_project


def test_kpis_match_hand_worked_values(built: LmProject) -> None:
    mismatches = []
    for (day, dimension, member), expected in EXPECTED_DAILY.items():
        where = f"call_date = '{day.isoformat()}' and dimension = '{dimension}' and dimension_value = '{member}'"
        actual = _kpis(built, "vw_lm_kpi_daily", where)
        for column, value in expected.items():
            got = actual[column]
            if (got is None) != (value is None) or (value is not None and abs(float(got) - value) > 1e-4):
                mismatches.append(f"{day} {dimension}={member} {column}: {got} != {value}")
    hourly = _kpis(built, "vw_lm_kpi_hourly", "call_date = '2025-03-03' and call_hour = 10 and dimension = 'all'")
    mismatches += [f"hourly {c}: {hourly[c]} != {v}" for c, v in EXPECTED_HOURLY.items() if float(hourly[c]) != v]
    assert mismatches == []


def test_percentiles_match_numpy_on_the_same_values(built: LmProject) -> None:
    facts = built.query("select call_date, queue_impact_index, await_sec from {lm}.fct_calls")
    by_day: dict[Any, list[float]] = {}
    for day, index, _ in facts:
        if index is not None:
            by_day.setdefault(str(day)[:10], []).append(float(index))
    stats = built.query(
        "select call_date, call_count, value_mean, value_p50, value_p90 from {lm}.agg_lm_daily_metric_stats"
        " where metric_code = 'queue_impact_index' and dimension = 'all'"
    )
    assert {str(row[0])[:10] for row in stats} == set(by_day) == {"2025-03-03", "2025-03-04"}
    for day, count, mean, p50, p90 in stats:
        values = np.array(by_day[str(day)[:10]])
        assert count == len(values)
        assert float(mean) == pytest.approx(values.mean(), abs=1e-6)
        assert float(p50) == pytest.approx(np.percentile(values, 50), abs=1e-6)
        assert float(p90) == pytest.approx(np.percentile(values, 90), abs=1e-6)


def test_load_profile_counts_arrivals_per_weekday_hour(built: LmProject) -> None:
    # Monday 10:00 (2025-03-03): 3 inbound arrivals (3, 4, 5) on the one Monday with calls in the window.
    rows = built.query(
        "select day_count, arrivals_mean, arrivals_p90 from {lm}.vw_lm_load_profile"
        " where call_weekday = 1 and call_hour = 10"
    )
    assert [(int(r[0]), float(r[1]), float(r[2])) for r in rows] == [(1, 3.0, 3.0)]
    # Tuesday 11:00: call 13; Tuesday 12:00: no call on the one Tuesday -> 0
    rows = built.query(
        "select call_hour, arrivals_mean from {lm}.vw_lm_load_profile where call_weekday = 2 and call_hour in (11, 12)"
    )
    assert sorted((int(h), float(m)) for h, m in rows) == [(11, 1.0), (12, 0.0)]


def test_incremental_upkeep_equals_a_full_rebuild(built: LmProject) -> None:
    """A new day, a regrading, a call moved to another day and one quarantined: the incremental run rescored
    only part of the calls and days, and fct_calls and the aggregates equal a full rebuild afterwards."""
    new_calls = [(14, at(5, 9), P, 7, "site", "in", "answered", 8, 100, 80)]  # P again: repeat
    history, scores = _tables(new_calls, {14: (1, "record", None), 3: (1, "record", None)}, first_id=200)
    placeholder = "?" if built.target == "duckdb" else "%s"
    edited = at(5, 12)
    wh = built.connect()
    try:
        wh.load_arrow(built.source_schema, "call_history", history)
        wh.load_arrow(built.source_schema, "call_scores", scores)  # 3: regraded as record
        table = wh.qualify(built.source_schema, "call_history")
        # 12 moves from the 4th to the 5th; 13 gets an unknown status (quarantined: leaves fct_calls)
        wh.execute(
            f"update {table} set call_started_at = {placeholder}, updated_at = {placeholder} where history_id = 12",
            [at(5, 10), edited],
        )
        wh.execute(
            f"update {table} set call_status = 'transferred', updated_at = {placeholder} where history_id = 13",
            [edited],
        )
    finally:
        wh.close()
    built.dbt("build", "--exclude", "path:tests/macros")
    statuses = {r["unique_id"].split(".")[2]: r["status"] for r in built.run_results()}
    assert statuses["assert_fct_calls_holds_exactly_the_calls_of_lm_value"] == "pass"  # a warn-severity test
    scope = built.query("select count(*) from {lm}.int_scoring_scope")[0][0]
    days = {str(row[0])[:10] for row in built.query("select call_date from {lm}.int_stats_refresh_days")}
    # 14 new, 3 regraded, 12 and 13 edited, P's 1 and 9 (same caller), the calls updated since the cut-off
    assert 0 < scope < 14, scope
    assert days == {"2025-03-03", "2025-03-04", "2025-03-05"}  # the 4th: where 12 was and 13 is quarantined
    incremental = (_normalised(built.query(FACT_SQL)), _normalised(built.query(AGG_SQL)))
    assert 13 not in {row[0] for row in incremental[0]} and 14 in {row[0] for row in incremental[0]}
    day4 = _kpis(built, "vw_lm_kpi_daily", "call_date = '2025-03-04' and dimension = 'all'")
    assert int(day4["calls_offered"]) == 1  # only 11 is left on the 4th
    day3 = _kpis(built, "vw_lm_kpi_daily", "call_date = '2025-03-03' and dimension = 'all'")
    assert float(day3["conversion_rate"]) == pytest.approx(0.75)  # 1, 3 (regraded), 10 of 4

    built.dbt("build", "--full-refresh", "--exclude", "path:tests/macros")
    full = (_normalised(built.query(FACT_SQL)), _normalised(built.query(AGG_SQL)))
    assert incremental[0] == full[0]
    assert incremental[1] == full[1]
