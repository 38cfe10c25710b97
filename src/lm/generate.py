"""Deterministic demo data for LM: a clinic call centre's ``call_history`` and ``call_scores``.

Everything is vectorised with numpy (no per-call Python loops) and returned as pyarrow Tables whose
columns and types follow the source contract (``src/lm/ddl/source_tables.*.sql``). The same seed gives
the same bytes.

The simulation, in order:

* days from ``start`` at ``calls_per_day`` on average, with a weekday pattern (Monday peak, quiet
  Sunday), public holidays, a mild season, a slow upward trend and day-to-day noise;
* call times inside the day from an opening-hours profile (08:00-21:00 with a lunchtime dip; a few
  calls outside hours, which mostly go unanswered);
* inbound and outbound calls; the line's load per hour drives abandonment and waiting;
* a pool of callers: a call is either a new caller or comes back to an earlier call (a retry minutes
  after an unanswered call, a follow-up within days, a return months later, an operator's callback);
  what the caller wants and how it ends depends on how their previous call ended (a caller who did
  not book often books later, a bad experience sometimes becomes a complaint);
* operators of different skill (faster answers, better checklist and score, more bookings);
* gradings for most answered calls, by an AI grader (0-100) and QA graders with their own scales and
  biases, minutes to a day after the call; about 5% regraded later;
* a ``dirty_share`` of rows in each table made dirty on purpose (NULLs, negative or absurd durations,
  talk longer than the call, odd-case and unknown labels, future timestamps, orphan gradings, missing
  scores, checklist counts above the template).

Caller numbers are fake by construction: ``+000`` (no such country code) and 7 digits.
Transcripts are short synthetic phrases with no digits.

A result is a snapshot taken at ``DemoData.as_of``: gradings and transcripts that would only exist
later are kept aside and released by :func:`next_batch` / :func:`late_gradings`, which produce the
deltas that scheduled (incremental) runs have to pick up: new calls, changed calls, late gradings and
regradings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

if TYPE_CHECKING:
    from lm.warehouse import Warehouse

# --------------------------------------------------------------------------------------------------------
# Vocabulary (the clean labels; dirty rows add variants of these and unknown ones)
# --------------------------------------------------------------------------------------------------------
DEFAULT_START = dt.date(2025, 1, 6)  # a Monday
CHANNELS = ("site", "yandex_direct", "google_ads", "2gis", "prodoctorov", "napopravku", "repeat")
DIRECTIONS = ("in", "out")
STATUSES = ("answered", "missed", "abandoned", "busy", "failed")
CATEGORIES = ("booking", "reschedule", "cancel", "question", "complaint", "results", "other")
OUTCOMES = ("record", "no_record", "callback", "refusal", "info_only")
REFUSAL_REASONS = ("price", "no_slots", "far", "doctor_unavailable", "changed_mind", "other")
CALL_TYPES = ("primary", "repeat", "service")
CONTEXT_TYPES = ("new_patient", "returning_patient", "callback", "campaign", "after_hours")
#: checklist template -> number of items (a fulfilled count above this is dirty)
CHECKLIST_TEMPLATES: dict[str, int] = {
    "booking_v1": 12,
    "booking_v2": 10,
    "info_v1": 8,
    "service_v1": 9,
    "complaint_v1": 11,
    "outbound_v1": 8,
}
#: grader -> (min, max) of its call_score scale
GRADERS: dict[str, tuple[int, int]] = {
    "ai": (0, 100),
    "qa:1": (0, 10),
    "qa:2": (0, 10),
    "qa:3": (1, 5),
    "qa:4": (1, 5),
    "qa:5": (0, 100),
}
OPENING_HOURS = (8, 21)  # [08:00, 21:00)
OPERATOR_ID_BASE = 100  # operator ids are 101..100+n_operators
N_SERVICES = 60
N_DOCTORS = 80
ABSURD_DURATION_SEC = 6 * 3600  # a clean call never lasts longer
FUTURE_FLOOR = dt.datetime(2035, 1, 1)  # dirty "future" timestamps lie after this and after as_of
CALLER_PREFIX = "+000"

_EPOCH = dt.datetime(1970, 1, 1)
_DAY = 86_400
_TREND_REF = np.datetime64("2025-01-01", "D").astype(np.int64)

# weekday factor, Monday first
_WEEKDAY = np.array([1.28, 1.12, 1.06, 1.02, 0.95, 0.62, 0.38])
_WEEKDAY = _WEEKDAY / _WEEKDAY.mean()
# hourly profiles (relative weights, 00..23)
_HOURS_WEEKDAY = np.array(
    [0.02, 0.01, 0.005, 0.005, 0.005, 0.01, 0.03, 0.25, 0.9, 1.35, 1.5, 1.4,
     1.15, 0.8, 0.95, 1.2, 1.25, 1.1, 0.85, 0.6, 0.4, 0.1, 0.05, 0.03]
)  # fmt: skip
_HOURS_WEEKEND = np.array(
    [0.02, 0.01, 0.005, 0.005, 0.005, 0.01, 0.02, 0.08, 0.3, 0.9, 1.3, 1.3,
     1.1, 0.8, 0.85, 0.8, 0.6, 0.4, 0.25, 0.12, 0.06, 0.04, 0.03, 0.02]
)  # fmt: skip
# (month * 100 + day) of public holidays: low volume, weekend hours
_HOLIDAYS = np.array([101, 102, 107, 223, 308, 501, 509, 612, 1104])
# new callers' channel mix (without "repeat"), and the booking rate of a target call per channel
_CHANNEL_MIX = np.array([0.30, 0.24, 0.09, 0.12, 0.14, 0.11, 0.0])
_CHANNEL_CONVERSION = np.array([0.52, 0.42, 0.40, 0.48, 0.62, 0.55, 0.58])
# category mix by context: 0 new in-caller, 1..5 returning in-caller whose previous call left state 0..4,
# 6..10 outbound callback after state 0..4, 11 outbound without a previous call
_STATE_NONE, _STATE_BOOKED, _STATE_OPEN, _STATE_BAD, _STATE_INFO = 0, 1, 2, 3, 4
_CATEGORY_MIX = np.array(
    [
        # booking reschedule cancel question complaint results other
        [0.56, 0.05, 0.04, 0.15, 0.015, 0.06, 0.125],
        [0.56, 0.05, 0.04, 0.15, 0.015, 0.06, 0.125],
        [0.10, 0.25, 0.15, 0.20, 0.03, 0.20, 0.07],
        [0.72, 0.03, 0.02, 0.12, 0.05, 0.02, 0.04],
        [0.35, 0.03, 0.10, 0.15, 0.25, 0.04, 0.08],
        [0.38, 0.05, 0.03, 0.28, 0.02, 0.14, 0.10],
        [0.70, 0.03, 0.02, 0.15, 0.02, 0.03, 0.05],
        [0.05, 0.45, 0.10, 0.15, 0.02, 0.18, 0.05],
        [0.80, 0.02, 0.02, 0.10, 0.02, 0.01, 0.03],
        [0.40, 0.02, 0.05, 0.15, 0.30, 0.03, 0.05],
        [0.50, 0.05, 0.02, 0.25, 0.02, 0.10, 0.06],
        [0.60, 0.15, 0.02, 0.10, 0.01, 0.07, 0.05],
    ]
)
# probability that a return of each kind (rows: none, retry, follow-up, weeks later, callback of a missed
# call, callback of an answered call) really happens, by the state the earlier call left (columns)
_RETURN_ACCEPT = np.array(
    [
        # none booked open bad info
        [0.0, 0.0, 0.0, 0.0, 0.0],
        [1.0, 1.0, 1.0, 1.0, 1.0],
        [0.6, 0.25, 1.0, 0.9, 0.3],
        [0.5, 0.9, 0.6, 0.5, 0.6],
        [1.0, 1.0, 1.0, 1.0, 1.0],
        [0.3, 0.1, 1.0, 0.6, 0.15],
    ]
)
_TARGET_SHARE = np.array([0.96, 0.70, 0.05, 0.45, 0.10, 0.10, 0.15])  # is_target by category
_TALK_MEDIAN = np.array([170.0, 110.0, 70.0, 100.0, 280.0, 80.0, 90.0])  # seconds, by category
_REASON_WEIGHTS = np.array([0.28, 0.24, 0.10, 0.14, 0.14, 0.10])
_GRADER_SHARE = np.array([0.72, 0.07, 0.07, 0.05, 0.05, 0.04])
_GRADER_BIAS = np.array([0.0, 0.7, -0.8, 0.3, -0.3, -6.0])
_GRADER_NAMES = tuple(GRADERS)
_TEMPLATE_NAMES = tuple(CHECKLIST_TEMPLATES)
_TEMPLATE_SIZE = np.array([CHECKLIST_TEMPLATES[name] for name in _TEMPLATE_NAMES])

_CATEGORY_PHRASE = (
    "caller asks to book a visit",
    "caller wants to move a visit",
    "caller cancels a visit",
    "caller has a question about the clinic",
    "caller is unhappy with the service",
    "caller asks about test results",
    "caller talks about something else",
)
_OUTCOME_PHRASE = (
    "visit booked",
    "no visit booked",
    "operator promises a callback",
    "caller declines",
    "information given",
)
_TRANSCRIPTS = tuple(f"demo transcript: {cat}; {out}" for cat in _CATEGORY_PHRASE for out in _OUTCOME_PHRASE)

# dirty variants
_ODD_STATUS = (" Answered ", "ANSWERED", "Missed", " missed", "ABANDONED", "Busy ", "answered ")
_UNKNOWN_STATUS = ("weird_status", "voicemail", "transferred", "unknown")
_ODD_DIRECTION = ("IN", " in", "In ", "OUT", " out")
_UNKNOWN_DIRECTION = ("inbound", "both", "sideways")
_ODD_CHANNEL = ("Site", " site ", "YANDEX_DIRECT", "2GIS", "Prodoctorov ", "google_ads ")
_UNKNOWN_CHANNEL = ("tiktok", "unknown_src", "promo_sms", "radio")
_ODD_OUTCOME = (" Record", "RECORD", "No_Record ", "Callback", " refusal", "INFO_ONLY")
_UNKNOWN_OUTCOME = ("maybe", "lost", "pending", "mystery")
_ODD_CATEGORY = ("Booking ", " booking", "QUESTION", "Complaint")
_UNKNOWN_CATEGORY = ("spam", "wrong_number", "silence")
_ODD_GRADER = ("AI", " ai", "QA:1", "qa:2 ")
_UNKNOWN_GRADER = ("robot", "qa:99", "import")
_UNKNOWN_TEMPLATE = ("legacy_v0", "booking_v9", "tmp")

# --------------------------------------------------------------------------------------------------------
# Arrow schemas (the source contract)
# --------------------------------------------------------------------------------------------------------
CALL_HISTORY_SCHEMA = pa.schema(
    [
        pa.field("history_id", pa.uint32(), nullable=False),
        pa.field("call_started_at", pa.timestamp("s"), nullable=False),
        pa.field("caller_number", pa.string()),
        pa.field("operator_id", pa.uint32()),
        pa.field("channel", pa.string()),
        pa.field("direction", pa.string(), nullable=False),
        pa.field("call_status", pa.string(), nullable=False),
        pa.field("await_sec", pa.int32()),
        pa.field("duration", pa.int32()),
        pa.field("talk_duration", pa.int32()),
        pa.field("transcript", pa.string()),
        pa.field("updated_at", pa.timestamp("s"), nullable=False),
    ]
)
CALL_SCORES_SCHEMA = pa.schema(
    [
        pa.field("id", pa.uint32(), nullable=False),
        pa.field("history_id", pa.uint32(), nullable=False),
        pa.field("call_date", pa.date32(), nullable=False),
        pa.field("is_target", pa.int8()),
        pa.field("outcome", pa.string()),
        pa.field("refusal_reason", pa.string()),
        pa.field("call_category", pa.string()),
        pa.field("call_type", pa.string()),
        pa.field("context_type", pa.string()),
        pa.field("requested_service_id", pa.uint32()),
        pa.field("doctor_id", pa.uint32()),
        pa.field("number_checklist", pa.int32()),
        pa.field("category_checklist", pa.string()),
        pa.field("call_score", pa.decimal128(6, 2)),
        pa.field("scored_by", pa.string()),
        pa.field("created_at", pa.timestamp("s")),
        pa.field("updated_at", pa.timestamp("s")),
    ]
)


# --------------------------------------------------------------------------------------------------------
# Public data classes
# --------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GeneratorConfig:
    """Knobs of the simulation; kept by a DemoData so that later batches continue with the same ones."""

    calls_per_day: float = 1500.0
    yearly_growth: float = 0.12
    n_operators: int = 25
    dirty_share: float = 0.02
    graded_share: float = 0.9
    regrade_share: float = 0.05
    script_change: dt.date | None = dt.date(2025, 4, 1)  # booking_v1 -> booking_v2 checklist


@dataclass(frozen=True)
class _Memory:
    """What a later batch needs to know about the calls generated so far (not part of the tables)."""

    config: GeneratorConfig
    seed: int
    batch_no: int
    operator_skill: np.ndarray
    operator_weight: np.ndarray
    operator_team: np.ndarray
    ts: np.ndarray  # call start, epoch seconds, every call ever generated (deleted ones too)
    caller: np.ndarray  # caller index (the 7 digits)
    answered: np.ndarray
    inbound: np.ndarray
    state: np.ndarray  # how the call left the caller: _STATE_*
    category: np.ndarray
    service: np.ndarray  # 0 = none
    channel: np.ndarray
    last_call_ts: int
    as_of_ts: int
    next_history_id: int
    next_score_id: int
    deleted_ids: np.ndarray  # history ids whose call_history row was deleted (their gradings are orphans)
    pending_scores: pa.Table  # gradings made after as_of (id 0 until released)
    pending_calls: pa.Table  # newer versions of call rows (late transcripts), released by updated_at


@dataclass(frozen=True)
class DemoData:
    """A snapshot (or a delta batch) of the two source tables, taken at ``as_of``."""

    call_history: pa.Table
    call_scores: pa.Table
    as_of: dt.datetime
    memory: _Memory = field(repr=False)

    def __post_init__(self) -> None:
        # one chunk per column: the same bytes for the same seed however the rows were assembled, and no
        # empty leading chunk (pyarrow 26's CSV writer emits garbage for a table whose first batch is empty)
        object.__setattr__(self, "call_history", self.call_history.combine_chunks())
        object.__setattr__(self, "call_scores", self.call_scores.combine_chunks())

    @property
    def seed(self) -> int:
        return self.memory.seed

    @property
    def batch_no(self) -> int:
        return self.memory.batch_no

    @property
    def next_history_id(self) -> int:
        return self.memory.next_history_id

    @property
    def next_score_id(self) -> int:
        return self.memory.next_score_id

    @property
    def pending_gradings(self) -> int:
        """Gradings that exist only after as_of (a later batch releases them)."""
        return self.memory.pending_scores.num_rows

    def summary(self) -> dict[str, Any]:
        starts = self.call_history["call_started_at"]
        return {
            "calls": self.call_history.num_rows,
            "gradings": self.call_scores.num_rows,
            "first_call": pc.min(starts).as_py() if self.call_history.num_rows else None,
            "last_call": pc.max(starts).as_py() if self.call_history.num_rows else None,
            "as_of": self.as_of,
        }


# --------------------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------------------
def generate(
    n_calls: int,
    seed: int = 42,
    start: dt.date | dt.datetime = DEFAULT_START,
    dirty_share: float = 0.02,
    calls_per_day: float = 1500.0,
    n_operators: int = 25,
    first_history_id: int = 1,
    first_score_id: int = 1,
    config: GeneratorConfig | None = None,
) -> DemoData:
    """Generate ``n_calls`` call_history rows (ids from ``first_history_id``) and their gradings.

    ``config`` overrides ``dirty_share``, ``calls_per_day`` and ``n_operators`` when given. The result is
    deterministic for a given set of arguments. Use :func:`next_batch` to continue the same call centre
    (same callers and operators) after it.
    """
    if n_calls < 1:
        raise ValueError("n_calls must be >= 1")
    cfg = config or GeneratorConfig(calls_per_day=calls_per_day, n_operators=n_operators, dirty_share=dirty_share)
    if not 0.0 <= cfg.dirty_share < 0.5:
        raise ValueError("dirty_share must be in [0, 0.5)")
    rng = _rng(seed, 0, "operators")
    skill = np.round(rng.uniform(0.25, 0.95, cfg.n_operators), 3)
    weight = rng.uniform(0.6, 1.4, cfg.n_operators)
    team = (rng.permutation(cfg.n_operators) % 2).astype(np.int8)  # 0 morning, 1 evening
    start_dt = start if isinstance(start, dt.datetime) else dt.datetime.combine(start, dt.time())
    empty = _Memory(
        config=cfg,
        seed=seed,
        batch_no=-1,
        operator_skill=skill,
        operator_weight=weight,
        operator_team=team,
        ts=np.empty(0, np.int64),
        caller=np.empty(0, np.int64),
        answered=np.empty(0, bool),
        inbound=np.empty(0, bool),
        state=np.empty(0, np.int8),
        category=np.empty(0, np.int8),
        service=np.empty(0, np.int16),
        channel=np.empty(0, np.int8),
        last_call_ts=_to_ts(start_dt) - 1,
        as_of_ts=_to_ts(start_dt),
        next_history_id=first_history_id,
        next_score_id=first_score_id,
        deleted_ids=np.empty(0, np.int64),
        pending_scores=CALL_SCORES_SCHEMA.empty_table(),
        pending_calls=CALL_HISTORY_SCHEMA.empty_table(),
    )
    return _batch(empty, n_calls, seed)


def next_batch(previous: DemoData, n_calls: int, seed: int | None = None) -> DemoData:
    """The next delta of the same call centre: calls after ``previous``'s last call, as tables to append.

    The batch holds the new calls and their gradings made by the new ``as_of``, plus what became known
    about earlier calls meanwhile: late gradings and regradings (new call_scores rows) and late
    transcripts (call_history rows whose ``history_id`` already exists, with a later ``updated_at``:
    load them with ``load(..., replace=False)``, which replaces rows by key). Repeat callers continue
    across batches. ``previous`` may be a batch or a :func:`combine` of batches.
    """
    if n_calls < 1:
        raise ValueError("n_calls must be >= 1 (use late_gradings for a batch without new calls)")
    return _batch(previous.memory, n_calls, previous.seed if seed is None else seed)


def late_gradings(
    previous: DemoData,
    until: dt.datetime,
    seed: int | None = None,
    regrade_share: float = 0.0,
) -> DemoData:
    """A delta with no new calls: what arrived between ``previous.as_of`` and ``until``.

    Releases the gradings and transcripts that were still pending, and, with ``regrade_share`` > 0,
    regrades that share of the gradings in ``previous.call_scores`` (pass a :func:`combine` of all
    batches to audit the whole history): each regrading is a new row for the same ``history_id`` with a
    later ``updated_at`` (between ``previous.as_of`` and ``until``), a QA grader and possibly a corrected
    outcome, checklist and score.
    """
    memory = previous.memory
    until_ts = _to_ts(until)
    if until_ts < memory.as_of_ts:
        raise ValueError(f"until ({until}) is before the previous snapshot ({previous.as_of})")
    seed = previous.seed if seed is None else seed
    batch_no = memory.batch_no + 1
    rng = _rng(seed, batch_no, "late")
    extra = _regrade_existing(rng, previous.call_scores, memory, regrade_share, until_ts)
    candidates = pa.concat_tables([memory.pending_scores, extra])
    scores, pending, next_score_id = _release_scores(
        rng, candidates, until_ts, memory.next_score_id, memory.deleted_ids, memory.config.dirty_share
    )
    calls, pending_calls = _release_calls(memory.pending_calls, until_ts)
    new_memory = replace(
        memory,
        batch_no=batch_no,
        as_of_ts=until_ts,
        next_score_id=next_score_id,
        pending_scores=pending,
        pending_calls=pending_calls,
    )
    return DemoData(call_history=calls, call_scores=scores, as_of=_from_ts(until_ts), memory=new_memory)


def combine(base: DemoData, batch: DemoData) -> DemoData:
    """The cumulative tables after applying ``batch`` to ``base`` (rows replaced by key, new ones added)."""
    history = _upsert_table(base.call_history, batch.call_history, "history_id")
    scores = _upsert_table(base.call_scores, batch.call_scores, "id")
    return DemoData(call_history=history, call_scores=scores, as_of=batch.as_of, memory=batch.memory)


def load(warehouse: Warehouse, schema: str, data: DemoData, replace: bool = True) -> dict[str, int]:
    """Create the source tables in ``schema`` (when absent) and bulk-load ``data`` into them.

    ``replace=True`` empties both tables first (and an ``lm_value`` beside them, whose foreign keys
    refer to them: reloaded demo data needs a full rebuild). ``replace=False`` upserts: rows whose key
    (``history_id`` / ``id``) already exists are updated in place - the way to apply a
    :func:`next_batch` / :func:`late_gradings` delta. Returns the rows written per table.
    """
    warehouse.create_source_tables(schema)
    if replace:
        warehouse.clear_source_tables(schema)
    written: dict[str, int] = {}
    for table, rows, key in (
        ("call_history", data.call_history, "history_id"),
        ("call_scores", data.call_scores, "id"),
    ):
        if replace:
            written[table] = warehouse.load_arrow(schema, table, rows.combine_chunks())
        else:
            written[table] = warehouse.upsert_arrow(schema, table, rows.combine_chunks(), key)
    return written


# --------------------------------------------------------------------------------------------------------
# The simulation
# --------------------------------------------------------------------------------------------------------
def _rng(seed: int, batch_no: int, part: str) -> np.random.Generator:
    """An independent stream per (seed, batch, part): changing one part does not shift the others."""
    part_key = int.from_bytes(part.encode()[:8].ljust(8, b"\0"), "little")
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(batch_no, part_key)))


def _to_ts(moment: dt.datetime) -> int:
    return int((moment - _EPOCH).total_seconds())


def _from_ts(ts: int) -> dt.datetime:
    return _EPOCH + dt.timedelta(seconds=int(ts))


def _pick(rng: np.random.Generator, cum: np.ndarray, size: int | None = None) -> np.ndarray:
    """Categorical draws from one cumulative distribution ``cum`` (last value 1)."""
    return np.searchsorted(cum, rng.random(size), side="right").clip(0, len(cum) - 1)


def _pick_rows(u: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Row-wise categorical draws: ``weights`` is (rows, k), ``u`` uniform per row."""
    cum = np.cumsum(weights, axis=1)
    cum /= cum[:, -1:]
    return (u[:, None] > cum).sum(axis=1).clip(0, weights.shape[1] - 1)


