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
* booking_14d and complaint_30d run paths through the SAME laws (:func:`lm.demo.calls.realise`,
  :func:`lm.demo.calls.next_law_of`, :class:`lm.demo.chain.Delays`), Rao-Blackwellised: at every step the
  next call is drawn conditioned on starting inside the window (weight: its probability of doing so), its
  event probability is computed exactly given what was drawn before its status (status law, outcome law,
  observation), added to the path's sum times the path's weight, and the path continues conditioned on
  "no event yet" (the weight multiplied by one minus it). Step one's kind is stratified over the paths.
  The result is unbiased; its noise is measured in pytests/test_generate.py.

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
from lm.demo.sampling import DAY
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


def _roulette(rng: np.random.Generator, paths: _Paths, q: np.ndarray, total: np.ndarray) -> tuple[_Paths, np.ndarray]:
    """Russian roulette: a path whose weight times q (its chance of a next call in the window) fell below
    TRUTH_ROULETTE x (1 - its sum so far) goes on with probability (weight x q) / that, at that weight:
    unbiased, and a path's sum stays <= 1 (sum + weight <= 1 at every step). Returns the survivors (q > 0)."""
    reach_weight = paths.weight * q
    floor = b.TRUTH_ROULETTE * (1.0 - total[paths.rows])
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
    paths, keep = _roulette(rng, paths, np.where(q > 0, 1.0, 0.0), total)
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

    The first next call is drawn within the longer (complaint) window and conditioned on "no booking"; its
    booking counts when it starts within the booking window, its complaint probability is exact given what
    was drawn before the category; the complaint paths go on from it with the importance weight that turns
    "no booking" into "no complaint" (P(no complaint | call) x P(no booking) / P(no booking | call)).
    """
    n = len(calls.ts)
    dl_booking = calls.ts + b.BOOKING_WINDOW_DAYS * DAY
    dl_complaint = calls.ts + b.COMPLAINT_WINDOW_DAYS * DAY
    first = _start(calls)
    reach = _reach(delays, first.law, first.end, dl_complaint)
    q = reach.sum(axis=1)
    live = np.flatnonzero(q > 0)
    first, q, reach = first.take(live), q[live], reach[live]
    inbound, start, real = _next(env, delays, rng, first, reach, dl_complaint[first.rows], "booking")
    obs = env.observation
    assert obs is not None
    answered = real.status == env.v.statuses.index("answered")
    io = inbound.astype(np.int64)
    p_record = np.where(answered, obs.record[io, real.outcome.clip(0)], 0.0)
    p_complaint = np.where(answered, obs.complaint[io, real.category], 0.0)
    in_booking = start <= dl_booking[first.rows]
    booking, complaint = np.zeros(n), np.zeros(n)
    booking[first.rows] = q * in_booking * real.event
    complaint[first.rows] = q * real.complaint_event
    w_booking = q * in_booking * (1.0 - real.event)
    w_complaint = q * (1.0 - p_complaint) * (1.0 - real.event) / (1.0 - p_record)
    for total, weight, deadline, condition in (
        (booking, w_booking, dl_booking, "booking"),
        (complaint, w_complaint, dl_complaint, "complaint"),
    ):
        paths = _Paths.after(first.rows, weight, inbound, start, env, real)
        paths = paths.take(np.flatnonzero(weight > 0))
        _continue(env, delays, rng, paths, total, deadline, condition)
    return booking, np.minimum(complaint, 1.0)


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
