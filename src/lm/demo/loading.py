"""Loading demo data into the source tables of a warehouse."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lm.demo.batches import DemoData

if TYPE_CHECKING:
    from lm.warehouse import Warehouse


def load(
    warehouse: Warehouse, schema: str, data: DemoData, replace: bool = True, value_schema: str | None = None
) -> dict[str, int]:
    """Create the source tables in ``schema`` (when absent) and bulk-load ``data`` into them.

    ``replace=True`` empties both tables first, and before them the ``lm_value`` whose foreign keys refer
    to them (reloaded demo data needs a full rebuild): the one in ``value_schema``, where the deployment
    keeps it (``lm.project.settings().value_schema``), by default beside the source tables.
    ``replace=False`` upserts: rows whose key (``history_id`` / ``id``) already exists are updated in
    place - the way to apply a :func:`next_batch` / :func:`late_gradings` delta. Returns the rows written
    per table.
    """
    warehouse.create_source_tables(schema)
    if replace:
        warehouse.clear_source_tables(schema, value_schema=value_schema)
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
