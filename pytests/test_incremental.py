"""Incremental runs == full rebuild: lm_value after a series of arriving batches equals a --full-refresh.

On each target: load ~3,000 generated calls (dirty rows included) and build (the first run is full), then
apply batches the way the call centre's tables change, each followed by `dbt run --select +lm_value`:

1-2. new calls, with var lm_calc_profile=night_shift_v1 for one run and back (both full runs);
3.   new calls (some from earlier callers), plus a new call that books from the caller of a 3-6 day old call
     and a late-synced answered call 2 h after an old missed call (whose follow-up flag must flip);
4.   new calls, late gradings (the generator's pending ones, and three old calls never graded);
5.   new calls, regradings (the generator's, and one booked call regraded as a refusal);
6.   new calls, edits of old call rows (answered -> missed, longer talk, and one unknown status: quarantined);
7.   new calls and an audit that regrades 3% of all gradings.
Then lm_value is captured, recomputed with --full-refresh on the same table and captured again: both must
hold the same keys and values. Batch 8 (dirty edits the source contract allows: a call moved to another
caller or 9 days back, gradings that do not become the latest) is checked the same way, separately.

Along the way: ids and created_at survive every run, rows of calls outside a run's scope are not touched,
every changed call is in its run's scope, the scope of an incremental run is a small share of the calls,
neighbours of a changed call are recomputed (their values really change), the quarantined call loses its
rows. Source timestamps only move forward from batch to batch (the generator's 2025 dates are in the past
of the database clock, which is fine). Hand-made rows use ids from MANUAL_ID up, far above the generator's.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pytest

from conftest import PROJECT_DIR, LmProject
from lm import demo as gen

SEED = 20250113
N_CALLS = 3_000
CALLS_PER_DAY = 100.0  # ~30 days of history: the lookback day and the caller window are a small part of it
BATCH_CALLS = 60  # new calls per later batch (~half a day)
MANUAL_ID = 900_000
LOOKBACK = dt.timedelta(hours=24)  # var lm_lookback_hours
CALLER_WINDOW = dt.timedelta(days=7)  # var lm_caller_window_days
MAX_INCREMENTAL_SCOPE_SHARE = 0.15
FOUR_PLACES = Decimal("0.0001")
ANSWERED = "answered"

Key = tuple[int, str]  # (history_id, metric_code)


# --------------------------------------------------------------------------------------------------------
# lm_value snapshots
# --------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Row:
    id: int
    call_score_id: int | None
    metric_group: str
    value_numeric: Decimal | None
    value_label: str | None
    value_json: Any
    lm_version: str
    calc_method: str
    created_at: dt.datetime
    updated_at: dt.datetime | None

    @property
    def values(self) -> tuple[Any, ...]:
        """What a run computes (compared between incremental and full runs)."""
        return (
            self.call_score_id,
            self.metric_group,
            self.value_numeric,
            self.value_label,
            self.value_json,
            self.lm_version,
            self.calc_method,
        )


@dataclass(frozen=True)
class Snapshot:
    rows: dict[Key, Row]
    duplicates: int  # keys seen more than once

    def calls(self) -> set[int]:
        return {history_id for history_id, _ in self.rows}

    def value(self, history_id: int, metric_code: str) -> Any:
        row = self.rows[(history_id, metric_code)]
        if row.value_json is not None:
            return row.value_json
        return row.value_label if row.value_label is not None else row.value_numeric


def _snapshot(project: LmProject) -> Snapshot:
    raw = project.query(
        "select id, history_id, metric_code, call_score_id, metric_group, value_numeric, value_label, value_json,"
        " lm_version, calc_method, created_at, updated_at from {src}.lm_value"
    )
    rows: dict[Key, Row] = {}
    for rid, history_id, metric_code, score_id, group, numeric, label, value_json, version, method, created, upd in raw:
        rows[(int(history_id), metric_code)] = Row(
            id=int(rid),
            call_score_id=None if score_id is None else int(score_id),
            metric_group=group,
            value_numeric=None if numeric is None else Decimal(numeric).quantize(FOUR_PLACES),
            value_label=label,
            value_json=None if value_json is None else _rounded(json.loads(value_json)),
            lm_version=version,
            calc_method=method,
            created_at=created,
            updated_at=upd,
        )
    return Snapshot(rows=rows, duplicates=len(raw) - len(rows))


def _rounded(value: Any) -> Any:
    """A parsed JSON value with its non-integer numbers rounded to 4 decimals (as value_numeric is)."""
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_rounded(item) for item in value]
    return round(value, 4) if isinstance(value, float) else value


def _change(left: Row, right: Row) -> str:
    """The fields (and feature_pack keys) in which two rows of the same key differ."""
    fields = ("call_score_id", "metric_group", "value_numeric", "value_label", "lm_version", "calc_method")
    found = {name: (getattr(left, name), getattr(right, name)) for name in fields}
    found = {name: pair for name, pair in found.items() if pair[0] != pair[1]}
    if isinstance(left.value_json, dict) and isinstance(right.value_json, dict):
        names = sorted(left.value_json.keys() | right.value_json.keys())
        found |= {
            f"value_json.{name}": (left.value_json.get(name), right.value_json.get(name))
            for name in names
            if left.value_json.get(name) != right.value_json.get(name)
        }
    elif left.value_json != right.value_json:
        found["value_json"] = (left.value_json, right.value_json)
    return ", ".join(f"{name}: {pair[0]!r} -> {pair[1]!r}" for name, pair in found.items())


def _differences(left: Snapshot, right: Snapshot, limit: int = 12) -> str:
    """A readable account of how two snapshots differ (empty when their keys and values agree)."""
    only_left = sorted(left.rows.keys() - right.rows.keys())
    only_right = sorted(right.rows.keys() - left.rows.keys())
    changed = sorted(
        key for key in left.rows.keys() & right.rows.keys() if left.rows[key].values != right.rows[key].values
    )
    if not (only_left or only_right or changed):
        return ""
    lines = [
        f"{len(only_left)} keys only in the first, {len(only_right)} only in the second, {len(changed)} differ",
        f"by metric: {dict(Counter(code for _, code in [*only_left, *only_right, *changed]))}",
        f"calls: {sorted({h for h, _ in [*only_left, *only_right, *changed]})[:40]}",
    ]
    lines += [f"  only first  {key}: {left.rows[key].values}" for key in only_left[:limit]]
    lines += [f"  only second {key}: {right.rows[key].values}" for key in only_right[:limit]]
    lines += [f"  {key}: {_change(left.rows[key], right.rows[key])}" for key in changed[:limit]]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------------------
# The source tables
# --------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Call:
    history_id: int
    started: dt.datetime
    caller: str | None
    direction: str
    status: str
    await_sec: int | None
    duration: int | None
    talk: int | None
    updated_at: dt.datetime


@dataclass(frozen=True)
class Grading:
    id: int
    history_id: int
    outcome: str | None
    updated_at: dt.datetime | None
    created_at: dt.datetime | None


class Source:
    """Writes batches into the source tables the way the app does: new rows appended, changed rows updated.

    Existing call_history rows are UPDATEd in place: on MariaDB lm_value's foreign key forbids deleting
    them (so gen.load(replace=False), which deletes and re-inserts, cannot apply a delta there).
    """

    def __init__(self, project: LmProject) -> None:
        self.project = project
        self.placeholder = "?" if project.target == "duckdb" else "%s"

    def apply(self, history: pa.Table, scores: pa.Table) -> set[int]:
        """Append/update the rows; return the history ids whose call row or gradings were written."""
        schema = self.project.source_schema
        wh = self.project.connect()
        try:
            calls_table = wh.qualify(schema, "call_history")
            scores_table = wh.qualify(schema, "call_scores")
            existing = {int(row[0]) for row in wh.query(f"select history_id from {calls_table}")}
            rows = history.to_pylist()
            new_rows = [index for index, row in enumerate(rows) if row["history_id"] not in existing]
            wh.load_arrow(schema, "call_history", history.take(pa.array(new_rows, pa.int64())).combine_chunks())
            for row in rows:
                if row["history_id"] in existing:
                    self._update(wh, calls_table, row)
            known_scores = {int(row[0]) for row in wh.query(f"select id from {scores_table}")}
            assert not known_scores & set(scores["id"].to_pylist()), "gradings are never rewritten, only added"
            wh.load_arrow(schema, "call_scores", scores.combine_chunks())
        finally:
            wh.close()
        return {int(h) for h in history["history_id"].to_pylist()} | {int(h) for h in scores["history_id"].to_pylist()}

    def edit(self, history_id: int, **columns: Any) -> None:
        wh = self.project.connect()
        try:
            self._update(
                wh, wh.qualify(self.project.source_schema, "call_history"), {"history_id": history_id, **columns}
            )
        finally:
            wh.close()

    def _update(self, wh: Any, table: str, row: dict[str, Any]) -> None:
        names = [name for name in row if name != "history_id"]
        assignments = ", ".join(f"{name} = {self.placeholder}" for name in names)
        wh.execute(
            f"update {table} set {assignments} where history_id = {self.placeholder}",
            [*(row[name] for name in names), row["history_id"]],
        )

    def calls(self) -> dict[int, Call]:
        rows = self.project.query(
            "select history_id, call_started_at, caller_number, direction, call_status, await_sec, duration,"
            " talk_duration, updated_at from {src}.call_history"
        )
        return {int(row[0]): Call(int(row[0]), *row[1:]) for row in rows}

    def gradings(self) -> list[Grading]:
        rows = self.project.query("select id, history_id, outcome, updated_at, created_at from {src}.call_scores")
        return [Grading(int(row[0]), int(row[1]), *row[2:]) for row in rows]

    def high_water(self) -> dt.datetime:
        """What int_scoring_batch should log: the latest source stamp that is not after the clock."""
        now = dt.datetime.now()
        stamps = [call.updated_at for call in self.calls().values()]
        stamps += [g.updated_at or g.created_at for g in self.gradings() if (g.updated_at or g.created_at)]
        return max(stamp for stamp in stamps if stamp <= now)


def _batch_calls(batch: gen.DemoData) -> set[int]:
    """The calls a generator batch writes a call row or a grading for."""
    return {int(h) for h in batch.call_history["history_id"].to_pylist()} | {
        int(h) for h in batch.call_scores["history_id"].to_pylist()
    }


def _history_table(rows: list[dict[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=gen.CALL_HISTORY_SCHEMA)


def _scores_table(rows: list[dict[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=gen.CALL_SCORES_SCHEMA)


def _call_row(
    history_id: int, started: dt.datetime, caller: str, updated_at: dt.datetime, talk: int = 180
) -> dict[str, Any]:
    """An answered inbound call, clean."""
    return {
        "history_id": history_id,
        "call_started_at": started,
        "caller_number": caller,
        "operator_id": gen.OPERATOR_ID_BASE + 1,
        "channel": "repeat",
        "direction": "in",
        "call_status": ANSWERED,
        "await_sec": 12,
        "duration": 12 + talk + 8,
        "talk_duration": talk,
        "transcript": None,
        "updated_at": updated_at,
    }


def _grading_row(
    grading_id: int,
    history_id: int,
    call_day: dt.date,
    outcome: str,
    score: str,
    stamped: dt.datetime,
    refusal_reason: str | None = None,
) -> dict[str, Any]:
    return {
        "id": grading_id,
        "history_id": history_id,
        "call_date": call_day,
        "is_target": 1,
        "outcome": outcome,
        "refusal_reason": refusal_reason,
        "call_category": "booking",
        "call_type": "repeat",
        "context_type": "returning_patient",
        "requested_service_id": None,
        "doctor_id": None,
        "number_checklist": 9,
        "category_checklist": "booking_v2",
        "call_score": Decimal(score),
        "scored_by": "qa:1" if Decimal(score) <= 10 else "ai",
        "created_at": stamped,
        "updated_at": stamped,
    }


# --------------------------------------------------------------------------------------------------------
# The story: batches and runs
# --------------------------------------------------------------------------------------------------------
@dataclass
class RunRecord:
    name: str
    expect_full: bool
    changed: set[int]  # calls whose source rows this batch wrote
    before: Snapshot
    after: Snapshot
    scope: set[int]  # int_scoring_scope after the run
    log: dict[str, Any]  # the run's lm_run_log row
    call_ids: set[int]  # call_history after the batch
    expected_high_water: dt.datetime
    seconds: float
    dirty: bool = False  # batch 8: edits beyond the designed change detection (checked on their own)

    @property
    def calls(self) -> int:
        return len(self.call_ids)


@dataclass
class Story:
    project: LmProject
    runs: list[RunRecord] = field(default_factory=list)
    checks: dict[str, Any] = field(default_factory=dict)  # the hand-made cases and what to expect of them
    incremental: Snapshot | None = None  # after batches 1-7
    rebuilt: Snapshot | None = None  # the full refresh after them
    dirty_incremental: Snapshot | None = None  # after batch 8
    dirty_rebuilt: Snapshot | None = None
    timings: dict[str, float] = field(default_factory=dict)


class Storyteller:
    def __init__(self, project: LmProject) -> None:
        self.project = project
        self.source = Source(project)
        self.story = Story(project)
        self.snapshot = Snapshot({}, 0)
        self.touched: set[int] = set()  # calls changed by any batch so far (hand-made cases avoid them)
        self.next_manual_call = MANUAL_ID
        self.next_manual_grading = MANUAL_ID

    def manual_ids(self) -> tuple[int, int]:
        self.next_manual_call += 1
        self.next_manual_grading += 1
        return self.next_manual_call, self.next_manual_grading

    def run(
        self, name: str, changed: set[int], *args: str, expect_full: bool = False, dirty: bool = False, **vars_: Any
    ) -> RunRecord:
        started = time.perf_counter()
        command = args or ("run", "--select", "+lm_value")
        self.project.dbt(*command, vars_=vars_ or None)
        seconds = time.perf_counter() - started
        log_columns = (
            "scope_calls, rows_written, rows_deleted, is_full_refresh, calc_profile, source_high_water_at, logged_at"
        )
        last = self.project.query(f"select {log_columns} from {{lm}}.lm_run_log order by logged_at desc limit 1")[0]
        after = _snapshot(self.project)
        record = RunRecord(
            name=name,
            expect_full=expect_full,
            changed=changed,
            before=self.snapshot,
            after=after,
            scope={int(row[0]) for row in self.project.query("select history_id from {lm}.int_scoring_scope")},
            log=dict(zip([c.strip() for c in log_columns.split(",")], last, strict=True)),
            call_ids={int(row[0]) for row in self.project.query("select history_id from {src}.call_history")},
            expected_high_water=self.source.high_water(),
            seconds=seconds,
            dirty=dirty,
        )
        if self.story.runs:  # the first build "changes" every call
            self.touched |= changed
        self.story.runs.append(record)
        self.snapshot = after
        return record

    # -- candidates for the hand-made cases ------------------------------------------------------------
    def quiet_calls(self, clock: dt.datetime, batch: gen.DemoData | None = None) -> list[Call]:
        """Valid calls 2-10 days old whose rows and gradings changed well before the lookback window and
        that ``batch`` does not touch."""
        in_batch = _batch_calls(batch) if batch is not None else set()
        calls = self.source.calls()
        last_change = {h: call.updated_at for h, call in calls.items()}
        for grading in self.source.gradings():
            stamp = grading.updated_at or grading.created_at
            if grading.history_id in last_change and stamp is not None:
                last_change[grading.history_id] = max(last_change[grading.history_id], stamp)
        valid = self.snapshot.calls()
        quiet = clock - LOOKBACK - dt.timedelta(hours=12)
        return sorted(
            (
                call
                for h, call in calls.items()
                if h in valid
                and h not in self.touched
                and h not in in_batch
                and clock - dt.timedelta(days=10) <= call.started <= clock - dt.timedelta(days=2)
                and last_change[h] < quiet
                and call.caller is not None
            ),
            key=lambda call: call.history_id,
        )

    def callers(self) -> dict[str, list[Call]]:
        by_caller: dict[str, list[Call]] = {}
        for call in self.source.calls().values():
            if call.caller is not None:
                by_caller.setdefault(call.caller.strip(), []).append(call)
        for calls in by_caller.values():
            calls.sort(key=lambda call: (call.started, call.history_id))
        return by_caller


def _tell(project: LmProject) -> Story:
    teller = Storyteller(project)
    story, source = teller.story, teller.source
    started = time.perf_counter()

    # --- the history and the first (full) build ---------------------------------------------------------
    data = gen.generate(N_CALLS, seed=SEED, calls_per_day=CALLS_PER_DAY)
    wh = project.connect()
    try:
        gen.load(wh, project.source_schema, data)
    finally:
        wh.close()
    teller.run("initial build", set(data.call_history["history_id"].to_pylist()), "build", "--exclude",
               "path:tests/macros", expect_full=True)  # fmt: skip
    cum = data

    # --- batches 1 and 2: another calc profile for one run, then back (first, so that the final comparison
    # covers every incremental run after them) ---------------------------------------------------------
    for name, profile in (("1 profile night_shift_v1", "night_shift_v1"), ("2 profile back to default_v1", None)):
        delta = gen.next_batch(cum, BATCH_CALLS)
        cum = gen.combine(cum, delta)
        changed = source.apply(delta.call_history, delta.call_scores)
        profile_vars = {"lm_calc_profile": profile} if profile else {}
        teller.run(name, changed, expect_full=True, **profile_vars)

    # --- batch 3: new calls; two old calls get a same-caller neighbour -----------------------------------
    clock = cum.as_of
    delta = gen.next_batch(cum, BATCH_CALLS * 2)
    cum = gen.combine(cum, delta)
    callers = teller.callers()
    gradings = {g.history_id for g in source.gradings()}
    quiet = teller.quiet_calls(clock, delta)
    last_call_of: dict[str, dt.datetime] = {}
    for row in cum.call_history.to_pylist():
        if row["caller_number"] is not None:
            last_call_of[row["caller_number"]] = max(
                row["call_started_at"], last_call_of.get(row["caller_number"], dt.datetime.min)
            )
    # X1: an old call whose caller never called again; M1, a new call today that books, becomes its next call
    x1 = next(
        call
        for call in quiet
        if clock - dt.timedelta(days=6) <= call.started <= clock - dt.timedelta(days=3)
        and last_call_of[call.caller] == call.started
        and call.caller.strip() == call.caller
    )
    # X2: an old missed inbound call that needs a follow-up; M2 is an answered call 2 h after it, synced late
    x2 = next(
        call
        for call in quiet
        if call.direction == "in"
        and call.status in ("missed", "abandoned")
        and call.history_id not in gradings
        and teller.snapshot.value(call.history_id, "followup_needed_flag") == "true"
        and call.caller != x1.caller
        and call.caller.strip() == call.caller
        and not any(
            call.started < other.started <= call.started + dt.timedelta(hours=2) for other in callers[call.caller]
        )
    )
    m1, m1_grading = teller.manual_ids()
    m2, _ = teller.manual_ids()
    m1_start = clock + dt.timedelta(minutes=10)
    m2_start = x2.started + dt.timedelta(hours=2)
    manual_calls = [
        _call_row(m1, m1_start, x1.caller, m1_start + dt.timedelta(seconds=205)),
        _call_row(m2, m2_start, x2.caller, clock + dt.timedelta(minutes=20)),
    ]
    manual_gradings = [
        _grading_row(m1_grading, m1, m1_start.date(), "record", "88.00", m1_start + dt.timedelta(minutes=9))
    ]
    # calls of the callers this batch adds calls to, all of them earlier than every added call of their caller:
    # only later calls arrive for them, so their at-call metrics must come out unchanged
    first_added: dict[str, dt.datetime] = {}
    for row in [*delta.call_history.to_pylist(), *manual_calls]:
        if row["caller_number"] is not None:
            caller = row["caller_number"].strip()
            first_added[caller] = min(row["call_started_at"], first_added.get(caller, dt.datetime.max))
    story.checks["only_later_calls_added"] = {
        call.history_id
        for caller, calls in callers.items()
        if caller in first_added
        for call in calls
        if call.started < first_added[caller]
    }
    changed = source.apply(delta.call_history, delta.call_scores)
    changed |= source.apply(_history_table(manual_calls), _scores_table(manual_gradings))
    story.checks["neighbours"] = {
        "x1": x1.history_id,
        "x1_gap_hours": (m1_start - x1.started).total_seconds() / 3600,
        "x2": x2.history_id,
        "m1": m1,
        "m2": m2,
        "new_calls": delta.call_history.num_rows,
    }
    teller.run("3 new calls", changed)

    # --- batch 4: late gradings (the generator's pending ones, and three old calls never graded) --------
    clock = cum.as_of
    first_new_call = cum.next_history_id
    delta = gen.next_batch(cum, BATCH_CALLS)
    cum = gen.combine(cum, delta)
    gradings = {g.history_id for g in source.gradings()}
    ungraded = [
        call
        for call in teller.quiet_calls(clock, delta)
        if call.status == ANSWERED and call.direction == "in" and call.history_id not in gradings
    ][:3]
    assert len(ungraded) == 3, "the history should hold old answered calls that were never graded"
    late = []
    for hours, call in enumerate(ungraded, start=1):
        _, grading_id = teller.manual_ids()
        late.append(
            _grading_row(
                grading_id, call.history_id, call.started.date(), "record", "91.00", clock + dt.timedelta(hours=hours)
            )
        )
    late_for_earlier_calls = {int(h) for h in delta.call_scores["history_id"].to_pylist() if int(h) < first_new_call}
    changed = source.apply(delta.call_history, delta.call_scores)
    changed |= source.apply(_history_table([]), _scores_table(late))
    story.checks["late_gradings"] = {
        "calls": {row["history_id"]: row["id"] for row in late},
        "generator_gradings_of_earlier_calls": len(late_for_earlier_calls),
    }
    teller.run("4 late gradings", changed)

    # --- batch 5: regradings (the generator's, and one booked call regraded as a refusal) ---------------
    clock = cum.as_of
    delta = gen.next_batch(cum, BATCH_CALLS)
    cum = gen.combine(cum, delta)
    graded_before = {g.history_id for g in source.gradings()}
    in_delta = {int(h) for h in delta.call_scores["history_id"].to_pylist()}  # gradings only
    regrade_target = next(
        call
        for call in teller.quiet_calls(clock, delta)
        if teller.snapshot.value(call.history_id, "conversion_score") == Decimal(1)
        and teller.snapshot.rows[(call.history_id, "conversion_score")].call_score_id is not None
    )
    _, regrade_id = teller.manual_ids()
    regrade = _grading_row(
        regrade_id, regrade_target.history_id, regrade_target.started.date(), "refusal", "3.50",
        clock + dt.timedelta(hours=2), refusal_reason="price",
    )  # fmt: skip
    changed = source.apply(delta.call_history, delta.call_scores)
    changed |= source.apply(_history_table([]), _scores_table([regrade]))
    story.checks["regradings"] = {
        "call": regrade_target.history_id,
        "grading": regrade_id,
        "previous_grading": teller.snapshot.rows[(regrade_target.history_id, "conversion_score")].call_score_id,
        "generator_regradings": len(in_delta & graded_before),
    }
    teller.run("5 regradings", changed)

    # --- batch 6: edits of old call rows, one of them quarantining its call ------------------------------
    clock = cum.as_of
    delta = gen.next_batch(cum, BATCH_CALLS)
    cum = gen.combine(cum, delta)
    changed = source.apply(delta.call_history, delta.call_scores)
    quiet = teller.quiet_calls(clock, delta)
    callers = teller.callers()
    valid = teller.snapshot.calls()
    to_missed = next(call for call in quiet if call.status == ANSWERED and call.direction == "in")
    longer = next(
        call
        for call in quiet
        if call.status == ANSWERED
        and call.history_id != to_missed.history_id
        and call.duration is not None
        and call.talk is not None
        and 0 < call.talk <= call.duration <= 3_600
        and (call.await_sec or 0) >= 0
    )

    def valid_neighbour(call: Call) -> int | None:
        """The caller's next valid call within the window: its previous-call gap (at-call context) changes."""
        mates = [m for m in callers[call.caller.strip()] if m.history_id in valid and m.history_id != call.history_id]
        close = [m for m in mates if dt.timedelta(0) < m.started - call.started <= CALLER_WINDOW]
        return min(close, key=lambda m: m.started - call.started).history_id if close else None

    to_quarantine = next(
        call
        for call in quiet
        if call.history_id not in (to_missed.history_id, longer.history_id) and valid_neighbour(call) is not None
    )
    stamp = clock + dt.timedelta(hours=1)
    source.edit(
        to_missed.history_id, call_status="missed", await_sec=95, duration=95, talk_duration=0, updated_at=stamp
    )
    source.edit(
        longer.history_id,
        duration=longer.duration + 120,
        talk_duration=longer.talk + 120,
        updated_at=stamp + dt.timedelta(minutes=5),
    )
    source.edit(to_quarantine.history_id, call_status="voicemail", updated_at=stamp + dt.timedelta(minutes=10))
    edited = {to_missed.history_id, longer.history_id, to_quarantine.history_id}
    story.checks["edits"] = {
        "to_missed": to_missed.history_id,
        "longer": longer.history_id,
        "longer_duration": longer.duration + 120,
        "longer_talk": longer.talk + 120,
        "quarantined": to_quarantine.history_id,
        "quarantined_neighbour": valid_neighbour(to_quarantine),
    }
    teller.run("6 edits", changed | edited)

    # --- batch 7: an audit regrades 3% of all gradings, with the usual new calls before it ---------------
    delta = gen.next_batch(cum, BATCH_CALLS)
    cum = gen.combine(cum, delta)
    changed = source.apply(delta.call_history, delta.call_scores)
    audit = gen.late_gradings(cum, until=cum.as_of + dt.timedelta(hours=6), regrade_share=0.03)
    changed |= source.apply(audit.call_history, audit.call_scores)
    story.checks["audit_regradings"] = audit.call_scores.num_rows
    teller.run("7 new calls + audit regradings", changed)

    # --- the reference: a full refresh of the same table ----------------------------------------------
    story.incremental = teller.snapshot
    refresh = ("run", "--select", "+lm_value", "--full-refresh")
    story.rebuilt = teller.run("full refresh after 7", set(), *refresh, expect_full=True).after

    # --- batch 8: dirty edits the source contract allows ---------------------------------------------
    cum = gen.combine(cum, audit)
    _dirty_edits(teller, cum.as_of)
    story.dirty_incremental = teller.snapshot
    story.dirty_rebuilt = teller.run("full refresh after 8", set(), *refresh, expect_full=True).after
    story.timings["total"] = time.perf_counter() - started
    _print_runs(project, story)
    return story


