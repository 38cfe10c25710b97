"""The simulation of one batch of calls, step by step (all vectorised, no per-call Python loops).

:func:`simulate` runs the steps in order; each draws from the batch's random stream in turn, so the
order of the steps (and of the draws inside them) is part of the output for a given seed:

1. :func:`_arrivals`: start times, calendar flags;
2. :func:`_line`: direction, the line's load per hour, the call status;
3. :func:`_operators`: who takes the call (morning or evening team), their skill;
4. :func:`_waits`: seconds waiting before answer or hang-up;
5. :func:`_returns`: which earlier call a caller may come back to (a retry, a follow-up, a callback...);
6. :func:`_generations`: each call's depth in its chain of returns (a parent is resolved first);
7. :func:`_channels`: the traffic source of new callers;
8. :func:`_intents`: generation by generation (:func:`_generation`): whether the caller really comes
   back (:func:`_come_back`), what they want (:func:`_category_and_channel`, :func:`_service_and_doctor`)
   and how the call ends (:func:`_outcome`, :func:`_refusal_reason`, :func:`_state_left`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from lm.demo import behaviour as b
from lm.demo.calendar import calendar, call_times, growth
from lm.demo.sampling import DAY, lognormal, pick_rows, rng_for
from lm.demo.vocabulary import Vocabulary

if TYPE_CHECKING:
    from lm.demo.batches import Memory


@dataclass
class Calls:
    """Per-call arrays of one batch (numpy), filled step by step."""

    ts: np.ndarray
    history_id: np.ndarray
    inbound: np.ndarray
    status: np.ndarray
    open_hours: np.ndarray
    load: np.ndarray
    operator: np.ndarray  # index into the operator arrays, -1 none
    await_sec: np.ndarray
    parent: np.ndarray  # global index of the earlier call this caller comes back to, -1 new caller
    caller: np.ndarray
    channel: np.ndarray
    category: np.ndarray
    service: np.ndarray  # position in the service catalogue + 1, 0 = none
    doctor: np.ndarray
    is_target: np.ndarray
    outcome: np.ndarray
    reason: np.ndarray
    state: np.ndarray
    campaign: np.ndarray
    script_v2: np.ndarray


@dataclass(frozen=True)
class _Arrivals:
    ts: np.ndarray
    history_id: np.ndarray
    days: np.ndarray
    hour: np.ndarray
    campaign: np.ndarray
    weekend_like: np.ndarray
    open_hours: np.ndarray
    script_v2: np.ndarray


@dataclass(frozen=True)
class _Returns:
    kind: np.ndarray  # 0 new caller, 1 retry, 2 follow-up, 3 weeks later, 4 callback of missed, 5 of answered
    parent: np.ndarray  # candidate earlier call (global index), -1 none
    depth: np.ndarray


@dataclass(frozen=True)
class _Catalogue:
    """The clinic's services as the demo sees them: popularity and per-service effects, the same every batch."""

    cum_popularity: np.ndarray
    conversion: np.ndarray
    price: np.ndarray
    no_slots: np.ndarray
    doctors: np.ndarray

    @staticmethod
    def of(v: Vocabulary, seed: int) -> _Catalogue:
        n_services = len(v.service_ids)
        popularity = 1.0 / np.arange(1, n_services + 1) ** 1.05
        rng = rng_for(seed, 0, "services")
        return _Catalogue(
            cum_popularity=np.cumsum(popularity) / popularity.sum(),
            conversion=rng.uniform(0.8, 1.15, n_services + 1),
            price=rng.uniform(0.5, 2.5, n_services + 1),
            no_slots=rng.uniform(0.4, 2.0, n_services + 1),
            doctors=rng.integers(1, b.N_DOCTORS + 1, (n_services + 1, 3)),
        )


