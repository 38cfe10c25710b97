"""The simulation of one batch of calls: a forward process, generation by generation (all vectorised).

New callers arrive by the calendar (:func:`fresh_times`, a share ``FRESH_SHARE`` of its volume, more in a
new call centre's first weeks (:func:`fresh_share`), a few of them outbound). Every call is then
realised (:func:`realise`) from what is known when it starts: its time (the line's expected load then,
:func:`lm.demo.chain.expected_load`), its direction, and how the caller's previous call left them (state,
category, service, channel). At its end its caller's next call is decided by explicit probabilities
(:func:`next_law_of` / :func:`lm.demo.chain.next_law` for the kind - none, a retry, a follow-up, a
return, an operator's callback - and :class:`lm.demo.chain.Delays` for the time), so a caller's calls
form a chain and every call's future has a known law (:mod:`lm.demo.truth` uses the same functions).
:func:`batch_calls` runs generation after generation until the batch's ``n`` first calls in time are
complete; next calls scheduled after the batch's last call are kept (``Memory.scheduled``) and start the
next batch.

:func:`realise` draws from laws given as probability matrices and uniforms, so that the truth can call it
with conditioned draws (``condition``: the event "this call books / is a complaint, as LM will see it"
excluded, its probability returned).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from lm.demo import behaviour as b
from lm.demo.calendar import calendar, growth
from lm.demo.chain import Delays, expected_load, next_law
from lm.demo.sampling import DAY, pick_rows, rng_for
from lm.demo.vocabulary import Vocabulary

if TYPE_CHECKING:
    from lm.demo.batches import Memory

N_UNIFORMS = 19
N_NORMALS = 6


@dataclass
class Calls:
    """Per-call arrays of one batch (numpy), in time order."""

    ts: np.ndarray
    history_id: np.ndarray
    inbound: np.ndarray
    status: np.ndarray
    open_hours: np.ndarray
    load: np.ndarray
    operator: np.ndarray  # index into the operator arrays, -1 none
    await_sec: np.ndarray
    parent: np.ndarray  # global index of the caller's previous call, -1 new caller
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
    talk: np.ndarray
    duration: np.ndarray
    next_p: np.ndarray  # (rows, 5) the law of the caller's next call (NEXT_KINDS), decided at the end


@dataclass(frozen=True)
class Catalogue:
    """The clinic's services as the demo sees them: popularity and per-service effects, the same every batch."""

    cum_popularity: np.ndarray
    conversion: np.ndarray
    price: np.ndarray
    no_slots: np.ndarray
    doctors: np.ndarray

    @staticmethod
    def of(v: Vocabulary, seed: int) -> Catalogue:
        n_services = len(v.service_ids)
        popularity = 1.0 / np.arange(1, n_services + 1) ** 1.05
        rng = rng_for(seed, 0, "services")
        return Catalogue(
            cum_popularity=np.cumsum(popularity) / popularity.sum(),
            conversion=rng.uniform(0.8, 1.15, n_services + 1),
            price=rng.uniform(0.5, 2.5, n_services + 1),
            no_slots=rng.uniform(0.4, 2.0, n_services + 1),
            doctors=rng.integers(1, b.N_DOCTORS + 1, (n_services + 1, 3)),
        )


@dataclass(frozen=True)
class Env:
    """What the laws need besides the call: vocabulary, knobs, operators, catalogue."""

    v: Vocabulary
    cfg: b.GeneratorConfig
    operator_skill: np.ndarray
    operator_weight: np.ndarray
    operator_team: np.ndarray
    catalogue: Catalogue
    observation: Observation | None = None

    @staticmethod
    def of(memory: Memory) -> Env:
        return Env(
            v=memory.vocabulary,
            cfg=memory.config,
            operator_skill=memory.operator_skill,
            operator_weight=memory.operator_weight,
            operator_team=memory.operator_team,
            catalogue=Catalogue.of(memory.vocabulary, memory.seed),
        )


@dataclass(frozen=True)
class Observation:
    """How LM will see a later call's labels (grading, regradings, dirt), for conditioned draws: the probability
    that the latest grading says `record` by true outcome, `complaint` by true category (rows: outbound,
    inbound), times the probability that the call's row is there as such (see lm.demo.truth)."""

    record: np.ndarray  # (2, n_outcomes)
    complaint: np.ndarray  # (2, n_categories)


@dataclass(frozen=True)
class Situation:
    """What is known before a call happens."""

    ts: np.ndarray
    inbound: np.ndarray
    has_parent: np.ndarray
    parent_state: np.ndarray
    parent_category: np.ndarray
    parent_service: np.ndarray
    parent_channel: np.ndarray


