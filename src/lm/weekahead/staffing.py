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
``pytests/test_staffing.py``, so the choice is checked against it. Only ``scipy.special.gammaln`` is used from
scipy (already pinned: scikit-learn depends on it); the tests also use scipy to check our closed forms.

Models
------
Erlang C (M/M/N): load ``A = lambda * AHT`` in Erlangs; the Erlang B blocking ``B(N, A)`` by the stable
recursion ``B(n) = A B(n-1) / (n + A B(n-1))``; ``C = N B / (N - A (1 - B))``; service level
``P(wait <= T) = 1 - C exp(-(N - A) T / AHT)``; ASA ``C AHT / (N - A)``; occupancy ``A / N``. With
``N <= A`` the queue is unstable: ``p_wait = 1``, SL 0, ASA infinite (``stable=False``).

Erlang A (M/M/N+M, Palm 1943 / Garnett, Mandelbaum & Reiman 2002): callers' patience is exponential with mean
``1 / theta``. The stationary distribution is the birth-death chain with death rates
``min(n, N) mu + max(n - N, 0) theta``. Its queue part ``p(N + j) = p(N) prod_{k<=j} lambda / (N mu + k theta)``
is summed in log space up to the position where the terms fall below 1e-16 of the total (found by bisection on
the lgamma form of the product: exact to double precision); the part below N comes from Erlang B. By PASTA an
arrival finds ``j`` callers waiting with probability ``p(N + j)``. Under FCFS its offered wait ``V`` (the wait it
would have with infinite patience) is a sum of independent exponentials with rates ``N mu + k theta``,
``k = 0..j``; rates in arithmetic progression give closed forms through the regularized incomplete beta
``I_x(a, b)`` with ``x = exp(-theta t)``:
  * ``P(V <= t | j) = 1 - I_x(N mu / theta, j + 1)``;
  * ``P(answered | j) = N mu / (N mu + (j + 1) theta)``;
  * ``P(answered within t | j) = N mu / (N mu + (j + 1) theta) * (1 - I_x(N mu / theta + 1, j + 1))``;
  * ``P(abandoned within t | j) = 1 - P(answered within t | j) - exp(-theta t) I_x(N mu / theta, j + 1)``;
  * ``E[V; answered | j] = N mu / (N mu + (j + 1) theta) * sum_{k=1}^{j+1} 1 / (N mu + k theta)``.
(Tilting ``exp(-theta V)`` turns each rate ``r`` into ``r + theta``, and a sum of exponentials with rates
``theta (c + k)``, ``k = 1..m``, has ``P(S <= t) = P(X >= exp(-theta t))`` with ``X ~ Beta(c + 1, m)``.) With
integer ``b = j + 1`` the incomplete beta is a negative-binomial CDF, so a whole row over j is one cumulative sum
(`incomplete_beta_int`). `erlang_a_batch` evaluates many intervals in one numpy pass (the what-if step does a
week of hours x scenarios at once); `erlang_a` is its one-interval form. The tests check all this against
``scipy.special.betainc``, a direct birth-death solution, the flow identity
``P(abandon) = theta E[queue] / lambda`` and a simulation of the queue.

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
from dataclasses import dataclass, fields
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import gammaln

#: A cap on the queue positions summed. Only patience of days against an overload gets there: such a queue
#: is Erlang C's unstable one for any practical purpose, and is evaluated as that (no abandonment).
_MAX_QUEUE_STATES = 100_000
#: Queue terms below exp(-_LOG_TAIL) of the total are left out (about 1e-16 relative).
_LOG_TAIL = 37.0
#: Rows x queue states evaluated in one numpy pass (bounds the memory of a batch: 8 bytes x ~10 arrays each).
_CHUNK_CELLS = 400_000
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
    p_answered: float  # 1 - p_abandon (with infinite patience and N <= A: the share answered at capacity)
    service_level: float  # answered within the threshold / offered
    service_level_excl_short: float  # answered within the threshold / (offered - abandoned within short_abandon_sec)
    abandon_rate_excl_short: float  # abandoned after short_abandon_sec / (offered - abandoned within it)
    p_abandon_short: float  # abandoned within short_abandon_sec / offered
    asa_sec: float  # mean wait of the ANSWERED calls (inf when none is answered)
    mean_wait_all_sec: float  # mean wait of all offered calls, abandoned ones until they hang up (= E[queue] / lambda)
    occupancy: float  # carried load / N: the agents' expected busy share
    short_abandon_sec: float


