"""The forecast step's warehouse side: `lm train` and `lm score` (the learning itself is :mod:`lm.forecast.learn`).

dbt-mysql runs no Python models, so the three learned metrics are made here, through the same profile as
dbt (:mod:`lm.warehouse`), and handed back to dbt as the state table ``lm_forecast_scores`` (source
``lm_state``), which ``int_metrics_forecast`` unpivots into ``lm_value`` like every other metric.

* **Features** are the dbt model ``int_forecast_features`` (known at the call's end), **labels** the view
  ``int_forecast_labels`` (later calls of the caller, windows from the calc profile). Both are read with
  one query per batch, as Arrow; the caller key stays in the warehouse: the extraction selects the
  feature columns by name, and the split's "caller has a holdout call" flag compares the labels view's
  caller_last_labelled_at with the holdout's start in SQL (a keyed join, no window over the wide rows).
* **train** splits in time per metric: the holdout is the last ``holdout_share`` of the period whose label
  windows have closed; training ends one label window before it (the gap), and calls of callers who have
  a call in the holdout period are not trained on. :func:`lm.forecast.learn.train_metric` fits both
  models, calibrates them on the latest part of the training period and picks the winner. The artifact is
  saved outside the repository's tracked files (``.lm/models/<target>/<version>``, or ``LM_MODEL_DIR``),
  the evaluation appended to ``lm_model_eval``. Where the demo generator recorded the generating
  probabilities (table ``lm_demo_truth`` beside the source tables), the evaluation states the oracle AUC.
* **score** scores the calls whose features changed since their score (``features_hash``), that have no
  score, or whose score came from another model version - new and changed calls only, like the
  incremental dbt run - in batches, and upserts ``lm_forecast_scores``.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lm import project
from lm.errors import LmError
from lm.forecast import learn
from lm.warehouse import Warehouse

#: dbt relations and state tables the step reads and writes (in LM's schema of the profile's target)
FEATURES_MODEL = "int_forecast_features"
LABELS_MODEL = "int_forecast_labels"
PARAMS_MODEL = "int_calc_params"
SCORES_TABLE = "lm_forecast_scores"
EVAL_TABLE = "lm_model_eval"
#: written by the demo generator beside the source tables (lm.demo.loading); absent on a client's data
TRUTH_TABLE = "lm_demo_truth"
#: columns of int_forecast_features that are not features
NON_FEATURES = ("history_id", "caller_key", "call_started_at", "features_hash")
CALC_METHOD = {"logistic": "regression", "hist_gbm": "gbm"}
DEFAULT_BATCH = 200_000


@dataclass(frozen=True)
class MetricSpec:
    """One learned metric: its label, the flag saying the label's window closed, its population."""

    code: str
    label: str
    closed: str
    window_param: str
    truth: str
    method_column: str
    population: str | None = None


METRICS = (
    MetricSpec(
        "second_call_prob",
        "has_second_call",
        "is_second_call_closed",
        "forecast_second_call_days",
        "p_second_call_7d",
        "second_call_method",
    ),
    MetricSpec(
        "conversion_prob_forecast",
        "has_later_booking",
        "is_booking_closed",
        "forecast_booking_days",
        "p_booking_14d",
        "conversion_method",
        population="is_conversion_population",
    ),
    MetricSpec(
        "complaint_prob",
        "has_complaint",
        "is_complaint_closed",
        "forecast_complaint_days",
        "p_complaint_30d",
        "complaint_method",
    ),
)


class ForecastError(LmError):
    """The forecast step cannot run (nothing built yet, no model trained, too little history)."""


# --------------------------------------------------------------------------------------------------------
# Where things are
# --------------------------------------------------------------------------------------------------------
def model_dir(target_name: str, environ: Mapping[str, str] | None = None) -> Path:
    """Where the target's model artifacts live: LM_MODEL_DIR, else .lm/models/<target> in the project."""
    env = os.environ if environ is None else environ
    base = Path(env["LM_MODEL_DIR"]) if env.get("LM_MODEL_DIR") else project.project_dir(env) / ".lm" / "models"
    return base / target_name


