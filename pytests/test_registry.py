"""The lm_registry materialization (macros/materializations/lm_registry.sql) on DuckDB and MariaDB.

Drives the throwaway dbt project pytests/registry_project (the real macros, tiny models whose rows come
from --vars) through lm.dbt_runner, and checks the registry table, its DDL and the run log through a
separate connection, so only committed rows are seen.

MariaDB: databases <prefix>_reg_test_src (sources, lm_value by default) and <prefix>_reg_test (target
schema), prefix LM_TEST_SCHEMA_PREFIX as in conftest, are dropped and recreated by every test. DuckDB:
a temporary file per test.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import SCHEMA_PREFIX
from lm import dbt_runner
from lm.warehouse import Target, connect

PROJECT_DIR = Path(__file__).resolve().parent / "registry_project"
SOURCE_SCHEMA = f"{SCHEMA_PREFIX}_reg_test_src"
TARGET_SCHEMA = f"{SCHEMA_PREFIX}_reg_test"
CALLS = (101, 102, 103, 104)

# (history_id, call_score_id, metric_code, metric_group, value_numeric, value_label, value_json)
MetricRow = tuple[int, int | None, str, str, float | None, str | None, str | None]
Key = tuple[int, str]

ROWS_FIRST: list[MetricRow] = [
    (101, 501, "m_speed", "operational", 0.123456, None, None),
    (101, None, "m_churn", "risk", None, "high", None),
    (101, 501, "m_pack", "aux", None, None, '{"await_sec": 12, "talk": 30}'),
    (102, 502, "m_speed", "operational", 0.5, None, None),
    (102, 502, "m_churn", "risk", None, "low", None),
    (102, 502, "m_pack", "aux", None, None, '{"await_sec": 3}'),
    (103, 503, "m_speed", "operational", 0.0, None, None),
    (103, 503, "m_churn", "risk", None, "medium", None),
]
CHANGED_KEY: Key = (102, "m_churn")


def _with_label(rows: Sequence[MetricRow], key: Key, label: str) -> list[MetricRow]:
    return [(*row[:5], label, row[6]) if (row[0], row[2]) == key else row for row in rows]


# --------------------------------------------------------------------------------------------------------
# environment
# --------------------------------------------------------------------------------------------------------


@dataclass
class RegistryEnv:
    """One target: its profile, a work folder for dbt's artifacts, and a way to read the warehouse."""

    target: Target
    profiles_dir: Path
    work_dir: Path
    lm_value_schema: str = SOURCE_SCHEMA

    @property
    def is_mysql(self) -> bool:
        return self.target.is_mysql

    def qualify(self, schema: str, table: str) -> str:
        return f"`{schema}`.`{table}`" if self.is_mysql else f'"{schema}"."{table}"'

    @property
    def lm_value(self) -> str:
        return self.qualify(self.lm_value_schema, "lm_value")

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        warehouse = connect(self.target)
        try:
            return warehouse.query(sql)
        finally:
            warehouse.close()

    def execute(self, sql: str) -> None:
        warehouse = connect(self.target)
        try:
            warehouse.execute(sql)
        finally:
            warehouse.close()

    def dbt(self, command: str, variables: dict[str, Any], *extra: str) -> DbtRun:
        args = [
            command,
            "--project-dir",
            str(PROJECT_DIR),
            "--profiles-dir",
            str(self.profiles_dir),
            "--target",
            self.target.name,
            "--target-path",
            str(self.work_dir / "target"),
            "--log-path",
            str(self.work_dir / "logs"),
            "--no-partial-parse",
            "--vars",
            json.dumps({"lm_source_schema": SOURCE_SCHEMA, **variables}),
            *extra,
        ]
        run_results = self.work_dir / "target" / "run_results.json"
        run_results.unlink(missing_ok=True)  # a failed parse writes none: never read the previous run's
        result = dbt_runner.invoke(args, project_dir=PROJECT_DIR, capture=True)
        results = json.loads(run_results.read_text())["results"] if run_results.exists() else []
        return DbtRun(result.success, results, result.stdout + result.stderr)

    def write(
        self,
        scope: Sequence[int],
        rows: Sequence[MetricRow],
        high_water: str,
        *extra: str,
        command: str = "run",
        **more_vars: Any,
    ) -> str:
        """Run the registry models, assert success, return the invocation id."""
        variables = {
            "reg_scope": list(scope),
            "reg_rows": [list(row) for row in rows],
            "reg_high_water": high_water,
            "lm_value_schema": self.lm_value_schema,
            **more_vars,
        }
        result = self.dbt(command, variables, "--select", "reg_scope", "reg_batch", "lm_value", *extra)
        assert result.success, f"dbt {command} failed: {_messages(result) or result.output[-4000:]}"
        return self.last_invocation_id()

    def write_failing(self, scope: Sequence[int], rows: Sequence[MetricRow], **more_vars: Any) -> str:
        variables = {
            "reg_scope": list(scope),
            "reg_rows": [list(row) for row in rows],
            "lm_value_schema": self.lm_value_schema,
            **more_vars,
        }
        result = self.dbt("run", variables, "--select", "reg_scope", "reg_batch", "lm_value")
        assert not result.success
        return _messages(result)

    def last_invocation_id(self) -> str:
        run_results = json.loads((self.work_dir / "target" / "run_results.json").read_text())
        return str(run_results["metadata"]["invocation_id"])

    def rendered_high_water(self, *extra: str, **more_vars: Any) -> str:
        """What lm_last_high_water() renders inside a model, read back from the probe table."""
        result = self.dbt("run", {"reg_probe": True, **more_vars}, "--select", "reg_high_water_probe", *extra)
        assert result.success, f"probe failed: {_messages(result) or result.output[-4000:]}"
        rows = self.query(f"select rendered_literal from {self.qualify(TARGET_SCHEMA, 'reg_high_water_probe')}")
        return str(rows[0][0])

    def registry(self) -> dict[Key, dict[str, Any]]:
        columns = [
            "id",
            "history_id",
            "call_score_id",
            "metric_code",
            "metric_group",
            "value_numeric",
            "value_label",
            "value_json",
            "lm_version",
            "calc_method",
            "calc_source",
            "created_at",
            "updated_at",
        ]
        rows = self.query(f"select {', '.join(columns)} from {self.lm_value}")
        return {(int(row[1]), str(row[3])): dict(zip(columns, row, strict=True)) for row in rows}

    def run_log(self, invocation_id: str) -> list[dict[str, Any]]:
        columns = [
            "relation_name",
            "calc_source",
            "calc_profile",
            "lm_version",
            "is_full_refresh",
            "scope_calls",
            "rows_written",
            "rows_deleted",
            "source_high_water_at",
        ]
        rows = self.query(
            f"select {', '.join(columns)} from {self.qualify(TARGET_SCHEMA, 'lm_run_log')}"
            f" where invocation_id = '{invocation_id}'"
        )
        return [dict(zip(columns, row, strict=True)) for row in rows]

    def run_log_count(self) -> int:
        return int(self.query(f"select count(*) from {self.qualify(TARGET_SCHEMA, 'lm_run_log')}")[0][0])

    def hook_log(self) -> list[int]:
        return [
            int(row[0])
            for row in self.query(f"select rows_after_write from {self.qualify(TARGET_SCHEMA, 'reg_hook_log')}")
        ]