_A_FIELDS = tuple(f.name for f in fields(ErlangAResult))


@dataclass(frozen=True)
class ErlangABatch:
    """Erlang A figures of many intervals at once: one numpy array per field of `ErlangAResult`."""

    agents: np.ndarray
    offered_load: np.ndarray
    p_wait: np.ndarray
    p_abandon: np.ndarray
    p_answered: np.ndarray
    service_level: np.ndarray
    service_level_excl_short: np.ndarray
    abandon_rate_excl_short: np.ndarray
    p_abandon_short: np.ndarray
    asa_sec: np.ndarray
    mean_wait_all_sec: np.ndarray
    occupancy: np.ndarray
    short_abandon_sec: np.ndarray

    def __len__(self) -> int:
        return int(self.agents.size)

    def row(self, i: int) -> ErlangAResult:
        values = {name: float(getattr(self, name)[i]) for name in _A_FIELDS}
        values["agents"] = int(self.agents[i])
        return ErlangAResult(**values)


def incomplete_beta_int(a: ArrayLike, theta_t: ArrayLike, size: int) -> np.ndarray:
    """``I_x(a, b)`` for ``x = exp(-theta_t)`` and ``b = 1..size``: the regularized incomplete beta at integer b.

    ``I_x(a, b)`` is the probability of at most ``b - 1`` failures before the a-th success at success probability
    x (negative binomial), so a whole row is one cumulative sum of the pmf ``x^a (a)_m / m! (1 - x)^m``, built in
    log space (no cancellation, no overflow for large a or b); far cheaper than ``scipy.special.betainc`` per
    element (the tests check it against scipy). Scalars give shape ``(size,)``, arrays of r rows ``(r, size)``.
    """
    a_arr = np.atleast_1d(np.asarray(a, dtype=float))[:, None]
    t_arr = np.atleast_1d(np.asarray(theta_t, dtype=float))[:, None]
    m = np.arange(1.0, size)
    log_pmf = np.empty((max(a_arr.shape[0], t_arr.shape[0]), size))
    log_pmf[:, :1] = -a_arr * t_arr  # log x^a
    with np.errstate(divide="ignore"):  # theta_t = 0: x = 1, I = 1 for every b
        log1mx = np.log(-np.expm1(-t_arr))
    log_pmf[:, 1:] = log_pmf[:, :1] + np.cumsum(np.log((a_arr + m - 1.0) / m), axis=1) + m * log1mx
    out = np.minimum(np.cumsum(np.exp(log_pmf), axis=1), 1.0)
    return out[0] if np.ndim(a) == 0 and np.ndim(theta_t) == 0 else out


def erlang_b_batch(agents: np.ndarray, load: np.ndarray) -> np.ndarray:
    """`erlang_b` for arrays of agents and loads (the same recursion, run up to the largest N)."""
    agents = np.asarray(agents, dtype=np.int64)
    load = np.asarray(load, dtype=float)
    if agents.size == 1 and load.size == 1:  # one interval: the plain loop is cheaper than numpy steps
        return np.full(np.broadcast(agents, load).shape, erlang_b(int(agents.item()), float(load.item())))
    b = np.ones(np.broadcast(agents, load).shape)
    for n in range(1, int(agents.max(initial=0)) + 1):
        step = load * b / (n + load * b)
        b = np.where(n <= agents, step, b)
    return np.where(load == 0, np.where(agents > 0, 0.0, 1.0), b)