def simulate(rng: np.random.Generator, memory: Memory, n: int) -> Calls:
    """The next ``n`` calls after those in ``memory``."""
    v = memory.vocabulary
    when = _arrivals(rng, memory, n)
    inbound, load, status = _line(rng, memory, when)
    answered = status == v.statuses.index("answered")
    operator, skill = _operators(rng, memory, when, answered, inbound)
    await_sec = _waits(rng, v, when, status, inbound, load, skill)
    returns = _returns(rng, memory, when.ts, answered, inbound)
    channel = _channels(rng, n, when.campaign)
    u = rng.random((n, 13))  # per-call uniforms, drawn once whatever the generations are
    calls = Calls(
        ts=when.ts,
        history_id=when.history_id,
        inbound=inbound,
        status=status,
        open_hours=when.open_hours,
        load=load,
        operator=operator,
        await_sec=await_sec,
        parent=returns.parent,
        caller=np.empty(0, np.int64),
        channel=channel,
        category=np.zeros(n, np.int8),
        service=np.zeros(n, np.int16),
        doctor=np.zeros(n, np.int64),
        is_target=np.zeros(n, bool),
        outcome=np.full(n, -1, np.int8),
        reason=np.full(n, -1, np.int8),
        state=np.zeros(n, np.int8),
        campaign=when.campaign,
        script_v2=when.script_v2,
    )
    _intents(memory, calls, returns, skill, u)
    return calls


def _arrivals(rng: np.random.Generator, memory: Memory, n: int) -> _Arrivals:
    cfg = memory.config
    ts = call_times(rng, cfg, memory.last_call_ts, n)
    history_id = np.arange(memory.next_history_id, memory.next_history_id + n, dtype=np.int64)
    if history_id[-1] > b.MAX_HISTORY_ID:
        raise ValueError("the demo generator supports history ids up to 9,999,999 (7-digit caller numbers)")
    days = ts // DAY
    hour = (ts % DAY) // 3600
    weekday, holiday, campaign, _ = calendar(days)
    script_v2 = (
        np.zeros(n, bool)
        if cfg.script_change is None
        else days >= np.datetime64(cfg.script_change, "D").astype(np.int64)
    )
    return _Arrivals(
        ts=ts,
        history_id=history_id,
        days=days,
        hour=hour,
        campaign=campaign,
        weekend_like=(weekday >= 5) | holiday,
        open_hours=(hour >= b.OPENING_HOURS[0]) & (hour < b.OPENING_HOURS[1]),
        script_v2=script_v2,
    )


def _line(rng: np.random.Generator, memory: Memory, when: _Arrivals) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Direction, line load and status: a busy line loses more calls; nobody answers outside opening hours."""
    cfg, statuses = memory.config, memory.vocabulary.statuses
    n = len(when.ts)
    # direction: operators call back only during opening hours
    inbound = ~(when.open_hours & (rng.random(n) < 0.10))
    # line load: inbound calls in the same hour against the staff on shift
    slot = when.days * 24 + when.hour
    slot_ids, slot_inv = np.unique(slot, return_inverse=True)
    per_slot = np.bincount(slot_inv, weights=inbound.astype(float), minlength=len(slot_ids))
    capacity = cfg.calls_per_day * 0.11 * growth(when.days, cfg) ** 0.6 * np.where(when.weekend_like, 0.55, 1.0)
    load = per_slot[slot_inv] / capacity
    # status shares, columns in code order
    probs = np.zeros((n, len(statuses)))
    probs[:, statuses.index("missed")] = 0.045 + 0.03 * np.maximum(load - 1.0, 0.0)
    probs[:, statuses.index("abandoned")] = np.clip(0.035 + 0.16 * (load - 0.7), 0.015, 0.4)
    probs[:, statuses.index("busy")] = b.STATUS_BUSY_SHARE
    probs[:, statuses.index("failed")] = b.STATUS_FAILED_SHARE
    probs[:, statuses.index("answered")] = 1.0 - probs.sum(axis=1)
    probs[inbound & ~when.open_hours] = b.by_code(statuses, b.STATUS_CLOSED)
    probs[~inbound] = b.by_code(statuses, b.STATUS_OUTBOUND)
    status = pick_rows(rng.random(n), probs).astype(np.int8)
    return inbound, load, status


def _operators(
    rng: np.random.Generator, memory: Memory, when: _Arrivals, answered: np.ndarray, inbound: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The morning team before 14:00, the evening team after, everyone at weekends; -1 when nobody answered."""
    n = len(when.ts)
    n_ops = len(memory.operator_skill)
    evening_p = np.where(when.hour < 14, 0.15, np.where(when.hour == 14, 0.5, 0.85))
    evening_p = np.where(when.weekend_like, 0.5, evening_p)
    team = (rng.random(n) < evening_p).astype(np.int8)
    operator = np.full(n, -1, np.int64)
    u_op = rng.random(n)
    for team_no in (0, 1):
        members = np.flatnonzero(memory.operator_team == team_no)
        if len(members) == 0:
            members = np.arange(n_ops)
        cum = np.cumsum(memory.operator_weight[members])
        cum /= cum[-1]
        rows = team == team_no
        operator[rows] = members[np.searchsorted(cum, u_op[rows], side="right").clip(0, len(members) - 1)]
    has_operator = answered | ~inbound  # an outbound call always has the operator who dialled
    operator[~has_operator] = -1
    skill = np.where(operator >= 0, memory.operator_skill[operator.clip(0)], 0.5)
    return operator, skill


