"""Dirt on purpose: exactly ``round(share * rows)`` rows of each table get one defect each.

call_history: NULLs where a clean row has a value, negative or absurd durations, talk longer than the call,
odd-case or unknown labels, future timestamps. call_scores: NULLs, checklist counts above the template,
odd-case or unknown labels, future or inverted timestamps, scores outside the grader's scale; orphan gradings
(of calls deleted later) count as dirty rows too.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lm.demo import behaviour as b
from lm.demo.gradings import template_sizes
from lm.demo.sampling import DAY, pick, to_ts
from lm.demo.tables import CALL_SCORES_SCHEMA, ODD, UNKNOWN, codes, decimal_hundredths, history_table, ts_numpy
from lm.demo.vocabulary import Vocabulary


def future(rng: np.random.Generator, as_of_ts: int, k: int) -> np.ndarray:
    """`k` timestamps after both FUTURE_FLOOR and `as_of_ts`."""
    floor = max(as_of_ts, to_ts(b.FUTURE_FLOOR))
    return floor + rng.integers(30 * DAY, 4 * 365 * DAY, k)


def dirty_calls(
    rng: np.random.Generator,
    v: Vocabulary,
    cols: dict[str, np.ndarray],
    eligible: np.ndarray,
    share: float,
    as_of_ts: int,
) -> pa.Table:
    """Make exactly round(share * rows) rows dirty (one defect each) and build the call_history table."""
    n = len(cols["history_id"])
    cols = {name: values.copy() for name, values in cols.items()}
    nulls: dict[str, np.ndarray] = {name: np.zeros(n, bool) for name in cols}
    k = min(round(share * n), int(eligible.sum()))
    rows = rng.choice(np.flatnonzero(eligible), k, replace=False) if k else np.empty(0, np.int64)
    kind = pick(rng, np.cumsum(b.DIRTY_CALL_KINDS) / 1.0, k)
    draw = rng.random(k)
    answered = cols["call_status"][rows] == v.statuses.index("answered")
    # 0: a NULL where a clean row always has a value (operator_id only where someone answered)
    sub = rows[kind == 0]
    nullable = np.array(["caller", "channel", "await_sec", "duration", "talk_duration", "operator_id"])
    which = (draw[kind == 0] * np.where(answered[kind == 0], 6, 5)).astype(np.int64)
    for i, name in enumerate(nullable):
        nulls[name][sub[which == i]] = True
    # 1: negative wait or duration
    sub = rows[kind == 1]
    neg = -rng.integers(1, 600, len(sub))
    first_half = draw[kind == 1] < 0.5
    cols["await_sec"][sub[first_half]] = neg[first_half]
    cols["duration"][sub[~first_half]] = neg[~first_half]
    # 2: absurd duration (> 6 h)
    sub = rows[kind == 2]
    cols["duration"][sub] = rng.integers(b.ABSURD_DURATION_SEC + 1, 3 * DAY, len(sub))
    # 3: talk longer than the call
    sub = rows[kind == 3]
    cols["talk_duration"][sub] = np.maximum(cols["duration"][sub], 0) + rng.integers(1, 600, len(sub))
    # 4 / 5: odd-case or whitespace variants / unknown labels of status, direction or channel
    for kind_no, offset, variants in (
        (4, ODD, {"call_status": b.ODD_STATUS, "direction": b.ODD_DIRECTION, "channel": b.ODD_CHANNEL}),
        (5, UNKNOWN, {"call_status": b.UNKNOWN_STATUS, "direction": b.UNKNOWN_DIRECTION, "channel": b.UNKNOWN_CHANNEL}),
    ):
        sub = rows[kind == kind_no]
        col_pick = (draw[kind == kind_no] * 3).astype(np.int64)
        for i, (name, labels) in enumerate(variants.items()):
            target = sub[col_pick == i]
            cols[name][target] = offset + rng.integers(0, len(labels), len(target))
    # 6: a future start or a future updated_at
    sub = rows[kind == 6]
    first_half = draw[kind == 6] < 0.5
    later = future(rng, as_of_ts, len(sub))
    cols["call_started_at"][sub[first_half]] = later[first_half]
    cols["updated_at"][sub[~first_half]] = later[~first_half]
    return history_table(v, cols, nulls)


def dirty_scores(
    rng: np.random.Generator,
    v: Vocabulary,
    scores: pa.Table,
    orphan: np.ndarray,
    share: float,
    as_of_ts: int,
    cfg: b.GeneratorConfig | None = None,
) -> pa.Table:
    """Exactly round(share * rows) dirty rows: the orphans count, the rest get one defect each."""
    n = scores.num_rows
    k = max(round(share * n) - int(orphan.sum()), 0)
    candidates = np.flatnonzero(~orphan)
    k = min(k, len(candidates))
    if k == 0:
        return scores
    rows = rng.choice(candidates, k, replace=False)
    kind = pick(rng, np.cumsum(b.DIRTY_SCORE_KINDS), k)
    draw = rng.random(k)
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
    sub, which = rows[kind == 0], (draw[kind == 0] * 8).astype(np.int64)
    for i, name in enumerate(
        ("call_score", "number_checklist", "is_target", "outcome", "call_category", "scored_by",
         "category_checklist", "created_at")
    ):  # fmt: skip
        put(name, sub[which == i], None)
    # 1: more checklist items than the template has (or a negative count)
    sub = rows[kind == 1]
    template = codes(scores["category_checklist"], v.checklist_templates)[sub]
    over = np.where(draw[kind == 1] < 0.85, template_sizes(v)[template] + rng.integers(1, 6, len(sub)), -1)
    put("number_checklist", sub, pa.array(over, pa.int32()))
    # 2 / 3: odd-case variants / unknown labels
    for kind_no, variants in (
        (2, {"outcome": b.ODD_OUTCOME, "call_category": b.ODD_CATEGORY, "scored_by": b.ODD_GRADER}),
        (3, {"outcome": b.UNKNOWN_OUTCOME, "call_category": b.UNKNOWN_CATEGORY, "scored_by": b.UNKNOWN_GRADER,
             "category_checklist": b.UNKNOWN_TEMPLATE}),
    ):  # fmt: skip
        sub = rows[kind == kind_no]
        col_pick = (draw[kind == kind_no] * len(variants)).astype(np.int64)
        for i, (name, labels) in enumerate(variants.items()):
            at = sub[col_pick == i]
            put(name, at, pa.array(np.array(labels, dtype=object)[rng.integers(0, len(labels), len(at))], pa.string()))
    # 4: future updated_at (sometimes created_at too)
    sub = rows[kind == 4]
    later = future(rng, as_of_ts, len(sub))
    put("updated_at", sub, pa.array(later, pa.int64()).cast(pa.timestamp("s")))
    both = sub[draw[kind == 4] < 0.3]
    put("created_at", both, pa.array(later[draw[kind == 4] < 0.3], pa.int64()).cast(pa.timestamp("s")))
    # 5: a score outside the grader's scale
    sub = rows[kind == 5]
    grader = codes(scores["scored_by"], v.graders)[sub].clip(0)
    scales = b.grader_scales(v, cfg) if cfg is not None else v.grader_scales
    highs = np.array([scales[name][1] for name in v.graders])[grader]
    lows = np.array([scales[name][0] for name in v.graders])[grader]
    too_high = highs * 2 + rng.integers(1, 50, len(sub))
    bad = np.where(draw[kind == 5] < 0.6, too_high, lows - rng.integers(1, 10, len(sub)))
    put("call_score", sub, decimal_hundredths(np.round(bad * 100).astype(np.int64)))
    # 6: updated before created
    sub = rows[kind == 6]
    created = ts_numpy(scores["created_at"])[sub]
    put("updated_at", sub, pa.array(created - rng.integers(60, 3 * 3600, len(sub)), pa.int64()).cast(pa.timestamp("s")))
    return pa.Table.from_arrays([columns[name] for name in scores.column_names], schema=CALL_SCORES_SCHEMA)
