"""Grader calibration (`lm calibrate`, src/lm/calibrate.py) and the warn guards, on both targets.

The fit on hand-made scores (no database): scale snapping, offsets against the pooled reference, the
minimum-sample fallback. Then, as a client would: a demo whose `ai` grader scores on 0-10 while the seed
says 0-100 is built (the grader guard warns and the run summary names it), calibrated and built again
(normalized_call_score means per grader within 0.1 of each other, guard quiet, calibration_version in
feature_pack and the run log), built without a refit (version kept, incremental), refitted (new version,
the next run recomputes every call). Unknown outcomes and categories over the threshold warn as well.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

from conftest import LmProject
from lm import calibrate
from lm.calibrate import SeedRow

CALLS = 5000
MIN_N = 100  # 5,000 calls give each QA grader 150-260 gradings
SEEDS = {
    "ai": SeedRow("ai", 0, 100, 0.0, "prior"),
    "qa:1": SeedRow("qa:1", 0, 10, 0.07, "prior"),
    "qa:3": SeedRow("qa:3", 1, 5, 0.075, "prior"),
    "qa:*": SeedRow("qa:*", 0, 10, 0.0, "prior"),
    "default": SeedRow("default", 0, 100, 0.0, "prior"),
}


# --------------------------------------------------------------------------------------------------------
# The fit, on hand-made scores
# --------------------------------------------------------------------------------------------------------
def _hist(values: list[float]) -> list[tuple[float, int]]:
    out: dict[float, int] = {}
    for value in values:
        out[value] = out.get(value, 0) + 1
    return sorted(out.items())


@pytest.mark.parametrize(
    ("p01", "p99", "prior", "expected"),
    [
        (0.5, 9.5, (0.0, 100.0), (0.0, 10.0)),  # ai on 0-10 although the seed says 0-100
        (1.0, 9.5, None, (0.0, 10.0)),  # 0-10 is more common than 1-10
        (1.0, 9.5, (1.0, 10.0), (1.0, 10.0)),  # ... unless the prior says 1-10
        (1.0, 5.0, (0.0, 10.0), (1.0, 5.0)),  # a 1-5 grader
        (0.0, 5.0, None, (0.0, 5.0)),  # gives zeros: 0-5
        (3.0, 97.0, (0.0, 10.0), (0.0, 100.0)),  # qa:5 on 0-100 under a 0-10 family prior
        (0.1, 0.9, None, (0.0, 1.0)),
        (10.0, 4000.0, None, (0.0, 10000.0)),  # above every plausible scale: the next power of ten
    ],
)
def test_snap_scale(p01: float, p99: float, prior: tuple[float, float] | None, expected: tuple[float, float]) -> None:
    assert calibrate.snap_scale(p01, p99, prior) == expected


def test_trimmed_mean_and_quantile_by_hand() -> None:
    values = np.array([0.0, 1.0, 2.0, 3.0, 100.0])
    weights = np.array([1.0, 2.0, 4.0, 2.0, 1.0])
    # 10 % of 10 = 1 off each end: the 0 and the 100 go; (2x1 + 4x2 + 2x3) / 8 = 16 / 8 = 2
    assert calibrate.trimmed_mean(values, weights, 0.10) == pytest.approx(2.0)
    assert calibrate.weighted_quantile(values, weights, 0.5) == 2.0  # cumulative 1, 3, 7: the 5th is 2
    assert calibrate.weighted_quantile(values, weights, 0.01) == 0.0
    assert calibrate.weighted_quantile(values, weights, 0.99) == 100.0


def test_fit_snaps_scales_and_fits_offsets() -> None:
    # three graders judging the same quality mix (0.3, 0.5, 0.7 in equal parts, mean 0.5) on their scales:
    # ai on 0-10 (seed: 0-100) unbiased, qa:1 on 0-10 one point high, qa:3 on 1-5 unbiased
    quality = [0.3, 0.5, 0.7] * 100
    ai = [round(10 * q, 2) for q in quality]  # 3, 5, 7
    qa1 = [round(10 * q + 1, 2) for q in quality]  # 4, 6, 8
    qa3 = [1 + 4 * q for q in quality]  # 2.2, 3, 3.8
    fits, reference = calibrate.fit({"ai": _hist(ai), "qa:1": _hist(qa1), "qa:3": _hist(qa3)}, SEEDS, min_n=100)
    by = {f.grader_code: f for f in fits}
    assert (by["ai"].scale_min, by["ai"].scale_max) == (0.0, 10.0)
    assert (by["qa:1"].scale_min, by["qa:1"].scale_max) == (0.0, 10.0)
    assert (by["qa:3"].scale_min, by["qa:3"].scale_max) == (1.0, 5.0)
    # locations (trimmed means of 0.3/0.5/0.7 thirds): ai 0.5, qa:1 0.6, qa:3 0.5. Pooled, the 900 values
    # are 0.3 x200, 0.4 x100, 0.5 x200, 0.6 x100, 0.7 x200, 0.8 x100; 90 off each end leaves 0.3 x110 ...
    # 0.8 x10: (33 + 40 + 100 + 60 + 140 + 8) / 720 = 381 / 720 = 0.529167
    assert by["ai"].grader_location == pytest.approx(0.5)
    assert by["qa:1"].grader_location == pytest.approx(0.6)
    assert reference == pytest.approx(381 / 720)
    assert by["ai"].calibration_offset == pytest.approx(0.5 - reference, abs=1e-4)
    assert by["qa:1"].calibration_offset == pytest.approx(0.6 - reference, abs=1e-4)
    # what matters: the offsets take out the one-point bias exactly
    assert by["qa:1"].calibration_offset - by["ai"].calibration_offset == pytest.approx(0.1, abs=1e-4)
    assert all(f.fit_method == "quantile_snap" and not f.is_family_fallback for f in fits)
    assert by["ai"].n_gradings == 300 and by["ai"].score_p50 == 5.0


def test_fit_falls_back_below_the_minimum_sample() -> None:
    quality = [0.3, 0.5, 0.7] * 100
    histograms = {
        "ai": _hist([round(100 * q, 2) for q in quality]),
        "qa:3": _hist([2.0, 3.0, 4.0] * 10),  # 30 gradings: its own seed row (a prior)
        "qa:77": _hist([9.0, 9.5] * 20),  # 40: family qa:*, too few even pooled -> the family's seed row
        "qa:78": _hist([80.0] * 30),
        "robot": _hist([50.0] * 10),  # no family: the default row
    }
    fits, _ = calibrate.fit(histograms, SEEDS, min_n=100)
    by = {f.grader_code: f for f in fits}
    assert not by["ai"].is_family_fallback
    qa3 = by["qa:3"]
    assert (qa3.is_family_fallback, qa3.fallback_code, qa3.fit_method) == (True, "qa:3", "seed_prior")
    assert (qa3.scale_min, qa3.scale_max, qa3.calibration_offset) == (1.0, 5.0, 0.075)
    qa77 = by["qa:77"]
    assert (qa77.is_family_fallback, qa77.fallback_code, qa77.fit_method) == (True, "qa:*", "seed_prior")
    assert (qa77.scale_min, qa77.scale_max, qa77.n_gradings) == (0.0, 10.0, 40)
    assert by["qa:78"].n_in_scale == 0  # 80 on the family's 0-10: out of scale, the guard's business
    robot = by["robot"]
    assert (robot.fallback_code, robot.fit_method, robot.scale_max) == ("default", "seed_default", 100.0)
    # with min_n 60 the family's two rare graders (40 + 30 = 70) are fitted together
    pooled = {f.grader_code: f for f in calibrate.fit(histograms, SEEDS, min_n=60)[0]}
    assert pooled["qa:77"].fit_method == pooled["qa:78"].fit_method == "family_pooled"
    assert (pooled["qa:77"].scale_min, pooled["qa:77"].scale_max) == (0.0, 100.0)  # 9 .. 80 together
    assert pooled["qa:3"].fit_method == "seed_prior"  # 30 < 60: still its prior


def test_override_scale_is_kept() -> None:
    seeds = {**SEEDS, "ai": SeedRow("ai", 0, 100, 0.02, "override")}
    fits, _ = calibrate.fit({"ai": _hist([3.0, 5.0, 7.0] * 100)}, seeds, min_n=100)
    (ai,) = fits
    assert (ai.scale_min, ai.scale_max, ai.calibration_offset, ai.fit_method) == (
        0.0,
        100.0,
        0.02,
        "seed_override_scale",
    )


def test_version_changes_with_time_and_values() -> None:
    import datetime as dt

    fits, _ = calibrate.fit({"ai": _hist([3.0, 5.0, 7.0] * 100)}, SEEDS, min_n=100)
    at = dt.datetime(2026, 1, 2, 3, 4, 5)
    assert calibrate.version_of(fits, at).startswith("20260102T030405Z-")
    assert calibrate.version_of(fits, at) == calibrate.version_of(fits, at)
    assert calibrate.version_of(fits, at) != calibrate.version_of(fits, at + dt.timedelta(seconds=1))


# --------------------------------------------------------------------------------------------------------
# On a warehouse, as a client runs it
# --------------------------------------------------------------------------------------------------------
def _lm(project_: LmProject, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**project_.environ, "COLUMNS": "200"}
    proc = subprocess.run(
        [sys.executable, "-m", "lm", *args, "--target", project_.target],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr[-3000:]
    return proc


def _statuses(project_: LmProject) -> dict[str, str]:
    return {
        r["unique_id"].split(".")[2]: r["status"] for r in project_.run_results() if r["unique_id"].startswith("test.")
    }


def _grader_means(project_: LmProject) -> dict[str, tuple[float, int]]:
    """Mean normalized_call_score per grader of the counted grading (lm_value joined to the gradings)."""
    rows = project_.query(
        "select scores.scored_by, avg(value.value_numeric), count(*) "
        "from {src}.lm_value as value "
        "inner join {lm}.stg_operatorbot__call_scores as scores on value.call_score_id = scores.call_score_id "
        "where value.metric_code = 'normalized_call_score' and value.value_numeric is not null "
        "group by scores.scored_by"
    )
    return {str(g): (float(m), int(n)) for g, m, n in rows}


def _packs(project_: LmProject) -> list[dict[str, Any]]:
    rows = project_.query("select value_json from {src}.lm_value where metric_code = 'feature_pack'")
    return [json.loads(text) for (text,) in rows]


def _last_run(project_: LmProject) -> tuple[str, dict[str, str]]:
    rows = project_.query(
        "select scope_reason, settings_json from {lm}.lm_run_log "
        "where logged_at = (select max(logged_at) from {lm}.lm_run_log)"
    )
    return str(rows[0][0]), json.loads(rows[0][1])


def _versions(project_: LmProject) -> set[str]:
    return {str(v) for (v,) in project_.query("select distinct calibration_version from {lm}.lm_grader_calibration")}


@dataclass
class Flow:
    project: LmProject
    before: dict[str, tuple[float, int]]
    before_statuses: dict[str, str]
    before_out: str
    fit_out: str
    after: dict[str, tuple[float, int]]
    after_statuses: dict[str, str]
    after_out: str
    after_packs: list[dict[str, Any]]
    after_run: tuple[str, dict[str, str]]
    version_a: set[str]
    vocab_statuses: dict[str, str]
    vocab_out: str
    vocab_packs: list[dict[str, Any]]
    vocab_run: tuple[str, dict[str, str]]
    version_b: set[str]
    refit_packs: list[dict[str, Any]]
    refit_run: tuple[str, dict[str, str]]


@pytest.fixture(scope="module")
def flow(lm_project: LmProject) -> Iterator[Flow]:
    p = lm_project
    gen = _lm(p, "generate", "--calls", str(CALLS), "--grader-scale", "ai=0:10")
    assert gen.returncode == 0, gen.stderr
    first = _lm(p, "build")
    assert first.returncode == 0, first.stdout[-3000:]
    before, before_statuses = _grader_means(p), _statuses(p)
    fit = _lm(p, "calibrate", "--min-n", str(MIN_N))
    assert fit.returncode == 0, fit.stdout + fit.stderr
    version_a = _versions(p)
    second = _lm(p, "build")
    assert second.returncode == 0, second.stdout[-3000:]
    after, after_statuses, after_packs, after_run = _grader_means(p), _statuses(p), _packs(p), _last_run(p)
    # labels no vocabulary knows on 5 % + 4 % of the gradings (a changed updated_at: an incremental run)
    wh = p.connect()
    try:
        table = wh.qualify(p.source_schema, "call_scores")
        now = dt.datetime.now().replace(microsecond=0)
        mark = wh.placeholder
        wh.execute(f"update {table} set outcome = 'mystery_x', updated_at = {mark} where mod(id, 20) = 0", [now])
        wh.execute(f"update {table} set call_category = 'spam_x', updated_at = {mark} where mod(id, 25) = 1", [now])
    finally:
        wh.close()
    third = _lm(p, "build")
    assert third.returncode == 0, third.stdout[-3000:]
    vocab = (_statuses(p), third.stdout, _packs(p), _last_run(p))
    refit = _lm(p, "calibrate", "--min-n", str(MIN_N))
    assert refit.returncode == 0, refit.stderr
    version_b = _versions(p)
    fourth = _lm(p, "build")
    assert fourth.returncode == 0, fourth.stdout[-3000:]
    yield Flow(
        p,
        before,
        before_statuses,
        first.stdout,
        fit.stdout,
        after,
        after_statuses,
        second.stdout,
        after_packs,
        after_run,
        version_a,
        *vocab,
        version_b,
        _packs(p),
        _last_run(p),
    )


BAND_GUARD = "assert_guard_grader_mean_normalized_score_in_band"
SCALE_GUARD = "assert_guard_grader_scores_within_scale"
LABEL_GUARD = "assert_guard_grading_labels_known"


def _well_sampled(means: dict[str, tuple[float, int]]) -> dict[str, float]:
    return {g: m for g, (m, n) in means.items() if n >= MIN_N}


def test_guard_warns_before_calibration(flow: Flow) -> None:
    ai_mean = flow.before["ai"][0]
    assert ai_mean < 0.2, flow.before  # ai's 0-10 scores read as 0-100
    assert flow.before_statuses[BAND_GUARD] == "warn"
    assert flow.before_statuses[LABEL_GUARD] == "pass"
    lines = [line for line in flow.before_out.splitlines() if line.startswith("warning: grader ai: mean normalized")]
    assert len(lines) == 1, flow.before_out[-3000:]
    # the mean of every ai grading (int_grader_scales), close to that of the counted ones (lm_value)
    shown = float(lines[0].split("score ")[1].split(" ")[0])
    assert shown == pytest.approx(ai_mean, abs=0.02)
    assert "outside 0.20-0.95" in lines[0] and lines[0].endswith("- run lm calibrate")
    assert not [line for line in flow.before_out.splitlines() if line.startswith("warning: grader qa:")]


def test_calibration_brings_graders_together(flow: Flow) -> None:
    means = _well_sampled(flow.after)
    assert {"ai", "qa:1", "qa:2"} <= set(means), flow.after
    assert max(means.values()) - min(means.values()) <= 0.1, means
    before = _well_sampled(flow.before)
    assert max(before.values()) - min(before.values()) > 0.4, before  # the spread the fit removed
    assert flow.after_statuses[BAND_GUARD] == "pass"
    assert flow.after_statuses[SCALE_GUARD] == "pass"
    assert "warning:" not in flow.after_out
    assert "ai" in flow.fit_out and "0-10" in flow.fit_out


def test_calibration_version_in_feature_pack_and_run_log(flow: Flow) -> None:
    (version,) = flow.version_a
    reason, settings = flow.after_run
    assert settings["calibration_version"] == version
    assert "calibration_version" in reason  # the refit made the run full, visibly
    scored = [pack for pack in flow.after_packs if pack["call_score"] is not None]
    assert scored and all(pack["calibration_version"] == version for pack in flow.after_packs)
    sources = {pack["grader_scale_source"] for pack in scored if pack["scored_by"] == "ai"}
    assert sources == {"fitted"}
    assert all(pack["grader_scale_source"] is None for pack in flow.after_packs if pack["call_score"] is None)


def test_no_refit_keeps_the_version_and_a_refit_changes_it(flow: Flow) -> None:
    (version_a,) = flow.version_a
    reason, settings = flow.vocab_run
    assert reason == "incremental" and settings["calibration_version"] == version_a
    assert {pack["calibration_version"] for pack in flow.vocab_packs} == {version_a}
    (version_b,) = flow.version_b
    assert version_b != version_a
    reason, settings = flow.refit_run
    assert settings["calibration_version"] == version_b
    assert reason.startswith("settings_changed") and "calibration_version" in reason
    assert {pack["calibration_version"] for pack in flow.refit_packs} == {version_b}


def test_vocabulary_guard_warns_on_unknown_labels(flow: Flow) -> None:
    assert flow.vocab_statuses[LABEL_GUARD] == "warn"
    lines = flow.vocab_out.splitlines()
    outcome = [line for line in lines if line.startswith("warning: outcome: ")]
    category = [line for line in lines if line.startswith("warning: call_category: ")]
    assert len(outcome) == 1 and len(category) == 1, flow.vocab_out[-3000:]
    assert not [line for line in lines if line.startswith("warning: refusal_reason: ")]
    # about 1 in 20 and 1 in 25 of the latest gradings (ids are consecutive), over the 2 % threshold
    share = float(outcome[0].split(": ")[2].split("%")[0]) / 100
    assert 0.035 < share < 0.07, outcome
    assert any(pack["flag_unknown_outcome"] == 1 and pack["outcome"] == "mystery_x" for pack in flow.vocab_packs)
    assert any(pack["flag_unknown_call_category"] == 1 for pack in flow.vocab_packs)
    assert all(
        pack["flag_unknown_call_category"] == 0 for pack in flow.vocab_packs if pack["call_category"] == "booking"
    )


def test_summary_names_the_warnings_of_the_last_run(flow: Flow) -> None:
    proc = _lm(flow.project, "summary")
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stdout.splitlines() if line.startswith("warning:")]
    # the last build (after the refit) still sees the unknown labels, and no grader out of its band
    assert sorted(line.split(":")[1].strip() for line in lines) == ["call_category", "outcome"], proc.stdout
