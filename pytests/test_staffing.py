"""lm.weekahead.staffing: Erlang C against a published example and a direct M/M/N solution, Erlang A against a
direct birth-death solution and a simulation, agents required, the patience estimator."""

from __future__ import annotations

import heapq
import math

import numpy as np
import pytest
from scipy.special import betainc, gammaln
from scipy.stats import poisson

from lm.weekahead.staffing import (
    agents_required_erlang_a,
    agents_required_erlang_a_batch,
    agents_required_erlang_c,
    erlang_a,
    erlang_a_batch,
    erlang_b,
    erlang_c,
    estimate_patience,
    incomplete_beta_int,
    scheduled_staff,
)

# ---------------------------------------------------------------------------------------------------------
# The published example
# ---------------------------------------------------------------------------------------------------------
# Call Centre Helper, "Erlang C Formula - Made Simple With an Easy Worked Example" (widely reproduced):
#   inputs: 100 calls in 30 minutes, AHT 180 s, service level 80 % within 20 s, maximum occupancy 85 %,
#   shrinkage 30 %  ->  traffic intensity 10 Erlangs, 14 agents, 20 staff to schedule.
# The same example is the test of the pyworkforce package (pyworkforce 0.5.1,
# pyworkforce/queuing/tests/test_erlang.py, with the target time 0.33 minutes), which publishes, rounded to 3 d.p.:
#
#   max occupancy | raw positions | positions (after shrinkage) | service level | occupancy | waiting probability
#   0.85          | 14            | 20                          | 0.888         | 0.714     | 0.174
#   0.70          | 15            | 22                          | 0.941         | 0.667     | 0.102
#
# (with 0.70 the occupancy cap binds: 14 agents would be at 10 / 14 = 0.714 > 0.70.)
PUBLISHED = [
    # max_occupancy, agents, scheduled, service level, occupancy, p_wait
    (0.85, 14, 20, 0.888, 0.714, 0.174),
    (0.70, 15, 22, 0.941, 0.667, 0.102),
]


@pytest.mark.parametrize(("max_occ", "agents", "scheduled", "sl", "occ", "p_wait"), PUBLISHED)
def test_erlang_c_reproduces_the_published_example(
    max_occ: float, agents: int, scheduled: int, sl: float, occ: float, p_wait: float
) -> None:
    req = agents_required_erlang_c(
        100, 180, sl_target=0.80, sl_threshold_sec=20, max_occupancy=max_occ, shrinkage=0.30, interval_sec=1800
    )
    assert req.offered_load == pytest.approx(10.0)
    assert (req.agents, req.scheduled) == (agents, scheduled)
    assert round(req.service_level, 3) == sl
    assert round(req.occupancy, 3) == occ
    res = erlang_c(100, 180, agents, sl_threshold_sec=20, interval_sec=1800)
    assert round(res.p_wait, 3) == p_wait
    assert req.binding == ("occupancy" if max_occ == 0.70 else "service_level")


# ---------------------------------------------------------------------------------------------------------
# Independent checks of Erlang C
# ---------------------------------------------------------------------------------------------------------


def _stationary(birth: np.ndarray, death: np.ndarray) -> np.ndarray:
    """Stationary distribution of a finite birth-death chain by solving pi Q = 0, sum pi = 1 (numpy lstsq)."""
    n = birth.size + 1
    q = np.zeros((n, n))
    for i in range(n - 1):
        q[i, i + 1] = birth[i]
        q[i + 1, i] = death[i]
    q -= np.diag(q.sum(axis=1))
    a = np.vstack([q.T, np.ones(n)])
    rhs = np.zeros(n + 1)
    rhs[-1] = 1.0
    pi, *_ = np.linalg.lstsq(a, rhs, rcond=None)
    return pi


def _mmn_direct(lam: float, mu: float, n_agents: int, t: float, k_queue: int = 400) -> tuple[float, float, float]:
    """P(wait), P(wait <= t), mean wait of M/M/N from a truncated chain solved by linear algebra."""
    states = n_agents + k_queue
    birth = np.full(states, lam)
    death = np.array([min(n, n_agents) * mu for n in range(1, states + 1)])
    pi = _stationary(birth, death)
    q = pi[n_agents:]  # an arrival finds j = 0.. callers waiting (PASTA)
    j = np.arange(q.size)
    # waiting behind j others with N busy agents: Gamma(j + 1, N mu); P(Gamma(j+1, r) > t) = P(Poisson(r t) <= j)
    late = poisson.cdf(j, n_agents * mu * t)
    p_wait = float(q.sum())
    return p_wait, 1.0 - float(q @ late), float(q @ j) / lam


