"""`lm calibrate`: each grader's scale and offset fitted from the client's own gradings.

The gradings are read through LM's staging view ``stg_operatorbot__call_scores`` (grader codes and scores
cleaned there) in LM's schema of the profile's target, as a histogram ``(scored_by, call_score, count)``:
every grading with a grader and a score, not only the latest per call. The fit is stored in the state
table ``lm_grader_calibration`` (created by the on-run-start hooks, macros/registry/lm_grader_calibration.sql),
all rows replaced in one transaction; ``int_grader_scales`` reads it back. Nothing is refitted unless
``lm calibrate`` runs.

The method, per grader with at least ``min_n`` scored gradings:

1. **Scale, snapped from quantiles.** The 1st and 99th percentiles of its raw scores (robust to the odd
   dirty score) must lie inside the scale. Among the plausible scales :data:`CANDIDATE_SCALES` and the
   grader's prior (its seed row, exact or family), those containing ``[p01, p99]`` are kept; the one with
   the smallest maximum wins; on a tie the prior's, else the more common scale (the order of
   :data:`CANDIDATE_SCALES`: a 1-5 grader who never gives 0 stays 1-5, a 0-10 grader who rarely gives
   less than 1 stays 0-10; a 1-10 scale needs its prior to say so).
   A seed *override* row fixes the scale instead (and the override wins in ``int_grader_scales`` anyway).
2. **Location.** The 10 % trimmed mean of its in-scale scores on the 0-1 scale ``(s - min) / (max - min)``
   (trimmed: robust to outliers, and unlike a median it moves smoothly on coarse 1-5 scales).
3. **Offset.** ``location - reference``, the reference being the 10 % trimmed mean of the 0-1 scores
   pooled over every grader fitted on its own gradings. Graders grade random calls (the demo's and a
   QA team's practice), so a grader's location differs from the pool's by its bias only: after the offset
   every grader's normalized scores centre on the pool's.

A grader below ``min_n`` gets ``is_family_fallback`` and, in this order: its own seed row (a prior:
``seed_prior``); else its family (the seed's pattern such as ``qa:*``), fitted as one pooled pseudo-grader
from the gradings of all the family's graders that fall back (``family_pooled``) when they reach
``min_n`` together, else the family's seed row (``seed_prior``); else the seed's default row
(``seed_default``). Pooling only the falling-back graders keeps the scales of the well-sampled family
members (which may differ, qa:1 0-10, qa:3 1-5) out of the family's fit.
"""

from __future__ import annotations

import csv
import datetime as dt
import fnmatch
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from lm import project
from lm.warehouse import Warehouse

#: the state table written here, and the staging view read
CALIBRATION_TABLE = "lm_grader_calibration"
SCORES_VIEW = "stg_operatorbot__call_scores"
SEED_FILE = Path("seeds") / "lm_grader_scales.csv"
#: minimum scored gradings for a grader's own fit (lm calibrate --min-n)
DEFAULT_MIN_N = 200
#: plausible grading scales (min, max): smallest maximum first, and for one maximum the more common first
#: (1-5 Likert before 0-5, 0-10 before 1-10) - the order breaks ties when the prior does not
CANDIDATE_SCALES: tuple[tuple[float, float], ...] = (
    (0.0, 1.0),
    (1.0, 5.0),
    (0.0, 5.0),
    (0.0, 10.0),
    (1.0, 10.0),
    (0.0, 100.0),
    (0.0, 1000.0),
)
QUANTILES = (0.01, 0.10, 0.50, 0.90, 0.99)
TRIM = 0.10

#: (score, count) pairs of one grader
Histogram = Sequence[tuple[float, int]]


@dataclass(frozen=True)
class SeedRow:
    """One row of seeds/lm_grader_scales.csv."""

    grader_code: str
    scale_min: float
    scale_max: float
    calibration_offset: float
    scale_role: str  # override | prior

    @property
    def scale(self) -> tuple[float, float]:
        return (self.scale_min, self.scale_max)


