"""What-if scenarios on an hourly plan: SL, ASA, abandonment, answered calls and bookings per hour and per week.

Input: a week of forecast hours (`PlanHour`: ds, offered calls, AHT, bookings, the operators the history shows
for that weekday-hour), the calc parameters (`CalcParams`) and scenarios (`Scenario`). Each hour is evaluated
with Erlang A (`lm.weekahead.staffing.erlang_a`, the callers' mean patience from `estimate_patience`), once as
planned (the baseline) and once per scenario; all hours of all scenarios go through `erlang_a_batch` in one
numpy pass. Plain dataclasses; ``ScenarioResult.hour_rows()`` gives dicts.

`CalcParams` field names are calc-profile parameter codes: ``sla_answer_sec`` and ``short_abandon_sec`` exist in
``lm_calc_profiles``; ``sl_target``, ``max_occupancy``, ``shrinkage``, ``mean_patience_sec`` (and optionally
``interval_sec``) are new codes for it. ``CalcParams.from_parameters`` reads a profile's code -> value pairs.

Units and conventions
---------------------
* ``operators`` are agents on the phones in that hour, as the history shows them (already net of shrinkage),
  and may be fractional (an average over the hour). A fractional N is evaluated as a time mix of
  ``floor(N)`` and ``ceil(N)`` agents (weight ``N - floor(N)`` on the larger team), the usual quasi-stationary
  reading of an hourly average. ``extra_operators`` are in the same unit (people on the phones).
  Shrinkage is used only for the staffing requirement (``scheduled_required = ceil(agents / (1 - shrinkage))``).
* ``offered`` are the calls that reach the queue. The model's short abandons are impatient callers who hang up
  within ``short_abandon_sec``; misdials that the history also counts as short abandons are not modelled (net
  them out of the offered forecast where they are frequent).
* Service level and abandonment follow the project's KPIs (``vw_lm_kpi_daily``): SL = answered within
  ``sla_answer_sec`` / (offered - abandoned within ``short_abandon_sec``), abandonment = abandoned after
  ``short_abandon_sec`` / the same denominator; with ``short_abandon_sec = 0`` both are shares of offered calls.
  ASA is the mean wait of the answered calls.
* Week totals are ratios of the week's sums, which is what the KPI view gives over a week: SL and abandonment are
  weighted by the counted calls (offered less short abandons: exactly offered-weighted when
  ``short_abandon_sec = 0``), ASA by the answered calls (the mean wait of the week's answered calls; an hour in
  which nobody is answered has no ASA and no weight); bookings and calls are summed.
* Bookings: conversion per answered call is kept. ``bookings = forecast bookings x answered(scenario) /
  answered(baseline)``, with ``answered = offered x P(answered)`` under Erlang A; so +10 % volume at the same
  service gives +10 % bookings, and calls lost to a longer queue lose their bookings. The baseline is the plan
  under the current calc parameters (what the bookings forecast reflects), also for a scenario on another calc
  profile. When the baseline answers nothing (no operators) conversion per offered call is kept instead. The
  model assumes that an AHT change does not change conversion.

Scenario seed (``seeds/lm_whatif_scenarios.csv``), one row per scenario::

    scenario_code,description,volume_change_pct,aht_change_sec,extra_operators,hour_from,hour_to,calc_profile

* ``scenario_code``: unique key, e.g. ``vol_plus_10``.
* ``volume_change_pct``: offered calls x (1 + pct / 100), e.g. ``10`` or ``-15``; blank = 0.
* ``aht_change_sec``: seconds added to AHT (negative: shorter calls; AHT kept >= 1 s); blank = 0.
* ``extra_operators``: operators added (negative: removed, never below 0) in the hours ``hour_from`` (inclusive)
  to ``hour_to`` (exclusive), 0-24; ``hour_from > hour_to`` wraps midnight (22 to 2); both blank = every hour.
* ``calc_profile``: the calc profile whose parameters the scenario uses; blank = the current one.
* An optional last column ``weekdays`` limits the extra operators to ISO weekdays: ``1-5``, ``6|7``; blank = all.

Example::

    scenario_code,description,volume_change_pct,aht_change_sec,extra_operators,hour_from,hour_to,calc_profile
    baseline,The forecast as planned,0,0,0,,,
    vol_plus_10,Campaign: 10 % more calls,10,0,0,,,
    aht_minus_20,Shorter calls with the new script,0,-20,0,,,
    plus_2_midday,Two more operators 10:00-14:00,0,0,2,10,14,
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from lm.weekahead.staffing import (
    StaffingRequirement,
    agents_required_erlang_a_batch,
    agents_required_erlang_c,
    erlang_a_batch,
)

SCENARIO_COLUMNS = (
    "scenario_code",
    "description",
    "volume_change_pct",
    "aht_change_sec",
    "extra_operators",
    "hour_from",
    "hour_to",
    "calc_profile",
)
OPTIONAL_SCENARIO_COLUMNS = ("weekdays",)
#: AHT never falls below this under a scenario (seconds).
MIN_AHT_SEC = 1.0


@dataclass(frozen=True)
class CalcParams:
    """The calc parameters of staffing and what-if; the names are calc-profile parameter codes."""

    sla_answer_sec: float = 20.0  # service-level threshold (lm_calc_profiles.sla_answer_sec)
    sl_target: float = 0.80  # share answered within the threshold that staffing aims at
    max_occupancy: float = 0.85  # cap on offered load / agents
    shrinkage: float = 0.30  # share of paid time off the phones
    mean_patience_sec: float = 180.0  # callers' mean patience (estimate_patience); math.inf: no abandonment
    short_abandon_sec: float = 5.0  # hang-ups within this are short abandons (lm_calc_profiles.short_abandon_sec)
    interval_sec: float = 3600.0  # length of one plan row

    @classmethod
    def from_parameters(cls, parameters: Mapping[str, Any], base: CalcParams | None = None) -> CalcParams:
        """From a calc profile's ``parameter_code -> parameter_value`` (other codes of the profile are ignored)."""
        known = {f.name for f in fields(cls)}
        values = {k: float(v) for k, v in parameters.items() if k in known and v is not None and str(v) != ""}
        return replace(base or cls(), **values)


