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

from dataclasses import replace

import numpy as np
import pyarrow as pa

from lm.demo import behaviour as b
from lm.demo.calls import N_NORMALS, N_UNIFORMS, Calls, Env, Observation, Situation, draw_next, next_law_of, realise
from lm.demo.chain import Delays
from lm.demo.sampling import DAY
from lm.demo.vocabulary import Vocabulary

_TRACE = False
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
    p = {}
    for label, window, condition, paths in (
        ("second_call_7d", b.SECOND_CALL_WINDOW_DAYS, "exists", 1),
        ("booking_14d", b.BOOKING_WINDOW_DAYS, "booking", b.TRUTH_PATHS),
        ("complaint_30d", b.COMPLAINT_WINDOW_DAYS, "complaint", b.TRUTH_PATHS),
    ):
        p[label] = _label(env, delays, calls, seed_rng, window, condition, paths, row_any)
    return pa.Table.from_arrays(
        [pa.array(calls.history_id, pa.uint32())] + [pa.array(p[name], pa.float64()) for name in p],
        schema=TRUTH_SCHEMA,
    )


def _label(
    env: Env,
    delays: Delays,
    calls: Calls,
    rng: np.random.Generator,
    window_days: int,
    condition: str,
    paths: int,
    row_any: float,
) -> np.ndarray:
    """P(label) per call: `paths` Rao-Blackwellised paths each, averaged."""
    n = len(calls.ts)
    origin = np.repeat(np.arange(n), paths)
    deadline = calls.ts[origin] + window_days * DAY
    law = calls.next_p[origin]
    end = (calls.ts + calls.duration)[origin]
    state, category = calls.state[origin], calls.category[origin]
    service, channel = calls.service[origin], calls.channel[origin]
    weight = np.ones(len(origin))
    total = np.zeros(len(origin))
    rows = np.arange(len(origin))
    stratified = ((np.arange(len(origin)) % paths) + rng.random(len(origin))) / paths
    for step in range(b.TRUTH_MAX_STEPS):
        reach = np.zeros((len(rows), 5))
        for kind in range(1, 5):
            some = np.flatnonzero(law[:, kind] > 0)
            reach[some, kind] = law[some, kind] * delays.cdf(kind, end[some], deadline[rows[some]])
        q = reach.sum(axis=1)
        live = q > 0
        if condition == "exists":
            total[rows] += weight * q * row_any
            if step > 0:
                break
            # when the next call's row is not there the label may still come from the call after it
            weight = weight * q * (1.0 - row_any)
            q = np.ones(len(rows))
        # Russian roulette: a path whose weight (times the chance of a next call in the window) fell below
        # TRUTH_ROULETTE x (1 - its sum so far) goes on with probability weight / that, at that weight:
        # unbiased, and a path's sum stays <= 1 (sum + weight <= 1 holds at every step). Not on the first
        # step of booking / complaint: every call's next call is drawn.
        reach_weight = weight * q
        floor = b.TRUTH_ROULETTE * (1.0 - total[rows])
        low = (reach_weight < floor) & (step > 0 or condition == "exists")
        live &= ~low | (rng.random(len(rows)) * floor < reach_weight)
        weight = np.where(low, floor / np.maximum(q, 1e-300), weight)
        keep = np.flatnonzero(live)
        if _TRACE:
            print(condition, step, len(rows), len(keep))
        if len(keep) == 0:
            break
        rows, reach, q, weight = rows[keep], reach[keep], q[keep], weight[keep]
        end, state, category, service, channel = end[keep], state[keep], category[keep], service[keep], channel[keep]
        m = len(rows)
        u_kind = stratified[rows] if step == 0 else rng.random(m)
        u = rng.random((m, 2))
        kind, start = draw_next(delays, reach, end, u_kind, u[:, 0], u[:, 1], deadline[rows])
        inbound = kind != b.NEXT_CALLBACK
        sit = Situation(
            ts=start,
            inbound=inbound,
            has_parent=np.ones(m, bool),
            parent_state=state,
            parent_category=category,
            parent_service=service,
            parent_channel=channel,
        )
        real = realise(
            env, sit, rng.random((m, N_UNIFORMS)), rng.standard_normal((m, N_NORMALS)),
            None if condition == "exists" else condition, full=False,
        )  # fmt: skip
        if condition != "exists":
            total[rows] += weight * q * real.event
            weight = weight * q * (1.0 - real.event)
        law = next_law_of(env.v, inbound, real)
        end = start + real.duration
        state, category, service, channel = real.state, real.category, real.service, real.channel
    return total.reshape(n, paths).mean(axis=1)
