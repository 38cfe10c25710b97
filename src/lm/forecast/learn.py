"""The learning core of the forecast step: per-call probabilities learned from a clinic's call history.

Pure Python (no warehouse): the caller (``lm.forecast``'s I/O) hands over a feature table (pyarrow), a 0/1
label per row and a role per row (:func:`split_roles`), and gets back a :class:`MetricModel` that scores new
feature tables, with its holdout evaluation (:class:`EvalRow`).

**Roles** (time-based, no leakage). The holdout is every labelled row from ``holdout_start_ts`` on. The train
side is the labelled rows before ``holdout_start_ts - gap_sec`` (``gap_sec`` = the label window, so no train
label looks into the holdout period) whose caller has no call in the holdout period (so no caller is on both
sides); its latest ``calibration_share`` (by time) is the calibration slice, the rest the fit slice. A row
whose label window is still open is never trained on nor evaluated.

**Features** are generic. Numeric, boolean and decimal columns become float64 (null and +-inf -> NaN);
string (and dictionary-of-string) columns become categorical codes over a vocabulary learned on the fit
slice: the :data:`MAX_CATEGORIES` most frequent values seen at least :data:`MIN_CATEGORY_COUNT` times, every
other non-null value (rare, or unseen at predict time) one shared "other" code, null NaN. An all-null column
(also of arrow type ``null``) works at fit and at predict time.

**Two models per metric**, each fitted on the fit slice and calibrated on the calibration slice:

``logistic``
    median imputation + missing indicators + standardisation of the numerics, one-hot of the categorical
    codes (unknown codes ignored), L2 logistic regression (C=1, lbfgs). The baseline.
``hist_gbm``
    :class:`~sklearn.ensemble.HistGradientBoostingClassifier` with native categorical support, learning
    rate 0.1 (0.2 from :data:`HGB_FAST_ROWS` rows), up to 300 trees of 31 leaves, early stopping (10 rounds
    without a loss improvement) on the latest :data:`HGB_VALIDATION_SHARE` of the fit slice by time: the
    model is used on calls after its history, so the number of trees is picked by how well it predicts
    *later* calls, which a random validation split would overstate; and the count adapts to the size of the
    clinic (a fixed count either overfits a small history or underfits a large one).

**Calibration**: the fitted model is frozen and its decision score (log-odds) on the calibration slice is
calibrated (:class:`CalibratedModel`: the score is computed once per slice, which at 100,000 calibration
rows saves the four further passes of ``CalibratedClassifierCV(FrozenEstimator(model))`` per method
choice). The method (sigmoid or isotonic) is chosen forward in time: both are fitted on the earlier half
of the calibration slice and scored (log loss) on the later half; the better one (sigmoid on a tie: it
keeps the ranking and has 2 parameters) is refitted on the whole slice. Selecting on the data the
calibrator was fitted on would always favour isotonic, which overfits small slices.

**Winner**: the lower holdout log loss (a proper score: these are probabilities used as probabilities, so
calibration counts as much as ranking); the logistic model wins when its log loss is within
:data:`WINNER_TIE_REL` (relative) of the GBM's (simpler, cheaper, more stable at the same quality). The
holdout figures of the winner are therefore very slightly optimistic (the best of two); the models are
kept as evaluated (not refitted on the holdout), so what is reported is what scores.

**Size**: the fit slice is subsampled to :data:`MAX_FIT_ROWS` (systematic sample over the time order, so
every period keeps its share; the logistic model takes :data:`MAX_LOGISTIC_ROWS` of them) and the
calibration slice to :data:`MAX_CALIBRATION_ROWS`; the holdout is
always scored whole. See ``scripts/bench_learn.py`` for what the caps cost in time and AUC.

Model files are pickles (joblib): load only directories LM wrote itself.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import joblib
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from threadpoolctl import threadpool_limits

from lm.errors import LmError

ROLE_UNUSED = -1
ROLE_FIT = 0
ROLE_CALIBRATE = 1
ROLE_HOLDOUT = 2

MODEL_NAMES = ("logistic", "hist_gbm")
CALIBRATION_METHODS = ("sigmoid", "isotonic")
ModelName = Literal["logistic", "hist_gbm"]
FeatureKind = Literal["numeric", "categorical"]

#: a string column keeps at most this many values as their own category (HistGradientBoosting allows < 255)
MAX_CATEGORIES = 200
#: a value needs this many fit rows to be its own category; rarer ones share the "other" code
MIN_CATEGORY_COUNT = 20
#: the latest share of the fit slice (by time) that stops the boosting early
HGB_VALIDATION_SHARE = 0.15
#: rows the two models are fitted on at most, and the calibrators (the bench measures the cost)
MAX_FIT_ROWS = 200_000
MAX_CALIBRATION_ROWS = 100_000
#: from this many boosting rows on, the learning rate is 0.2 instead of 0.1. Measured on the nonlinear
#: synthetic history (scripts/bench_learn.py's generator): at 170,000 rows 0.2 reaches the AUC of 0.1
#: (0.8422 vs 0.8424) with 84 trees instead of 146, 5.8 s instead of 9.8 s; on other label draws it loses
#: 0.004-0.006 AUC (second_call / complaint of the bench) for half the time, which keeps three metrics at 1M
#: calls inside the step's budget; at 50,000 rows 0.2 loses 0.015 AUC, hence 0.1 below
HGB_FAST_ROWS = 100_000
#: the logistic baseline (about 200 coefficients) is fitted on at most this many of the fit rows
MAX_LOGISTIC_ROWS = 100_000
#: the logistic model wins when its holdout log loss is at most (1 + this) x the GBM's
WINNER_TIE_REL = 0.001
#: below these the metric is not trained (ValueError): fit rows / fit positives and negatives /
#: calibration rows and each class / holdout rows and each class
MIN_FIT_ROWS = 500
MIN_FIT_CLASS = 25
MIN_CALIBRATION_ROWS = 200
MIN_CALIBRATION_CLASS = 10
MIN_HOLDOUT_ROWS = 200
MIN_HOLDOUT_CLASS = 10
#: OpenMP / BLAS threads while fitting and scoring. Measured on the 2-core machine shared with other work:
#: HistGradientBoosting on 200,000 x 30 rows, 100 trees, took 2.2 s on 1 thread and 11.2 s on 2 (OpenMP's
#: barriers stall whenever another process holds a core); 1 is the robust default
N_THREADS = 1
#: column names that would carry personal data: refused as features
PERSONAL_NAME_PARTS = ("caller_number", "phone_number", "transcript")

MANIFEST = "manifest.json"
MODEL_FILE = "models.joblib"
FORMAT = "lm-forecast-models"
FORMAT_VERSION = 1

_EPS = 1e-12


class ForecastInputError(LmError, ValueError):
    """The input cannot be trained on / scored (degenerate slices, bad arrays, wrong feature schema)."""


class ModelLoadError(LmError, ValueError):
    """A saved model directory is refused (other scikit-learn, other feature schema, altered file)."""


class ModelSchemaError(ForecastInputError, ModelLoadError):
    """The features offered differ from the trained ones."""


# ---------------------------------------------------------------------------------------------------------
# metrics


def expected_calibration_error(y: np.ndarray, p: np.ndarray, bins: int = 10) -> float:
    """ECE: ``sum_b n_b / n * |mean(p in b) - mean(y in b)|`` over ``bins`` equal-width bins of [0, 1]
    (p = 1 falls in the last bin)."""
    y = np.asarray(y, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    if y.shape != p.shape or y.ndim != 1:
        raise ValueError(f"y and p must be 1-d of the same length (got {y.shape} and {p.shape})")
    if y.size == 0:
        raise ValueError("expected_calibration_error of no rows")
    if np.any((p < 0) | (p > 1)) or np.any(np.isnan(p)):
        raise ValueError("p must lie in [0, 1]")
    which = np.minimum((p * bins).astype(np.int64), bins - 1)
    sum_p = np.bincount(which, weights=p, minlength=bins)
    sum_y = np.bincount(which, weights=y, minlength=bins)
    return float(np.sum(np.abs(sum_p - sum_y)) / y.size)  # n_b/n * |sum_p/n_b - sum_y/n_b|


def log_loss(y: np.ndarray, p: np.ndarray) -> float:
    p = np.clip(np.asarray(p, dtype=np.float64), _EPS, 1 - _EPS)
    y = np.asarray(y, dtype=np.float64)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log1p(-p)))


def brier(y: np.ndarray, p: np.ndarray) -> float:
    return float(np.mean((np.asarray(p, dtype=np.float64) - y) ** 2))


# ---------------------------------------------------------------------------------------------------------
# roles


def choose_holdout_start(call_ts: np.ndarray, label_closed: np.ndarray, holdout_share: float = 0.2) -> int:
    """The timestamp from which about ``holdout_share`` of the labelled rows lie (the holdout starts there)."""
    if not 0 < holdout_share < 1:
        raise ValueError(f"holdout_share must be in (0, 1), got {holdout_share}")
    call_ts = np.asarray(call_ts, dtype=np.int64)
    closed = np.asarray(label_closed, dtype=bool)
    if call_ts.shape != closed.shape:
        raise ValueError(f"call_ts and label_closed differ in length ({call_ts.size} vs {closed.size})")
    labelled = np.sort(call_ts[closed])
    if labelled.size == 0:
        raise ValueError("choose_holdout_start: no labelled rows (every label window is still open)")
    k = min(labelled.size - 1, int(np.floor(labelled.size * (1 - holdout_share))))
    return int(labelled[k])


def split_roles(
    call_ts: np.ndarray,
    label_closed: np.ndarray,
    caller_in_holdout: np.ndarray,
    holdout_start_ts: int,
    gap_sec: int,
    calibration_share: float = 0.2,
) -> np.ndarray:
    """int8 role per row: 0 fit, 1 calibrate, 2 holdout, -1 unused.

    Holdout = labelled (``label_closed``) rows with ``call_ts >= holdout_start_ts``. Train side = labelled
    rows with ``call_ts < holdout_start_ts - gap_sec`` whose caller has no holdout call
    (``caller_in_holdout`` False: computed in the warehouse, the phone number never leaves it); its latest
    ``calibration_share`` by time is the calibration slice (a timestamp cut: rows of the same second stay
    together). Rows with an open label window are never trained on nor evaluated.
    """
    call_ts = np.asarray(call_ts, dtype=np.int64)
    closed = np.asarray(label_closed, dtype=bool)
    in_holdout = np.asarray(caller_in_holdout, dtype=bool)
    if not (call_ts.shape == closed.shape == in_holdout.shape) or call_ts.ndim != 1:
        raise ValueError(
            f"split_roles: arrays differ in shape (call_ts {call_ts.shape}, label_closed {closed.shape}, "
            f"caller_in_holdout {in_holdout.shape})"
        )
    if gap_sec < 0:
        raise ValueError(f"split_roles: gap_sec must be >= 0, got {gap_sec}")
    if not 0 <= calibration_share < 1:
        raise ValueError(f"split_roles: calibration_share must be in [0, 1), got {calibration_share}")
    role = np.full(call_ts.shape, ROLE_UNUSED, dtype=np.int8)
    role[closed & (call_ts >= holdout_start_ts)] = ROLE_HOLDOUT
    train = closed & (call_ts < holdout_start_ts - gap_sec) & ~in_holdout
    role[train] = ROLE_FIT
    train_ts = np.sort(call_ts[train])
    n_cal = int(np.floor(train_ts.size * calibration_share))
    if n_cal > 0:
        cut = train_ts[train_ts.size - n_cal]
        role[train & (call_ts >= cut)] = ROLE_CALIBRATE
    return role


# ---------------------------------------------------------------------------------------------------------
# features


def _kind_of(t: pa.DataType) -> FeatureKind | None:
    """The feature kind an arrow type encodes as; None for a null column (fits either)."""
    if pa.types.is_null(t):
        return None
    if pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_boolean(t) or pa.types.is_decimal(t):
        return "numeric"
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return "categorical"
    if pa.types.is_dictionary(t) and (pa.types.is_string(t.value_type) or pa.types.is_large_string(t.value_type)):
        return "categorical"
    raise ForecastInputError(f"unsupported feature type {t} (numeric, boolean, decimal or string columns only)")


@dataclass(frozen=True)
class FeatureColumn:
    name: str
    kind: FeatureKind
    arrow_type: str
    categories: tuple[str, ...] = ()  # categorical only: code i = categories[i], len(categories) = "other"
    #: null in every fit row: encoded as the constant 0 (no model can learn from it, and the GBM's binning
    #: fails on a column without a value)
    empty: bool = False

    def record(self) -> dict[str, Any]:
        """The manifest's description (no category values: they stay in the model file)."""
        rec: dict[str, Any] = {"name": self.name, "kind": self.kind, "arrow_type": self.arrow_type}
        if self.kind == "categorical":
            rec["n_categories"] = len(self.categories)
        if self.empty:
            rec["empty"] = True
        return rec