def _waits(
    rng: np.random.Generator,
    v: Vocabulary,
    when: _Arrivals,
    status: np.ndarray,
    inbound: np.ndarray,
    load: np.ndarray,
    skill: np.ndarray,
) -> np.ndarray:
    """Seconds before answer or hang-up (for outbound calls the ring time): longer on a loaded line."""
    n = len(when.ts)
    answered = status == v.statuses.index("answered")
    abandoned = status == v.statuses.index("abandoned")
    missed = status == v.statuses.index("missed")
    await_sec = np.zeros(n)
    speed = 1.45 - 0.9 * skill
    await_sec = np.where(
        answered & inbound, lognormal(rng, 9.0 * np.exp(1.1 * (load - 0.8)) * speed, 0.85, n), await_sec
    )
    await_sec = np.where(abandoned, lognormal(rng, 50.0 * np.exp(0.7 * (load - 0.8)), 0.85, n), await_sec)
    await_sec = np.where(missed & inbound, lognormal(rng, np.where(when.open_hours, 28.0, 40.0), 0.35, n), await_sec)
    await_sec = np.where(answered & ~inbound, lognormal(rng, 9.0, 0.5, n), await_sec)
    await_sec = np.where(missed & ~inbound, lognormal(rng, 35.0, 0.3, n), await_sec)
    await_sec = np.round(np.clip(await_sec, 0, 2400)).astype(np.int64)
    await_sec[abandoned] = np.maximum(await_sec[abandoned], 2)
    return await_sec


def _returns(
    rng: np.random.Generator, memory: Memory, ts: np.ndarray, answered: np.ndarray, inbound: np.ndarray
) -> _Returns:
    """Who calls: a new caller, or someone coming back to an earlier call (global index over memory + batch)."""
    n = len(ts)
    base = len(memory.ts)
    g_ts = np.concatenate([memory.ts, ts])
    g_answered = np.concatenate([memory.answered, answered])
    g_inbound = np.concatenate([memory.inbound, inbound])
    unanswered_pool = np.flatnonzero(~g_answered & g_inbound)
    answered_pool = np.flatnonzero(g_answered)
    u_kind = rng.random(n)
    # return kinds: 1 retry after an unanswered call, 2 follow-up within days, 3 return weeks later,
    # 4 operator calls back a missed call, 5 operator calls back an answered call
    kind = np.zeros(n, np.int8)
    kind[inbound & (u_kind < 0.07)] = 1
    kind[inbound & (u_kind >= 0.07) & (u_kind < 0.32)] = 2
    kind[inbound & (u_kind >= 0.32) & (u_kind < 0.45)] = 3
    callback = ~inbound & (u_kind < 0.93)
    callback_missed = rng.random(n) < 0.7
    kind[callback & callback_missed] = 4
    kind[callback & ~callback_missed] = 5
    lag = np.select(
        [kind == 1, kind == 2, kind == 3, kind >= 4],
        [
            60 + rng.exponential(1200.0, n),
            1800 + rng.exponential(2.5 * DAY, n),
            7 * DAY + rng.exponential(70.0 * DAY, n),
            300 + rng.exponential(4 * 3600.0, n),
        ],
        default=0.0,
    )
    target_ts = ts - lag.astype(np.int64)
    u_pick = rng.random(n)
    parent = np.full(n, -1, np.int64)
    for kinds, pool in (((1, 4), unanswered_pool), ((2, 3, 5), answered_pool)):
        rows = np.flatnonzero(np.isin(kind, kinds))
        if len(rows) == 0 or len(pool) == 0:
            continue
        # a random earlier call of the pool in a window before the target time (none there: a new caller),
        # so that a quiet night does not funnel every retry into the one call before it
        window = np.maximum(0.3 * lag[rows], 600.0).astype(np.int64)
        hi = np.searchsorted(g_ts[pool], target_ts[rows], side="right")
        lo = np.searchsorted(g_ts[pool], target_ts[rows] - window, side="left")
        pos = lo + (u_pick[rows] * (hi - lo)).astype(np.int64)
        ok = hi > lo
        candidate = pool[pos.clip(0, len(pool) - 1)]
        ok &= candidate < base + rows  # strictly earlier calls only
        parent[rows[ok]] = candidate[ok]
    return _Returns(kind=kind, parent=parent, depth=_generations(base, parent))


