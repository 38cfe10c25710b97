"""Connections for LM's Python steps, read from the same dbt profile dbt uses.

Nothing here hard-codes a host, schema or table: the target comes from the profile, rendered by dbt's own
profile machinery (``env_var()``, ``as_number``, secrets and the adapters' credential classes exactly as
dbt applies them), the schemas from :mod:`lm.project`'s settings.

Every Python-side difference between the engines lives in one class per engine: :class:`DuckDbWarehouse`
and :class:`MySqlWarehouse` (MySQL 8 and MariaDB) behind :class:`Warehouse`; :func:`connect` picks one.
"""

from __future__ import annotations

import io
import os
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar

import pyarrow as pa
import pyarrow.csv as pacsv

from lm import project
from lm.errors import BadParameterError, DatabaseUnreachableError

SOURCE_TABLES = ("call_history", "call_scores")
MYSQL_TYPES = ("mysql", "mariadb", "mysql5")
REGISTRY_TABLE = "lm_value"


# --------------------------------------------------------------------------------------------------------
# The profile
# --------------------------------------------------------------------------------------------------------
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


@contextmanager
def _environment(environ: Mapping[str, str]) -> Iterator[None]:
    """os.environ replaced by `environ` for the duration (dbt's env_var() reads os.environ and nothing else).

    Only the profile rendering below runs inside it; LM's Python steps are single-threaded.
    """
    if environ is os.environ:
        yield
        return
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(environ)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _render_profile(profiles_path: Path, profile: str, target_name: str | None, environ: Mapping[str, str]) -> Any:
    """dbt's Profile for `profile` (target: `target_name`, else the profile's own), rendered by dbt."""
    from argparse import Namespace

    from dbt import flags
    from dbt.config.profile import Profile, read_profile
    from dbt.config.renderer import ProfileRenderer

    # dbt's Jinja reads a few global flags (MACRO_DEBUGGING, ...); set dbt's defaults when nothing has yet.
    if not hasattr(flags.get_flags(), "MACRO_DEBUGGING"):
        flags.set_from_args(Namespace(), None)
    raw = read_profile(str(profiles_path))
    if not raw:
        raise FileNotFoundError(f"no profiles.yml in {profiles_path}")
    with _environment(environ):
        return Profile.from_raw_profiles(raw, profile, ProfileRenderer({}), target_override=target_name)


def profile_targets(profile: str = "lm", environ: Mapping[str, str] | None = None) -> list[str]:
    """The names of the profile's outputs (its targets), as written in profiles.yml."""
    from dbt.config.profile import read_profile

    env = os.environ if environ is None else environ
    raw = read_profile(str(project.profiles_dir(env)))
    outputs = (raw.get(profile) or {}).get("outputs") or {}
    return [str(name) for name in outputs]


def check_target_name(target_name: str | None, profile: str = "lm", environ: Mapping[str, str] | None = None) -> None:
    """A BadParameterError naming the known targets when `target_name` is not an output of the profile."""
    if target_name is None:
        return
    known = profile_targets(profile, environ)
    if target_name not in known:
        raise BadParameterError(
            f"unknown target '{target_name}': the profile '{profile}' in {project.profiles_dir(environ)} "
            f"has the targets {', '.join(known) or '(none)'}"
        )


def load_target(
    target_name: str | None = None, profile: str = "lm", environ: Mapping[str, str] | None = None
) -> Target:
    """The profile's target as dbt reads it (profile ``lm``; target `target_name`, else the profile's default).

    `environ` replaces os.environ for env_var() (tests use it to point at their own schemas). An unknown
    target (named here or by the profile's default, e.g. LM_TARGET) is a BadParameterError naming the known.
    """
    from dbt.exceptions import DbtProfileError

    env = os.environ if environ is None else environ
    check_target_name(target_name, profile, env)
    try:
        rendered = _render_profile(project.profiles_dir(env), profile, target_name, env)
    except DbtProfileError as error:
        known = ", ".join(profile_targets(profile, env))
        lines = [line.strip() for line in str(error).splitlines() if line.strip()]
        first = next((line for line in lines if line != "Runtime Error"), "invalid profile")
        raise BadParameterError(f"profile '{profile}': {first} (known targets: {known})") from error
    creds = rendered.credentials
    if creds.type == "duckdb":
        duck_path = str(creds.path)
        if duck_path != ":memory:" and not os.path.isabs(duck_path):
            # dbt runs in the project folder, so a relative path is relative to it
            duck_path = str(project.project_dir(env) / duck_path)
        return Target(name=rendered.target_name, type=creds.type, schema=str(creds.schema), path=duck_path)
    if creds.type in MYSQL_TYPES:
        return Target(
            name=rendered.target_name,
            type=creds.type,
            schema=str(creds.schema),
            host=str(creds.server),
            port=int(creds.port or 3306),
            user=str(creds.username or ""),
            password=str(creds.password or ""),
        )
    raise ValueError(f"unsupported target type '{creds.type}' (LM supports duckdb, mysql, mariadb)")