@dataclass(frozen=True)
class FeatureSpec:
    columns: tuple[FeatureColumn, ...]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def categorical_mask(self) -> np.ndarray:
        return np.array([c.kind == "categorical" for c in self.columns], dtype=bool)

    def records(self) -> list[dict[str, Any]]:
        return [c.record() for c in self.columns]

    @classmethod
    def learn(cls, table: pa.Table) -> FeatureSpec:
        """Kinds from the arrow types, vocabularies from ``table`` (the fit rows)."""
        cols: list[FeatureColumn] = []
        for name, column in zip(table.column_names, table.columns, strict=True):
            lowered = name.lower()
            if any(part in lowered for part in PERSONAL_NAME_PARTS):
                raise ForecastInputError(f"feature column {name!r} looks like personal data: refused as a feature")
            kind = _kind_of(column.type) or "numeric"  # an all-null column: numeric, all NaN
            categories: tuple[str, ...] = ()
            if kind == "categorical":
                counts = pc.value_counts(pc.cast(column, pa.string()).drop_null()).to_pylist()
                kept = [(c["counts"], c["values"]) for c in counts if c["counts"] >= MIN_CATEGORY_COUNT]
                kept.sort(key=lambda cv: (-cv[0], cv[1]))
                categories = tuple(v for _, v in kept[:MAX_CATEGORIES])
            empty = column.null_count == len(column)
            cols.append(FeatureColumn(name, kind, str(column.type), categories, empty))
        if not cols:
            raise ForecastInputError("the feature table has no columns")
        return cls(tuple(cols))

    def check(self, schema: pa.Schema, what: str = "the feature table") -> None:
        """Refuse a schema that is not the trained one: a missing or unexpected column, or a column whose
        kind changed (numeric <-> string). A null-typed column fits either kind; int vs float is the same."""
        names = set(schema.names)
        missing = [n for n in self.names if n not in names]
        trained = set(self.names)
        unexpected = [n for n in schema.names if n not in trained]
        changed = []
        for c in self.columns:
            if c.name in names:
                t = schema.field(c.name).type
                try:
                    kind = _kind_of(t)
                except ForecastInputError:
                    kind = "unsupported"  # type: ignore[assignment]
                if kind is not None and kind != c.kind:
                    changed.append(f"{c.name} ({c.kind} {c.arrow_type} -> {t})")
        if missing or unexpected or changed:
            parts = []
            if missing:
                parts.append(f"missing {missing}")
            if unexpected:
                parts.append(f"unexpected {unexpected}")
            if changed:
                parts.append(f"type changed {changed}")
            raise ModelSchemaError(
                f"{what} does not match the features the model was trained on: {'; '.join(parts)}; "
                "retrain the forecast models"
            )

    def encode(self, table: pa.Table) -> np.ndarray:
        """float64 matrix (rows x features) in the trained column order."""
        out = np.empty((table.num_rows, len(self.columns)), dtype=np.float64)
        for j, c in enumerate(self.columns):
            column = table.column(c.name)
            if c.empty:
                out[:, j] = 0.0
                continue
            if c.kind == "numeric" or pa.types.is_null(column.type):
                if pa.types.is_null(column.type):
                    out[:, j] = np.nan
                    continue
                values = pc.cast(column, pa.float64(), safe=False).fill_null(np.nan).to_numpy()
                out[:, j] = values
                out[~np.isfinite(out[:, j]), j] = np.nan
            else:
                strings = pc.cast(column, pa.string())
                codes = pc.index_in(strings, value_set=pa.array(c.categories, pa.string()))
                codes_np = codes.fill_null(-1).to_numpy().astype(np.float64)
                is_null = strings.is_null().to_numpy(zero_copy_only=False)
                codes_np[(codes_np < 0) & ~is_null] = len(c.categories)  # rare / unseen -> "other"
                codes_np[is_null] = np.nan
                out[:, j] = codes_np
        return out