def _queue_states(lam: np.ndarray, n_mu: np.ndarray, theta: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Queue positions j = 0..K-1 to sum per row: past K the stationary terms are below e^-_LOG_TAIL of the total.

    ``log t_j = log prod_{k<=j} lam / (N mu + k theta) = j log y - (lgamma(c + j + 1) - lgamma(c + 1))`` with
    ``y = lam / theta``, ``c = N mu / theta``; it rises up to the mode ``j* = max(0, y - c)`` and falls after it,
    so the cut is found by bisection past the mode against the total's lower bound max(1/B - 1, t_j*).
    """
    y = lam / theta
    c = n_mu / theta
    log_y = np.log(y)
    base = gammaln(c + 1.0)

    def log_t(j: np.ndarray) -> np.ndarray:
        return j * log_y - (gammaln(c + j + 1.0) - base)

    mode = np.maximum(0.0, np.floor(y - c))
    with np.errstate(divide="ignore"):
        log_below = np.log1p(-b) - np.log(b)
    floor_level = np.maximum(log_below, log_t(mode)) - _LOG_TAIL
    lo, hi = mode.copy(), mode + 16.0
    for _ in range(64):  # grow hi until it is past the cut (the terms fall at least geometrically after the mode)
        past = (log_t(hi) < floor_level) | (hi >= _MAX_QUEUE_STATES)
        if past.all():
            break
        lo = np.where(past, lo, hi)
        hi = np.where(past, hi, np.minimum(2.0 * hi + 16.0, _MAX_QUEUE_STATES))
    for _ in range(64):  # bisection: log_t(lo) >= floor_level > log_t(hi)
        if np.all(hi - lo <= 1.0):
            break
        mid = np.floor((lo + hi) / 2.0)
        below = log_t(mid) < floor_level
        hi = np.where(below, mid, hi)
        lo = np.where(below, lo, mid)
    return hi.astype(np.int64) + 1


def _queue_sums(
    lam: np.ndarray,
    n_mu: np.ndarray,
    theta: np.ndarray,
    b: np.ndarray,
    t: np.ndarray,
    s: np.ndarray,
    k_rows: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """P(wait), P(answered), P(answered within t), P(abandoned within s), E[queue], E[wait; answered] per row,
    summed over the queue position j an arrival finds (the module docstring); rows are grouped by truncation."""
    # rows with similar truncation together (size classes of x1.5), at most _CHUNK_CELLS cells per numpy pass
    size_class = np.ceil(np.log(k_rows) / math.log(1.5)).astype(np.int64)
    order = np.lexsort((k_rows, size_class))
    out = [np.empty(lam.size) for _ in range(6)]
    start = 0
    while start < order.size:
        stop = start + 1
        cls = size_class[order[start]]
        while (
            stop < order.size
            and size_class[order[stop]] == cls
            and k_rows[order[stop]] * (stop + 1 - start) <= _CHUNK_CELLS
        ):
            stop += 1
        idx = order[start:stop]
        chunk = _queue_sums_chunk(lam[idx], n_mu[idx], theta[idx], b[idx], t[idx], s[idx], int(k_rows[idx].max()))
        for arr, val in zip(out, chunk, strict=True):
            arr[idx] = val
        start = stop
    return tuple(out)


def _queue_sums_chunk(
    lam: np.ndarray, n_mu: np.ndarray, theta: np.ndarray, b: np.ndarray, t: np.ndarray, s: np.ndarray, size: int
) -> tuple[np.ndarray, ...]:
    lam_c, n_mu_c, theta_c = lam[:, None], n_mu[:, None], theta[:, None]
    k = np.arange(1.0, size)
    log_terms = np.zeros((lam.size, size))  # log prod_{k<=j} lam / (N mu + k theta), j = 0..size-1
    log_terms[:, 1:] = np.cumsum(np.log(lam_c) - np.log(n_mu_c + k * theta_c), axis=1)
    top = log_terms.max(axis=1)
    log_queue = top + np.log(np.exp(log_terms - top[:, None]).sum(axis=1))
    with np.errstate(divide="ignore"):  # b = 1 (never here: N >= 1) would give log(0)
        log_below = np.log1p(-b) - np.log(b)  # sum_{n<N} p(n) / p(N) = 1/B - 1
    q = np.exp(log_terms - np.logaddexp(log_below, log_queue)[:, None])  # P(arrival finds j waiting)
    j1 = np.arange(1.0, size + 1.0)  # j + 1
    rate = n_mu_c + j1 * theta_c
    ans_j = n_mu_c / rate
    a_beta = n_mu / theta
    p_wait = q.sum(axis=1)
    q_ans = q * ans_j
    p_answered = 1.0 - p_wait + q_ans.sum(axis=1)
    answered_t = 1.0 - p_wait + (q_ans * (1.0 - incomplete_beta_int(a_beta + 1.0, theta * t, size))).sum(axis=1)
    # abandoned within s = 1 - answered within s - still waiting at s (exp(-theta s) P(V > s))
    ts = theta * s
    ab_s = (
        1.0
        - ans_j * (1.0 - incomplete_beta_int(a_beta + 1.0, ts, size))
        - np.exp(-ts)[:, None] * incomplete_beta_int(a_beta, ts, size)
    )
    p_short = np.clip((q * ab_s).sum(axis=1), 0.0, 1.0)
    mean_queue = (q * j1).sum(axis=1) - p_wait
    answered_wait = (q_ans * np.cumsum(1.0 / rate, axis=1)).sum(axis=1)
    return p_wait, p_answered, answered_t, p_short, mean_queue, answered_wait


def erlang_a_batch(
    calls: ArrayLike,
    aht_sec: ArrayLike,
    agents: ArrayLike,
    mean_patience_sec: ArrayLike,
    sl_threshold_sec: ArrayLike = 20.0,
    interval_sec: ArrayLike = 3600.0,
    short_abandon_sec: ArrayLike = 0.0,
) -> ErlangABatch:
    """`erlang_a` for many intervals in one numpy pass (the arguments broadcast against each other)."""
    calls_a, aht, ag, pat, t, iv, s = (
        np.atleast_1d(np.asarray(x, dtype=float)).ravel()
        for x in np.broadcast_arrays(
            calls, aht_sec, agents, mean_patience_sec, sl_threshold_sec, interval_sec, short_abandon_sec
        )
    )
    if not (np.all(np.isfinite(calls_a)) and np.all(calls_a >= 0)):
        raise ValueError("calls must be finite and >= 0")
    if not (np.all(np.isfinite(aht)) and np.all(aht > 0)) or not np.all(iv > 0):
        raise ValueError("aht_sec and interval_sec must be > 0")
    if np.any(ag < 0) or np.any(ag != np.floor(ag)):
        raise ValueError("agents must be whole numbers >= 0")
    if not np.all(pat > 0):
        raise ValueError("mean_patience_sec must be > 0 (math.inf for no abandonment)")
    if np.any(t < 0) or np.any(s < 0):
        raise ValueError("thresholds must be >= 0")
    n = ag.astype(np.int64)
    load = calls_a / iv * aht
    res = {name: np.zeros(load.size) for name in _A_FIELDS}
    res["agents"], res["offered_load"], res["short_abandon_sec"] = n, load, s
    # rows with no calls keep the zeros except:
    empty = load == 0
    for name in ("p_answered", "service_level", "service_level_excl_short"):
        res[name][empty] = 1.0

    def put(mask: np.ndarray, **values: ArrayLike) -> None:
        for name, value in values.items():
            res[name][mask] = value if np.ndim(value) == 0 else np.asarray(value)[mask]

    finite = np.isfinite(pat)
    theta = np.where(finite, 1.0 / pat, 0.0)
    # nobody to answer: every caller waits until he hangs up
    none = ~empty & (n == 0) & finite
    p_short0 = -np.expm1(-theta * s)
    put(
        none,
        p_wait=1.0,
        p_abandon=1.0,
        p_abandon_short=p_short0,
        abandon_rate_excl_short=np.where(p_short0 < 1, 1.0, 0.0),
        asa_sec=math.inf,
        mean_wait_all_sec=pat,
    )
    # infinite patience: Erlang C
    for i in np.nonzero(~empty & ~finite)[0]:
        r = _erlang_a_no_abandon(int(n[i]), float(load[i]), float(aht[i]), float(t[i]), float(s[i]))
        for name in _A_FIELDS:
            if name != "agents":
                res[name][i] = getattr(r, name)
    general = ~empty & (n > 0) & finite
    b = np.zeros(load.size)
    if general.any():
        b[general] = erlang_b_batch(n[general], load[general])
    no_wait = general & (b == 0.0)  # so many agents that Erlang B underflows: nobody waits
    put(no_wait, p_answered=1.0, service_level=1.0, service_level_excl_short=1.0, occupancy=load / np.maximum(n, 1))
    main = general & (b > 0.0)
    k_rows = np.zeros(load.size, dtype=np.int64)
    if main.any():
        k_rows[main] = _queue_states(calls_a[main] / iv[main], n[main] / aht[main], theta[main], b[main])
    for i in np.nonzero(main & (k_rows > _MAX_QUEUE_STATES))[0]:  # patience of days against an overload
        r = _erlang_a_no_abandon(int(n[i]), float(load[i]), float(aht[i]), float(t[i]), float(s[i]))
        for name in _A_FIELDS:
            if name != "agents":
                res[name][i] = getattr(r, name)
    main &= k_rows <= _MAX_QUEUE_STATES
    if main.any():
        lam = calls_a[main] / iv[main]
        n_mu = n[main] / aht[main]
        p_wait, p_ans, ans_t, p_short, mean_queue, ans_wait = _queue_sums(
            lam, n_mu, theta[main], b[main], t[main], s[main], k_rows[main]
        )
        counted = 1.0 - p_short
        with np.errstate(divide="ignore", invalid="ignore"):
            sl_ex = np.where(counted > 0, ans_t / counted, 0.0)
            ab_ex = np.where(counted > 0, (1.0 - p_ans - p_short) / counted, 0.0)
            asa = np.where(p_ans > 0, ans_wait / p_ans, math.inf)
        values = {
            "p_wait": p_wait,
            "p_abandon": 1.0 - p_ans,
            "p_answered": p_ans,
            "service_level": ans_t,
            "service_level_excl_short": sl_ex,
            "abandon_rate_excl_short": ab_ex,
            "p_abandon_short": p_short,
            "asa_sec": asa,
            "mean_wait_all_sec": mean_queue / lam,  # Little: E[queue] / lambda
            "occupancy": load[main] * p_ans / n[main],
        }
        for name, value in values.items():
            res[name][main] = value
    return ErlangABatch(**res)


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
    _check_inputs(calls, aht_sec, interval_sec)
    return erlang_a_batch(
        calls, aht_sec, agents, mean_patience_sec, sl_threshold_sec, interval_sec, short_abandon_sec
    ).row(0)


def _erlang_a_no_abandon(
    agents: int, load: float, aht_sec: float, sl_threshold_sec: float, short_abandon_sec: float
) -> ErlangAResult:
    """Infinite patience: Erlang C in the Erlang A result shape."""
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
    _check_inputs(calls, aht_sec, interval_sec)
    return agents_required_erlang_a_batch(
        calls,
        aht_sec,
        mean_patience_sec,
        sl_target,
        sl_threshold_sec,
        max_occupancy,
        shrinkage,
        interval_sec,
        short_abandon_sec,
    )[0]


def agents_required_erlang_a_batch(
    calls: ArrayLike,
    aht_sec: ArrayLike,
    mean_patience_sec: ArrayLike,
    sl_target: ArrayLike = 0.80,
    sl_threshold_sec: ArrayLike = 20.0,
    max_occupancy: ArrayLike = 0.85,
    shrinkage: ArrayLike = 0.0,
    interval_sec: ArrayLike = 3600.0,
    short_abandon_sec: ArrayLike = 0.0,
) -> list[StaffingRequirement]:
    """`agents_required_erlang_a` for many intervals (broadcast arguments): all rows step up together."""
    calls_a, aht, pat, target, t, cap, shrink, iv, s = (
        np.atleast_1d(np.asarray(x, dtype=float)).ravel()
        for x in np.broadcast_arrays(
            calls,
            aht_sec,
            mean_patience_sec,
            sl_target,
            sl_threshold_sec,
            max_occupancy,
            shrinkage,
            interval_sec,
            short_abandon_sec,
        )
    )
    for tg, cp, sh in {(float(x), float(y), float(z)) for x, y, z in zip(target, cap, shrink, strict=True)}:
        _check_targets(tg, cp, sh)
    load = calls_a / iv * aht
    occ_floor = np.maximum(1, np.ceil(load / cap - _CEIL_EPS)).astype(np.int64)
    # Answered calls cannot exceed the capacity (N / A of the offered), so SL >= target needs
    # N >= target * A * (1 - P(abandon within s)) >= target * A * exp(-s / patience).
    sl_floor = np.floor(target * load * np.exp(-s / pat)).astype(np.int64)
    n = np.maximum(np.maximum(occ_floor, sl_floor), 1)
    n[load == 0] = 0

    def evaluate(rows: np.ndarray, agents: np.ndarray) -> ErlangABatch:
        return erlang_a_batch(calls_a[rows], aht[rows], agents, pat[rows], t[rows], iv[rows], s[rows])

    def sl_of(batch: ErlangABatch, rows: np.ndarray) -> np.ndarray:
        return np.where(s[rows] > 0, batch.service_level_excl_short, batch.service_level)

    found: dict[int, ErlangAResult] = {}
    todo = np.nonzero(load > 0)[0]
    while todo.size:
        batch = evaluate(todo, n[todo])
        met = sl_of(batch, todo) >= target[todo]
        for k in np.nonzero(met)[0]:
            found[int(todo[k])] = batch.row(int(k))
        todo = todo[~met]
        if np.any(n[todo] >= _MAX_AGENTS):
            raise ValueError(f"no staffing up to {_MAX_AGENTS} agents meets the target")
        n[todo] += 1
    # the occupancy cap binds where N sits on its floor and one agent fewer would meet the service level
    check = np.nonzero((n == occ_floor) & (n > 1) & (load > 0))[0]
    occupancy_binds = np.zeros(load.size, dtype=bool)
    if check.size:
        below = evaluate(check, n[check] - 1)
        occupancy_binds[check] = sl_of(below, check) >= target[check]
    out: list[StaffingRequirement] = []
    for i in range(load.size):
        if load[i] == 0:
            out.append(StaffingRequirement("erlang_a", 0, 0, "none", 0.0, 1.0, 0.0, 0.0, 0.0))
            continue
        r = found[i]
        out.append(
            StaffingRequirement(
                "erlang_a",
                int(n[i]),
                scheduled_staff(int(n[i]), float(shrink[i])),
                "occupancy" if occupancy_binds[i] else "service_level",
                float(load[i]),
                r.service_level_excl_short if s[i] > 0 else r.service_level,
                r.asa_sec,
                float(load[i] / n[i]),
                r.p_abandon,
            )
        )
    return out


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
