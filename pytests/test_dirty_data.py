"""Dirty-data matrix on both targets: one hand-made history, one call per kind of dirt, and what LM does with it.

Every row of CASES names a kind of dirt the source contract allows (LM_SPEC.md, "Real data is dirty"), the
call_history row and gradings that carry it, and what LM must do: either the call is fully scored (the
18 metrics in lm_value, within the dictionary's ranges) with the documented fallback flagged in
feature_pack and every other fallback flag at 0, or it is quarantined with its reason in
int_calls_quarantined; an orphan grading is listed in int_call_scores_orphaned. Source calls = scored +
quarantined.

One `dbt build` per target for the matrix, then gradings arrive for calls already scored (late gradings)
and one scheduled (incremental) run picks them up. After both runs every LM table and view, lm_value and
every file under the run's target/ and logs/ folders are scanned for the fixture's phone numbers and
transcript words.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from typing import Any

import pyarrow as pa
import pytest

from conftest import PROJECT_DIR, LmProject, call_history_table

T0 = dt.datetime(2025, 3, 3, 8, 0)  # a Monday; call n starts n hours later
NOW = dt.datetime.now().replace(microsecond=0)
FUTURE = NOW + dt.timedelta(days=10)
LATE = NOW - dt.timedelta(minutes=5)  # when the late gradings were written (before the second run)

# Distinctive fake transcript words: none may appear anywhere LM writes.
TRANSCRIPT_WORDS = ("zorblaxian", "quimbrelloft", "fenwaddlecrisp")
TRANSCRIPT = f"operator greets {TRANSCRIPT_WORDS[0]} caller asks about {TRANSCRIPT_WORDS[1]} {TRANSCRIPT_WORDS[2]}"

# Every flag feature_pack carries (models/intermediate/metrics/int_metrics_aux.sql): a scored case lists
# the ones that must be 1; all the others must be 0.
PACK_FLAGS = (
    "fallback_negative_duration_ignored",
    "fallback_absurd_duration_capped",
    "fallback_talk_capped_to_duration",
    "fallback_checklist_capped",
    "fallback_default_grader_scale",
    "fallback_out_of_scale_score_clamped",
    "fallback_dirty_talk_replaced",
    "fallback_lost_opportunity_clamped",
    "flag_future_grading",
    "flag_unknown_outcome",
    "flag_expected_lost_opportunity",
    "flag_unknown_call_category",
    "flag_unknown_refusal_reason",
)
DIRTY_TALK = "fallback_dirty_talk_replaced"  # an answered call's unknown or dirty talk: typical handle time used

AUTO = "auto"  # a field left at its per-case default (caller number; grading times)


@dataclass(frozen=True)
class Call:
    """A call_history row; the defaults are a clean answered inbound call."""

    caller_number: str | None = AUTO  # AUTO: the case's own fake number ('+000' + 7 digits)
    operator_id: int | None = 7
    channel: str | None = "site"
    direction: str = "in"
    call_status: str = "answered"
    await_sec: int | None = 10
    duration: int | None = 200
    talk_duration: int | None = 180
    transcript: str | None = TRANSCRIPT
    started: dt.datetime | None = None  # None: T0 + history_id hours


@dataclass(frozen=True)
class Grading:
    """A call_scores row; the defaults are a clean booking graded by the AI grader (scale 0-100)."""

    is_target: int | None = 1
    outcome: str | None = "record"
    refusal_reason: str | None = None
    call_category: str | None = "booking"
    call_type: str | None = "primary"
    context_type: str | None = "first_contact"
    requested_service_id: int | None = 11
    doctor_id: int | None = 3
    number_checklist: int | None = 5
    category_checklist: str | None = "booking_v1"
    call_score: Decimal | int | None = 80
    scored_by: str | None = "ai"
    created_at: dt.datetime | str | None = AUTO  # AUTO: one hour after the call started
    updated_at: dt.datetime | str | None = AUTO


NULL_GRADING = Grading(**{f.name: None for f in dataclasses.fields(Grading)})


@dataclass(frozen=True)
class Scored:
    """The call has its 18 metrics; `flags` are the feature_pack flags set (all others 0)."""

    flags: frozenset[str] = frozenset()
    pack: Mapping[str, Any] = field(default_factory=dict)  # other feature_pack values
    metrics: Mapping[str, float | None] = field(default_factory=dict)  # selected numeric metrics
    grading: int | None = 1  # position (1-based) of the grading that counts, None when ungraded


@dataclass(frozen=True)
class Quarantined:
    reason: str


@dataclass(frozen=True)
class Orphaned:
    """A grading of a call that does not exist: listed in int_call_scores_orphaned."""


Outcome = Scored | Quarantined | Orphaned


@dataclass(frozen=True)
class Case:
    name: str
    kind: str
    call: Call | None  # None: no such call (orphan gradings)
    gradings: tuple[Grading, ...]
    expect: Outcome
    late_gradings: tuple[Grading, ...] = ()  # written after the first run, before the second
    expect_after: Outcome | None = None  # after the second run (default: `expect`)


def flags(*names: str) -> frozenset[str]:
    assert set(names) <= set(PACK_FLAGS), names
    return frozenset(names)


OOS = "fallback_out_of_scale_score_clamped"

CASES: tuple[Case, ...] = (
    # ---- reference and grader scales (seeds/lm_grader_scales.csv: ai 0-100, qa:1 0-10 offset 0.07) ----
    Case(
        "clean",
        "reference",
        Call(),
        (Grading(),),
        Scored(pack={"grader_scale_source": "prior"}, metrics={"normalized_call_score": 0.8}),  # seed row of ai
    ),
    Case(
        "score_at_scale_max",
        "in-scale score (edge)",
        Call(),
        (Grading(call_score=100),),
        Scored(metrics={"normalized_call_score": 1.0}),
    ),
    Case(
        "score_above_scale",
        "out-of-scale score",
        Call(),
        (Grading(call_score=150),),  # ai scale max 100
        Scored(flags(OOS), metrics={"normalized_call_score": 1.0}, pack={"call_score": 150}),
    ),
    Case(
        "score_negative",
        "out-of-scale score",
        Call(),
        (Grading(call_score=-5),),
        Scored(flags(OOS), metrics={"normalized_call_score": 0.0}, pack={"call_score": -5}),
    ),
    Case(
        "score_above_qa_scale",
        "out-of-scale score",
        Call(),
        (Grading(call_score=12, scored_by="qa:1"),),  # qa:1 scale max 10
        Scored(flags(OOS), metrics={"normalized_call_score": 1.0}),
    ),
    # ---- NULL in every nullable column ----
    Case(
        "null_call_columns",
        "NULL caller_number, operator_id, channel, await_sec, duration, talk_duration, transcript",
        Call(None, None, None, await_sec=None, duration=None, talk_duration=None, transcript=None),
        (Grading(),),
        Scored(
            flags(DIRTY_TALK),
            pack={
                "has_known_caller": 0,
                "has_transcript": 0,
                "operator_id": None,
                "channel": None,
                "await_sec": None,
                "duration_sec": None,
                "talk_sec": None,
            },
            # answered with no talk time: no efficiency; workload of a booking call (240 s target + 30 s
            # after-call work) / 60
            metrics={"response_speed_score": None, "talk_time_efficiency": None, "queue_impact_index": 4.5},
        ),
    ),
    Case(
        "null_grading_columns",
        "NULL in every nullable call_scores column",
        Call(),
        (NULL_GRADING,),
        # no grader and no score: nothing was normalized, so no scale fallback is flagged
        Scored(
            flags(),
            pack={
                "is_graded": 1,
                "is_target": None,
                "outcome": None,
                "scored_by": None,
                "call_score": None,
                "grader_scale_source": None,  # nothing normalized
                "calibration_version": None,  # lm calibrate never ran here
            },
            metrics={"normalized_call_score": None, "checklist_coverage_ratio": None},
        ),
    ),
    # ---- durations and waits (var lm_max_plausible_sec = 21600) ----
    Case(
        "zero_durations",
        "zero await, duration and talk",
        Call(await_sec=0, duration=0, talk_duration=0),
        (Grading(),),
        Scored(
            flags(DIRTY_TALK),  # answered with zero talk: the talk is unknown
            pack={"await_sec": 0, "duration_sec": 0, "talk_sec": 0},
            metrics={"response_speed_score": 1.0, "talk_time_efficiency": None, "queue_impact_index": 4.5},
        ),
    ),
    Case(
        "absurd_duration",
        "duration > lm_max_plausible_sec",
        Call(duration=50_000),
        (Grading(),),
        Scored(
            flags("fallback_absurd_duration_capped", DIRTY_TALK),
            pack={"duration_sec": 21600},
            metrics={"talk_time_efficiency": None, "queue_impact_index": 4.5},  # (240 + 30) / 60, never 6 h
        ),
    ),
    Case(
        "absurd_await",
        "await > lm_max_plausible_sec",
        Call(call_status="abandoned", operator_id=None, await_sec=30_000, duration=30_000, talk_duration=0),
        (),
        Scored(
            flags("fallback_absurd_duration_capped", "flag_expected_lost_opportunity"),
            pack={"await_sec": 21600},
            # abandoned inbound: (180 s default talk + 30) / 60 of workload, expected loss .6 x 3000 x .65 / 1000
            metrics={"queue_impact_index": 3.5, "lost_opportunity_score": 1.17},
            grading=None,
        ),
    ),
    Case(
        "absurd_talk",
        "talk_duration > lm_max_plausible_sec",
        Call(duration=40_100, talk_duration=40_000),
        (Grading(),),
        Scored(
            flags("fallback_absurd_duration_capped", DIRTY_TALK),
            pack={"talk_sec": 21600, "duration_sec": 21600},
            metrics={"talk_time_efficiency": None, "queue_impact_index": 4.5},
        ),
    ),
    Case(
        "negative_duration",
        "negative duration",
        Call(duration=-30),
        (Grading(),),
        Scored(flags("fallback_negative_duration_ignored"), pack={"duration_sec": None, "talk_sec": 180}),
    ),
    Case(
        "negative_await",
        "negative await",
        Call(await_sec=-5),
        (Grading(),),
        Scored(
            flags("fallback_negative_duration_ignored"),
            pack={"await_sec": None},
            metrics={"response_speed_score": None},  # answered with no usable await (dictionary)
        ),
    ),
    Case(
        "negative_talk",
        "negative talk_duration",
        Call(talk_duration=-10),
        (Grading(),),
        Scored(
            flags("fallback_negative_duration_ignored", DIRTY_TALK),
            pack={"talk_sec": None},
            metrics={"talk_time_efficiency": None, "queue_impact_index": 4.5},
        ),
    ),
    Case(
        "talk_over_duration",
        "talk_duration > duration",
        Call(duration=100, talk_duration=250),
        (Grading(),),
        Scored(flags("fallback_talk_capped_to_duration"), pack={"talk_sec": 100, "duration_sec": 100}),
    ),
    # ---- non-Latin and emoji labels ----
    Case(
        "cyrillic_channel",
        "Cyrillic channel",
        Call(channel="Сайт Клиники"),
        (Grading(),),
        Scored(pack={"channel": "сайт клиники"}),
    ),
    Case(
        "emoji_channel",
        "emoji channel",
        Call(channel="📞 Site"),
        (Grading(),),
        Scored(pack={"channel": "📞 site"}),
    ),
    Case(
        "cyrillic_status",
        "Cyrillic status",
        Call(call_status="Отвечен"),
        (Grading(),),
        Quarantined("unknown_call_status"),
    ),
    Case("emoji_status", "emoji status", Call(call_status="✅"), (Grading(),), Quarantined("unknown_call_status")),
    Case(
        "cyrillic_outcome",
        "Cyrillic outcome",
        Call(),
        (Grading(outcome="Запись"),),
        Scored(flags("flag_unknown_outcome"), pack={"outcome": "запись"}),
    ),
    Case(
        "emoji_outcome",
        "emoji outcome",
        Call(),
        (Grading(outcome="👍"),),
        Scored(flags("flag_unknown_outcome"), pack={"outcome": "👍"}),
    ),
    Case(
        "cyrillic_category",
        "Cyrillic category",
        Call(),
        (Grading(call_category="Жалоба"),),
        # unknown category: the dictionary's defaults (talk target 180 s); the label is in feature_pack, flagged
        Scored(flags("flag_unknown_call_category"), pack={"call_category": "жалоба"}),
    ),
    Case(
        "emoji_category",
        "emoji category",
        Call(),
        (Grading(call_category="🦷"),),
        Scored(flags("flag_unknown_call_category"), pack={"call_category": "🦷"}),
    ),
    Case(
        "unknown_refusal_reason",
        "refusal reason outside seed lm_refusal_reasons",
        Call(),
        (Grading(outcome="refusal", refusal_reason=" Too_Expensive "),),
        Scored(flags("flag_unknown_refusal_reason"), pack={"refusal_reason": "too_expensive"}),
    ),
    Case(
        "cyrillic_scored_by",
        "Cyrillic scored_by",
        Call(),
        (Grading(scored_by="Оператор Иван"),),
        Scored(
            flags("fallback_default_grader_scale"),
            pack={"scored_by": "оператор иван", "grader_scale_source": "default"},
            metrics={"normalized_call_score": 0.8},  # default scale 0-100
        ),
    ),
    Case(
        "emoji_scored_by",
        "emoji scored_by",
        Call(),
        (Grading(scored_by="🤖"),),
        Scored(flags("fallback_default_grader_scale"), pack={"scored_by": "🤖"}),
    ),
    Case(
        "odd_case_and_spaces",
        "odd case and spaces in every label",
        Call(channel="  SITE ", direction=" In ", call_status=" Answered  "),
        (
            Grading(
                outcome=" RECORD ",
                call_category=" Booking",
                call_type="Primary ",
                category_checklist=" BOOKING_V1 ",
                call_score=7,
                scored_by=" QA:1 ",
            ),
        ),
        Scored(
            pack={
                "channel": "site",
                "direction": "in",
                "call_status": "answered",
                "outcome": "record",
                "call_category": "booking",
                "call_type": "primary",
                "checklist_template": "booking_v1",
                "scored_by": "qa:1",
            },
            metrics={"normalized_call_score": 0.63, "checklist_coverage_ratio": 0.3929},  # 7/10 - 0.07; 5.5/14
        ),
    ),
    # ---- checklist (booking_v1 has 12 items) ----
    Case(
        "checklist_above_template",
        "checklist above the template size",
        Call(),
        (Grading(number_checklist=20),),
        Scored(flags("fallback_checklist_capped"), metrics={"checklist_coverage_ratio": 1.0}),
    ),
    # ---- gradings ----
    Case(
        "tied_gradings",
        "two gradings tied on updated_at",
        Call(),
        (Grading(outcome="record"), Grading(outcome="refusal", refusal_reason="price")),
        Scored(grading=2, pack={"outcome": "refusal", "grading_count": 2}),  # the higher id wins
    ),
    Case("orphan_grading", "grading of a call that does not exist", None, (Grading(),), Orphaned()),
    Case(
        "future_grading",
        "grading stamped in the future",
        Call(),
        (Grading(created_at=FUTURE, updated_at=FUTURE),),
        Scored(flags("flag_future_grading")),
    ),
    # ---- calls LM cannot interpret ----
    Case("future_call", "future call start", Call(started=FUTURE), (Grading(),), Quarantined("future_call_start")),
    Case(
        "unknown_status",
        "unknown status",
        Call(call_status="transferred"),
        (Grading(),),
        Quarantined("unknown_call_status"),
    ),
    Case("blank_status", "blank status", Call(call_status="   "), (), Quarantined("unknown_call_status")),
    Case(
        "unknown_direction",
        "unknown direction",
        Call(direction="sideways"),
        (Grading(),),
        Quarantined("unknown_direction"),
    ),
    # ---- gradings that arrive after the call was scored (second, incremental run) ----
    Case(
        "graded_after_scoring",
        "first grading after the call was scored",
        Call(),
        (),
        Scored(grading=None, pack={"is_graded": 0, "grading_count": 0}),
        late_gradings=(Grading(created_at=LATE, updated_at=LATE),),
        expect_after=Scored(pack={"is_graded": 1, "grading_count": 1}, metrics={"normalized_call_score": 0.8}),
    ),
    Case(
        "regraded_after_scoring",
        "new grading after the call was scored",
        Call(),
        (Grading(call_score=40),),
        Scored(metrics={"normalized_call_score": 0.4}),
        late_gradings=(Grading(call_score=90, created_at=LATE, updated_at=LATE),),
        expect_after=Scored(grading=2, pack={"grading_count": 2}, metrics={"normalized_call_score": 0.9}),
    ),
    Case(
        "graded_after_scoring_backdated",
        "first grading after the call was scored, stamped long before the last run's high water",
        Call(),
        (),
        Scored(grading=None, pack={"is_graded": 0}),
        late_gradings=(Grading(created_at=T0 - dt.timedelta(days=10), updated_at=T0 - dt.timedelta(days=10)),),
        expect_after=Scored(pack={"is_graded": 1, "grading_count": 1}),
    ),
)


def history_id(case: Case) -> int:
    return CASES.index(case) + 1


def caller_number(case: Case) -> str:
    """Fake numbers only: '+000' + 7 digits, one per case (no two cases share a caller)."""
    return f"+000{4_170_000 + history_id(case):07d}"


def grading_id(case: Case, position: int) -> int:
    return history_id(case) * 10 + position


def _started(case: Case) -> dt.datetime:
    assert case.call is not None
    return case.call.started or T0 + dt.timedelta(hours=history_id(case))


def _history_table() -> pa.Table:
    rows, transcripts, updated = [], [], []
    for case in CASES:
        if case.call is None:
            continue
        call = case.call
        number = caller_number(case) if call.caller_number == AUTO else call.caller_number
        started = _started(case)
        rows.append(
            (
                history_id(case),
                started,
                number,
                call.operator_id,
                call.channel,
                call.direction,
                call.call_status,
                call.await_sec,
                call.duration,
                call.talk_duration,
            )
        )
        transcripts.append(call.transcript)
        updated.append(min(started, NOW) + dt.timedelta(minutes=20))
    return call_history_table(rows, transcripts, updated)


def _stamp(value: dt.datetime | str | None, default: dt.datetime) -> dt.datetime | None:
    if isinstance(value, str):
        assert value == AUTO, value
        return default
    return value


def _scores_table(late: bool) -> pa.Table:
    columns: dict[str, list[Any]] = {name: [] for name in ("id", "history_id", "call_date")}
    names = [f.name for f in dataclasses.fields(Grading)]
    for name in names:
        columns[name] = []
    for case in CASES:
        first, gradings = (len(case.gradings) + 1, case.late_gradings) if late else (1, case.gradings)
        started = _started(case) if case.call is not None else T0
        for position, grading in enumerate(gradings, start=first):
            columns["id"].append(grading_id(case, position))
            columns["history_id"].append(history_id(case))
            columns["call_date"].append(started.date())
            for name in names:
                value = getattr(grading, name)
                if name in ("created_at", "updated_at"):
                    value = _stamp(value, started + dt.timedelta(hours=1))
                columns[name].append(value)
    types = {
        "id": pa.uint32(),
        "history_id": pa.uint32(),
        "call_date": pa.date32(),
        "is_target": pa.int8(),
        "requested_service_id": pa.uint32(),
        "doctor_id": pa.uint32(),
        "number_checklist": pa.int32(),
        "call_score": pa.decimal128(6, 2),
        "created_at": pa.timestamp("s"),
        "updated_at": pa.timestamp("s"),
    }
    columns["call_score"] = [None if s is None else Decimal(s) for s in columns["call_score"]]
    return pa.table({name: pa.array(values, types.get(name, pa.string())) for name, values in columns.items()})


# --------------------------------------------------------------------------------------------------------
# the runs
# --------------------------------------------------------------------------------------------------------

DICTIONARY = list(csv.DictReader((PROJECT_DIR / "seeds" / "lm_metric_dictionary.csv").open(encoding="utf-8")))
# every metric of the dictionary: the 15 rules and the 3 forecast metrics (NULL here: nothing is scored)
RULE_METRICS = {row["metric_code"]: row for row in DICTIONARY}


@dataclass
class Snapshot:
    """lm_value after one run: (history_id, metric_code) -> (call_score_id, numeric, label, json)."""

    rows: dict[tuple[int, str], tuple[int | None, float | None, str | None, str | None]]

    def calls(self) -> set[int]:
        return {h for h, _ in self.rows}

    def pack(self, history_id: int) -> dict[str, Any]:
        text = self.rows[(history_id, "feature_pack")][3]
        assert text is not None
        return json.loads(text)


def _snapshot(project: LmProject) -> Snapshot:
    rows = project.query(
        "select history_id, metric_code, call_score_id, value_numeric, value_label, value_json from {src}.lm_value"
    )
    snapshot: dict[tuple[int, str], tuple[int | None, float | None, str | None, str | None]] = {}
    for h, code, score_id, numeric, label, js in rows:
        key = (int(h), str(code))
        assert key not in snapshot, key
        snapshot[key] = (
            None if score_id is None else int(score_id),
            None if numeric is None else float(numeric),
            label,
            None if js is None else str(js),
        )
    return Snapshot(snapshot)


@dataclass
class Runs:
    project: LmProject
    first: Snapshot
    second: Snapshot
    quarantined: dict[int, str]
    orphaned: set[tuple[int, int]]
    second_scope_mode: str


def _load(project: LmProject, table: str, data: pa.Table) -> None:
    wh = project.connect()
    try:
        wh.load_arrow(project.source_schema, table, data)
    finally:
        wh.close()


@pytest.fixture(scope="module")
def runs(lm_project: LmProject) -> Iterator[Runs]:
    _load(lm_project, "call_history", _history_table())
    _load(lm_project, "call_scores", _scores_table(late=False))
    lm_project.dbt("build", "--exclude", "path:tests/macros")
    first = _snapshot(lm_project)
    _load(lm_project, "call_scores", _scores_table(late=True))
    lm_project.dbt("build", "--exclude", "path:tests/macros")
    second = _snapshot(lm_project)
    quarantined = {
        int(h): str(r)
        for h, r in lm_project.query("select history_id, quarantine_reason from {lm}.int_calls_quarantined")
    }
    orphaned = {
        (int(i), int(h))
        for i, h in lm_project.query("select call_score_id, history_id from {lm}.int_call_scores_orphaned")
    }
    (mode,) = lm_project.query("select scope_mode from {lm}.int_scoring_batch")[0]
    yield Runs(lm_project, first, second, quarantined, orphaned, str(mode))


# --------------------------------------------------------------------------------------------------------
# assertions
# --------------------------------------------------------------------------------------------------------


def _nullable_source_columns() -> dict[str, set[str]]:
    """Nullable columns of each source table, from the source contract's MySQL DDL."""
    ddl = resources.files("lm").joinpath("ddl/source_tables.mysql.sql").read_text(encoding="utf-8")
    columns: dict[str, set[str]] = {}
    for table, body in re.findall(r"CREATE TABLE IF NOT EXISTS (\w+) \((.*?)\) ENGINE", ddl, flags=re.S):
        columns[table] = set(re.findall(r"^\s*(\w+)\s+[^\n]*?(?<!NOT) NULL,", body, flags=re.M))
    return columns