@dataclass(frozen=True)
class DbtRun:
    """How a dbt invocation ended: success, the nodes' results (run_results.json) and dbt's output."""

    success: bool
    results: list[dict[str, Any]]
    output: str


def _messages(result: DbtRun) -> str:
    return " | ".join(
        f"{item['unique_id'].split('.')[-1]}: {item['status']}: {item['message']}" for item in result.results
    )


def _mysql_target() -> Target:
    return Target(
        name="mariadb",
        type="mariadb",
        schema=TARGET_SCHEMA,
        host=os.environ.get("LM_MYSQL_HOST", "127.0.0.1"),
        port=int(os.environ.get("LM_MYSQL_PORT", "3306")),
        user=os.environ.get("LM_MYSQL_USER", "lm"),
        password=os.environ.get("LM_MYSQL_PASSWORD", ""),
    )


def _write_profile(directory: Path, duckdb_path: Path, mysql: Target) -> None:
    profile = {
        "lm": {
            "target": "duckdb",
            "outputs": {
                "duckdb": {"type": "duckdb", "path": str(duckdb_path), "schema": TARGET_SCHEMA, "threads": 1},
                "mariadb": {
                    "type": "mariadb",
                    "server": mysql.host,
                    "port": mysql.port,
                    "username": mysql.user,
                    "password": mysql.password,
                    "schema": TARGET_SCHEMA,
                    "threads": 1,
                },
            },
        }
    }
    (directory / "profiles.yml").write_text(yaml.safe_dump(profile))