# ---------------------------------------------------------------------------------------------------------
# models


@dataclass(frozen=True)
class EvalRow:
    """One per metric x model: holdout figures."""

    metric_code: str
    model: str  # "logistic" | "hist_gbm"
    n: int
    n_positive: int
    auc: float
    oracle_auc: float | None
    auc_ratio: float | None
    brier: float
    base_brier: float  # Brier of the holdout's own positive rate as a constant (the best constant)
    ece: float
    is_winner: bool
    log_loss: float = float("nan")
    calibration: str = ""  # "sigmoid" | "isotonic"


@dataclass
class MetricModel:
    metric_code: str
    winner: str
    models: dict[str, CalibratedModel]  # model name -> the calibrated model (predict_proba on encoded features)
    evaluation: list[EvalRow]
    feature_names: list[str]
    spec: FeatureSpec
    train_info: dict[str, Any] = field(default_factory=dict)

    def predict(self, features: pa.Table, model: str | None = None) -> np.ndarray:
        """The calibrated probability of the winner (or of ``model``), float64 in [0, 1], one per row."""
        name = model or self.winner
        if name not in self.models:
            raise ValueError(f"{self.metric_code}: no model {name!r} (have {sorted(self.models)})")
        self.spec.check(features.schema, what=f"{self.metric_code}: the feature table")
        if features.num_rows == 0:
            return np.empty(0, dtype=np.float64)
        x = self.spec.encode(features)
        with threadpool_limits(limits=N_THREADS):
            return _proba(self.models[name], x)