def test_matrix_covers_null_in_every_nullable_column() -> None:
    nullable = _nullable_source_columns()
    assert len(nullable["call_history"]) == 7 and len(nullable["call_scores"]) == 14, nullable
    by_name = {case.name: case for case in CASES}
    call = by_name["null_call_columns"].call
    assert call is not None
    nulls = {f.name for f in dataclasses.fields(Call) if f.name != "started" and getattr(call, f.name) is None}
    assert nulls == nullable["call_history"]
    assert by_name["null_grading_columns"].gradings == (NULL_GRADING,)
    assert {f.name for f in dataclasses.fields(Grading)} == nullable["call_scores"]


def test_matrix_is_well_formed() -> None:
    names = [case.name for case in CASES]
    assert len(names) == len(set(names))
    numbers = [caller_number(case) for case in CASES]
    assert all(n.startswith("+000") and len(n) == 11 and n[1:].isdigit() for n in numbers)
    for case in CASES:
        assert (case.call is None) == isinstance(case.expect, Orphaned), case.name


def test_second_run_is_incremental(runs: Runs) -> None:
    assert runs.second_scope_mode == "incremental"


def _problems(case: Case, outcome: Outcome, snapshot: Snapshot, runs: Runs, when: str) -> list[str]:
    h = history_id(case)
    where = f"{case.name} (call {h}, {when})"
    if isinstance(outcome, Orphaned):
        wanted = {(grading_id(case, p), h) for p in range(1, len(case.gradings) + len(case.late_gradings) + 1)}
        latest = max(wanted)
        problems = [] if latest in runs.orphaned else [f"{where}: grading {latest[0]} not in int_call_scores_orphaned"]
        return problems + ([f"{where}: has lm_value rows"] if h in snapshot.calls() else [])
    if isinstance(outcome, Quarantined):
        problems = []
        if runs.quarantined.get(h) != outcome.reason:
            problems.append(f"{where}: quarantine reason {runs.quarantined.get(h)!r}, expected {outcome.reason!r}")
        if h in snapshot.calls():
            problems.append(f"{where}: quarantined but has lm_value rows")
        return problems
    problems = []
    codes = {code for (hid, code) in snapshot.rows if hid == h}
    if codes != set(RULE_METRICS):
        return [f"{where}: metrics {sorted(codes)}, expected the {len(RULE_METRICS)} metrics"]
    if h in runs.quarantined:
        problems.append(f"{where}: scored but also quarantined ({runs.quarantined[h]})")
    want_score_id = None if outcome.grading is None else grading_id(case, outcome.grading)
    for code, row in RULE_METRICS.items():
        score_id, numeric, label, _ = snapshot.rows[(h, code)]
        if score_id != want_score_id:
            problems.append(f"{where}: {code} call_score_id {score_id}, expected {want_score_id}")
        in_range = numeric is None or float(row["min_value"]) <= numeric <= float(row["max_value"])
        if row["value_type"] == "numeric" and not in_range:
            problems.append(f"{where}: {code} = {numeric} outside the dictionary's range")
        if row["allowed_labels"] and label not in row["allowed_labels"].split("|"):
            problems.append(f"{where}: {code} label {label!r} not allowed")
    for code, want in outcome.metrics.items():
        got = snapshot.rows[(h, code)][1]
        if (got is None) != (want is None) or (got is not None and want is not None and abs(got - want) > 1e-4):
            problems.append(f"{where}: {code} = {got}, expected {want}")
    pack = snapshot.pack(h)
    for flag in PACK_FLAGS:
        want_flag = 1 if flag in outcome.flags else 0
        if pack.get(flag) != want_flag:
            problems.append(f"{where}: feature_pack {flag} = {pack.get(flag)!r}, expected {want_flag}")
    for key, want in outcome.pack.items():
        got = pack.get(key, "<missing>")
        same = got == want or (isinstance(got, int | float) and isinstance(want, int | float) and float(got) == want)
        if not same:
            problems.append(f"{where}: feature_pack {key} = {got!r}, expected {want!r}")
    return problems


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_case(runs: Runs, case: Case) -> None:
    problems = _problems(case, case.expect, runs.first, runs, "first run")
    problems += _problems(case, case.expect_after or case.expect, runs.second, runs, "after the late gradings")
    assert not problems, f"{runs.project.target}:\n" + "\n".join(problems)