def _generations(base: int, parent: np.ndarray) -> np.ndarray:
    """Depth of each new call in its chain of returns (by pointer jumping): a call after the one it returns to."""
    n = len(parent)
    anc = np.arange(base + n, dtype=np.int64)
    anc[base:][parent >= 0] = parent[parent >= 0]
    depth = (anc != np.arange(base + n)).astype(np.int64)
    while True:
        nxt = anc[anc]
        if np.array_equal(nxt, anc):
            break
        depth = depth + depth[anc]
        anc = nxt
    return depth[base:]


def _channels(rng: np.random.Generator, n: int, campaign: np.ndarray) -> np.ndarray:
    """A new caller's channel from the mix (campaigns push one channel); returning callers are set later."""
    mix = np.tile(b.by_code(b.CHANNELS, b.CHANNEL_MIX), (n, 1))
    mix[campaign, b.CHANNELS.index(b.CAMPAIGN_CHANNEL)] *= 2.2
    return pick_rows(rng.random(n), mix).astype(np.int8)


@dataclass(frozen=True)
class _Known:
    """What is known about every call so far (memory + batch, global index): a returning caller's past."""

    caller: np.ndarray
    state: np.ndarray
    category: np.ndarray
    service: np.ndarray
    channel: np.ndarray


def _intents(memory: Memory, calls: Calls, returns: _Returns, skill: np.ndarray, u: np.ndarray) -> None:
    """Fill category, service, doctor, target, outcome, reason, state, channel and caller of `calls`,
    generation by generation (a parent's state is needed first)."""
    n = len(calls.ts)
    base = len(memory.ts)
    known = _Known(
        caller=np.concatenate([memory.caller, _scramble(calls.history_id)]),
        state=np.concatenate([memory.state, np.zeros(n, np.int8)]),
        category=np.concatenate([memory.category, np.zeros(n, np.int8)]),
        service=np.concatenate([memory.service, np.zeros(n, np.int16)]),
        channel=np.concatenate([memory.channel, calls.channel]),
    )
    catalogue = _Catalogue.of(memory.vocabulary, memory.seed)
    for level in range(int(returns.depth.max()) + 1):
        rows = np.flatnonzero(returns.depth == level)
        if len(rows) > 0:
            _generation(memory.vocabulary, rows, base, calls, returns, known, catalogue, skill, u)
    calls.caller = known.caller[base:]


def _scramble(history_id: np.ndarray) -> np.ndarray:
    """A caller index from the history id of the caller's first call: a bijection on 0..9,999,999."""
    return (history_id.astype(np.int64) * 7_654_321 + 1_234_567) % 10_000_000


@dataclass(frozen=True)
class _Step:
    """One generation: its calls (`rows`, batch positions) and the earlier call each really comes back to."""

    v: Vocabulary
    rows: np.ndarray
    parent: np.ndarray  # global index, -1 a new caller
    has_parent: np.ndarray
    parent_state: np.ndarray  # how the earlier call left the caller (STATE_NONE for new callers)