def _proba(model: Any, x: np.ndarray) -> np.ndarray:
    return np.clip(np.asarray(model.predict_proba(x)[:, 1], dtype=np.float64), 0.0, 1.0)


def _logistic(spec: FeatureSpec) -> Pipeline:
    cat = spec.categorical_mask
    num_idx = [int(i) for i in np.flatnonzero(~cat)]
    cat_idx = [int(i) for i in np.flatnonzero(cat)]
    parts: list[tuple[str, Any, list[int]]] = []
    if num_idx:
        numeric = Pipeline(
            [
                ("impute", SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True)),
                ("scale", StandardScaler()),
            ]
        )
        parts.append(("num", numeric, num_idx))
    if cat_idx:
        parts.append(("cat", OneHotEncoder(handle_unknown="ignore", sparse_output=True), cat_idx))
    return Pipeline(
        [
            ("prep", ColumnTransformer(parts, sparse_threshold=0.3)),
            ("clf", LogisticRegression(C=1.0, max_iter=500)),
        ]
    )


def _hist_gbm(spec: FeatureSpec, seed: int, cfg: TrainConfig, n_rows: int) -> HistGradientBoostingClassifier:
    cat = spec.categorical_mask
    return HistGradientBoostingClassifier(
        learning_rate=cfg.hgb_learning_rate or (0.2 if n_rows >= HGB_FAST_ROWS else 0.1),
        max_iter=cfg.hgb_max_iter,
        max_leaf_nodes=31,
        min_samples_leaf=40,
        l2_regularization=1.0,
        categorical_features=cat if cat.any() else None,
        early_stopping=True,
        scoring="loss",
        n_iter_no_change=cfg.hgb_patience,
        random_state=seed,
    )


