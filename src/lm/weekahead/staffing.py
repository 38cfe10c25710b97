"""Staffing per interval from a forecast: Erlang C, Erlang A, agents required, callers' patience.

The computing core of issue 11 ("staffing per hour from the forecast"): pure Python on numpy and scipy, no
warehouse. Every function works on one interval (an hour by default) with Poisson arrivals and exponential
handle times; `lm.weekahead.whatif` applies them to a week of forecast hours.

Library or own code
-------------------
`pyworkforce` (0.5.1, the newest on the index here) was checked and is not used:
  * it brings `ortools` and `pandas` as hard dependencies (neither is in the lock; ortools alone is a large
    binary) for about forty lines of Erlang C that we need;
  * it has Erlang C only: no Erlang A (abandonment), which is what the what-if scenarios need, so our own
    queueing code is needed anyway;
  * its edges do not fit a planning loop: zero transactions raise ``ValueError`` (a night hour with no calls is
    normal here), and with positions <= load its ``waiting_probability`` returns a meaningless number instead
    of saying the queue is unstable; the times are in minutes.
Its published test values (the Call Centre Helper worked example) are reproduced in
``pytests/test_staffing.py``, so the choice is checked against it. The scientific part that is worth a
library, the regularized incomplete beta function, comes from ``scipy.special`` (already pinned: scikit-learn
depends on it).

Models
------
Erlang C (M/M/N): load ``A = lambda * AHT`` in Erlangs; the Erlang B blocking ``B(N, A)`` by the stable
recursion ``B(n) = A B(n-1) / (n + A B(n-1))``; ``C = N B / (N - A (1 - B))``; service level
``P(wait <= T) = 1 - C exp(-(N - A) T / AHT)``; ASA ``C AHT / (N - A)``; occupancy ``A / N``. With
``N <= A`` the queue is unstable: ``p_wait = 1``, SL 0, ASA infinite (``stable=False``).

Erlang A (M/M/N+M, Palm 1943 / Garnett, Mandelbaum & Reiman 2002): callers' patience is exponential with mean
``1 / theta``. The stationary distribution is the birth-death chain with death rates
``min(n, N) mu + max(n - N, 0) theta``; its queue part ``p(N + j) = p(N) prod_{k<=j} lambda / (N mu + k theta)``
is summed in log space up to a truncation where the terms are below 1e-17 of the largest (exact to double
precision), the part below N comes from Erlang B. By PASTA an arrival finds ``j`` callers waiting with
probability ``p(N + j)``. Under FCFS its offered wait ``V`` (the wait it would have with infinite patience) is a
sum of independent exponentials with rates ``N mu + k theta``, ``k = 0..j``; rates in arithmetic progression
give closed forms through the regularized incomplete beta ``I_x(a, b)`` with ``x = exp(-theta t)``:
  * ``P(V <= t | j) = 1 - I_x(N mu / theta, j + 1)``;
  * ``P(answered | j) = N mu / (N mu + (j + 1) theta)``;
  * ``P(answered within t | j) = N mu / (N mu + (j + 1) theta) * (1 - I_x(N mu / theta + 1, j + 1))``;
  * ``P(abandoned within t | j) = 1 - P(answered within t | j) - exp(-theta t) I_x(N mu / theta, j + 1)``;
  * ``E[V; answered | j] = N mu / (N mu + (j + 1) theta) * sum_{k=1}^{j+1} 1 / (N mu + k theta)``.
(Tilting ``exp(-theta V)`` turns each rate ``r`` into ``r + theta``, and a sum of exponentials with rates
``theta (c + k)``, ``k = 1..m``, has ``P(S <= t) = P(X >= exp(-theta t))`` with ``X ~ Beta(c + 1, m)``.) The tests
check these against a direct birth-death solution, against the flow identity
``P(abandon) = theta E[queue] / lambda`` and against a simulation of the queue.

Service-level conventions of Erlang A (``ErlangAResult``):
  * ``service_level`` = answered within T / offered: abandoned calls count as failures (the offered
    convention; what the staffing target uses when ``short_abandon_sec`` is 0);
  * ``service_level_excl_short`` = answered within T / (offered - abandoned within ``short_abandon_sec``):
    the project's own KPI (``vw_lm_kpi_daily.service_level`` = answered_in_sl / (answered + lost), short
    abandons below calc param ``short_abandon_sec`` kept out). With ``short_abandon_sec = T`` it is the
    "answered within T over answered plus abandoned after T" convention of many ACD reports;
  * ``abandon_rate_excl_short`` likewise matches ``vw_lm_kpi_daily.abandonment_rate``.

Agents required: the smallest N whose service level meets the target AND whose occupancy ``A / N`` (the
offered load, as in the Call Centre Helper method and pyworkforce; for Erlang A this is conservative, the
carried occupancy is lower) is at most the cap; scheduled staff ``ceil(N / (1 - shrinkage))``.
Zero arrivals need 0 agents.

Patience: ``estimate_patience`` is the exponential MLE with right censoring (abandons / total waiting time).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.special import betainc

#: Queue-part terms below exp(-_LOG_TAIL) of the largest term are dropped (1e-17 relative).
_LOG_TAIL = 40.0
#: A hard cap on the truncated queue length (only reached with near-infinite patience and an overload).
_MAX_QUEUE_STATES = 2_000_000
#: Tolerance of the ceil() in staffing (14 / 0.7 is 20.000000000000004 in floating point).
_CEIL_EPS = 1e-9
#: The agent search gives up beyond this many agents (a plan of that size is an input error).
_MAX_AGENTS = 100_000


def offered_load(calls: float, aht_sec: float, interval_sec: float = 3600.0) -> float:
    """Offered load in Erlangs: arrivals per second x AHT."""
    _check_inputs(calls, aht_sec, interval_sec)
    return calls / interval_sec * aht_sec


def erlang_b(agents: int, load: float) -> float:
    """Erlang B blocking probability B(N, A) by the stable recursion (no factorials, fine for large N)."""
    if agents < 0:
        raise ValueError("agents must be >= 0")
    if load < 0:
        raise ValueError("load must be >= 0")
    if load == 0:
        return 0.0 if agents > 0 else 1.0
    b = 1.0
    for n in range(1, agents + 1):
        b = load * b / (n + load * b)
    return b


def _erlang_c_from_b(agents: int, load: float, b: float) -> float:
    return agents * b / (agents - load * (1.0 - b))


def scheduled_staff(agents: int, shrinkage: float) -> int:
    """Staff to schedule so that ``agents`` are on the phones: ``ceil(agents / (1 - shrinkage))``."""
    if not 0.0 <= shrinkage < 1.0:
        raise ValueError("shrinkage must be in [0, 1)")
    if agents <= 0:
        return 0
    return math.ceil(agents / (1.0 - shrinkage) - _CEIL_EPS)


def _check_inputs(calls: float, aht_sec: float, interval_sec: float) -> None:
    if not (calls >= 0 and math.isfinite(calls)):
        raise ValueError(f"calls must be a finite number >= 0, got {calls!r}")
    if not (aht_sec > 0 and math.isfinite(aht_sec)):
        raise ValueError(f"aht_sec must be > 0, got {aht_sec!r}")
    if not interval_sec > 0:
        raise ValueError(f"interval_sec must be > 0, got {interval_sec!r}")


# ---------------------------------------------------------------------------------------------------------
# Erlang C
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ErlangCResult:
    """Erlang C (M/M/N) figures of one interval."""

    agents: int
    offered_load: float  # Erlangs
    p_wait: float  # probability that an arrival waits (the Erlang C formula)
    service_level: float  # P(wait <= threshold)
    asa_sec: float  # mean wait of all calls (math.inf when unstable)
    occupancy: float  # A / N (> 1 when unstable; inf with arrivals and no agents)
    stable: bool  # N > A (or no arrivals)


def _erlang_c_result(agents: int, load: float, b: float, aht_sec: float, sl_threshold_sec: float) -> ErlangCResult:
    if load == 0:
        return ErlangCResult(agents, 0.0, 0.0, 1.0, 0.0, 0.0, True)
    if agents <= load:
        occupancy = math.inf if agents == 0 else load / agents
        return ErlangCResult(agents, load, 1.0, 0.0, math.inf, occupancy, False)
    c = _erlang_c_from_b(agents, load, b)
    sl = 1.0 - c * math.exp(-(agents - load) * sl_threshold_sec / aht_sec)
    asa = c * aht_sec / (agents - load)
    return ErlangCResult(agents, load, c, min(1.0, max(0.0, sl)), asa, load / agents, True)


def erlang_c(
    calls: float,
    aht_sec: float,
    agents: int,
    sl_threshold_sec: float = 20.0,
    interval_sec: float = 3600.0,
) -> ErlangCResult:
    """Erlang C for ``calls`` arrivals in ``interval_sec`` (an hour), AHT in seconds and ``agents`` on the phones."""
    load = offered_load(calls, aht_sec, interval_sec)
    if agents < 0:
        raise ValueError("agents must be >= 0")
    if sl_threshold_sec < 0:
        raise ValueError("sl_threshold_sec must be >= 0")
    return _erlang_c_result(agents, load, erlang_b(agents, load), aht_sec, sl_threshold_sec)


# ---------------------------------------------------------------------------------------------------------
# Erlang A
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ErlangAResult:
    """Erlang A (M/M/N+M) figures of one interval; probabilities are per offered call unless named otherwise."""

    agents: int
    offered_load: float  # Erlangs
    p_wait: float  # an arrival finds all agents busy
    p_abandon: float  # hangs up before being answered
    p_answered: float  # 1 - p_abandon
    service_level: float  # answered within the threshold / offered
    service_level_excl_short: float  # answered within the threshold / (offered - abandoned within short_abandon_sec)
    abandon_rate_excl_short: float  # abandoned after short_abandon_sec / (offered - abandoned within it)
    p_abandon_short: float  # abandoned within short_abandon_sec / offered
    asa_sec: float  # mean wait of the ANSWERED calls (inf when none is answered)
    mean_wait_all_sec: float  # mean wait of all offered calls, abandoned ones until they hang up (= E[queue] / lambda)
    occupancy: float  # carried load / N: the agents' expected busy share
    short_abandon_sec: float


def _queue_log_terms(lam: float, n_mu: float, theta: float) -> np.ndarray:
    """log of prod_{k=1..j} lam / (n_mu + k theta) for j = 0..K, truncated where negligible."""
    rho = lam / n_mu if n_mu > 0 else math.inf
    y = lam / theta
    k_poisson = math.e**2 * y + 60.0  # the terms are below (e y / j)^j <= exp(-j) past e^2 y
    k_geo = math.inf if rho >= 1.0 else 60.0 / -math.log(rho) + 1.0  # ... and below rho^j when stable
    k_max = int(min(k_poisson, k_geo, _MAX_QUEUE_STATES))
    k = np.arange(1, k_max + 1, dtype=float)
    log_terms = np.concatenate(([0.0], np.cumsum(math.log(lam) - np.log(n_mu + k * theta))))
    keep = log_terms >= log_terms.max() - _LOG_TAIL
    last = int(np.nonzero(keep)[0][-1])
    return log_terms[: last + 1]


def _logsumexp(x: np.ndarray) -> float:
    m = float(x.max())
    return m + math.log(float(np.exp(x - m).sum()))


def erlang_a(
    calls: float,
    aht_sec: float,
    agents: int,
    mean_patience_sec: float,
    sl_threshold_sec: float = 20.0,
    interval_sec: float = 3600.0,
    short_abandon_sec: float = 0.0,
) -> ErlangAResult:
    """Erlang A for one interval: ``mean_patience_sec`` is the callers' mean patience (``math.inf``: Erlang C)."""
    load = offered_load(calls, aht_sec, interval_sec)
    if agents < 0:
        raise ValueError("agents must be >= 0")
    if not mean_patience_sec > 0:
        raise ValueError("mean_patience_sec must be > 0 (math.inf for no abandonment)")
    if sl_threshold_sec < 0 or short_abandon_sec < 0:
        raise ValueError("thresholds must be >= 0")
    if load == 0:
        return ErlangAResult(agents, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, short_abandon_sec)
    if math.isinf(mean_patience_sec):
        return _erlang_a_no_abandon(agents, load, aht_sec, sl_threshold_sec, short_abandon_sec)
    theta = 1.0 / mean_patience_sec
    lam = calls / interval_sec
    mu = 1.0 / aht_sec
    if agents == 0:  # nobody answers: every caller waits until he hangs up
        p_short = 1.0 - math.exp(-theta * short_abandon_sec)
        ab_rate = 1.0 if p_short < 1.0 else 0.0
        return ErlangAResult(
            0, load, 1.0, 1.0, 0.0, 0.0, 0.0, ab_rate, p_short, math.inf, mean_patience_sec, 0.0, short_abandon_sec
        )
    n_mu = agents * mu
    b = erlang_b(agents, load)
    if b == 0.0:  # so many agents that Erlang B underflows: nobody waits
        return ErlangAResult(
            agents, load, 0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, load / agents, short_abandon_sec
        )
    log_terms = _queue_log_terms(lam, n_mu, theta)
    # normaliser relative to p(N): sum_{n<N} p(n)/p(N) = 1/B - 1, plus the queue part
    log_below = math.log1p(-b) - math.log(b) if b < 1.0 else -math.inf
    log_norm = float(np.logaddexp(log_below, _logsumexp(log_terms)))
    q = np.exp(log_terms - log_norm)  # P(an arrival finds j callers waiting), j = 0..K
    j1 = np.arange(1, q.size + 1, dtype=float)  # j + 1
    ans_j = n_mu / (n_mu + j1 * theta)
    a_beta = n_mu / theta
    x_t = math.exp(-theta * sl_threshold_sec)
    ans_t_j = ans_j * (1.0 - betainc(a_beta + 1.0, j1, x_t)) if sl_threshold_sec > 0 else np.zeros_like(q)
    x_s = math.exp(-theta * short_abandon_sec)
    if short_abandon_sec > 0:
        ans_s_j = ans_j * (1.0 - betainc(a_beta + 1.0, j1, x_s))
        ab_s_j = np.clip(1.0 - ans_s_j - x_s * betainc(a_beta, j1, x_s), 0.0, 1.0)
    else:
        ab_s_j = np.zeros_like(q)
    wait_ans_j = ans_j * np.cumsum(1.0 / (n_mu + j1 * theta))

    p_wait = float(q.sum())
    p_no_wait = 1.0 - p_wait
    p_answered = p_no_wait + float(q @ ans_j)
    p_abandon = 1.0 - p_answered
    answered_t = p_no_wait + float(q @ ans_t_j)
    p_short = float(q @ ab_s_j)
    counted = 1.0 - p_short
    mean_wait_all = float(q @ (j1 - 1.0)) / lam  # Little: E[queue] / lambda
    asa = float(q @ wait_ans_j) / p_answered if p_answered > 0 else math.inf
    return ErlangAResult(
        agents=agents,
        offered_load=load,
        p_wait=p_wait,
        p_abandon=p_abandon,
        p_answered=p_answered,
        service_level=answered_t,
        service_level_excl_short=answered_t / counted if counted > 0 else 0.0,
        abandon_rate_excl_short=(p_abandon - p_short) / counted if counted > 0 else 0.0,
        p_abandon_short=p_short,
        asa_sec=asa,
        mean_wait_all_sec=mean_wait_all,
        occupancy=load * p_answered / agents,
        short_abandon_sec=short_abandon_sec,
    )