@dataclass
class Realised:
    """A call as it happened (per-call arrays), and with a condition the probability of the excluded event."""

    status: np.ndarray
    operator: np.ndarray
    skill: np.ndarray
    await_sec: np.ndarray
    category: np.ndarray
    channel: np.ndarray
    service: np.ndarray
    doctor: np.ndarray
    is_target: np.ndarray
    outcome: np.ndarray
    reason: np.ndarray
    state: np.ndarray
    talk: np.ndarray
    duration: np.ndarray
    open_hours: np.ndarray
    campaign: np.ndarray
    script_v2: np.ndarray
    load: np.ndarray
    event: np.ndarray = field(default_factory=lambda: np.zeros(0))
    #: with condition "booking": the probability that the call is an observed complaint (given what was drawn
    #: before its category; the category itself is drawn freely)
    complaint_event: np.ndarray = field(default_factory=lambda: np.zeros(0))


def realise(
    env: Env, sit: Situation, u: np.ndarray, z: np.ndarray, condition: str | None = None, full: bool = True
) -> Realised:
    """Realise calls from their situation with uniforms `u` (rows, N_UNIFORMS) and normals `z` (rows, N_NORMALS).

    ``condition`` None draws freely; "booking" / "complaint" draws conditioned on the call NOT being an
    observed booking (answered, latest grading record) / complaint (latest grading complaint), and returns
    that event's probability in ``event`` (given what was drawn before the category: exact over category,
    target flag, status and outcome); "events" draws freely and returns both probabilities (``event``
    for the booking, ``complaint_event``). ``full`` False skips
    what no later call depends on (the refusal reason, the doctor: left 0 / -1).
    """
    v, cfg = env.v, env.cfg
    n = len(sit.ts)
    days = sit.ts // DAY
    hour = (sit.ts % DAY) // 3600
    weekday, holiday, campaign, _ = calendar(days)
    weekend_like = (weekday >= 5) | holiday
    open_hours = (hour >= b.OPENING_HOURS[0]) & (hour < b.OPENING_HOURS[1])
    script_v2 = (
        np.zeros(n, bool)
        if cfg.script_change is None
        else days >= np.datetime64(cfg.script_change, "D").astype(np.int64)
    )
    inbound = sit.inbound
    load = expected_load(cfg, sit.ts)
    p_status = _status_law(v, load, inbound, open_hours)
    operator, op_skill = _operator(env, hour, weekend_like, u)
    waits = _waits(load, op_skill, open_hours, z)
    # what the caller wants: by context, a caller left without an answer often asks the same again
    par, par_state = sit.has_parent, np.where(sit.has_parent, sit.parent_state, 0)
    ctx = np.where(inbound, np.where(par, 1 + par_state, 0), np.where(par, 6 + par_state, 11))
    p_cat = np.zeros((n, len(v.categories)))
    p_cat[:, b.codes_of(v.categories, b.CATEGORY_MIX_COLUMNS)] = b.CATEGORY_MIX[ctx]
    inherit = par & (par_state == b.STATE_NONE)
    p_cat[inherit] *= 0.15
    p_cat[np.flatnonzero(inherit), sit.parent_category[inherit].astype(np.int64)] += 0.85
    answered_code = v.statuses.index("answered")
    p_ans = p_status[:, answered_code]
    target_share = b.by_code(v.categories, b.TARGET_SHARE)
    event, complaint_event = np.zeros(n), np.zeros(0)
    channel = _channel(sit, campaign, u)
    skill = np.where(operator >= 0, op_skill, 0.5)
    wait_answered = np.where(inbound, waits["answered_in"], waits["answered_out"])
    if condition == "complaint":
        assert env.observation is not None
        pi = env.observation.complaint[inbound.astype(np.int64)]  # (n, n_categories)
        event = p_ans * (p_cat * pi).sum(axis=1)
        category = pick_rows(u[:, 3], p_cat * (1.0 - p_ans[:, None] * pi)).astype(np.int8)
        pi_c = pi[np.arange(n), category]
        answer_share = p_ans * (1.0 - pi_c) / np.maximum(1.0 - p_ans * pi_c, 1e-300)
        target = u[:, 11] < target_share[category]
    elif condition in ("booking", "events"):
        # exact over the category and the target flag: P(observed booking | category c, target t) from the
        # outcome law (target calls: with the service the caller would ask for; others: fixed mixes)
        assert env.observation is not None
        io = inbound.astype(np.int64)
        complaint_event = p_ans * (p_cat * env.observation.complaint[io]).sum(axis=1)
        pi = env.observation.record[io]  # (n, n_outcomes)
        wanted, wants_anyway = _service_wanted(env, sit, u)
        booked_target = {
            svc_case: (_outcome_law(env, sit, np.zeros(n, np.int8), channel, svc, np.ones(n, bool), skill,
                                    script_v2, wait_answered) * pi).sum(axis=1)
            for svc_case, svc in (("wanted", wanted), ("none", np.zeros(n, np.int16)))
        }  # fmt: skip
        service_category = np.isin(np.arange(len(v.categories)), b.codes_of(v.categories, b.SERVICE_CATEGORIES))
        e_target = np.where(
            service_category[None, :] | wants_anyway[:, None],
            booked_target["wanted"][:, None],
            booked_target["none"][:, None],
        )
        e_other = pi @ _other_outcome_laws(v).T  # (n, n_categories)
        e_cat = target_share * e_target + (1.0 - target_share) * e_other
        event = p_ans * (p_cat * e_cat).sum(axis=1)
        if condition == "events":  # the events' probabilities, the call drawn freely
            category = pick_rows(u[:, 3], p_cat).astype(np.int8)
            target = u[:, 11] < target_share[category]
        else:
            category = pick_rows(u[:, 3], p_cat * (1.0 - p_ans[:, None] * e_cat)).astype(np.int8)
            rows = np.arange(n)
            w_target = target_share[category] * (1.0 - p_ans * e_target[rows, category])
            w_other = (1.0 - target_share[category]) * (1.0 - p_ans * e_other[rows, category])
            target = u[:, 11] * (w_target + w_other) < w_target
            e_sel = np.where(target, e_target[rows, category], e_other[rows, category])
            answer_share = p_ans * (1.0 - e_sel) / np.maximum(1.0 - p_ans * e_sel, 1e-300)
    else:
        category = pick_rows(u[:, 3], p_cat).astype(np.int8)
        target = u[:, 11] < target_share[category]
    service, doctor = _service_and_doctor(env, sit, category, u, full)
    p_out = _outcome_law(env, sit, category, channel, service, target, skill, script_v2, wait_answered)
    if condition == "booking":
        p_out = p_out * (1.0 - pi)
    if condition in ("booking", "complaint"):
        answered = u[:, 18] < answer_share
        unanswered_law = p_status.copy()
        unanswered_law[:, answered_code] = 0.0
        unanswered_law[unanswered_law.sum(axis=1) == 0, v.statuses.index("missed")] = 1.0
        status = np.where(answered, answered_code, pick_rows(u[:, 2], unanswered_law)).astype(np.int8)
    else:
        status = pick_rows(u[:, 2], p_status).astype(np.int8)
    answered = status == answered_code
    outcome = np.where(answered, pick_rows(u[:, 12], p_out), -1).astype(np.int8)
    await_sec = _wait_of(v, status, inbound, waits)
    has_operator = answered | ~inbound  # an outbound call always has the operator who dialled
    operator = np.where(has_operator, operator, -1)
    skill = np.where(has_operator, op_skill, 0.5)
    reason = _refusal_reason(env, outcome, service, doctor, u) if full else np.full(n, -1, np.int8)
    state = _state_left(v, sit, status, category, outcome, target, await_sec, u)
    talk, duration = _durations(v, status, category, inbound, skill, await_sec, u, z)
    return Realised(
        status=status,
        operator=operator,
        skill=skill,
        await_sec=await_sec,
        category=category,
        channel=channel,
        service=service,
        doctor=doctor,
        is_target=target,
        outcome=outcome,
        reason=reason,
        state=state,
        talk=talk,
        duration=duration,
        open_hours=open_hours,
        campaign=campaign,
        script_v2=script_v2,
        load=load,
        event=event,
        complaint_event=complaint_event,
    )