@pytest.mark.parametrize(("calls", "aht", "agents"), [(200, 180, 11), (200, 180, 14), (360, 240, 26), (90, 300, 9)])
def test_erlang_c_matches_a_direct_mmn_solution(calls: float, aht: float, agents: int) -> None:
    lam, mu = calls / 3600, 1 / aht
    p_wait, sl, asa = _mmn_direct(lam, mu, agents, 20.0)
    res = erlang_c(calls, aht, agents, sl_threshold_sec=20)
    assert res.stable
    assert res.p_wait == pytest.approx(p_wait, rel=1e-7)
    assert res.service_level == pytest.approx(sl, rel=1e-7)
    assert res.asa_sec == pytest.approx(asa, rel=1e-6)
    assert res.occupancy == pytest.approx(calls * aht / 3600 / agents)


def test_erlang_c_is_stable_for_large_agent_counts() -> None:
    # 900 Erlangs on 950 agents: factorials overflow a naive formula; compare with the product form in log space
    load, n = 900.0, 950
    log_w = np.concatenate([np.arange(n) * math.log(load) - gammaln(np.arange(n) + 1), [0.0]])
    log_w[-1] = n * math.log(load) - gammaln(n + 1) - math.log(1 - load / n)  # the geometric queue part, summed
    w = np.exp(log_w - log_w.max())
    expected = w[-1] / w.sum()
    res = erlang_c(load * 3600 / 180, 180, n)
    assert math.isfinite(res.p_wait)
    assert res.p_wait == pytest.approx(expected, rel=1e-9)
    assert erlang_b(5000, 4000.0) == pytest.approx(erlang_b(5000, 4000.0))  # finite, no overflow
    assert 0 < erlang_b(5000, 4000.0) < 1


def test_erlang_c_unstable_and_empty_intervals() -> None:
    for agents in (0, 5, 10):  # load 10 Erlangs: N <= A
        res = erlang_c(200, 180, agents)
        assert not res.stable
        assert res.p_wait == 1.0
        assert res.service_level == 0.0
        assert math.isinf(res.asa_sec)
    empty = erlang_c(0, 180, 3)
    assert (empty.p_wait, empty.service_level, empty.asa_sec, empty.occupancy) == (0.0, 1.0, 0.0, 0.0)
    assert agents_required_erlang_c(0, 180).agents == 0
    assert agents_required_erlang_c(0, 180).scheduled == 0
    assert agents_required_erlang_a(0, 180, 120).agents == 0


# ---------------------------------------------------------------------------------------------------------
# Erlang A
# ---------------------------------------------------------------------------------------------------------


def _mmn_plus_m_direct(lam: float, mu: float, theta: float, n_agents: int, k_queue: int = 300) -> np.ndarray:
    states = n_agents + k_queue
    birth = np.full(states, lam)
    death = np.array([min(n, n_agents) * mu + max(n - n_agents, 0) * theta for n in range(1, states + 1)])
    return _stationary(birth, death)


@pytest.mark.parametrize(
    ("calls", "aht", "agents", "patience"),
    [(200, 180, 12, 180.0), (200, 180, 9, 60.0), (600, 240, 35, 300.0), (50, 200, 2, 90.0)],
)
def test_erlang_a_matches_a_direct_birth_death_solution(calls: float, aht: float, agents: int, patience: float) -> None:
    lam, mu, theta = calls / 3600, 1 / aht, 1 / patience
    pi = _mmn_plus_m_direct(lam, mu, theta, agents)
    queue = np.arange(pi.size - agents)
    p_wait = float(pi[agents:].sum())
    mean_queue = float(pi[agents:] @ queue)
    carried = float(pi @ np.minimum(np.arange(pi.size), agents))  # mean busy agents
    res = erlang_a(calls, aht, agents, patience, sl_threshold_sec=20)
    assert res.p_wait == pytest.approx(p_wait, rel=1e-7)
    # abandonment flow: theta x mean queue = lambda x P(abandon); the result computes it per queue position instead
    assert res.p_abandon == pytest.approx(theta * mean_queue / lam, rel=1e-7)
    assert res.mean_wait_all_sec == pytest.approx(mean_queue / lam, rel=1e-7)
    assert res.occupancy == pytest.approx(carried / agents, rel=1e-7)
    assert res.p_answered == pytest.approx(1 - res.p_abandon)