@dataclass(frozen=True)
class PlanHour:
    """One forecast hour."""

    ds: datetime  # start of the hour
    offered: float  # forecast offered calls in the hour
    aht_sec: float  # forecast AHT, seconds
    bookings: float  # forecast bookings from these calls
    operators: float  # operators on the phones the history shows for this weekday-hour


@dataclass(frozen=True)
class Scenario:
    """A what-if scenario; the defaults leave the plan as it is."""

    code: str
    description: str = ""
    volume_change_pct: float = 0.0
    aht_change_sec: float = 0.0
    extra_operators: float = 0.0
    hour_from: int | None = None  # inclusive; None with hour_to None: every hour
    hour_to: int | None = None  # exclusive; < hour_from wraps midnight
    weekdays: frozenset[int] | None = None  # ISO weekdays (1 = Monday) of the extra operators; None: all
    calc_profile: str | None = None  # None: the current calc parameters
    overrides: Mapping[str, float] = field(default_factory=dict)  # CalcParams fields to change

    def __post_init__(self) -> None:
        if (self.hour_from is None) != (self.hour_to is None):
            raise ValueError(f"scenario {self.code}: give both hour_from and hour_to, or neither")
        if self.hour_from is not None and self.hour_to is not None:
            if not (0 <= self.hour_from <= 23 and 0 <= self.hour_to <= 24):
                raise ValueError(f"scenario {self.code}: hours must be 0-23 (from) and 0-24 (to)")
            if self.hour_from == self.hour_to:
                raise ValueError(f"scenario {self.code}: hour_from == hour_to is an empty window")
        if self.weekdays is not None and not self.weekdays <= set(range(1, 8)):
            raise ValueError(f"scenario {self.code}: weekdays are ISO 1-7")
        if self.volume_change_pct <= -100:
            raise ValueError(f"scenario {self.code}: volume_change_pct must be > -100")
        unknown = set(self.overrides) - {f.name for f in fields(CalcParams)}
        if unknown:
            raise ValueError(f"scenario {self.code}: unknown calc parameters {sorted(unknown)}")

    def applies_extra(self, ds: datetime) -> bool:
        """Whether the extra operators are added in the hour starting at ``ds``."""
        if self.weekdays is not None and ds.isoweekday() not in self.weekdays:
            return False
        if self.hour_from is None or self.hour_to is None:
            return True
        h = ds.hour
        if self.hour_from < self.hour_to:
            return self.hour_from <= h < self.hour_to
        return h >= self.hour_from or h < self.hour_to