def current_version(directory: Path) -> str | None:
    marker = directory / "current"
    return marker.read_text().strip() if marker.is_file() else None


def _relation(wh: Warehouse, name: str) -> str:
    return wh.qualify(wh.target.schema, name)


def _require_built(wh: Warehouse) -> None:
    for name in (FEATURES_MODEL, LABELS_MODEL, SCORES_TABLE, EVAL_TABLE):
        if not wh.table_exists(wh.target.schema, name):
            raise ForecastError(
                f"{name} does not exist in {wh.target.schema} on target '{wh.target.name}': run `lm build` first"
            )


def feature_columns(wh: Warehouse) -> list[str]:
    """The feature columns of int_forecast_features, in table order (everything but keys and the hash)."""
    mark = wh.placeholder
    rows = wh.query(
        "select column_name from information_schema.columns where table_schema = "
        f"{mark} and table_name = {mark} order by ordinal_position",
        [wh.target.schema, FEATURES_MODEL],
    )
    return [str(row[0]) for row in rows if str(row[0]).lower() not in NON_FEATURES]


def _as_float(table: pa.Table) -> pa.Table:
    """Decimal and integer columns as float64 (engines return DECIMAL/INT for the same feature)."""
    columns = []
    for column in table.columns:
        kind = column.type
        if pa.types.is_decimal(kind) or pa.types.is_integer(kind) or pa.types.is_boolean(kind):
            column = pc.cast(column, pa.float64())
        elif pa.types.is_null(kind):
            column = pa.nulls(len(column), pa.float64())
        columns.append(column)
    return pa.table(columns, names=table.column_names)


def _calc_windows(wh: Warehouse) -> dict[str, int]:
    names = [spec.window_param for spec in METRICS]
    row = wh.query(f"select {', '.join(names)} from {_relation(wh, PARAMS_MODEL)}")[0]
    return {name: int(float(value)) for name, value in zip(names, row, strict=True)}


#: call times travel as seconds since this naive moment (no time zone: the source's timestamps have none)
EPOCH = dt.datetime(2000, 1, 1)


def _epoch(wh: Warehouse, column: str) -> str:
    if wh.target.is_mysql:
        return f"timestampdiff(second, '2000-01-01 00:00:00', {column})"
    return f"date_diff('second', timestamp '2000-01-01 00:00:00', {column})"


def _moment(seconds: int) -> dt.datetime:
    return EPOCH + dt.timedelta(seconds=int(seconds))


def _from_epoch(wh: Warehouse, seconds: int) -> str:
    text = _moment(seconds).strftime("%Y-%m-%d %H:%M:%S")
    return f"cast('{text}' as datetime)" if wh.target.is_mysql else f"cast('{text}' as timestamp)"


# --------------------------------------------------------------------------------------------------------
# train
# --------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TrainResult:
    version: str
    path: Path
    evaluation: list[learn.EvalRow]
    holdout_start: dict[str, dt.datetime]
    n_rows: int


def _span(wh: Warehouse) -> tuple[int, int]:
    """First and last valid call start, in seconds since EPOCH."""
    features = _relation(wh, FEATURES_MODEL)
    start = _epoch(wh, "call_started_at")
    row = wh.query(f"select min({start}), max({start}) from {features}")[0]
    if row[0] is None:
        raise ForecastError(f"{FEATURES_MODEL} is empty on target '{wh.target.name}': nothing to learn from")
    return int(row[0]), int(row[1])