def _dirty_edits(teller: Storyteller, clock: dt.datetime) -> None:
    """Batch 8: changes whose effect reaches calls that no timestamp of the new state points at.

    - an old call's caller_number is corrected (it moves to another caller), and another old call's
      call_started_at is moved 9 days back: the neighbours at the old caller / old time lose a neighbour;
    - an old graded call gets a grading with NULL updated_at, another one a grading stamped (updated_at)
      before its current latest but created now: neither becomes the latest, both change grading_count.
    """
    source, valid = teller.source, teller.snapshot.calls()
    quiet, callers = teller.quiet_calls(clock), teller.callers()

    def next_valid_call(call: Call) -> Call | None:
        later = [
            other
            for other in callers[call.caller.strip()]
            if other.history_id in valid and (other.started, other.history_id) > (call.started, call.history_id)
        ]
        return later[0] if later and later[0].started - call.started <= CALLER_WINDOW else None

    movable = [call for call in quiet if next_valid_call(call) is not None]
    moved_caller, moved_start = movable[0], next(c for c in movable[1:] if c.caller != movable[0].caller)
    stamp = clock + dt.timedelta(hours=1)
    source.edit(moved_caller.history_id, caller_number="+0009999001", updated_at=stamp)
    source.edit(
        moved_start.history_id,
        call_started_at=moved_start.started - dt.timedelta(days=9),
        updated_at=stamp + dt.timedelta(minutes=1),
    )
    latest: dict[int, Grading] = {}
    for grading in source.gradings():
        if grading.updated_at is not None and grading.updated_at <= clock:
            current = latest.get(grading.history_id)
            if current is None or (grading.updated_at, grading.id) > (current.updated_at, current.id):
                latest[grading.history_id] = grading
    touched = {moved_caller.history_id, moved_start.history_id}
    graded = [call for call in quiet if call.history_id in latest and call.history_id not in touched]
    null_stamped, back_dated = graded[0], graded[1]
    _, null_id = teller.manual_ids()
    _, back_id = teller.manual_ids()
    rows = [
        _grading_row(null_id, null_stamped.history_id, null_stamped.started.date(), "no_record", "4.00", stamp),
        _grading_row(back_id, back_dated.history_id, back_dated.started.date(), "no_record", "4.00", stamp),
    ]
    rows[0]["updated_at"] = None
    rows[1]["updated_at"] = latest[back_dated.history_id].updated_at - dt.timedelta(hours=1)
    changed = source.apply(_history_table([]), _scores_table(rows)) | touched
    teller.story.checks["dirty"] = {
        "moved_caller": moved_caller.history_id,
        "old_caller_neighbour": next_valid_call(moved_caller).history_id,
        "moved_start": moved_start.history_id,
        "old_time_neighbour": next_valid_call(moved_start).history_id,
        "null_stamped_grading": null_stamped.history_id,
        "back_dated_grading": back_dated.history_id,
    }
    teller.run("8 dirty edits", changed, dirty=True)


