"""lm.weekahead.whatif: scenarios on an hourly plan, checked against lm.weekahead.staffing on the same inputs."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from lm.weekahead import whatif
from lm.weekahead.staffing import StaffingRequirement, agents_required_erlang_a, agents_required_erlang_c, erlang_a
from lm.weekahead.whatif import (
    BASELINE,
    SCENARIO_COLUMNS,
    CalcParams,
    PlanHour,
    Scenario,
    ScenarioResult,
    parse_scenarios_csv,
    plan_from_rows,
    read_scenarios_csv,
    run_scenario,
    run_scenarios,
    staffing_plan,
)

FIXTURE = Path(__file__).parent / "fixtures" / "lm_whatif_scenarios.csv"
PARAMS = CalcParams(
    sla_answer_sec=20, sl_target=0.8, max_occupancy=0.85, shrinkage=0.3, mean_patience_sec=150, short_abandon_sec=5
)
MONDAY = datetime(2026, 12, 14)


def make_plan(days: int = 2, seed: int = 3) -> list[PlanHour]:
    """Open 07-21 with a midday peak, a trickle at night, fractional operators as a history average gives."""
    rng = np.random.default_rng(seed)
    plan = []
    for i in range(days * 24):
        ds = MONDAY + timedelta(hours=i)
        if 7 <= ds.hour < 21:
            offered = (50 + 120 * math.sin(math.pi * (ds.hour - 7) / 14)) * rng.uniform(0.85, 1.15)
            aht = 240 * rng.uniform(0.9, 1.1)
            ops = round(offered * aht / 3600 / rng.uniform(0.75, 0.92), 1)
        else:
            offered, aht, ops = (rng.uniform(0.5, 4.0) if ds.hour in (6, 21, 22) else 0.0), 240.0, 1.0
        plan.append(PlanHour(ds, offered, aht, 0.3 * offered, ops))
    return plan


PLAN = make_plan()


def expected_hour(offered: float, aht: float, ops: float, p: CalcParams) -> dict[str, float]:
    """The hour straight from staffing.erlang_a: the time mix of floor(ops) and floor(ops) + 1 agents."""
    low = math.floor(ops)
    w = ops - low
    parts = [(1 - w, low), (w, low + 1)] if w > 1e-12 else [(1.0, low)]
    ans = in_sl = short = wait = 0.0
    for weight, n in parts:
        r = erlang_a(offered, aht, n, p.mean_patience_sec, p.sla_answer_sec, p.interval_sec, p.short_abandon_sec)
        ans += weight * r.p_answered
        in_sl += weight * r.service_level
        short += weight * r.p_abandon_short
        wait += weight * (r.p_answered * r.asa_sec if r.p_answered > 0 else 0.0)
    return {
        "answered": offered * ans,
        "service_level": in_sl / (1 - short),
        "abandon_rate": (1 - ans - short) / (1 - short),
        "asa_sec": wait / ans if ans > 0 else math.inf,
    }


def by_code(results: list[ScenarioResult]) -> dict[str, ScenarioResult]:
    return {r.scenario.code: r for r in results}


def busy(i: int) -> bool:
    return PLAN[i].offered > 20


def test_baseline_reproduces_the_plan_and_staffing() -> None:
    (base,) = run_scenarios(PLAN, PARAMS, [])
    assert base.scenario is BASELINE
    assert len(base.hours) == len(PLAN)
    for h, out in zip(PLAN, base.hours, strict=True):
        assert (out.ds, out.offered, out.aht_sec, out.operators) == (h.ds, h.offered, h.aht_sec, h.operators)
        assert out.bookings == pytest.approx(h.bookings, rel=1e-12)  # conversion per answered call kept
        if h.offered == 0:
            assert (out.service_level, out.abandon_rate, out.answered) == (1.0, 0.0, 0.0)
            continue
        exp = expected_hour(h.offered, h.aht_sec, h.operators, PARAMS)
        assert out.answered == pytest.approx(exp["answered"], rel=1e-9)
        assert out.service_level == pytest.approx(exp["service_level"], rel=1e-9)
        assert out.abandon_rate == pytest.approx(exp["abandon_rate"], rel=1e-9, abs=1e-15)
        assert out.asa_sec == pytest.approx(exp["asa_sec"], rel=1e-9, abs=1e-12)
        req = agents_required_erlang_a(
            h.offered, h.aht_sec, 150, 0.8, 20, 0.85, 0.3, short_abandon_sec=5
        )  # the same targets, straight from staffing
        assert (out.agents_required, out.scheduled_required) == (req.agents, req.scheduled)
    # the plan has fractional operators, so the floor/ceil mix is exercised
    assert any(h.operators != math.floor(h.operators) for h in PLAN)


def test_week_total_is_the_ratio_of_the_week_sums() -> None:
    (base,) = run_scenarios(PLAN, PARAMS, [])
    hours, w = base.hours, base.total
    assert w.offered == pytest.approx(sum(h.offered for h in PLAN))
    assert w.bookings == pytest.approx(sum(h.bookings for h in PLAN))
    counted = sum(h.offered - h.short_abandons for h in hours)
    assert w.service_level == pytest.approx(
        sum(h.service_level * (h.offered - h.short_abandons) for h in hours) / counted
    )
    assert w.abandon_rate == pytest.approx(sum(h.abandoned for h in hours) / counted)
    answered = [h for h in hours if h.answered > 0]
    assert w.asa_sec == pytest.approx(sum(h.asa_sec * h.answered for h in answered) / sum(h.answered for h in answered))
    assert w.agents_required_hours == sum(h.agents_required or 0 for h in hours)
    # without the short-abandon convention the week SL is exactly the offered-weighted mean of the hours
    (plain,) = run_scenarios(PLAN, replace(PARAMS, short_abandon_sec=0.0), [])
    offered = sum(h.offered for h in plain.hours)
    assert plain.total.service_level == pytest.approx(sum(h.service_level * h.offered for h in plain.hours) / offered)
    assert plain.total.abandon_rate == pytest.approx(sum(h.abandon_rate * h.offered for h in plain.hours) / offered)


def test_more_volume_lowers_sl_and_raises_abandonment() -> None:
    res = by_code(run_scenarios(PLAN, PARAMS, [Scenario("vol10", volume_change_pct=10)]))
    base, vol = res["baseline"], res["vol10"]
    for i, (b, v) in enumerate(zip(base.hours, vol.hours, strict=True)):
        assert v.offered == pytest.approx(1.1 * b.offered)
        if busy(i):
            assert v.service_level < b.service_level
            assert v.abandon_rate > b.abandon_rate
            assert v.asa_sec > b.asa_sec
            # bookings: conversion per answered call kept, against the baseline's answered calls
            exp = expected_hour(v.offered, v.aht_sec, v.operators, PARAMS)
            assert v.bookings == pytest.approx(PLAN[i].bookings * exp["answered"] / b.answered, rel=1e-9)
            assert b.bookings < v.bookings < 1.1 * b.bookings  # more calls, a smaller share answered
            assert v.agents_required >= b.agents_required
    assert vol.total.service_level < base.total.service_level
    assert vol.total.abandon_rate > base.total.abandon_rate
    assert vol.total.agents_required_hours > base.total.agents_required_hours


def test_extra_operators_change_only_their_hours() -> None:
    sc = Scenario("plus2", extra_operators=2, hour_from=10, hour_to=14)
    res = by_code(run_scenarios(PLAN, PARAMS, [sc]))
    base, plus = res["baseline"], res["plus2"]
    changed = 0
    for b, p in zip(base.hours, plus.hours, strict=True):
        if 10 <= b.ds.hour < 14:
            changed += 1
            assert p.operators == pytest.approx(b.operators + 2)
            assert p.service_level > b.service_level
            assert p.abandon_rate < b.abandon_rate
            assert p.bookings > b.bookings
            exp = expected_hour(p.offered, p.aht_sec, p.operators, PARAMS)
            assert p.service_level == pytest.approx(exp["service_level"], rel=1e-9)
        else:
            assert p == replace(b, scenario_code="plus2")
        assert p.agents_required == b.agents_required  # the requirement depends on the demand, not the roster
    assert changed == 4 * 2
    assert plus.total.operator_hours == pytest.approx(base.total.operator_hours + 2 * 4 * 2)


def test_extra_operators_on_weekdays_and_across_midnight() -> None:
    sc = Scenario("late_tue", extra_operators=1, hour_from=20, hour_to=2, weekdays=frozenset({2}))
    res = by_code(run_scenarios(PLAN, PARAMS, [sc]))
    changed = [
        p.ds for b, p in zip(res["baseline"].hours, res["late_tue"].hours, strict=True) if p.operators != b.operators
    ]
    assert changed == [MONDAY + timedelta(days=1, hours=h) for h in (0, 1, 20, 21, 22, 23)]  # Tuesday's hours
    cut = Scenario("cut", extra_operators=-5)
    assert all(h.operators >= 0 for h in run_scenario(PLAN, PARAMS, cut).hours)


def test_shorter_aht_raises_sl() -> None:
    res = by_code(run_scenarios(PLAN, PARAMS, [Scenario("aht-20", aht_change_sec=-20)]))
    base, short = res["baseline"], res["aht-20"]
    for i, (b, s) in enumerate(zip(base.hours, short.hours, strict=True)):
        assert s.aht_sec == pytest.approx(PLAN[i].aht_sec - 20)
        if busy(i):
            assert s.service_level > b.service_level
            assert s.asa_sec < b.asa_sec
            assert s.bookings > b.bookings  # fewer calls lost, same conversion per answered call
            exp = expected_hour(s.offered, s.aht_sec, s.operators, PARAMS)
            assert s.service_level == pytest.approx(exp["service_level"], rel=1e-9)
            assert s.abandon_rate == pytest.approx(exp["abandon_rate"], rel=1e-9)
    assert short.total.service_level > base.total.service_level


def test_calc_profiles_and_overrides() -> None:
    impatient = replace(PARAMS, mean_patience_sec=45.0)
    scenarios = [
        Scenario("prof", calc_profile="impatient_v1"),
        Scenario("over", overrides={"mean_patience_sec": 45.0}),
        Scenario("sla30", overrides={"sla_answer_sec": 30.0}),
    ]
    res = by_code(run_scenarios(PLAN, PARAMS, scenarios, profiles={"impatient_v1": impatient}))
    assert res["prof"].params == impatient == res["over"].params
    assert [h.service_level for h in res["prof"].hours] == [h.service_level for h in res["over"].hours]
    i = max(range(len(PLAN)), key=lambda k: PLAN[k].offered)
    b, p = res["baseline"].hours[i], res["prof"].hours[i]
    assert p.abandon_rate > b.abandon_rate
    # bookings are against the baseline under the CURRENT parameters
    exp = expected_hour(p.offered, p.aht_sec, p.operators, impatient)
    assert p.bookings == pytest.approx(PLAN[i].bookings * exp["answered"] / b.answered, rel=1e-9)
    assert res["sla30"].hours[i].service_level > b.service_level
    with pytest.raises(KeyError):
        run_scenarios(PLAN, PARAMS, [Scenario("x", calc_profile="nope")])
    with pytest.raises(ValueError):
        Scenario("bad", overrides={"no_such_param": 1.0})


def test_bookings_without_answered_baseline_keep_conversion_per_offered_call() -> None:
    plan = [PlanHour(MONDAY + timedelta(hours=9), 40.0, 200.0, 8.0, 0.0)]  # nobody on the phones
    res = by_code(run_scenarios(plan, PARAMS, [Scenario("v", volume_change_pct=50), Scenario("o", extra_operators=3)]))
    assert res["baseline"].hours[0].answered == 0
    assert res["v"].hours[0].bookings == pytest.approx(8.0 * 1.5)
    assert res["o"].hours[0].bookings == pytest.approx(8.0)
    assert res["o"].hours[0].service_level > 0


def same_requirement(got: StaffingRequirement, want: StaffingRequirement) -> None:
    """Equal, the floats up to rounding (a batch pads rows to a common number of queue states)."""
    assert (got.model, got.agents, got.scheduled, got.binding) == (
        want.model,
        want.agents,
        want.scheduled,
        want.binding,
    )
    for name in ("offered_load", "service_level", "asa_sec", "occupancy", "p_abandon"):
        assert getattr(got, name) == pytest.approx(getattr(want, name), rel=1e-12, abs=1e-15)


def test_staffing_plan_matches_the_staffing_functions() -> None:
    for h, st in zip(PLAN, staffing_plan(PLAN, PARAMS), strict=True):
        assert st.erlang_c == agents_required_erlang_c(h.offered, h.aht_sec, 0.8, 20, 0.85, 0.3)
        same_requirement(st.erlang_a, agents_required_erlang_a(h.offered, h.aht_sec, 150, 0.8, 20, 0.85, 0.3, 3600, 5))
        assert st.erlang_a.agents <= st.erlang_c.agents
        assert st.operators_planned == h.operators


def test_scenario_seed_csv() -> None:
    scenarios = read_scenarios_csv(FIXTURE)
    assert [s.code for s in scenarios] == [
        "baseline",
        "vol_plus_10",
        "aht_minus_20",
        "plus_2_midday",
        "minus_1_late_weekdays",
        "impatient",
    ]
    s = {x.code: x for x in scenarios}
    assert s["vol_plus_10"].volume_change_pct == 10.0
    assert s["aht_minus_20"].aht_change_sec == -20.0
    assert (s["plus_2_midday"].extra_operators, s["plus_2_midday"].hour_from, s["plus_2_midday"].hour_to) == (2, 10, 14)
    late = s["minus_1_late_weekdays"]
    assert (late.extra_operators, late.volume_change_pct, late.weekdays) == (-1.0, 0.0, frozenset(range(1, 6)))
    assert s["impatient"].calc_profile == "impatient_v1" and s["baseline"].calc_profile is None
    results = run_scenarios(PLAN, PARAMS, scenarios, profiles={"impatient_v1": replace(PARAMS, mean_patience_sec=60)})
    assert [r.scenario.code for r in results] == [x.code for x in scenarios]  # the seed's baseline, not another
    rows = results[1].hour_rows()
    assert len(rows) == len(PLAN) and rows[0]["scenario_code"] == "vol_plus_10"
    header = FIXTURE.read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith(
        "scenario_code,description,volume_change_pct,aht_change_sec,extra_operators,hour_from,hour_to,calc_profile"
    )
    with pytest.raises(ValueError, match="missing columns"):
        parse_scenarios_csv("scenario_code,description\nx,y\n")
    with pytest.raises(ValueError, match="unique"):
        parse_scenarios_csv(header + "\na,,,,,,,,\na,,,,,,,,\n")
    with pytest.raises(ValueError, match="line 2"):
        parse_scenarios_csv(header + "\na,,,,,10,,,\n")  # hour_from without hour_to


def test_the_documented_seed_example_parses() -> None:
    doc = whatif.__doc__ or ""
    example = doc.split("Example::", 1)[1].strip("\n")
    text = "\n".join(line.strip() for line in example.splitlines() if line.strip()) + "\n"
    scenarios = parse_scenarios_csv(text)
    assert [s.code for s in scenarios] == ["baseline", "vol_plus_10", "aht_minus_20", "plus_2_midday"]
    assert text.splitlines()[0] == ",".join(SCENARIO_COLUMNS)


def test_calc_params_from_a_profile_and_plan_rows() -> None:
    params = CalcParams.from_parameters(
        {"sla_answer_sec": "45", "short_abandon_sec": 5, "target_talk_sec": 180, "mean_patience_sec": ""}
    )
    assert (params.sla_answer_sec, params.short_abandon_sec, params.mean_patience_sec) == (45.0, 5.0, 180.0)
    plan = plan_from_rows([{"ds": "2026-12-14T10:00:00", "offered": 12, "aht_sec": 200, "bookings": 3, "operators": 2}])
    assert plan == [PlanHour(datetime(2026, 12, 14, 10), 12.0, 200.0, 3.0, 2.0)]
