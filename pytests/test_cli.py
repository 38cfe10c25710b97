"""The `lm` command on both targets, run as a user runs it (a separate process with the deployment's env).

LM_VALUE_SCHEMA puts lm_value in a third schema, away from call_history: `lm summary` must count it
there, and `lm generate` (which replaces the source rows) must first empty that lm_value, whose
foreign keys refer to the source tables.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest

from conftest import SCHEMA_PREFIX, LmProject

CALLS = 400


def _lm(project: LmProject, *args: str) -> str:
    """Run `python -m lm <args>` in the project's environment (from outside the project folder)."""
    env = {**project.environ, "COLUMNS": "200"}  # no wrapped table rows
    proc = subprocess.run(
        [sys.executable, "-m", "lm", *args], env=env, capture_output=True, text=True, cwd=project.tmp_dir
    )
    assert proc.returncode == 0, f"lm {' '.join(args)} failed on {project.target}:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def _rows(summary: str) -> dict[str, str]:
    """relation -> rows cell of the summary's table."""
    cells = [line.split("│") for line in summary.splitlines() if line.count("│") == 4]
    return {cell[2].strip(): cell[3].strip() for cell in cells}


@pytest.fixture(scope="module")
def elsewhere(lm_project: LmProject) -> Iterator[LmProject]:
    """The module's deployment with lm_value in its own schema (dropped again afterwards)."""
    value_schema = f"{SCHEMA_PREFIX}_{lm_project.tag}_val"
    lm_project.extra_env["LM_VALUE_SCHEMA"] = value_schema
    wh = lm_project.connect()
    try:
        wh.drop_schema(value_schema)
    finally:
        wh.close()
    yield lm_project
    wh = lm_project.connect()
    try:
        wh.drop_schema(value_schema)
    finally:
        wh.close()


def test_lm_value_schema_is_used_by_summary_and_generate(elsewhere: LmProject) -> None:
    value_schema = elsewhere.extra_env["LM_VALUE_SCHEMA"]
    lm_value = f"{value_schema}.lm_value"
    _lm(elsewhere, "generate", "--calls", str(CALLS), "--seed", "3")
    assert _rows(_lm(elsewhere, "summary"))[lm_value] == "not built yet"  # said, not silently dropped
    elsewhere.dbt("build", "--select", "+lm_value", "--resource-type", "seed", "--resource-type", "model")
    scored = elsewhere.query(f"select count(*), count(distinct history_id) from {value_schema}.lm_value")[0]
    assert scored[0] > 0
    assert not elsewhere.query(
        "select table_name from information_schema.tables"
        f" where table_schema = '{elsewhere.source_schema}' and table_name = 'lm_value'"
    )
    rows = _rows(_lm(elsewhere, "summary"))
    assert rows[lm_value] == f"{scored[0]:,}"
    assert rows[f"{lm_value}: calls scored"] == f"{scored[1]:,}"
    # reloading the demo empties the lm_value that refers to the source rows, wherever it lives
    _lm(elsewhere, "generate", "--calls", str(CALLS), "--seed", "4")
    assert elsewhere.query(f"select count(*) from {value_schema}.lm_value")[0][0] == 0
    assert elsewhere.query("select count(*) from {src}.call_history")[0][0] == CALLS
