"""Run safety (issue "Reliability and security"), on both targets, on one small generated history:

- hostile or out-of-range vars are refused before anything runs, with a message naming the var, and the
  database is untouched (a checksum of every LM and source table before and after);
- a change of any setting that changes values (a semantic var, a seed) makes the next run full, and the
  run log says which setting changed;
- a grading deleted at the source (which changes no timestamp) and a call deleted at the source are
  noticed by the next scheduled run: the call is rescored / its lm_value rows disappear, and the
  invariant tests pass again.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from conftest import LmProject, private_project_copy
from lm import demo as gen
from lm import secret

N_CALLS = 600
SEED = 7071


@pytest.fixture(scope="module")
def project(lm_project: LmProject) -> LmProject:
    data = gen.generate(N_CALLS, seed=SEED, calls_per_day=60.0)
    wh = lm_project.connect()
    try:
        gen.load(wh, lm_project.source_schema, data)
    finally:
        wh.close()
    lm_project.dbt("build", "--exclude", "path:tests/macros")
    return lm_project


def _last_run(project: LmProject) -> tuple[Any, ...]:
    return project.query(
        "select scope_reason, scope_calls, rows_written, rows_deleted, settings_fingerprint"
        " from {lm}.lm_run_log order by logged_at desc limit 1"
    )[0]


def _runs(project: LmProject) -> int:
    return int(project.query("select count(*) from {lm}.lm_run_log")[0][0])


def _checksum(project: LmProject) -> str:
    """Row count and an order-independent digest of every table of both schemas."""
    wh = project.connect()
    try:
        digest = hashlib.sha256()
        for schema in (project.source_schema, project.schema):
            tables = wh.query(
                "select table_name from information_schema.tables where table_schema = %s order by table_name"
                if project.target != "duckdb"
                else "select table_name from information_schema.tables where table_schema = ? order by table_name",
                [schema],
            )
            for (table,) in tables:
                rows = wh.query(f"select * from {wh.qualify(schema, table)}")
                digest.update(f"{schema}.{table}:{len(rows)}:".encode())
                digest.update("".join(sorted(repr(row) for row in rows)).encode())
        return digest.hexdigest()
    finally:
        wh.close()


HOSTILE_VARS = [
    # (var, value, what the message must say)
    ("lm_calc_source", "x' as calc_source, (select 1) as leak -- ", "lm_calc_source must be a code"),
    ("lm_calc_source", "x'; drop table call_scores; --", "lm_calc_source must be a code"),
    ("lm_calc_source", "a" * 500, "lm_calc_source must be a code of 1 to 64"),
    ("lm_version", "1.0.0' union select caller_number from call_history --", "lm_version must be a code"),
    ("lm_version", "1" * 33, "lm_version must be a code of 1 to 32"),
    ("lm_calc_profile", "default_v1' or '1'='1", "lm_calc_profile must be a code"),
    ("lm_lookback_hours", "1; drop table x", "lm_lookback_hours must be a whole number from 0 to 8760"),
    ("lm_lookback_hours", -5, "lm_lookback_hours must be a whole number from 0 to 8760"),
    ("lm_caller_window_days", "7) or (1=1", "lm_caller_window_days must be a whole number from 1 to 366"),
    ("lm_max_plausible_sec", 0, "lm_max_plausible_sec must be a whole number from 1 to 604800"),
    ("lm_value_max", "1e9", "lm_value_max must be a number from 1 to"),
    ("lm_full_rebuild", "maybe; drop", "lm_full_rebuild must be true or false"),
    ("lm_outcomes", ["record", "x') or ('1'='1"], "lm_outcomes must be a code"),
    ("lm_outcomes", [], "lm_outcomes must be a non-empty list of codes"),
]


@pytest.mark.parametrize(("name", "value", "message"), HOSTILE_VARS)
def test_hostile_var_is_refused_before_anything_runs(project: LmProject, name: str, value: Any, message: str) -> None:
    before = _checksum(project)
    proc = project.dbt("build", "--exclude", "path:tests/macros", vars_={name: value}, check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert f"lm: var {message}" in output, output[-3000:]
    # Nothing ran: no node started, and every table holds exactly what it held.
    assert " START sql " not in output
    assert _checksum(project) == before


def test_a_changed_var_makes_the_next_run_full_and_says_why(project: LmProject) -> None:
    project.dbt("run", "--select", "+lm_value")
    assert _last_run(project)[0] == "incremental"
    fingerprint = _last_run(project)[4]

    project.dbt("run", "--select", "+lm_value", vars_={"lm_caller_window_days": 5})
    reason, scope_calls, *_, changed_fingerprint = _last_run(project)
    assert reason == "settings_changed: var:lm_caller_window_days"
    assert scope_calls == N_CALLS
    assert changed_fingerprint != fingerprint

    # The same setting again: incremental; back to the default: full again.
    project.dbt("run", "--select", "+lm_value", vars_={"lm_caller_window_days": 5})
    assert _last_run(project)[0] == "incremental"
    project.dbt("run", "--select", "+lm_value")
    assert _last_run(project)[0] == "settings_changed: var:lm_caller_window_days"
    assert _last_run(project)[4] == fingerprint


def test_a_changed_seed_makes_the_next_run_full(project: LmProject, tmp_path: Path) -> None:
    """Seed contents are part of the fingerprint (their file checksum): edit one, the next run is full. The seed
    is edited in a private copy of the project (the other test worker builds from the checkout meanwhile)."""
    project = private_project_copy(project, tmp_path)
    seed = project.project_dir / "seeds" / "lm_refusal_reasons.csv"
    original = seed.read_bytes()  # bytes: the file's own line endings are part of its checksum
    try:
        seed.write_bytes(original)  # rewritten unchanged: same checksum, still incremental
        project.dbt("run", "--select", "+lm_value")
        assert _last_run(project)[0] == "incremental"
        newline = b"\r\n" if b"\r\n" in original else b"\n"
        lines = original.split(newline)
        header, first = lines[0], lines[1].split(b",")
        first[header.split(b",").index(b"loss_weight")] = b"0.123"
        seed.write_bytes(newline.join([header, b",".join(first), *lines[2:]]))
        project.dbt("seed", "--select", "lm_refusal_reasons")
        project.dbt("run", "--select", "+lm_value")
        assert _last_run(project)[0] == "settings_changed: seed:lm_refusal_reasons"
    finally:
        seed.write_bytes(original)
    project.dbt("seed", "--select", "lm_refusal_reasons")
    project.dbt("run", "--select", "+lm_value")
    assert _last_run(project)[0] == "settings_changed: seed:lm_refusal_reasons"


def _execute_without_fk_checks(project: LmProject, sql: str) -> None:
    """A deletion at the source the way an operator would force it (MariaDB: foreign key checks off)."""
    wh = project.connect()
    try:
        if project.target != "duckdb":
            wh.execute("set foreign_key_checks = 0")
        wh.execute(sql.format(src=project.source_schema, lm=project.schema))
        if project.target != "duckdb":
            wh.execute("set foreign_key_checks = 1")
    finally:
        wh.close()


def test_a_deleted_grading_rescores_its_call(project: LmProject) -> None:
    project.dbt("run", "--select", "+lm_value")
    # A call graded more than once: delete the grading that counts (lm_value points at it).
    history_id, call_score_id = project.query(
        "select history_id, call_score_id from {lm}.int_call_scores_latest"
        " where grading_count > 1 order by history_id limit 1"
    )[0]
    _execute_without_fk_checks(project, f"delete from {{src}}.call_scores where id = {int(call_score_id)}")
    project.dbt("run", "--select", "+lm_value")
    reason, scope_calls, *_ = _last_run(project)
    assert reason == "incremental" and scope_calls < N_CALLS
    in_scope = project.query(f"select count(*) from {{lm}}.int_scoring_scope where history_id = {int(history_id)}")
    assert in_scope[0][0] == 1
    pointed = project.query(f"select distinct call_score_id from {{src}}.lm_value where history_id = {int(history_id)}")
    assert len(pointed) == 1 and pointed[0][0] is not None and int(pointed[0][0]) != int(call_score_id)
    dangling = project.query(
        "select count(*) from {src}.lm_value as lv left join {src}.call_scores as cs on lv.call_score_id = cs.id"
        " where lv.call_score_id is not null and cs.id is null"
    )
    assert dangling[0][0] == 0


def test_a_deleted_call_loses_its_rows_on_the_next_run(project: LmProject) -> None:
    project.dbt("run", "--select", "+lm_value")
    (history_id,) = project.query("select min(history_id) from {src}.lm_value where metric_code = 'lm_version'")[0]
    history_id = int(history_id)
    _execute_without_fk_checks(project, f"delete from {{src}}.call_scores where history_id = {history_id}")
    _execute_without_fk_checks(project, f"delete from {{src}}.call_history where history_id = {history_id}")
    assert project.query(f"select count(*) from {{src}}.lm_value where history_id = {history_id}")[0][0] == 18

    project.dbt("build", "--exclude", "path:tests/macros")  # the scheduled run, tests included
    assert project.query(f"select count(*) from {{src}}.lm_value where history_id = {history_id}")[0][0] == 0
    assert project.query(f"select count(*) from {{lm}}.lm_scored_calls where history_id = {history_id}")[0][0] == 0
    reason, _, _, rows_deleted, _ = _last_run(project)
    assert reason == "incremental" and rows_deleted >= 15


def test_the_caller_key_secret_never_leaves_lm_caller_secret(project: LmProject) -> None:
    """The key is in no log, no target/ artifact and no view definition; caller keys are its HMAC."""
    key = project.environ.get("LM_CALLER_SALT") or secret.DEMO_KEY
    leaks = [
        str(path)
        for folder in ("logs", "target")
        for path in (project.tmp_dir / folder).rglob("*")
        if path.is_file() and key.encode() in path.read_bytes()
    ]
    assert leaks == []
    if project.target == "duckdb":
        definitions = project.query("select sql from duckdb_views() where schema_name = '{lm}'")
    else:
        definitions = project.query("select view_definition from information_schema.views where table_schema = '{lm}'")
    assert len(definitions) >= 3
    assert [d for (d,) in definitions if key in (d or "")] == []
    numbers = dict(project.query("select history_id, caller_number from {src}.call_history"))
    keys = project.query("select history_id, caller_key from {lm}.stg_operatorbot__call_history")
    checked = 0
    for history_id, caller_key in keys:
        number = (numbers[history_id] or "").strip()
        assert caller_key == (secret.caller_key(key, number) if number else None)
        checked += caller_key is not None
    assert checked > N_CALLS // 2


def _lm_value_rows(project: LmProject) -> list[tuple[Any, ...]]:
    return sorted(
        project.query(
            "select history_id, metric_code, id, value_numeric, value_label, calc_source, updated_at"
            " from {src}.lm_value"
        ),
        key=repr,
    )


def test_steps_of_two_runs_interleaved_are_refused(project: LmProject) -> None:
    """The reproduction: scoring tables of one run, the scope of another, then lm_value alone."""
    project.dbt("run", "--select", "+lm_value")
    before = _lm_value_rows(project)
    project.dbt("build", "--exclude", "lm_value+", "path:tests/macros")
    project.dbt("run", "--full-refresh", "--select", "int_scoring_scope")
    proc = project.dbt("run", "--select", "lm_value", check=False)
    assert proc.returncode != 0
    assert "lm_registry: refusing to write" in proc.stdout and "dbt build --select +lm_value" in proc.stdout
    assert _lm_value_rows(project) == before
    # Built together with its upstream, the next run writes again (and finds nothing to change).
    project.dbt("run", "--select", "+lm_value")
    assert _last_run(project)[0] == "incremental"
    assert [row[:6] for row in _lm_value_rows(project)] == [row[:6] for row in before]