def _generation(
    v: Vocabulary,
    rows: np.ndarray,
    base: int,
    calls: Calls,
    returns: _Returns,
    known: _Known,
    catalogue: _Catalogue,
    skill: np.ndarray,
    u: np.ndarray,
) -> None:
    """One generation of calls: their parents are resolved, so their callers' past is known."""
    step = _come_back(v, rows, base, calls, returns, known, u)
    cat, chan = _category_and_channel(step, calls, known, u)
    svc, doc = _service_and_doctor(step, known, cat, catalogue, u)
    target = u[rows, 8] < b.by_code(v.categories, b.TARGET_SHARE)[cat]
    out = _outcome(step, calls, cat, chan, svc, target, catalogue, skill, u)
    why = _refusal_reason(step, out, svc, doc, catalogue, u)
    st = _state_left(step, calls, cat, out, target, u)
    calls.category[rows], calls.service[rows], calls.doctor[rows], calls.is_target[rows] = cat, svc, doc, target
    calls.outcome[rows], calls.reason[rows], calls.state[rows], calls.channel[rows] = out, why, st, chan
    known.state[base + rows], known.category[base + rows] = st, cat
    known.service[base + rows], known.channel[base + rows] = svc, chan


def _come_back(
    v: Vocabulary, rows: np.ndarray, base: int, calls: Calls, returns: _Returns, known: _Known, u: np.ndarray
) -> _Step:
    """Whether the caller really comes back depends on how their call ended (an open question brings them
    back, a booked visit less so): the rest are new callers after all. A returning call gets its caller."""
    par = returns.parent[rows]
    par_state = np.where(par >= 0, known.state[par.clip(0)], 0)
    has_par = (par >= 0) & (u[rows, 11] < b.RETURN_ACCEPT[returns.kind[rows], par_state])
    par = np.where(has_par, par, -1)
    calls.parent[rows] = par
    par_state = np.where(has_par, par_state, 0)
    known.caller[base + rows] = np.where(has_par, known.caller[par.clip(0)], known.caller[base + rows])
    return _Step(v=v, rows=rows, parent=par, has_parent=has_par, parent_state=par_state)