def _erlang_a_no_abandon(
    agents: int, load: float, aht_sec: float, sl_threshold_sec: float, short_abandon_sec: float
) -> ErlangAResult:
    """Infinite patience: Erlang C in the Erlang A result shape (unstable: nobody answered in a finite time)."""
    c = _erlang_c_result(agents, load, erlang_b(agents, load), aht_sec, sl_threshold_sec)
    if not c.stable:  # the queue grows without end: the agents answer at capacity, nobody within a finite T
        occupancy = 0.0 if agents == 0 else 1.0
        answered = min(1.0, agents / load)
        return ErlangAResult(
            agents, load, 1.0, 0.0, answered, 0.0, 0.0, 0.0, 0.0, math.inf, math.inf, occupancy, short_abandon_sec
        )
    return ErlangAResult(
        agents=agents,
        offered_load=load,
        p_wait=c.p_wait,
        p_abandon=0.0,
        p_answered=1.0,
        service_level=c.service_level,
        service_level_excl_short=c.service_level,
        abandon_rate_excl_short=0.0,
        p_abandon_short=0.0,
        asa_sec=c.asa_sec,
        mean_wait_all_sec=c.asa_sec,
        occupancy=c.occupancy,
        short_abandon_sec=short_abandon_sec,
    )


# ---------------------------------------------------------------------------------------------------------
# Agents required
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffingRequirement:
    """Agents needed on the phones for a target, and the staff to schedule for them."""

    model: Literal["erlang_c", "erlang_a"]
    agents: int  # on the phones (net of shrinkage)
    scheduled: int  # ceil(agents / (1 - shrinkage))
    binding: Literal["none", "service_level", "occupancy"]  # which constraint set the number ("none": no calls)
    offered_load: float
    service_level: float  # at `agents`, in the model's target convention
    asa_sec: float  # at `agents` (answered calls under Erlang A)
    occupancy: float  # offered load / agents (the capped quantity)
    p_abandon: float  # at `agents` (0 under Erlang C)