def _load_sources(target: Target) -> None:
    """Fresh schemas, the source contract's tables, four calls and their gradings (no personal data)."""
    warehouse = connect(target)
    try:
        for schema in (TARGET_SCHEMA, SOURCE_SCHEMA):
            warehouse.drop_schema(schema)
        warehouse.ensure_schema(TARGET_SCHEMA)
        warehouse.create_source_tables(SOURCE_SCHEMA)
        history = warehouse.qualify(SOURCE_SCHEMA, "call_history")
        scores = warehouse.qualify(SOURCE_SCHEMA, "call_scores")
        for history_id in CALLS:
            warehouse.execute(
                f"insert into {history} (history_id, call_started_at, caller_number, operator_id, channel,"
                " direction, call_status, await_sec, duration, talk_duration, transcript, updated_at)"
                f" values ({history_id}, '2025-01-0{history_id - 100} 09:00:00', null, 7, 'site', 'in',"
                " 'answered', 12, 60, 45, null, '2025-01-05 09:00:00')"
            )
            warehouse.execute(
                f"insert into {scores} (id, history_id, call_date, outcome, call_score)"
                f" values ({history_id + 400}, {history_id}, '2025-01-0{history_id - 100}', 'record', 80)"
            )
    finally:
        warehouse.close()


@pytest.fixture(params=["duckdb", "mariadb"])
def env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RegistryEnv]:
    mysql = _mysql_target()
    duckdb_path = tmp_path / "registry_test.duckdb"
    _write_profile(tmp_path, duckdb_path, mysql)
    if request.param == "duckdb":
        target = Target(name="duckdb", type="duckdb", schema=TARGET_SCHEMA, path=str(duckdb_path))
    else:
        target = mysql
    _load_sources(target)
    yield RegistryEnv(target=target, profiles_dir=tmp_path, work_dir=tmp_path / "work")


# --------------------------------------------------------------------------------------------------------
# expectations computed from the inputs
# --------------------------------------------------------------------------------------------------------


def _stored_numeric(value: float | None) -> Decimal | None:
    """What DECIMAL(10,4) keeps of a value."""
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def _values(row: dict[str, Any]) -> tuple[Any, ...]:
    json_value = json.loads(row["value_json"]) if row["value_json"] is not None else None
    numeric = Decimal(row["value_numeric"]) if row["value_numeric"] is not None else None
    score = int(row["call_score_id"]) if row["call_score_id"] is not None else None
    return (
        score,
        row["metric_group"],
        numeric,
        row["value_label"],
        json_value,
        row["lm_version"],
        row["calc_method"],
        row["calc_source"],
    )


def _expected(rows: Sequence[MetricRow]) -> dict[Key, tuple[Any, ...]]:
    return {
        (row[0], row[2]): (
            row[1],
            row[3],
            _stored_numeric(row[4]),
            row[5],
            json.loads(row[6]) if row[6] is not None else None,
            "1.1.0",
            "rule",
            "cron_daily_scoring",
        )
        for row in rows
    }


def _identity(registry: dict[Key, dict[str, Any]]) -> dict[Key, tuple[Any, Any]]:
    return {key: (row["id"], row["created_at"]) for key, row in registry.items()}