class CalibratedModel:
    """A fitted model and a calibrator of its decision score (log-odds): ``predict_proba`` like sklearn's.

    The base model is frozen (its score is computed once per slice); the calibrator is sklearn's own:
    a 1-d logistic regression of the label on the score (sigmoid, Platt) or an
    :class:`~sklearn.isotonic.IsotonicRegression` of it (isotonic, clipped to [0, 1] outside the fitted range).
    """

    def __init__(self, base: Any, method: str, calibrator: Any) -> None:
        self.base = base
        self.method = method
        self.calibrator = calibrator

    def calibrate_scores(self, score: np.ndarray) -> np.ndarray:
        return _apply_calibrator(self.method, self.calibrator, score)

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        p = self.calibrate_scores(self.base.decision_function(x))
        return np.column_stack([1 - p, p])


def _fit_calibrator(method: str, score: np.ndarray, y: np.ndarray) -> Any:
    if method == "sigmoid":
        return LogisticRegression(C=1e6).fit(score.reshape(-1, 1), y)
    return IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(score, y)


def _apply_calibrator(method: str, calibrator: Any, score: np.ndarray) -> np.ndarray:
    if method == "sigmoid":
        p = calibrator.predict_proba(np.asarray(score, dtype=np.float64).reshape(-1, 1))[:, 1]
    else:
        p = calibrator.predict(np.asarray(score, dtype=np.float64))
    return np.clip(np.asarray(p, dtype=np.float64), 0.0, 1.0)


def _calibrate(model: Any, x: np.ndarray, y: np.ndarray) -> tuple[CalibratedModel, dict[str, float]]:
    """Sigmoid or isotonic, chosen forward in time: each fitted on the earlier half of the (time-ordered)
    calibration slice and scored (log loss) on the later half; the better one (sigmoid on a tie) is refitted
    on the whole slice."""
    score = np.asarray(model.decision_function(x), dtype=np.float64)
    half = score.size // 2
    early, late = slice(0, half), slice(half, None)
    scores: dict[str, float] = {}
    for method in CALIBRATION_METHODS:
        if len(np.unique(y[early])) < 2:
            scores[method] = float("inf")
            continue
        cal = _fit_calibrator(method, score[early], y[early])
        scores[method] = log_loss(y[late], _apply_calibrator(method, cal, score[late]))
    method = "isotonic" if scores["isotonic"] < scores["sigmoid"] else "sigmoid"
    return CalibratedModel(model, method, _fit_calibrator(method, score, y)), scores


