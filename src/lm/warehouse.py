"""Connections for LM's Python steps, read from the same dbt profile dbt uses.

Nothing here hard-codes a host, schema or table: the target comes from the profile (rendered with the
same ``env_var()`` defaults dbt applies), the source schema from ``LM_SOURCE_SCHEMA`` (the dbt var
``lm_source_schema`` defaults to the same variable).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import pyarrow as pa
import pyarrow.csv as pacsv
import yaml

PROJECT_DIR = Path(__file__).resolve().parents[2]
DEFAULT_PROFILES_DIR = PROJECT_DIR / ".lm"
SOURCE_TABLES = ("call_history", "call_scores")
MYSQL_TYPES = ("mysql", "mariadb", "mysql5")


def profiles_dir() -> Path:
    """The folder holding profiles.yml: DBT_PROFILES_DIR, else .lm/ (seeded from profiles.example.yml)."""
    env_dir = os.environ.get("DBT_PROFILES_DIR")
    if env_dir:
        return Path(env_dir)
    DEFAULT_PROFILES_DIR.mkdir(exist_ok=True)
    target = DEFAULT_PROFILES_DIR / "profiles.yml"
    if not target.exists():
        shutil.copyfile(PROJECT_DIR / "profiles.example.yml", target)
    return DEFAULT_PROFILES_DIR


def source_schema(environ: Mapping[str, str] | None = None) -> str:
    return (os.environ if environ is None else environ).get("LM_SOURCE_SCHEMA", "lm_src")


def _render(value: Any, environ: Mapping[str, str]) -> Any:
    """Render a profile value the way dbt does, with env_var() reading `environ`."""

    def env_var(name: str, default: str | None = None) -> str:
        if name in environ:
            return environ[name]
        if default is None:
            raise KeyError(f"environment variable {name} is required by the dbt profile and is not set")
        return default

    if isinstance(value, str) and "{{" in value:
        env = jinja2.Environment()
        env.filters["as_number"] = lambda v: int(v) if str(v).isdigit() else float(v)
        return env.from_string(value).render(env_var=env_var)
    if isinstance(value, dict):
        return {k: _render(v, environ) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class Target:
    """One output of the dbt profile, rendered."""

    name: str
    type: str
    schema: str
    path: str | None = None
    host: str | None = None
    port: int = 3306
    user: str | None = None
    password: str = ""

    @property
    def is_mysql(self) -> bool:
        return self.type in MYSQL_TYPES


def load_target(
    target_name: str | None = None, profile: str = "lm", environ: Mapping[str, str] | None = None
) -> Target:
    """Read profiles.yml the way dbt does (profile ``lm``, target from LM_TARGET or the profile default).

    `environ` replaces os.environ for env_var() (tests use it to point at their own schemas).
    """
    environ = os.environ if environ is None else environ
    path = profiles_dir() / "profiles.yml"
    raw = yaml.safe_load(path.read_text())
    if profile not in raw:
        raise KeyError(f"profile '{profile}' not found in {path}")
    prof = raw[profile]
    name = target_name or str(_render(prof.get("target", "duckdb"), environ))
    outputs = prof.get("outputs", {})
    if name not in outputs:
        raise KeyError(f"target '{name}' not found in profile '{profile}' ({path}); have {sorted(outputs)}")
    out = _render(outputs[name], environ)
    kind = out["type"]
    if kind == "duckdb":
        duck_path = str(out.get("path", ":memory:"))
        if duck_path != ":memory:" and not os.path.isabs(duck_path):
            duck_path = str(PROJECT_DIR / duck_path)
        return Target(name=name, type=kind, schema=str(out["schema"]), path=duck_path)
    if kind in MYSQL_TYPES:
        return Target(
            name=name,
            type=kind,
            schema=str(out["schema"]),
            host=str(out.get("server", "127.0.0.1")),
            port=int(out.get("port", 3306)),
            user=str(out.get("username", "")),
            password=str(out.get("password", "") or ""),
        )
    raise ValueError(f"unsupported target type '{kind}' (LM supports duckdb, mysql, mariadb)")


class Warehouse:
    """A thin connection wrapper with the few operations LM's Python steps need on both targets."""

    def __init__(self, target: Target) -> None:
        self.target = target
        if target.type == "duckdb":
            import duckdb

            assert target.path is not None
            if target.path != ":memory:":
                Path(target.path).parent.mkdir(parents=True, exist_ok=True)
            self._duck = duckdb.connect(target.path)
            self._my = None
        else:
            import pymysql

            self._duck = None
            self._my = pymysql.connect(
                host=target.host,
                port=target.port,
                user=target.user,
                password=target.password,
                local_infile=True,
                autocommit=True,
                charset="utf8mb4",
            )

    # -- basics -----------------------------------------------------------------------------------------
    def execute(self, sql: str, params: Sequence[Any] | None = None) -> None:
        if self._duck is not None:
            self._duck.execute(sql, params or [])
        else:
            assert self._my is not None
            with self._my.cursor() as cur:
                cur.execute(sql, params)

    def query(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        if self._duck is not None:
            return self._duck.execute(sql, params or []).fetchall()
        assert self._my is not None
        with self._my.cursor() as cur:
            cur.execute(sql, params)
            return list(cur.fetchall())

    def close(self) -> None:
        if self._duck is not None:
            self._duck.close()
        if self._my is not None:
            self._my.close()

    # -- schemas and source tables ----------------------------------------------------------------------
    def ensure_schema(self, schema: str) -> None:
        if self.target.is_mysql:
            self.execute(f"create database if not exists `{schema}` default character set utf8mb4")
        else:
            self.execute(f'create schema if not exists "{schema}"')

    def drop_schema(self, schema: str) -> None:
        if self.target.is_mysql:
            self.execute(f"drop database if exists `{schema}`")
        else:
            self.execute(f'drop schema if exists "{schema}" cascade')

    def qualify(self, schema: str, table: str) -> str:
        return f"`{schema}`.`{table}`" if self.target.is_mysql else f'"{schema}"."{table}"'

    def create_source_tables(self, schema: str) -> None:
        """Create call_history and call_scores (source contract DDL) in `schema` when absent."""
        self.ensure_schema(schema)
        dialect = "mysql" if self.target.is_mysql else "duckdb"
        ddl = resources.files("lm").joinpath(f"ddl/source_tables.{dialect}.sql").read_text()
        if self.target.is_mysql:
            self.execute(f"use `{schema}`")
        else:
            self.execute(f'set schema = "{schema}"')
        for statement in _split_sql(ddl):
            self.execute(statement)

    def truncate(self, schema: str, table: str) -> None:
        self.execute(f"delete from {self.qualify(schema, table)}")

    def load_arrow(self, schema: str, table: str, data: pa.Table) -> int:
        """Bulk-append an Arrow table (columns named as the target table's) and return the row count.

        DuckDB reads the Arrow table directly; MySQL/MariaDB gets a CSV through LOAD DATA LOCAL INFILE
        (no row-by-row inserts). Nulls travel as unquoted empty fields and are restored with NULLIF.
        """
        if data.num_rows == 0:
            return 0
        if self._duck is not None:
            return self._duck_insert(schema, table, data)
        return self._load_mysql(schema, table, data)

    def _duck_insert(self, schema: str, table: str, data: pa.Table, on_conflict: str = "") -> int:
        """DuckDB reads the Arrow table directly: one INSERT ... SELECT (with an optional ON CONFLICT)."""
        assert self._duck is not None
        self._duck.register("__lm_arrow", data)
        try:
            cols = ", ".join(f'"{c}"' for c in data.column_names)
            self._duck.execute(
                f"insert into {self.qualify(schema, table)} ({cols}) select {cols} from __lm_arrow {on_conflict}"
            )
        finally:
            self._duck.unregister("__lm_arrow")
        return data.num_rows

    def upsert_arrow(self, schema: str, table: str, data: pa.Table, key: str) -> int:
        """Insert rows, updating in place those whose `key` exists (never delete + insert: lm_value's foreign
        keys refer to call_history and call_scores, and a re-inserted parent row would violate them)."""
        if data.num_rows == 0:
            return 0
        cols = data.column_names
        staging = f"lm_upsert_{table}"
        if self._duck is not None:
            updates = ", ".join(f'"{c}" = excluded."{c}"' for c in cols if c != key)
            return self._duck_insert(schema, table, data, f'on conflict ("{key}") do update set {updates}')
        self.execute(f"drop temporary table if exists {self.qualify(schema, staging)}")
        self.execute(f"create temporary table {self.qualify(schema, staging)} like {self.qualify(schema, table)}")
        try:
            self._load_mysql(schema, staging, data)
            names = ", ".join(f"`{c}`" for c in cols)
            updates = ", ".join(f"`{c}` = src.`{c}`" for c in cols if c != key)
            self.execute(
                f"insert into {self.qualify(schema, table)} ({names}) "
                f"select {names} from {self.qualify(schema, staging)} as src "
                f"on duplicate key update {updates}"
            )
        finally:
            self.execute(f"drop temporary table if exists {self.qualify(schema, staging)}")
        return data.num_rows

    def clear_source_tables(self, schema: str) -> None:
        """Empty call_history and call_scores, first emptying an lm_value that refers to them (demo reloads)."""
        for table in ("lm_value", "call_scores", "call_history"):
            if self.table_exists(schema, table):
                self.execute(f"delete from {self.qualify(schema, table)}")

    def table_exists(self, schema: str, table: str) -> bool:
        rows = self.query(
            "select count(*) from information_schema.tables where table_schema = %s and table_name = %s"
            if self.target.is_mysql
            else "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
            [schema, table],
        )
        return bool(rows[0][0])

    def _load_mysql(self, schema: str, table: str, data: pa.Table) -> int:
        assert self._my is not None
        with tempfile.NamedTemporaryFile(suffix=".csv", delete=False) as handle:
            csv_path = handle.name
        try:
            # One chunk per column: pyarrow 26 writes NUL bytes for an empty leading chunk without a header,
            # which LOAD DATA silently reads as 0 (seen with concatenated tables).
            pacsv.write_csv(
                data.combine_chunks(),
                csv_path,
                write_options=pacsv.WriteOptions(include_header=False, quoting_style="needed"),
            )
            variables = ", ".join(f"@v{i}" for i in range(data.num_columns))
            assignments = ", ".join(f"`{name}` = nullif(@v{i}, '')" for i, name in enumerate(data.column_names))
            sql = (
                f"load data local infile %s into table {self.qualify(schema, table)} "
                "character set utf8mb4 fields terminated by ',' optionally enclosed by '\"' "
                "escaped by '' lines terminated by '\\n' "
                f"({variables}) set {assignments}"
            )
            with self._my.cursor() as cur:
                cur.execute(sql, (csv_path,))
        finally:
            os.unlink(csv_path)
        return data.num_rows


def _split_sql(text: str) -> Iterator[str]:
    lines = [line for line in text.splitlines() if not line.strip().startswith("--")]
    for statement in "\n".join(lines).split(";"):
        if statement.strip():
            yield statement.strip()


@contextmanager
def connect(target_name: str | None = None, environ: Mapping[str, str] | None = None) -> Iterator[Warehouse]:
    warehouse = Warehouse(load_target(target_name, environ=environ))
    try:
        yield warehouse
    finally:
        warehouse.close()
