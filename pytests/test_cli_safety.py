"""The `lm` command fails early and clearly, forwards signals to dbt, and `lm generate` is demo-only.

Run as a user runs it: `python -m lm ...` in a child process with the deployment's environment.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import SCHEMA_PREFIX, LmProject
from lm import cli, dbt_runner, demo, lm_vars, project
from lm.demo.loading import MARKER_TABLE
from lm.errors import ExitCode

PROJECT_DIR = project.project_dir()


def _lm(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environ = {**(env or os.environ), "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "lm", *args], env=environ, capture_output=True, text=True, timeout=300)


def _no_traceback(proc: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr


# --------------------------------------------------------------------------------------------------------
# Bad parameters fail early (exit 2), an unreachable database exits 3; no traceback
# --------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("calls", ["-1", "0"])
def test_generate_refuses_non_positive_calls(calls: str) -> None:
    proc = _lm("generate", "--calls", calls)
    assert proc.returncode == ExitCode.BAD_PARAMETER, proc.stderr
    assert "--calls" in proc.stderr
    _no_traceback(proc)


@pytest.mark.parametrize("command", ["generate", "summary", "build"])
def test_unknown_target_names_the_known_ones(command: str) -> None:
    proc = _lm(command, "--target", "nope")
    assert proc.returncode == ExitCode.BAD_PARAMETER, proc.stderr
    assert "unknown target 'nope'" in proc.stderr
    assert "duckdb" in proc.stderr and "mariadb" in proc.stderr
    _no_traceback(proc)


def test_unknown_default_target_from_lm_target() -> None:
    proc = _lm("summary", env={**os.environ, "LM_TARGET": "bogus"})
    assert proc.returncode == ExitCode.BAD_PARAMETER, proc.stderr
    assert "bogus" in proc.stderr
    _no_traceback(proc)


def test_unreachable_database_exit_code_without_password() -> None:
    password = "pw-never-shown-4711"
    env = {**os.environ, "LM_TARGET": "mariadb", "LM_MYSQL_PORT": "3999", "LM_MYSQL_PASSWORD": password}
    for command in ("summary", "build", "generate"):
        proc = _lm(command, env=env)
        assert proc.returncode == ExitCode.DATABASE_UNREACHABLE, (command, proc.stderr)
        assert "cannot connect to mariadb target 'mariadb'" in proc.stderr
        assert password not in proc.stdout + proc.stderr
        _no_traceback(proc)


HOSTILE = [
    ("--calc-source", "x' as calc_source, (select 1) as leak -- ", "lm_calc_source"),
    ("--calc-source", "a" * 500, "lm_calc_source"),
    ("--vars", "{lm_lookback_hours: -5}", "lm_lookback_hours"),
    ("--vars", '{lm_lookback_hours: "1; drop table x"}', "lm_lookback_hours"),
    ("--vars", "{lm_version: '1.0.0''; drop table call_scores; --'}", "lm_version"),
    ("--vars", "{lm_version: " + "9" * 33 + "}", "lm_version"),
    ("--vars", "{lm_value_max: 0}", "lm_value_max"),
]


@pytest.mark.parametrize(("option", "value", "var"), HOSTILE)
def test_build_checks_vars_before_dbt_starts(option: str, value: str, var: str) -> None:
    proc = _lm("build", option, value)
    assert proc.returncode == ExitCode.BAD_PARAMETER, proc.stdout + proc.stderr
    assert f"lm: var {var} must be " in proc.stderr
    assert "$ dbt" not in proc.stdout  # refused by lm itself: dbt never started
    _no_traceback(proc)


def test_var_specs_are_read_from_the_macro() -> None:
    """The CLI's specs are the macro's: every lm_var('x') used by models and macros is one of them."""
    specs = lm_vars.var_specs()
    used = set()
    for folder in ("models", "macros"):
        for path in (PROJECT_DIR / folder).rglob("*.sql"):
            used |= set(re.findall(r"lm_var\(\s*['\"]([a-z_]+)['\"]", path.read_text()))
    assert used and used <= set(specs)
    assert specs["lm_version"]["max_length"] == 32
    assert specs["lm_lookback_hours"] == {"kind": "int", "min": 0, "max": 8760, "default": 24}


@pytest.mark.parametrize("variables", ["{lm_lookback_hours: -5}", '{lm_calc_source: "it\'s"}'])
def test_cli_message_is_the_macros_message(variables: str, tmp_path: Path) -> None:
    """The same value gives the same message from lm (Python) and from dbt (the lm_var macro)."""
    import yaml

    with pytest.raises(lm_vars.BadParameterError) as refused:
        lm_vars.check_vars(yaml.safe_load(variables))
    env = {**os.environ, "DBT_TARGET_PATH": str(tmp_path / "target"), "DBT_LOG_PATH": str(tmp_path / "logs")}
    result = dbt_runner.invoke(["parse", "--vars", variables], environ=env, capture=True)
    assert not result.success
    assert f"lm: {refused.value}" in " ".join((result.stdout + result.stderr).split())


# --------------------------------------------------------------------------------------------------------
# Signals
# --------------------------------------------------------------------------------------------------------
def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid and b"lm.dbt_runner" in cmdline:
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture(scope="module")
def loaded(lm_project: LmProject) -> LmProject:
    wh = lm_project.connect()
    try:
        demo.load(wh, lm_project.source_schema, demo.generate(300, seed=1, calls_per_day=50.0))
    finally:
        wh.close()
    return lm_project


def _start_build(project_: LmProject) -> tuple[subprocess.Popen[str], int]:
    env = {**project_.environ, "COLUMNS": "200"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "lm", "build", "--full-refresh", "--target", project_.target],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=project_.tmp_dir,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        children = _children(proc.pid)
        if children:
            time.sleep(4)  # dbt imported, parsing or running nodes
            return proc, children[0]
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.1)
    proc.kill()
    raise AssertionError("dbt never started")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signal_to_lm_stops_dbt(loaded: LmProject, signum: signal.Signals) -> None:
    proc, child = _start_build(loaded)
    proc.send_signal(signum)
    try:
        _stdout, stderr = proc.communicate(timeout=40)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    deadline = time.monotonic() + 5
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(child), "dbt still running after lm ended"
    assert proc.returncode == ExitCode.STOPPED_BY_SIGNAL, (proc.returncode, stderr)
    assert f"lm: stopped by {signum.name}; dbt was told to stop" in " ".join(stderr.split())


def test_killed_dbt_is_named(loaded: LmProject) -> None:
    proc, child = _start_build(loaded)
    os.kill(child, signal.SIGKILL)
    _stdout, stderr = proc.communicate(timeout=40)
    assert proc.returncode == ExitCode.STOPPED_BY_SIGNAL, (proc.returncode, stderr)
    assert "lm: dbt was killed by SIGKILL" in " ".join(stderr.split())


# --------------------------------------------------------------------------------------------------------
# lm generate is demo-only
# --------------------------------------------------------------------------------------------------------
def _fingerprint(project_: LmProject, value_schema: str) -> tuple[object, ...]:
    return (
        project_.query("select count(*), sum(history_id) from {src}.call_history")[0],
        project_.query("select count(*), sum(id) from {src}.call_scores")[0],
        project_.query(f"select count(*), sum(history_id) from {value_schema}.lm_value")[0],
    )


@pytest.fixture()
def foreign(lm_project: LmProject) -> LmProject:
    """Source tables holding rows lm generate did not write (no marker), and an lm_value referring to them."""
    lm_project.reset()
    wh = lm_project.connect()
    try:
        data = demo.generate(300, seed=2, calls_per_day=50.0)
        wh.load_arrow(lm_project.source_schema, "call_history", data.call_history.combine_chunks())
        wh.load_arrow(lm_project.source_schema, "call_scores", data.call_scores.combine_chunks())
        lm_value = wh.qualify(lm_project.source_schema, "lm_value")
        wh.execute(f"create table {lm_value} (history_id integer not null, value_numeric decimal(10, 4))")
        wh.execute(
            f"insert into {lm_value} select history_id, 1 from {wh.qualify(lm_project.source_schema, 'call_history')}"
        )
    finally:
        wh.close()
    return lm_project


def test_generate_refuses_foreign_data(foreign: LmProject) -> None:
    before = _fingerprint(foreign, foreign.source_schema)
    proc = _lm("generate", "--calls", "50", env=foreign.environ)
    assert proc.returncode == ExitCode.DEMO_GUARD_REFUSED, proc.stdout + proc.stderr
    message = " ".join(proc.stderr.split())
    assert foreign.source_schema in message and "--force" in message
    assert _fingerprint(foreign, foreign.source_schema) == before
    # --force replaces them, and marks the schema as demo data: the next generate needs no --force
    assert _lm("generate", "--calls", "50", "--force", env=foreign.environ).returncode == 0
    assert foreign.query("select count(*) from {src}.call_history")[0][0] == 50
    assert foreign.query(f"select count(*) from {{src}}.{MARKER_TABLE}")[0][0] == 1
    assert _lm("generate", "--calls", "60", env=foreign.environ).returncode == 0


def test_generate_never_touches_production(foreign: LmProject) -> None:
    before = _fingerprint(foreign, foreign.source_schema)
    proc = _lm("generate", "--calls", "50", "--force", env={**foreign.environ, "LM_PRODUCTION": "1"})
    assert proc.returncode == ExitCode.DEMO_GUARD_REFUSED, proc.stdout + proc.stderr
    assert "production" in proc.stderr
    assert _fingerprint(foreign, foreign.source_schema) == before


def test_generate_failing_midway_leaves_lm_value(foreign: LmProject, monkeypatch: pytest.MonkeyPatch) -> None:
    """The load fails after lm_value and the sources were emptied (as a DELETE denied on call_history would):
    everything is rolled back."""
    before = _fingerprint(foreign, foreign.source_schema)
    engine = type(foreign.connect())

    def broken(*_args: object, **_kwargs: object) -> int:
        raise RuntimeError("simulated failure while loading")

    monkeypatch.setattr(engine, "load_arrow", broken)
    result = CliRunner().invoke(cli.main, ["generate", "--calls", "50", "--force"], env=foreign.environ)
    assert result.exit_code != 0
    assert isinstance(result.exception, RuntimeError)
    assert _fingerprint(foreign, foreign.source_schema) == before


def test_schema_prefix_is_lm() -> None:
    assert SCHEMA_PREFIX.startswith("lm")