def _simulate_mmn_plus_m(
    lam: float, aht: float, patience: float, n_agents: int, t: float, short: float, n_calls: int, seed: int
) -> tuple[float, float, float, float]:
    """FCFS M/M/N+M: each caller takes the earliest free agent if it frees up before his patience runs out."""
    rng = np.random.default_rng(seed)
    arrivals = np.cumsum(rng.exponential(1 / lam, n_calls))
    service = rng.exponential(aht, n_calls)
    pat = rng.exponential(patience, n_calls)
    free = [0.0] * n_agents
    answered_t = abandoned = short_ab = 0
    wait_answered = 0.0
    answered = 0
    warm = n_calls // 20
    for i in range(n_calls):
        a = arrivals[i]
        wait = max(0.0, free[0] - a)
        counted = i >= warm
        if wait <= pat[i]:
            heapq.heapreplace(free, a + wait + service[i])
            if counted:
                answered += 1
                wait_answered += wait
                answered_t += wait <= t
        elif counted:
            abandoned += 1
            short_ab += pat[i] <= short
    n = n_calls - warm
    return answered_t / n, abandoned / n, wait_answered / answered, answered_t / (n - short_ab)


def test_erlang_a_matches_a_simulation() -> None:
    calls, aht, agents, patience = 200.0, 180.0, 11, 120.0
    sl, ab, asa, sl_excl = _simulate_mmn_plus_m(calls / 3600, aht, patience, agents, 20.0, 5.0, 200_000, seed=7)
    res = erlang_a(calls, aht, agents, patience, sl_threshold_sec=20, short_abandon_sec=5)
    assert res.service_level == pytest.approx(sl, abs=0.01)
    assert res.p_abandon == pytest.approx(ab, abs=0.005)
    assert res.asa_sec == pytest.approx(asa, rel=0.05)
    assert res.service_level_excl_short == pytest.approx(sl_excl, abs=0.01)
    # the conventions differ in the expected direction
    assert res.p_abandon_short > 0
    assert res.service_level_excl_short > res.service_level


@pytest.mark.parametrize(("calls", "agents"), [(200, 12), (200, 14), (500, 30)])
def test_erlang_a_tends_to_erlang_c_as_patience_grows(calls: float, agents: int) -> None:
    c = erlang_c(calls, 180, agents)
    a = erlang_a(calls, 180, agents, mean_patience_sec=1e10)
    assert a.p_wait == pytest.approx(c.p_wait, rel=1e-6)
    assert a.service_level == pytest.approx(c.service_level, rel=1e-6)
    assert a.asa_sec == pytest.approx(c.asa_sec, rel=1e-6)
    assert a.p_abandon < 1e-8
    inf = erlang_a(calls, 180, agents, mean_patience_sec=math.inf)
    assert (inf.service_level, inf.asa_sec, inf.p_abandon) == (c.service_level, c.asa_sec, 0.0)


def test_erlang_a_handles_overload_and_no_agents() -> None:
    over = erlang_a(2000, 180, 80, 120)  # 100 Erlangs on 80 agents: stable only thanks to abandonment
    assert 0.19 < over.p_abandon < 0.25  # at least 1 - 80/100 must abandon
    assert over.p_abandon >= 1 - 80 / 100
    assert over.occupancy <= 1.0
    # patience of hours against the overload: the queue settles near (lambda - N mu) / theta = 1100 callers
    long = erlang_a(2000, 180, 80, 1e4)
    assert long.p_answered == pytest.approx(0.8, abs=1e-9)  # the agents answer at capacity
    assert long.mean_wait_all_sec == pytest.approx(0.2 * 1e4, rel=0.01)
    # patience of centuries: beyond the truncation cap, evaluated as Erlang C's unstable queue
    endless = erlang_a(2000, 180, 80, 1e10)
    assert (endless.service_level, endless.p_answered, endless.asa_sec) == (0.0, 0.8, math.inf)
    none = erlang_a(200, 180, 0, 120, short_abandon_sec=5)
    assert (none.p_answered, none.service_level, none.abandon_rate_excl_short) == (0.0, 0.0, 1.0)
    assert none.p_abandon_short == pytest.approx(1 - math.exp(-5 / 120))


# ---------------------------------------------------------------------------------------------------------
# Agents required
# ---------------------------------------------------------------------------------------------------------

VOLUMES = [0, 1, 5, 20, 50, 100, 200, 350, 500, 800, 1200, 2000]