def _training_query(wh: Warehouse, columns: Sequence[str], cuts: dict[str, int], truth_schema: str | None) -> str:
    """Features, labels and the per-metric "caller has a holdout call" flag of every labelled call: a keyed
    join and no window or sort (the labels view carries the caller's last call; lm sorts in Python), so
    the server never sorts the wide feature rows."""
    features, labels = _relation(wh, FEATURES_MODEL), _relation(wh, LABELS_MODEL)
    selected = ["features.history_id as row_history_id"]
    selected += [f"features.{wh.quote(name)}" for name in columns]
    label_columns = [name for spec in METRICS for name in (spec.label, spec.closed)]
    label_columns.append("is_conversion_population")
    selected += [f"labels.{name}" for name in label_columns]
    selected.append(f"{_epoch(wh, 'features.call_started_at')} as call_ts")
    for spec in METRICS:
        cut = _from_epoch(wh, cuts[spec.code])
        selected.append(
            f"case when labels.caller_last_labelled_at >= {cut} then 1 else 0 end as holdout_caller_{spec.code}"
        )
    joins = [f"inner join {labels} as labels on features.history_id = labels.history_id"]
    if truth_schema:
        truth = wh.qualify(truth_schema, TRUTH_TABLE)
        selected += [f"truth.{spec.truth}" for spec in METRICS]
        joins.append(f"left join {truth} as truth on features.history_id = truth.history_id")
    # every labelled call: the shortest window closed (the others are masked per metric)
    return (
        f"select {', '.join(selected)} from {features} as features {' '.join(joins)} "
        "where labels.is_second_call_closed = 1"
    )