def _timestamp(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S")


def _log_row(env: RegistryEnv, invocation_id: str) -> dict[str, Any]:
    rows = env.run_log(invocation_id)
    assert len(rows) == 1, f"expected one lm_run_log row for {invocation_id}, got {rows}"
    row = rows[0]
    row["is_full_refresh"] = bool(row["is_full_refresh"])
    return row


# --------------------------------------------------------------------------------------------------------
# tests
# --------------------------------------------------------------------------------------------------------


def test_registry_lifecycle(env: RegistryEnv) -> None:
    # Before any run there is no lm_run_log: lm_last_high_water() asks for everything.
    assert env.rendered_high_water() == "null"

    # 1. first run: every row inserted, updated_at empty.
    first_hw = "2025-01-05 10:00:00"
    first_run = env.write([101, 102, 103], ROWS_FIRST, first_hw)
    first = env.registry()
    assert {key: _values(row) for key, row in first.items()} == _expected(ROWS_FIRST)
    assert all(row["updated_at"] is None for row in first.values())
    assert all(row["created_at"] is not None for row in first.values())
    assert len({row["id"] for row in first.values()}) == len(ROWS_FIRST)
    assert _log_row(env, first_run) == {
        "relation_name": f"{SOURCE_SCHEMA}.lm_value",
        "calc_source": "cron_daily_scoring",
        "calc_profile": "default_v1",
        "lm_version": "1.1.0",
        "is_full_refresh": False,
        "scope_calls": 3,
        "rows_written": len(ROWS_FIRST),
        "rows_deleted": 0,
        "source_high_water_at": _timestamp(first_hw),
    }
    # The post-hook ran inside the transaction, after the write, and was committed with it.
    assert env.hook_log() == [len(ROWS_FIRST)]
    assert env.rendered_high_water() == f"timestamp '{first_hw}'"
    assert env.rendered_high_water(lm_full_rebuild=True) == "null"
    assert env.rendered_high_water("--full-refresh") == "null"

    # 2. same calls, one label changed (under `dbt build`): ids and created_at kept, updated_at set only
    #    on the changed row. 0.123456 is stored as 0.1235 and must not count as a change.
    second_hw = "2025-01-06 10:00:00"
    rows_second = _with_label(ROWS_FIRST, CHANGED_KEY, "high")
    second_run = env.write([101, 102, 103], rows_second, second_hw, command="build")
    second = env.registry()
    assert {key: _values(row) for key, row in second.items()} == _expected(rows_second)
    assert _identity(second) == _identity(first)
    assert {key for key, row in second.items() if row["updated_at"] is not None} == {CHANGED_KEY}
    changed_at = second[CHANGED_KEY]["updated_at"]
    assert changed_at >= second[CHANGED_KEY]["created_at"]
    assert _log_row(env, second_run)["rows_written"] == len(ROWS_FIRST)
    assert _log_row(env, second_run)["rows_deleted"] == 0
    assert env.rendered_high_water() == f"timestamp '{second_hw}'"

    # 3. only call 101 in scope, its metric m_pack retired: just that row goes; 102 and 103 untouched.
    third_hw = "2025-01-07 10:00:00"
    rows_third = [row for row in rows_second if row[0] == 101 and row[2] != "m_pack"]
    third_run = env.write([101], rows_third, third_hw)
    third = env.registry()
    assert set(second) - set(third) == {(101, "m_pack")}
    assert set(third) <= set(second)
    for key, row in third.items():
        assert row == second[key], f"row {key} changed although its values did not"
    log = _log_row(env, third_run)
    assert (log["scope_calls"], log["rows_written"], log["rows_deleted"]) == (1, len(rows_third), 1)

    # 4. call 103 moved out of scoring (in scope, no rows) and new call 104: 103's rows deleted, 104's
    #    inserted with new ids; 101 and 102 (outside the scope) untouched.
    fourth_hw = "2025-01-08 10:00:00"
    rows_fourth: list[MetricRow] = [
        (104, 504, "m_speed", "operational", 0.25, None, None),
        (104, 504, "m_churn", "risk", None, "low", None),
    ]
    fourth_run = env.write([103, 104], rows_fourth, fourth_hw)
    fourth = env.registry()
    assert {key for key in fourth if key[0] == 103} == set()
    assert {key: row for key, row in fourth.items() if key[0] in (101, 102)} == {
        key: row for key, row in third.items() if key[0] in (101, 102)
    }
    new_ids = {fourth[key]["id"] for key in fourth if key[0] == 104}
    assert len(new_ids) == 2 and min(new_ids) > max(row["id"] for row in first.values())
    assert all(fourth[key]["updated_at"] is None for key in fourth if key[0] == 104)
    log = _log_row(env, fourth_run)
    assert (log["scope_calls"], log["rows_written"], log["rows_deleted"]) == (2, 2, 2)

    # 5. --full-refresh over every call with the same values: the table is kept (same ids, created_at
    #    and updated_at), nothing deleted, the log says full refresh.
    fifth_hw = "2025-01-09 10:00:00"
    rows_all = [row for row in rows_second if row[0] == 102] + rows_third + rows_fourth
    fifth_run = env.write(list(CALLS), rows_all, fifth_hw, "--full-refresh")
    fifth = env.registry()
    assert fifth == fourth
    assert fifth[CHANGED_KEY]["updated_at"] == changed_at
    log = _log_row(env, fifth_run)
    assert log["is_full_refresh"] is True
    assert (log["scope_calls"], log["rows_written"], log["rows_deleted"]) == (4, len(rows_all), 0)
    assert log["source_high_water_at"] == _timestamp(fifth_hw)
    assert env.rendered_high_water() == f"timestamp '{fifth_hw}'"

    # One log row per successful run, one hook row per run, rows counted after each write.
    assert env.run_log_count() == 5
    assert env.hook_log() == [len(ROWS_FIRST), len(ROWS_FIRST), len(third), len(fourth), len(fifth)]

    if env.is_mysql:
        # The client's app query from LM_SPEC.md runs unchanged next to call_history.
        warehouse = connect(env.target)
        try:
            warehouse.execute(f"use `{SOURCE_SCHEMA}`")
            app_rows = warehouse.query(
                "SELECT lv.history_id, ch.caller_number, lv.value_label FROM lm_value lv"
                " JOIN call_history ch ON ch.history_id = lv.history_id"
                " WHERE lv.metric_code = 'm_churn' AND lv.value_label = 'high'"
                " AND lv.created_at >= DATE_SUB(NOW(), INTERVAL 7 DAY)"
            )
        finally:
            warehouse.close()
        expected_high = sorted(row[0] for row in rows_all if row[2] == "m_churn" and row[5] == "high")
        assert sorted(int(row[0]) for row in app_rows) == expected_high


def test_failed_run_changes_nothing(env: RegistryEnv) -> None:
    env.write([101, 102, 103], ROWS_FIRST, "2025-01-05 10:00:00")
    before = env.registry()
    log_rows = env.run_log_count()

    # A key returned twice fails the model...
    duplicated = [*ROWS_FIRST, (101, 501, "m_speed", "operational", 0.9, None, None)]
    message = env.write_failing([101, 102, 103], _with_label(duplicated, CHANGED_KEY, "high"))
    assert "error" in message.lower()
    if not env.is_mysql:
        assert "more than once" in message
    # ...and so does a column the table manages itself.
    message = env.write_failing([101, 102, 103], ROWS_FIRST, reg_extra_column=True)
    assert "must return exactly the columns" in message and "[id]" in message
    # A failure in the last statement (the run log insert) rolls back the upsert and the deletes too.
    message = env.write_failing([101, 102], _with_label(ROWS_FIRST[:5], CHANGED_KEY, "high"), reg_batch_broken=True)
    assert "high_water" in message.lower() or "source_high_water_at" in message.lower()

    assert env.registry() == before
    assert env.run_log_count() == log_rows


def test_lm_value_ddl(env: RegistryEnv) -> None:
    env.write([101], ROWS_FIRST[:3], "2025-01-05 10:00:00")
    if env.is_mysql:
        ddl = env.query(f"show create table {env.lm_value}")[0][1]
        expected_fragments = [
            r"`id` bigint\(20\) unsigned NOT NULL AUTO_INCREMENT",
            r"`history_id` int\(10\) unsigned NOT NULL",
            r"`call_score_id` int\(10\) unsigned DEFAULT NULL",
            r"`metric_code` varchar\(64\) NOT NULL",
            r"`metric_group` varchar\(32\) NOT NULL",
            r"`value_numeric` decimal\(10,4\) DEFAULT NULL",
            r"`value_label` varchar\(255\) DEFAULT NULL",
            # MariaDB spells JSON as LONGTEXT with a json_valid check; MySQL 8 keeps `json`.
            r"`value_json` (json|longtext [^\n]*CHECK \(json_valid\(`value_json`\)\))",
            r"`lm_version` varchar\(32\) NOT NULL",
            r"`calc_method` varchar\(32\) NOT NULL",
            r"`calc_source` varchar\(64\) DEFAULT NULL",
            r"`created_at` datetime NOT NULL DEFAULT current_timestamp(\(\))?",
            r"`updated_at` datetime DEFAULT NULL ON UPDATE current_timestamp(\(\))?",
            r"PRIMARY KEY \(`id`\)",
            r"UNIQUE KEY `uq_lm_value_history_metric` \(`history_id`,`metric_code`\)",
            r"KEY `idx_lm_value_history` \(`history_id`\)",
            r"KEY `idx_lm_value_call_score` \(`call_score_id`\)",
            r"KEY `idx_lm_value_metric_group` \(`metric_group`\)",
            r"CONSTRAINT `fk_lm_value_call_history` FOREIGN KEY \(`history_id`\) REFERENCES `call_history` "
            r"\(`history_id`\)",
            r"CONSTRAINT `fk_lm_value_call_scores` FOREIGN KEY \(`call_score_id`\) REFERENCES `call_scores` "
            r"\(`id`\)",
            r"ENGINE=InnoDB",
            r"DEFAULT CHARSET=utf8mb4",
        ]
        missing = [fragment for fragment in expected_fragments if not re.search(fragment, ddl, re.IGNORECASE)]
        assert not missing, f"SHOW CREATE TABLE lacks {missing}:\n{ddl}"
        # The foreign keys are enforced: a call that does not exist is refused.
        with pytest.raises(Exception, match="foreign key constraint fails"):
            env.execute(
                f"insert into {env.lm_value} (history_id, metric_code, metric_group, lm_version, calc_method)"
                " values (999, 'm_speed', 'operational', '1.0.0', 'rule')"
            )
    else:
        constraints = env.query(
            "select constraint_type, constraint_column_names from duckdb_constraints()"
            f" where schema_name = '{SOURCE_SCHEMA}' and table_name = 'lm_value'"
            " and constraint_type in ('PRIMARY KEY', 'UNIQUE', 'FOREIGN KEY')"
        )
        assert sorted((kind, list(columns)) for kind, columns in constraints) == [
            ("PRIMARY KEY", ["id"]),
            ("UNIQUE", ["history_id", "metric_code"]),
        ]
        assert env.query(f"select count(*) from duckdb_indexes() where schema_name = '{SOURCE_SCHEMA}'") == [(0,)]
        types = dict(
            env.query(
                "select column_name, data_type from information_schema.columns"
                f" where table_schema = '{SOURCE_SCHEMA}' and table_name = 'lm_value'"
            )
        )
        assert types == {
            "id": "BIGINT",
            "history_id": "UINTEGER",
            "call_score_id": "UINTEGER",
            "metric_code": "VARCHAR",
            "metric_group": "VARCHAR",
            "value_numeric": "DECIMAL(10,4)",
            "value_label": "VARCHAR",
            "value_json": "JSON",
            "lm_version": "VARCHAR",
            "calc_method": "VARCHAR",
            "calc_source": "VARCHAR",
            "created_at": "TIMESTAMP",
            "updated_at": "TIMESTAMP",
        }
        defaults = dict(
            env.query(
                "select column_name, column_default from information_schema.columns"
                f" where table_schema = '{SOURCE_SCHEMA}' and table_name = 'lm_value'"
                " and column_name in ('id', 'created_at')"
            )
        )
        assert "nextval" in str(defaults["id"]) and "lm_value_id_seq" in str(defaults["id"])
        assert "current_timestamp" in str(defaults["created_at"]).lower()
    ids = sorted(row["id"] for row in env.registry().values())
    assert len(ids) == 3 and len(set(ids)) == 3


def test_custom_schema_is_used_verbatim(env: RegistryEnv) -> None:
    """lm_value_schema = the target schema: the table lands there (not <target>_<custom>), and on MySQL its
    foreign keys name the source schema in full."""
    env.lm_value_schema = TARGET_SCHEMA
    env.write([101, 102], ROWS_FIRST[:6], "2025-01-05 10:00:00")
    assert len(env.registry()) == 6
    assert env.query(
        "select count(*) from information_schema.tables where table_name = 'lm_value'"
        f" and table_schema in ('{SOURCE_SCHEMA}', '{TARGET_SCHEMA}_{TARGET_SCHEMA}')"
    ) == [(0,)]
    if env.is_mysql:
        ddl = env.query(f"show create table {env.lm_value}")[0][1]
        assert f"REFERENCES `{SOURCE_SCHEMA}`.`call_history` (`history_id`)" in ddl
        assert f"REFERENCES `{SOURCE_SCHEMA}`.`call_scores` (`id`)" in ddl