@dataclass(frozen=True)
class GraderFit:
    """One row of lm_grader_calibration (without the version and time, added when stored)."""

    grader_code: str
    scale_min: float
    scale_max: float
    calibration_offset: float
    n_gradings: int
    n_in_scale: int
    score_p01: float | None
    score_p10: float | None
    score_p50: float | None
    score_p90: float | None
    score_p99: float | None
    grader_location: float | None
    reference_location: float | None
    fit_method: str
    is_family_fallback: bool
    fallback_code: str | None
    min_n: int


@dataclass(frozen=True)
class Calibration:
    """A stored fit: its version, when it ran, and the rows."""

    calibration_version: str
    fitted_at: dt.datetime
    fits: tuple[GraderFit, ...]
    reference_location: float | None


# --------------------------------------------------------------------------------------------------------
# The fit (pure: histograms and seed rows in, rows out)
# --------------------------------------------------------------------------------------------------------
def _arrays(hist: Histogram) -> tuple[np.ndarray, np.ndarray]:
    values = np.array([float(score) for score, _ in hist], dtype=float)
    weights = np.array([int(count) for _, count in hist], dtype=float)
    order = np.argsort(values, kind="stable")
    return values[order], weights[order]


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """The q-quantile of sorted `values` with counts `weights` (inverted CDF: an observed value)."""
    cum = np.cumsum(weights)
    index = int(np.searchsorted(cum, q * cum[-1], side="left"))
    return float(values[min(index, len(values) - 1)])


def trimmed_mean(values: np.ndarray, weights: np.ndarray, trim: float = TRIM) -> float:
    """Mean of sorted `values` (counts `weights`) with `trim` of the total weight cut off at each end."""
    total = float(weights.sum())
    low, high = trim * total, (1.0 - trim) * total
    start = np.concatenate(([0.0], np.cumsum(weights)[:-1]))
    end = start + weights
    kept = np.clip(np.minimum(end, high) - np.maximum(start, low), 0.0, None)
    return float((values * kept).sum() / kept.sum()) if kept.sum() > 0 else float(np.average(values, weights=weights))


def snap_scale(p_low: float, p_high: float, prior: tuple[float, float] | None = None) -> tuple[float, float]:
    """The plausible scale the observed quantiles fit (see the module docstring)."""
    candidates = list(CANDIDATE_SCALES) + ([prior] if prior is not None else [])
    fitting = [scale for scale in candidates if scale[0] <= p_low and p_high <= scale[1]]
    if not fitting:  # above every plausible scale: the next power of ten
        return (min(0.0, float(np.floor(p_low))), float(10 ** np.ceil(np.log10(max(p_high, 1.0)))))
    best_max = min(scale[1] for scale in fitting)
    tied = [scale for scale in fitting if scale[1] == best_max]
    if prior is not None and prior in tied:
        return prior
    return tied[0]


def _normalized(values: np.ndarray, scale: tuple[float, float]) -> np.ndarray:
    low, high = scale
    return (values - low) / (high - low)


