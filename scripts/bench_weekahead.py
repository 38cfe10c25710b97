"""Benchmark of the week-ahead series engine (lm.weekahead.series) on synthetic history.

One year of daily and hourly history for 11 series (calls offered total + 7 channels, bookings, risky cases,
workload seconds), i.e. 22 series; forecast + rolling-origin backtest of every series with the defaults.
Prints the wall time split (warm-up = the statsforecast/statsmodels import; statsforecast 2.x has no numba JIT),
fit/forecast, backtest, backtest-conformal calibration,
post-processing, the peak RSS and a digest of the backtest. Issue 11 goal: under 60 s on the 2-core machine.

    .venv/bin/python scripts/bench_weekahead.py [--days 364] [--n-jobs 2] [--grain day|hour|both]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=364)
    parser.add_argument("--n-jobs", type=int, default=None)
    parser.add_argument("--grain", choices=["day", "hour", "both"], default="both")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()

    t0 = time.perf_counter()
    import statsforecast.models  # noqa: F401  (the import pulls statsmodels and scipy.stats: the warm-up)

    warm = time.perf_counter() - t0
    import pandas as pd

    from lm.weekahead import synthetic
    from lm.weekahead.series import SpecialDay, WeekAheadConfig, forecast_week_ahead

    hist = synthetic.generate(days=args.days, seed=args.seed)
    data = hist.long() if args.grain == "both" else (hist.daily if args.grain == "day" else hist.hourly)
    future = pd.Timestamp(hist.daily["ds"].max()) + pd.Timedelta(days=3)
    specials = [SpecialDay(d, "holiday") for d in hist.holidays] + [SpecialDay(future.date(), "holiday")]
    cfg = WeekAheadConfig() if args.n_jobs is None else WeekAheadConfig(n_jobs=args.n_jobs)
    n_series = data.groupby(["series_id", "grain"]).ngroups
    print(f"history: {n_series} series, {len(data)} rows, {args.days} days; n_jobs={cfg.n_jobs}")

    t1 = time.perf_counter()
    res = forecast_week_ahead(data, specials, hist.hierarchy, cfg)
    run = time.perf_counter() - t1
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    print(f"warm-up (import statsforecast/statsmodels): {warm:6.2f} s")
    for stage, sec in res.timings.items():
        print(f"{stage:>10}: {sec:6.2f} s")
    print(f"forecast_week_ahead total: {run:6.2f} s; with warm-up {run + warm:6.2f} s")
    print(f"peak RSS: {peak_mib:.0f} MiB (largest worker process {child_mib:.0f} MiB)")
    print(f"rows: forecasts {len(res.forecasts)}, final {len(res.final)}, backtest {len(res.backtest)}")
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(res.intervals.to_string(index=False))
        cols = ["mase", "wape", "coverage_80", "coverage_95", "coverage_80_open", "coverage_95_open"]
        digest = res.summary.groupby(["grain", "model"])[cols].mean()
        print(digest.round(3).to_string())
        print(res.chosen.groupby(["grain", "model"]).size().rename("chosen").to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
