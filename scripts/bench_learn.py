"""Benchmark the learning core of the forecast step (lm.forecast.learn) on synthetic call features.

    .venv/bin/python scripts/bench_learn.py [--rows 1000000] [--seed 0] [--score-rows 100000] [--compare-caps]

One synthetic history of ``--rows`` calls over 180 days with 30 features (23 numeric incl. one boolean,
some with nulls; 7 string columns of 12-40 levels) and the nonlinear generating probability of
lm.forecast.synthetic; three metrics on the same features, like the forecast step's:

  second_call_prob          base rate 0.25, 7-day label window
  conversion_prob_forecast  base rate 0.15, 14-day window
  complaint_prob            base rate 0.03, 30-day window

(the truth of each is the generator's log-odds shifted to its base rate). Roles per metric from
choose_holdout_start (20 % holdout) and split_roles (gap = the label window, callers of the holdout
period excluded from training). Prints per metric the training time (wall clock and this process's CPU
time: with one thread the CPU time is what the wall clock would be on an idle machine), the holdout
figures of both models, then the time to score ``--score-rows`` rows, to save and to load, and the peak
RSS. ``--compare-caps`` also trains the first metric with no row caps, to show what the fit / calibration
caps cost in AUC.
Nothing is asserted.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from lm.forecast import learn
from lm.forecast.synthetic import DAY, caller_in_holdout, make_synthetic

METRICS = (("second_call_prob", 0.25, 7), ("conversion_prob_forecast", 0.15, 14), ("complaint_prob", 0.03, 30))


def _shift_to(logit: np.ndarray, base_rate: float) -> np.ndarray:
    lo, hi = -20.0, 20.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if float(np.mean(1 / (1 + np.exp(-(logit + mid))))) < base_rate:
            lo = mid
        else:
            hi = mid
    return 1 / (1 + np.exp(-(logit + (lo + hi) / 2)))


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--score-rows", type=int, default=100_000)
    parser.add_argument("--compare-caps", action="store_true")
    parser.add_argument("--verbose", action="store_true", help="print train_metric's progress with timestamps")
    args = parser.parse_args(argv)
    clock = time.perf_counter()

    def progress(message: str) -> None:
        print(f"    [{time.perf_counter() - clock:7.2f} s cpu {time.process_time():7.2f} s] {message}")

    started = time.perf_counter()
    data = make_synthetic(args.rows, seed=args.seed, n_noise_numeric=17, n_noise_categorical=5, window_days=30)
    features = data.features
    n_num = sum(1 for f in features.schema if not str(f.type).startswith("string"))
    print(
        f"synthetic: {features.num_rows} rows x {features.num_columns} features "
        f"({n_num} numeric/boolean, {features.num_columns - n_num} string) in {time.perf_counter() - started:.1f} s"
    )
    logit = np.log(data.truth / (1 - data.truth))
    end_ts = int(data.call_ts.max()) + 1
    rng = np.random.default_rng(args.seed + 1)

    models: dict[str, learn.MetricModel] = {}
    train_total = train_cpu = 0.0
    prepared = []
    for code, base_rate, window in METRICS:
        truth = _shift_to(logit, base_rate)
        label = (rng.random(truth.size) < truth).astype(np.int8)
        closed = data.call_ts < end_ts - window * DAY
        start = learn.choose_holdout_start(data.call_ts, closed)
        role = learn.split_roles(
            data.call_ts, closed, caller_in_holdout(data.caller_id, data.call_ts, start), start, window * DAY
        )
        prepared.append((code, truth, label, role))
        t0, c0 = time.perf_counter(), time.process_time()
        model = learn.train_metric(
            code,
            features,
            label,
            role,
            truth=truth,
            seed=args.seed,
            call_ts=data.call_ts,
            progress=progress if args.verbose else None,
        )
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
        train_total += elapsed
        train_cpu += cpu
        models[code] = model
        info = model.train_info
        print(
            f"{code}: trained in {elapsed:.1f} s, cpu {cpu:.1f} s "
            f"(fit {info['n_fit']} rows, used {info['n_fit_used']}; "
            f"calibration {info['n_calibration']}, used {info['n_calibration_used']}; "
            f"holdout {model.evaluation[0].n}; gbm trees {info.get('hist_gbm_n_iter')})"
        )
        for row in model.evaluation:
            print(
                f"    {row.model:9s} auc {row.auc:.4f} / oracle {row.oracle_auc:.4f} = {row.auc_ratio:.3f}  "
                f"brier {row.brier:.4f} (base {row.base_brier:.4f})  ece {row.ece:.4f}  "
                f"log loss {row.log_loss:.4f}  {row.calibration}{'  WINNER' if row.is_winner else ''}"
            )
    print(f"training, 3 metrics x 2 models: {train_total:.1f} s (cpu {train_cpu:.1f} s)")

    batch = features.slice(0, min(args.score_rows, features.num_rows))
    t0, c0 = time.perf_counter(), time.process_time()
    for model in models.values():
        model.predict(batch)
    print(
        f"scoring {batch.num_rows} rows, 3 metrics (winners): {time.perf_counter() - t0:.2f} s "
        f"(cpu {time.process_time() - c0:.2f} s)"
    )

    with tempfile.TemporaryDirectory(prefix="lm_bench_learn_") as tmp:
        path = Path(tmp) / "models"
        t0 = time.perf_counter()
        version = learn.save_models(path, models, {"bench_rows": args.rows})
        saved = time.perf_counter() - t0
        size = sum(f.stat().st_size for f in path.iterdir())
        t0 = time.perf_counter()
        learn.load_models(path, expected_features=features.schema)
        print(f"save {saved:.2f} s ({size / 1e6:.1f} MB, {version}), load {time.perf_counter() - t0:.2f} s")

    if args.compare_caps:
        code, truth, label, role = prepared[0]
        uncapped = learn.TrainConfig(max_fit_rows=10**12, max_calibration_rows=10**12, max_logistic_rows=10**12)
        t0 = time.perf_counter()
        model = learn.train_metric(
            code, features, label, role, truth=truth, seed=args.seed, call_ts=data.call_ts, config=uncapped
        )
        elapsed = time.perf_counter() - t0
        capped = {r.model: r for r in models[code].evaluation}
        print(f"{code} without caps: trained in {elapsed:.1f} s (fit {model.train_info['n_fit_used']} rows)")
        for row in model.evaluation:
            print(
                f"    {row.model:9s} auc {row.auc:.4f} (capped {capped[row.model].auc:.4f}, "
                f"difference {row.auc - capped[row.model].auc:+.4f})  log loss {row.log_loss:.4f} "
                f"(capped {capped[row.model].log_loss:.4f})"
            )
    print(f"peak RSS {_peak_rss_mb():.0f} MB; total {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