def _status_law(v: Vocabulary, load: np.ndarray, inbound: np.ndarray, open_hours: np.ndarray) -> np.ndarray:
    """Status shares (rows, statuses): a busy line loses more calls; nobody answers outside opening hours."""
    statuses = v.statuses
    n = len(load)
    probs = np.zeros((n, len(statuses)))
    probs[:, statuses.index("missed")] = 0.045 + 0.03 * np.maximum(load - 1.0, 0.0)
    probs[:, statuses.index("abandoned")] = np.clip(0.035 + 0.16 * (load - 0.7), 0.015, 0.4)
    probs[:, statuses.index("busy")] = b.STATUS_BUSY_SHARE
    probs[:, statuses.index("failed")] = b.STATUS_FAILED_SHARE
    probs[:, statuses.index("answered")] = 1.0 - probs.sum(axis=1)
    probs[inbound & ~open_hours] = b.by_code(statuses, b.STATUS_CLOSED)
    probs[~inbound] = b.by_code(statuses, b.STATUS_OUTBOUND)
    return probs


def _operator(env: Env, hour: np.ndarray, weekend_like: np.ndarray, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The morning team before 14:00, the evening team after, everyone at weekends (who would take the call)."""
    n = len(hour)
    n_ops = len(env.operator_skill)
    evening_p = np.where(hour < 14, 0.15, np.where(hour == 14, 0.5, 0.85))
    evening_p = np.where(weekend_like, 0.5, evening_p)
    team = (u[:, 0] < evening_p).astype(np.int8)
    operator = np.zeros(n, np.int64)
    for team_no in (0, 1):
        members = np.flatnonzero(env.operator_team == team_no)
        if len(members) == 0:
            members = np.arange(n_ops)
        cum = np.cumsum(env.operator_weight[members])
        cum /= cum[-1]
        rows = team == team_no
        operator[rows] = members[np.searchsorted(cum, u[rows, 1], side="right").clip(0, len(members) - 1)]
    return operator, env.operator_skill[operator]


def _waits(load: np.ndarray, skill: np.ndarray, open_hours: np.ndarray, z: np.ndarray) -> dict[str, np.ndarray]:
    """Seconds before answer or hang-up for each way the call could go: longer on a loaded line."""
    speed = 1.45 - 0.9 * skill
    return {
        "answered_in": 9.0 * np.exp(1.1 * (load - 0.8)) * speed * np.exp(0.85 * z[:, 0]),
        "abandoned": 50.0 * np.exp(0.7 * (load - 0.8)) * np.exp(0.85 * z[:, 1]),
        "missed_in": np.where(open_hours, 28.0, 40.0) * np.exp(0.35 * z[:, 2]),
        "answered_out": 9.0 * np.exp(0.5 * z[:, 3]),
        "missed_out": 35.0 * np.exp(0.3 * z[:, 4]),
    }


def _wait_of(v: Vocabulary, status: np.ndarray, inbound: np.ndarray, waits: dict[str, np.ndarray]) -> np.ndarray:
    answered = status == v.statuses.index("answered")
    abandoned = status == v.statuses.index("abandoned")
    missed = status == v.statuses.index("missed")
    await_sec = np.select(
        [answered & inbound, abandoned, missed & inbound, answered & ~inbound, missed & ~inbound],
        [waits["answered_in"], waits["abandoned"], waits["missed_in"], waits["answered_out"], waits["missed_out"]],
        default=0.0,
    )
    await_sec = np.round(np.clip(await_sec, 0, 2400)).astype(np.int64)
    return np.where(abandoned, np.maximum(await_sec, 2), await_sec)


def _channel(sit: Situation, campaign: np.ndarray, u: np.ndarray) -> np.ndarray:
    """A new caller's channel from the mix (campaigns push one channel); a returning caller keeps theirs and
    often comes through the "repeat" line."""
    chan = sit.parent_channel.astype(np.int64)
    new = ~sit.has_parent
    if new.any():
        mix = np.tile(b.by_code(b.CHANNELS, b.CHANNEL_MIX), (int(new.sum()), 1))
        mix[campaign[new], b.CHANNELS.index(b.CAMPAIGN_CHANNEL)] *= 2.2
        chan = chan.copy()
        chan[new] = pick_rows(u[new, 4], mix)
    repeat = b.CHANNELS.index(b.REPEAT_CHANNEL)
    return np.where(sit.has_parent & sit.inbound & (u[:, 5] < 0.45), repeat, chan).astype(np.int8)


def _service_wanted(env: Env, sit: Situation, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The service the caller would ask for (often the same one as last time), and whether they ask for one
    whatever the category."""
    n_services = len(env.v.service_ids)
    svc = np.searchsorted(env.catalogue.cum_popularity, u[:, 7], side="right").clip(0, n_services - 1) + 1
    par_svc = np.where(sit.has_parent, sit.parent_service, 0)
    svc = np.where((par_svc > 0) & (u[:, 8] < 0.6), par_svc, svc).astype(np.int16)
    return svc, u[:, 6] < 0.25


def _service_and_doctor(
    env: Env, sit: Situation, cat: np.ndarray, u: np.ndarray, full: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """A service is asked for in booking-like calls, often the same one as last time; sometimes a named doctor."""
    v, catalogue = env.v, env.catalogue
    wanted, wants_anyway = _service_wanted(env, sit, u)
    wants_service = np.isin(cat, b.codes_of(v.categories, b.SERVICE_CATEGORIES)) | wants_anyway
    svc = np.where(wants_service, wanted, 0).astype(np.int16)
    if not full:
        return svc, np.zeros(len(svc), np.int64)
    named = (svc > 0) & (u[:, 9] < 0.5)
    doc = np.where(named, catalogue.doctors[svc, (u[:, 10] * 3).astype(np.int64).clip(0, 2)], 0)
    return svc, doc


def _outcome_law(
    env: Env,
    sit: Situation,
    cat: np.ndarray,
    chan: np.ndarray,
    svc: np.ndarray,
    target: np.ndarray,
    skill: np.ndarray,
    script_v2: np.ndarray,
    wait_answered: np.ndarray,
) -> np.ndarray:
    """How the call would end if answered (rows, outcomes): a target call books with a probability (channel,
    operator skill, a follow-up, the service, the script, the wait), other calls by fixed mixes."""
    v = env.v
    o = v.outcomes.index
    followup = sit.has_parent & (sit.parent_state == b.STATE_OPEN)
    p_record = (
        b.by_code(b.CHANNELS, b.CHANNEL_CONVERSION)[chan]
        * (0.75 + 0.5 * skill)
        * (1.0 + 0.35 * followup)
        * env.catalogue.conversion[svc]
        * np.where(script_v2, 1.05, 1.0)
        - 0.12 * (np.round(np.clip(wait_answered, 0, 2400)) > 60)
    ).clip(0.05, 0.95)
    law = _other_outcome_laws(v)[cat.astype(np.int64)]
    rest = 1.0 - p_record[target]
    law[target] = 0.0
    law[target, o("record")] = p_record[target]
    law[target, o("refusal")] = 0.42 * rest
    law[target, o("no_record")] = 0.33 * rest
    law[target, o("callback")] = 0.25 * rest
    return law


def _other_outcome_laws(v: Vocabulary) -> np.ndarray:
    """(categories, outcomes): how a call that is not a target call ends, by category."""
    o, c = v.outcomes.index, v.categories.index
    law = np.zeros((len(v.categories), len(v.outcomes)))
    law[:, o("info_only")], law[:, o("callback")], law[:, o("no_record")] = 0.8, 0.12, 0.08
    law[c("cancel")] = 0.0
    law[c("cancel"), o("no_record")], law[c("cancel"), o("info_only")], law[c("cancel"), o("callback")] = 0.5, 0.4, 0.1
    law[c("complaint")] = 0.0
    law[c("complaint"), o("callback")], law[c("complaint"), o("info_only")] = 0.45, 0.45
    law[c("complaint"), o("refusal")] = 0.1
    return law


def _refusal_reason(env: Env, out: np.ndarray, svc: np.ndarray, doc: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Of a refusal (and of most calls that did not book): expensive services -> price, busy services ->
    no_slots, a named doctor -> doctor_unavailable; drawn in REASON_WEIGHTS' order."""
    v, catalogue = env.v, env.catalogue
    reasons = tuple(b.REASON_WEIGHTS)
    weights = np.tile(np.array(list(b.REASON_WEIGHTS.values())), (len(out), 1))
    weights[:, reasons.index("price")] *= catalogue.price[svc]
    weights[:, reasons.index("no_slots")] *= catalogue.no_slots[svc]
    weights[:, reasons.index("doctor_unavailable")] *= np.where(doc > 0, 2.0, 0.6)
    why = b.codes_of(v.refusal_reasons, reasons)[pick_rows(u[:, 13], weights)]
    refused = out == v.outcomes.index("refusal")
    not_booked = out == v.outcomes.index("no_record")
    return np.where(refused | (not_booked & (u[:, 14] < 0.6)), why, -1).astype(np.int8)


def _state_left(
    v: Vocabulary,
    sit: Situation,
    status: np.ndarray,
    cat: np.ndarray,
    out: np.ndarray,
    target: np.ndarray,
    await_sec: np.ndarray,
    u: np.ndarray,
) -> np.ndarray:
    """How the call leaves the caller (what their next call will be about); an unanswered call leaves them
    as they were, or upset after a long wait."""
    o = v.outcomes.index
    answered = status == v.statuses.index("answered")
    refusal = out == o("refusal")
    st = np.full(len(status), b.STATE_INFO, np.int8)
    st[out == o("record")] = b.STATE_BOOKED
    st[np.isin(out, (o("no_record"), o("callback"))) & target] = b.STATE_OPEN
    st[refusal] = np.where(u[refusal, 14] < 0.4, b.STATE_BAD, b.STATE_OPEN)
    st[(cat == v.categories.index("complaint")) & answered] = b.STATE_BAD
    unanswered_state = np.where(sit.has_parent, sit.parent_state, b.STATE_NONE)
    long_wait = (status == v.statuses.index("abandoned")) & (await_sec > 120)
    unanswered_state = np.where(long_wait, b.STATE_BAD, unanswered_state)
    return np.where(answered, st, unanswered_state).astype(np.int8)


def _durations(
    v: Vocabulary,
    status: np.ndarray,
    cat: np.ndarray,
    inbound: np.ndarray,
    skill: np.ndarray,
    await_sec: np.ndarray,
    u: np.ndarray,
    z: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Talk by category and operator skill, duration = wait + talk + hold (busy: a few seconds, failed: 0)."""
    answered = status == v.statuses.index("answered")
    talk = (
        b.by_code(v.categories, b.TALK_MEDIAN)[cat]
        * (1.2 - 0.35 * skill)
        * np.where(inbound, 1.0, 0.85)
        * np.exp(0.55 * z[:, 5])
    )
    talk = np.where(answered, np.round(np.clip(talk, 8, 3600)), 0).astype(np.int64)
    hold = np.where(answered, np.round(-6.0 * np.log1p(-u[:, 15])), 0).astype(np.int64)
    duration = await_sec + talk + hold
    duration = np.where(status == v.statuses.index("busy"), (u[:, 16] * 4).astype(np.int64), duration)
    duration = np.where(status == v.statuses.index("failed"), 0, duration)
    return talk, duration


def next_law_of(v: Vocabulary, inbound: np.ndarray, real: Realised) -> np.ndarray:
    """The law of the caller's next call after `real` (rows, NEXT_KINDS)."""
    s = v.statuses.index
    answered = real.status == s("answered")
    return next_law(
        answered=answered,
        inbound=inbound,
        open_hours=real.open_hours,
        line_problem=np.isin(real.status, (s("busy"), s("failed"))),
        long_wait=(real.status == s("abandoned")) & (real.await_sec > 120),
        state=real.state.astype(np.int64),
        promised_callback=real.outcome == v.outcomes.index("callback"),
        waited_long=inbound & (real.await_sec > 60),
        repeat_line=real.channel == b.CHANNELS.index(b.REPEAT_CHANNEL),
    )


def draw_next(
    delays: Delays,
    law: np.ndarray,
    end: np.ndarray,
    u_kind: np.ndarray,
    u_day: np.ndarray,
    u_tod: np.ndarray,
    deadline: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Kind (0 none) and start of each caller's next call; `law` is (rows, 5) (with a deadline: the kind's
    probability times its delay's CDF there, then start <= deadline)."""
    kind = pick_rows(u_kind, law).astype(np.int8)
    if deadline is None:
        kind = np.where(law[:, 1:].sum(axis=1) > 0, kind, 0).astype(np.int8)
    start = np.zeros(len(kind), np.int64)
    for k in range(1, 5):
        rows = np.flatnonzero(kind == k)
        if len(rows):
            start[rows] = delays.draw(
                k, end[rows], u_day[rows], u_tod[rows], None if deadline is None else deadline[rows]
            )
    return kind, start


# --------------------------------------------------------------------------------------------------------
# The batch
# --------------------------------------------------------------------------------------------------------
def fresh_share(age_days: np.ndarray) -> np.ndarray:
    """The share of the calendar's volume that new callers bring, `age_days` after the call centre started."""
    not_due = np.zeros(len(age_days))
    for share, first, scale in b.WARMUP_KINDS:
        not_due += share * np.exp(-np.maximum(age_days - first, 0.0) / scale)
    return b.FRESH_SHARE + (1.0 - b.FRESH_SHARE) * not_due


def fresh_times(
    rng: np.random.Generator, cfg: b.GeneratorConfig, after_ts: int, until_ts: int, origin_ts: int
) -> np.ndarray:
    """Sorted start times (epoch s) of new callers' calls in (after_ts, until_ts]: fresh_share of the
    calendar's volume (weekday pattern, holidays, season, trend, day-to-day noise), hours from the profiles."""
    cum_weekday = np.cumsum(b.HOURS_WEEKDAY) / b.HOURS_WEEKDAY.sum()
    cum_weekend = np.cumsum(b.HOURS_WEEKEND) / b.HOURS_WEEKEND.sum()
    days = np.arange(after_ts // DAY, until_ts // DAY + 1, dtype=np.int64)
    age = (days * DAY + DAY // 2 - origin_ts) / DAY
    weekday, holiday, campaign, doy = calendar(days)
    season = 1.0 + 0.07 * np.cos(2 * np.pi * (doy - 40) / 365.25)
    expected = (
        cfg.calls_per_day
        * fresh_share(age)
        * b.WEEKDAY[weekday]
        * growth(days, cfg)
        * season
        * np.where(holiday, b.HOLIDAY_VOLUME, 1.0)
        * np.where(campaign, 1.05, 1.0)
    )
    noise = rng.gamma(200.0, 1.0 / 200.0, len(days))  # ~7% day-to-day variation
    counts = rng.poisson(expected * noise)
    day_of_call = np.repeat(days, counts)
    weekend_like = np.repeat((weekday >= 5) | holiday, counts)
    u = rng.random(len(day_of_call))
    hour = np.where(
        weekend_like,
        np.searchsorted(cum_weekend, u, side="right").clip(0, 23),
        np.searchsorted(cum_weekday, u, side="right").clip(0, 23),
    )
    ts = day_of_call * DAY + hour * 3600 + rng.integers(0, 3600, len(day_of_call))
    return np.sort(ts[(ts > after_ts) & (ts <= until_ts)])


class _Store:
    """Growable per-call arrays of the batch in creation order (generation by generation)."""

    def __init__(self) -> None:
        self.parts: dict[str, list[np.ndarray]] = {}
        self.size = 0

    def add(self, **columns: np.ndarray) -> None:
        for name, values in columns.items():
            self.parts.setdefault(name, []).append(values)
        self.size += len(next(iter(columns.values())))

    def column(self, name: str) -> np.ndarray:
        values = self.parts[name]
        if len(values) > 1:
            self.parts[name] = [np.concatenate(values)]
        return self.parts[name][0]


@dataclass(frozen=True)
class Scheduled:
    """Next calls decided but not yet happened: start, the previous call (global index) and the kind."""

    ts: np.ndarray
    parent: np.ndarray
    kind: np.ndarray

    @staticmethod
    def empty() -> Scheduled:
        return Scheduled(np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.int8))


def batch_calls(rng: np.random.Generator, memory: Memory, n: int) -> tuple[Calls, Scheduled, Env]:
    """The next ``n`` calls in time after ``memory``'s, the next calls scheduled after the last of them, the laws."""
    env = Env.of(memory)
    cfg = memory.config
    base = len(memory.caller)
    after = memory.last_call_ts
    span_days = n / max(cfg.calls_per_day, 1.0) * 1.02 + 1  # a short horizon is extended below
    lo, hi = after, after + int(span_days * DAY)
    store = _Store()
    waiting = memory.scheduled
    while True:
        delays = Delays(lo // DAY, hi // DAY + 1)
        fresh = fresh_times(rng, cfg, lo, hi, memory.origin_ts)
        fresh_out = ((fresh % DAY) // 3600 >= b.OPENING_HOURS[0]) & ((fresh % DAY) // 3600 < b.OPENING_HOURS[1])
        fresh_out &= rng.random(len(fresh)) < b.FRESH_OUTBOUND_SHARE
        due = waiting.ts <= hi
        gen_ts = np.concatenate([fresh, waiting.ts[due]])
        gen_parent = np.concatenate([np.full(len(fresh), -1, np.int64), waiting.parent[due]])
        gen_kind = np.concatenate([np.zeros(len(fresh), np.int8), waiting.kind[due]])
        later = [Scheduled(waiting.ts[~due], waiting.parent[~due], waiting.kind[~due])]
        gen_inbound = np.concatenate([~fresh_out, waiting.kind[due] != b.NEXT_CALLBACK])
        while len(gen_ts):
            idx0 = base + store.size
            sit = _situation(memory, store, base, gen_ts, gen_inbound, gen_parent)
            m = len(gen_ts)
            real = realise(env, sit, rng.random((m, N_UNIFORMS)), rng.standard_normal((m, N_NORMALS)))
            law = next_law_of(env.v, gen_inbound, real)
            end = gen_ts + real.duration
            u = rng.random((m, 3))
            kind, start = draw_next(delays, law, end, u[:, 0], u[:, 1], u[:, 2])
            store.add(
                ts=gen_ts, inbound=gen_inbound, parent=gen_parent, kind=gen_kind, next_p=law,
                **{name: getattr(real, name) for name in _REALISED},
            )  # fmt: skip
            has_next = kind > 0
            own = idx0 + np.arange(m)
            soon = has_next & (start <= hi)
            later.append(Scheduled(start[has_next & ~soon], own[has_next & ~soon], kind[has_next & ~soon]))
            gen_ts, gen_parent, gen_kind = start[soon], own[soon], kind[soon]
            gen_inbound = gen_kind != b.NEXT_CALLBACK
        waiting = Scheduled(
            np.concatenate([s.ts for s in later]),
            np.concatenate([s.parent for s in later]),
            np.concatenate([s.kind for s in later]).astype(np.int8),
        )
        if store.size >= n:
            break
        lo, hi = hi, hi + int((max(n - store.size, 1) / max(cfg.calls_per_day, 1.0) * 1.1 + 1) * DAY)
    return _cut(memory, store, base, waiting, n, env)


_REALISED = (
    "status", "operator", "await_sec", "category", "channel", "service", "doctor", "is_target", "outcome",
    "reason", "state", "talk", "duration", "open_hours", "campaign", "script_v2", "load",
)  # fmt: skip


def _situation(
    memory: Memory, store: _Store, base: int, ts: np.ndarray, inbound: np.ndarray, parent: np.ndarray
) -> Situation:
    has_parent = parent >= 0
    in_memory = has_parent & (parent < base)
    in_batch = has_parent & (parent >= base)
    values = {}
    for name in ("state", "category", "service", "channel"):
        out = np.zeros(len(ts), getattr(memory, name).dtype)
        out[in_memory] = getattr(memory, name)[parent[in_memory]]
        if in_batch.any():
            out[in_batch] = store.column(name)[parent[in_batch] - base]
        values[name] = out
    return Situation(
        ts=ts,
        inbound=inbound,
        has_parent=has_parent,
        parent_state=values["state"],
        parent_category=values["category"],
        parent_service=values["service"],
        parent_channel=values["channel"],
    )


def _cut(
    memory: Memory, store: _Store, base: int, waiting: Scheduled, n: int, env: Env
) -> tuple[Calls, Scheduled, Env]:
    """The first n calls in time; next calls after the n-th go back to the schedule when their previous call
    is kept, everything else after it is dropped (a later batch draws new callers again)."""
    ts = store.column("ts")
    order = np.argsort(ts, kind="stable")[:n]
    keep = np.zeros(store.size, bool)
    keep[order] = True
    new_index = np.full(store.size, -1, np.int64)
    new_index[order] = base + np.arange(n)
    parent = store.column("parent")
    kind = store.column("kind")

    def remap(p: np.ndarray) -> np.ndarray:
        return np.where(p < base, p, new_index[np.clip(p - base, 0, None)])

    # dropped calls whose previous call is kept: scheduled again; the waiting ones of kept calls stay
    dropped = ~keep & ((parent < base) | keep[np.clip(parent - base, 0, None)]) & (parent >= 0)
    wait_keep = (waiting.parent < base) | keep[np.clip(waiting.parent - base, 0, None)]
    scheduled = Scheduled(
        np.concatenate([waiting.ts[wait_keep], ts[dropped]]),
        remap(np.concatenate([waiting.parent[wait_keep], parent[dropped]])),
        np.concatenate([waiting.kind[wait_keep], kind[dropped]]).astype(np.int8),
    )
    history_id = np.arange(memory.next_history_id, memory.next_history_id + n, dtype=np.int64)
    if n and history_id[-1] > b.MAX_HISTORY_ID:
        raise ValueError("the demo generator supports history ids up to 9,999,999 (7-digit caller numbers)")
    par = remap(parent[order])
    # callers: a new caller's index from their first call's history id; a returning caller keeps theirs
    caller = np.where(par < 0, _scramble(history_id), -1)
    unresolved = par >= 0
    from_memory = unresolved & (par < base)
    caller[from_memory] = memory.caller[par[from_memory]]
    unresolved &= ~from_memory
    while unresolved.any():  # parents come first in time: each pass resolves one more step of the chains
        rows = np.flatnonzero(unresolved)
        known = caller[par[rows] - base]
        ok = known >= 0
        caller[rows[ok]] = known[ok]
        unresolved[rows[ok]] = False
    col = {name: store.column(name)[order] for name in (*_REALISED, "inbound", "next_p")}
    calls = Calls(
        ts=ts[order],
        history_id=history_id,
        inbound=col["inbound"],
        status=col["status"],
        open_hours=col["open_hours"],
        load=col["load"],
        operator=col["operator"],
        await_sec=col["await_sec"],
        parent=par,
        caller=caller,
        channel=col["channel"],
        category=col["category"],
        service=col["service"],
        doctor=col["doctor"],
        is_target=col["is_target"],
        outcome=col["outcome"],
        reason=col["reason"],
        state=col["state"],
        campaign=col["campaign"],
        script_v2=col["script_v2"],
        talk=col["talk"],
        duration=col["duration"],
        next_p=col["next_p"],
    )
    return calls, scheduled, env


def _scramble(history_id: np.ndarray) -> np.ndarray:
    """A caller index from the history id of the caller's first call: a bijection on 0..9,999,999."""
    return (history_id.astype(np.int64) * 7_654_321 + 1_234_567) % 10_000_000