def _print_runs(project: LmProject, story: Story) -> None:
    print(f"\n[{project.target}] incremental story: {story.timings['total']:.1f} s")
    print(
        f"  {'run':<34} {'mode':<12} {'calls':>6} {'changed':>8} {'scope':>6} {'written':>8} {'deleted':>8} {'secs':>6}"
    )
    for run in story.runs:
        mode = "full" if run.log["scope_calls"] == run.calls else "incremental"
        print(
            f"  {run.name:<34} {mode:<12} {run.calls:>6} {len(run.changed):>8} {run.log['scope_calls']:>6}"
            f" {run.log['rows_written']:>8} {run.log['rows_deleted']:>8} {run.seconds:>6.1f}"
        )
    print(f"  checks: {story.checks}")


@pytest.fixture(scope="module")
def story(lm_project: LmProject) -> Story:
    return _tell(lm_project)


def _run(story: Story, name: str) -> RunRecord:
    return next(run for run in story.runs if run.name.startswith(name))


def _incremental_runs(story: Story) -> Iterable[RunRecord]:
    return (run for run in story.runs if not run.expect_full)


# --------------------------------------------------------------------------------------------------------
# What every run must keep
# --------------------------------------------------------------------------------------------------------
def test_rows_are_never_duplicated(story: Story) -> None:
    for run in story.runs:
        assert run.after.duplicates == 0, run.name
        calls = run.after.calls()
        assert len(run.after.rows) == 18 * len(calls), run.name  # every valid call has its 18 metrics