def _check_targets(sl_target: float, max_occupancy: float, shrinkage: float) -> None:
    if not 0.0 <= sl_target < 1.0:
        raise ValueError("sl_target must be in [0, 1)")
    if not 0.0 < max_occupancy <= 1.0:
        raise ValueError("max_occupancy must be in (0, 1]")
    if not 0.0 <= shrinkage < 1.0:
        raise ValueError("shrinkage must be in [0, 1)")


def _binding(
    n: int, occ_floor: int, service_level: Callable[[int], float], sl_target: float
) -> Literal["service_level", "occupancy"]:
    """The occupancy cap binds when N sits on its floor and one agent fewer would meet the service level."""
    if n == occ_floor and n > 1 and service_level(n - 1) >= sl_target:
        return "occupancy"
    return "service_level"


def _occupancy_floor(load: float, max_occupancy: float) -> int:
    return max(1, math.ceil(load / max_occupancy - _CEIL_EPS))


def agents_required_erlang_c(
    calls: float,
    aht_sec: float,
    sl_target: float = 0.80,
    sl_threshold_sec: float = 20.0,
    max_occupancy: float = 0.85,
    shrinkage: float = 0.0,
    interval_sec: float = 3600.0,
) -> StaffingRequirement:
    """Smallest N with Erlang C SL >= ``sl_target`` within ``sl_threshold_sec`` and ``A / N <= max_occupancy``."""
    _check_targets(sl_target, max_occupancy, shrinkage)
    load = offered_load(calls, aht_sec, interval_sec)
    if load == 0:
        return StaffingRequirement("erlang_c", 0, 0, "none", 0.0, 1.0, 0.0, 0.0, 0.0)
    occ_floor = _occupancy_floor(load, max_occupancy)
    n = max(occ_floor, math.floor(load) + 1)
    b = erlang_b(n, load)
    while True:
        res = _erlang_c_result(n, load, b, aht_sec, sl_threshold_sec)
        if res.service_level >= sl_target:
            break
        if n >= _MAX_AGENTS:
            raise ValueError(f"no staffing up to {_MAX_AGENTS} agents meets the target")
        n += 1
        b = load * b / (n + load * b)
    binding = _binding(
        n,
        occ_floor,
        lambda m: _erlang_c_result(m, load, erlang_b(m, load), aht_sec, sl_threshold_sec).service_level,
        sl_target,
    )
    return StaffingRequirement(
        "erlang_c", n, scheduled_staff(n, shrinkage), binding, load, res.service_level, res.asa_sec, load / n, 0.0
    )