def _systematic(idx: np.ndarray, cap: int) -> np.ndarray:
    """At most ``cap`` of the time-ordered ``idx``, evenly spaced (every period keeps its share)."""
    if idx.size <= cap:
        return idx
    return idx[(np.arange(cap, dtype=np.int64) * idx.size) // cap]


@dataclass(frozen=True)
class TrainConfig:
    max_fit_rows: int = MAX_FIT_ROWS
    max_calibration_rows: int = MAX_CALIBRATION_ROWS
    max_logistic_rows: int = MAX_LOGISTIC_ROWS
    models: tuple[str, ...] = MODEL_NAMES
    n_threads: int = N_THREADS
    #: None: 0.1 for a fit of less than HGB_FAST_ROWS rows, 0.2 from there (see HGB_FAST_ROWS)
    hgb_learning_rate: float | None = None
    hgb_max_iter: int = 300
    hgb_patience: int = 10


def train_metric(
    metric_code: str,
    features: pa.Table,
    label: np.ndarray,
    role: np.ndarray,
    truth: np.ndarray | None = None,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
    *,
    call_ts: np.ndarray | None = None,
    config: TrainConfig | None = None,
) -> MetricModel:
    """Fit, calibrate and evaluate both models of ``metric_code``; the winner scores.

    ``role`` from :func:`split_roles`; ``call_ts`` orders the rows in time (the GBM's early-stopping slice and
    the calibration method's forward check take the latest rows); without it the row order is taken as the
    time order. ``truth`` (the generating probability, synthetic/demo data only) adds the oracle AUC.
    """
    cfg = config or TrainConfig()
    with threadpool_limits(limits=cfg.n_threads):
        return _train_metric(metric_code, features, label, role, truth, seed, progress, call_ts, cfg)


def _train_metric(
    metric_code: str,
    features: pa.Table,
    label: np.ndarray,
    role: np.ndarray,
    truth: np.ndarray | None,
    seed: int,
    progress: Callable[[str], None] | None,
    call_ts: np.ndarray | None,
    cfg: TrainConfig,
) -> MetricModel:
    say = progress or (lambda _msg: None)
    n = features.num_rows
    label = np.asarray(label)
    role = np.asarray(role)
    if label.shape != (n,) or role.shape != (n,):
        raise ForecastInputError(
            f"{metric_code}: {n} feature rows but label {label.shape} and role {role.shape} (one per row)"
        )
    if truth is not None and np.shape(truth) != (n,):
        raise ForecastInputError(f"{metric_code}: truth has shape {np.shape(truth)}, expected ({n},)")
    if not np.isin(role, (ROLE_UNUSED, ROLE_FIT, ROLE_CALIBRATE, ROLE_HOLDOUT)).all():
        raise ForecastInputError(f"{metric_code}: role must be -1, 0, 1 or 2")
    used = role >= 0
    if not np.isin(label[used], (0, 1)).all():
        raise ForecastInputError(f"{metric_code}: the label of a fit/calibration/holdout row must be 0 or 1")
    y_all = np.where(used, label, 0).astype(np.int8)  # an unused row's label may be null / NaN
    if call_ts is not None and np.shape(call_ts) != (n,):
        raise ForecastInputError(f"{metric_code}: call_ts has shape {np.shape(call_ts)}, expected ({n},)")
    order = np.argsort(np.asarray(call_ts), kind="stable") if call_ts is not None else np.arange(n)
    idx = {r: order[role[order] == r] for r in (ROLE_FIT, ROLE_CALIBRATE, ROLE_HOLDOUT)}
    counts = {r: (int(i.size), int(y_all[i].sum())) for r, i in idx.items()}
    _check_counts(metric_code, counts)

    fit_idx = _systematic(idx[ROLE_FIT], cfg.max_fit_rows)
    cal_idx = _systematic(idx[ROLE_CALIBRATE], cfg.max_calibration_rows)
    hold_idx = idx[ROLE_HOLDOUT]
    fit_table = features.take(pa.array(fit_idx))
    spec = FeatureSpec.learn(fit_table)
    x_fit = spec.encode(fit_table)
    del fit_table
    x_cal = spec.encode(features.take(pa.array(cal_idx)))
    x_hold = spec.encode(features.take(pa.array(hold_idx)))
    y_fit, y_cal, y_hold = y_all[fit_idx], y_all[cal_idx], y_all[hold_idx]
    info: dict[str, Any] = {
        "n_fit": counts[ROLE_FIT][0],
        "n_fit_positive": counts[ROLE_FIT][1],
        "n_calibration": counts[ROLE_CALIBRATE][0],
        "n_calibration_positive": counts[ROLE_CALIBRATE][1],
        "n_fit_used": int(fit_idx.size),
        "n_calibration_used": int(cal_idx.size),
        "seed": seed,
    }

    calibrated: dict[str, Any] = {}
    for name in cfg.models:
        if name == "logistic":
            rows = _systematic(np.arange(fit_idx.size), cfg.max_logistic_rows)
            say(f"{metric_code}: logistic on {rows.size} rows")
            base: Any = _logistic(spec)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", ConvergenceWarning)
                base.fit(x_fit[rows], y_fit[rows])
            info["n_logistic_used"] = int(rows.size)
            info["logistic_converged"] = not any(issubclass(w.category, ConvergenceWarning) for w in caught)
        elif name == "hist_gbm":
            n_val = max(1, round(fit_idx.size * HGB_VALIDATION_SHARE))
            tr, va = slice(0, fit_idx.size - n_val), slice(fit_idx.size - n_val, None)
            if len(np.unique(y_fit[va])) < 2 or len(np.unique(y_fit[tr])) < 2:
                raise ForecastInputError(
                    f"{metric_code}: the latest {n_val} fit rows (the boosting's early-stopping slice) or the "
                    "rows before them hold a single class"
                )
            say(f"{metric_code}: hist_gbm on {fit_idx.size - n_val} rows, early stopping on the latest {n_val}")
            base = _hist_gbm(spec, seed, cfg, fit_idx.size - n_val)
            base.fit(x_fit[tr], y_fit[tr], X_val=x_fit[va], y_val=y_fit[va])
            info["hist_gbm_n_iter"] = int(base.n_iter_)
        else:
            raise ValueError(f"unknown model {name!r} (have {MODEL_NAMES})")
        say(f"{metric_code}: calibrating {name} on {cal_idx.size} rows")
        calibrated[name], scores = _calibrate(base, x_cal, y_cal)
        info[f"{name}_calibration_log_loss"] = scores

    p_truth = None if truth is None else np.asarray(truth, dtype=np.float64)[hold_idx]
    oracle = None if p_truth is None else float(roc_auc_score(y_hold, p_truth))
    rate = float(y_hold.mean())
    raw = []
    for name, model in calibrated.items():
        p = _proba(model, x_hold)
        auc = float(roc_auc_score(y_hold, p))
        raw.append(
            EvalRow(
                metric_code=metric_code,
                model=name,
                n=int(hold_idx.size),
                n_positive=int(y_hold.sum()),
                auc=auc,
                oracle_auc=oracle,
                auc_ratio=None if oracle is None else auc / oracle,
                brier=brier(y_hold, p),
                base_brier=rate * (1 - rate),
                ece=expected_calibration_error(y_hold, p),
                is_winner=False,
                log_loss=log_loss(y_hold, p),
                calibration=str(model.method),
            )
        )
    winner = _winner(raw)
    evaluation = [replace(r, is_winner=r.model == winner) for r in raw]
    say(f"{metric_code}: winner {winner}")
    return MetricModel(metric_code, winner, calibrated, evaluation, spec.names, spec, info)


def _winner(rows: list[EvalRow]) -> str:
    by = {r.model: r.log_loss for r in rows}
    if "logistic" in by and "hist_gbm" in by:
        return "logistic" if by["logistic"] <= by["hist_gbm"] * (1 + WINNER_TIE_REL) else "hist_gbm"
    return min(by, key=lambda m: by[m])


def _check_counts(metric_code: str, counts: dict[int, tuple[int, int]]) -> None:
    (nf, pf), (nc, pc_), (nh, ph) = counts[ROLE_FIT], counts[ROLE_CALIBRATE], counts[ROLE_HOLDOUT]
    problems = []
    if nf < MIN_FIT_ROWS:
        problems.append(f"fit slice has {nf} rows (need >= {MIN_FIT_ROWS})")
    if min(pf, nf - pf) < MIN_FIT_CLASS:
        problems.append(f"fit slice has {pf} positives and {nf - pf} negatives (need >= {MIN_FIT_CLASS} of each)")
    if nc < MIN_CALIBRATION_ROWS:
        problems.append(f"calibration slice has {nc} rows (need >= {MIN_CALIBRATION_ROWS})")
    if min(pc_, nc - pc_) < MIN_CALIBRATION_CLASS:
        problems.append(
            f"calibration slice has {pc_} positives and {nc - pc_} negatives (need >= {MIN_CALIBRATION_CLASS} of each)"
        )
    if nh < MIN_HOLDOUT_ROWS:
        problems.append(f"holdout has {nh} rows (need >= {MIN_HOLDOUT_ROWS})")
    if min(ph, nh - ph) < MIN_HOLDOUT_CLASS:
        problems.append(f"holdout has {ph} positives and {nh - ph} negatives (need >= {MIN_HOLDOUT_CLASS} of each)")
    if problems:
        raise ForecastInputError(
            f"{metric_code}: cannot train: {'; '.join(problems)} "
            f"[fit {nf} rows / {pf} positive, calibration {nc} / {pc_}, holdout {nh} / {ph}]"
        )


# ---------------------------------------------------------------------------------------------------------
# persistence


def _canonical(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), allow_nan=False).encode()