def test_full_refresh_keeps_ids_and_created_at(story: Story) -> None:
    for run in story.runs[1:]:
        kept = run.before.rows.keys() & run.after.rows.keys()
        assert len(kept) > 0.95 * len(run.before.rows), run.name
        moved = [key for key in kept if run.before.rows[key].id != run.after.rows[key].id]
        recreated = [key for key in kept if run.before.rows[key].created_at != run.after.rows[key].created_at]
        assert not moved and not recreated, f"{run.name}: ids changed {moved[:5]}, created_at changed {recreated[:5]}"


def test_incremental_runs_leave_calls_outside_their_scope_untouched(story: Story) -> None:
    for run in _incremental_runs(story):
        outside = [key for key in run.before.rows if key[0] not in run.scope]
        assert len(outside) > 0.8 * len(run.before.rows), run.name
        touched = [key for key in outside if run.after.rows.get(key) != run.before.rows[key]]
        assert not touched, f"{run.name}: rows of calls outside the scope changed: {touched[:10]}"
        appeared = [key for key in run.after.rows.keys() - run.before.rows.keys() if key[0] not in run.scope]
        assert not appeared, f"{run.name}: rows appeared for calls outside the scope: {appeared[:10]}"


def test_every_changed_call_is_in_scope_and_the_scope_stays_small(story: Story) -> None:
    for run in story.runs:
        assert run.log["scope_calls"] == len(run.scope), run.name
        if run.dirty:
            continue  # test_dirty_edits_reach_every_call_they_change
        known_changed = run.changed & run.call_ids  # not the history ids of orphan gradings
        assert known_changed <= run.scope, (
            f"{run.name}: changed calls not in scope: {sorted(known_changed - run.scope)}"
        )
        if run.expect_full:
            assert run.log["scope_calls"] == run.calls, f"{run.name} should recompute every call"
        else:
            assert len(known_changed) <= run.log["scope_calls"] <= MAX_INCREMENTAL_SCOPE_SHARE * run.calls, (
                f"{run.name}: {run.log['scope_calls']} calls in scope for {len(run.changed)} changed of {run.calls}"
            )
        assert run.log["source_high_water_at"] == run.expected_high_water, run.name
    # --full-refresh is logged as such; the first run and the profile switches are full without it
    flags = {run.name: bool(run.log["is_full_refresh"]) for run in story.runs}
    assert flags == {run.name: run.name.startswith("full refresh") for run in story.runs}