def test_source_calls_are_scored_or_quarantined(runs: Runs) -> None:
    source = {int(h) for (h,) in runs.project.query("select history_id from {src}.call_history")}
    assert source == {history_id(case) for case in CASES if case.call is not None}
    for snapshot in (runs.first, runs.second):
        scored = snapshot.calls()
        assert not scored & set(runs.quarantined)
        assert scored | set(runs.quarantined) == source
        assert len(source) == len(scored) + len(runs.quarantined)
        assert len(snapshot.rows) == len(RULE_METRICS) * len(scored)


def test_only_the_orphans_are_orphaned(runs: Runs) -> None:
    expected = {
        (grading_id(case, len(case.gradings)), history_id(case)) for case in CASES if isinstance(case.expect, Orphaned)
    }
    assert runs.orphaned == expected


# --------------------------------------------------------------------------------------------------------
# personal data: nothing of the fixture's phone numbers or transcripts anywhere LM writes
# The caller-key secret (LM_CALLER_SALT) is deliberately not searched for here: its scan belongs to the salt
# item (test_run_safety.py::test_the_caller_key_secret_never_leaves_lm_caller_secret).
# --------------------------------------------------------------------------------------------------------


def _needles() -> list[str]:
    numbers = [caller_number(case) for case in CASES if case.call is not None and case.call.caller_number == AUTO]
    return [*numbers, *(n.removeprefix("+") for n in numbers), *TRANSCRIPT_WORDS]


