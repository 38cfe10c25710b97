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


# --------------------------------------------------------------------------------------------------------
# Guard warnings of the last dbt run
# --------------------------------------------------------------------------------------------------------
#: warn-severity tests whose rows are warnings to name (tests/intermediate/scoring/assert_guard_*): each
#: row has the columns guard, guard_subject, observed, limit_low, limit_high, n_rows
GUARD_TEST_PREFIX = "assert_guard_"


def _number(value: object) -> float:
    return float(value) if value is not None else float("nan")


def guard_line(guard: str, subject: str, observed: float, low: float, high: float, n_rows: int) -> str:
    """The summary line of one guard row."""
    if guard == "grader_mean_normalized":
        return (
            f"warning: grader {subject}: mean normalized score {observed:.2f} outside {low:.2f}-{high:.2f} "
            f"(n {n_rows:,}) - run lm calibrate"
        )
    if guard == "grader_out_of_scale":
        return (
            f"warning: grader {subject}: {observed:.1%} of scores outside its scale {low:g}-{high:g} "
            f"(n {n_rows:,}) - run lm calibrate, or correct its row of seeds/lm_grader_scales.csv"
        )
    if guard == "unknown_label":
        return (
            f"warning: {subject}: {observed:.1%} of gradings carry a value outside its vocabulary (more than "
            f"{high:.1%}, n {n_rows:,}) - scored as unknown; extend the vocabulary or fix the source"
        )
    return f"warning: {guard} {subject}: {observed:g} outside {low:g}-{high:g} (n {n_rows:,})"


def guard_warnings(wh: Warehouse, results: list[dict[str, object]]) -> list[str]:
    """One line per warning of the run's results (run_results.json ``results``).

    A guard test's compiled SQL is run again to name what it found (its rows); any other test that warned
    gets one line with its failure count.
    """
    lines: list[str] = []
    for result in results:
        if result.get("status") != "warn":
            continue
        unique_id = str(result.get("unique_id", ""))
        name = unique_id.split(".")[2] if unique_id.count(".") >= 2 else unique_id
        code = result.get("compiled_code")
        if name.startswith(GUARD_TEST_PREFIX) and isinstance(code, str) and code.strip():
            rows = wh.query(code)
            lines.extend(
                guard_line(str(g), str(s), _number(o), _number(lo), _number(hi), int(n or 0))
                for g, s, o, lo, hi, n in rows
            )
            if rows:
                continue
        lines.append(f"warning: test {name} warned ({result.get('failures')} rows)")
    return lines
