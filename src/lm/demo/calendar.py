"""Calendar and arrivals: how many calls each day brings and when in the day they start."""

from __future__ import annotations

import numpy as np

from lm.demo import behaviour as b
from lm.demo.behaviour import GeneratorConfig
from lm.demo.sampling import DAY, pick


def calendar(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """weekday (0 = Monday), holiday flag, campaign flag, day of year for epoch days."""
    days = np.asarray(days, np.int64)
    if len(days) > 64:  # many calls on few days: the calendar of the day range, looked up
        first = int(days.min())
        span = np.arange(first, int(days.max()) + 1, dtype=np.int64)
        if len(span) < len(days):
            at = days - first
            return tuple(part[at] for part in _calendar(span))  # type: ignore[return-value]
    return _calendar(days)


def _calendar(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday
    d64 = days.astype("datetime64[D]")
    month_start = d64.astype("datetime64[M]")
    month = month_start.astype(np.int64) % 12 + 1
    mday = (d64 - month_start.astype("datetime64[D]")).astype(np.int64) + 1
    holiday = np.isin(month * 100 + mday, b.HOLIDAYS)
    doy = (d64 - d64.astype("datetime64[Y]").astype("datetime64[D]")).astype(np.int64)
    campaign = ((doy >= 40) & (doy < 80)) | ((doy >= 257) & (doy < 298))
    return weekday, holiday, campaign, doy


def growth(days: np.ndarray, cfg: GeneratorConfig) -> np.ndarray:
    return (1.0 + cfg.yearly_growth) ** ((days - b.TREND_REF) / 365.25)


def call_times(rng: np.random.Generator, cfg: GeneratorConfig, after_ts: int, n: int) -> np.ndarray:
    """Sorted start times (epoch s) of the first ``n`` calls strictly after ``after_ts``.

    Days at ``calls_per_day`` on average, with the weekday pattern, public holidays, a mild season, the
    slow trend and day-to-day noise; hours from the weekday or weekend opening-hours profile.
    """
    cum_weekday = np.cumsum(b.HOURS_WEEKDAY) / b.HOURS_WEEKDAY.sum()
    cum_weekend = np.cumsum(b.HOURS_WEEKEND) / b.HOURS_WEEKEND.sum()
    first_day = after_ts // DAY
    chunks: list[np.ndarray] = []
    kept = 0
    chunk_days = max(8, int(n / max(cfg.calls_per_day, 1.0) * 1.3) + 8)
    while kept < n:
        days = np.arange(first_day, first_day + chunk_days, dtype=np.int64)
        first_day += chunk_days
        weekday, holiday, campaign, doy = calendar(days)
        season = 1.0 + 0.07 * np.cos(2 * np.pi * (doy - 40) / 365.25)
        expected = (
            cfg.calls_per_day
            * b.WEEKDAY[weekday]
            * growth(days, cfg)
            * season
            * np.where(holiday, 0.35, 1.0)
            * np.where(campaign, 1.05, 1.0)
        )
        noise = rng.gamma(200.0, 1.0 / 200.0, len(days))  # ~7% day-to-day variation
        counts = rng.poisson(expected * noise)
        day_of_call = np.repeat(days, counts)
        weekend_like = np.repeat((weekday >= 5) | holiday, counts)
        hour = np.where(
            weekend_like,
            pick(rng, cum_weekend, len(day_of_call)),
            pick(rng, cum_weekday, len(day_of_call)),
        )
        ts = day_of_call * DAY + hour * 3600 + rng.integers(0, 3600, len(day_of_call))
        ts = np.sort(ts[ts > after_ts])
        chunks.append(ts)
        kept += len(ts)
        chunk_days = max(8, int((n - kept) / max(cfg.calls_per_day, 1.0) * 1.3) + 8)
    return np.concatenate(chunks)[:n]