BASELINE = Scenario("baseline", "The forecast as planned")


@dataclass(frozen=True)
class HourOutcome:
    """One hour under one scenario."""

    scenario_code: str
    ds: datetime
    offered: float
    aht_sec: float
    operators: float  # on the phones under the scenario
    service_level: float
    asa_sec: float  # answered calls; math.inf when none is answered
    abandon_rate: float
    occupancy: float  # carried load / operators
    answered: float
    answered_in_sl: float
    abandoned: float  # after the short-abandon threshold
    short_abandons: float
    bookings: float
    agents_required: int | None  # Erlang A, for the scenario's targets; None when not computed
    scheduled_required: int | None


@dataclass(frozen=True)
class WeekTotal:
    """A scenario over the whole plan."""

    scenario_code: str
    offered: float
    answered: float
    answered_in_sl: float
    abandoned: float
    short_abandons: float
    bookings: float
    service_level: float  # answered_in_sl / (offered - short_abandons); nan without calls
    asa_sec: float  # answered-weighted; nan without answered calls
    abandon_rate: float  # abandoned / (offered - short_abandons)
    operator_hours: float
    agents_required_hours: int | None
    scheduled_required_hours: int | None


@dataclass(frozen=True)
class ScenarioResult:
    scenario: Scenario
    params: CalcParams
    hours: list[HourOutcome]
    total: WeekTotal

    def hour_rows(self) -> list[dict[str, Any]]:
        return [asdict(h) for h in self.hours]


@dataclass(frozen=True)
class HourRates:
    """Erlang A figures per offered call for rows of hours (numpy arrays); linear in a time mix of team sizes."""

    answered: np.ndarray
    answered_in_sl: np.ndarray
    short_abandons: np.ndarray
    answered_wait: np.ndarray  # sum of the answered calls' waits per offered call (= P(answered) x ASA)
    busy: np.ndarray  # carried load, Erlangs


def _param_arrays(params: Sequence[CalcParams]) -> dict[str, np.ndarray]:
    return {f.name: np.array([getattr(p, f.name) for p in params], dtype=float) for f in fields(CalcParams)}


def hour_rates(
    offered: ArrayLike, aht_sec: ArrayLike, operators: ArrayLike, params: CalcParams | Sequence[CalcParams]
) -> HourRates:
    """Erlang A per offered call for rows of hours with possibly fractional operators (a mix of floor and ceil).

    ``params`` is one `CalcParams` for all rows or one per row.
    """
    off = np.atleast_1d(np.asarray(offered, dtype=float))
    aht = np.broadcast_to(np.asarray(aht_sec, dtype=float), off.shape)
    ops = np.maximum(0.0, np.broadcast_to(np.asarray(operators, dtype=float), off.shape))
    plist = [params] * off.size if isinstance(params, CalcParams) else list(params)
    if len(plist) != off.size:
        raise ValueError("one CalcParams per row, or one for all")
    p = _param_arrays(plist)
    low = np.floor(ops)
    w = ops - low
    frac = np.nonzero(w > 1e-12)[0]
    rows = np.concatenate([np.arange(off.size), frac])  # every row at floor(N), the fractional ones also at +1
    agents = np.concatenate([low, low[frac] + 1.0])
    r = erlang_a_batch(
        off[rows],
        aht[rows],
        agents,
        p["mean_patience_sec"][rows],
        p["sla_answer_sec"][rows],
        p["interval_sec"][rows],
        p["short_abandon_sec"][rows],
    )
    with np.errstate(invalid="ignore"):
        wait = np.where(r.p_answered > 0, r.p_answered * np.where(np.isfinite(r.asa_sec), r.asa_sec, 0.0), 0.0)
    cols = (r.p_answered, r.service_level, r.p_abandon_short, wait, r.occupancy * agents)
    mixed = []
    for col in cols:
        v = col[: off.size].copy()
        v[frac] = (1.0 - w[frac]) * v[frac] + w[frac] * col[off.size :]
        mixed.append(v)
    return HourRates(*mixed)


