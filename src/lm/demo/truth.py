"""The generating probability of each forecast label, for every call at its end (``DemoData.truth``).

Labels, as LM computes them from the source tables ("same caller" = same caller_number, t = the call's
start, windows :data:`~lm.demo.behaviour.SECOND_CALL_WINDOW_DAYS` etc.):

* ``second_call_7d``: the caller has another call (any direction or status) starting in (t, t + 7 d];
* ``booking_14d``: a later call of the caller starting in (t, t + 14 d] is answered and its latest grading
  says outcome ``record``;
* ``complaint_30d``: a later call starting in (t, t + 30 d] whose latest grading says ``complaint``.

A caller's calls form a chain (:mod:`lm.demo.calls`): each call's next call has a known law decided at its
end (``Calls.next_p`` and :class:`lm.demo.chain.Delays`). So:

* second_call_7d is closed form: sum over kinds of P(kind) x P(start <= t + 7 d | kind), times the chance
  that the next call's row is there as such (not deleted, caller_number not NULLed, start not moved to the
  future by the dirt), plus the (tiny) chance of a later call when that row is not there;
* booking_14d and complaint_30d run one path per call through the SAME laws (:func:`lm.demo.calls.realise`,
  :func:`lm.demo.calls.next_law_of`, :class:`lm.demo.chain.Delays`), Rao-Blackwellised: at every step the
  next call is drawn conditioned on starting inside the window (weight: its probability of doing so), its
  event probability is computed exactly given what was drawn before its category (exact over category,
  target flag, status and outcome), added to the path's sum times the path's weight, and the path goes on
  conditioned on "no event yet" (the weight times one minus it). The first next call is shared by both
  labels (drawn freely within 14 days; the complaint's 14-30 day part drawn separately); paths whose weight
  falls below ``TRUTH_ROULETTE`` are thinned by Russian roulette. Unbiased; per-call noise sd about 0.036
  (booking, spread of the truth 0.079) and 0.008 (complaint, spread 0.024), measured by
  pytests/test_generate.py::test_the_truths_noise_is_small.

The observation process is folded in where it is independent of the dynamics: a call is graded with
``graded_share`` (0.65 outbound), regradings correct the outcome (25 %) or the category (8 %) with known
rates and the latest grading counts, and the dirt (``dirty_share`` of each table) NULLs or replaces a label
or the caller, moves a start into the future or deletes a call with known shares (behaviour.DIRTY_*).
Neglected (second order, < 1e-4 of a probability): dirt that reorders a call's gradings, and extra
regradings that :func:`lm.demo.late_gradings` may add later on request. The truth is the label as LM
sees it once every grading of the window's calls is in.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np
import pyarrow as pa

from lm.demo import behaviour as b
from lm.demo.calls import (
    N_NORMALS,
    N_UNIFORMS,
    Calls,
    Env,
    Observation,
    Realised,
    Situation,
    draw_next,
    next_law_of,
    realise,
)
from lm.demo.chain import Delays
from lm.demo.sampling import DAY, pick_rows
from lm.demo.vocabulary import Vocabulary

TRUTH_SCHEMA = pa.schema(
    [
        pa.field("history_id", pa.uint32(), nullable=False),
        pa.field("p_second_call_7d", pa.float64(), nullable=False),
        pa.field("p_booking_14d", pa.float64(), nullable=False),
        pa.field("p_complaint_30d", pa.float64(), nullable=False),
    ]
)


def _regraded(correction: np.ndarray, share: float) -> np.ndarray:
    """Law of the latest grading's value given the first's: regraded with `share`, a third time with 10 %."""
    eye = np.eye(len(correction))
    return (1.0 - share) * eye + share * 0.9 * correction + share * 0.1 * correction @ correction


def observation_rates(v: Vocabulary, cfg: b.GeneratorConfig, deleted_share: float) -> tuple[Observation, float]:
    """P(the latest grading of a later call says record / complaint, and its row is there as such) by true
    outcome / category and direction; and P(a later call's row is there as such) for second_call_7d."""
    d = cfg.dirty_share
    kh, ks = b.DIRTY_CALL_KINDS, b.DIRTY_SCORE_KINDS
    present = 1.0 - deleted_share
    caller_nulled = 0.85 / 6 + 0.15 / 5  # a NULL among 6 columns of an answered row, 5 of another
    row_any = present * (1.0 - d * (kh[0] * caller_nulled + kh[6] * 0.5))
    row_answered = present * (1.0 - d * (kh[0] / 6 + kh[6] * 0.5))
    # an odd status (1/3 of kind 4) keeps "answered" for 3 of the 7 variants, an unknown one (1/3 of kind 5) never
    odd_answered = sum(1 for s in b.ODD_STATUS if s.strip().lower() == "answered") / len(b.ODD_STATUS)
    row_booking = row_answered - present * d * (kh[4] / 3 * (1 - odd_answered) + kh[5] / 3)
    # score dirt on the latest grading (orphans count towards the dirty share, so a clean grading's is lower)
    ds = max(d - deleted_share, 0.0) / (1.0 - deleted_share)
    o, c = v.outcomes.index, v.categories.index
    odd_record = sum(1 for s in b.ODD_OUTCOME if s.strip().lower() == "record") / len(b.ODD_OUTCOME)
    odd_complaint = sum(1 for s in b.ODD_CATEGORY if s.strip().lower() == "complaint") / len(b.ODD_CATEGORY)
    kill = ds * (ks[0] / 8 + ks[2] / 3 + ks[3] / 4)  # NULLed, replaced by an odd or an unknown label
    flip = np.eye(len(v.outcomes))
    for src, dst in (("record", "no_record"), ("no_record", "record"), ("callback", "record")):
        flip[o(src), o(src)] -= 0.25
        flip[o(src), o(dst)] += 0.25
    n_cat = len(v.categories)
    recat = 0.92 * np.eye(n_cat) + 0.08 / n_cat
    latest_record = _regraded(flip, cfg.regrade_share)[:, o("record")]
    latest_complaint = _regraded(recat, cfg.regrade_share)[:, c("complaint")]
    graded = np.array([0.65, cfg.graded_share])[:, None]  # outbound, inbound
    record = graded * (latest_record * (1 - kill) + ds * ks[2] / 3 * odd_record)[None, :] * row_booking
    complaint = graded * (latest_complaint * (1 - kill) + ds * ks[2] / 3 * odd_complaint)[None, :] * row_answered
    return Observation(record=record, complaint=complaint), row_any


def truth(env: Env, calls: Calls, deleted_share: float, seed_rng: np.random.Generator) -> pa.Table:
    """The truth table of a batch's calls (all of them, deleted ones too)."""
    observation, row_any = observation_rates(env.v, env.cfg, deleted_share)
    env = replace(env, observation=observation)
    n = len(calls.ts)
    end = calls.ts + calls.duration
    first_day = int(calls.ts.min() // DAY) if n else 0
    last_day = int(end.max() // DAY) + b.COMPLAINT_WINDOW_DAYS + 3 if n else 0
    delays = Delays(first_day, last_day)
    p = {"second_call_7d": _second_call(env, delays, calls, seed_rng, row_any)}
    p["booking_14d"], p["complaint_30d"] = _booking_and_complaint(env, delays, calls, seed_rng)
    return pa.Table.from_arrays(
        [pa.array(calls.history_id, pa.uint32())] + [pa.array(p[name], pa.float64()) for name in p],
        schema=TRUTH_SCHEMA,
    )


@dataclass
class _Paths:
    """Paths in flight: row = the call whose label they estimate; the path's last call (law of its next call,
    end, what the next call depends on); weight = P(reaching this call with no event yet) / path density."""

    rows: np.ndarray
    weight: np.ndarray
    law: np.ndarray
    end: np.ndarray
    state: np.ndarray
    category: np.ndarray
    service: np.ndarray
    channel: np.ndarray

    def take(self, keep: np.ndarray) -> _Paths:
        return _Paths(*(getattr(self, f.name)[keep] for f in fields(self)))

    @staticmethod
    def after(
        rows: np.ndarray, weight: np.ndarray, inbound: np.ndarray, start: np.ndarray, env: Env, real: Realised
    ) -> _Paths:
        return _Paths(
            rows=rows,
            weight=weight,
            law=next_law_of(env.v, inbound, real),
            end=start + real.duration,
            state=real.state,
            category=real.category,
            service=real.service,
            channel=real.channel,
        )


def _reach(delays: Delays, law: np.ndarray, end: np.ndarray, deadline: np.ndarray) -> np.ndarray:
    """(rows, 5): P(next call of each kind, starting by the deadline)."""
    reach = np.zeros((len(end), 5))
    for kind in range(1, 5):
        some = np.flatnonzero(law[:, kind] > 0)
        reach[some, kind] = law[some, kind] * delays.cdf(kind, end[some], deadline[some])
    return reach


def _next(
    env: Env, delays: Delays, rng: np.random.Generator, paths: _Paths, reach: np.ndarray, deadline: np.ndarray,
    condition: str | None,
) -> tuple[np.ndarray, np.ndarray, Realised]:  # fmt: skip
    """The paths' next calls, drawn conditioned on starting by the deadline (kind by `reach`), realised."""
    m = len(paths.rows)
    u = rng.random((m, 3))
    kind, start = draw_next(delays, reach, paths.end, u[:, 0], u[:, 1], u[:, 2], deadline)
    inbound = kind != b.NEXT_CALLBACK
    sit = Situation(
        ts=start,
        inbound=inbound,
        has_parent=np.ones(m, bool),
        parent_state=paths.state,
        parent_category=paths.category,
        parent_service=paths.service,
        parent_channel=paths.channel,
    )
    real = realise(env, sit, rng.random((m, N_UNIFORMS)), rng.standard_normal((m, N_NORMALS)), condition, full=False)
    return inbound, start, real


def _roulette(
    rng: np.random.Generator, paths: _Paths, q: np.ndarray, total: np.ndarray, level: float | None = None
) -> tuple[_Paths, np.ndarray]:
    """Russian roulette: a path whose weight times q (its chance of a next call in the window) fell below
    TRUTH_ROULETTE x (1 - its sum so far) goes on with probability (weight x q) / that, at that weight:
    unbiased, and a path's sum stays <= 1 (sum + weight <= 1 at every step). Returns the survivors (q > 0)."""
    reach_weight = paths.weight * q
    floor = (b.TRUTH_ROULETTE if level is None else level) * (1.0 - total[paths.rows])
    low = reach_weight < floor
    live = (q > 0) & (~low | (rng.random(len(q)) * floor < reach_weight))
    paths.weight = np.where(low, floor / np.maximum(q, 1e-300), paths.weight)
    keep = np.flatnonzero(live)
    return paths.take(keep), keep


def _start(calls: Calls) -> _Paths:
    n = len(calls.ts)
    return _Paths(
        rows=np.arange(n),
        weight=np.ones(n),
        law=calls.next_p,
        end=calls.ts + calls.duration,
        state=calls.state,
        category=calls.category,
        service=calls.service,
        channel=calls.channel,
    )


def _second_call(env: Env, delays: Delays, calls: Calls, rng: np.random.Generator, row_any: float) -> np.ndarray:
    """P(another call of the caller in the window, its row there): closed form for the next call, plus the
    call after it when the next call's row is not there (drawn for a roulette share of the calls)."""
    deadline = calls.ts + b.SECOND_CALL_WINDOW_DAYS * DAY
    paths = _start(calls)
    reach = _reach(delays, paths.law, paths.end, deadline)
    q = reach.sum(axis=1)
    total = q * row_any
    paths.weight = q * (1.0 - row_any)
    paths, keep = _roulette(rng, paths, np.where(q > 0, 1.0, 0.0), total, b.TRUTH_ROULETTE_SECOND_CALL)
    if len(keep):
        dl = deadline[paths.rows]
        inbound, start, real = _next(env, delays, rng, paths, reach[keep], dl, None)
        after = _Paths.after(paths.rows, paths.weight, inbound, start, env, real)
        total[after.rows] += after.weight * _reach(delays, after.law, after.end, dl).sum(axis=1) * row_any
    return total


def _booking_and_complaint(
    env: Env, delays: Delays, calls: Calls, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """P(booking_14d), P(complaint_30d): one shared first step, then a path set each.

    The first next call is drawn (freely) within the booking window; its booking and complaint
    probabilities are exact given what was drawn before its category; each label's paths go on from it
    weighted by P(no event | the call as drawn) and conditioned on "no event yet" after. A first next call after
    the booking window but within the complaint window (probability q30 - q14) is drawn for a roulette share
    of the calls, within the complaint window, and counts when it starts after the booking window.
    """
    n = len(calls.ts)
    dl_booking = calls.ts + b.BOOKING_WINDOW_DAYS * DAY
    dl_complaint = calls.ts + b.COMPLAINT_WINDOW_DAYS * DAY
    first = _start(calls)
    reach = _reach(delays, first.law, first.end, dl_booking)
    q = reach.sum(axis=1)
    # a first next call after the booking window, within the complaint window: a follow-up or a return
    # (retries and callbacks come within days)
    tail_reach = np.zeros((n, 5))
    for kind in (b.NEXT_FOLLOW_UP, b.NEXT_RETURN):
        some = np.flatnonzero(first.law[:, kind] > 0)
        by_complaint = first.law[some, kind] * delays.cdf(kind, first.end[some], dl_complaint[some])
        tail_reach[some, kind] = np.maximum(by_complaint - reach[some, kind], 0.0)
    q_tail = tail_reach.sum(axis=1)
    booking, complaint = np.zeros(n), np.zeros(n)
    live = np.flatnonzero(q > 0)
    shared, q, reach = first.take(live), q[live], reach[live]
    inbound, start, real = _next(env, delays, rng, shared, reach, dl_booking[shared.rows], "events")
    obs = env.observation
    assert obs is not None
    answered = real.status == env.v.statuses.index("answered")
    io = inbound.astype(np.int64)
    p_record = np.where(answered, obs.record[io, real.outcome.clip(0)], 0.0)
    p_complaint = np.where(answered, obs.complaint[io, real.category], 0.0)
    booking[shared.rows] = q * real.event
    complaint[shared.rows] = q * real.complaint_event
    # drawn freely: each path goes on weighted by P(no event | the call as drawn)
    w_booking = q * (1.0 - p_record)
    w_complaint = q * (1.0 - p_complaint)
    _continue(
        env,
        delays,
        rng,
        _Paths.after(shared.rows, w_booking, inbound, start, env, real),
        booking,
        dl_booking,
        "booking",
    )
    complaint_paths = [_Paths.after(shared.rows, w_complaint, inbound, start, env, real)]
    # the first next call after the booking window, within the complaint window
    late = _start(calls)
    tail, keep = _roulette(rng, late, q_tail, complaint)
    if len(keep):
        m = len(keep)
        q_tail, tail_reach = q_tail[keep], tail_reach[keep]
        kind = pick_rows(rng.random(m), tail_reach).astype(np.int8)
        start = np.zeros(m, np.int64)
        u = rng.random(m)
        for k in (b.NEXT_FOLLOW_UP, b.NEXT_RETURN):
            at = np.flatnonzero(kind == k)
            start[at] = delays.draw_between(
                k, tail.end[at], dl_booking[tail.rows[at]], dl_complaint[tail.rows[at]], u[at]
            )
        sit = Situation(
            ts=start,
            inbound=np.ones(m, bool),
            has_parent=np.ones(m, bool),
            parent_state=tail.state,
            parent_category=tail.category,
            parent_service=tail.service,
            parent_channel=tail.channel,
        )
        real = realise(env, sit, rng.random((m, N_UNIFORMS)), rng.standard_normal((m, N_NORMALS)), "complaint", False)
        weight = tail.weight * q_tail
        complaint[tail.rows] += weight * real.event
        complaint_paths.append(_Paths.after(tail.rows, weight * (1.0 - real.event), sit.inbound, start, env, real))
    paths = _Paths(*(np.concatenate([getattr(p, f.name) for p in complaint_paths]) for f in fields(_Paths)))
    _continue(env, delays, rng, paths.take(np.flatnonzero(paths.weight > 0)), complaint, dl_complaint, "complaint")
    return booking, complaint


def _continue(
    env: Env,
    delays: Delays,
    rng: np.random.Generator,
    paths: _Paths,
    total: np.ndarray,
    deadline: np.ndarray,
    condition: str,
) -> None:
    """Later steps of the paths (conditioned on no event yet), their event probabilities added to `total`."""
    for _ in range(b.TRUTH_MAX_STEPS):
        if len(paths.rows) == 0:
            return
        reach = _reach(delays, paths.law, paths.end, deadline[paths.rows])
        q = reach.sum(axis=1)
        paths, keep = _roulette(rng, paths, q, total)
        if len(keep) == 0:
            return
        q, reach = q[keep], reach[keep]
        inbound, start, real = _next(env, delays, rng, paths, reach, deadline[paths.rows], condition)
        total[paths.rows] += paths.weight * q * real.event
        paths = _Paths.after(paths.rows, paths.weight * q * (1.0 - real.event), inbound, start, env, real)
