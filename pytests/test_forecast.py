"""The forecast step end to end on both targets: lm train / lm score through the profile, the three learned
metrics in lm_value beside the 15 rule metrics, their quality against the generator's truth, and the
incremental guarantees.

On each target a generated demo of 60,000 calls over 120 days goes through the schedule: dbt build ->
train -> score -> dbt build. Then:

* every valid call has all 18 metrics; second_call_prob and complaint_prob are set for every valid call,
  conversion_prob_forecast exactly for the target calls that did not book (1 for booked calls, NULL
  otherwise); the dictionary tests pass (probabilities in [0, 1]);
* the evaluation (lm_model_eval): one winner per metric; the winner beats the base rate (Brier) and ranks
  (AUC); it is calibrated (ECE < 0.03);
* at 200,000 calls (the size the issue states it at; only the features are built, then lm train) the
  winner's holdout AUC is at least 0.95 of the AUC of the generating probabilities (lm_demo_truth) per
  metric - on DuckDB (at 60k both targets are held to 0.9 of it);
* a deployment holding only the calls before a cut (every later call deleted), scored with the same model
  artifact, gives those calls exactly the same features hash and scores: nothing after a call reaches its
  features;
* a scheduled day (next_batch: new calls, late gradings, regradings) scored incrementally gives the same
  lm_value, forecast rows included, as a full rebuild rescored from scratch with the same artifact.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conftest import LmProject
from lm import demo
from lm.forecast import step

CALLS = 60_000
# at least ~105 days of history: the 30-day complaint label needs its open last window, a holdout, a gap of
# one window and a window of training history (lm.forecast.step.train refuses less)
CALLS_PER_DAY = 500.0
ORACLE_CALLS = 200_000
ORACLE_CALLS_PER_DAY = 1200.0
SEED = 5
ORACLE_RATIO = 0.95  # the bar at 200k calls
MAX_ECE = 0.03
FORECAST = ("second_call_prob", "conversion_prob_forecast", "complaint_prob")


@dataclass
class Trained:
    project: LmProject
    data: demo.DemoData
    directory: Path
    version: str
    evaluation: list[Any]


def _train(project_: LmProject, directory: Path) -> step.TrainResult:
    with project_.connect() as wh:
        return step.train(wh, directory, source_schema=project_.source_schema)


def _score(project_: LmProject, directory: Path, version: str | None = None) -> step.ScoreResult:
    with project_.connect() as wh:
        return step.score(wh, directory, version=version, batch_size=50_000)


@pytest.fixture(scope="module")
def trained(lm_project: LmProject, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Trained]:
    data = demo.generate(CALLS, seed=SEED, calls_per_day=CALLS_PER_DAY)
    with lm_project.connect() as wh:
        demo.load(wh, lm_project.source_schema, data)
    lm_project.dbt("build", "--full-refresh")
    directory = tmp_path_factory.mktemp("models") / lm_project.target
    result = _train(lm_project, directory)
    _score(lm_project, directory)
    lm_project.dbt("build")
    yield Trained(lm_project, data, directory, result.version, result.evaluation)


def test_every_valid_call_has_all_18_metrics(trained: Trained) -> None:
    project_ = trained.project
    valid = project_.query("select count(*) from {lm}.int_calls_validated where quarantine_reason is null")[0][0]
    per_call = project_.query(
        "select metric_count, count(*) from (select history_id, count(*) as metric_count from {src}.lm_value "
        "group by history_id) as counted group by metric_count"
    )
    assert [(int(n), int(calls)) for n, calls in per_call] == [(18, valid)]
    filled = project_.query(
        "select metric_code, count(value_numeric), count(*), min(value_numeric), max(value_numeric), "
        "min(lm_version), max(lm_version) from {src}.lm_value where metric_group = 'forecast' group by metric_code"
    )
    by_code = {row[0]: row[1:] for row in filled}
    for code in ("second_call_prob", "complaint_prob"):
        n_value, n_rows, low, high, version_low, version_high = by_code[code]
        assert n_value == n_rows == valid, code
        assert 0 <= float(low) <= float(high) <= 1
        assert version_low == version_high == trained.version
    population = project_.query(
        "select count(*) from {lm}.int_calls_enriched where is_answered and is_target and outcome <> 'record'"
    )[0][0]
    booked = project_.query("select count(*) from {lm}.int_calls_enriched where is_answered and outcome = 'record'")[0][
        0
    ]
    assert by_code["conversion_prob_forecast"][0] == population + booked
    ones = project_.query(
        "select count(*) from {src}.lm_value where metric_code = 'conversion_prob_forecast' and calc_method = 'rule' "
        "and value_numeric = 1"
    )[0][0]
    assert ones == booked


def test_dictionary_tests_pass_with_the_forecast_rows(trained: Trained) -> None:
    result = trained.project.dbt("test", "--select", "lm_value", "vw_lm_model_eval", "stg_lm_state__model_eval")
    assert result.success


def test_the_models_beat_the_base_rate_and_are_calibrated(trained: Trained) -> None:
    rows = trained.project.query(
        "select metric_code, model_kind, is_winner, roc_auc, oracle_auc, auc_ratio, brier, base_brier, ece, n_holdout "
        "from {lm}.vw_lm_model_eval where is_current"
    )
    assert len(rows) == 6
    winners = {row[0]: row for row in rows if row[2]}
    assert sorted(winners) == sorted(FORECAST)
    for code, (_, _, _, auc, oracle, ratio, brier, base_brier, ece, n) in winners.items():
        assert n >= 1000, code
        # AUC: a model that learned nothing has 0.5. The generator's own probabilities reach about 0.80
        # (second call), 0.75 (complaint) and only about 0.60 (later booking: the next call's outcome is
        # mostly decided by that call), so the bar is relative to them: 0.9 of the oracle at this size (the
        # holdout has only ~100 complaints here), 0.95 at 200k below.
        assert oracle is not None and ratio == pytest.approx(auc / oracle), code
        assert auc > 0.55 and ratio >= 0.9, (code, auc, oracle, ratio)
        # Brier: rare labels leave little to gain over the base rate even for the oracle (complaint: base
        # 0.0116, the best model 0.0115 at 100k), so it must be below the base rate, not by a margin
        assert brier < base_brier, (code, brier, base_brier)
        assert ece < MAX_ECE, (code, ece)


def test_the_models_come_within_5_percent_of_the_oracle_at_200k(tmp_path: Path) -> None:
    """AUC of the model / AUC of the generating probabilities >= 0.95 per metric, at 200,000 calls.

    On DuckDB only: the learning is the same Python on the same features whatever the engine (the MariaDB
    pipeline is held to the oracle at 60k above, and to incremental = full and the cut history below); a
    second 200k build on MariaDB would add ten minutes to every CI run for no new path.
    """
    project_ = LmProject("duckdb", "forecastoracle_du", tmp_path)
    project_.reset()
    try:
        data = demo.generate(ORACLE_CALLS, seed=SEED + 1, calls_per_day=ORACLE_CALLS_PER_DAY)
        with project_.connect() as wh:
            demo.load(wh, project_.source_schema, data)
        project_.dbt("seed")
        project_.dbt("run", "--select", "+int_forecast_features", "+int_forecast_labels")
        result = _train(project_, tmp_path / "models")
        winners = {row.metric_code: row for row in result.evaluation if row.is_winner}
        assert sorted(winners) == sorted(FORECAST)
        for code, row in winners.items():
            assert row.oracle_auc is not None, code
            assert row.auc_ratio >= ORACLE_RATIO, (code, row.auc, row.oracle_auc, row.auc_ratio)
            assert row.ece < MAX_ECE, (code, row.ece)
    finally:
        project_.drop()


def _stored_scores(project_: LmProject) -> dict[int, tuple[Any, ...]]:
    """lm_forecast_scores by call: the model version, the hash of the features scored and every score (to 10
    decimals, as a batch of another size may round the last bit of a product differently)."""
    columns = ["model_version", "features_hash"]
    for spec in step.METRICS:
        columns += [spec.code, spec.method_column]
    rows = project_.query(f"select history_id, {', '.join(columns)} from {{lm}}.{step.SCORES_TABLE}")
    return {
        int(row[0]): tuple(round(float(value), 10) if isinstance(value, float) else value for value in row[1:])
        for row in rows
    }


def test_scores_ignore_every_later_call(trained: Trained, tmp_path: Path) -> None:
    """A deployment with the history cut at a day (later calls and their gradings deleted) computes the same
    features (same hash) for the calls before the cut and scores them exactly as the full history does, with
    the same artifact. Only what scoring reads is built there (seeds, the features and labels with what they
    need): the scores are compared where lm score writes them, the rows lm_value copies them into."""
    data = trained.data
    starts = data.call_history["call_started_at"].to_pylist()
    cut = min(starts) + (max(starts) - min(starts)) * 0.6
    keep = [start < cut for start in starts]
    history = data.call_history.filter(keep)
    kept_ids = set(history["history_id"].to_pylist())
    scores = data.call_scores.filter([hid in kept_ids for hid in data.call_scores["history_id"].to_pylist()])
    truncated = LmProject(trained.project.target, trained.project.tag + "_cut", tmp_path)
    truncated.reset()
    try:
        with truncated.connect() as wh:
            wh.load_arrow(truncated.source_schema, "call_history", history)
            wh.load_arrow(truncated.source_schema, "call_scores", scores)
        truncated.dbt("seed")
        truncated.dbt("run", "--select", "+int_forecast_features", "+int_forecast_labels")
        _score(truncated, trained.directory, trained.version)
        full = _stored_scores(trained.project)
        cut_scores = _stored_scores(truncated)
        assert len(cut_scores) >= 1000 and set(cut_scores) <= kept_ids
        differing = [history_id for history_id, value in cut_scores.items() if full[history_id] != value]
        assert differing == []
    finally:
        truncated.drop()


def test_incremental_day_equals_full_rebuild_with_forecasts(trained: Trained) -> None:
    project_ = trained.project
    batch = demo.next_batch(trained.data, n_calls=1500)
    with project_.connect() as wh:
        demo.load(wh, project_.source_schema, batch, replace=False)
    project_.dbt("build")
    scored = _score(project_, trained.directory, trained.version)
    assert scored.scored >= 1500
    project_.dbt("build")
    incremental = _registry_snapshot(project_)
    with project_.connect() as wh:
        wh.truncate(project_.schema, step.SCORES_TABLE)
    project_.dbt("build", "--full-refresh")
    _score(project_, trained.directory, trained.version)
    project_.dbt("build")
    rebuilt = _registry_snapshot(project_)
    assert len(incremental) == len(rebuilt)
    assert incremental == rebuilt


def _registry_snapshot(project_: LmProject) -> dict[tuple[int, str], tuple[Any, ...]]:
    rows = project_.query(
        "select history_id, metric_code, call_score_id, value_numeric, value_label, value_json, lm_version, "
        "calc_method from {src}.lm_value"
    )
    return {(int(row[0]), str(row[1])): tuple(row[2:]) for row in rows}
