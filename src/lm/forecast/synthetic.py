"""Synthetic call features with a known generating probability, for the tests and ``scripts/bench_learn.py``.

Not the demo generator (``lm.demo``): these are feature tables as the forecast step receives them (one row
per call, generic numeric / boolean / string columns, nulls), with the true probability ``truth`` behind
each Bernoulli label, so that a learner can be compared with the oracle. The caller is an opaque integer
(``caller_id``), never a phone number.

Two shapes of the log-odds:

``nonlinear``
    ``1.6 sin(2 x0) + 1.2 x1 x2 + 1.0 [x3 > 0.6] + (x4 missing ? 0.9 : 0.4 x4) + cat0 offset
    + bool0 * (0.5 + cat1 offset)``: a periodic effect, an interaction, a step, informative missingness, a
    categorical effect and a categorical x boolean interaction. A logistic regression on the raw columns
    sees little of it (the sine and the product are nearly uncorrelated with their inputs).
``linear``
    ``0.8 x0 - 0.6 x1 + 0.5 x2 + 0.7 x3 + (x4 missing ? 0.9 : 0.4 x4) + cat0 offset + 0.5 bool0``:
    exactly a logistic model in the one-hot / median-imputed / missing-indicator encoding the logistic
    baseline uses (a missing x4 is imputed with a constant, its indicator takes the 0.9), so the baseline
    is well specified.

The remaining numeric columns ``noise*`` (some with nulls) and categorical ``cat*`` beyond the first two
carry no signal. The intercept is solved (bisection on the sample) so that the mean of ``truth`` is
``base_rate``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pyarrow as pa

Shape = Literal["nonlinear", "linear"]

DAY = 86_400
#: 2025-01-01T00:00:00Z, the first call of a synthetic history
T0 = 1_735_689_600


@dataclass(frozen=True)
class SyntheticCalls:
    features: pa.Table
    truth: np.ndarray  # float64, the generating probability of each label
    label: np.ndarray  # int8, Bernoulli(truth)
    call_ts: np.ndarray  # int64 epoch seconds
    caller_id: np.ndarray  # int64, an opaque caller key
    label_closed: np.ndarray  # bool: the label window ended before the end of the history


def _intercept_for(logit: np.ndarray, base_rate: float) -> float:
    lo, hi = -20.0, 20.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if float(np.mean(1 / (1 + np.exp(-(logit + mid))))) < base_rate:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def _categorical(rng: np.random.Generator, n: int, levels: int, zipf: float) -> np.ndarray:
    weights = 1.0 / np.arange(1, levels + 1) ** zipf
    return rng.choice(levels, size=n, p=weights / weights.sum())


def make_synthetic(
    n: int,
    *,
    seed: int = 0,
    shape: Shape = "nonlinear",
    base_rate: float = 0.3,
    n_noise_numeric: int = 3,
    n_noise_categorical: int = 1,
    days: int = 180,
    window_days: int = 14,
    calls_per_caller: float = 1.7,
) -> SyntheticCalls:
    """``n`` calls spread uniformly over ``days`` days; labels over a ``window_days`` window.

    Columns: ``x0..x4`` (float, ``x4`` 25 % null), ``noise0..`` (float, every third one 10 % null),
    ``bool0`` (bool), ``cat0`` (12 levels, Zipf), ``cat1`` (40 levels, Zipf: the tail is rare, 5 % null),
    ``catnoise0..`` (string, 30 levels, no signal). Callers: a pool of ``n / calls_per_caller`` keys.
    """
    if shape not in ("nonlinear", "linear"):
        raise ValueError(f"unknown shape {shape!r}")
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 5))
    x[:, 3] = rng.random(n)
    x4_missing = rng.random(n) < 0.25
    bool0 = rng.random(n) < 0.4
    cat0 = _categorical(rng, n, 12, 0.8)
    cat1 = _categorical(rng, n, 40, 1.1)
    cat1_null = rng.random(n) < 0.05
    # fixed effect tables (their own generator: the same effects whatever n)
    effects = np.random.default_rng(10_000 + seed)
    cat0_offset = effects.normal(0.0, 0.8, 12)
    cat1_offset = effects.normal(0.0, 0.7, 40)

    x4_term = np.where(x4_missing, 0.9, 0.4 * np.nan_to_num(x[:, 4]))
    if shape == "nonlinear":
        logit = (
            1.6 * np.sin(2 * x[:, 0])
            + 1.2 * x[:, 1] * x[:, 2]
            + 1.0 * (x[:, 3] > 0.6)
            + x4_term
            + cat0_offset[cat0]
            + bool0 * (0.5 + np.where(cat1_null, 0.0, cat1_offset[cat1]))
        )
    else:
        linear = 0.8 * x[:, 0] - 0.6 * x[:, 1] + 0.5 * x[:, 2] + 0.7 * x[:, 3]
        logit = linear + x4_term + cat0_offset[cat0] + 0.5 * bool0
    truth = 1 / (1 + np.exp(-(logit + _intercept_for(logit, base_rate))))
    label = (rng.random(n) < truth).astype(np.int8)

    columns: dict[str, pa.Array] = {}
    for j in range(5):
        mask = x4_missing if j == 4 else None
        columns[f"x{j}"] = pa.array(x[:, j], type=pa.float64(), mask=mask)
    for j in range(n_noise_numeric):
        mask = rng.random(n) < 0.1 if j % 3 == 0 else None
        columns[f"noise{j}"] = pa.array(rng.standard_normal(n), type=pa.float64(), mask=mask)
    columns["bool0"] = pa.array(bool0, type=pa.bool_())
    columns["cat0"] = pa.array(np.array([f"c0_{i:02d}" for i in range(12)], dtype=object)[cat0], type=pa.string())
    cat1_values = np.array([f"c1_{i:02d}" for i in range(40)], dtype=object)[cat1]
    columns["cat1"] = pa.array(cat1_values, type=pa.string(), mask=cat1_null)
    for j in range(n_noise_categorical):
        levels = np.array([f"n{j}_{i:02d}" for i in range(30)], dtype=object)
        columns[f"catnoise{j}"] = pa.array(levels[rng.integers(0, 30, n)], type=pa.string())

    call_ts = T0 + rng.integers(0, days * DAY, n, dtype=np.int64)
    caller_id = rng.integers(0, max(1, int(n / calls_per_caller)), n, dtype=np.int64)
    label_closed = call_ts < T0 + days * DAY - window_days * DAY
    return SyntheticCalls(pa.table(columns), truth, label, call_ts, caller_id, label_closed)


def caller_in_holdout(caller_id: np.ndarray, call_ts: np.ndarray, holdout_start_ts: int) -> np.ndarray:
    """Whether each row's caller has a call at or after ``holdout_start_ts`` (the warehouse computes this
    for real calls, on the phone number; here on the opaque key)."""
    return np.isin(caller_id, np.unique(caller_id[call_ts >= holdout_start_ts]))
