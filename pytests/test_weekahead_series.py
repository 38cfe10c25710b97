"""lm.weekahead.series on synthetic history with a known structure (lm.weekahead.synthetic): weekday pattern,
intraday profile with the line closed at night and on Sundays, level shifts, Poisson noise, public holidays."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from lm.weekahead import synthetic
from lm.weekahead.reconcile import reconcile
from lm.weekahead.series import (
    BASELINE,
    SpecialDay,
    WeekAheadConfig,
    WeekAheadResult,
    _choose,
    forecast_week_ahead,
)
from lm.weekahead.special import impute

START = date(2025, 1, 6)  # a Monday
DAILY_DAYS = 7 * 30
HOURLY_DAYS = 7 * 18
VALUE_COLS = ["point", "lo_80", "hi_80", "lo_95", "hi_95"]


def _future(last: pd.Timestamp, weekday: int) -> date:
    """The first day after `last` falling on `weekday` (0 = Monday)."""
    d = last.date() + timedelta(days=1)
    while d.weekday() != weekday:
        d += timedelta(days=1)
    return d


@pytest.fixture(scope="module")
def daily() -> tuple[synthetic.SyntheticHistory, WeekAheadResult, date]:
    hist = synthetic.generate(START, DAILY_DAYS, channels=3, extra_series=False, total_per_day=3000.0, seed=3)
    holiday = _future(hist.daily["ds"].max(), 2)  # next Wednesday
    specials = [SpecialDay(d, "holiday") for d in hist.holidays] + [SpecialDay(holiday, "holiday")]
    cfg = WeekAheadConfig(backtest_origins=12, n_jobs=1)
    res = forecast_week_ahead(pa.Table.from_pandas(hist.daily), specials, hist.hierarchy, cfg)
    return hist, res, holiday


@pytest.fixture(scope="module")
def hourly() -> tuple[synthetic.SyntheticHistory, WeekAheadResult, date, date]:
    hist = synthetic.generate(START, HOURLY_DAYS, channels=2, extra_series=False, total_per_day=3000.0, seed=4)
    last = hist.hourly["ds"].max()
    holiday = _future(last, 1)  # next Tuesday
    closure = _future(last, 3)  # next Thursday
    specials = [(d, "holiday") for d in hist.holidays] + [(holiday, "holiday"), (closure, "closure")]
    cfg = WeekAheadConfig(hourly_input_weeks=8, n_jobs=1)
    res = forecast_week_ahead(hist.hourly, specials, hist.hierarchy, cfg)
    return hist, res, holiday, closure


def _check_ordered(frame: pd.DataFrame) -> None:
    v = frame[VALUE_COLS].to_numpy(float)
    assert np.isfinite(v).all()
    assert (v >= 0).all()
    lo95, lo80, point, hi80, hi95 = v[:, 3], v[:, 1], v[:, 0], v[:, 2], v[:, 4]
    assert (lo95 <= lo80 + 1e-9).all() and (lo80 <= point + 1e-9).all()
    assert (point <= hi80 + 1e-9).all() and (hi80 <= hi95 + 1e-9).all()


def _check_reconciled(frame: pd.DataFrame, hierarchy: dict[str, list[str]], by: list[str]) -> None:
    for total, kids in hierarchy.items():
        tot = frame[frame["series_id"] == total].set_index([*by, "ds"])["point"]
        sums = frame[frame["series_id"].isin(kids)].groupby([*by, "ds"])["point"].sum()
        assert len(tot) > 0
        np.testing.assert_allclose(sums.reindex(tot.index).to_numpy(), tot.to_numpy(), rtol=0, atol=1e-6)


def test_daily_shape_and_choice(daily: tuple[synthetic.SyntheticHistory, WeekAheadResult, date]) -> None:
    hist, res, _ = daily
    n_series = hist.daily["series_id"].nunique()
    counts = res.forecasts.groupby(["series_id", "model"]).size()
    assert len(counts) == n_series * 2 and (counts == 7).all()
    last = hist.daily["ds"].max()
    expected_ds = pd.date_range(last + pd.Timedelta(days=1), periods=7, freq="D")
    for _, g in res.forecasts.groupby(["series_id", "model"]):
        assert list(g["ds"]) == list(expected_ds)
    # one chosen model per series, the backtest's lowest MASE, and `final` holds exactly its rows
    assert (res.forecasts.groupby("series_id")["chosen"].sum() == 7).all()
    best = res.summary.loc[res.summary.groupby("series_id")["mase"].idxmin(), ["series_id", "model"]]
    assert dict(zip(best["series_id"], best["model"], strict=True)) == dict(
        zip(res.chosen["series_id"], res.chosen["model"], strict=True)
    )
    assert len(res.final) == 7 * n_series
    assert set(zip(res.final["series_id"], res.final["model"], strict=True)) == set(
        zip(res.chosen["series_id"], res.chosen["model"], strict=True)
    )


def test_daily_backtest_accuracy_and_coverage(daily: tuple[synthetic.SyntheticHistory, WeekAheadResult, date]) -> None:
    _, res, _ = daily
    total = res.summary[res.summary["series_id"] == synthetic.TOTAL_ID].set_index("model")
    assert (total["n_origins"] == 12).all()
    # noise + weekly pattern + level shifts: the model beats the seasonal naive baseline, MASE < 1
    assert total.loc["AutoETS", "mase"] < total.loc[BASELINE, "mase"]
    chosen = res.chosen.set_index("series_id").loc[synthetic.TOTAL_ID, "model"]
    assert total.loc[chosen, "mase"] < 1.0
    # empirical coverage of the chosen models over every series and the 12 x 7 backtest days
    picked = res.summary[res.summary["chosen"]]
    n = picked["n_origins"] * 7
    cov80 = float(np.average(picked["coverage_80"], weights=n))
    cov95 = float(np.average(picked["coverage_95"], weights=n))
    assert 0.70 <= cov80 <= 0.90, cov80
    assert 0.88 <= cov95 <= 0.99, cov95
    assert (picked["wape"] > 0).all() and (picked["wape"] < 0.3).all()


def test_backtest_rows_and_mase_scale(daily: tuple[synthetic.SyntheticHistory, WeekAheadResult, date]) -> None:
    hist, res, _ = daily
    bt = res.backtest[(res.backtest["series_id"] == synthetic.TOTAL_ID) & (res.backtest["model"] == BASELINE)]
    cutoffs = sorted(pd.to_datetime(bt["cutoff"]))
    last = hist.daily["ds"].max()
    assert cutoffs == [last - pd.Timedelta(days=7 * k) for k in range(12, 0, -1)]
    assert (bt["n"] == 7).all()
    # MASE = MAE / in-sample seasonal-naive MAE of the actual history up to the origin
    y = hist.daily[hist.daily["series_id"] == synthetic.TOTAL_ID].set_index("ds")["y"]
    row = bt.sort_values("cutoff").iloc[0]
    train = y[y.index <= row["cutoff"]].to_numpy()
    scale = np.abs(train[7:] - train[:-7]).mean()
    assert row["mase"] == pytest.approx(row["mae"] / scale, rel=1e-9)
    summary = res.summary.set_index(["series_id", "model"]).loc[(synthetic.TOTAL_ID, BASELINE)]
    assert summary["mase"] == pytest.approx(bt["mase"].mean(), rel=1e-12)


def test_daily_intervals_and_reconciliation(daily: tuple[synthetic.SyntheticHistory, WeekAheadResult, date]) -> None:
    hist, res, _ = daily
    _check_ordered(res.forecasts)
    _check_ordered(res.final)
    _check_reconciled(res.final, hist.hierarchy, ["grain"])
    _check_reconciled(res.forecasts, hist.hierarchy, ["grain", "model"])
    # the total itself is not moved, the children are
    fc = res.forecasts
    assert np.allclose(
        fc.loc[fc["series_id"] == synthetic.TOTAL_ID, "point"],
        fc.loc[fc["series_id"] == synthetic.TOTAL_ID, "point_base"],
    )


def test_daily_future_holiday_is_low(daily: tuple[synthetic.SyntheticHistory, WeekAheadResult, date]) -> None:
    hist, res, holiday = daily
    total = res.final[res.final["series_id"] == synthetic.TOTAL_ID].set_index("ds")
    y = hist.daily[hist.daily["series_id"] == synthetic.TOTAL_ID].set_index("ds")["y"]
    normal_wednesday = y[(y.index.dayofweek == 2) & ~y.index.isin(pd.to_datetime(hist.holidays))].tail(4).mean()
    assert total.loc[pd.Timestamp(holiday), "point"] < 0.35 * normal_wednesday
    assert total.loc[pd.Timestamp(holiday), "hi_95"] < 0.6 * normal_wednesday
    # the other weekdays stay normal, Sunday (closed) is zero
    tuesday = pd.Timestamp(holiday) - pd.Timedelta(days=1)
    assert total.loc[tuesday, "point"] > 0.7 * y[y.index.dayofweek == 1].tail(4).mean()
    sunday = total[total.index.dayofweek == 6]
    assert (sunday[VALUE_COLS] == 0).all().all()
    ratio = res.special_ratios.set_index(["series_id", "kind"]).loc[(synthetic.TOTAL_ID, "holiday")]
    assert ratio["source"] == "observed" and ratio["n_days"] == len(hist.holidays)
    assert 0.08 < ratio["ratio"] < 0.25  # the generator's holiday factor is 0.15


def test_hourly_shape_night_closure_holiday(
    hourly: tuple[synthetic.SyntheticHistory, WeekAheadResult, date, date],
) -> None:
    hist, res, holiday, closure = hourly
    counts = res.forecasts.groupby(["series_id", "model"]).size()
    assert len(counts) == hist.hourly["series_id"].nunique() * 2 and (counts == 168).all()
    assert set(res.forecasts["model"]) == {BASELINE, "MSTL"}
    _check_ordered(res.forecasts)
    _check_ordered(res.final)
    _check_reconciled(res.final, hist.hierarchy, ["grain"])
    _check_reconciled(res.forecasts, hist.hierarchy, ["grain", "model"])
    fc = res.final[res.final["series_id"] == synthetic.TOTAL_ID].set_index("ds")
    # closed at night: 02:00 and 22:00 are forecast as zero, intervals included
    night = fc[fc.index.hour.isin([2, 22])]
    assert len(night) == 14 and (night[VALUE_COLS] == 0).all().all()
    # a future closure: every hour zero
    closed = fc[fc.index.normalize() == pd.Timestamp(closure)]
    assert len(closed) == 24 and (closed[VALUE_COLS] == 0).all().all()
    # a future holiday: far below a normal Tuesday
    y = hist.hourly[hist.hourly["series_id"] == synthetic.TOTAL_ID].set_index("ds")["y"]
    daily_y = y.groupby(y.index.normalize()).sum()
    normal_tuesday = daily_y[(daily_y.index.dayofweek == 1) & ~daily_y.index.isin(pd.to_datetime(hist.holidays))]
    hol_sum = fc.loc[fc.index.normalize() == pd.Timestamp(holiday), "point"].sum()
    assert hol_sum < 0.35 * normal_tuesday.tail(4).mean()
    # a normal open day is close to its weekday's recent level
    monday = fc[(fc.index.dayofweek == 0)]["point"].sum()
    assert 0.7 < monday / daily_y[daily_y.index.dayofweek == 0].tail(4).mean() < 1.3


def test_hourly_backtest(hourly: tuple[synthetic.SyntheticHistory, WeekAheadResult, date, date]) -> None:
    _, res, _, _ = hourly
    assert (res.backtest.groupby(["series_id", "model"]).size() == 8).all()
    assert (res.backtest["n"] == 168).all()
    total = res.summary[res.summary["series_id"] == synthetic.TOTAL_ID].set_index("model")
    assert total.loc["MSTL", "mase"] < total.loc[BASELINE, "mase"] < 2.0
    picked = res.summary[res.summary["chosen"]]
    # coverage over the open hours (the forced zeros of the night are trivially covered and left out)
    cov80 = float(np.average(picked["coverage_80_open"], weights=picked["n_open"]))
    cov95 = float(np.average(picked["coverage_95_open"], weights=picked["n_open"]))
    assert 0.70 <= cov80 <= 0.90, cov80
    assert 0.88 <= cov95 <= 0.99, cov95
    assert (picked["coverage_80"] >= picked["coverage_80_open"]).all()
    assert set(res.intervals["method"]) <= {"model", "backtest_conformal"}


def test_backtest_conformal_daily() -> None:
    hist = synthetic.generate(START, 7 * 26, channels=2, extra_series=False, seed=8)
    specials = [SpecialDay(d, "holiday") for d in hist.holidays]
    cfg = WeekAheadConfig(backtest_origins=12, intervals="backtest_conformal", n_jobs=1)
    res = forecast_week_ahead(hist.daily, specials, None, cfg)
    assert set(res.intervals["method"]) == {"backtest_conformal"}
    assert set(res.summary["interval_method"]) == {"backtest_conformal"}
    _check_ordered(res.forecasts)
    n = res.summary["n_origins"] * 7
    cov80 = float(np.average(res.summary["coverage_80"], weights=n))
    cov95 = float(np.average(res.summary["coverage_95"], weights=n))
    assert 0.70 <= cov80 <= 0.92 and 0.85 <= cov95 <= 1.0, (cov80, cov95)
    # conformal bounds differ from the models' own
    own = forecast_week_ahead(
        hist.daily, specials, None, WeekAheadConfig(backtest_origins=12, intervals="model", n_jobs=1)
    )
    assert not np.allclose(own.forecasts["hi_95"], res.forecasts["hi_95"])
    np.testing.assert_allclose(own.forecasts["point"], res.forecasts["point"])


def test_reconcile_exact_and_zero_children() -> None:
    ds = pd.date_range("2026-01-05", periods=3, freq="D")
    rows = []
    for sid, points in {"t": [10.0, 6.0, 0.0], "a": [3.0, 0.0, 2.0], "b": [1.0, 0.0, 2.0]}.items():
        for d, p in zip(ds, points, strict=True):
            rows.append(
                {
                    "series_id": sid,
                    "grain": "day",
                    "ds": d,
                    "point": p,
                    "lo_80": 0.5 * p,
                    "hi_80": 1.5 * p,
                    "lo_95": 0.25 * p,
                    "hi_95": 2 * p,
                }
            )
    out = reconcile(pd.DataFrame(rows), {"t": ["a", "b"]}, by=["grain"]).set_index(["series_id", "ds"])
    # day 1: scaled by 10 / 4; day 2: children all zero -> total split by horizon shares (5/8, 3/8); day 3: total 0
    assert out.loc[("a", ds[0]), "point"] == pytest.approx(7.5)
    assert out.loc[("b", ds[0]), "hi_95"] == pytest.approx(5.0)
    assert out.loc[("a", ds[1]), "point"] == pytest.approx(6.0 * 5 / 8)
    assert out.loc[("b", ds[1]), "hi_80"] == pytest.approx(9.0 * 3 / 8)
    assert out.loc[("a", ds[2]), "point"] == 0 and out.loc[("b", ds[2]), "hi_95"] == 0
    for d in ds:
        assert out.loc[("a", d), "point"] + out.loc[("b", d), "point"] == pytest.approx(
            out.loc[("t", d), "point"], abs=1e-9
        )
    with pytest.raises(ValueError, match="not every child"):
        reconcile(pd.DataFrame(rows), {"t": ["a", "b", "c"]}, by=["grain"])


def test_impute_uses_previous_normal_weeks() -> None:
    y = np.arange(60, dtype=float)
    special = np.zeros(60, dtype=bool)
    special[[35, 42]] = True
    out = impute(y, special, 7)
    # 35: previous weeks 28, 21, 14, 7; 42: 35 is special, so only 28, 21, 14 of its four previous weeks
    assert out[35] == pytest.approx(np.median([28, 21, 14, 7]))
    assert out[42] == pytest.approx(np.median([28, 21, 14]))
    special_start = np.zeros(60, dtype=bool)
    special_start[2] = True
    assert impute(y, special_start, 7)[2] == pytest.approx(np.median([9, 16, 23, 30]))
    assert (impute(y, special, 7)[~special] == y[~special]).all()


def test_tie_goes_to_the_model_listed_first() -> None:
    summary = pd.DataFrame(
        {"unique_id": ["s", "s", "u", "u"], "model": [BASELINE, "AutoETS"] * 2, "mase": [0.8, 0.8, 0.9, 0.5]}
    )
    assert _choose(summary, (BASELINE, "AutoETS"), 1e-9) == {"s": (BASELINE, 0.8), "u": ("AutoETS", 0.5)}


def test_bad_input_is_refused() -> None:
    df = pd.DataFrame({"series_id": "x", "grain": "day", "ds": pd.date_range("2026-01-01", periods=30), "y": 1.0})
    with pytest.raises(ValueError, match=">= 0"):
        forecast_week_ahead(df.assign(y=-1.0))
    with pytest.raises(ValueError, match="grain"):
        forecast_week_ahead(df.assign(grain="week"))
    with pytest.raises(ValueError, match="kind"):
        forecast_week_ahead(df, [(date(2026, 1, 2), "strike")])


def test_short_history_gets_the_baseline() -> None:
    ds = pd.date_range("2026-01-05", periods=40, freq="D")
    y = np.where(ds.dayofweek < 5, 100.0, 20.0) + np.arange(40) % 3
    res = forecast_week_ahead(pd.DataFrame({"series_id": "new_channel", "grain": "day", "ds": ds, "y": y}))
    chosen = res.chosen.iloc[0]
    assert (chosen["series_id"], chosen["model"], chosen["reason"]) == ("new_channel", BASELINE, "short history")
    assert res.backtest.empty and len(res.final) == 7
    # the seasonal naive repeats the last week
    np.testing.assert_allclose(res.final["point"].to_numpy(), y[-7:], rtol=1e-9)


def test_statsforecast_conformal_option() -> None:
    hist = synthetic.generate(START, 7 * 20, channels=1, extra_series=False, seed=9)
    data = hist.daily[hist.daily["series_id"] == synthetic.TOTAL_ID]
    cfg = WeekAheadConfig(backtest_origins=3, intervals="statsforecast_conformal", conformal_windows=3, n_jobs=1)
    res = forecast_week_ahead(data, [SpecialDay(d, "holiday") for d in hist.holidays], None, cfg)
    assert set(res.forecasts["interval_method"]) == {"statsforecast_conformal"}
    assert (res.backtest.groupby("model").size() == 3).all()
    _check_ordered(res.forecasts)
    own = forecast_week_ahead(
        data, [SpecialDay(d, "holiday") for d in hist.holidays], None, replace(cfg, intervals="model")
    )
    np.testing.assert_allclose(own.forecasts["point"], res.forecasts["point"])
    assert not np.allclose(own.forecasts["hi_80"], res.forecasts["hi_80"])


def test_lm_forecast_prints_that_a_short_history_has_no_backtest() -> None:
    # `lm forecast` on a history too short for the backtest's origins (found on MariaDB at 67 days): the
    # backtest table says so instead of failing on the empty summary
    from types import SimpleNamespace

    from lm import cli

    ds = pd.date_range("2026-01-05", periods=40, freq="D")
    y = np.where(ds.dayofweek < 5, 100.0, 20.0) + np.arange(40) % 3
    res = forecast_week_ahead(pd.DataFrame({"series_id": "calls_offered", "grain": "day", "ds": ds, "y": y}))
    assert res.summary.empty
    table = cli._backtest_table(SimpleNamespace(run_id="wa-test", result=res))
    assert table.row_count == 0
    assert "too short" in str(table.caption)
