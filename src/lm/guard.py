"""`lm generate` is demo-only: the checks it passes before it touches a schema.

- **Production targets are never touched** (no ``--force`` overrides this). A target is production when
  its name is ``mysql`` (the client's MySQL 8 output of profiles.example.yml) or starts with ``prod``, or
  when env ``LM_PRODUCTION`` is set to ``1``/``true``/``yes`` where lm runs.
- **Data lm did not generate is never replaced** unless ``--force``: when ``call_history`` or
  ``call_scores`` in the source schema hold rows but the schema has no ``lm_demo_marker`` (written by every
  ``lm generate``), the source schema holds someone else's data.
- The replacement itself is one transaction (:func:`lm.demo.load`): a failure leaves lm_value intact.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from lm.demo.loading import MARKER_TABLE, has_marker
from lm.errors import DemoGuardError
from lm.warehouse import SOURCE_TABLES, Target, Warehouse

PRODUCTION_ENV = "LM_PRODUCTION"
PRODUCTION_NAMES = ("mysql",)
PRODUCTION_PREFIX = "prod"


def is_production(target: Target, environ: Mapping[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    if env.get(PRODUCTION_ENV, "").strip().lower() in ("1", "true", "yes"):
        return True
    name = target.name.lower()
    return name in PRODUCTION_NAMES or name.startswith(PRODUCTION_PREFIX)


def check_generate(wh: Warehouse, source_schema: str, force: bool, environ: Mapping[str, str] | None = None) -> None:
    """A DemoGuardError when `lm generate` must not replace the rows of `source_schema` on `wh`'s target."""
    target = wh.target
    if is_production(target, environ):
        raise DemoGuardError(
            f"refusing to generate demo data on target '{target.name}': it is a production target "
            f"(named '{PRODUCTION_NAMES[0]}' or '{PRODUCTION_PREFIX}*', or {PRODUCTION_ENV}=1); "
            "lm generate replaces the source tables and lm_value and runs on demo targets only"
        )
    if force or has_marker(wh, source_schema):
        return
    holding = [
        table
        for table in SOURCE_TABLES
        if wh.table_exists(source_schema, table)
        and wh.query(f"select 1 from {wh.qualify(source_schema, table)} limit 1")
    ]
    if holding:
        raise DemoGuardError(
            f"refusing to replace the rows of {target.name}:{source_schema} ({', '.join(holding)}): they hold "
            f"data that lm generate did not write (no {MARKER_TABLE} table in {source_schema}). "
            "Use --force to replace them anyway (and lm_value with them)"
        )
