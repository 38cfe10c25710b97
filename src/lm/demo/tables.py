"""Arrow tables of the source contract (``src/lm/ddl/source_tables.*.sql``) from the simulation's arrays.

Labels travel as codes until here: 0.. a clean label (its position in the vocabulary), 100.. an odd
variant, 200.. an unknown label, < 0 NULL.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lm.demo import behaviour as b
from lm.demo.vocabulary import Vocabulary

ODD, UNKNOWN = 100, 200  # code offsets of odd variants and unknown labels

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


def transcripts(v: Vocabulary) -> tuple[str, ...]:
    """One phrase per (category, outcome), indexed by category code * len(outcomes) + outcome code."""
    return tuple(
        f"demo transcript: {b.CATEGORY_PHRASE[cat]}; {b.OUTCOME_PHRASE[out]}"
        for cat in v.categories
        for out in v.outcomes
    )


def label_array(
    codes: np.ndarray,
    labels: tuple[str, ...],
    odd: tuple[str, ...] = (),
    unknown: tuple[str, ...] = (),
    null: np.ndarray | None = None,
) -> pa.Array:
    """Strings from codes: 0.. clean labels, 100.. odd variants, 200.. unknown labels, < 0 NULL."""
    dictionary = list(labels) + list(odd) + list(unknown)
    idx = codes.astype(np.int64).copy()
    is_odd = idx >= ODD
    idx = np.where(is_odd & (idx < UNKNOWN), len(labels) + idx - ODD, idx)
    idx = np.where(idx >= UNKNOWN, len(labels) + len(odd) + idx - UNKNOWN, idx)
    mask = idx < 0
    if null is not None:
        mask = mask | null
    indices = pa.array(idx.clip(0).astype(np.int32), mask=mask)
    return pa.DictionaryArray.from_arrays(indices, pa.array(dictionary, pa.string())).cast(pa.string())


def int_array(values: np.ndarray, kind: pa.DataType, null: np.ndarray) -> pa.Array:
    return pa.array(np.where(null, 0, values).astype(kind.to_pandas_dtype()), type=kind, mask=null)


def history_table(v: Vocabulary, cols: dict[str, np.ndarray], nulls: dict[str, np.ndarray] | None = None) -> pa.Table:
    n = len(cols["history_id"])
    none = np.zeros(n, bool)
    nulls = nulls or {}

    def null(name: str) -> np.ndarray:
        return nulls.get(name, none)

    caller = pa.array(10_000_000 + cols["caller"].astype(np.int64), mask=null("caller")).cast(pa.string())
    caller = pc.utf8_replace_slice(caller, start=0, stop=1, replacement=b.CALLER_PREFIX)
    arrays = [
        pa.array(cols["history_id"], pa.uint32()),
        pa.array(cols["call_started_at"], pa.int64()).cast(pa.timestamp("s")),
        caller,
        int_array(cols["operator_id"], pa.uint32(), (cols["operator_id"] < 0) | null("operator_id")),
        label_array(cols["channel"], b.CHANNELS, b.ODD_CHANNEL, b.UNKNOWN_CHANNEL, null("channel")),
        label_array(cols["direction"], v.directions, b.ODD_DIRECTION, b.UNKNOWN_DIRECTION),
        label_array(cols["call_status"], v.statuses, b.ODD_STATUS, b.UNKNOWN_STATUS),
        int_array(cols["await_sec"], pa.int32(), null("await_sec")),
        int_array(cols["duration"], pa.int32(), null("duration")),
        int_array(cols["talk_duration"], pa.int32(), null("talk_duration")),
        label_array(cols["transcript"], transcripts(v)),
        pa.array(cols["updated_at"], pa.int64()).cast(pa.timestamp("s")),
    ]
    return pa.Table.from_arrays(arrays, schema=CALL_HISTORY_SCHEMA)


def scores_table(v: Vocabulary, cols: dict[str, np.ndarray]) -> pa.Table:
    n = len(cols["history_id"])
    none = np.zeros(n, bool)
    arrays = [
        pa.array(cols["id"], pa.uint32()),
        pa.array(cols["history_id"], pa.uint32()),
        pa.array(cols["call_date"].astype(np.int32), pa.int32()).cast(pa.date32()),
        int_array(cols["is_target"], pa.int8(), cols["is_target"] < 0),
        label_array(cols["outcome"], v.outcomes),
        label_array(cols["reason"], v.refusal_reasons),
        label_array(cols["category"], v.categories),
        label_array(cols["call_type"], b.CALL_TYPES),
        label_array(cols["context"], b.CONTEXT_TYPES),
        int_array(cols["service"], pa.uint32(), cols["service"] <= 0),
        int_array(cols["doctor"], pa.uint32(), cols["doctor"] <= 0),
        int_array(cols["checklist"], pa.int32(), none),
        label_array(cols["template"], v.checklist_templates),
        decimal_hundredths(cols["score"]),
        label_array(cols["grader"], v.graders),
        pa.array(cols["created"], pa.int64()).cast(pa.timestamp("s")),
        pa.array(cols["updated"], pa.int64()).cast(pa.timestamp("s")),
    ]
    return pa.Table.from_arrays(arrays, schema=CALL_SCORES_SCHEMA)


def codes(column: pa.ChunkedArray | pa.Array, labels: tuple[str, ...]) -> np.ndarray:
    """Index of each value in ``labels`` (-1 for NULL or anything else)."""
    idx = pc.index_in(column, value_set=pa.array(labels, pa.string()))
    return pc.fill_null(idx, -1).to_numpy().astype(np.int64)


def decimal_hundredths(values: np.ndarray) -> pa.Array:
    """An exact DECIMAL(6,2) array from integer hundredths (128-bit little-endian words, no float detour)."""
    words = np.empty((len(values), 2), np.int64)
    words[:, 0] = values
    words[:, 1] = words[:, 0] >> 63
    return pa.Array.from_buffers(pa.decimal128(6, 2), len(values), [None, pa.py_buffer(words.tobytes())])


def int_or(column: pa.ChunkedArray | pa.Array, default: int) -> np.ndarray:
    return pc.fill_null(column, default).to_numpy().astype(np.int64)


def ts_numpy(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """Epoch seconds (NULL -> int64 max) of a timestamp[s] column."""
    seconds = pc.cast(column, pa.int64())
    return pc.fill_null(seconds, np.iinfo(np.int64).max).to_numpy()


def upsert_table(base: pa.Table, rows: pa.Table, key: str) -> pa.Table:
    """`base` with `rows` applied by `key` (replaced or added), sorted by key."""
    if rows.num_rows == 0:
        return base
    replaced = pc.is_in(base[key], value_set=rows[key].combine_chunks())
    kept = base.filter(pc.invert(replaced))
    merged = pa.concat_tables([kept, rows])
    return merged.take(pc.sort_indices(merged, sort_keys=[(key, "ascending")]))