def resolve_params(
    scenario: Scenario, params: CalcParams, profiles: Mapping[str, CalcParams] | None = None
) -> CalcParams:
    """The calc parameters of a scenario: its calc profile (or the current one) with its overrides."""
    base = params
    if scenario.calc_profile:
        if profiles is None or scenario.calc_profile not in profiles:
            raise KeyError(f"scenario {scenario.code}: unknown calc profile {scenario.calc_profile!r}")
        base = profiles[scenario.calc_profile]
    return replace(base, **{k: float(v) for k, v in scenario.overrides.items()}) if scenario.overrides else base


def _requirements(offered: np.ndarray, aht: np.ndarray, plist: Sequence[CalcParams]) -> list[StaffingRequirement]:
    p = _param_arrays(plist)
    return agents_required_erlang_a_batch(
        offered,
        aht,
        p["mean_patience_sec"],
        sl_target=p["sl_target"],
        sl_threshold_sec=p["sla_answer_sec"],
        max_occupancy=p["max_occupancy"],
        shrinkage=p["shrinkage"],
        interval_sec=p["interval_sec"],
        short_abandon_sec=p["short_abandon_sec"],
    )


def _nan_div(num: float, den: float) -> float:
    return num / den if den > 0 else math.nan


def _plan_arrays(plan: Sequence[PlanHour]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    offered = np.array([h.offered for h in plan], dtype=float)
    aht = np.array([h.aht_sec for h in plan], dtype=float)
    bookings = np.array([h.bookings for h in plan], dtype=float)
    ops = np.array([h.operators for h in plan], dtype=float)
    if np.any(offered < 0) or np.any(ops < 0) or not np.all(np.isfinite(offered)):
        raise ValueError("plan: offered calls and operators must be finite and >= 0")
    if np.any(aht <= 0):
        raise ValueError("plan: aht_sec must be > 0")
    return offered, aht, bookings, ops


def run_scenarios(
    plan: Sequence[PlanHour],
    params: CalcParams,
    scenarios: Iterable[Scenario],
    profiles: Mapping[str, CalcParams] | None = None,
    with_requirements: bool = True,
) -> list[ScenarioResult]:
    """The baseline (unless a given scenario is named ``baseline``) and each scenario over the plan.

    All hours of all scenarios are evaluated in one batch (see the module docstring for the models).
    """
    todo = list(scenarios)
    codes = [s.code for s in todo]
    if len(set(codes)) != len(codes):
        raise ValueError("scenario codes must be unique")
    if BASELINE.code not in codes:
        todo.insert(0, BASELINE)
    offered, aht, bookings, ops = _plan_arrays(plan)
    n_h = len(plan)
    s_params = [resolve_params(s, params, profiles) for s in todo]
    # rows: the reference (the plan under the current parameters), then each scenario's hours
    off_rows, aht_rows, ops_rows, p_rows = [offered], [aht], [ops], [params] * n_h
    for sc, sp in zip(todo, s_params, strict=True):
        extra = np.array([sc.applies_extra(h.ds) for h in plan], dtype=bool)
        off_rows.append(offered * (1.0 + sc.volume_change_pct / 100.0))
        aht_rows.append(np.maximum(MIN_AHT_SEC, aht + sc.aht_change_sec))
        ops_rows.append(np.maximum(0.0, ops + np.where(extra, sc.extra_operators, 0.0)))
        p_rows.extend([sp] * n_h)
    all_off, all_aht, all_ops = np.concatenate(off_rows), np.concatenate(aht_rows), np.concatenate(ops_rows)
    rates = hour_rates(all_off, all_aht, all_ops, p_rows)
    base_answered = offered * rates.answered[:n_h]
    reqs = _requirements(all_off[n_h:], all_aht[n_h:], p_rows[n_h:]) if with_requirements else None
    results: list[ScenarioResult] = []
    for k, (sc, sp) in enumerate(zip(todo, s_params, strict=True)):
        hours: list[HourOutcome] = []
        for i, h in enumerate(plan):
            row = n_h * (k + 1) + i
            off = float(all_off[row])
            ans_share = float(rates.answered[row])
            short_share = float(rates.short_abandons[row])
            answered = off * ans_share
            counted = off * (1.0 - short_share)
            abandoned = off * (1.0 - ans_share - short_share)
            if base_answered[i] > 0:
                booked = float(bookings[i] * answered / base_answered[i])
            elif offered[i] > 0:
                booked = float(bookings[i] * off / offered[i])
            else:
                booked = float(bookings[i])
            req = reqs[n_h * k + i] if reqs is not None else None
            n_ops = float(all_ops[row])
            hours.append(
                HourOutcome(
                    scenario_code=sc.code,
                    ds=h.ds,
                    offered=off,
                    aht_sec=float(all_aht[row]),
                    operators=n_ops,
                    service_level=_nan_div(off * float(rates.answered_in_sl[row]), counted) if off > 0 else 1.0,
                    asa_sec=(float(rates.answered_wait[row]) / ans_share if ans_share > 0 else math.inf)
                    if off > 0
                    else 0.0,
                    abandon_rate=_nan_div(abandoned, counted) if off > 0 else 0.0,
                    occupancy=float(rates.busy[row]) / n_ops if n_ops > 0 else 0.0,
                    answered=answered,
                    answered_in_sl=off * float(rates.answered_in_sl[row]),
                    abandoned=abandoned,
                    short_abandons=off * short_share,
                    bookings=booked,
                    agents_required=req.agents if req else None,
                    scheduled_required=req.scheduled if req else None,
                )
            )
        results.append(ScenarioResult(sc, sp, hours, _week_total(sc.code, hours, with_requirements)))
    return results


def run_scenario(
    plan: Sequence[PlanHour],
    params: CalcParams,
    scenario: Scenario,
    profiles: Mapping[str, CalcParams] | None = None,
    with_requirements: bool = True,
) -> ScenarioResult:
    """One scenario over the plan (bookings against the plan under ``params``)."""
    return next(
        r for r in run_scenarios(plan, params, [scenario], profiles, with_requirements) if r.scenario is scenario
    )


def _week_total(code: str, hours: Sequence[HourOutcome], with_requirements: bool) -> WeekTotal:
    offered = sum(h.offered for h in hours)
    answered = sum(h.answered for h in hours)
    in_sl = sum(h.answered_in_sl for h in hours)
    abandoned = sum(h.abandoned for h in hours)
    short = sum(h.short_abandons for h in hours)
    wait = sum(h.answered * h.asa_sec for h in hours if h.answered > 0)
    counted = offered - short
    return WeekTotal(
        scenario_code=code,
        offered=offered,
        answered=answered,
        answered_in_sl=in_sl,
        abandoned=abandoned,
        short_abandons=short,
        bookings=sum(h.bookings for h in hours),
        service_level=_nan_div(in_sl, counted),
        asa_sec=_nan_div(wait, answered),
        abandon_rate=_nan_div(abandoned, counted),
        operator_hours=sum(h.operators for h in hours),
        agents_required_hours=sum(h.agents_required or 0 for h in hours) if with_requirements else None,
        scheduled_required_hours=sum(h.scheduled_required or 0 for h in hours) if with_requirements else None,
    )


# ---------------------------------------------------------------------------------------------------------
# Staffing per hour
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HourStaffing:
    """Agents required in one forecast hour, by Erlang C and by Erlang A, against the operators planned."""

    ds: datetime
    offered: float
    aht_sec: float
    operators_planned: float
    erlang_c: StaffingRequirement
    erlang_a: StaffingRequirement


def staffing_plan(plan: Sequence[PlanHour], params: CalcParams) -> list[HourStaffing]:
    """Agents and scheduled staff per forecast hour for the calc parameters' targets."""
    offered, aht, _, _ = _plan_arrays(plan)
    reqs_a = _requirements(offered, aht, [params] * len(plan))
    out: list[HourStaffing] = []
    for h, req_a in zip(plan, reqs_a, strict=True):
        c = agents_required_erlang_c(
            h.offered,
            h.aht_sec,
            sl_target=params.sl_target,
            sl_threshold_sec=params.sla_answer_sec,
            max_occupancy=params.max_occupancy,
            shrinkage=params.shrinkage,
            interval_sec=params.interval_sec,
        )
        out.append(HourStaffing(h.ds, h.offered, h.aht_sec, h.operators, c, req_a))
    return out


# ---------------------------------------------------------------------------------------------------------
# Scenario seed
# ---------------------------------------------------------------------------------------------------------


def _num(value: str | None, default: float = 0.0) -> float:
    return default if value is None or value.strip() == "" else float(value)


def _hour(value: str | None) -> int | None:
    if value is None or value.strip() == "":
        return None
    f = float(value)
    if not f.is_integer():
        raise ValueError(f"hour must be a whole number, got {value!r}")
    return int(f)


def _weekdays(value: str | None) -> frozenset[int] | None:
    if value is None or value.strip() == "":
        return None
    days: set[int] = set()
    for part in value.replace(" ", "").split("|"):
        if "-" in part:
            lo, hi = (int(x) for x in part.split("-", 1))
            days.update(range(lo, hi + 1))
        else:
            days.add(int(part))
    return frozenset(days)


def parse_scenarios_csv(text: str) -> list[Scenario]:
    """Scenarios from the seed's CSV text (header as in the module docstring)."""
    reader = csv.DictReader(io.StringIO(text))
    header = tuple(reader.fieldnames or ())
    missing = [c for c in SCENARIO_COLUMNS if c not in header]
    extra = [c for c in header if c not in SCENARIO_COLUMNS + OPTIONAL_SCENARIO_COLUMNS]
    if missing or extra:
        raise ValueError(f"scenario CSV: missing columns {missing}, unknown columns {extra}")
    out: list[Scenario] = []
    for i, row in enumerate(reader, start=2):
        code = (row["scenario_code"] or "").strip()
        if not code:
            raise ValueError(f"scenario CSV line {i}: empty scenario_code")
        try:
            out.append(
                Scenario(
                    code=code,
                    description=(row["description"] or "").strip(),
                    volume_change_pct=_num(row["volume_change_pct"]),
                    aht_change_sec=_num(row["aht_change_sec"]),
                    extra_operators=_num(row["extra_operators"]),
                    hour_from=_hour(row["hour_from"]),
                    hour_to=_hour(row["hour_to"]),
                    weekdays=_weekdays(row.get("weekdays")),
                    calc_profile=(row["calc_profile"] or "").strip() or None,
                )
            )
        except ValueError as exc:
            raise ValueError(f"scenario CSV line {i}: {exc}") from exc
    codes = [s.code for s in out]
    if len(set(codes)) != len(codes):
        raise ValueError("scenario CSV: scenario_code must be unique")
    return out


def read_scenarios_csv(path: str | Path) -> list[Scenario]:
    return parse_scenarios_csv(Path(path).read_text(encoding="utf-8"))


def plan_from_rows(rows: Iterable[Mapping[str, Any]]) -> list[PlanHour]:
    """Plan hours from dict rows with keys ds, offered, aht_sec, bookings, operators (e.g. a warehouse query)."""
    out: list[PlanHour] = []
    for r in rows:
        ds = r["ds"] if isinstance(r["ds"], datetime) else datetime.fromisoformat(str(r["ds"]))
        out.append(PlanHour(ds, float(r["offered"]), float(r["aht_sec"]), float(r["bookings"]), float(r["operators"])))
    return out
