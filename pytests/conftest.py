"""Test harness: every dbt-driven test runs on both targets, each test module in its own schemas.

`lm_project` gives an `LmProject` bound to one target (duckdb or mariadb) with private source and model
schemas (and a private DuckDB file), so modules never see each other's data.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from lm import dbt_runner, project, secret, warehouse

PROJECT_DIR = project.project_dir()
# dbt (run in child processes that inherit this environment) must not try to send usage statistics.
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
TARGETS = ("duckdb", "mariadb")
# Prefix of the per-module test schemas (must start with "lm": the test login is granted `lm%` databases).
# Two checkouts testing against one MariaDB at the same time set different prefixes.
SCHEMA_PREFIX = os.environ.get("LM_TEST_SCHEMA_PREFIX", "lm_t")

# The first ten columns of call_history, in contract order, as hand-made fixtures list them.
CALL_COLUMNS = (
    ("history_id", pa.uint32()),
    ("call_started_at", pa.timestamp("s")),
    ("caller_number", pa.string()),
    ("operator_id", pa.uint32()),
    ("channel", pa.string()),
    ("direction", pa.string()),
    ("call_status", pa.string()),
    ("await_sec", pa.int32()),
    ("duration", pa.int32()),
    ("talk_duration", pa.int32()),
)


def call_history_table(rows: list[tuple[Any, ...]], transcripts: list[Any], updated_at: list[Any]) -> pa.Table:
    """A call_history Arrow table from fixture tuples (CALL_COLUMNS order) plus transcript and updated_at."""
    columns = list(zip(*rows, strict=True))
    data = {name: pa.array(values, kind) for (name, kind), values in zip(CALL_COLUMNS, columns, strict=True)}
    data["transcript"] = pa.array(transcripts, pa.string())
    data["updated_at"] = pa.array(updated_at, pa.timestamp("s"))
    return pa.table(data)


@dataclass
class LmProject:
    """One isolated LM deployment on one target: env vars for dbt and a Warehouse for assertions."""

    target: str
    tag: str
    tmp_dir: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    #: the dbt project dbt runs (a test that edits project files works on a copy: see `private_project_copy`)
    project_dir: Path = PROJECT_DIR

    @property
    def source_schema(self) -> str:
        return f"{SCHEMA_PREFIX}_{self.tag}_src"

    @property
    def schema(self) -> str:
        return f"{SCHEMA_PREFIX}_{self.tag}"

    @property
    def environ(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "LM_TARGET": self.target,
                "LM_SOURCE_SCHEMA": self.source_schema,
                "LM_SCHEMA": self.schema,
                "LM_DUCKDB_PATH": str(self.tmp_dir / f"{self.tag}.duckdb"),
                "LM_PROJECT_DIR": str(self.project_dir),
                "DBT_PROFILES_DIR": str(project.profiles_dir()),
                "DBT_TARGET_PATH": str(self.tmp_dir / "target"),
                "DBT_LOG_PATH": str(self.tmp_dir / "logs"),
                "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
                # model artifacts of `lm train` stay with the deployment, not in the checkout's .lm/models
                "LM_MODEL_DIR": str(self.tmp_dir / "models"),
            }
        )
        env.update(self.extra_env)
        return env

    def connect(self) -> warehouse.Warehouse:
        return warehouse.connect(self.target, environ=self.environ)

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        wh = self.connect()
        try:
            return wh.query(sql.format(src=self.source_schema, lm=self.schema))
        finally:
            wh.close()

    def reset(self) -> None:
        """Drop and recreate both schemas with empty source tables."""
        wh = self.connect()
        try:
            wh.drop_schema(self.schema)
            wh.drop_schema(self.source_schema)
            wh.create_source_tables(self.source_schema)
            wh.ensure_schema(self.schema)
            secret.install(wh, self.schema, self.environ.get("LM_CALLER_SALT") or secret.DEMO_KEY)
        finally:
            wh.close()

    def drop(self) -> None:
        wh = self.connect()
        try:
            wh.drop_schema(self.schema)
            wh.drop_schema(self.source_schema)
        finally:
            wh.close()

    def dbt(self, *args: str, vars_: Mapping[str, Any] | None = None, check: bool = True) -> dbt_runner.DbtResult:
        """dbt on this deployment, the way LM runs it (lm.dbt_runner), its output captured."""
        full = [*args, "--target", self.target]
        if vars_:
            full += ["--vars", json.dumps(dict(vars_))]
        proc = dbt_runner.invoke(full, environ=self.environ, project_dir=self.project_dir, capture=True)
        if check and not proc.success:
            tail = "\n".join(proc.stdout.splitlines()[-60:])
            raise AssertionError(f"dbt {' '.join(args)} failed on {self.target}:\n{tail}\n{proc.stderr[-2000:]}")
        return proc

    def run_results(self) -> list[dict[str, Any]]:
        return json.loads((self.tmp_dir / "target" / "run_results.json").read_text())["results"]


# the target in a test id's parameters ("[duckdb]", "[mariadb-2]")
_TARGET_PARAM = re.compile(r"\[(?:.*-)?(" + "|".join(TARGETS) + r")(?:-.*)?\]$")


# The modules that build the largest histories, slowest first (measured with `pytest --durations`): with
# `--no-loadscope-reorder` xdist hands out module x target scopes in collection order, so these start first and
# the quick modules fill the other worker meanwhile; MariaDB's half of a module before DuckDB's.
SLOW_MODULES = (
    "test_forecast",
    "test_weekahead",
    "test_calibration",
    "test_incremental",
    "test_metrics_fixture",
    "test_run_safety",
    "test_registry",
    "test_metric_validity",
    "test_stats",
    "test_dirty_data",
)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Slow modules first, each module's MariaDB tests before its DuckDB ones (a stable sort: the order pytest
    chose within a module x target block, which sets up each module-scoped deployment once, is kept)."""

    def rank(item: pytest.Item) -> tuple[int, str, int]:
        module = item.module.__name__ if item.module else ""
        found = _TARGET_PARAM.search(item.nodeid)
        target_rank = 0 if found and found.group(1) == "mariadb" else 1
        module_rank = SLOW_MODULES.index(module) if module in SLOW_MODULES else len(SLOW_MODULES)
        return module_rank, module, target_rank

    items.sort(key=rank)


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Under pytest-xdist with `--dist loadscope` (make test), one worker runs a module's tests on one target.

    A module's deployments are module-scoped and private (schemas, DuckDB file, target folder, model
    artifacts), so its DuckDB half and its MariaDB half can run on two workers at once; the scope of a test is
    its module plus the target in its parameter id. (xdist's own `loadgroup` marks do not group on pytest 9,
    whose node ids xdist can no longer suffix.)
    """
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ModuleTargetScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            found = _TARGET_PARAM.search(nodeid)
            return f"{module}@{found.group(1)}" if found else module

    return ModuleTargetScheduling(config, log)


def private_project_copy(project_: LmProject, folder: Path) -> LmProject:
    """The same deployment run from a copy of the dbt project in `folder` (its own dbt target folder): a test
    that edits a seed or a model edits the copy, never the checkout the other xdist worker is building from."""
    copy = folder / "project"
    shutil.copytree(
        PROJECT_DIR,
        copy,
        ignore=shutil.ignore_patterns(".*", "target", "logs", "src", "pytests", "scripts"),
    )
    extra = {**project_.extra_env, "DBT_TARGET_PATH": str(folder / "target"), "DBT_LOG_PATH": str(folder / "logs")}
    return dataclasses.replace(project_, project_dir=copy, extra_env=extra)


def _tag(request: pytest.FixtureRequest, target: str) -> str:
    module = re.sub(r"[^a-z0-9]", "", request.module.__name__.split(".")[-1].removeprefix("test_"))[:20]
    return f"{module}_{target[:2]}"


@pytest.fixture(scope="module", params=TARGETS)
def lm_project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LmProject]:
    target = request.param
    project = LmProject(target=target, tag=_tag(request, target), tmp_dir=tmp_path_factory.mktemp(target))
    project.reset()
    yield project
    if target != "duckdb":
        project.drop()