def test_a_new_call_recomputes_its_callers_older_calls(story: Story) -> None:
    checks = story.checks["neighbours"]
    run = _run(story, "3 ")
    x1, x2 = checks["x1"], checks["x2"]
    assert x1 in run.scope and x2 in run.scope
    assert x1 not in run.changed and x2 not in run.changed  # in scope as neighbours only
    # x1 was recomputed, and its at-call values did not move although its caller booked (M1) afterwards
    # (test_later_calls_never_change_at_call_metrics checks every such call)
    assert run.after.value(x1, "conversion_score") == run.before.value(x1, "conversion_score")
    assert run.after.value(x1, "feature_pack") == run.before.value(x1, "feature_pack")
    # the missed call no longer needs a follow-up (an as-of-now status): the caller got through 2 hours later
    assert run.before.value(x2, "followup_needed_flag") == "true"
    assert run.after.value(x2, "followup_needed_flag") == "false"
    assert run.after.value(x2, "feature_pack")["followup_trigger_at_call"] == 1  # the trigger itself stays
    assert run.after.value(checks["m1"], "conversion_score") == Decimal(1)
    assert run.after.value(checks["m2"], "feature_pack")["previous_call_gap_hours"] == pytest.approx(2.0)


AT_CALL_METRICS = sorted(
    row["metric_code"]
    for row in csv.DictReader((PROJECT_DIR / "seeds" / "lm_metric_dictionary.csv").open(encoding="utf-8"))
    if row["time_basis"] == "at_call" and row["produced_by"] == "dbt"
)