def _json_float(v: Any) -> Any:
    return None if isinstance(v, float) and not np.isfinite(v) else v


def _jsonable(v: Any) -> Any:
    """Plain JSON values (numpy scalars to Python, non-finite floats to null)."""
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_jsonable(x) for x in v]
    if isinstance(v, np.generic):
        v = v.item()
    return _json_float(v)


def _metric_record(m: MetricModel) -> dict[str, Any]:
    return {
        "winner": m.winner,
        "features": m.spec.records(),
        "evaluation": [{k: _json_float(v) for k, v in asdict(r).items()} for r in m.evaluation],
        "train_info": _jsonable(m.train_info),
    }


def save_models(path: Path, models: dict[str, MetricModel], meta: dict[str, Any]) -> str:
    """Write ``path/`` (``manifest.json`` + ``models.joblib``) and return its version
    ``fc-<utc yyyymmddThhmmss>-<8 hex of the content hash>`` (the hash covers the manifest's content without
    the version and time, and the model file's bytes: it changes with the content only).

    An existing ``path`` is replaced (the new directory is written beside it and swapped in) when it holds a
    saved model set, refused when it holds anything else.
    """
    path = Path(path)
    if not models:
        raise ValueError("save_models: no models")
    if path.exists() and (not path.is_dir() or (any(path.iterdir()) and not (path / MANIFEST).is_file())):
        raise FileExistsError(f"{path} exists and is not a saved forecast model directory: not overwritten")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        model_file = tmp / MODEL_FILE
        joblib.dump({code: models[code] for code in sorted(models)}, model_file, compress=3)
        model_sha = hashlib.sha256(model_file.read_bytes()).hexdigest()
        body = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "sklearn_version": sklearn.__version__,
            "numpy_version": np.__version__,
            "python_version": platform.python_version(),
            "meta": meta,
            "metrics": {code: _metric_record(models[code]) for code in sorted(models)},
            "model_file": MODEL_FILE,
            "model_sha256": model_sha,
        }
        try:
            content = hashlib.sha256(_canonical(body)).hexdigest()
        except (TypeError, ValueError) as exc:
            raise ValueError(f"save_models: meta must be JSON-serialisable: {exc}") from exc
        now = dt.datetime.now(dt.UTC)
        version = f"fc-{now:%Y%m%dT%H%M%S}-{content[:8]}"
        manifest = {"version": version, "created_utc": now.isoformat(timespec="seconds"), **body}
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        old = None
        if path.exists():
            old = path.with_name(f".{path.name}.old-{os.getpid()}")
            os.replace(path, old)
        try:
            os.replace(tmp, path)
        except OSError:
            if old is not None:
                os.replace(old, path)  # put the previous models back
            raise
        if old is not None:
            shutil.rmtree(old)
    except BaseException:
        with contextlib.suppress(OSError):
            shutil.rmtree(tmp)
        raise
    return version