def agents_required_erlang_a(
    calls: float,
    aht_sec: float,
    mean_patience_sec: float,
    sl_target: float = 0.80,
    sl_threshold_sec: float = 20.0,
    max_occupancy: float = 0.85,
    shrinkage: float = 0.0,
    interval_sec: float = 3600.0,
    short_abandon_sec: float = 0.0,
) -> StaffingRequirement:
    """Smallest N with Erlang A SL >= ``sl_target`` and ``A / N <= max_occupancy``.

    The SL is ``service_level`` (answered within the threshold / offered) when ``short_abandon_sec`` is 0,
    otherwise ``service_level_excl_short`` (the project's KPI convention).
    """
    _check_targets(sl_target, max_occupancy, shrinkage)
    load = offered_load(calls, aht_sec, interval_sec)
    if load == 0:
        return StaffingRequirement("erlang_a", 0, 0, "none", 0.0, 1.0, 0.0, 0.0, 0.0)
    occ_floor = _occupancy_floor(load, max_occupancy)

    def sl_of(r: ErlangAResult) -> float:
        return r.service_level_excl_short if short_abandon_sec > 0 else r.service_level

    # Answered calls cannot exceed the capacity (N / A of the offered), so SL >= target needs
    # N >= target * A * (1 - P(abandon within short_abandon_sec)) >= target * A * exp(-theta * short_abandon_sec).
    sl_floor = math.floor(sl_target * load * math.exp(-short_abandon_sec / mean_patience_sec))
    n = max(occ_floor, sl_floor, 1)

    def evaluate(agents: int) -> ErlangAResult:
        return erlang_a(calls, aht_sec, agents, mean_patience_sec, sl_threshold_sec, interval_sec, short_abandon_sec)

    res = evaluate(n)
    while sl_of(res) < sl_target:
        if n >= _MAX_AGENTS:
            raise ValueError(f"no staffing up to {_MAX_AGENTS} agents meets the target")
        n += 1
        res = evaluate(n)
    binding = _binding(n, occ_floor, lambda m: sl_of(evaluate(m)), sl_target)
    return StaffingRequirement(
        "erlang_a", n, scheduled_staff(n, shrinkage), binding, load, sl_of(res), res.asa_sec, load / n, res.p_abandon
    )