def _category_and_channel(step: _Step, calls: Calls, known: _Known, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """What the caller wants, by context (a caller left without an answer asks the same again), and the line:
    a returning inbound caller often comes through the "repeat" line, else keeps their source."""
    v, rows, par, has_par, par_state = step.v, step.rows, step.parent, step.has_parent, step.parent_state
    inbound = calls.inbound[rows]
    ctx = np.where(inbound, np.where(has_par, 1 + par_state, 0), np.where(has_par, 6 + par_state, 11))
    cat = b.codes_of(v.categories, b.CATEGORY_MIX_COLUMNS)[pick_rows(u[rows, 0], b.CATEGORY_MIX[ctx])]
    inherit = has_par & (par_state == b.STATE_NONE) & (u[rows, 1] < 0.85)
    cat = np.where(inherit, known.category[par.clip(0)], cat).astype(np.int8)
    chan = np.where(has_par, known.channel[par.clip(0)], calls.channel[rows])
    repeat = b.CHANNELS.index(b.REPEAT_CHANNEL)
    chan = np.where(has_par & inbound & (u[rows, 2] < 0.45), repeat, chan).astype(np.int8)
    return cat, chan


def _service_and_doctor(
    step: _Step, known: _Known, cat: np.ndarray, catalogue: _Catalogue, u: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """A service is asked for in booking-like calls, often the same one as last time; sometimes a named doctor."""
    v, rows, par, has_par = step.v, step.rows, step.parent, step.has_parent
    n_services = len(v.service_ids)
    wants_service = np.isin(cat, b.codes_of(v.categories, b.SERVICE_CATEGORIES)) | (u[rows, 3] < 0.25)
    svc = np.searchsorted(catalogue.cum_popularity, u[rows, 4], side="right").clip(0, n_services - 1) + 1
    par_svc = np.where(has_par, known.service[par.clip(0)], 0)
    svc = np.where((par_svc > 0) & (u[rows, 5] < 0.6), par_svc, svc)
    svc = np.where(wants_service, svc, 0).astype(np.int16)
    named = (svc > 0) & (u[rows, 6] < 0.5)
    doc = np.where(named, catalogue.doctors[svc, (u[rows, 7] * 3).astype(np.int64).clip(0, 2)], 0)
    return svc, doc


def _outcome(
    step: _Step,
    calls: Calls,
    cat: np.ndarray,
    chan: np.ndarray,
    svc: np.ndarray,
    target: np.ndarray,
    catalogue: _Catalogue,
    skill: np.ndarray,
    u: np.ndarray,
) -> np.ndarray:
    """How an answered call ends: a target call books with a probability (channel, operator skill, a
    follow-up, the service, the script, the wait), other calls by fixed mixes; unanswered: none (-1)."""
    v, rows = step.v, step.rows
    out_code = v.outcomes.index
    followup = step.has_parent & (step.parent_state == b.STATE_OPEN)
    p_record = (
        b.by_code(b.CHANNELS, b.CHANNEL_CONVERSION)[chan]
        * (0.75 + 0.5 * skill[rows])
        * (1.0 + 0.35 * followup)
        * catalogue.conversion[svc]
        * np.where(calls.script_v2[rows], 1.05, 1.0)
        - 0.12 * (calls.await_sec[rows] > 60)
    ).clip(0.05, 0.95)
    record, no_record, callback = out_code("record"), out_code("no_record"), out_code("callback")
    refusal, info_only = out_code("refusal"), out_code("info_only")
    u_out = u[rows, 9]
    rest = (u_out - p_record) / (1.0 - p_record)  # uniform again on the non-booked part
    out_target = np.where(
        u_out < p_record, record, np.where(rest < 0.42, refusal, np.where(rest < 0.75, no_record, callback))
    )
    out_other = np.where(u_out < 0.8, info_only, np.where(u_out < 0.92, callback, no_record))
    cancel = cat == v.categories.index("cancel")
    out_other = np.where(
        cancel, np.where(u_out < 0.5, no_record, np.where(u_out < 0.9, info_only, callback)), out_other
    )
    complaint = cat == v.categories.index("complaint")
    out_other = np.where(
        complaint, np.where(u_out < 0.45, callback, np.where(u_out < 0.9, info_only, refusal)), out_other
    )
    out = np.where(target, out_target, out_other)
    answered = calls.status[rows] == v.statuses.index("answered")
    return np.where(answered, out, -1).astype(np.int8)


def _refusal_reason(
    step: _Step, out: np.ndarray, svc: np.ndarray, doc: np.ndarray, catalogue: _Catalogue, u: np.ndarray
) -> np.ndarray:
    """Of a refusal (and of most calls that did not book): expensive services -> price, busy services ->
    no_slots, a named doctor -> doctor_unavailable; drawn in REASON_WEIGHTS' order."""
    v, rows = step.v, step.rows
    reasons = tuple(b.REASON_WEIGHTS)
    weights = np.tile(np.array(list(b.REASON_WEIGHTS.values())), (len(rows), 1))
    weights[:, reasons.index("price")] *= catalogue.price[svc]
    weights[:, reasons.index("no_slots")] *= catalogue.no_slots[svc]
    weights[:, reasons.index("doctor_unavailable")] *= np.where(doc > 0, 2.0, 0.6)
    why = b.codes_of(v.refusal_reasons, reasons)[pick_rows(u[rows, 10], weights)]
    refused = out == v.outcomes.index("refusal")
    not_booked = out == v.outcomes.index("no_record")
    return np.where(refused | (not_booked & (u[rows, 12] < 0.6)), why, -1).astype(np.int8)


def _state_left(
    step: _Step, calls: Calls, cat: np.ndarray, out: np.ndarray, target: np.ndarray, u: np.ndarray
) -> np.ndarray:
    """How the call leaves the caller (what their next call will be about); an unanswered call leaves them
    as they were, or upset after a long wait."""
    v, rows = step.v, step.rows
    out_code = v.outcomes.index
    answered = calls.status[rows] == v.statuses.index("answered")
    refusal = out == out_code("refusal")
    st = np.full(len(rows), b.STATE_INFO, np.int8)
    st[out == out_code("record")] = b.STATE_BOOKED
    st[np.isin(out, (out_code("no_record"), out_code("callback"))) & target] = b.STATE_OPEN
    st[refusal] = np.where(u[rows, 12][refusal] < 0.4, b.STATE_BAD, b.STATE_OPEN)
    st[(cat == v.categories.index("complaint")) & answered] = b.STATE_BAD
    unanswered_state = np.where(step.has_parent, step.parent_state, b.STATE_NONE)
    long_wait = (calls.status[rows] == v.statuses.index("abandoned")) & (calls.await_sec[rows] > 120)
    unanswered_state = np.where(long_wait, b.STATE_BAD, unanswered_state)
    return np.where(answered, st, unanswered_state).astype(np.int8)