def _in_scale(values: np.ndarray, weights: np.ndarray, scale: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    keep = (values >= scale[0]) & (values <= scale[1])
    return values[keep], weights[keep]


def seed_row_for(grader: str, seeds: Mapping[str, SeedRow]) -> tuple[SeedRow | None, SeedRow | None]:
    """(the grader's own seed row, its family's row), either None; patterns use * (qa:*)."""
    own = seeds.get(grader)
    families = sorted(
        (row for code, row in seeds.items() if "*" in code and fnmatch.fnmatchcase(grader, code)),
        key=lambda row: -len(row.grader_code),  # the most specific pattern first
    )
    return own, (families[0] if families else None)


def fit(
    histograms: Mapping[str, Histogram], seeds: Mapping[str, SeedRow], min_n: int = DEFAULT_MIN_N
) -> tuple[list[GraderFit], float | None]:
    """Every grader's row of lm_grader_calibration, and the pooled reference location."""
    if min_n < 1:
        raise ValueError("min_n must be at least 1")
    default = seeds.get("default") or SeedRow("default", 0.0, 100.0, 0.0, "prior")
    data = {g: _arrays(h) for g, h in histograms.items() if h and sum(c for _, c in h) > 0}

    def quantiles(values: np.ndarray, weights: np.ndarray) -> list[float]:
        return [weighted_quantile(values, weights, q) for q in QUANTILES]

    # 1. own fits: scale and location
    own_fits: dict[str, tuple[tuple[float, float], float, int, list[float], str]] = {}
    pooled: list[tuple[np.ndarray, np.ndarray]] = []
    for grader, (values, weights) in sorted(data.items()):
        if weights.sum() < min_n:
            continue
        own, family = seed_row_for(grader, seeds)
        resolved = own or family
        qs = quantiles(values, weights)
        if resolved is not None and resolved.scale_role == "override":
            scale, method = resolved.scale, "seed_override_scale"
        else:
            scale = snap_scale(qs[0], qs[-1], resolved.scale if resolved is not None else None)
            method = "quantile_snap"
        kept_values, kept_weights = _in_scale(values, weights, scale)
        normalized = _normalized(kept_values, scale)
        own_fits[grader] = (scale, trimmed_mean(normalized, kept_weights), int(kept_weights.sum()), qs, method)
        pooled.append((normalized, kept_weights))
    reference = None
    if pooled:
        values = np.concatenate([v for v, _ in pooled])
        weights = np.concatenate([w for _, w in pooled])
        order = np.argsort(values, kind="stable")
        reference = trimmed_mean(values[order], weights[order])

    rows: list[GraderFit] = []

    def row(
        grader: str,
        scale: tuple[float, float],
        offset: float,
        n: int,
        n_in: int,
        qs: Sequence[float | None],
        location: float | None,
        method: str,
        fallback: str | None,
    ) -> GraderFit:
        return GraderFit(
            grader_code=grader,
            scale_min=scale[0],
            scale_max=scale[1],
            calibration_offset=round(offset, 4),
            n_gradings=n,
            n_in_scale=n_in,
            score_p01=qs[0],
            score_p10=qs[1],
            score_p50=qs[2],
            score_p90=qs[3],
            score_p99=qs[4],
            grader_location=None if location is None else round(location, 4),
            reference_location=None if reference is None else round(reference, 4),
            fit_method=method,
            is_family_fallback=fallback is not None,
            fallback_code=fallback,
            min_n=min_n,
        )

    for grader, (scale, location, n_in, qs, method) in own_fits.items():
        values, weights = data[grader]
        offset = location - reference if reference is not None else 0.0
        if method == "seed_override_scale":
            own, family = seed_row_for(grader, seeds)
            offset = (own or family or default).calibration_offset
        rows.append(row(grader, scale, offset, int(weights.sum()), n_in, qs, location, method, None))

    # 2. fallbacks: own prior, else family (pooled fit or its prior), else default
    by_family: dict[str, list[str]] = {}
    rare = [g for g in sorted(data) if g not in own_fits]
    for grader in rare:
        own, family = seed_row_for(grader, seeds)
        if own is None and family is not None:
            by_family.setdefault(family.grader_code, []).append(grader)
    family_fit: dict[str, tuple[tuple[float, float], float, str, float | None]] = {}
    for code, members in by_family.items():
        family = seeds[code]
        values = np.concatenate([data[g][0] for g in members])
        weights = np.concatenate([data[g][1] for g in members])
        order = np.argsort(values, kind="stable")
        values, weights = values[order], weights[order]
        if weights.sum() >= min_n and family.scale_role != "override" and reference is not None:
            qs = quantiles(values, weights)
            scale = snap_scale(qs[0], qs[-1], family.scale)
            kept_values, kept_weights = _in_scale(values, weights, scale)
            location = trimmed_mean(_normalized(kept_values, scale), kept_weights)
            family_fit[code] = (scale, location - reference, "family_pooled", location)
        else:
            family_fit[code] = (family.scale, family.calibration_offset, "seed_prior", None)
    for grader in rare:
        values, weights = data[grader]
        n = int(weights.sum())
        qs = quantiles(values, weights)
        own, family = seed_row_for(grader, seeds)
        if own is not None:
            scale, offset, method, location, fallback = own.scale, own.calibration_offset, "seed_prior", None, grader
        elif family is not None:
            scale, offset, method, location = family_fit[family.grader_code]
            fallback = family.grader_code
        else:
            scale, offset, method, location, fallback = (
                default.scale,
                default.calibration_offset,
                "seed_default",
                None,
                "default",
            )
        n_in = int(_in_scale(values, weights, scale)[1].sum())
        rows.append(row(grader, scale, offset, n, n_in, qs, location, method, fallback))
    rows.sort(key=lambda fitted: fitted.grader_code)
    return rows, reference


def version_of(fits: Iterable[GraderFit], fitted_at: dt.datetime) -> str:
    """``<UTC time>-<8 hex of the fitted values>``: every refit is a new version, and the hash says what."""
    digest = hashlib.sha256(json.dumps([asdict(f) for f in fits], sort_keys=True, default=str).encode()).hexdigest()
    return f"{fitted_at:%Y%m%dT%H%M%SZ}-{digest[:8]}"


# --------------------------------------------------------------------------------------------------------
# Reading and storing, on the profile's warehouse
# --------------------------------------------------------------------------------------------------------
def read_seed(environ: Mapping[str, str] | None = None) -> dict[str, SeedRow]:
    """seeds/lm_grader_scales.csv of the LM project, by grader_code."""
    path = project.project_dir(environ) / SEED_FILE
    with path.open(encoding="utf-8", newline="") as handle:
        return {
            row["grader_code"]: SeedRow(
                grader_code=row["grader_code"],
                scale_min=float(row["scale_min"]),
                scale_max=float(row["scale_max"]),
                calibration_offset=float(row["calibration_offset"]),
                scale_role=(row.get("scale_role") or "prior").strip(),
            )
            for row in csv.DictReader(handle)
        }


def needs_build(wh: Warehouse) -> bool:
    """True when the staging view or the state table is missing (a dbt run must create them first)."""
    schema = wh.target.schema
    return not (wh.table_exists(schema, SCORES_VIEW) and wh.table_exists(schema, CALIBRATION_TABLE))


def read_histograms(wh: Warehouse) -> dict[str, list[tuple[float, int]]]:
    """(score, count) per grader over every grading of the staging view that has a grader and a score."""
    view = wh.qualify(wh.target.schema, SCORES_VIEW)
    sql = (
        f"select scored_by, call_score, count(*) from {view} "
        "where scored_by is not null and call_score is not null group by scored_by, call_score"
    )
    histograms: dict[str, list[tuple[float, int]]] = {}
    for grader, score, count in wh.query(sql):
        histograms.setdefault(str(grader), []).append((float(score), int(count)))
    return histograms


COLUMNS = (
    "calibration_version",
    *(name for name in GraderFit.__dataclass_fields__),
    "fitted_at",
)


def store(wh: Warehouse, calibration: Calibration) -> None:
    """Replace every row of lm_grader_calibration by `calibration`, in one transaction."""
    table = wh.qualify(wh.target.schema, CALIBRATION_TABLE)
    marks = ", ".join([wh.placeholder] * len(COLUMNS))
    insert = f"insert into {table} ({', '.join(COLUMNS)}) values ({marks})"
    with wh.transaction():
        wh.execute(f"delete from {table}")
        for fitted in calibration.fits:
            values = asdict(fitted)
            values["is_family_fallback"] = int(fitted.is_family_fallback)
            wh.execute(
                insert,
                [calibration.calibration_version, *(values[name] for name in COLUMNS[1:-1]), calibration.fitted_at],
            )


def calibrate(
    wh: Warehouse,
    min_n: int = DEFAULT_MIN_N,
    environ: Mapping[str, str] | None = None,
    dry_run: bool = False,
    now: dt.datetime | None = None,
) -> Calibration:
    """Fit every grader from the gradings of `wh` and store the fit (unless `dry_run`); returns it."""
    fits, reference = fit(read_histograms(wh), read_seed(environ), min_n)
    fitted_at = (now or dt.datetime.now(dt.UTC)).replace(tzinfo=None, microsecond=0)
    calibration = Calibration(version_of(fits, fitted_at), fitted_at, tuple(fits), reference)
    if not dry_run:
        store(wh, calibration)
    return calibration