def train(
    wh: Warehouse,
    directory: Path,
    source_schema: str | None = None,
    holdout_share: float = 0.2,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> TrainResult:
    """Fit, evaluate and save the three models; append their evaluation to lm_model_eval. The generating
    probabilities are read from lm_demo_truth in `source_schema` when the demo generator wrote it there."""
    _require_built(wh)
    say = progress or (lambda _text: None)
    windows = _calc_windows(wh)
    first, last = _span(wh)
    cuts: dict[str, int] = {}
    for spec in METRICS:
        window = windows[spec.window_param] * 86400
        closed_end = last - window  # calls after it have an open window
        cut = int(closed_end - holdout_share * (closed_end - first))
        if cut - window - first < window:
            raise ForecastError(
                f"{spec.code}: {(last - first) / 86400:.0f} days of history are too few for a "
                f"{windows[spec.window_param]}-day label: after the open last window, the holdout and a gap of "
                "one window before it, less than one window of history is left to train on"
            )
        cuts[spec.code] = cut
    columns = feature_columns(wh)
    has_truth = bool(source_schema) and wh.table_exists(str(source_schema), TRUTH_TABLE)
    say(f"extracting {len(columns)} features")
    data = wh.query_arrow(_training_query(wh, columns, cuts, source_schema if has_truth else None))
    if data.num_rows == 0:
        raise ForecastError("no call has a closed label window yet: nothing to learn from")
    data = data.take(pc.sort_indices(data, [("call_ts", "ascending"), ("row_history_id", "ascending")]))
    features = _as_float(data.select(columns))
    call_ts = np.asarray(data["call_ts"].to_numpy(zero_copy_only=False), dtype=np.int64)
    models: dict[str, learn.MetricModel] = {}
    sizes: dict[str, tuple[int, int, float]] = {}
    for spec in METRICS:
        windows_sec = windows[spec.window_param] * 86400
        closed = _flag(data, spec.closed)
        if spec.population:
            closed &= _flag(data, spec.population)
        role = learn.split_roles(
            call_ts, closed, _flag(data, f"holdout_caller_{spec.code}"), cuts[spec.code], windows_sec
        )
        truth = None
        if has_truth:
            values = data[spec.truth].to_numpy(zero_copy_only=False)
            truth = np.asarray(values, dtype=float)
            if np.isnan(truth[role == 2]).any():
                truth = None  # not every holdout call was generated: no oracle
        label = np.asarray(data[spec.label].to_numpy(zero_copy_only=False), dtype=float)
        trained = role >= 0
        trained &= role <= 1
        sizes[spec.code] = (int((role == 0).sum()), int((role == 1).sum()), float(label[trained].mean()))
        say(f"training {spec.code}")
        models[spec.code] = learn.train_metric(
            spec.code, features, label, role, truth=truth, seed=seed, progress=say, call_ts=call_ts
        )
    trained_at = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    meta = {
        "target": wh.target.name,
        "trained_at": trained_at.isoformat(),
        "holdout_start": {code: cut for code, cut in cuts.items()},
        "windows_days": windows,
        "feature_columns": columns,
        "rows": data.num_rows,
        "seed": seed,
    }
    directory.mkdir(parents=True, exist_ok=True)
    saving = directory / f".saving-{os.getpid()}"
    version = learn.save_models(saving, models, meta)
    saving.rename(directory / version)
    _store_eval(wh, version, models, sizes, cuts, trained_at)
    (directory / "current").write_text(version + "\n")
    evaluation = [row for model in models.values() for row in model.evaluation]
    starts = {code: _moment(cut) for code, cut in cuts.items()}
    return TrainResult(version, directory / version, evaluation, starts, data.num_rows)


def _flag(data: pa.Table, name: str) -> np.ndarray:
    values = data[name].to_numpy(zero_copy_only=False)
    return np.asarray(np.nan_to_num(np.asarray(values, dtype=float)), dtype=float) > 0.5


def _store_eval(
    wh: Warehouse,
    version: str,
    models: dict[str, learn.MetricModel],
    sizes: dict[str, tuple[int, int, float]],
    cuts: dict[str, int],
    trained_at: dt.datetime,
) -> None:
    lm_version = str(project.project_vars().get("lm_version", ""))
    rows: dict[str, list[Any]] = {name: [] for name in _EVAL_COLUMNS}
    for code, model in models.items():
        holdout_start = _moment(cuts[code])
        n_fit, n_calibration, base_rate = sizes[code]
        for row in model.evaluation:
            values = {
                "model_version": version,
                "metric_code": code,
                "model_kind": row.model,
                "calc_method": CALC_METHOD[row.model],
                "is_winner": int(row.is_winner),
                "n_holdout": row.n,
                "n_positive": row.n_positive,
                "base_rate": base_rate,
                "roc_auc": row.auc,
                "oracle_auc": row.oracle_auc,
                "auc_ratio": row.auc_ratio,
                "brier": row.brier,
                "base_brier": row.base_brier,
                "ece": row.ece,
                "n_fit": n_fit,
                "n_calibration": n_calibration,
                "holdout_start_at": holdout_start,
                "lm_version": lm_version,
                "trained_at": trained_at,
            }
            for name in _EVAL_COLUMNS:
                rows[name].append(values[name])
    table = pa.table({name: pa.array(values, _EVAL_COLUMNS[name]) for name, values in rows.items()})
    wh.load_arrow(wh.target.schema, EVAL_TABLE, table)


_EVAL_COLUMNS: dict[str, pa.DataType] = {
    "model_version": pa.string(),
    "metric_code": pa.string(),
    "model_kind": pa.string(),
    "calc_method": pa.string(),
    "is_winner": pa.int32(),
    "n_holdout": pa.int64(),
    "n_positive": pa.int64(),
    "base_rate": pa.float64(),
    "roc_auc": pa.float64(),
    "oracle_auc": pa.float64(),
    "auc_ratio": pa.float64(),
    "brier": pa.float64(),
    "base_brier": pa.float64(),
    "ece": pa.float64(),
    "n_fit": pa.int64(),
    "n_calibration": pa.int64(),
    "holdout_start_at": pa.timestamp("s"),
    "lm_version": pa.string(),
    "trained_at": pa.timestamp("s"),
}


# --------------------------------------------------------------------------------------------------------
# score
# --------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ScoreResult:
    version: str
    scored: int
    batches: int


def _pending_from(wh: Warehouse, version: str) -> str:
    """FROM ... WHERE of the calls that need a score: none yet, another model version, or features whose hash
    differs from the one the score was computed from (shared by the count and the batches)."""
    features, scores = _relation(wh, FEATURES_MODEL), _relation(wh, SCORES_TABLE)
    version_sql = "'" + version.replace("'", "''") + "'"
    return (
        f"from {features} as features left join {scores} as scores on features.history_id = scores.history_id "
        f"where (scores.history_id is null or scores.model_version <> {version_sql} "
        "or scores.features_hash <> features.features_hash)"
    )


def _pending_ids(wh: Warehouse, version: str) -> np.ndarray:
    """Sorted ids of the calls that need a score: a narrow scan (on MySQL/MariaDB the index on features_hash
    covers it), so finding a few new calls does not read every wide feature row."""
    ids = wh.query_arrow(f"select features.history_id {_pending_from(wh, version)}")["history_id"]
    return np.sort(np.asarray(ids.to_numpy(zero_copy_only=False), dtype=np.int64))


def _pending_query(wh: Warehouse, columns: Sequence[str], version: str, first_id: int, last_id: int) -> str:
    """The feature rows of the pending calls with ids first_id..last_id (a range of the primary key)."""
    selected = ["features.history_id", "features.features_hash", *(f"features.{wh.quote(c)}" for c in columns)]
    return (
        f"select {', '.join(selected)} {_pending_from(wh, version)} "
        f"and features.history_id between {int(first_id)} and {int(last_id)}"
    )


def score(
    wh: Warehouse,
    directory: Path,
    version: str | None = None,
    batch_size: int = DEFAULT_BATCH,
    progress: Callable[[int, int], None] | None = None,
) -> ScoreResult:
    """Score the calls that need it with the saved model (`version`, default the current one)."""
    _require_built(wh)
    version = version or current_version(directory)
    if version is None:
        raise ForecastError(f"no model has been trained for target '{wh.target.name}' ({directory}): run `lm train`")
    models, meta = learn.load_models(directory / version)
    columns = feature_columns(wh)
    if columns != list(meta["feature_columns"]):
        raise ForecastError(
            f"model {version} was trained on other features than {FEATURES_MODEL} has now: run `lm train`"
        )
    pending = _pending_ids(wh, version)
    total = len(pending)
    done = batches = 0
    if progress:
        progress(0, total)
    for batch in _batches(wh, columns, version, pending, batch_size):
        done += _score_batch(wh, models, version, batch, columns)
        batches += 1
        if progress:
            progress(done, total)
    return ScoreResult(version, done, batches)


def _batches(
    wh: Warehouse, columns: Sequence[str], version: str, pending: np.ndarray, batch_size: int
) -> Iterator[pa.Table]:
    """The pending calls' feature rows, batch_size ids at a time, each batch one primary-key range."""
    for start in range(0, len(pending), batch_size):
        chunk = pending[start : start + batch_size]
        batch = wh.query_arrow(_pending_query(wh, columns, version, int(chunk[0]), int(chunk[-1])))
        if batch.num_rows:
            yield batch


def _score_batch(
    wh: Warehouse, models: dict[str, learn.MetricModel], version: str, batch: pa.Table, columns: Sequence[str]
) -> int:
    features = _as_float(batch.select(list(columns)))
    out: dict[str, pa.Array] = {
        "history_id": pc.cast(batch["history_id"], pa.int64()),
        "model_version": pa.array([version] * batch.num_rows, pa.string()),
        "features_hash": pc.cast(batch["features_hash"], pa.string()),
    }
    answered = np.asarray(features["is_answered"].to_numpy(zero_copy_only=False), dtype=float) > 0.5
    target = np.nan_to_num(np.asarray(features["is_target"].to_numpy(zero_copy_only=False), dtype=float)) > 0.5
    outcome = batch["outcome"].to_pylist()
    population = answered & target & np.array([value not in (None, "record") for value in outcome], dtype=bool)
    for spec in METRICS:
        model = models[spec.code]
        probability = np.clip(model.predict(features), 0.0, 1.0)
        mask = population if spec.population else np.ones(batch.num_rows, dtype=bool)
        out[spec.code] = pa.array(np.where(mask, probability, np.nan), pa.float64(), mask=~mask)
        method = CALC_METHOD[model.winner]
        out[spec.method_column] = pa.array([method if keep else None for keep in mask], pa.string())
    now = wh.query(f"select {wh.now_sql}")[0][0]
    out["scored_at"] = pa.array([now] * batch.num_rows, pa.timestamp("s"))
    order = ["history_id", "model_version", "features_hash"]
    for spec in METRICS:
        order += [spec.code, spec.method_column]
    order.append("scored_at")
    table = pa.table({name: out[name] for name in order})
    return wh.replace_rows(wh.target.schema, SCORES_TABLE, table, "history_id")
