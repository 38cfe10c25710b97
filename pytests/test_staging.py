"""Staging on both targets: a hand-made set of clean and dirty calls, with the expected flags worked out by hand."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from conftest import LmProject, call_history_table

T0 = dt.datetime(2025, 3, 3, 9, 0, 0)  # a Monday morning
FUTURE = dt.datetime.now().replace(microsecond=0) + dt.timedelta(days=10)

# history_id, started, caller, operator, channel, direction, status, await, duration, talk
CALLS = [
    (1, T0, "+0000000001", 7, " Site ", "in", " Answered ", 10, 150, 120),  # clean, messy labels
    (2, T0, " +0000000001 ", 7, "site", "in", "answered", 5, 100, 200),  # talk > duration
    (3, T0, "+0000000002", None, "2gis", "in", "missed", -5, 0, 0),  # negative await
    (4, T0, "+0000000003", 8, "site", "in", "answered", 20, 50_000, 100),  # absurd duration
    (5, FUTURE, "+0000000004", 8, "site", "in", "answered", 20, 100, 90),  # future start
    (6, T0, "+0000000005", 8, "", "IN ", "weird_status", 3, 60, 50),  # unknown status, empty channel
    (7, T0, None, None, None, "sideways", "busy", None, None, None),  # nulls, unknown direction
]
# id, history_id, updated_at, outcome, score, scored_by
GRADINGS = [
    (10, 1, T0 + dt.timedelta(hours=1), "no_record", 50, "ai"),
    (11, 1, T0 + dt.timedelta(hours=5), " Record ", 80, "AI"),  # regrade: latest counts
    (20, 2, T0 + dt.timedelta(hours=1), "callback", 7, "qa:1"),
    (21, 2, T0 + dt.timedelta(hours=1), "refusal", 6, "qa:1"),  # same updated_at: higher id wins
    (30, 3, None, "info_only", 1, "qa:2"),
    (31, 3, T0, "no_record", 2, "qa:2"),  # a NULL updated_at ranks after any timestamp
    (90, 999, T0, "mystery", 5, "ai"),  # orphan grading, unknown outcome
]


def _tables() -> tuple[pa.Table, pa.Table]:
    history = call_history_table(
        CALLS,
        ["demo transcript" if i % 2 else None for i in range(len(CALLS))],
        [call[1] for call in CALLS],
    )
    grades = list(zip(*GRADINGS, strict=True))
    scores = pa.table(
        {
            "id": pa.array(grades[0], pa.uint32()),
            "history_id": pa.array(grades[1], pa.uint32()),
            "call_date": pa.array([T0.date()] * len(GRADINGS), pa.date32()),
            "outcome": pa.array(grades[3], pa.string()),
            "call_score": pa.array(grades[4], pa.decimal128(6, 2)),
            "scored_by": pa.array(grades[5], pa.string()),
            "created_at": pa.array([T0] * len(GRADINGS), pa.timestamp("s")),
            "updated_at": pa.array(grades[2], pa.timestamp("s")),
        }
    )
    return history, scores


@pytest.fixture(scope="module")
def built(lm_project: LmProject) -> LmProject:
    history, scores = _tables()
    wh = lm_project.connect()
    try:
        wh.load_arrow(lm_project.source_schema, "call_history", history)
        wh.load_arrow(lm_project.source_schema, "call_scores", scores)
    finally:
        wh.close()
    # Staging, plus the latest-grading model (the grain change lives in the intermediate layer) and the two
    # vocabulary seeds it flags unknown labels against.
    lm_project.dbt(
        "build",
        "--select",
        "path:models/staging/operatorbot",
        "path:tests/staging/operatorbot",
        "lm_call_categories",
        "lm_refusal_reasons",
        "int_call_scores_latest",
        "path:tests/intermediate/scoring/assert_int_call_scores_latest_one_row_per_graded_call.sql",
        "--indirect-selection",
        "cautious",
    )
    return lm_project


def _as_bool(value: object) -> bool | None:
    return None if value is None else bool(value)


def test_every_source_call_is_kept_once(built: LmProject) -> None:
    rows = built.query("select history_id from {lm}.stg_operatorbot__call_history order by history_id")
    assert [r[0] for r in rows] == [c[0] for c in CALLS]


def test_labels_are_trimmed_and_lowercased(built: LmProject) -> None:
    rows = dict(
        (r[0], r[1:])
        for r in built.query(
            "select history_id, channel, direction, call_status from {lm}.stg_operatorbot__call_history"
        )
    )
    assert rows[1] == ("site", "in", "answered")
    assert rows[6] == (None, "in", "weird_status")
    assert rows[7] == (None, "sideways", "busy")


def test_impossible_values_are_flagged_not_fixed(built: LmProject) -> None:
    flags = {
        r[0]: tuple(_as_bool(v) for v in r[1:])
        for r in built.query(
            "select history_id, is_future_call, is_unknown_direction, is_unknown_status, has_negative_duration,"
            " has_absurd_duration, has_talk_over_duration from {lm}.stg_operatorbot__call_history"
        )
    }
    # future, unknown direction, unknown status, negative, absurd, talk > duration
    assert flags[1] == (False, False, False, False, False, False)
    assert flags[2] == (False, False, False, False, False, True)
    assert flags[3] == (False, False, False, True, False, False)
    assert flags[4] == (False, False, False, False, True, False)
    assert flags[5] == (True, False, False, False, False, False)
    assert flags[6] == (False, False, True, False, False, False)
    assert flags[7] == (False, True, False, False, False, False)
    durations = built.query(
        "select duration_sec, talk_duration_sec from {lm}.stg_operatorbot__call_history where history_id = 2"
    )
    assert durations == [(100, 200)]


def test_caller_key_links_a_callers_calls_without_the_number(built: LmProject) -> None:
    keys = dict(built.query("select history_id, caller_key from {lm}.stg_operatorbot__call_history"))
    assert keys[1] == keys[2]  # same number, one padded with spaces
    assert keys[1] != keys[3]
    assert keys[7] is None
    assert len(keys[1]) == 64 and "0000000001" not in keys[1]  # hex HMAC-SHA-256


def test_latest_grading_counts(built: LmProject) -> None:
    rows = {
        r[0]: r[1:]
        for r in built.query(
            "select history_id, call_score_id, outcome, scored_by, grading_count, is_unknown_outcome"
            " from {lm}.int_call_scores_latest"
        )
    }
    assert rows[1][:4] == (11, "record", "ai", 2)
    assert rows[2][:4] == (21, "refusal", "qa:1", 2)
    assert rows[3][:4] == (31, "no_record", "qa:2", 2)
    assert rows[999][:4] == (90, "mystery", "ai", 1)
    assert _as_bool(rows[999][4]) is True and _as_bool(rows[1][4]) is False
