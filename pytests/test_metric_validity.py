"""lm_metric_validity on both targets: the risk/flag metrics rank what later happened, and no metric is degenerate.

Two data sets, each in its own schemas:

* a generated demo (src/lm/demo) long enough for the 30-day windows: every validated metric must rank its
  outcome in the right direction (top level's rate above the bottom level's), with a lift of the top level
  of at least MIN_TOP_LIFT and an AUC above MIN_AUC; the warn test passes, and warns once a metric is
  inverted by hand; scripts/metric_distributions.py finds no metric with more than 95 % of its non-NULL
  values on one value (except the aux group and the forecast metrics, unscored here);
* a hand-made tiny history (5 callers and a call without caller, fixed times, two quarantined calls)
  whose metric levels are set by hand in lm_value, so that n, n_censored, outcome_n, rates, lift and AUC
  of every row are worked out by hand below - independently of the rules that compute the levels.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from types import ModuleType
from typing import Any

import pyarrow as pa
import pytest

from conftest import PROJECT_DIR, LmProject, call_history_table
from lm import demo, project

# --------------------------------------------------------------------------------------------------------
# the generated demo
# --------------------------------------------------------------------------------------------------------
DEMO_CALLS = 40_000
DEMO_CALLS_PER_DAY = 400.0  # 100 days: most calls are past their 30-day window
DEMO_SEED = 11
VALIDATED = ("churn_risk_level", "complaint_risk_flag", "followup_needed_flag", "conversion_score")
# A level is compared only with enough uncensored calls (the warn test's bar as well).
MIN_LEVEL_CALLS = 100
MIN_TOP_LIFT = 1.2
MIN_AUC = 0.55
# Groups / metrics allowed to be degenerate: aux (constants by design, json); forecast is unscored here.
DEGENERATE_GROUPS = {"aux"}

Validity = dict[tuple[str, str], dict[str, Any]]
COLUMNS = (
    "metric_code",
    "metric_level",
    "level_rank",
    "outcome_code",
    "n",
    "n_censored",
    "outcome_n",
    "outcome_rate",
    "base_rate",
    "lift",
    "auc",
)


def _read_validity(project_: LmProject) -> Validity:
    rows = project_.query(f"select {', '.join(COLUMNS)} from {{lm}}.lm_metric_validity")
    return {(str(row[0]), str(row[1])): dict(zip(COLUMNS, row, strict=True)) for row in rows}


def _distributions_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "metric_distributions", PROJECT_DIR / "scripts" / "metric_distributions.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@dataclass
class DemoBuild:
    project: LmProject
    validity: Validity
    warn_status: str  # status of the warn test on the demo as built
    inverted_warn_status: str  # ... after churn_risk_level low/high were swapped in lm_value
    inverted_failures: int
    distributions: list[Any]


@pytest.fixture(scope="module")
def demo_build(lm_project: LmProject) -> DemoBuild:
    started = time.monotonic()
    data = demo.generate(DEMO_CALLS, seed=DEMO_SEED, calls_per_day=DEMO_CALLS_PER_DAY)
    with lm_project.connect() as wh:
        demo.load(wh, lm_project.source_schema, data, replace=True)
    lm_project.dbt("build", "--exclude", "path:tests/macros")
    built = time.monotonic()
    statuses = {r["unique_id"].split(".")[2]: r["status"] for r in lm_project.run_results()}
    validity = _read_validity(lm_project)
    module = _distributions_module()
    with lm_project.connect() as wh:
        settings = project.Settings(source_schema=lm_project.source_schema, value_schema=lm_project.source_schema)
        distributions = module.collect(wh, settings)
        # churn_risk_level turned upside down: the warn test must now report it
        wh.execute(
            f"update {wh.qualify(lm_project.source_schema, 'lm_value')} set value_label = case value_label"
            " when 'low' then 'high' when 'high' then 'low' else value_label end"
            " where metric_code = 'churn_risk_level'"
        )
    lm_project.dbt("build", "--select", "lm_metric_validity+")
    inverted = {r["unique_id"].split(".")[2]: r for r in lm_project.run_results()}
    test = "assert_lm_metric_validity_ranks_outcomes"
    print(
        f"\n[{lm_project.target}] demo {DEMO_CALLS} calls: build {built - started:.1f} s, "
        f"total {time.monotonic() - started:.1f} s\n{_table(validity)}"
    )
    return DemoBuild(
        project=lm_project,
        validity=validity,
        warn_status=statuses[test],
        inverted_warn_status=inverted[test]["status"],
        inverted_failures=int(inverted[test]["failures"] or 0),
        distributions=distributions,
    )


def _levels(validity: Validity, metric: str) -> list[dict[str, Any]]:
    return sorted((row for (code, _), row in validity.items() if code == metric), key=lambda row: row["level_rank"])


def _table(validity: Validity) -> str:
    lines = []
    for row in sorted(validity.values(), key=lambda r: (r["metric_code"], r["level_rank"])):
        lines.append(
            f"  {row['metric_code']:<22} {row['metric_level']:<8} n={row['n']:>6} censored={row['n_censored']:>6}"
            f" outcome_n={row['outcome_n']:>6} rate={_f(row['outcome_rate'])} base={_f(row['base_rate'])}"
            f" lift={_f(row['lift'])} auc={_f(row['auc'])}"
        )
    return "\n".join(lines)


def _f(value: Any) -> str:
    return "None" if value is None else f"{float(value):.3f}"


@pytest.mark.parametrize("metric", VALIDATED)
def test_metric_ranks_its_outcome_on_the_demo(demo_build: DemoBuild, metric: str) -> None:
    levels = [row for row in _levels(demo_build.validity, metric) if row["n"] - row["n_censored"] >= MIN_LEVEL_CALLS]
    context = f"{demo_build.project.target}:\n{_table(demo_build.validity)}"
    assert len(levels) >= 2, f"{metric}: fewer than 2 levels with {MIN_LEVEL_CALLS} uncensored calls\n{context}"
    bottom, top = levels[0], levels[-1]
    assert float(top["outcome_rate"]) > float(bottom["outcome_rate"]), f"{metric}: wrong direction\n{context}"
    assert float(top["lift"]) >= MIN_TOP_LIFT, f"{metric}: top level lift below {MIN_TOP_LIFT}\n{context}"
    assert float(top["auc"]) > MIN_AUC, f"{metric}: auc not above {MIN_AUC}\n{context}"
    # the same population under every level: base rate = pooled outcome rate, lift = rate / base
    uncensored = sum(row["n"] - row["n_censored"] for row in _levels(demo_build.validity, metric))
    outcomes = sum(row["outcome_n"] for row in _levels(demo_build.validity, metric))
    assert float(top["base_rate"]) == pytest.approx(outcomes / uncensored)
    assert float(top["lift"]) == pytest.approx(float(top["outcome_rate"]) / float(top["base_rate"]))


def test_warn_test_passes_on_the_demo_and_warns_when_a_metric_is_inverted(demo_build: DemoBuild) -> None:
    assert demo_build.warn_status == "pass"
    assert (demo_build.inverted_warn_status, demo_build.inverted_failures) == ("warn", 1)


def test_no_metric_is_degenerate_on_the_demo(demo_build: DemoBuild) -> None:
    checked = []
    for metric in demo_build.distributions:
        if metric.metric_group in DEGENERATE_GROUPS:
            continue
        if metric.metric_group == "forecast":
            # nothing is scored in this build (pytests/test_forecast.py scores): NULL, except the 1 of a
            # booked call's conversion_prob_forecast
            values = set(metric.counts) if metric.metric_code == "conversion_prob_forecast" else set()
            assert {float(value) for value in values} <= {1.0}, metric.metric_code
            assert (metric.n_values > 0) == (metric.metric_code == "conversion_prob_forecast"), metric.metric_code
            continue
        assert metric.n_values > 0, metric.metric_code
        checked.append(metric.metric_code)
        assert metric.top_share <= 0.95, (
            f"{demo_build.project.target} {metric.metric_code}: {metric.top_share:.1%} of its values are "
            f"{metric.top_value}"
        )
    assert len(checked) == 12  # the 12 rule metrics outside aux


# --------------------------------------------------------------------------------------------------------
# the hand-made tiny history
# --------------------------------------------------------------------------------------------------------


def day(d: int, hour: int = 10) -> dt.datetime:
    """Day d (1 = 2025-03-01) at `hour`:00."""
    return dt.datetime(2025, 3, 1, hour) + dt.timedelta(days=d - 1)


FUTURE = dt.datetime.now().replace(microsecond=0) + dt.timedelta(days=10)
A, B, C, D, E = (f"+000{n:07d}" for n in range(201, 206))  # fake numbers, one letter per caller

# history_id, started, caller, operator, channel, direction, status, await, duration, talk
TINY_CALLS: list[tuple[Any, ...]] = [
    (1, day(1), A, 7, "site", "in", "answered", 10, 200, 180),
    (2, day(2), A, 7, "site", "in", "answered", 10, 200, 180),
    (3, day(25), A, 7, "site", "in", "answered", 10, 200, 180),
    (4, day(1, 12), B, 7, "site", "in", "answered", 10, 200, 180),
    (5, day(10, 12), B, None, "site", "in", "missed", 40, 40, 0),
    (6, day(20, 12), B, 7, "site", "in", "answered", 10, 200, 180),
    (7, day(5, 9), C, 8, "site", "in", "answered", 10, 200, 180),
    (8, day(7, 9), C, 8, "site", "in", "answered", 10, 200, 180),
    (9, day(45, 9), C, 8, "site", "in", "answered", 10, 200, 180),
    (10, day(50), D, 8, "site", "in", "answered", 10, 200, 180),
    (11, day(58), D, 8, "site", "out", "answered", 10, 200, 180),
    (12, day(60), E, 8, "site", "in", "answered", 10, 200, 180),  # the latest valid call: history end
    (13, day(3), None, 8, "site", "in", "answered", 10, 200, 180),  # no caller number: never evaluated
    (14, FUTURE, A, 8, "site", "in", "answered", 10, 200, 180),  # quarantined (future): not the history end
    (15, day(8), C, 8, "site", "in", " Transferred ", 10, 200, 180),  # quarantined: its complaint is no outcome
]
# history_id -> is_target, outcome, call_category (the rest of the grading is fixed); 5 is ungraded
TINY_GRADINGS: dict[int, tuple[int, str, str]] = {
    1: (1, "no_record", "booking"),
    2: (1, "record", "booking"),
    3: (1, "refusal", "complaint"),
    4: (0, "info_only", "question"),  # non-target: outside churn's population
    6: (1, "no_record", "complaint"),
    7: (1, "callback", "booking"),
    8: (1, "no_record", "booking"),
    9: (1, "record", "booking"),
    10: (1, "no_record", "booking"),
    11: (1, "record", "booking"),
    12: (1, "no_record", "booking"),
    13: (1, "record", "booking"),
    15: (1, "no_record", "complaint"),
}
# Levels written into lm_value by hand: churn, complaint flag, followup trigger (None: key absent), conversion.
TINY_LEVELS: dict[int, tuple[str, str, int | None, str]] = {
    1: ("low", "true", 1, "0.3"),
    2: ("low", "false", 0, "1"),
    3: ("high", "true", 0, "0"),
    4: ("low", "false", None, "0"),
    5: ("medium", "true", 1, "0"),
    6: ("high", "false", 0, "0.2"),
    7: ("medium", "false", 1, "0.6"),
    8: ("low", "false", 1, "0.1"),
    9: ("low", "true", 0, "1"),
    10: ("medium", "false", 0, "0.5"),
    11: ("low", "false", 1, "1"),
    12: ("high", "false", 0, "0"),
    13: ("high", "true", 1, "1"),  # no caller: would change every row below if it were counted
}

# History end: call 12, day 60 10:00. Observed time of each call (end - start) and its censoring:
#   1: 59 d | 2: 58 d | 3: 35 d | 4: 58 d 22 h | 5: 49 d 22 h | 6: 39 d 22 h | 7: 55 d 1 h | 8: 53 d 1 h
#   9: 15 d 1 h (censored for 30 d) | 10: 10 d (censored for 30 d) | 11: 2 d (censored for all: < 72 h, < 7 d)
#   12: 0 (censored for all).
# Caller sequences: A 1(d1) 2(d2) 3(d25); B 4(d1) 5(d10) 6(d20); C 7(d5) 8(d7) 9(d45); D 10(d50) 11(d58); E 12.
#
# churn_risk_level / no_booking_30d: population = known caller, not non-target -> 1,2,3,5,6,7,8,9,10,11,12.
#   outcome (no booking from this call on within 30 d): 1 no (2 booked 1 d later), 2 no (books itself),
#   3 yes, 5 yes, 6 yes (B never books), 7 yes (C books on day 45, 40 d later), 8 yes (38 d later).
#   low   = 1,2,8,9,11: n 5, censored 2 (9,11), outcome 1 (8)     -> rate 1/3
#   medium= 5,7,10:     n 3, censored 1 (10),   outcome 2 (5,7)   -> rate 1
#   high  = 3,6,12:     n 3, censored 1 (12),   outcome 2 (3,6)   -> rate 1
#   base 5/7; lifts (1/3)/(5/7) = 7/15, 7/5, 7/5.
#   AUC: 5 with, 2 without (1,2 both low): low 1 x (0 + 2/2) + medium 2 x 2 + high 2 x 2 = 9 / (5 x 2) = 0.9
# complaint_risk_flag / complaint_call_30d: population = known caller -> 1..12.
#   outcome (a later complaint call of the caller within 30 d): 1 yes (3, 24 d), 2 yes (3, 23 d), 3 no,
#   4 yes (6, 19 d), 5 yes (6, 10 d), 6 no, 7 no, 8 no (15 is quarantined).
#   false = 2,4,6,7,8,10,11,12: n 8, censored 3 (10,11,12), outcome 2 (2,4) -> rate 2/5
#   true  = 1,3,5,9:            n 4, censored 1 (9),        outcome 2 (1,5) -> rate 2/3
#   base 4/8; lifts 0.8, 4/3. AUC: 4 with (2 false, 2 true), 4 without (6,7,8 false; 3 true):
#   false 2 x (0 + 3/2) + true 2 x (3 + 1/2) = 10 / 16 = 0.625
# followup_needed_flag (trigger) / caller_returned_72h: population = known caller with the trigger -> not 4.
#   outcome (next call of the caller within 72 h): 1 yes (24 h), 7 yes (48 h; 15 at 25 h after 8 is
#   quarantined), every other uncensored call no.
#   false = 2,3,6,9,10,12: n 6, censored 1 (12), outcome 0     -> rate 0
#   true  = 1,5,7,8,11:    n 5, censored 1 (11), outcome 2 (1,7) -> rate 1/2
#   base 2/9; lifts 0, 9/4. AUC: 2 with (true), 7 without (5 false, 2 true): 2 x (5 + 2/2) = 12 / 14 = 6/7
# conversion_score / booking_7d: population = known caller with a value -> 1..12.
#   outcome (booking from this call on within 7 d): 1 yes (2, 24 h), 2 yes, 9 yes (itself), 10 no (8 d),
#   every other uncensored call no.
#   0       = 3,4,5,12: n 4, censored 1 (12), outcome 0       -> rate 0
#   (0,0.5) = 1,6,8:    n 3, censored 0,      outcome 1 (1)   -> rate 1/3
#   [0.5,1) = 7,10:     n 2, censored 0,      outcome 0       -> rate 0
#   1       = 2,9,11:   n 3, censored 1 (11), outcome 2 (2,9) -> rate 1
#   base 3/10; lifts 0, 10/9, 0, 10/3. AUC: 3 with, 7 without (3, 2, 2, 0 by level):
#   (0,0.5) 1 x (3 + 2/2) + 1: 2 x (3 + 2 + 2 + 0) = 18 / 21 = 6/7
# metric_code, metric_level -> level_rank, outcome_code, n, n_censored, outcome_n, outcome_rate, base_rate,
# lift, auc
TINY_EXPECTED: dict[tuple[str, str], tuple[int, str, int, int, int, float, float, float, float]] = {
    ("churn_risk_level", "low"): (1, "no_booking_30d", 5, 2, 1, 1 / 3, 5 / 7, 7 / 15, 0.9),
    ("churn_risk_level", "medium"): (2, "no_booking_30d", 3, 1, 2, 1.0, 5 / 7, 7 / 5, 0.9),
    ("churn_risk_level", "high"): (3, "no_booking_30d", 3, 1, 2, 1.0, 5 / 7, 7 / 5, 0.9),
    ("complaint_risk_flag", "false"): (1, "complaint_call_30d", 8, 3, 2, 2 / 5, 0.5, 0.8, 0.625),
    ("complaint_risk_flag", "true"): (2, "complaint_call_30d", 4, 1, 2, 2 / 3, 0.5, 4 / 3, 0.625),
    ("followup_needed_flag", "false"): (1, "caller_returned_72h", 6, 1, 0, 0.0, 2 / 9, 0.0, 6 / 7),
    ("followup_needed_flag", "true"): (2, "caller_returned_72h", 5, 1, 2, 0.5, 2 / 9, 9 / 4, 6 / 7),
    ("conversion_score", "0"): (1, "booking_7d", 4, 1, 0, 0.0, 0.3, 0.0, 6 / 7),
    ("conversion_score", "(0,0.5)"): (2, "booking_7d", 3, 0, 1, 1 / 3, 0.3, 10 / 9, 6 / 7),
    ("conversion_score", "[0.5,1)"): (3, "booking_7d", 2, 0, 0, 0.0, 0.3, 0.0, 6 / 7),
    ("conversion_score", "1"): (4, "booking_7d", 3, 1, 2, 1.0, 0.3, 10 / 3, 6 / 7),
}


def _tiny_tables() -> tuple[pa.Table, pa.Table]:
    history = call_history_table(TINY_CALLS, [None] * len(TINY_CALLS), [min(c[1], day(61)) for c in TINY_CALLS])
    started = {call[0]: call[1] for call in TINY_CALLS}
    ids = sorted(TINY_GRADINGS)
    graded_at = [min(started[h], day(61)) + dt.timedelta(hours=1) for h in ids]
    scores = pa.table(
        {
            "id": pa.array([100 + h for h in ids], pa.uint32()),
            "history_id": pa.array(ids, pa.uint32()),
            "call_date": pa.array([started[h].date() for h in ids], pa.date32()),
            "is_target": pa.array([TINY_GRADINGS[h][0] for h in ids], pa.int8()),
            "outcome": pa.array([TINY_GRADINGS[h][1] for h in ids], pa.string()),
            "refusal_reason": pa.array(["price" if TINY_GRADINGS[h][1] == "refusal" else None for h in ids]),
            "call_category": pa.array([TINY_GRADINGS[h][2] for h in ids], pa.string()),
            "call_type": pa.array(["primary"] * len(ids), pa.string()),
            "context_type": pa.array(["first_contact"] * len(ids), pa.string()),
            "requested_service_id": pa.array([None] * len(ids), pa.uint32()),
            "doctor_id": pa.array([None] * len(ids), pa.uint32()),
            "number_checklist": pa.array([5] * len(ids), pa.int32()),
            "category_checklist": pa.array(["booking_v1"] * len(ids), pa.string()),
            "call_score": pa.array([Decimal("80.00")] * len(ids), pa.decimal128(6, 2)),
            "scored_by": pa.array(["ai"] * len(ids), pa.string()),
            "created_at": pa.array(graded_at, pa.timestamp("s")),
            "updated_at": pa.array(graded_at, pa.timestamp("s")),
        }
    )
    return history, scores


@pytest.fixture(scope="module")
def tiny(lm_project: LmProject) -> Iterator[Validity]:
    tiny_project = LmProject(target=lm_project.target, tag=f"{lm_project.tag}t", tmp_dir=lm_project.tmp_dir / "tiny")
    tiny_project.reset()
    history, scores = _tiny_tables()
    with tiny_project.connect() as wh:
        wh.load_arrow(tiny_project.source_schema, "call_history", history)
        wh.load_arrow(tiny_project.source_schema, "call_scores", scores)
    tiny_project.dbt("seed")
    tiny_project.dbt("run")
    with tiny_project.connect() as wh:
        registry = wh.qualify(tiny_project.source_schema, "lm_value")
        for history_id, (churn, complaint, trigger, conversion) in TINY_LEVELS.items():
            pack = '{"is_graded": 1}' if trigger is None else f'{{"followup_trigger_at_call": {trigger}}}'
            for code, column, value in (
                ("churn_risk_level", "value_label", f"'{churn}'"),
                ("complaint_risk_flag", "value_label", f"'{complaint}'"),
                ("feature_pack", "value_json", f"'{pack}'"),
                ("conversion_score", "value_numeric", conversion),
            ):
                wh.execute(
                    f"update {registry} set {column} = {value}"
                    f" where history_id = {history_id} and metric_code = '{code}'"
                )
    tiny_project.dbt("run", "--select", "lm_metric_validity")
    yield _read_validity(tiny_project)
    if tiny_project.target != "duckdb":
        tiny_project.drop()


def test_tiny_history_matches_hand_worked_values(tiny: Validity) -> None:
    assert sorted(tiny) == sorted(TINY_EXPECTED)
    for key, (rank, outcome, n, censored, outcome_n, rate, base, lift, auc) in TINY_EXPECTED.items():
        row = tiny[key]
        assert (row["level_rank"], row["outcome_code"], row["n"], row["n_censored"], row["outcome_n"]) == (
            rank,
            outcome,
            n,
            censored,
            outcome_n,
        ), key
        got = tuple(float(row[column]) for column in ("outcome_rate", "base_rate", "lift", "auc"))
        assert got == pytest.approx((rate, base, lift, auc), abs=1e-9), key
