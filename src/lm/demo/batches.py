"""Snapshots and deltas: :func:`generate` starts a call centre, :func:`next_batch` continues it, and
:func:`late_gradings` releases what arrived later (gradings, transcripts, regradings).

A result is a snapshot taken at ``DemoData.as_of``: gradings and transcripts that would only exist later
are kept aside in its memory and released by the next batch.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lm.demo import behaviour as b
from lm.demo.behaviour import GeneratorConfig
from lm.demo.calls import Calls, Scheduled, batch_calls
from lm.demo.dirt import dirty_calls, dirty_scores
from lm.demo.gradings import gradings, regrade_existing
from lm.demo.sampling import from_ts, lognormal, rng_for, to_ts
from lm.demo.tables import CALL_HISTORY_SCHEMA, CALL_SCORES_SCHEMA, history_table, ts_numpy, upsert_table
from lm.demo.truth import TRUTH_SCHEMA, truth
from lm.demo.vocabulary import Vocabulary, vocabulary


@dataclass(frozen=True)
class Memory:
    """What a later batch needs to know about the calls generated so far (not part of the tables)."""

    config: GeneratorConfig
    vocabulary: Vocabulary
    seed: int
    batch_no: int
    operator_skill: np.ndarray
    operator_weight: np.ndarray
    operator_team: np.ndarray
    ts: np.ndarray  # call start, epoch seconds, every call ever generated (deleted ones too)
    caller: np.ndarray  # caller index (the 7 digits)
    state: np.ndarray  # how the call left the caller: behaviour.STATE_*
    category: np.ndarray
    service: np.ndarray  # catalogue position + 1, 0 = none
    channel: np.ndarray
    last_call_ts: int
    as_of_ts: int
    origin_ts: int  # when the call centre started (the first batch's start)
    next_history_id: int
    next_score_id: int
    deleted_ids: np.ndarray  # history ids whose call_history row was deleted (their gradings are orphans)
    pending_scores: pa.Table  # gradings made after as_of (id 0 until released)
    pending_calls: pa.Table  # newer versions of call rows (late transcripts), released by updated_at
    scheduled: Scheduled = field(default_factory=Scheduled.empty)  # next calls after the last call so far


@dataclass(frozen=True)
class DemoData:
    """A snapshot (or a delta batch) of the two source tables, taken at ``as_of``."""

    call_history: pa.Table
    call_scores: pa.Table
    as_of: dt.datetime
    memory: Memory = field(repr=False)
    #: per call of the batch (history_id; deleted and dirty calls too): the generating probability of each
    #: forecast label (lm.demo.truth); empty for a batch without new calls
    truth: pa.Table = field(default_factory=TRUTH_SCHEMA.empty_table, repr=False)

    def __post_init__(self) -> None:
        # one chunk per column: the same bytes for the same seed however the rows were assembled, and no
        # empty leading chunk (pyarrow 26's CSV writer emits garbage for a table whose first batch is empty)
        object.__setattr__(self, "call_history", self.call_history.combine_chunks())
        object.__setattr__(self, "call_scores", self.call_scores.combine_chunks())
        object.__setattr__(self, "truth", self.truth.combine_chunks())

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


def generate(
    n_calls: int,
    seed: int = 42,
    start: dt.date | dt.datetime = b.DEFAULT_START,
    dirty_share: float = 0.02,
    calls_per_day: float = 1500.0,
    n_operators: int = 25,
    first_history_id: int = 1,
    first_score_id: int = 1,
    config: GeneratorConfig | None = None,
) -> DemoData:
    """Generate ``n_calls`` call_history rows (ids from ``first_history_id``) and their gradings.

    ``config`` overrides ``dirty_share``, ``calls_per_day`` and ``n_operators`` when given. The result is
    deterministic for a given set of arguments (and the project's vocabularies). Use :func:`next_batch` to
    continue the same call centre (same callers and operators) after it.
    """
    if n_calls < 1:
        raise ValueError("n_calls must be >= 1")
    memory = _first_memory(
        seed, start, dirty_share, calls_per_day, n_operators, first_history_id, first_score_id, config
    )
    return _batch(memory, n_calls, seed)


def truth_replica(n_calls: int, seed: int = 42, replica: int = 1, **kwargs: Any) -> pa.Table:
    """The truth of ``generate(n_calls, seed, **kwargs)`` computed again with another random stream
    (``replica``): the same calls, another Monte Carlo draw, for measuring the truth's own noise."""
    memory = _first_memory(seed=seed, **kwargs)
    total = n_calls + _n_deleted(n_calls, memory.config)
    calls, _, env = batch_calls(rng_for(seed, 0, "calls"), memory, total)
    return truth(env, calls, (total - n_calls) / total, rng_for(seed, 0, f"truth{replica}"))


def _n_deleted(n: int, cfg: GeneratorConfig) -> int:
    """A few calls (about 0.1% of calls at the default dirty share) are deleted later: their gradings stay."""
    return round(n * cfg.dirty_share * 0.06)


def _first_memory(
    seed: int = 42,
    start: dt.date | dt.datetime = b.DEFAULT_START,
    dirty_share: float = 0.02,
    calls_per_day: float = 1500.0,
    n_operators: int = 25,
    first_history_id: int = 1,
    first_score_id: int = 1,
    config: GeneratorConfig | None = None,
) -> Memory:
    cfg = config or GeneratorConfig(calls_per_day=calls_per_day, n_operators=n_operators, dirty_share=dirty_share)
    if not 0.0 <= cfg.dirty_share < 0.5:
        raise ValueError("dirty_share must be in [0, 0.5)")
    rng = rng_for(seed, 0, "operators")
    skill = np.round(rng.uniform(0.25, 0.95, cfg.n_operators), 3)
    weight = rng.uniform(0.6, 1.4, cfg.n_operators)
    team = (rng.permutation(cfg.n_operators) % 2).astype(np.int8)  # 0 morning, 1 evening
    start_dt = start if isinstance(start, dt.datetime) else dt.datetime.combine(start, dt.time())
    return Memory(
        config=cfg,
        vocabulary=vocabulary(),
        seed=seed,
        batch_no=-1,
        operator_skill=skill,
        operator_weight=weight,
        operator_team=team,
        ts=np.empty(0, np.int64),
        caller=np.empty(0, np.int64),
        state=np.empty(0, np.int8),
        category=np.empty(0, np.int8),
        service=np.empty(0, np.int16),
        channel=np.empty(0, np.int8),
        last_call_ts=to_ts(start_dt) - 1,
        as_of_ts=to_ts(start_dt),
        origin_ts=to_ts(start_dt),
        next_history_id=first_history_id,
        next_score_id=first_score_id,
        deleted_ids=np.empty(0, np.int64),
        pending_scores=CALL_SCORES_SCHEMA.empty_table(),
        pending_calls=CALL_HISTORY_SCHEMA.empty_table(),
    )


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
    until_ts = to_ts(until)
    if until_ts < memory.as_of_ts:
        raise ValueError(f"until ({until}) is before the previous snapshot ({previous.as_of})")
    seed = previous.seed if seed is None else seed
    batch_no = memory.batch_no + 1
    rng = rng_for(seed, batch_no, "late")
    extra = regrade_existing(rng, memory, previous.call_scores, regrade_share, until_ts)
    candidates = pa.concat_tables([memory.pending_scores, extra])
    scores, pending, next_score_id = _release_scores(rng, memory, candidates, until_ts, memory.deleted_ids)
    calls, pending_calls = _release_calls(memory.pending_calls, until_ts)
    new_memory = replace(
        memory,
        batch_no=batch_no,
        as_of_ts=until_ts,
        next_score_id=next_score_id,
        pending_scores=pending,
        pending_calls=pending_calls,
    )
    return DemoData(call_history=calls, call_scores=scores, as_of=from_ts(until_ts), memory=new_memory)


def combine(base: DemoData, batch: DemoData) -> DemoData:
    """The cumulative tables after applying ``batch`` to ``base`` (rows replaced by key, new ones added)."""
    history = upsert_table(base.call_history, batch.call_history, "history_id")
    scores = upsert_table(base.call_scores, batch.call_scores, "id")
    truth_rows = upsert_table(base.truth, batch.truth, "history_id")
    return DemoData(call_history=history, call_scores=scores, as_of=batch.as_of, memory=batch.memory, truth=truth_rows)


# --------------------------------------------------------------------------------------------------------
# One batch: simulate, end the calls, snapshot at as_of, dirt, gradings, remember
# --------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Ends:
    """How the batch's calls end: durations, transcripts and the snapshot time."""

    talk: np.ndarray
    duration: np.ndarray
    end_ts: np.ndarray
    as_of_ts: int
    text_code: np.ndarray  # transcript code (whenever it arrives), -1 none
    text_ts: np.ndarray
    late_text: np.ndarray  # the transcript arrives after as_of
    text_now: np.ndarray
    updated: np.ndarray


def _batch(memory: Memory, n: int, seed: int) -> DemoData:
    v = memory.vocabulary
    cfg = memory.config
    batch_no = memory.batch_no + 1
    rng = rng_for(seed, batch_no, "calls")
    n_deleted = _n_deleted(n, cfg)
    total = n + n_deleted
    calls, scheduled, env = batch_calls(rng, memory, total)
    skill = np.where(calls.operator >= 0, memory.operator_skill[calls.operator.clip(0)], 0.5)
    ends = _end_calls(rng, memory, calls)
    deleted = np.zeros(total, bool)
    if n_deleted:
        deleted[rng.choice(total, n_deleted, replace=False)] = True
    truth_rows = (
        truth(env, calls, n_deleted / total, rng_for(seed, batch_no, "truth"))
        if cfg.truth
        else TRUTH_SCHEMA.empty_table()
    )
    history, new_pending_calls = _history_rows(seed, batch_no, memory, calls, ends, ~deleted)
    released_calls, pending_calls = _release_calls(memory.pending_calls, ends.as_of_ts)
    history = pa.concat_tables([released_calls, history])

    # gradings (all of them, whenever they happen), then what is known at as_of
    grades = gradings(rng_for(seed, batch_no, "gradings"), v, calls, ends.end_ts, skill, cfg)
    candidates = pa.concat_tables([memory.pending_scores, grades])
    deleted_ids = np.concatenate([memory.deleted_ids, calls.history_id[deleted]])
    scores, pending_scores, next_score_id = _release_scores(
        rng_for(seed, batch_no, "dirty_scores"), memory, candidates, ends.as_of_ts, deleted_ids
    )
    new_memory = replace(
        memory,
        batch_no=batch_no,
        seed=seed if batch_no == 0 else memory.seed,
        ts=np.concatenate([memory.ts, calls.ts]),
        caller=np.concatenate([memory.caller, calls.caller]),
        state=np.concatenate([memory.state, calls.state]),
        category=np.concatenate([memory.category, calls.category]),
        service=np.concatenate([memory.service, calls.service]),
        channel=np.concatenate([memory.channel, calls.channel]),
        last_call_ts=int(calls.ts[-1]),
        as_of_ts=ends.as_of_ts,
        next_history_id=int(calls.history_id[-1]) + 1,
        next_score_id=next_score_id,
        deleted_ids=deleted_ids,
        pending_scores=pending_scores,
        pending_calls=pa.concat_tables([pending_calls, new_pending_calls]),
        scheduled=scheduled,
    )
    return DemoData(
        call_history=history,
        call_scores=scores,
        as_of=from_ts(ends.as_of_ts),
        memory=new_memory,
        truth=truth_rows,
    )


def _end_calls(rng: np.random.Generator, memory: Memory, calls: Calls) -> _Ends:
    """The snapshot a minute after the last call's row; transcripts minutes after the call (talk and
    duration were realised with the call, its end decides the caller's next call)."""
    v = memory.vocabulary
    total = len(calls.ts)
    answered = calls.status == v.statuses.index("answered")
    talk, duration = calls.talk, calls.duration
    end_ts = calls.ts + duration
    row_ts = end_ts + rng.integers(0, 6, total)
    as_of_ts = max(int(row_ts.max()) + 60, memory.as_of_ts)  # the snapshot: a minute after the last call
    # transcripts arrive minutes after the call; those not there yet at as_of come in a later batch
    has_text = answered & (rng.random(total) < 0.8)
    text_ts = end_ts + 30 + np.round(lognormal(rng, 240.0, 0.7, total)).clip(0, 7200).astype(np.int64)
    text_code = np.where(has_text, calls.category.astype(np.int64) * len(v.outcomes) + calls.outcome, -1)
    late_text = has_text & (text_ts > as_of_ts)
    return _Ends(
        talk=talk,
        duration=duration,
        end_ts=end_ts,
        as_of_ts=as_of_ts,
        text_code=text_code,
        text_ts=text_ts,
        late_text=late_text,
        text_now=np.where(late_text, -1, text_code),
        updated=np.where(has_text & ~late_text, text_ts, row_ts),
    )


def _history_rows(
    seed: int, batch_no: int, memory: Memory, calls: Calls, ends: _Ends, keep: np.ndarray
) -> tuple[pa.Table, pa.Table]:
    """The call_history rows known at as_of (some made dirty), and the later versions of rows whose
    transcript arrives after as_of (dirt never touches those rows)."""
    v = memory.vocabulary
    columns: dict[str, np.ndarray] = {
        "history_id": calls.history_id,
        "call_started_at": calls.ts,
        "caller": calls.caller,
        "operator_id": np.where(calls.operator >= 0, calls.operator + b.OPERATOR_ID_BASE + 1, -1),
        "channel": calls.channel.astype(np.int64),
        "direction": np.where(calls.inbound, v.directions.index("in"), v.directions.index("out")),
        "call_status": calls.status.astype(np.int64),
        "await_sec": calls.await_sec,
        "duration": ends.duration,
        "talk_duration": ends.talk,
        "transcript": ends.text_now,
        "updated_at": ends.updated,
    }
    kept = {name: values[keep] for name, values in columns.items()}
    late_kept = ends.late_text[keep]
    history = dirty_calls(
        rng_for(seed, batch_no, "dirty_calls"), v, kept, ~late_kept, memory.config.dirty_share, ends.as_of_ts
    )
    later = {name: values[late_kept] for name, values in kept.items()}
    later["transcript"] = ends.text_code[keep][late_kept]
    later["updated_at"] = ends.text_ts[keep][late_kept]
    return history, history_table(v, later)


def _release_scores(
    rng: np.random.Generator, memory: Memory, candidates: pa.Table, as_of_ts: int, deleted_ids: np.ndarray
) -> tuple[pa.Table, pa.Table, int]:
    """Gradings with updated_at <= as_of get ids in creation order and some dirt; the rest stay pending."""
    known = ts_numpy(candidates["updated_at"]) <= as_of_ts
    released = candidates.filter(pa.array(known))
    pending = candidates.filter(pa.array(~known))
    order = pc.sort_indices(
        released,
        sort_keys=[("created_at", "ascending"), ("history_id", "ascending"), ("updated_at", "ascending")],
    )
    released = released.take(order)
    k = released.num_rows
    next_id = memory.next_score_id
    ids = np.arange(next_id, next_id + k, dtype=np.int64)
    released = released.set_column(0, pa.field("id", pa.uint32(), nullable=False), pa.array(ids, pa.uint32()))
    orphan = np.isin(released["history_id"].to_numpy().astype(np.int64), deleted_ids)
    released = dirty_scores(
        rng, memory.vocabulary, released, orphan, memory.config.dirty_share, as_of_ts, memory.config
    )
    return released, pending, next_id + k


def _release_calls(pending: pa.Table, as_of_ts: int) -> tuple[pa.Table, pa.Table]:
    known = ts_numpy(pending["updated_at"]) <= as_of_ts
    return pending.filter(pa.array(known)), pending.filter(pa.array(~known))