def _lognormal(rng: np.random.Generator, median: np.ndarray | float, sigma: float, size: int) -> np.ndarray:
    return np.asarray(median) * np.exp(sigma * rng.standard_normal(size))


def _calendar(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """weekday (0 = Monday), holiday flag, campaign flag, day of year for epoch days."""
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday
    d64 = days.astype("datetime64[D]")
    month_start = d64.astype("datetime64[M]")
    month = month_start.astype(np.int64) % 12 + 1
    mday = (d64 - month_start.astype("datetime64[D]")).astype(np.int64) + 1
    holiday = np.isin(month * 100 + mday, _HOLIDAYS)
    doy = (d64 - d64.astype("datetime64[Y]").astype("datetime64[D]")).astype(np.int64)
    campaign = ((doy >= 40) & (doy < 80)) | ((doy >= 257) & (doy < 298))
    return weekday, holiday, campaign, doy


def _growth(days: np.ndarray, cfg: GeneratorConfig) -> np.ndarray:
    return (1.0 + cfg.yearly_growth) ** ((days - _TREND_REF) / 365.25)


def _call_times(rng: np.random.Generator, cfg: GeneratorConfig, after_ts: int, n: int) -> np.ndarray:
    """Sorted start times (epoch s) of the first ``n`` calls strictly after ``after_ts``."""
    cum_weekday = np.cumsum(_HOURS_WEEKDAY) / _HOURS_WEEKDAY.sum()
    cum_weekend = np.cumsum(_HOURS_WEEKEND) / _HOURS_WEEKEND.sum()
    first_day = after_ts // _DAY
    chunks: list[np.ndarray] = []
    kept = 0
    chunk_days = max(8, int(n / max(cfg.calls_per_day, 1.0) * 1.3) + 8)
    while kept < n:
        days = np.arange(first_day, first_day + chunk_days, dtype=np.int64)
        first_day += chunk_days
        weekday, holiday, campaign, doy = _calendar(days)
        season = 1.0 + 0.07 * np.cos(2 * np.pi * (doy - 40) / 365.25)
        expected = (
            cfg.calls_per_day
            * _WEEKDAY[weekday]
            * _growth(days, cfg)
            * season
            * np.where(holiday, 0.35, 1.0)
            * np.where(campaign, 1.05, 1.0)
        )
        noise = rng.gamma(200.0, 1.0 / 200.0, len(days))  # ~7% day-to-day variation
        counts = rng.poisson(expected * noise)
        day_of_call = np.repeat(days, counts)
        weekend_like = np.repeat((weekday >= 5) | holiday, counts)
        hour = np.where(
            weekend_like,
            _pick(rng, cum_weekend, len(day_of_call)),
            _pick(rng, cum_weekday, len(day_of_call)),
        )
        ts = day_of_call * _DAY + hour * 3600 + rng.integers(0, 3600, len(day_of_call))
        ts = np.sort(ts[ts > after_ts])
        chunks.append(ts)
        kept += len(ts)
        chunk_days = max(8, int((n - kept) / max(cfg.calls_per_day, 1.0) * 1.3) + 8)
    return np.concatenate(chunks)[:n]


def _scramble(history_id: np.ndarray) -> np.ndarray:
    """A caller index from the history id of the caller's first call: a bijection on 0..9,999,999."""
    return (history_id.astype(np.int64) * 7_654_321 + 1_234_567) % 10_000_000


@dataclass
class _Calls:
    """Per-call arrays of one batch (numpy), filled step by step."""

    ts: np.ndarray
    history_id: np.ndarray
    inbound: np.ndarray
    status: np.ndarray
    open_hours: np.ndarray
    load: np.ndarray
    operator: np.ndarray  # index into the operator arrays, -1 none
    await_sec: np.ndarray
    parent: np.ndarray  # global index of the earlier call this caller comes back to, -1 new caller
    caller: np.ndarray
    channel: np.ndarray
    category: np.ndarray
    service: np.ndarray
    doctor: np.ndarray
    is_target: np.ndarray
    outcome: np.ndarray
    reason: np.ndarray
    state: np.ndarray
    campaign: np.ndarray
    script_v2: np.ndarray


def _simulate(rng: np.random.Generator, memory: _Memory, n: int) -> _Calls:
    cfg = memory.config
    ts = _call_times(rng, cfg, memory.last_call_ts, n)
    history_id = np.arange(memory.next_history_id, memory.next_history_id + n, dtype=np.int64)
    if history_id[-1] > 9_999_999:
        raise ValueError("the demo generator supports history ids up to 9,999,999 (7-digit caller numbers)")
    days = ts // _DAY
    hour = (ts % _DAY) // 3600
    weekday, holiday, campaign, _ = _calendar(days)
    weekend_like = (weekday >= 5) | holiday
    open_hours = (hour >= OPENING_HOURS[0]) & (hour < OPENING_HOURS[1])
    script_v2 = (
        np.zeros(n, bool)
        if cfg.script_change is None
        else days >= np.datetime64(cfg.script_change, "D").astype(np.int64)
    )

    # direction: operators call back only during opening hours
    inbound = ~(open_hours & (rng.random(n) < 0.10))

    # line load: inbound calls in the same hour against the staff on shift
    slot = days * 24 + hour
    slot_ids, slot_inv = np.unique(slot, return_inverse=True)
    per_slot = np.bincount(slot_inv, weights=inbound.astype(float), minlength=len(slot_ids))
    capacity = cfg.calls_per_day * 0.11 * _growth(days, cfg) ** 0.6 * np.where(weekend_like, 0.55, 1.0)
    load = per_slot[slot_inv] / capacity

    # status
    probs = np.zeros((n, 5))
    abandoned = np.clip(0.035 + 0.16 * (load - 0.7), 0.015, 0.4)
    missed = 0.045 + 0.03 * np.maximum(load - 1.0, 0.0)
    probs[:, 1] = missed
    probs[:, 2] = abandoned
    probs[:, 3] = 0.012
    probs[:, 4] = 0.008
    probs[:, 0] = 1.0 - probs[:, 1:].sum(axis=1)
    closed = inbound & ~open_hours
    probs[closed] = [0.12, 0.80, 0.04, 0.02, 0.02]
    probs[~inbound] = [0.62, 0.27, 0.0, 0.07, 0.04]
    status = _pick_rows(rng.random(n), probs).astype(np.int8)
    answered = status == 0

    # operators: the morning team before 14:00, the evening team after, everyone at weekends
    n_ops = len(memory.operator_skill)
    evening_p = np.where(hour < 14, 0.15, np.where(hour == 14, 0.5, 0.85))
    evening_p = np.where(weekend_like, 0.5, evening_p)
    team = (rng.random(n) < evening_p).astype(np.int8)
    operator = np.full(n, -1, np.int64)
    u_op = rng.random(n)
    for team_no in (0, 1):
        members = np.flatnonzero(memory.operator_team == team_no)
        if len(members) == 0:
            members = np.arange(n_ops)
        cum = np.cumsum(memory.operator_weight[members])
        cum /= cum[-1]
        rows = team == team_no
        operator[rows] = members[np.searchsorted(cum, u_op[rows], side="right").clip(0, len(members) - 1)]
    has_operator = answered | ~inbound  # an outbound call always has the operator who dialled
    operator[~has_operator] = -1
    skill = np.where(operator >= 0, memory.operator_skill[operator.clip(0)], 0.5)

    # waiting (before answer or hang-up; for outbound calls the ring time)
    await_sec = np.zeros(n)
    speed = 1.45 - 0.9 * skill
    await_sec = np.where(
        answered & inbound, _lognormal(rng, 9.0 * np.exp(1.1 * (load - 0.8)) * speed, 0.85, n), await_sec
    )
    await_sec = np.where(status == 2, _lognormal(rng, 50.0 * np.exp(0.7 * (load - 0.8)), 0.85, n), await_sec)
    await_sec = np.where((status == 1) & inbound, _lognormal(rng, np.where(open_hours, 28.0, 40.0), 0.35, n), await_sec)
    await_sec = np.where(answered & ~inbound, _lognormal(rng, 9.0, 0.5, n), await_sec)
    await_sec = np.where((status == 1) & ~inbound, _lognormal(rng, 35.0, 0.3, n), await_sec)
    await_sec = np.round(np.clip(await_sec, 0, 2400)).astype(np.int64)
    await_sec[status == 2] = np.maximum(await_sec[status == 2], 2)

    # who calls: a new caller, or someone coming back to an earlier call (global index over memory + batch)
    base = len(memory.ts)
    g_ts = np.concatenate([memory.ts, ts])
    g_answered = np.concatenate([memory.answered, answered])
    g_inbound = np.concatenate([memory.inbound, inbound])
    unanswered_pool = np.flatnonzero(~g_answered & g_inbound)
    answered_pool = np.flatnonzero(g_answered)
    u_kind = rng.random(n)
    # return kinds: 1 retry after an unanswered call, 2 follow-up within days, 3 return weeks later,
    # 4 operator calls back a missed call, 5 operator calls back an answered call
    kind = np.zeros(n, np.int8)
    kind[inbound & (u_kind < 0.07)] = 1
    kind[inbound & (u_kind >= 0.07) & (u_kind < 0.32)] = 2
    kind[inbound & (u_kind >= 0.32) & (u_kind < 0.45)] = 3
    callback = ~inbound & (u_kind < 0.93)
    callback_missed = rng.random(n) < 0.7
    kind[callback & callback_missed] = 4
    kind[callback & ~callback_missed] = 5
    lag = np.select(
        [kind == 1, kind == 2, kind == 3, kind >= 4],
        [
            60 + rng.exponential(1200.0, n),
            1800 + rng.exponential(2.5 * _DAY, n),
            7 * _DAY + rng.exponential(70.0 * _DAY, n),
            300 + rng.exponential(4 * 3600.0, n),
        ],
        default=0.0,
    )
    target_ts = ts - lag.astype(np.int64)
    u_pick = rng.random(n)
    parent = np.full(n, -1, np.int64)
    for kinds, pool in (((1, 4), unanswered_pool), ((2, 3, 5), answered_pool)):
        rows = np.flatnonzero(np.isin(kind, kinds))
        if len(rows) == 0 or len(pool) == 0:
            continue
        # a random earlier call of the pool in a window before the target time (none there: a new caller),
        # so that a quiet night does not funnel every retry into the one call before it
        window = np.maximum(0.3 * lag[rows], 600.0).astype(np.int64)
        hi = np.searchsorted(g_ts[pool], target_ts[rows], side="right")
        lo = np.searchsorted(g_ts[pool], target_ts[rows] - window, side="left")
        pos = lo + (u_pick[rows] * (hi - lo)).astype(np.int64)
        ok = hi > lo
        candidate = pool[pos.clip(0, len(pool) - 1)]
        ok &= candidate < base + rows  # strictly earlier calls only
        parent[rows[ok]] = candidate[ok]

    # generations: a call is simulated after the call it comes back to (depth by pointer jumping)
    anc = np.arange(base + n, dtype=np.int64)
    anc[base:][parent >= 0] = parent[parent >= 0]
    depth = (anc != np.arange(base + n)).astype(np.int64)
    while True:
        nxt = anc[anc]
        if np.array_equal(nxt, anc):
            break
        depth = depth + depth[anc]
        anc = nxt
    depth = depth[base:]
    g_caller = np.concatenate([memory.caller, _scramble(history_id)])

    # channel: a new caller from the mix (campaigns push yandex_direct), a returning one via "repeat"
    mix = np.tile(_CHANNEL_MIX, (n, 1))
    mix[campaign, 1] *= 2.2
    channel = _pick_rows(rng.random(n), mix).astype(np.int8)

    # what the caller wants and how it ends, generation by generation (a parent's state is needed first)
    g_state = np.concatenate([memory.state, np.zeros(n, np.int8)])
    g_category = np.concatenate([memory.category, np.zeros(n, np.int8)])
    g_service = np.concatenate([memory.service, np.zeros(n, np.int16)])
    g_channel = np.concatenate([memory.channel, channel])
    u = rng.random((n, 13))  # per-call uniforms, drawn once whatever the generations are
    service_pop = 1.0 / np.arange(1, N_SERVICES + 1) ** 1.05
    service_cum = np.cumsum(service_pop) / service_pop.sum()
    svc_rng = _rng(memory.seed, 0, "services")  # the clinic's catalogue: the same in every batch
    svc_conversion = svc_rng.uniform(0.8, 1.15, N_SERVICES + 1)
    svc_price = svc_rng.uniform(0.5, 2.5, N_SERVICES + 1)
    svc_no_slots = svc_rng.uniform(0.4, 2.0, N_SERVICES + 1)
    svc_doctors = svc_rng.integers(1, N_DOCTORS + 1, (N_SERVICES + 1, 3))
    category = np.zeros(n, np.int8)
    service = np.zeros(n, np.int16)
    doctor = np.zeros(n, np.int64)
    is_target = np.zeros(n, bool)
    outcome = np.full(n, -1, np.int8)
    reason = np.full(n, -1, np.int8)
    state = np.zeros(n, np.int8)
    for level in range(int(depth.max()) + 1):
        rows = np.flatnonzero(depth == level)
        if len(rows) == 0:
            continue
        par = parent[rows]
        # whether the caller really comes back depends on how their call ended (an open question brings
        # them back, a booked visit less so): the rest are new callers after all
        par_state = np.where(par >= 0, g_state[par.clip(0)], 0)
        has_par = (par >= 0) & (u[rows, 11] < _RETURN_ACCEPT[kind[rows], par_state])
        par = np.where(has_par, par, -1)
        parent[rows] = par
        par_state = np.where(has_par, par_state, 0)
        g_caller[base + rows] = np.where(has_par, g_caller[par.clip(0)], g_caller[base + rows])
        ctx = np.where(inbound[rows], np.where(has_par, 1 + par_state, 0), np.where(has_par, 6 + par_state, 11))
        cat = _pick_rows(u[rows, 0], _CATEGORY_MIX[ctx])
        inherit = has_par & (par_state == _STATE_NONE) & (u[rows, 1] < 0.85)
        cat = np.where(inherit, g_category[par.clip(0)], cat).astype(np.int8)
        # a returning inbound caller often comes through the "repeat" line, else keeps their source
        chan = np.where(has_par, g_channel[par.clip(0)], channel[rows])
        chan = np.where(has_par & inbound[rows] & (u[rows, 2] < 0.45), 6, chan).astype(np.int8)
        # service: asked for in booking-like calls, often the same one as last time
        wants_service = np.isin(cat, (0, 1, 3)) | (u[rows, 3] < 0.25)
        svc = np.searchsorted(service_cum, u[rows, 4], side="right").clip(0, N_SERVICES - 1) + 1
        par_svc = np.where(has_par, g_service[par.clip(0)], 0)
        svc = np.where((par_svc > 0) & (u[rows, 5] < 0.6), par_svc, svc)
        svc = np.where(wants_service, svc, 0).astype(np.int16)
        doc = np.where(
            (svc > 0) & (u[rows, 6] < 0.5), svc_doctors[svc, (u[rows, 7] * 3).astype(np.int64).clip(0, 2)], 0
        )
        target = u[rows, 8] < _TARGET_SHARE[cat]
        ans = answered[rows]
        # booking probability of a target call
        op_skill = skill[rows]
        followup = has_par & (par_state == _STATE_OPEN)
        p_record = (
            _CHANNEL_CONVERSION[chan]
            * (0.75 + 0.5 * op_skill)
            * (1.0 + 0.35 * followup)
            * svc_conversion[svc]
            * np.where(script_v2[rows], 1.05, 1.0)
            - 0.12 * (await_sec[rows] > 60)
        ).clip(0.05, 0.95)
        u_out = u[rows, 9]
        rest = (u_out - p_record) / (1.0 - p_record)  # uniform again on the non-booked part
        out_target = np.where(
            u_out < p_record, 0, np.where(rest < 0.42, 3, np.where(rest < 0.75, 1, 2))
        )  # record / refusal / no_record / callback
        out_other = np.where(u_out < 0.8, 4, np.where(u_out < 0.92, 2, 1))  # info_only / callback / no_record
        out_other = np.where(cat == 2, np.where(u_out < 0.5, 1, np.where(u_out < 0.9, 4, 2)), out_other)
        out_other = np.where(cat == 4, np.where(u_out < 0.45, 2, np.where(u_out < 0.9, 4, 3)), out_other)
        out = np.where(target, out_target, out_other)
        out = np.where(ans, out, -1).astype(np.int8)
        # refusal reason: expensive services -> price, busy services -> no_slots, a named doctor -> doctor
        weights = np.tile(_REASON_WEIGHTS, (len(rows), 1))
        weights[:, 0] *= svc_price[svc]
        weights[:, 1] *= svc_no_slots[svc]
        weights[:, 3] *= np.where(doc > 0, 2.0, 0.6)
        why = _pick_rows(u[rows, 10], weights)
        why = np.where((out == 3) | ((out == 1) & (u[rows, 12] < 0.6)), why, -1).astype(np.int8)
        # how the call leaves the caller
        st = np.full(len(rows), _STATE_INFO, np.int8)
        st[out == 0] = _STATE_BOOKED
        st[np.isin(out, (1, 2)) & target] = _STATE_OPEN
        st[out == 3] = np.where(u[rows, 12][out == 3] < 0.4, _STATE_BAD, _STATE_OPEN)
        st[(cat == 4) & ans] = _STATE_BAD
        unanswered_state = np.where(has_par, par_state, _STATE_NONE)
        long_wait = (status[rows] == 2) & (await_sec[rows] > 120)
        unanswered_state = np.where(long_wait, _STATE_BAD, unanswered_state)
        st = np.where(ans, st, unanswered_state).astype(np.int8)
        category[rows], service[rows], doctor[rows], is_target[rows] = cat, svc, doc, target
        outcome[rows], reason[rows], state[rows], channel[rows] = out, why, st, chan
        g_state[base + rows], g_category[base + rows] = st, cat
        g_service[base + rows], g_channel[base + rows] = svc, chan

    caller = g_caller[base:]
    return _Calls(
        ts=ts,
        history_id=history_id,
        inbound=inbound,
        status=status,
        open_hours=open_hours,
        load=load,
        operator=operator,
        await_sec=await_sec,
        parent=parent,
        caller=caller,
        channel=channel,
        category=category,
        service=service,
        doctor=doctor,
        is_target=is_target,
        outcome=outcome,
        reason=reason,
        state=state,
        campaign=campaign,
        script_v2=script_v2,
    )


def _batch(memory: _Memory, n: int, seed: int) -> DemoData:
    cfg = memory.config
    batch_no = memory.batch_no + 1
    rng = _rng(seed, batch_no, "calls")
    # a few calls (about 0.1% of calls at the default dirty share) are deleted later: their gradings stay
    n_deleted = round(n * cfg.dirty_share * 0.06)
    calls = _simulate(rng, memory, n + n_deleted)
    total = n + n_deleted
    answered = calls.status == 0
    skill = np.where(calls.operator >= 0, memory.operator_skill[calls.operator.clip(0)], 0.5)

    # durations: talk by category and operator skill, duration = wait + talk + hold
    talk = _lognormal(
        rng,
        _TALK_MEDIAN[calls.category] * (1.2 - 0.35 * skill) * np.where(calls.inbound, 1.0, 0.85),
        0.55,
        total,
    )
    talk = np.where(answered, np.round(np.clip(talk, 8, 3600)), 0).astype(np.int64)
    hold = np.where(answered, np.round(rng.exponential(6.0, total)), 0).astype(np.int64)
    duration = calls.await_sec + talk + hold
    duration = np.where(calls.status == 3, rng.integers(0, 4, total), duration)
    duration = np.where(calls.status == 4, 0, duration)
    end_ts = calls.ts + duration
    row_ts = end_ts + rng.integers(0, 6, total)
    as_of_ts = max(int(row_ts.max()) + 60, memory.as_of_ts)  # the snapshot: a minute after the last call

    # transcripts arrive minutes after the call; those not there yet at as_of come in a later batch
    has_text = answered & (rng.random(total) < 0.8)
    text_ts = end_ts + 30 + np.round(_lognormal(rng, 240.0, 0.7, total)).clip(0, 7200).astype(np.int64)
    text_code = np.where(has_text, calls.category.astype(np.int64) * len(OUTCOMES) + calls.outcome, -1)
    late_text = has_text & (text_ts > as_of_ts)
    text_now = np.where(late_text, -1, text_code)
    updated = np.where(has_text & ~late_text, text_ts, row_ts)

    deleted = np.zeros(total, bool)
    if n_deleted:
        deleted[rng.choice(total, n_deleted, replace=False)] = True
    keep = ~deleted
    columns: dict[str, np.ndarray] = {
        "history_id": calls.history_id,
        "call_started_at": calls.ts,
        "caller": calls.caller,
        "operator_id": np.where(calls.operator >= 0, calls.operator + OPERATOR_ID_BASE + 1, -1),
        "channel": calls.channel.astype(np.int64),
        "direction": np.where(calls.inbound, 0, 1),
        "call_status": calls.status.astype(np.int64),
        "await_sec": calls.await_sec,
        "duration": duration,
        "talk_duration": talk,
        "transcript": text_now,
        "updated_at": updated,
    }
    kept = {name: values[keep] for name, values in columns.items()}
    late_kept = late_text[keep]
    history = _dirty_calls(_rng(seed, batch_no, "dirty_calls"), kept, ~late_kept, cfg.dirty_share, as_of_ts)
    # the newer version of rows whose transcript arrives after as_of (dirt never touches these rows)
    later = {name: values[late_kept] for name, values in kept.items()}
    later["transcript"] = text_code[keep][late_kept]
    later["updated_at"] = text_ts[keep][late_kept]
    new_pending_calls = _history_table(later)
    released_calls, pending_calls = _release_calls(memory.pending_calls, as_of_ts)
    history = pa.concat_tables([released_calls, history])

    # gradings (all of them, whenever they happen), then what is known at as_of
    grades = _gradings(_rng(seed, batch_no, "gradings"), calls, end_ts, skill, cfg)
    candidates = pa.concat_tables([memory.pending_scores, grades])
    scores, pending_scores, next_score_id = _release_scores(
        _rng(seed, batch_no, "dirty_scores"),
        candidates,
        as_of_ts,
        memory.next_score_id,
        np.concatenate([memory.deleted_ids, calls.history_id[deleted]]),
        cfg.dirty_share,
    )
    new_memory = replace(
        memory,
        batch_no=batch_no,
        seed=seed if batch_no == 0 else memory.seed,
        ts=np.concatenate([memory.ts, calls.ts]),
        caller=np.concatenate([memory.caller, calls.caller]),
        answered=np.concatenate([memory.answered, answered]),
        inbound=np.concatenate([memory.inbound, calls.inbound]),
        state=np.concatenate([memory.state, calls.state]),
        category=np.concatenate([memory.category, calls.category]),
        service=np.concatenate([memory.service, calls.service]),
        channel=np.concatenate([memory.channel, calls.channel]),
        last_call_ts=int(calls.ts[-1]),
        as_of_ts=as_of_ts,
        next_history_id=int(calls.history_id[-1]) + 1,
        next_score_id=next_score_id,
        deleted_ids=np.concatenate([memory.deleted_ids, calls.history_id[deleted]]),
        pending_scores=pending_scores,
        pending_calls=pa.concat_tables([pending_calls, new_pending_calls]),
    )
    return DemoData(call_history=history, call_scores=scores, as_of=_from_ts(as_of_ts), memory=new_memory)


def _gradings(
    rng: np.random.Generator, calls: _Calls, end_ts: np.ndarray, skill: np.ndarray, cfg: GeneratorConfig
) -> pa.Table:
    """Every grading of the batch's calls (first gradings, regradings, a few third gradings), ids 0."""
    answered = calls.status == 0
    n = len(calls.ts)
    graded = answered & (rng.random(n) < np.where(calls.inbound, cfg.graded_share, 0.65))
    rows = np.flatnonzero(graded)
    m = len(rows)
    cat = calls.category[rows].astype(np.int64)
    out = calls.outcome[rows].astype(np.int64)
    # checklist template by category, direction and the script version
    template = np.select(
        [~calls.inbound[rows], cat == 4, cat == 0, np.isin(cat, (1, 2))],
        [5, 4, np.where(calls.script_v2[rows], 1, 0), 3],
        default=2,
    )
    size = _TEMPLATE_SIZE[template]
    quality = (
        0.3
        + 0.55 * skill[rows]
        + 0.08 * (out == 0)
        - 0.12 * (cat == 4)
        - 0.05 * (calls.await_sec[rows] > 60)
        + 0.08 * rng.standard_normal(m)
    ).clip(0, 1)
    checklist = rng.binomial(size, (quality * 1.05).clip(0, 1))
    grader = _pick(rng, np.cumsum(_GRADER_SHARE) / _GRADER_SHARE.sum(), m)
    created = end_ts[rows] + np.where(
        grader == 0,
        60 + np.round(_lognormal(rng, 420.0, 0.8, m)).clip(0, 6 * 3600),
        900 + np.round(_lognormal(rng, 4 * 3600.0, 0.9, m)).clip(0, 23 * 3600),
    ).astype(np.int64)
    edited = rng.random(m) < 0.2
    updated = created + np.where(edited, rng.integers(30, 1800, m), 0)
    call_type = np.where(np.isin(cat, (1, 2, 5)), 2, np.where(calls.parent[rows] >= 0, 1, 0))
    after_hours = ~calls.open_hours[rows]
    returning = calls.parent[rows] >= 0
    ad_channel = np.isin(calls.channel[rows], (1, 2))
    context = np.select(
        [after_hours, ~calls.inbound[rows], calls.campaign[rows] & ad_channel, returning], [4, 2, 3, 1], default=0
    )
    first = {
        "row": rows,
        "is_target": calls.is_target[rows].astype(np.int64),
        "outcome": out,
        "reason": calls.reason[rows].astype(np.int64),
        "category": cat,
        "call_type": call_type,
        "context": context,
        "service": calls.service[rows].astype(np.int64),
        "doctor": calls.doctor[rows],
        "checklist": checklist,
        "template": template,
        "quality": quality,
        "grader": grader,
        "created": created,
        "updated": updated,
    }
    second = _regrade(rng, first, cfg.regrade_share, 3600, 7 * _DAY)
    third = _regrade(rng, second, 0.1, 3600, 3 * _DAY)
    parts = [first, second, third]
    merged = {key: np.concatenate([part[key] for part in parts]) for key in first}
    merged["score"] = _score(rng, merged["quality"], merged["checklist"], merged["template"], merged["grader"])
    row = merged["row"]
    return _scores_table(
        {
            "id": np.zeros(len(row), np.int64),
            "history_id": calls.history_id[row],
            "call_date": calls.ts[row] // _DAY,
            **{key: merged[key] for key in merged if key not in ("row", "quality")},
        }
    )


def _regrade(
    rng: np.random.Generator, base: dict[str, np.ndarray], share: float, min_delay: int, max_delay: int
) -> dict[str, np.ndarray]:
    """Regradings of a ``share`` of ``base`` gradings: a QA grader, later, some values corrected."""
    pick = np.flatnonzero(rng.random(len(base["row"])) < share)
    k = len(pick)
    new = {key: values[pick].copy() for key, values in base.items()}
    new["grader"] = rng.integers(1, len(_GRADER_NAMES), k)
    new["created"] = new["updated"] + np.round(
        min_delay + _lognormal(rng, 20 * 3600.0, 0.8, k).clip(0, max_delay - min_delay)
    ).astype(np.int64)
    new["updated"] = new["created"] + np.where(rng.random(k) < 0.2, rng.integers(30, 1800, k), 0)
    _correct(rng, new)
    return new


def _correct(rng: np.random.Generator, grading: dict[str, np.ndarray]) -> None:
    """What a second look changes: the outcome (a callback that did book, a record that did not),
    sometimes the category or the target flag, the checklist count by one, the judged quality."""
    k = len(grading["row"])
    flip = rng.random(k) < 0.25
    out = grading["outcome"]
    to_record = flip & np.isin(out, (1, 2))
    to_no_record = flip & (out == 0)
    out[to_record] = 0
    out[to_no_record] = 1
    grading["reason"][to_record] = -1
    grading["reason"][to_no_record] = np.where(rng.random(int(to_no_record.sum())) < 0.5, 1, -1)
    grading["is_target"][to_record] = 1
    recat = rng.random(k) < 0.08
    grading["category"][recat] = rng.integers(0, len(CATEGORIES), int(recat.sum()))
    size = _TEMPLATE_SIZE[grading["template"]]
    grading["checklist"] = (grading["checklist"] + rng.integers(-1, 2, k)).clip(0, size)
    grading["quality"] = (grading["quality"] + 0.06 * rng.standard_normal(k)).clip(0, 1)


def _score(
    rng: np.random.Generator, quality: np.ndarray, checklist: np.ndarray, template: np.ndarray, grader: np.ndarray
) -> np.ndarray:
    """call_score on each grader's own scale, with the grader's bias; returned in hundredths."""
    m = len(quality)
    judged = (0.7 * quality + 0.3 * checklist / _TEMPLATE_SIZE[template] + 0.05 * rng.standard_normal(m)).clip(0, 1)
    lows = np.array([GRADERS[name][0] for name in _GRADER_NAMES], dtype=float)[grader]
    highs = np.array([GRADERS[name][1] for name in _GRADER_NAMES], dtype=float)[grader]
    noise_sd = np.array([3.0, 0.6, 0.6, 0.35, 0.35, 6.0])[grader]
    raw = lows + (highs - lows) * judged + _GRADER_BIAS[grader] + noise_sd * rng.standard_normal(m)
    step = np.array([0.01, 0.5, 0.5, 1.0, 1.0, 1.0])[grader]  # ai: 2 decimals, qa 0-10: halves, else whole
    value = (np.round(raw / step) * step).clip(lows, highs)
    return np.round(value * 100).astype(np.int64)


def _regrade_existing(
    rng: np.random.Generator, scores: pa.Table, memory: _Memory, share: float, until_ts: int
) -> pa.Table:
    """Late regradings of a share of clean gradings in ``scores`` (for late_gradings)."""
    if share <= 0 or scores.num_rows == 0:
        return CALL_SCORES_SCHEMA.empty_table()
    outcome_code = _codes(scores["outcome"], OUTCOMES)
    category_code = _codes(scores["category_checklist"], _TEMPLATE_NAMES)
    grader_code = _codes(scores["scored_by"], _GRADER_NAMES)
    cat_code = _codes(scores["call_category"], CATEGORIES)
    checklist = scores["number_checklist"].to_numpy(zero_copy_only=False)
    updated = _ts_numpy(scores["updated_at"])
    history_id = scores["history_id"].to_numpy().astype(np.int64)
    usable = (
        (outcome_code >= 0)
        & (category_code >= 0)
        & (grader_code >= 0)
        & (cat_code >= 0)
        & ~np.isnan(checklist.astype(float))
        & (updated <= memory.as_of_ts)
        & ~np.isin(history_id, memory.deleted_ids)
    )
    rows = np.flatnonzero(usable & (rng.random(scores.num_rows) < share))
    k = len(rows)
    if k == 0:
        return CALL_SCORES_SCHEMA.empty_table()
    size = _TEMPLATE_SIZE[category_code[rows]]
    quality = (checklist[rows].astype(float) / size + 0.1 * rng.standard_normal(k)).clip(0, 1)
    grading = {
        "row": rows,
        "is_target": _int_or(scores["is_target"], -1)[rows],
        "outcome": outcome_code[rows],
        "reason": _codes(scores["refusal_reason"], REFUSAL_REASONS)[rows],
        "category": cat_code[rows],
        "call_type": _codes(scores["call_type"], CALL_TYPES)[rows],
        "context": _codes(scores["context_type"], CONTEXT_TYPES)[rows],
        "service": _int_or(scores["requested_service_id"], 0)[rows],
        "doctor": _int_or(scores["doctor_id"], 0)[rows],
        "checklist": checklist[rows].astype(np.int64),
        "template": category_code[rows],
        "quality": quality,
        "grader": rng.integers(1, len(_GRADER_NAMES), k),
    }
    start = np.maximum(updated[rows], memory.as_of_ts) + 1
    grading["created"] = start + (rng.random(k) * np.maximum(until_ts - start, 0)).astype(np.int64)
    grading["updated"] = grading["created"]
    _correct(rng, grading)
    score = _score(rng, grading.pop("quality"), grading["checklist"], grading["template"], grading["grader"])
    grading.pop("row")
    return _scores_table(
        {
            "id": np.zeros(k, np.int64),
            "history_id": history_id[rows],
            "call_date": scores["call_date"].to_numpy().astype("datetime64[D]").astype(np.int64)[rows],
            **grading,
            "score": score,
        }
    )


# --------------------------------------------------------------------------------------------------------
# Releasing what is known at as_of, and making rows dirty
# --------------------------------------------------------------------------------------------------------
def _release_scores(
    rng: np.random.Generator,
    candidates: pa.Table,
    as_of_ts: int,
    next_id: int,
    deleted_ids: np.ndarray,
    dirty_share: float,
) -> tuple[pa.Table, pa.Table, int]:
    """Gradings with updated_at <= as_of get ids in creation order and some dirt; the rest stay pending."""
    known = _ts_numpy(candidates["updated_at"]) <= as_of_ts
    released = candidates.filter(pa.array(known))
    pending = candidates.filter(pa.array(~known))
    order = pc.sort_indices(
        released,
        sort_keys=[("created_at", "ascending"), ("history_id", "ascending"), ("updated_at", "ascending")],
    )
    released = released.take(order)
    k = released.num_rows
    ids = np.arange(next_id, next_id + k, dtype=np.int64)
    released = released.set_column(0, pa.field("id", pa.uint32(), nullable=False), pa.array(ids, pa.uint32()))
    orphan = np.isin(released["history_id"].to_numpy().astype(np.int64), deleted_ids)
    released = _dirty_scores(rng, released, orphan, dirty_share, as_of_ts)
    return released, pending, next_id + k


def _release_calls(pending: pa.Table, as_of_ts: int) -> tuple[pa.Table, pa.Table]:
    known = _ts_numpy(pending["updated_at"]) <= as_of_ts
    return pending.filter(pa.array(known)), pending.filter(pa.array(~known))


def _future(rng: np.random.Generator, as_of_ts: int, k: int) -> np.ndarray:
    floor = max(as_of_ts, _to_ts(FUTURE_FLOOR))
    return floor + rng.integers(30 * _DAY, 4 * 365 * _DAY, k)


def _dirty_calls(
    rng: np.random.Generator, cols: dict[str, np.ndarray], eligible: np.ndarray, share: float, as_of_ts: int
) -> pa.Table:
    """Make exactly round(share * rows) rows dirty (one defect each) and build the call_history table."""
    n = len(cols["history_id"])
    cols = {name: values.copy() for name, values in cols.items()}
    nulls: dict[str, np.ndarray] = {name: np.zeros(n, bool) for name in cols}
    k = min(round(share * n), int(eligible.sum()))
    rows = rng.choice(np.flatnonzero(eligible), k, replace=False) if k else np.empty(0, np.int64)
    kind = _pick(rng, np.cumsum([0.2, 0.12, 0.12, 0.14, 0.14, 0.12, 0.16]) / 1.0, k)
    pick = rng.random(k)
    answered = cols["call_status"][rows] == 0
    # 0: a NULL where a clean row always has a value
    sub = rows[kind == 0]
    nullable = np.array(["caller", "channel", "await_sec", "duration", "talk_duration", "operator_id"])
    which = (pick[kind == 0] * np.where(answered[kind == 0], 6, 5)).astype(np.int64)
    for i, name in enumerate(nullable):
        nulls[name][sub[which == i]] = True
    # 1: negative wait or duration
    sub = rows[kind == 1]
    neg = -rng.integers(1, 600, len(sub))
    first_half = pick[kind == 1] < 0.5
    cols["await_sec"][sub[first_half]] = neg[first_half]
    cols["duration"][sub[~first_half]] = neg[~first_half]
    # 2: absurd duration (> 6 h)
    sub = rows[kind == 2]
    cols["duration"][sub] = rng.integers(ABSURD_DURATION_SEC + 1, 3 * _DAY, len(sub))
    # 3: talk longer than the call
    sub = rows[kind == 3]
    cols["talk_duration"][sub] = np.maximum(cols["duration"][sub], 0) + rng.integers(1, 600, len(sub))
    # 4 / 5: odd-case or whitespace variants / unknown labels of status, direction or channel
    for kind_no, variants in (
        (4, {"call_status": _ODD_STATUS, "direction": _ODD_DIRECTION, "channel": _ODD_CHANNEL}),
        (5, {"call_status": _UNKNOWN_STATUS, "direction": _UNKNOWN_DIRECTION, "channel": _UNKNOWN_CHANNEL}),
    ):
        sub = rows[kind == kind_no]
        col_pick = (pick[kind == kind_no] * 3).astype(np.int64)
        for i, (name, labels) in enumerate(variants.items()):
            target = sub[col_pick == i]
            offset = 100 if kind_no == 4 else 200
            cols[name][target] = offset + rng.integers(0, len(labels), len(target))
    # 6: a future start or a future updated_at
    sub = rows[kind == 6]
    first_half = pick[kind == 6] < 0.5
    future = _future(rng, as_of_ts, len(sub))
    cols["call_started_at"][sub[first_half]] = future[first_half]
    cols["updated_at"][sub[~first_half]] = future[~first_half]
    return _history_table(cols, nulls)


def _label_array(
    codes: np.ndarray,
    labels: tuple[str, ...],
    odd: tuple[str, ...] = (),
    unknown: tuple[str, ...] = (),
    null: np.ndarray | None = None,
) -> pa.Array:
    """Strings from codes: 0.. clean labels, 100.. odd variants, 200.. unknown labels, < 0 NULL."""
    dictionary = list(labels) + list(odd) + list(unknown)
    idx = codes.astype(np.int64).copy()
    is_odd = idx >= 100
    idx = np.where(is_odd & (idx < 200), len(labels) + idx - 100, idx)
    idx = np.where(idx >= 200, len(labels) + len(odd) + idx - 200, idx)
    mask = idx < 0
    if null is not None:
        mask = mask | null
    indices = pa.array(idx.clip(0).astype(np.int32), mask=mask)
    return pa.DictionaryArray.from_arrays(indices, pa.array(dictionary, pa.string())).cast(pa.string())


def _int_array(values: np.ndarray, kind: pa.DataType, null: np.ndarray) -> pa.Array:
    return pa.array(np.where(null, 0, values).astype(kind.to_pandas_dtype()), type=kind, mask=null)


def _history_table(cols: dict[str, np.ndarray], nulls: dict[str, np.ndarray] | None = None) -> pa.Table:
    n = len(cols["history_id"])
    none = np.zeros(n, bool)
    nulls = nulls or {}

    def null(name: str) -> np.ndarray:
        return nulls.get(name, none)

    caller = pa.array(10_000_000 + cols["caller"].astype(np.int64), mask=null("caller")).cast(pa.string())
    caller = pc.utf8_replace_slice(caller, start=0, stop=1, replacement=CALLER_PREFIX)
    arrays = [
        pa.array(cols["history_id"], pa.uint32()),
        pa.array(cols["call_started_at"], pa.int64()).cast(pa.timestamp("s")),
        caller,
        _int_array(cols["operator_id"], pa.uint32(), (cols["operator_id"] < 0) | null("operator_id")),
        _label_array(cols["channel"], CHANNELS, _ODD_CHANNEL, _UNKNOWN_CHANNEL, null("channel")),
        _label_array(cols["direction"], DIRECTIONS, _ODD_DIRECTION, _UNKNOWN_DIRECTION),
        _label_array(cols["call_status"], STATUSES, _ODD_STATUS, _UNKNOWN_STATUS),
        _int_array(cols["await_sec"], pa.int32(), null("await_sec")),
        _int_array(cols["duration"], pa.int32(), null("duration")),
        _int_array(cols["talk_duration"], pa.int32(), null("talk_duration")),
        _label_array(cols["transcript"], _TRANSCRIPTS),
        pa.array(cols["updated_at"], pa.int64()).cast(pa.timestamp("s")),
    ]
    return pa.Table.from_arrays(arrays, schema=CALL_HISTORY_SCHEMA)


def _scores_table(cols: dict[str, np.ndarray]) -> pa.Table:
    n = len(cols["history_id"])
    none = np.zeros(n, bool)
    arrays = [
        pa.array(cols["id"], pa.uint32()),
        pa.array(cols["history_id"], pa.uint32()),
        pa.array(cols["call_date"].astype(np.int32), pa.int32()).cast(pa.date32()),
        _int_array(cols["is_target"], pa.int8(), cols["is_target"] < 0),
        _label_array(cols["outcome"], OUTCOMES),
        _label_array(cols["reason"], REFUSAL_REASONS),
        _label_array(cols["category"], CATEGORIES),
        _label_array(cols["call_type"], CALL_TYPES),
        _label_array(cols["context"], CONTEXT_TYPES),
        _int_array(cols["service"], pa.uint32(), cols["service"] <= 0),
        _int_array(cols["doctor"], pa.uint32(), cols["doctor"] <= 0),
        _int_array(cols["checklist"], pa.int32(), none),
        _label_array(cols["template"], _TEMPLATE_NAMES),
        _decimal_hundredths(cols["score"]),
        _label_array(cols["grader"], _GRADER_NAMES),
        pa.array(cols["created"], pa.int64()).cast(pa.timestamp("s")),
        pa.array(cols["updated"], pa.int64()).cast(pa.timestamp("s")),
    ]
    return pa.Table.from_arrays(arrays, schema=CALL_SCORES_SCHEMA)


def _dirty_scores(
    rng: np.random.Generator, scores: pa.Table, orphan: np.ndarray, share: float, as_of_ts: int
) -> pa.Table:
    """Exactly round(share * rows) dirty rows: the orphans count, the rest get one defect each."""
    n = scores.num_rows
    k = max(round(share * n) - int(orphan.sum()), 0)
    candidates = np.flatnonzero(~orphan)
    k = min(k, len(candidates))
    if k == 0:
        return scores
    rows = rng.choice(candidates, k, replace=False)
    kind = _pick(rng, np.cumsum([0.28, 0.14, 0.14, 0.12, 0.14, 0.10, 0.08]), k)
    pick = rng.random(k)
    columns = {name: scores[name] for name in scores.column_names}

    def put(name: str, at: np.ndarray, values: pa.Array | None) -> None:
        if len(at) == 0:
            return
        mask = np.zeros(n, bool)
        mask[at] = True
        if values is None:
            replacement: pa.Array | pa.Scalar = pa.scalar(None, columns[name].type)
        else:
            full_idx = np.zeros(n, np.int64)
            full_idx[at] = np.arange(len(at))
            replacement = values.take(pa.array(full_idx))
        columns[name] = pc.if_else(pa.array(mask), replacement, columns[name])

    # 0: NULL in a column a clean grading always fills
    sub, which = rows[kind == 0], (pick[kind == 0] * 8).astype(np.int64)
    for i, name in enumerate(
        ("call_score", "number_checklist", "is_target", "outcome", "call_category", "scored_by",
         "category_checklist", "created_at")
    ):  # fmt: skip
        put(name, sub[which == i], None)
    # 1: more checklist items than the template has (or a negative count)
    sub = rows[kind == 1]
    template = _codes(scores["category_checklist"], _TEMPLATE_NAMES)[sub]
    over = np.where(pick[kind == 1] < 0.85, _TEMPLATE_SIZE[template] + rng.integers(1, 6, len(sub)), -1)
    put("number_checklist", sub, pa.array(over, pa.int32()))
    # 2 / 3: odd-case variants / unknown labels
    for kind_no, variants in (
        (2, {"outcome": _ODD_OUTCOME, "call_category": _ODD_CATEGORY, "scored_by": _ODD_GRADER}),
        (3, {"outcome": _UNKNOWN_OUTCOME, "call_category": _UNKNOWN_CATEGORY, "scored_by": _UNKNOWN_GRADER,
             "category_checklist": _UNKNOWN_TEMPLATE}),
    ):  # fmt: skip
        sub = rows[kind == kind_no]
        col_pick = (pick[kind == kind_no] * len(variants)).astype(np.int64)
        for i, (name, labels) in enumerate(variants.items()):
            at = sub[col_pick == i]
            put(name, at, pa.array(np.array(labels, dtype=object)[rng.integers(0, len(labels), len(at))], pa.string()))
    # 4: future updated_at (sometimes created_at too)
    sub = rows[kind == 4]
    future = _future(rng, as_of_ts, len(sub))
    put("updated_at", sub, pa.array(future, pa.int64()).cast(pa.timestamp("s")))
    both = sub[pick[kind == 4] < 0.3]
    put("created_at", both, pa.array(future[pick[kind == 4] < 0.3], pa.int64()).cast(pa.timestamp("s")))
    # 5: a score outside the grader's scale
    sub = rows[kind == 5]
    grader = _codes(scores["scored_by"], _GRADER_NAMES)[sub].clip(0)
    highs = np.array([GRADERS[name][1] for name in _GRADER_NAMES])[grader]
    lows = np.array([GRADERS[name][0] for name in _GRADER_NAMES])[grader]
    too_high = highs * 2 + rng.integers(1, 50, len(sub))
    bad = np.where(pick[kind == 5] < 0.6, too_high, lows - rng.integers(1, 10, len(sub)))
    put("call_score", sub, _decimal_hundredths(bad * 100))
    # 6: updated before created
    sub = rows[kind == 6]
    created = _ts_numpy(scores["created_at"])[sub]
    put("updated_at", sub, pa.array(created - rng.integers(60, 3 * 3600, len(sub)), pa.int64()).cast(pa.timestamp("s")))
    return pa.Table.from_arrays([columns[name] for name in scores.column_names], schema=CALL_SCORES_SCHEMA)


# --------------------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------------------
def _codes(column: pa.ChunkedArray | pa.Array, labels: tuple[str, ...]) -> np.ndarray:
    """Index of each value in ``labels`` (-1 for NULL or anything else)."""
    idx = pc.index_in(column, value_set=pa.array(labels, pa.string()))
    return pc.fill_null(idx, -1).to_numpy().astype(np.int64)


def _decimal_hundredths(values: np.ndarray) -> pa.Array:
    """An exact DECIMAL(6,2) array from integer hundredths (128-bit little-endian words, no float detour)."""
    words = np.empty((len(values), 2), np.int64)
    words[:, 0] = values
    words[:, 1] = words[:, 0] >> 63
    return pa.Array.from_buffers(pa.decimal128(6, 2), len(values), [None, pa.py_buffer(words.tobytes())])


def _int_or(column: pa.ChunkedArray | pa.Array, default: int) -> np.ndarray:
    return pc.fill_null(column, default).to_numpy().astype(np.int64)


def _ts_numpy(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """Epoch seconds (NULL -> int64 max) of a timestamp[s] column."""
    seconds = pc.cast(column, pa.int64())
    return pc.fill_null(seconds, np.iinfo(np.int64).max).to_numpy()


def _upsert_table(base: pa.Table, rows: pa.Table, key: str) -> pa.Table:
    if rows.num_rows == 0:
        return base
    replaced = pc.is_in(base[key], value_set=rows[key].combine_chunks())
    kept = base.filter(pc.invert(replaced))
    merged = pa.concat_tables([kept, rows])
    return merged.take(pc.sort_indices(merged, sort_keys=[(key, "ascending")]))
