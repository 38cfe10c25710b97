"""Benchmark: render the Monday report (lm.weekahead.report) for a full forecast week of hours and 12 weeks of history.

Goal (issue 11): the report renders in under 5 s. Prints the figures; asserts nothing.

    .venv/bin/python scripts/bench_report.py [--weeks 12] [--repeat 5] [--out /tmp/lm_report_bench.html]

The data is the synthetic `ReportData` of pytests/report_sample.py (168 forecast hours with intervals, 7 days of
hourly history, `--weeks` weeks of daily history and KPIs, the staffing curve, 4 what-if scenarios, 25 risky
calls); building it is timed apart from rendering. "first render" includes plotly's lazy imports and the reading of
plotly.min.js, as in a fresh `lm` process.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "pytests"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--weeks", type=int, default=12, help="weeks of daily history")
    ap.add_argument("--repeat", type=int, default=5, help="renders after the first one")
    ap.add_argument("--out", type=Path, default=Path("/tmp/lm_report_bench.html"))
    args = ap.parse_args()

    t0 = time.perf_counter()
    from lm.weekahead.report import render_report

    t_import = time.perf_counter() - t0
    from report_sample import sample_report_data

    t0 = time.perf_counter()
    data = sample_report_data(seed=0, history_weeks=args.weeks)
    t_data = time.perf_counter() - t0

    t0 = time.perf_counter()
    render_report(data, args.out)
    t_first = time.perf_counter() - t0
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        render_report(data, args.out)
        times.append(time.perf_counter() - t0)

    size = args.out.stat().st_size
    print(
        f"report data: {len(data.hourly_calls_offered.forecast)} forecast hours, "
        f"{len(data.calls_offered.history)} days of history, {len(data.kpi_days)} KPI days, "
        f"{len(data.staffing)} staffing hours, {1 + len(data.whatif_scenarios)} what-if rows, "
        f"{len(data.risky_calls)} risky calls"
    )
    print(f"import lm.weekahead.report:   {t_import:6.3f} s")
    print(f"build sample data (not timed as rendering): {t_data:6.3f} s")
    print(f"first render (import+render): {t_import + t_first:6.3f} s   (goal < 5 s)")
    print(f"first render (render only):   {t_first:6.3f} s")
    if times:
        print(
            f"warm renders x{len(times)}:   median {statistics.median(times):6.3f} s, "
            f"min {min(times):.3f} s, max {max(times):.3f} s"
        )
    print(f"output: {args.out} {size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
