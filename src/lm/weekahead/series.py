"""Week-ahead interval forecasts of the KPI series (daily and hourly), with a rolling-origin backtest.

Pure Python on statsforecast (Nixtla); no warehouse. Entry point: `forecast_week_ahead`.

Input: a long table, a pandas DataFrame or a pyarrow Table, with columns
  series_id (str), grain ('day' | 'hour'), ds (timestamp; midnight / dates for the day grain), y (float >= 0),
plus the special days (`SpecialDay(day, kind)` objects, (date, kind) pairs or a DataFrame with columns date, kind;
kind 'holiday' | 'closure'), an optional hierarchy {total_series_id: [child series ids]} and a `WeekAheadConfig`.
A (series_id, grain) pair is one series; each is put on a regular grid (daily / hourly) from its first to its last
timestamp, and a timestamp with no row counts as zero (the line was closed, nothing happened).

Models (statsforecast aliases in the `model` column):
  day:  SeasonalNaive (season 7, the baseline) and AutoETS (season 7, model 'ZNA': error type chosen, no trend,
        additive season on the sqrt scale; full 'ZZZ' selection picked no trend on the bench data and was ~8x slower);
  hour: SeasonalNaive (season 168, the baseline) and MSTL (seasons 24 and 168, AutoETS 'ANN' trend, STL with
        LOESS jumps for speed) fitted on the last `hourly_input_weeks` weeks.
Every model is fitted on sqrt(y) (variance stabilising for counts, `transform='sqrt'`); points and bounds are
squared back (the point is then a median-type forecast, which is what MAE/MASE reward), clipped at 0 and put in
order lo_95 <= lo_80 <= point <= hi_80 <= hi_95. A slot (weekday for days, hour of the week for hours) whose
history is zero in each of the last `closed_weeks` weeks is forecast as exactly zero (the line is closed).
Special days: see `lm.weekahead.special` (imputed history, future special day = normal forecast x ratio).

Backtest: rolling origin, `backtest_origins` origins `backtest_step_days` apart, ending at the last timestamp, each
forecasting `backtest_horizon_days` days with a refit on the history up to the origin (special-day ratios and the
closed slots as of the origin). Per origin: MAE, MASE (MAE / in-sample seasonal-naive MAE up to the origin, season
7 daily, 168 hourly, on the actual history), WAPE (sum |error| / sum actual) and the empirical coverage of the 80 %
and 95 % intervals against the actual values. Summary per series x model: mean MASE over the origins, pooled WAPE
and coverage. The chosen model of a series is the one with the lowest mean MASE; a model within `tie_tolerance` of
the lowest loses to one listed before it (baseline first: the simpler model wins a tie). A series too short for
the backtest gets the baseline.

Intervals (`intervals`):
  'model'                   the models' own (normal) intervals, computed on the sqrt scale;
  'backtest_conformal'      split-conformal intervals from each model's own backtest errors on the sqrt scale,
                            per series and error group (hour of the day for the hourly grain, all rows daily):
                            bound = (sqrt(point) -/+ q)^2 with q the ceil((n + 1) level)-th smallest |error|. The
                            forecast uses every origin's errors, each backtest origin only the other origins'
                            (leave one origin out), so the reported coverage stays out of sample. No extra fits.
  'statsforecast_conformal' statsforecast's ConformalIntervals (conformal_windows windows) on every model: one
                            extra fit per window and per fit, so (windows + 1) x the cost; per-horizon-step
                            quantiles of `conformal_windows` errors cannot reach 95 % with few windows. Measured on
                            the 11 hourly bench series: 229 s and 0.82 / 0.86 coverage, hence not the default.
  'auto' (default)          the models' own intervals, except for a (grain, model) whose pooled backtest coverage
                            over the rows it forecast (forced zeros left out) is outside [0.70, 0.90] at 80 % or
                            [0.88, 0.99] at 95 %: that model gets 'backtest_conformal' (`WeekAheadResult.intervals`
                            shows the coverage that decided). Hourly homoscedastic intervals are too narrow in the
                            busy hours (the zero nights shrink the residual variance), so hourly usually switches.

Reconciliation: with a hierarchy, the children are scaled top-down to their total (see `lm.weekahead.reconcile`)
in `forecasts` (per grain and model; `point_base` keeps the unreconciled point) and in `final` (the chosen model
of each series, per grain).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa

from lm.weekahead.reconcile import VALUE_COLUMNS, reconcile
from lm.weekahead.special import (
    SpecialDay,
    impute,
    normalise_special_days,
    ratios_as_of,
    special_day_table,
)

Grain = Literal["day", "hour"]
GRAINS: tuple[Grain, ...] = ("day", "hour")
LEVELS = (80, 95)
COVERAGE_BANDS = {80: (0.70, 0.90), 95: (0.88, 0.99)}
BASELINE = "SeasonalNaive"
MODELS: dict[Grain, tuple[str, ...]] = {"day": (BASELINE, "AutoETS"), "hour": (BASELINE, "MSTL")}

FORECAST_COLUMNS = [
    "series_id",
    "grain",
    "ds",
    "model",
    "point",
    "lo_80",
    "hi_80",
    "lo_95",
    "hi_95",
    "point_base",
    "interval_method",
    "chosen",
]


@dataclass(frozen=True)
class WeekAheadConfig:
    """Knobs of `forecast_week_ahead` (defaults = the issue's: 7 days ahead, 8 weekly origins of 7 days)."""

    horizon_days: int = 7
    backtest_origins: int = 8
    backtest_step_days: int = 7
    backtest_horizon_days: int = 7
    transform: Literal["sqrt", "none"] = "sqrt"
    intervals: Literal["auto", "model", "conformal"] = "auto"
    conformal_windows: int = 4
    hourly_input_weeks: int | None = 16
    closed_weeks: int = 4
    tie_tolerance: float = 1e-9
    # statsforecast worker processes; 1 measured faster on the shared 2-core machine (fork + pickling per call)
    n_jobs: int = 1

    def steps_per_day(self, grain: Grain) -> int:
        return 1 if grain == "day" else 24

    def season(self, grain: Grain) -> int:
        return 7 * self.steps_per_day(grain)


@dataclass(frozen=True)
class WeekAheadResult:
    """Outputs of `forecast_week_ahead` (pandas DataFrames; ds is datetime64, midnight for the day grain).

    forecasts: series_id, grain, ds, model, point, lo_80, hi_80, lo_95, hi_95, point_base, interval_method, chosen
      - every model of every series, H days ahead (H rows daily, 24 H hourly per series and model).
    final: the same columns for the chosen model of each series only (reconciled per grain).
    backtest: series_id, grain, model, cutoff, n, mae, mase, wape, coverage_80, coverage_95, n_open,
      coverage_80_open, coverage_95_open, interval_method - one row per origin; *_open = over the rows the model
      forecast (the forced zeros of closed slots and closures, trivially covered, left out).
    summary: series_id, grain, model, n_origins, mase, wape, mae, coverage_80, coverage_95, n_open,
      coverage_80_open, coverage_95_open, interval_method, chosen.
    chosen: series_id, grain, model, mase, reason ('backtest' | 'short history').
    intervals: grain, model, method, n_rows, coverage_80, coverage_95 - the pooled backtest coverage of the models'
      own intervals over the rows they forecast, which decided the method under intervals='auto'.
    special_ratios: series_id, grain, kind, ratio, n_days, source - used for the future special days.
    timings: seconds per stage (prepare, forecast, backtest, conformal = backtest-conformal calibration, post).
    """

    forecasts: pd.DataFrame
    final: pd.DataFrame
    backtest: pd.DataFrame
    summary: pd.DataFrame
    chosen: pd.DataFrame
    intervals: pd.DataFrame
    special_ratios: pd.DataFrame
    timings: dict[str, float]


@dataclass
class _Panel:
    """One grain's series on a regular grid."""

    grain: Grain
    frame: pd.DataFrame  # unique_id, series_id, ds, y (actual), y_imp (special days imputed), yt (transformed y_imp)
    specials: pd.DataFrame  # special_day_table rows of every series
    lengths: dict[str, int]


def _as_pandas(history: pd.DataFrame | pa.Table) -> pd.DataFrame:
    df = history.to_pandas() if isinstance(history, pa.Table) else history.copy()
    missing = {"series_id", "grain", "ds", "y"} - set(df.columns)
    if missing:
        raise ValueError(f"history lacks columns {sorted(missing)}")
    df = df[["series_id", "grain", "ds", "y"]].copy()
    df["series_id"] = df["series_id"].astype(str)
    df["grain"] = df["grain"].astype(str)
    bad = set(df["grain"]) - set(GRAINS)
    if bad:
        raise ValueError(f"grain must be 'day' or 'hour', got {sorted(bad)}")
    df["ds"] = pd.to_datetime(df["ds"])
    if getattr(df["ds"].dt, "tz", None) is not None:
        df["ds"] = df["ds"].dt.tz_localize(None)
    df["y"] = pd.to_numeric(df["y"], errors="raise").astype(float)
    if df["y"].isna().any() or (df["y"] < 0).any():
        raise ValueError("y must be a number >= 0 on every row")
    day_rows = df["grain"] == "day"
    if (df.loc[day_rows, "ds"] != df.loc[day_rows, "ds"].dt.normalize()).any():
        raise ValueError("day-grain ds must be dates (midnight)")
    if df.duplicated(["series_id", "grain", "ds"]).any():
        raise ValueError("history has duplicate (series_id, grain, ds) rows")
    return df


def _transform(y: np.ndarray, how: str) -> np.ndarray:
    return np.sqrt(np.clip(y, 0.0, None)) if how == "sqrt" else y


def _untransform(v: np.ndarray, how: str) -> np.ndarray:
    v = np.clip(v, 0.0, None)
    return v * v if how == "sqrt" else v


def _slot(ds: pd.Series | pd.DatetimeIndex, grain: Grain) -> np.ndarray:
    idx = pd.DatetimeIndex(ds)
    dow = idx.dayofweek.to_numpy()
    return dow if grain == "day" else dow * 24 + idx.hour.to_numpy()


def _prepare(df: pd.DataFrame, grain: Grain, special_map: Mapping[pd.Timestamp, str], cfg: WeekAheadConfig) -> _Panel:
    freq = "D" if grain == "day" else "h"
    season = cfg.season(grain)
    frames: list[pd.DataFrame] = []
    tables: list[pd.DataFrame] = []
    lengths: dict[str, int] = {}
    special_days = pd.DatetimeIndex(list(special_map))
    for sid, part in df[df["grain"] == grain].groupby("series_id", sort=True):
        part = part.sort_values("ds")
        if grain == "hour" and (part["ds"] != part["ds"].dt.floor("h")).any():
            raise ValueError(f"hour-grain ds of {sid!r} must be whole hours")
        grid = pd.date_range(part["ds"].iloc[0], part["ds"].iloc[-1], freq=freq)
        y = part.set_index("ds")["y"].reindex(grid, fill_value=0.0).to_numpy(float)
        if y.size < 3 * season:
            raise ValueError(f"series {sid!r} ({grain}) has {y.size} points; at least {3 * season} (3 weeks) needed")
        special = grid.normalize().isin(special_days)
        y_imp = impute(y, np.asarray(special), season)
        uid = f"{grain}|{sid}"
        lengths[uid] = y.size
        frames.append(
            pd.DataFrame(
                {
                    "unique_id": uid,
                    "series_id": sid,
                    "ds": grid,
                    "y": y,
                    "y_imp": y_imp,
                    "yt": _transform(y_imp, cfg.transform),
                }
            )
        )
        tables.append(special_day_table(uid, grid, y, y_imp, special_map))
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    specials = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()
    return _Panel(grain=grain, frame=frame, specials=specials, lengths=lengths)


def _models(grain: Grain, names: Sequence[str], cfg: WeekAheadConfig, conformal: bool, h: int) -> list[Any]:
    from statsforecast.models import MSTL, AutoETS, SeasonalNaive
    from statsforecast.utils import ConformalIntervals

    pi = ConformalIntervals(n_windows=cfg.conformal_windows, h=h) if conformal else None
    season = cfg.season(grain)
    out: list[Any] = []
    for name in names:
        if name == BASELINE:
            out.append(SeasonalNaive(season_length=season, alias=BASELINE, prediction_intervals=pi))
        elif name == "AutoETS":
            out.append(AutoETS(season_length=season, model="ZNA", alias="AutoETS", prediction_intervals=pi))
        elif name == "MSTL":
            out.append(
                MSTL(
                    season_length=[24, season],
                    trend_forecaster=AutoETS(model="ANN"),
                    stl_kwargs={"trend_jump": 30, "low_pass_jump": 30, "seasonal_jump": 2},
                    alias="MSTL",
                    prediction_intervals=pi,
                )
            )
        else:
            raise ValueError(f"unknown model {name!r}")
    return out


def _input_size(grain: Grain, cfg: WeekAheadConfig) -> int | None:
    return cfg.hourly_input_weeks * cfg.season(grain) if grain == "hour" and cfg.hourly_input_weeks else None


def _long(wide: pd.DataFrame, names: Sequence[str], cutoff: pd.Series | None) -> pd.DataFrame:
    """statsforecast's wide output -> rows unique_id, ds, cutoff, model, point, lo_80, hi_80, lo_95, hi_95."""
    parts = []
    for name in names:
        part = pd.DataFrame(
            {
                "unique_id": wide["unique_id"].to_numpy(),
                "ds": wide["ds"].to_numpy(),
                "cutoff": (wide["cutoff"] if cutoff is None else cutoff).to_numpy(),
                "model": name,
                "point": wide[name].to_numpy(float),
                "lo_80": wide[f"{name}-lo-80"].to_numpy(float),
                "hi_80": wide[f"{name}-hi-80"].to_numpy(float),
                "lo_95": wide[f"{name}-lo-95"].to_numpy(float),
                "hi_95": wide[f"{name}-hi-95"].to_numpy(float),
            }
        )
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def _run(
    panel: _Panel, names: Sequence[str], cfg: WeekAheadConfig, conformal: bool, uids: Sequence[str], backtest: bool
) -> pd.DataFrame:
    """Forecast (backtest=False: from the last timestamp, H days) or cross-validate; long rows, transformed space."""
    from statsforecast import StatsForecast

    grain = panel.grain
    per_day = cfg.steps_per_day(grain)
    h = (cfg.backtest_horizon_days if backtest else cfg.horizon_days) * per_day
    conf_h = max(cfg.backtest_horizon_days, cfg.horizon_days) * per_day
    data = panel.frame[panel.frame["unique_id"].isin(uids)][["unique_id", "ds", "yt"]].rename(columns={"yt": "y"})
    if data.empty:
        return pd.DataFrame(columns=["unique_id", "ds", "cutoff", "model", *VALUE_COLUMNS])
    sf = StatsForecast(
        models=_models(grain, names, cfg, conformal, conf_h), freq="D" if grain == "day" else "h", n_jobs=cfg.n_jobs
    )
    size = _input_size(grain, cfg)
    if backtest:
        wide = sf.cross_validation(
            h=h,
            df=data,
            n_windows=cfg.backtest_origins,
            step_size=cfg.backtest_step_days * per_day,
            input_size=size,
            level=list(LEVELS),
            refit=True,
        )
        return _long(wide, names, None)
    if size is not None:
        data = data.groupby("unique_id", sort=False).tail(size)
    wide = sf.forecast(h=h, df=data, level=list(LEVELS))
    last = data.groupby("unique_id")["ds"].max()
    return _long(wide, names, wide["unique_id"].map(last))


def _closed_slots(panel: _Panel, pairs: pd.DataFrame, cfg: WeekAheadConfig) -> pd.DataFrame:
    """(unique_id, cutoff, slot) of the slots whose imputed history is zero in each of the last closed_weeks weeks."""
    season = cfg.season(panel.grain)
    span = cfg.closed_weeks * season
    rows: list[pd.DataFrame] = []
    frame = panel.frame
    by_uid = {uid: g for uid, g in frame.groupby("unique_id", sort=False)}
    for uid, cutoff in pairs.itertuples(index=False):
        g = by_uid[uid]
        hist = g[g["ds"] <= cutoff].tail(span)
        if len(hist) < min(span, 2 * season):
            continue
        slots = _slot(hist["ds"], panel.grain)
        open_slots = set(slots[hist["y_imp"].to_numpy() > 0].tolist())
        closed = sorted(set(slots.tolist()) - open_slots)
        if closed:
            rows.append(pd.DataFrame({"unique_id": uid, "cutoff": cutoff, "slot": closed}))
    if not rows:
        return pd.DataFrame(
            {
                "unique_id": pd.Series(dtype=object),
                "cutoff": pd.Series(dtype="datetime64[ns]"),
                "slot": pd.Series(dtype=np.int64),
            }
        )
    return pd.concat(rows, ignore_index=True)


def _postprocess(
    raw: pd.DataFrame, panel: _Panel, special_map: Mapping[pd.Timestamp, str], cfg: WeekAheadConfig
) -> pd.DataFrame:
    """Back-transform, clip at 0, order the bounds, zero the closed slots, scale the special days by their ratio.
    Adds the columns forced_zero (closed slot or closure) and special_kind."""
    if raw.empty:
        return raw.assign(forced_zero=pd.Series(dtype=bool), special_kind=pd.Series(dtype=object))
    out = raw.copy()
    out["cutoff"] = pd.to_datetime(out["cutoff"])
    out["ds"] = pd.to_datetime(out["ds"])
    vals = {c: _untransform(out[c].to_numpy(float), cfg.transform) for c in VALUE_COLUMNS}
    point = vals["point"]
    lo80 = np.minimum(vals["lo_80"], point)
    lo95 = np.minimum(vals["lo_95"], lo80)
    hi80 = np.maximum(vals["hi_80"], point)
    hi95 = np.maximum(vals["hi_95"], hi80)
    for col, v in zip(VALUE_COLUMNS, (point, lo80, hi80, lo95, hi95), strict=True):
        out[col] = v
    pairs = out[["unique_id", "cutoff"]].drop_duplicates()
    closed = _closed_slots(panel, pairs, cfg)
    out["slot"] = _slot(out["ds"], panel.grain)
    closed["closed"] = True
    out = out.merge(closed, on=["unique_id", "cutoff", "slot"], how="left")
    is_closed = out["closed"].eq(True).to_numpy()
    out["special_kind"] = out["ds"].dt.normalize().map(special_map).astype(object)
    ratios = ratios_as_of(panel.specials, pairs.itertuples(index=False, name=None))
    out = out.merge(
        ratios[["uid", "cutoff", "kind", "ratio"]].rename(columns={"uid": "unique_id", "kind": "special_kind"}),
        on=["unique_id", "cutoff", "special_kind"],
        how="left",
    )
    factor = np.where(is_closed, 0.0, out["ratio"].fillna(1.0).to_numpy(float))
    for col in VALUE_COLUMNS:
        out[col] = out[col].to_numpy(float) * factor
    out["forced_zero"] = is_closed | (out["special_kind"] == "closure").to_numpy()
    return out.drop(columns=["slot", "closed", "ratio"])


def _mase_scale(panel: _Panel, pairs: pd.DataFrame, season: int) -> pd.DataFrame:
    """In-sample seasonal-naive MAE of the actual history up to each (unique_id, cutoff)."""
    rows = []
    for uid, g in panel.frame.groupby("unique_id", sort=False):
        y = g["y"].to_numpy(float)
        ds = g["ds"].to_numpy()
        d = np.abs(y[season:] - y[:-season])
        csum = np.concatenate([[0.0], np.cumsum(d)])
        for cutoff in pairs.loc[pairs["unique_id"] == uid, "cutoff"]:
            c = int(np.searchsorted(ds, np.datetime64(cutoff), side="right"))  # points up to the cutoff
            m = c - season
            rows.append({"unique_id": uid, "cutoff": cutoff, "scale": csum[m] / m if m > 0 else np.nan})
    return pd.DataFrame(rows, columns=["unique_id", "cutoff", "scale"])


def _score(cv: pd.DataFrame, panel: _Panel, cfg: WeekAheadConfig) -> pd.DataFrame:
    """Per-origin metrics of post-processed backtest rows against the actual history."""
    actual = panel.frame[["unique_id", "ds", "y"]]
    rows = cv.merge(actual, on=["unique_id", "ds"], how="left")
    err = (rows["y"] - rows["point"]).abs()
    rows = rows.assign(
        abs_err=err,
        in80=((rows["y"] >= rows["lo_80"]) & (rows["y"] <= rows["hi_80"])).astype(float),
        in95=((rows["y"] >= rows["lo_95"]) & (rows["y"] <= rows["hi_95"])).astype(float),
    )
    is_open = ~rows["forced_zero"].to_numpy(bool)
    rows = rows.assign(
        open=is_open.astype(float),
        in80o=rows["in80"].where(is_open),
        in95o=rows["in95"].where(is_open),
    )
    per = rows.groupby(["unique_id", "model", "cutoff"], as_index=False).agg(
        n=("y", "size"),
        n_open=("open", "sum"),
        coverage_80_open=("in80o", "mean"),
        coverage_95_open=("in95o", "mean"),
        mae=("abs_err", "mean"),
        sum_abs=("abs_err", "sum"),
        sum_y=("y", "sum"),
        coverage_80=("in80", "mean"),
        coverage_95=("in95", "mean"),
    )
    scale = _mase_scale(panel, per[["unique_id", "cutoff"]].drop_duplicates(), cfg.season(panel.grain))
    per = per.merge(scale, on=["unique_id", "cutoff"], how="left")
    with np.errstate(divide="ignore", invalid="ignore"):
        per["mase"] = np.where(per["scale"] > 0, per["mae"] / per["scale"], np.nan)
        per["wape"] = np.where(per["sum_y"] > 0, per["sum_abs"] / per["sum_y"], np.nan)
    return per


def _open_coverage(cv: pd.DataFrame, panel: _Panel) -> pd.DataFrame:
    """Pooled coverage per model over the rows the model forecast (forced zeros left out)."""
    rows = cv[~cv["forced_zero"]].merge(panel.frame[["unique_id", "ds", "y"]], on=["unique_id", "ds"], how="left")
    rows = rows.assign(
        in80=((rows["y"] >= rows["lo_80"]) & (rows["y"] <= rows["hi_80"])).astype(float),
        in95=((rows["y"] >= rows["lo_95"]) & (rows["y"] <= rows["hi_95"])).astype(float),
    )
    return rows.groupby("model", as_index=False).agg(
        n_rows=("y", "size"), coverage_80=("in80", "mean"), coverage_95=("in95", "mean")
    )


def _conformal_quantile(errors: np.ndarray, level: float) -> float:
    """Split-conformal quantile: the ceil((n + 1) level)-th smallest error (the largest if that is past n)."""
    e = np.sort(errors)
    k = min(int(np.ceil((e.size + 1) * level)), e.size)
    return float(e[k - 1]) if e.size else np.nan


def _error_group(ds: pd.Series, grain: Grain) -> np.ndarray:
    """Errors are pooled per hour of the day for the hourly grain (noise differs a lot by hour), all together daily."""
    return pd.DatetimeIndex(ds).hour.to_numpy() if grain == "hour" else np.zeros(len(ds), dtype=int)


def _apply_quantiles(frame: pd.DataFrame, mask: np.ndarray, q: dict[int, np.ndarray], cfg: WeekAheadConfig) -> None:
    """Bounds T^-1(T(point) -/+ q_level) on the masked rows, in place; rows without a quantile keep theirs."""
    tp = _transform(frame.loc[mask, "point"].to_numpy(float), cfg.transform)
    for level in LEVELS:
        qq = q[level]
        ok = ~np.isnan(qq)
        lo = frame.loc[mask, f"lo_{level}"].to_numpy(float)
        hi = frame.loc[mask, f"hi_{level}"].to_numpy(float)
        lo[ok] = _untransform(tp[ok] - qq[ok], cfg.transform)
        hi[ok] = _untransform(tp[ok] + qq[ok], cfg.transform)
        frame.loc[mask, f"lo_{level}"] = lo
        frame.loc[mask, f"hi_{level}"] = hi
    frame.loc[mask, "lo_95"] = np.minimum(frame.loc[mask, "lo_95"], frame.loc[mask, "lo_80"])
    frame.loc[mask, "hi_95"] = np.maximum(frame.loc[mask, "hi_95"], frame.loc[mask, "hi_80"])


def _backtest_conformal(
    cv: pd.DataFrame, fc: pd.DataFrame, panel: _Panel, model: str, cfg: WeekAheadConfig
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Replace `model`'s intervals by split-conformal ones calibrated on its own backtest errors.

    Errors |T(actual) - T(point)| (T = the transform) of the backtest rows the model forecast (forced zeros left
    out), per series and error group (hour of the day, or all rows for the day grain); bound = T^-1(T(point) -/+
    the conformal quantile). The forecast uses every origin's errors; each backtest origin uses only the other
    origins' errors (leave one origin out), so the backtest coverage stays out of sample."""
    cv = cv.copy()
    fc = fc.copy()
    actual = panel.frame.set_index(["unique_id", "ds"])["y"]
    sel = ((cv["model"] == model) & ~cv["forced_zero"]).to_numpy()
    rows = cv.loc[sel, ["unique_id", "ds", "cutoff", "point"]].copy()
    y = actual.reindex(pd.MultiIndex.from_frame(rows[["unique_id", "ds"]])).to_numpy(float)
    rows["e"] = np.abs(_transform(y, cfg.transform) - _transform(rows["point"].to_numpy(float), cfg.transform))
    rows["g"] = _error_group(rows["ds"], panel.grain)
    buckets = {
        (str(k[0]), int(k[1])): (g["e"].to_numpy(float), g["cutoff"].to_numpy())
        for k, g in rows.groupby(["unique_id", "g"], sort=False)
    }

    def quantiles(frame: pd.DataFrame, leave_out: bool) -> dict[int, np.ndarray]:
        uid = frame["unique_id"].to_numpy()
        grp = _error_group(frame["ds"], panel.grain)
        cut = frame["cutoff"].to_numpy()
        out = {level: np.full(len(frame), np.nan) for level in LEVELS}
        cache: dict[tuple[Any, ...], tuple[float, ...]] = {}
        for i in range(len(frame)):
            key = (str(uid[i]), int(grp[i]), cut[i] if leave_out else None)
            if key not in cache:
                bucket = buckets.get(key[:2])
                if bucket is None:
                    cache[key] = tuple(np.nan for _ in LEVELS)
                else:
                    errs = bucket[0][bucket[1] != cut[i]] if leave_out else bucket[0]
                    cache[key] = tuple(_conformal_quantile(errs, level / 100) for level in LEVELS)
            for j, level in enumerate(LEVELS):
                out[level][i] = cache[key][j]
        return out

    fsel = ((fc["model"] == model) & ~fc["forced_zero"]).to_numpy()
    _apply_quantiles(fc, fsel, quantiles(fc.loc[fsel], leave_out=False), cfg)
    _apply_quantiles(cv, sel, quantiles(cv.loc[sel], leave_out=True), cfg)
    return cv, fc


def _covers(row: pd.Series) -> bool:
    return bool(
        COVERAGE_BANDS[80][0] <= row["coverage_80"] <= COVERAGE_BANDS[80][1]
        and COVERAGE_BANDS[95][0] <= row["coverage_95"] <= COVERAGE_BANDS[95][1]
    )


def _summarise(per: pd.DataFrame) -> pd.DataFrame:
    """Per series x model: mean MASE over the origins, pooled WAPE (sum_abs, sum_y) and pooled coverage."""
    hits = per.assign(
        h80=per["coverage_80"] * per["n"],
        h95=per["coverage_95"] * per["n"],
        h80o=per["coverage_80_open"].fillna(0.0) * per["n_open"],
        h95o=per["coverage_95_open"].fillna(0.0) * per["n_open"],
    )
    out = hits.groupby(["unique_id", "model"], as_index=False).agg(
        n_origins=("cutoff", "size"),
        mase=("mase", "mean"),
        mae=("mae", "mean"),
        sum_abs=("sum_abs", "sum"),
        sum_y=("sum_y", "sum"),
        n=("n", "sum"),
        h80=("h80", "sum"),
        h95=("h95", "sum"),
        n_open=("n_open", "sum"),
        h80o=("h80o", "sum"),
        h95o=("h95o", "sum"),
    )
    out["coverage_80_open"] = out["h80o"] / out["n_open"].where(out["n_open"] > 0)
    out["coverage_95_open"] = out["h95o"] / out["n_open"].where(out["n_open"] > 0)
    out["coverage_80"] = out["h80"] / out["n"]
    out["coverage_95"] = out["h95"] / out["n"]
    out["wape"] = (out["sum_abs"] / out["sum_y"].where(out["sum_y"] > 0)).astype(float)
    return out


def _choose(summary: pd.DataFrame, order: Sequence[str], tol: float) -> dict[str, tuple[str, float]]:
    chosen: dict[str, tuple[str, float]] = {}
    rank = {m: i for i, m in enumerate(order)}
    for uid, g in summary.groupby("unique_id", sort=False):
        mase = g["mase"].fillna(np.inf)
        best = float(mase.min())
        cands = g[mase <= best + tol] if np.isfinite(best) else g[g["model"] == order[0]]
        pick = min(cands["model"], key=lambda m: rank[m])
        chosen[str(uid)] = (str(pick), float(g.loc[g["model"] == pick, "mase"].iloc[0]))
    return chosen


def forecast_week_ahead(
    history: pd.DataFrame | pa.Table,
    special_days: Iterable[SpecialDay | tuple[Any, str]] | pd.DataFrame | None = None,
    hierarchy: Mapping[str, Sequence[str]] | None = None,
    config: WeekAheadConfig | None = None,
) -> WeekAheadResult:
    """Forecast every series `config.horizon_days` days ahead with every model, backtest them, choose one per series.

    See the module docstring for the input, the models, intervals, special days and reconciliation.
    """
    cfg = config or WeekAheadConfig()
    if cfg.horizon_days < 1 or cfg.backtest_origins < 1 or cfg.backtest_horizon_days < 1:
        raise ValueError("horizon_days, backtest_origins and backtest_horizon_days must be >= 1")
    timings = {"prepare": 0.0, "forecast": 0.0, "backtest": 0.0, "conformal": 0.0, "post": 0.0}
    t0 = time.perf_counter()
    df = _as_pandas(history)
    special_map = normalise_special_days(special_days)
    timings["prepare"] += time.perf_counter() - t0

    fc_parts: list[pd.DataFrame] = []
    bt_parts: list[pd.DataFrame] = []
    sum_parts: list[pd.DataFrame] = []
    interval_rows: list[dict[str, Any]] = []
    chosen_rows: list[dict[str, Any]] = []
    ratio_parts: list[pd.DataFrame] = []
    for grain in GRAINS:
        if not (df["grain"] == grain).any():
            continue
        t = time.perf_counter()
        panel = _prepare(df, grain, special_map, cfg)
        timings["prepare"] += time.perf_counter() - t
        names = MODELS[grain]
        season = cfg.season(grain)
        per_day = cfg.steps_per_day(grain)
        need = 3 * season + ((cfg.backtest_origins - 1) * cfg.backtest_step_days + cfg.backtest_horizon_days) * per_day
        uids = sorted(panel.lengths)
        bt_uids = [u for u in uids if panel.lengths[u] >= need]
        conformal_all = cfg.intervals == "statsforecast_conformal"

        t = time.perf_counter()
        fc = _postprocess(_run(panel, names, cfg, conformal_all, uids, backtest=False), panel, special_map, cfg)
        timings["forecast"] += time.perf_counter() - t
        t = time.perf_counter()
        cv = _postprocess(_run(panel, names, cfg, conformal_all, bt_uids, backtest=True), panel, special_map, cfg)
        timings["backtest"] += time.perf_counter() - t
        method = {m: "statsforecast_conformal" if conformal_all else "model" for m in names}

        cov = (
            _open_coverage(cv, panel)
            if bt_uids
            else pd.DataFrame(columns=["model", "n_rows", "coverage_80", "coverage_95"])
        )
        t = time.perf_counter()
        for m in names:
            r = cov[cov["model"] == m]
            row = r.iloc[0] if len(r) else None
            wanted = cfg.intervals == "backtest_conformal" or (
                cfg.intervals == "auto" and row is not None and not _covers(row)
            )
            if wanted and bt_uids:
                cv, fc = _backtest_conformal(cv, fc, panel, m, cfg)
                method[m] = "backtest_conformal"
            interval_rows.append(
                {
                    "grain": grain,
                    "model": m,
                    "method": method[m],
                    "n_rows": int(row["n_rows"]) if row is not None else 0,
                    "coverage_80": float(row["coverage_80"]) if row is not None else np.nan,
                    "coverage_95": float(row["coverage_95"]) if row is not None else np.nan,
                }
            )
        timings["conformal"] += time.perf_counter() - t

        t = time.perf_counter()
        per = _score(cv, panel, cfg) if bt_uids else pd.DataFrame()
        summary = _summarise(per) if len(per) else pd.DataFrame(columns=["unique_id", "model", "mase"])
        chosen = _choose(summary, names, cfg.tie_tolerance) if len(summary) else {}
        for uid in uids:
            sid = uid.split("|", 1)[1]
            if uid in chosen:
                chosen_rows.append(
                    {
                        "series_id": sid,
                        "grain": grain,
                        "model": chosen[uid][0],
                        "mase": chosen[uid][1],
                        "reason": "backtest",
                    }
                )
            else:
                chosen_rows.append(
                    {"series_id": sid, "grain": grain, "model": BASELINE, "mase": np.nan, "reason": "short history"}
                )
        pick = {r["series_id"]: r["model"] for r in chosen_rows if r["grain"] == grain}
        sid_of = panel.frame.drop_duplicates("unique_id").set_index("unique_id")["series_id"]

        fc["series_id"] = fc["unique_id"].map(sid_of)
        fc["grain"] = grain
        fc["interval_method"] = fc["model"].map(method)
        fc["chosen"] = fc["model"].to_numpy() == fc["series_id"].map(pick).to_numpy()
        fc_parts.append(fc)
        if len(per):
            per["series_id"] = per["unique_id"].map(sid_of)
            per["grain"] = grain
            per["interval_method"] = per["model"].map(method)
            summary["series_id"] = summary["unique_id"].map(sid_of)
            summary["grain"] = grain
            summary["interval_method"] = summary["model"].map(method)
            summary["chosen"] = summary["model"].to_numpy() == summary["series_id"].map(pick).to_numpy()
            bt_parts.append(per)
            sum_parts.append(summary)
        last = panel.frame.groupby("unique_id")["ds"].max()
        ratios = ratios_as_of(panel.specials, list(last.items()))
        ratios["series_id"] = ratios["uid"].map(sid_of)
        ratios["grain"] = grain
        ratio_parts.append(ratios)
        timings["post"] += time.perf_counter() - t

    t = time.perf_counter()
    forecasts = pd.concat(fc_parts, ignore_index=True) if fc_parts else pd.DataFrame(columns=FORECAST_COLUMNS)
    forecasts["point_base"] = forecasts["point"]
    final = forecasts[forecasts["chosen"]].copy()
    if hierarchy:
        forecasts = reconcile(forecasts, hierarchy, by=["grain", "model"])
        final = reconcile(final, hierarchy, by=["grain"])
    forecasts = forecasts[FORECAST_COLUMNS].sort_values(["grain", "series_id", "model", "ds"], ignore_index=True)
    final = final[FORECAST_COLUMNS].sort_values(["grain", "series_id", "ds"], ignore_index=True)
    backtest_cols = [
        "series_id",
        "grain",
        "model",
        "cutoff",
        "n",
        "mae",
        "mase",
        "wape",
        "coverage_80",
        "coverage_95",
        "n_open",
        "coverage_80_open",
        "coverage_95_open",
        "interval_method",
    ]
    summary_cols = [
        "series_id",
        "grain",
        "model",
        "n_origins",
        "mase",
        "wape",
        "mae",
        "coverage_80",
        "coverage_95",
        "n_open",
        "coverage_80_open",
        "coverage_95_open",
        "interval_method",
        "chosen",
    ]
    backtest = (pd.concat(bt_parts, ignore_index=True) if bt_parts else pd.DataFrame()).reindex(columns=backtest_cols)
    summary_df = (pd.concat(sum_parts, ignore_index=True) if sum_parts else pd.DataFrame()).reindex(
        columns=summary_cols
    )
    ratio_df = (
        pd.concat(ratio_parts, ignore_index=True)[["series_id", "grain", "kind", "ratio", "n_days", "source"]]
        if ratio_parts
        else pd.DataFrame(columns=["series_id", "grain", "kind", "ratio", "n_days", "source"])
    )
    timings["post"] += time.perf_counter() - t
    return WeekAheadResult(
        forecasts=forecasts,
        final=final,
        backtest=backtest,
        summary=summary_df,
        chosen=pd.DataFrame(chosen_rows, columns=["series_id", "grain", "model", "mase", "reason"]),
        intervals=pd.DataFrame(
            interval_rows, columns=["grain", "model", "method", "n_rows", "coverage_80", "coverage_95"]
        ),
        special_ratios=ratio_df,
        timings=timings,
    )


__all__ = ["SpecialDay", "WeekAheadConfig", "WeekAheadResult", "forecast_week_ahead"]
