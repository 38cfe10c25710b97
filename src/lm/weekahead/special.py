"""Special days (public holidays, closures): imputation of the history and the special/normal ratios.

The models are fitted on a history whose special days are replaced by what a normal day would have looked like:
the median of the same slot (weekday for the daily grain, hour of the week for the hourly grain) in the up to four
previous weeks that were normal days (the following weeks where there are no previous ones, at the start of the
history; the slot's mean over all normal days as the last resort). The imputation only looks back wherever it can,
so a rolling-origin backtest may reuse the imputed history without seeing its own future.

A future special day is forecast as the normal-day forecast times a ratio for its kind:
- closure: 0 (the line is closed; every hour is zero);
- holiday: the series' observed ratio sum(actual) / sum(imputed normal value) over the holidays of its history
  before the forecast origin; with no holiday in that history, the median of the other series' ratios of the same
  grain; with none at all, DEFAULT_HOLIDAY_RATIO.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

import numpy as np
import pandas as pd

SpecialKind = Literal["holiday", "closure"]
KINDS: tuple[SpecialKind, ...] = ("holiday", "closure")
DEFAULT_HOLIDAY_RATIO = 0.3
LOOKBACK_WEEKS = 4


@dataclass(frozen=True)
class SpecialDay:
    """One special day: a public holiday (volume drops) or a closure (the line is closed, volume zero)."""

    day: date
    kind: SpecialKind


def normalise_special_days(
    special_days: Iterable[SpecialDay | tuple[date | str, str]] | pd.DataFrame | None,
) -> dict[pd.Timestamp, SpecialKind]:
    """Map day (midnight Timestamp) -> kind. Accepts SpecialDay objects, (date, kind) pairs or a DataFrame with
    columns date (or day) and kind. A day listed as both kinds counts as a closure."""
    if special_days is None:
        return {}
    pairs: list[tuple[object, str]]
    if isinstance(special_days, pd.DataFrame):
        col = "date" if "date" in special_days.columns else "day"
        pairs = list(zip(special_days[col], special_days["kind"], strict=True))
    else:
        pairs = [(s.day, s.kind) if isinstance(s, SpecialDay) else (s[0], s[1]) for s in special_days]
    out: dict[pd.Timestamp, SpecialKind] = {}
    for raw_day, kind in pairs:
        if kind not in KINDS:
            raise ValueError(f"special day kind must be one of {KINDS}, got {kind!r}")
        if not isinstance(raw_day, date | datetime | str | pd.Timestamp | np.datetime64):
            raise ValueError(f"special day must be a date, got {raw_day!r}")
        day = pd.Timestamp(raw_day).normalize()
        if out.get(day) != "closure":
            out[day] = "closure" if kind == "closure" else "holiday"
    return out


def impute(y: np.ndarray, special: np.ndarray, season: int) -> np.ndarray:
    """`y` with the `special` positions replaced by the median of the same slot in up to LOOKBACK_WEEKS previous
    normal seasons (following ones where there are none before; the slot mean of the normal values as last resort).
    `y` is on a regular grid with `season` steps a week."""
    out = y.astype(float).copy()
    idx = np.flatnonzero(special)
    if idx.size == 0:
        return out
    n = y.size

    def lagged(sign: int) -> np.ndarray:
        vals = np.full((LOOKBACK_WEEKS, idx.size), np.nan)
        for k in range(1, LOOKBACK_WEEKS + 1):
            j = idx + sign * k * season
            ok = (j >= 0) & (j < n)
            jc = np.clip(j, 0, n - 1)
            ok &= ~special[jc]
            vals[k - 1] = np.where(ok, y[jc], np.nan)
        return vals

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=RuntimeWarning)  # all-NaN columns are handled below
        est = np.nanmedian(lagged(-1), axis=0)
        missing = np.isnan(est)
        if missing.any():
            est[missing] = np.nanmedian(lagged(+1)[:, missing], axis=0)
    missing = np.isnan(est)
    if missing.any():
        slots = np.arange(n) % season
        normal = ~special
        for pos in np.flatnonzero(missing):
            same = normal & (slots == slots[idx[pos]])
            est[pos] = float(y[same].mean()) if same.any() else 0.0
    out[idx] = est
    return out


def special_day_table(
    uid: str, ds: pd.DatetimeIndex, y: np.ndarray, y_imp: np.ndarray, special_map: Mapping[pd.Timestamp, str]
) -> pd.DataFrame:
    """One row per special day inside the history of one series: uid, day, kind, day_end (last timestamp of the
    day in the series), actual (day sum) and expected (imputed normal day sum)."""
    days = ds.normalize()
    frame = pd.DataFrame({"day": days, "ds": ds, "y": y, "y_imp": y_imp})
    frame = frame[frame["day"].isin(list(special_map))]
    if frame.empty:
        return pd.DataFrame(
            {
                "uid": pd.Series(dtype=str),
                "day": pd.Series(dtype="datetime64[ns]"),
                "kind": pd.Series(dtype=str),
                "day_end": pd.Series(dtype="datetime64[ns]"),
                "actual": pd.Series(dtype=float),
                "expected": pd.Series(dtype=float),
            }
        )
    agg = frame.groupby("day", as_index=False).agg(
        day_end=("ds", "max"), actual=("y", "sum"), expected=("y_imp", "sum")
    )
    agg.insert(0, "uid", uid)
    agg.insert(2, "kind", agg["day"].map(special_map))
    return agg


def ratios_as_of(table: pd.DataFrame, pairs: Iterable[tuple[str, pd.Timestamp]]) -> pd.DataFrame:
    """Ratio special/normal per (uid, cutoff) pair and kind from the special days that ended by the cutoff.

    Columns uid, cutoff, kind, ratio, n_days (special days of that kind behind the ratio), source
    ('observed' | 'pooled' | 'default' | 'fixed')."""
    rows: list[dict[str, object]] = []
    by_cutoff: dict[pd.Timestamp, list[str]] = {}
    for uid, cutoff in pairs:
        by_cutoff.setdefault(cutoff, []).append(uid)
    hol = table[(table["kind"] == "holiday") & (table["expected"] > 0)]
    for cutoff, uid_list in by_cutoff.items():
        seen = hol[hol["day_end"] <= cutoff]
        sums = seen.groupby("uid")[["actual", "expected"]].sum()
        counts = seen.groupby("uid").size()
        own = (sums["actual"] / sums["expected"]).to_dict()
        pooled = float(np.median(list(own.values()))) if own else None
        for uid in uid_list:
            if uid in own:
                ratio, n, source = float(own[uid]), int(counts[uid]), "observed"
            elif pooled is not None:
                ratio, n, source = pooled, 0, "pooled"
            else:
                ratio, n, source = DEFAULT_HOLIDAY_RATIO, 0, "default"
            rows.append(
                {"uid": uid, "cutoff": cutoff, "kind": "holiday", "ratio": ratio, "n_days": n, "source": source}
            )
            rows.append({"uid": uid, "cutoff": cutoff, "kind": "closure", "ratio": 0.0, "n_days": 0, "source": "fixed"})
    return pd.DataFrame(rows, columns=["uid", "cutoff", "kind", "ratio", "n_days", "source"])