def test_later_calls_never_change_at_call_metrics(story: Story) -> None:
    """Batch 3 adds calls (the generator's and M1/M2) after older calls of the same callers; every such older
    call that the run recomputed keeps every at_call metric (dictionary time_basis) exactly as it was."""
    run = _run(story, "3 ")
    assert "conversion_score" in AT_CALL_METRICS and "feature_pack" in AT_CALL_METRICS
    assert "followup_needed_flag" not in AT_CALL_METRICS  # as_of_now: may change, and does for x2
    recomputed = (story.checks["only_later_calls_added"] - run.changed) & run.scope & run.before.calls()
    assert story.checks["neighbours"]["x1"] in recomputed
    assert len(recomputed) >= 5, "the batch should reach several older calls of returning callers"
    moved = [
        (history_id, code, run.before.value(history_id, code), run.after.value(history_id, code))
        for history_id in sorted(recomputed)
        for code in AT_CALL_METRICS
        if run.before.value(history_id, code) != run.after.value(history_id, code)
    ]
    assert not moved, f"{len(moved)} at_call values changed after later calls arrived, e.g. {moved[:5]}"


def test_late_gradings_and_regradings_land_in_place(story: Story) -> None:
    run = _run(story, "4 ")
    for history_id, grading_id in story.checks["late_gradings"]["calls"].items():
        before, after = (
            run.before.rows[(history_id, "conversion_score")],
            run.after.rows[(history_id, "conversion_score")],
        )
        assert before.call_score_id is None and after.call_score_id == grading_id
        assert after.value_numeric == Decimal(1) and after.id == before.id
    run = _run(story, "5 ")
    checks = story.checks["regradings"]
    before = run.before.rows[(checks["call"], "conversion_score")]
    after = run.after.rows[(checks["call"], "conversion_score")]
    assert before.call_score_id == checks["previous_grading"] and after.call_score_id == checks["grading"]
    assert before.value_numeric == Decimal(1) and after.value_numeric is not None and after.value_numeric < 1
    assert run.after.value(checks["call"], "feature_pack")["outcome"] == "refusal"
    assert story.checks["regradings"]["generator_regradings"] + story.checks["audit_regradings"] > 0


