"""One run at a time (issue "Reliability and security", deliverable 1), with real processes, both targets:

- two `lm build` started together: the second waits its bounded time for the first one's lock, then exits
  with code 4 and a clear message having done nothing; the first completes and the seeds are not doubled;
- on MariaDB a plain `dbt build` started while an LM run holds the lock stops before it writes anything.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import PROJECT_DIR, LmProject
from lm import demo
from lm.errors import ExitCode


@pytest.fixture(scope="module")
def project(lm_project: LmProject) -> LmProject:
    data = demo.generate(400, seed=99, calls_per_day=50.0)
    with lm_project.connect() as wh:
        demo.load(wh, lm_project.source_schema, data)
    lm_project.dbt("build", "--exclude", "path:tests/macros")
    return lm_project


def _lm(project: LmProject, *args: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "lm", *args],
        cwd=PROJECT_DIR,
        env={**project.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_a_second_lm_build_waits_then_gives_up_with_its_own_exit_code(project: LmProject) -> None:
    first = _lm(project, "build", "--exclude", "path:tests/macros")
    assert first.stdout is not None
    for line in first.stdout:  # the lock is held once lm announces the dbt command
        if "$ dbt build" in line:
            break
    second = _lm(project, "build", "--exclude", "path:tests/macros", LM_LOCK_WAIT_SEC="2")
    second_output, _ = second.communicate(timeout=120)
    rest, _ = first.communicate(timeout=600)
    assert second.returncode == ExitCode.LOCKED, second_output
    assert "another LM run holds the lock" in second_output
    assert "$ dbt" not in second_output  # it ran nothing
    assert first.returncode == 0, rest[-3000:]
    assert project.query("select count(*) from {lm}.lm_metric_dictionary")[0][0] == 18
    runs = project.query("select count(*) from {lm}.lm_run_log")[0][0]
    assert runs == 2  # the fixture's build and the first lm build; the second wrote nothing


def test_plain_dbt_stops_while_an_lm_run_holds_the_lock(project: LmProject) -> None:
    """MariaDB: the scope model refuses while another connection holds GET_LOCK('lm:<schema>'). DuckDB:
    the database file itself admits one writing process (held here the way a running lm holds it)."""
    before = project.query("select count(*), max(id) from {src}.lm_value")[0]
    runs = project.query("select count(*) from {lm}.lm_run_log")[0][0]
    with project.connect() as holder:
        if project.target != "duckdb":
            assert holder.query("select get_lock(%s, 0)", [f"lm:{project.schema}"])[0][0] == 1
        proc = project.dbt("build", "--exclude", "path:tests/macros", check=False)
        if project.target != "duckdb":
            holder.query("select release_lock(%s)", [f"lm:{project.schema}"])
    assert proc.returncode != 0
    if project.target == "duckdb":
        assert "could not set lock on file" in (proc.stdout + proc.stderr).lower()
    else:
        assert "another LM run holds the run lock" in proc.stdout
    assert project.query("select count(*), max(id) from {src}.lm_value")[0] == before
    assert project.query("select count(*) from {lm}.lm_run_log")[0][0] == runs