def test_agents_required_is_monotone_in_volume_and_target() -> None:
    for fn in (
        lambda calls, target: agents_required_erlang_c(calls, 240, sl_target=target),
        lambda calls, target: agents_required_erlang_a(calls, 240, 150, sl_target=target, short_abandon_sec=5),
    ):
        for target in (0.7, 0.8, 0.9):
            needed = [fn(v, target).agents for v in VOLUMES]
            assert needed == sorted(needed)
            assert needed[0] == 0 and needed[-1] > needed[1]
        by_target = [fn(300, t).agents for t in (0.5, 0.7, 0.8, 0.9, 0.95, 0.99)]
        assert by_target == sorted(by_target)
        assert by_target[-1] > by_target[0]


def test_agents_required_is_the_smallest_meeting_both_targets() -> None:
    for calls in (30, 200, 700):
        req = agents_required_erlang_c(calls, 200, sl_target=0.8, sl_threshold_sec=20, max_occupancy=0.85)
        ok = erlang_c(calls, 200, req.agents).service_level >= 0.8 and req.occupancy <= 0.85
        below = erlang_c(calls, 200, req.agents - 1)
        assert ok
        assert below.service_level < 0.8 or req.offered_load / (req.agents - 1) > 0.85
        reqa = agents_required_erlang_a(calls, 200, 120, max_occupancy=0.85)
        assert erlang_a(calls, 200, reqa.agents, 120).service_level >= 0.8
        worse = erlang_a(calls, 200, reqa.agents - 1, 120)
        assert worse.service_level < 0.8 or reqa.offered_load / (reqa.agents - 1) > 0.85


def test_erlang_a_needs_no_more_agents_than_erlang_c() -> None:
    # abandonment relieves the queue: with realistic patience (2-5 minutes against a 20 s threshold)
    fewer = 0
    for calls in VOLUMES[1:]:
        for patience in (120.0, 300.0):
            c = agents_required_erlang_c(calls, 240, max_occupancy=1.0)
            a = agents_required_erlang_a(calls, 240, patience, max_occupancy=1.0)
            assert a.agents <= c.agents
            fewer += a.agents < c.agents
    assert fewer >= 10


def test_occupancy_cap_is_respected_and_reported() -> None:
    for cap in (0.6, 0.75, 0.85, 0.95):
        for calls in (40, 400, 1500):
            for req in (
                agents_required_erlang_c(calls, 300, sl_target=0.5, max_occupancy=cap),
                agents_required_erlang_a(calls, 300, 180, sl_target=0.5, max_occupancy=cap),
            ):
                assert req.occupancy <= cap + 1e-12
                assert req.occupancy == pytest.approx(req.offered_load / req.agents)
                if req.binding == "occupancy":
                    assert req.offered_load / (req.agents - 1) > cap
    # a low target at high volume: only the cap binds
    req = agents_required_erlang_c(1500, 300, sl_target=0.5, max_occupancy=0.75)
    assert req.binding == "occupancy"
    assert req.agents == math.ceil(1500 * 300 / 3600 / 0.75)


def test_shrinkage_is_applied() -> None:
    assert scheduled_staff(14, 0.30) == 20  # 14 / 0.7 is 20.000000000000004 in floating point
    assert scheduled_staff(15, 0.30) == 22
    assert scheduled_staff(0, 0.30) == 0
    assert scheduled_staff(7, 0.0) == 7
    for shrink in (0.0, 0.1, 0.25, 0.4):
        req = agents_required_erlang_a(300, 240, 180, shrinkage=shrink)
        assert req.scheduled == math.ceil(round(req.agents / (1 - shrink), 9))
        assert req.agents == agents_required_erlang_a(300, 240, 180).agents  # shrinkage does not change N
    with pytest.raises(ValueError):
        scheduled_staff(3, 1.0)


# ---------------------------------------------------------------------------------------------------------
# Patience
# ---------------------------------------------------------------------------------------------------------