def test_edited_calls_are_recomputed_and_a_quarantined_call_loses_its_rows(story: Story) -> None:
    checks = story.checks["edits"]
    run = _run(story, "6 ")
    assert run.after.value(checks["to_missed"], "response_speed_score") == Decimal(0)
    assert run.before.value(checks["to_missed"], "talk_time_efficiency") is not None
    assert run.after.value(checks["to_missed"], "talk_time_efficiency") is None  # no talk: not applicable
    pack = run.after.value(checks["longer"], "feature_pack")
    assert (pack["duration_sec"], pack["talk_sec"]) == (checks["longer_duration"], checks["longer_talk"])
    quarantined = checks["quarantined"]
    assert quarantined in run.before.calls() and quarantined not in run.after.calls()
    assert quarantined in run.scope and run.log["rows_deleted"] >= 15
    assert quarantined not in story.rebuilt.calls() and quarantined not in story.incremental.calls()
    reasons = story.project.query(
        f"select quarantine_reason from {{lm}}.int_calls_quarantined where history_id = {quarantined}"
    )
    assert reasons == [("unknown_call_status",)]
    neighbour = checks["quarantined_neighbour"]
    assert run.before.value(neighbour, "feature_pack") != run.after.value(neighbour, "feature_pack")


def test_a_profile_switch_recomputes_every_call_and_back(story: Story) -> None:
    night, back = _run(story, "1 "), _run(story, "2 ")
    assert night.log["calc_profile"] == "night_shift_v1" and back.log["calc_profile"] == "default_v1"
    assert {night.after.value(h, "calc_profile") for h in night.after.calls()} == {"night_shift_v1"}
    assert {back.after.value(h, "calc_profile") for h in back.after.calls()} == {"default_v1"}


