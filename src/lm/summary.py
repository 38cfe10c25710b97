"""What `lm summary` reports: row counts per layer and the quarantine reasons, read from the warehouse.

Every relation name the Python side reads lives in :data:`RELATIONS` (and :data:`QUARANTINE`): when a
model is renamed, this is the one place to follow it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from lm.project import Settings
from lm.warehouse import REGISTRY_TABLE, Warehouse

#: which schema a relation lives in: the client's source schema, LM's own (the profile's), or lm_value's
SchemaKind = Literal["source", "lm", "value"]


@dataclass(frozen=True)
class Relation:
    layer: str
    schema: SchemaKind
    table: str
    measure: str = "count(*)"
    label: str = ""  # shown after the qualified name, e.g. "calls scored"

    @property
    def missing(self) -> str:
        """What the summary says when the relation does not exist."""
        return "not loaded yet" if self.schema == "source" else "not built yet"


RELATIONS: tuple[Relation, ...] = (
    Relation("source", "source", "call_history"),
    Relation("source", "source", "call_scores"),
    Relation("staging", "lm", "stg_operatorbot__call_history"),
    Relation("staging", "lm", "stg_operatorbot__call_scores"),
    Relation("intermediate", "lm", "int_call_scores_latest"),
    Relation("intermediate", "lm", "int_calls_quarantined"),
    Relation("intermediate", "lm", "int_call_scores_orphaned"),
    Relation("marts", "value", REGISTRY_TABLE),
    Relation("marts", "value", REGISTRY_TABLE, "count(distinct history_id)", "calls scored"),
)
#: the model listing quarantined calls, and its reason column
QUARANTINE = ("int_calls_quarantined", "quarantine_reason")


@dataclass(frozen=True)
class Row:
    layer: str
    name: str  # as shown: schema.table for the source and lm_value, the model name for LM's own
    count: int | None  # None: the relation does not exist
    missing: str  # what to say then


def _schema(kind: SchemaKind, wh: Warehouse, settings: Settings) -> str:
    return {"source": settings.source_schema, "lm": wh.target.schema, "value": settings.value_schema}[kind]


def collect(wh: Warehouse, settings: Settings) -> tuple[list[Row], list[tuple[str, int]]]:
    """Counts of every relation of RELATIONS (None when it does not exist) and the quarantine reasons."""
    rows: list[Row] = []
    for rel in RELATIONS:
        schema = _schema(rel.schema, wh, settings)
        name = rel.table if rel.schema == "lm" else f"{schema}.{rel.table}"
        name = f"{name}: {rel.label}" if rel.label else name
        count = None
        if wh.table_exists(schema, rel.table):
            count = int(wh.query(f"select {rel.measure} from {wh.qualify(schema, rel.table)}")[0][0])
        rows.append(Row(rel.layer, name, count, rel.missing))
    table, column = QUARANTINE
    reasons: list[tuple[str, int]] = []
    if wh.table_exists(wh.target.schema, table):
        relation = wh.qualify(wh.target.schema, table)
        sql = f"select {column}, count(*) from {relation} group by {column} order by 2 desc"
        reasons = [(str(reason), int(count)) for reason, count in wh.query(sql)]
    return rows, reasons