def load_models(
    path: Path, expected_features: pa.Schema | None = None
) -> tuple[dict[str, MetricModel], dict[str, Any]]:
    """Read a directory :func:`save_models` wrote: ``(models by metric code, meta)``; ``meta`` is the saved
    meta plus ``model_version``, ``created_utc`` and ``sklearn_version``.

    Refused (:class:`ModelLoadError`) when scikit-learn's version differs from the saving one, the model file
    does not match the manifest's hash, or (given ``expected_features``) the feature schema differs from the
    trained one (:class:`ModelSchemaError`).
    """
    path = Path(path)
    manifest_file = path / MANIFEST
    if not manifest_file.is_file():
        raise ModelLoadError(f"{path}: no {MANIFEST}: not a saved forecast model directory")
    manifest = json.loads(manifest_file.read_text())
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise ModelLoadError(
            f"{path}: format {manifest.get('format')!r} v{manifest.get('format_version')}, "
            f"this LM reads {FORMAT!r} v{FORMAT_VERSION}"
        )
    version = manifest["version"]
    if manifest["sklearn_version"] != sklearn.__version__:
        raise ModelLoadError(
            f"{path}: models {version} were saved with scikit-learn {manifest['sklearn_version']}, this "
            f"environment has {sklearn.__version__}: retrain the forecast models"
        )
    model_file = path / manifest["model_file"]
    if not model_file.is_file():
        raise ModelLoadError(f"{path}: {model_file.name} of {version} is missing")
    if hashlib.sha256(model_file.read_bytes()).hexdigest() != manifest["model_sha256"]:
        raise ModelLoadError(f"{path}: {model_file.name} does not match the manifest of {version}: refused")
    models: dict[str, MetricModel] = joblib.load(model_file)
    if sorted(models) != sorted(manifest["metrics"]):
        held, listed = sorted(models), sorted(manifest["metrics"])
        raise ModelLoadError(f"{path}: the model file holds {held}, the manifest lists {listed}")
    for code, m in models.items():
        if m.spec.records() != manifest["metrics"][code]["features"]:
            raise ModelSchemaError(f"{path}: {code}: the model's features differ from the manifest's")
        if expected_features is not None:
            m.spec.check(expected_features, what=f"{code}: the expected feature schema")
    meta = dict(manifest["meta"])
    meta.update(model_version=version, created_utc=manifest["created_utc"], sklearn_version=manifest["sklearn_version"])
    return models, meta