def _lm_relations(project: LmProject) -> list[tuple[str, str]]:
    mark = "?" if project.target == "duckdb" else "%s"
    wh = project.connect()
    try:
        names = wh.query(
            f"select table_name from information_schema.tables where table_schema = {mark} order by table_name",
            [project.schema],
        )
    finally:
        wh.close()
    return [(project.schema, str(name)) for (name,) in names] + [(project.source_schema, "lm_value")]


def test_no_personal_data_in_lm_tables_and_views(runs: Runs) -> None:
    project = runs.project
    relations = _lm_relations(project)
    assert len(relations) > 20  # staging views, intermediate tables, seeds, state: the scan sees them all
    needles = _needles()
    found: list[str] = []
    wh = project.connect()
    try:
        for schema, table in relations:
            for row in wh.query(f"select * from {wh.qualify(schema, table)}"):
                text = " ".join("" if value is None else str(value) for value in row)
                found += [f"{schema}.{table}: {needle}" for needle in needles if needle in text]
    finally:
        wh.close()
    assert not found, found


def test_no_personal_data_in_target_and_logs(runs: Runs) -> None:
    folders = [runs.project.tmp_dir / "target", runs.project.tmp_dir / "logs"]
    files = [path for folder in folders for path in folder.rglob("*") if path.is_file()]
    assert any(path.name == "dbt.log" for path in files) and any(path.name == "manifest.json" for path in files)
    needles = [needle.encode() for needle in _needles()]
    found = [f"{path}: {needle.decode()}" for path in files for needle in needles if needle in path.read_bytes()]
    assert not found, found
