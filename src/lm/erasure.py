"""Erasure (`lm forget`): remove a list of calls' LM rows so that the client can delete them at the source.

lm_value's foreign keys refer to call_history and call_scores, so a scored call cannot be deleted at the
source while LM holds rows for it. :func:`forget` deletes, in one transaction:

1. the calls' rows of ``lm_value`` (in the lm_value schema, lm.project.settings().value_schema);
2. their rows of LM's state ``lm_scored_calls`` (LM's schema, the target's), so no run treats them as
   scored, and of the forecast step's ``lm_forecast_scores`` (probabilities keyed by history_id);

and logs one row per call in ``lm_erasure_log`` (LM's schema): history_id, erased_at and the row counts
only - never a number, a transcript or a value. Then the client deletes the calls at the source; a call
gone from the source is never scored again, and the scheduled run cleans whatever LM still derived from
it (int_scoring_scope's ``gone_from_source``). Delete at the source before the next run: a call still
there is scored again by a run that reaches it (a full run, or a change to the call).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lm.project import Settings
from lm.warehouse import REGISTRY_TABLE, Warehouse

ERASURE_LOG = "lm_erasure_log"
STATE_TABLE = "lm_scored_calls"
FORECAST_TABLE = "lm_forecast_scores"
_CHUNK = 500


@dataclass(frozen=True)
class Erased:
    history_id: int
    lm_value_rows: int
    state_rows: int


def create_log_table(wh: Warehouse, schema: str) -> None:
    mysql = wh.target.is_mysql
    wh.ensure_schema(schema)
    wh.execute(
        f"create table if not exists {wh.qualify(schema, ERASURE_LOG)} ("
        f" history_id {'int unsigned' if mysql else 'ubigint'} not null,"
        f" erased_at {'datetime' if mysql else 'timestamp'} not null,"
        " lm_value_rows integer not null,"
        " state_rows integer not null"
        ")"
    )


def _counts(wh: Warehouse, relation: str, ids: Sequence[int]) -> dict[int, int]:
    marks = ", ".join([wh.placeholder] * len(ids))
    rows = wh.query(
        f"select history_id, count(*) from {relation} where history_id in ({marks}) group by history_id", list(ids)
    )
    return {int(history_id): int(count) for history_id, count in rows}


def _delete(wh: Warehouse, relation: str, ids: Sequence[int]) -> None:
    marks = ", ".join([wh.placeholder] * len(ids))
    wh.execute(f"delete from {relation} where history_id in ({marks})", list(ids))


def forget(wh: Warehouse, settings: Settings, history_ids: Iterable[int]) -> list[Erased]:
    """Delete the calls' rows of lm_value and lm_scored_calls and log them, in one transaction."""
    ids = sorted(set(int(history_id) for history_id in history_ids))
    lm_schema = wh.target.schema
    create_log_table(wh, lm_schema)
    relations = [
        wh.qualify(schema, table) if wh.table_exists(schema, table) else None
        for schema, table in ((settings.value_schema, REGISTRY_TABLE), (lm_schema, STATE_TABLE))
    ]
    value_rows: dict[int, int] = {}
    state_rows: dict[int, int] = {}
    forecast = wh.qualify(lm_schema, FORECAST_TABLE) if wh.table_exists(lm_schema, FORECAST_TABLE) else None
    log = wh.qualify(lm_schema, ERASURE_LOG)
    mark = wh.placeholder
    with wh.transaction():
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            for relation, counts in zip(relations, (value_rows, state_rows), strict=True):
                if relation is not None:
                    counts.update(_counts(wh, relation, chunk))
                    _delete(wh, relation, chunk)
            if forecast is not None:
                _delete(wh, forecast, chunk)
        erased = [Erased(i, value_rows.get(i, 0), state_rows.get(i, 0)) for i in ids]
        for row in erased:
            wh.execute(
                f"insert into {log} (history_id, erased_at, lm_value_rows, state_rows)"
                f" values ({mark}, current_timestamp, {mark}, {mark})",
                [row.history_id, row.lm_value_rows, row.state_rows],
            )
    return erased