# --------------------------------------------------------------------------------------------------------
# One class per engine
# --------------------------------------------------------------------------------------------------------
class Warehouse(ABC):
    """A thin connection with the few operations LM's Python steps need; one subclass per engine."""

    #: the source contract's DDL file: lm/ddl/source_tables.<ddl_dialect>.sql
    ddl_dialect: ClassVar[str]
    #: the DB-API parameter placeholder
    placeholder: ClassVar[str]
    #: the database clock as a whole-second local timestamp (the SQL of macro lm_now)
    now_sql: ClassVar[str]
    #: column types of tables LM's Python steps create themselves, by Arrow type name (create_table)
    column_types: ClassVar[Mapping[str, str]]

    def __init__(self, target: Target) -> None:
        self.target = target

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    # -- per engine -------------------------------------------------------------------------------------
    @abstractmethod
    def execute(self, sql: str, params: Sequence[Any] | None = None) -> None: ...

    @abstractmethod
    def query(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]: ...

    @abstractmethod
    def query_arrow(self, sql: str, params: Sequence[Any] | None = None) -> pa.Table:
        """One query's result as an Arrow table (columns named as selected), fetched in bulk."""

    @abstractmethod
    def replace_rows(self, schema: str, table: str, data: pa.Table, key: str) -> int:
        """Write `data` into a table that no foreign key refers to: rows whose `key` exists are replaced,
        the others inserted, in one transaction; returns the row count."""

    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    def quote(self, name: str) -> str:
        """An identifier, quoted."""

    @abstractmethod
    def ensure_schema(self, schema: str) -> None: ...

    @abstractmethod
    def drop_schema(self, schema: str) -> None: ...

    @abstractmethod
    def use_schema(self, schema: str) -> None:
        """Make `schema` the connection's default for unqualified names."""

    @abstractmethod
    def load_arrow(self, schema: str, table: str, data: pa.Table) -> int:
        """Bulk-append an Arrow table (columns named as the target table's); returns the row count."""

    @abstractmethod
    def upsert_arrow(self, schema: str, table: str, data: pa.Table, key: str) -> int:
        """Insert rows, updating in place those whose `key` exists; returns the row count.

        Never delete + insert: lm_value's foreign keys refer to call_history and call_scores, and a
        re-inserted parent row would violate them.
        """

    @abstractmethod
    def begin(self) -> None: ...

    @abstractmethod
    def commit(self) -> None: ...

    @abstractmethod
    def rollback(self) -> None: ...

    # -- the same on every engine -----------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction: committed when the block ends, rolled back when it raises (no DDL inside: MySQL
        commits implicitly before DDL)."""
        self.begin()
        try:
            yield
        except BaseException:
            self.rollback()
            raise
        self.commit()

    def qualify(self, schema: str, table: str) -> str:
        return f"{self.quote(schema)}.{self.quote(table)}"

    def table_exists(self, schema: str, table: str) -> bool:
        """Whether a table or view `schema.table` exists."""
        mark = self.placeholder
        rows = self.query(
            f"select count(*) from information_schema.tables where table_schema = {mark} and table_name = {mark}",
            [schema, table],
        )
        return bool(rows[0][0])

    def create_source_tables(self, schema: str) -> None:
        """Create call_history and call_scores (source contract DDL) in `schema` when absent."""
        self.ensure_schema(schema)
        ddl = resources.files("lm").joinpath(f"ddl/source_tables.{self.ddl_dialect}.sql").read_text()
        self.use_schema(schema)
        for statement in _split_sql(ddl):
            self.execute(statement)

    def create_table(self, schema: str, table: str, arrow_schema: pa.Schema, primary_key: str) -> None:
        """Create `schema.table` when absent, with a column per field of `arrow_schema` (types: column_types,
        NOT NULL unless the field is nullable) and `primary_key`. DDL: call it outside a transaction."""
        self.ensure_schema(schema)
        columns = ", ".join(
            f"{self.quote(f.name)} {self.column_types[str(f.type)]}{'' if f.nullable else ' not null'}"
            for f in arrow_schema
        )
        self.execute(
            f"create table if not exists {self.qualify(schema, table)} ({columns},"
            f" primary key ({self.quote(primary_key)}))"
        )

    def truncate(self, schema: str, table: str) -> None:
        self.execute(f"delete from {self.qualify(schema, table)}")

    def clear_source_tables(self, schema: str, value_schema: str | None = None) -> None:
        """Empty call_history and call_scores in `schema`, first emptying the lm_value that refers to them.

        `value_schema` is where that lm_value lives (see lm.project.settings); default: beside the sources.
        """
        for table_schema, table in (
            (value_schema or schema, REGISTRY_TABLE),
            (schema, "call_scores"),
            (schema, "call_history"),
        ):
            if self.table_exists(table_schema, table):
                self.truncate(table_schema, table)


class DuckDbWarehouse(Warehouse):
    """The embedded DuckDB file: Arrow tables are read directly."""

    ddl_dialect = "duckdb"
    placeholder = "?"
    now_sql = "date_trunc('second', localtimestamp)"
    column_types: ClassVar[Mapping[str, str]] = {"uint32": "uinteger", "double": "double", "int64": "bigint"}

    def __init__(self, target: Target) -> None:
        import duckdb

        super().__init__(target)
        assert target.path is not None
        if target.path != ":memory:":
            Path(target.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._con = duckdb.connect(target.path)
        except duckdb.IOException as error:  # e.g. the file is locked by another process
            raise DatabaseUnreachableError(
                f"cannot open the DuckDB file of target '{target.name}' ({target.path}): {error}"
            ) from error

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> None:
        self._con.execute(sql, params or [])

    def query(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        return self._con.execute(sql, params or []).fetchall()

    def query_arrow(self, sql: str, params: Sequence[Any] | None = None) -> pa.Table:
        return self._con.sql(sql, params=list(params) if params else None).to_arrow_table()

    def replace_rows(self, schema: str, table: str, data: pa.Table, key: str) -> int:
        if data.num_rows == 0:
            return 0
        with self.transaction():
            self._con.register("__lm_keys", data.select([key]))
            try:
                self._con.execute(
                    f"delete from {self.qualify(schema, table)} where {self.quote(key)} in "
                    f"(select {self.quote(key)} from __lm_keys)"
                )
            finally:
                self._con.unregister("__lm_keys")
            self._insert(schema, table, data)
        return data.num_rows

    def close(self) -> None:
        self._con.close()

    def begin(self) -> None:
        self._con.execute("begin transaction")

    def commit(self) -> None:
        self._con.execute("commit")

    def rollback(self) -> None:
        self._con.execute("rollback")

    def quote(self, name: str) -> str:
        return f'"{name}"'

    def ensure_schema(self, schema: str) -> None:
        self.execute(f"create schema if not exists {self.quote(schema)}")

    def drop_schema(self, schema: str) -> None:
        self.execute(f"drop schema if exists {self.quote(schema)} cascade")

    def use_schema(self, schema: str) -> None:
        self.execute(f"set schema = {self.quote(schema)}")

    def load_arrow(self, schema: str, table: str, data: pa.Table) -> int:
        return self._insert(schema, table, data)

    def upsert_arrow(self, schema: str, table: str, data: pa.Table, key: str) -> int:
        updates = ", ".join(f"{self.quote(c)} = excluded.{self.quote(c)}" for c in data.column_names if c != key)
        return self._insert(schema, table, data, f"on conflict ({self.quote(key)}) do update set {updates}")

    def _insert(self, schema: str, table: str, data: pa.Table, on_conflict: str = "") -> int:
        """One INSERT ... SELECT from the registered Arrow table (with an optional ON CONFLICT)."""
        if data.num_rows == 0:
            return 0
        self._con.register("__lm_arrow", data)
        try:
            cols = ", ".join(self.quote(c) for c in data.column_names)
            self._con.execute(
                f"insert into {self.qualify(schema, table)} ({cols}) select {cols} from __lm_arrow {on_conflict}"
            )
        finally:
            self._con.unregister("__lm_arrow")
        return data.num_rows


class MySqlWarehouse(Warehouse):
    """MySQL 8 / MariaDB through PyMySQL: bulk loads go through LOAD DATA LOCAL INFILE, never row by row."""

    ddl_dialect = "mysql"
    placeholder = "%s"
    now_sql = "now()"
    column_types: ClassVar[Mapping[str, str]] = {"uint32": "int unsigned", "double": "double", "int64": "bigint"}

    def __init__(self, target: Target) -> None:
        import pymysql

        super().__init__(target)
        try:
            self._con = pymysql.connect(
                host=target.host,
                port=target.port,
                user=target.user,
                password=target.password,
                local_infile=True,
                autocommit=True,
                charset="utf8mb4",
                connect_timeout=10,
            )
        except pymysql.err.MySQLError as error:
            # the driver's message names user and host, never the password; the password is not repeated here
            reason = error.args[1] if len(error.args) > 1 else str(error)
            if target.password:
                reason = str(reason).replace(target.password, "***")
            raise DatabaseUnreachableError(
                f"cannot connect to {target.type} target '{target.name}' as {target.user}@{target.host}:{target.port}"
                f": {reason}"
            ) from error

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> None:
        with self._con.cursor() as cur:
            cur.execute(sql, params)

    def query(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        with self._con.cursor() as cur:
            cur.execute(sql, params)
            return list(cur.fetchall())

    def query_arrow(self, sql: str, params: Sequence[Any] | None = None) -> pa.Table:
        """The rows as Arrow columns, fetched as one CSV line per row built by the server and parsed by
        pyarrow: PyMySQL decodes every value in Python (122 s for 1M rows x 45 columns, measured), one text
        per row costs it 1M values instead of 45M. Text columns are quoted as CSV, NULL is an empty field;
        numbers come back as float64 (DECIMAL included) or int64, datetimes as timestamps. A derived
        table keeps no ORDER BY on MariaDB: order in Python when it matters."""
        from pymysql.constants import FIELD_TYPE

        with self._con.cursor() as cur:
            cur.execute(f"select * from ({sql}) as lm_q limit 0", params)
            description = list(cur.description or ())
        if not description:
            return pa.table({})
        text_types = {
            FIELD_TYPE.VARCHAR, FIELD_TYPE.VAR_STRING, FIELD_TYPE.STRING, FIELD_TYPE.ENUM, FIELD_TYPE.SET,
            FIELD_TYPE.JSON, FIELD_TYPE.TINY_BLOB, FIELD_TYPE.MEDIUM_BLOB, FIELD_TYPE.LONG_BLOB, FIELD_TYPE.BLOB,
        }  # fmt: skip
        int_types = {
            FIELD_TYPE.TINY, FIELD_TYPE.SHORT, FIELD_TYPE.LONG, FIELD_TYPE.LONGLONG, FIELD_TYPE.INT24, FIELD_TYPE.YEAR,
        }  # fmt: skip
        time_types = {FIELD_TYPE.DATETIME, FIELD_TYPE.TIMESTAMP, FIELD_TYPE.DATE}
        names = [str(column[0]) for column in description]
        fields, kinds = [], {}
        for name, column in zip(names, description, strict=True):
            ref = f"lm_q.{self.quote(name)}"
            if column[1] in text_types:
                fields.append(f"coalesce(concat('\"', replace({ref}, '\"', '\"\"'), '\"'), '')")
                kinds[name] = pa.string()
            else:
                fields.append(f"coalesce({ref}, '')")
                kinds[name] = (
                    pa.int64()
                    if column[1] in int_types
                    else pa.timestamp("s")
                    if column[1] in time_types
                    else pa.float64()
                )
        rows = self.query(f"select concat_ws(',', {', '.join(fields)}) from ({sql}) as lm_q", params)
        if not rows:
            return pa.table({name: pa.array([], kinds[name]) for name in names})
        data = "\n".join(row[0] for row in rows).encode("utf-8")
        return pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(column_names=names, block_size=64 << 20),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types=kinds, null_values=[""], strings_can_be_null=True, quoted_strings_can_be_null=False
            ),
        )

    def replace_rows(self, schema: str, table: str, data: pa.Table, key: str) -> int:
        return self.upsert_arrow(schema, table, data, key)

    def close(self) -> None:
        self._con.close()

    def begin(self) -> None:
        self._con.begin()

    def commit(self) -> None:
        self._con.commit()

    def rollback(self) -> None:
        self._con.rollback()

    def quote(self, name: str) -> str:
        return f"`{name}`"

    def ensure_schema(self, schema: str) -> None:
        self.execute(f"create database if not exists {self.quote(schema)} default character set utf8mb4")

    def drop_schema(self, schema: str) -> None:
        self.execute(f"drop database if exists {self.quote(schema)}")

    def use_schema(self, schema: str) -> None:
        self.execute(f"use {self.quote(schema)}")

    def load_arrow(self, schema: str, table: str, data: pa.Table) -> int:
        """A CSV through LOAD DATA LOCAL INFILE; NULLs travel as unquoted empty fields, restored with NULLIF."""
        if data.num_rows == 0:
            return 0
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
            assignments = ", ".join(
                f"{self.quote(name)} = nullif(@v{i}, '')" for i, name in enumerate(data.column_names)
            )
            self.execute(
                f"load data local infile %s into table {self.qualify(schema, table)} "
                "character set utf8mb4 fields terminated by ',' optionally enclosed by '\"' "
                "escaped by '' lines terminated by '\\n' "
                f"({variables}) set {assignments}",
                (csv_path,),
            )
        finally:
            os.unlink(csv_path)
        return data.num_rows

    def upsert_arrow(self, schema: str, table: str, data: pa.Table, key: str) -> int:
        """LOAD DATA into a temporary copy of the table, then INSERT ... SELECT ... ON DUPLICATE KEY UPDATE."""
        if data.num_rows == 0:
            return 0
        staging = self.qualify(schema, f"lm_upsert_{table}")
        self.execute(f"drop temporary table if exists {staging}")
        self.execute(f"create temporary table {staging} like {self.qualify(schema, table)}")
        try:
            self.load_arrow(schema, f"lm_upsert_{table}", data)
            names = ", ".join(self.quote(c) for c in data.column_names)
            updates = ", ".join(f"{self.quote(c)} = src.{self.quote(c)}" for c in data.column_names if c != key)
            self.execute(
                f"insert into {self.qualify(schema, table)} ({names}) "
                f"select {names} from {staging} as src "
                f"on duplicate key update {updates}"
            )
        finally:
            self.execute(f"drop temporary table if exists {staging}")
        return data.num_rows


_ENGINES: dict[str, type[Warehouse]] = {"duckdb": DuckDbWarehouse, **dict.fromkeys(MYSQL_TYPES, MySqlWarehouse)}


def connect(target: Target | str | None = None, environ: Mapping[str, str] | None = None) -> Warehouse:
    """A connection to `target` (a Target, or a profile target name; default: the profile's target).

    The result is also a context manager that closes the connection: ``with connect() as wh: ...``.
    """
    resolved = target if isinstance(target, Target) else load_target(target, environ=environ)
    try:
        engine = _ENGINES[resolved.type]
    except KeyError:
        raise ValueError(f"unsupported target type '{resolved.type}' (LM supports duckdb, mysql, mariadb)") from None
    return engine(resolved)


def _split_sql(text: str) -> Iterator[str]:
    lines = [line for line in text.splitlines() if not line.strip().startswith("--")]
    for statement in "\n".join(lines).split(";"):
        if statement.strip():
            yield statement.strip()
