"""Synthetic call-centre KPI history with a known structure, for the week-ahead tests and benchmark.

Every series is built hour by hour from an intensity = level (piecewise constant, with level shifts) x weekday
factor x intraday profile (the line is closed at night and on Sundays), scaled down on public holidays and set to
zero on closures, then drawn with Poisson noise (workload: a gamma handle time per call). The daily series are the
sums of the hourly ones, and the total is exactly the sum of its channels, so the hierarchy holds in the data.
No personal data: only counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

# Weekday factors Monday..Sunday (Sunday closed) and opening hours [open, close) per weekday.
WEEKDAY_FACTOR = (1.15, 1.0, 0.95, 0.95, 0.85, 0.35, 0.0)
OPENING_HOURS = ((7, 20), (7, 20), (7, 20), (7, 20), (7, 19), (8, 14), (0, 0))
HOLIDAY_FACTOR = 0.15

TOTAL_ID = "calls_offered"


@dataclass(frozen=True)
class SyntheticHistory:
    """The generated long tables (columns series_id, grain, ds, y) and the structure behind them."""

    daily: pd.DataFrame
    hourly: pd.DataFrame
    holidays: tuple[date, ...]
    closures: tuple[date, ...]
    hierarchy: dict[str, list[str]] = field(default_factory=dict)

    def long(self) -> pd.DataFrame:
        """Both grains in one long table."""
        return pd.concat([self.daily, self.hourly], ignore_index=True)


def intraday_profile(weekday: int, peak_shift: float = 0.0) -> np.ndarray:
    """The 24 hourly weights of one weekday (zero outside the opening hours), summing to 1 (or all zero)."""
    start, end = OPENING_HOURS[weekday]
    w = np.zeros(24)
    if end <= start:
        return w
    hours = np.arange(start, end) + 0.5
    mid = (start + end) / 2 + peak_shift
    # a morning peak and a smaller afternoon one
    w[start:end] = np.exp(-(((hours - (mid - 2.5)) / 2.2) ** 2)) + 0.6 * np.exp(-(((hours - (mid + 2.5)) / 2.5) ** 2))
    return w / w.sum()


def default_holidays(start: date, days: int) -> list[date]:
    """About ten weekday public holidays a year, spread over the period."""
    out: list[date] = []
    for k in range(1, days // 35 + 1):
        d = start + timedelta(days=35 * k + 2)
        while d.weekday() >= 5:
            d += timedelta(days=1)
        if d < start + timedelta(days=days):
            out.append(d)
    return out


def _level(days: int, base: float, shifts: Sequence[tuple[float, float]], rng: np.random.Generator) -> np.ndarray:
    """Daily level: base, multiplied by each (at_fraction, factor) shift from that point on, plus a slow wiggle."""
    t = np.arange(days)
    level = np.full(days, base, dtype=float)
    for at, factor in shifts:
        level[t >= int(at * days)] *= factor
    phase = rng.uniform(0, 2 * np.pi)
    return level * (1 + 0.05 * np.sin(2 * np.pi * t / 120 + phase))


def generate(
    start: date = date(2025, 1, 6),
    days: int = 364,
    *,
    channels: int = 7,
    total_per_day: float = 2400.0,
    extra_series: bool = True,
    holidays: Sequence[date] | None = None,
    closures: Sequence[date] = (),
    shifts: Sequence[tuple[float, float]] = ((0.45, 1.25), (0.8, 0.85)),
    day_noise: float = 0.08,
    seed: int = 0,
) -> SyntheticHistory:
    """Generate `days` days of hourly and daily history from `start` (a Monday by default).

    Series: `calls_offered` (total) = sum of `calls_offered.ch1..chN`; with `extra_series` also `bookings`,
    `risky_cases` (small counts) and `workload_s` (seconds). Mean daily volume of the total on a Monday ~
    `total_per_day` x 1.15 before level shifts. `day_noise` is the sd of a log-normal day effect shared by every
    series (weather, news: the day-to-day over-dispersion of real call volumes beyond Poisson).
    """
    rng = np.random.default_rng(seed)
    hol = list(default_holidays(start, days) if holidays is None else holidays)
    clo = list(closures)
    day_index = pd.date_range(pd.Timestamp(start), periods=days, freq="D")
    hour_index = pd.date_range(pd.Timestamp(start), periods=days * 24, freq="h")
    weekdays = day_index.dayofweek.to_numpy()
    day_factor = np.array([WEEKDAY_FACTOR[w] for w in weekdays])
    dates = [d.date() for d in day_index]
    special = np.ones(days)
    special[[i for i, d in enumerate(dates) if d in set(hol)]] = HOLIDAY_FACTOR
    special[[i for i, d in enumerate(dates) if d in set(clo)]] = 0.0
    level = _level(days, total_per_day, shifts, rng)
    level = level * rng.lognormal(-0.5 * day_noise**2, day_noise, size=days)

    shares = rng.dirichlet(np.full(channels, 2.0))
    hourly_rows: dict[str, np.ndarray] = {}
    channel_ids = [f"{TOTAL_ID}.ch{k + 1}" for k in range(channels)]
    for k, sid in enumerate(channel_ids):
        shift = rng.uniform(-1.0, 1.0)
        profiles = np.stack([intraday_profile(w, shift) for w in range(7)])  # (7, 24)
        lam_day = level * day_factor * special * shares[k]
        lam = (lam_day[:, None] * profiles[weekdays]).ravel()
        hourly_rows[sid] = rng.poisson(lam).astype(float)
    hourly_rows[TOTAL_ID] = np.sum([hourly_rows[s] for s in channel_ids], axis=0)
    if extra_series:
        profiles = np.stack([intraday_profile(w) for w in range(7)])
        base = (level * day_factor * special)[:, None] * profiles[weekdays]
        hourly_rows["bookings"] = rng.poisson(0.3 * base.ravel()).astype(float)
        hourly_rows["risky_cases"] = rng.poisson(0.004 * base.ravel()).astype(float)
        calls = hourly_rows[TOTAL_ID]
        # each call ~ gamma(shape 2, mean 300 s) handle time; sum over the hour's calls = gamma(2 n, 150)
        shape = np.where(calls > 0, 2.0 * calls, 1.0)
        hourly_rows["workload_s"] = np.where(calls > 0, rng.gamma(shape, 150.0), 0.0)

    hourly = pd.concat(
        [pd.DataFrame({"series_id": sid, "grain": "hour", "ds": hour_index, "y": y}) for sid, y in hourly_rows.items()],
        ignore_index=True,
    )
    daily = pd.concat(
        [
            pd.DataFrame({"series_id": sid, "grain": "day", "ds": day_index, "y": y.reshape(days, 24).sum(axis=1)})
            for sid, y in hourly_rows.items()
        ],
        ignore_index=True,
    )
    return SyntheticHistory(
        daily=daily,
        hourly=hourly,
        holidays=tuple(hol),
        closures=tuple(clo),
        hierarchy={TOTAL_ID: channel_ids},
    )