def _calls_with_patience(n: int, mean_patience: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    patience = rng.exponential(mean_patience, n)
    offered_wait = np.where(rng.random(n) < 0.4, 0.0, rng.exponential(90.0, n))  # 40 % answered at once
    abandoned = patience < offered_wait
    return np.minimum(patience, offered_wait), abandoned


def test_estimate_patience_recovers_the_mean_under_censoring() -> None:
    for true_mean, seed in ((150.0, 1), (60.0, 2), (400.0, 3)):
        waits, abandoned = _calls_with_patience(40_000, true_mean, seed)
        assert 0.05 < abandoned.mean() < 0.6  # censoring is heavy: most patience values are never seen
        est = estimate_patience(waits, abandoned)
        assert est.n_calls == 40_000
        assert est.n_abandoned == int(abandoned.sum())
        assert est.mean_patience_sec == pytest.approx(true_mean, rel=0.04)
        # the naive mean of the abandoned calls' waits is far off (what the estimator is for)
        assert waits[abandoned].mean() < 0.8 * true_mean


def test_estimate_patience_excludes_short_abandons() -> None:
    waits, abandoned = _calls_with_patience(40_000, 150.0, 4)
    rng = np.random.default_rng(5)
    misdials = rng.uniform(0, 4.0, 6_000)  # hang-ups within 4 s that are not impatience
    all_waits = np.concatenate([waits, misdials])
    all_abandoned = np.concatenate([abandoned, np.ones(misdials.size, dtype=bool)])
    biased = estimate_patience(all_waits, all_abandoned)
    assert biased.mean_patience_sec < 0.75 * 150.0
    est = estimate_patience(all_waits, all_abandoned, short_abandon_sec=5.0)
    assert est.mean_patience_sec == pytest.approx(150.0, rel=0.04)
    assert est.n_calls == int((all_waits >= 5.0).sum())
    assert est.n_abandoned == int((all_abandoned & (all_waits >= 5.0)).sum())


def test_estimate_patience_edges() -> None:
    assert math.isinf(estimate_patience([10.0, 20.0], [False, False]).mean_patience_sec)
    est = estimate_patience([10.0, float("nan"), 30.0], [True, True, False])
    assert (est.mean_patience_sec, est.n_calls, est.n_abandoned) == (40.0, 2, 1)
    with pytest.raises(ValueError):
        estimate_patience([1.0], [True, False])


# ---------------------------------------------------------------------------------------------------------
# The numerical building blocks and the batch forms
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("a", "theta_t"), [(15.0, 0.1), (0.3, 2.0), (250.0, 0.05), (1e6, 2e-5), (3.0, 0.0)])
def test_incomplete_beta_int_matches_scipy(a: float, theta_t: float) -> None:
    b = np.arange(1.0, 401.0)
    np.testing.assert_allclose(incomplete_beta_int(a, theta_t, 400), betainc(a, b, math.exp(-theta_t)), atol=1e-11)
    rows = incomplete_beta_int(np.array([a, 2.0]), np.array([theta_t, 0.5]), 30)
    assert rows.shape == (2, 30)
    np.testing.assert_allclose(rows[1], betainc(2.0, b[:30], math.exp(-0.5)), atol=1e-12)


BATCH_CASES = [  # calls, aht, agents, patience, threshold, short abandons
    (0.0, 180.0, 2, 120.0, 20.0, 5.0),
    (3.0, 240.0, 1, 120.0, 20.0, 5.0),
    (200.0, 180.0, 14, 180.0, 20.0, 0.0),
    (200.0, 180.0, 0, 120.0, 20.0, 5.0),
    (2000.0, 180.0, 80, 120.0, 30.0, 5.0),
    (200.0, 180.0, 12, math.inf, 20.0, 0.0),
    (50.0, 300.0, 3, 60.0, 45.0, 10.0),
    (900.0, 240.0, 70, 1e7, 20.0, 5.0),
]


def test_erlang_a_batch_rows_do_not_depend_on_their_neighbours() -> None:
    cols = [np.array(c) for c in zip(*BATCH_CASES, strict=True)]
    batch = erlang_a_batch(cols[0], cols[1], cols[2], cols[3], cols[4], 3600.0, cols[5])
    assert len(batch) == len(BATCH_CASES)
    for i, (calls, aht, agents, patience, t, s) in enumerate(BATCH_CASES):
        single = erlang_a(calls, aht, agents, patience, t, short_abandon_sec=s)
        row = batch.row(i)
        for name in ("p_wait", "p_abandon", "service_level", "service_level_excl_short", "asa_sec", "occupancy"):
            assert getattr(row, name) == pytest.approx(getattr(single, name), rel=1e-12, abs=1e-15), (i, name)


def test_agents_required_batch_matches_single_searches() -> None:
    calls = np.array([0.0, 4.0, 120.0, 260.0, 900.0])
    patience = np.array([120.0, 120.0, 60.0, 240.0, 180.0])
    reqs = agents_required_erlang_a_batch(calls, 240.0, patience, 0.8, 20.0, 0.85, 0.3, 3600.0, 5.0)
    for c, p, req in zip(calls, patience, reqs, strict=True):
        single = agents_required_erlang_a(float(c), 240.0, float(p), 0.8, 20.0, 0.85, 0.3, 3600.0, 5.0)
        assert (req.agents, req.scheduled, req.binding) == (single.agents, single.scheduled, single.binding)
        assert req.service_level == pytest.approx(single.service_level, rel=1e-12)
        assert req.p_abandon == pytest.approx(single.p_abandon, rel=1e-12, abs=1e-15)