# ---------------------------------------------------------------------------------------------------------
# Patience
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PatienceEstimate:
    """Mean patience of callers estimated from their own calls."""

    mean_patience_sec: float  # math.inf when nobody abandoned
    n_calls: int  # calls used (after the short-abandon truncation)
    n_abandoned: int  # abandons used
    exposure_sec: float  # total waiting time at risk of abandoning


def estimate_patience(
    waits_sec: Sequence[float] | np.ndarray,
    abandoned: Sequence[bool] | np.ndarray,
    short_abandon_sec: float | None = None,
) -> PatienceEstimate:
    """Exponential MLE of the mean patience with right censoring (Brown et al. 2005, JASA 100:36-50, sec. 5).

    An abandoned call's wait is its patience; an answered call's wait is a right-censored observation of it
    (its patience was longer). For exponential patience the MLE is ``theta = abandons / total waiting time of all
    calls`` and the mean patience is ``1 / theta``.

    ``short_abandon_sec``: short abandons (hang-ups within this many seconds: misdials, callers put off by the
    greeting) are not impatience and would bias the estimate. They are excluded by left truncation at the
    threshold: only calls that waited at least ``short_abandon_sec`` are used, with the waiting time beyond it.
    Exponential patience is memoryless, so this keeps the estimator consistent whether or not some genuine
    impatience falls below the threshold; merely dropping the short abandons would not be.
    Waits that are NaN (unknown) are left out.
    """
    w = np.asarray(waits_sec, dtype=float)
    ab = np.asarray(abandoned, dtype=bool)
    if w.shape != ab.shape or w.ndim != 1:
        raise ValueError("waits_sec and abandoned must be 1-d and of the same length")
    known = ~np.isnan(w)
    w, ab = w[known], ab[known]
    if np.any(w < 0):
        raise ValueError("waits must be >= 0")
    if short_abandon_sec is not None and short_abandon_sec > 0:
        at_risk = w >= short_abandon_sec
        w, ab = w[at_risk] - short_abandon_sec, ab[at_risk]
    n_ab = int(ab.sum())
    exposure = float(w.sum())
    if n_ab == 0:
        mean = math.inf
    elif exposure == 0:
        mean = 0.0
    else:
        mean = exposure / n_ab
    return PatienceEstimate(mean, int(w.size), n_ab, exposure)
