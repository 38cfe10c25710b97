"""Random streams, categorical draws and epoch-second time, shared by the simulation's steps."""

from __future__ import annotations

import datetime as dt

import numpy as np

EPOCH = dt.datetime(1970, 1, 1)
DAY = 86_400


def rng_for(seed: int, batch_no: int, part: str) -> np.random.Generator:
    """An independent stream per (seed, batch, part): changing one part does not shift the others."""
    part_key = int.from_bytes(part.encode()[:8].ljust(8, b"\0"), "little")
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(batch_no, part_key)))


def to_ts(moment: dt.datetime) -> int:
    return int((moment - EPOCH).total_seconds())


def from_ts(ts: int) -> dt.datetime:
    return EPOCH + dt.timedelta(seconds=int(ts))


def pick(rng: np.random.Generator, cum: np.ndarray, size: int | None = None) -> np.ndarray:
    """Categorical draws from one cumulative distribution ``cum`` (last value 1)."""
    return np.searchsorted(cum, rng.random(size), side="right").clip(0, len(cum) - 1)


def pick_rows(u: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Row-wise categorical draws: ``weights`` is (rows, k), ``u`` uniform per row."""
    cum = np.cumsum(weights, axis=1)
    return np.count_nonzero(u[:, None] * cum[:, -1:] > cum, axis=1).clip(0, weights.shape[1] - 1)


def lognormal(rng: np.random.Generator, median: np.ndarray | float, sigma: float, size: int) -> np.ndarray:
    return np.asarray(median) * np.exp(sigma * rng.standard_normal(size))