# --------------------------------------------------------------------------------------------------------
# The invariant
# --------------------------------------------------------------------------------------------------------
def test_incremental_runs_give_the_same_table_as_a_full_refresh(story: Story) -> None:
    """Batches 1-7: new calls, late gradings, regradings, edits, a quarantine, a profile switch and back."""
    assert story.incremental is not None and story.rebuilt is not None
    assert len(story.rebuilt.rows) > 48_000  # ~3,400 valid calls x 18 metrics
    difference = _differences(story.incremental, story.rebuilt)
    assert difference == "", f"lm_value after incremental runs (first) != after --full-refresh (second):\n{difference}"


def test_dirty_edits_reach_every_call_they_change(story: Story) -> None:
    """Batch 8: the calls whose values a moved call or a non-latest grading changes are in the scope."""
    checks, run = story.checks["dirty"], _run(story, "8 ")
    wanted = {
        "moved call (caller_number corrected)": checks["moved_caller"],
        "its next call at the old caller": checks["old_caller_neighbour"],
        "moved call (started 9 days earlier)": checks["moved_start"],
        "its next call at the old time": checks["old_time_neighbour"],
        "call given a grading with NULL updated_at": checks["null_stamped_grading"],
        "call given a back-dated grading": checks["back_dated_grading"],
    }
    missing = {name: history_id for name, history_id in wanted.items() if history_id not in run.scope}
    assert not missing, f"not in the scope of the incremental run: {missing}"


def test_incremental_runs_give_the_same_table_as_a_full_refresh_after_dirty_edits(story: Story) -> None:
    assert story.dirty_incremental is not None and story.dirty_rebuilt is not None
    difference = _differences(story.dirty_incremental, story.dirty_rebuilt)
    assert difference == "", (
        f"lm_value after batch 8 (first) != after --full-refresh (second); batch 8: {story.checks['dirty']}\n"
        f"{difference}"
    )
