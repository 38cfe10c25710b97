"""Least privilege, tested: the whole schedule runs with exactly the README's grants (MariaDB only).

The grant script is read from the README's section "Pointing LM at a real MySQL" (so a change there without
this test fails here), with the client's database `clinic`, LM's database `lm`, the login and its password
substituted. A dedicated user is created with it, a small hand-made history is loaded into the source
database, and the schedule runs as that user: the first deployment (`lm build --calc-source
backfill_2025_01`, which creates lm_value with its foreign keys in the client's database), a scheduled run
after new calls (`lm build --calc-source cron_daily_scoring`, incremental), then `dbt test`. No file under
the run's target/ and logs/ folders, and none of the CLI's output (cron appends it to a log), holds the
password.

MariaDB only: DuckDB is an embedded file with no users and no grants, so there is nothing to test there
(no DuckDB variant is faked).

The user is created as MariaDB's root over the Unix socket (else root over TCP with an empty password), the
way scripts/ensure_mariadb.sh reaches it: the `lm` test login keeps exactly its `lm%` grants, rather than
getting CREATE USER (a global privilege that would let it create, drop or rename any account, root included)
and GRANT OPTION just for this test.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pymysql
import pytest

from conftest import PROJECT_DIR, SCHEMA_PREFIX, LmProject, call_history_table

README_SECTION = "## Pointing LM at a real MySQL"
TAG = "leastpriv"
USER = f"{SCHEMA_PREFIX}_lp_user"
# A distinctive password: searched for in every artifact of the runs.
PASSWORD = f"LmLeastPriv-{secrets.token_hex(8)}"

T0 = dt.datetime(2025, 3, 3, 9, 0)
# Fake numbers only: '+000' + 7 digits.
# history_id, started, caller, operator, channel, direction, status, await, duration, talk
FIRST_CALLS = [
    # call 1 is old: the scheduled run does not recompute it (outside the look-back and the caller window)
    (1, T0 - dt.timedelta(days=10), "+0004180001", 7, "site", "in", "answered", 10, 200, 180),
    (2, T0 + dt.timedelta(hours=1), "+0004180002", 7, "site", "in", "answered", 30, 300, 250),
    (3, T0 + dt.timedelta(hours=2), "+0004180001", None, "2gis", "in", "missed", 40, 40, 0),
    (4, T0 + dt.timedelta(hours=3), "+0004180003", 8, "site", "out", "answered", 5, 120, 100),
    (5, T0 + dt.timedelta(hours=4), "+0004180004", 8, "site", "in", "transferred", 5, 60, 50),  # quarantined
]
NEW_CALLS = [
    (6, T0 + dt.timedelta(days=1), "+0004180005", 7, "site", "in", "answered", 12, 240, 200),
    (7, T0 + dt.timedelta(days=1, hours=1), "+0004180002", 8, "repeat", "in", "answered", 8, 90, 80),
]
QUARANTINED = {5}
# Before the scheduled run, call 4's status is corrected to one LM cannot interpret: its rows must go (DELETE).
EDITED_CALL = (4, T0 + dt.timedelta(hours=3), "+0004180003", 8, "site", "out", "forwarded", 5, 120, 100)
# id, history_id, updated_at, outcome, call_score
FIRST_GRADINGS = [
    (11, 1, T0 - dt.timedelta(days=10, hours=-1), "record", 80),
    (21, 2, T0 + dt.timedelta(hours=2), "callback", 60),
    (41, 4, T0 + dt.timedelta(hours=4), "record", 90),
]
NEW_GRADINGS = [
    (61, 6, T0 + dt.timedelta(days=1, hours=1), "record", 70),
    (22, 2, T0 + dt.timedelta(days=1, hours=2), "refusal", 40),  # call 2 regraded
]


def _history(calls: list[tuple[Any, ...]]) -> pa.Table:
    return call_history_table(calls, ["fake transcript"] * len(calls), [c[1] + dt.timedelta(minutes=20) for c in calls])


def _scores(gradings: list[tuple[Any, ...]]) -> pa.Table:
    ids, history_ids, updated, outcomes, scores = (list(column) for column in zip(*gradings, strict=True))
    return pa.table(
        {
            "id": pa.array(ids, pa.uint32()),
            "history_id": pa.array(history_ids, pa.uint32()),
            "call_date": pa.array([u.date() for u in updated], pa.date32()),
            "is_target": pa.array([1] * len(ids), pa.int8()),
            "outcome": pa.array(outcomes, pa.string()),
            "call_category": pa.array(["booking"] * len(ids), pa.string()),
            "number_checklist": pa.array([5] * len(ids), pa.int32()),
            "category_checklist": pa.array(["booking_v1"] * len(ids), pa.string()),
            "call_score": pa.array([Decimal(s) for s in scores], pa.decimal128(6, 2)),
            "scored_by": pa.array(["ai"] * len(ids), pa.string()),
            "created_at": pa.array(updated, pa.timestamp("s")),
            "updated_at": pa.array(updated, pa.timestamp("s")),
        }
    )


# --------------------------------------------------------------------------------------------------------
# the README's grant script
# --------------------------------------------------------------------------------------------------------


def readme_grant_script() -> list[str]:
    """The SQL statements of the README's grant block, comments removed."""
    text = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    assert README_SECTION in text, f"README has no section {README_SECTION!r}"
    section = text.split(README_SECTION, 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sql\n(.*?)```", section, flags=re.S)
    assert len(blocks) == 1, f"expected one ```sql block (the grants) in {README_SECTION!r}, found {len(blocks)}"
    lines = [re.sub(r"--.*$", "", line).strip() for line in blocks[0].splitlines()]
    return [" ".join(s.split()) for s in " ".join(lines).split(";") if s.strip()]


def substitute(statement: str, clinic: str, lm: str) -> str:
    """The README's statement for this test: its login, password and databases."""
    out = statement.replace("'lm'@'%'", f"'{USER}'@'%'")
    out = re.sub(r"IDENTIFIED BY '[^']*'", f"IDENTIFIED BY '{PASSWORD}'", out)
    out = re.sub(r"(?<![\w`])clinic\.", f"`{clinic}`.", out)
    out = re.sub(r"(?<![\w`])lm\.\*", f"`{lm}`.*", out)
    return out


def expected_privileges(statements: list[str]) -> dict[tuple[str, str], set[str]]:
    """(database, table or *) -> privileges, from GRANT statements (README or SHOW GRANTS)."""
    granted: dict[tuple[str, str], set[str]] = {}
    for statement in statements:
        match = re.match(r"GRANT (.+?) ON (\S+) TO ", statement, flags=re.I)
        if not match or match.group(1).upper() == "USAGE":
            continue
        database, table = match.group(2).replace("`", "").split(".", 1)
        privileges = {p.strip().upper() for p in match.group(1).split(",")}
        granted.setdefault((database, table), set()).update(privileges)
    return granted


def test_readme_grant_script_is_what_this_test_applies() -> None:
    statements = readme_grant_script()
    assert statements[0].upper().startswith("CREATE USER 'LM'@'%' IDENTIFIED BY ")
    assert all(s.upper().startswith("GRANT ") and s.endswith("TO 'lm'@'%'") for s in statements[1:]), statements
    for statement in statements:
        done = substitute(statement, "c_db", "l_db")
        assert "clinic" not in done and " lm." not in done and "'lm'" not in done, done
    objects = expected_privileges([substitute(s, "c_db", "l_db") for s in statements])
    # the grants LM needs, nothing else (see the README for why each one)
    assert set(objects) == {
        ("c_db", "call_history"),
        ("c_db", "call_scores"),
        ("c_db", "lm_value"),
        ("c_db", "*"),
        ("l_db", "*"),
    }
    assert objects[("c_db", "*")] == {"CREATE TEMPORARY TABLES"}


# --------------------------------------------------------------------------------------------------------
# the deployment
# --------------------------------------------------------------------------------------------------------


def _root() -> pymysql.connections.Connection:
    """MariaDB's root, the way scripts/ensure_mariadb.sh reaches it: Unix socket, else TCP without password."""
    socket = os.environ.get("LM_MYSQL_SOCKET", "/run/mysqld/mysqld.sock")
    errors = []
    for kwargs in (
        {"unix_socket": socket},
        {"host": os.environ.get("LM_MYSQL_HOST", "127.0.0.1"), "port": int(os.environ.get("LM_MYSQL_PORT", "3306"))},
    ):
        try:
            return pymysql.connect(user="root", password="", autocommit=True, charset="utf8mb4", **kwargs)
        except pymysql.MySQLError as error:
            errors.append(f"{kwargs}: {error}")
    raise AssertionError(
        "this test creates a MariaDB user and needs root (as scripts/ensure_mariadb.sh): " + str(errors)
    )


def _execute(conn: pymysql.connections.Connection, sql: str) -> list[tuple[Any, ...]]:
    with conn.cursor() as cursor:
        cursor.execute(sql)
        return list(cursor.fetchall())


@dataclass
class Deployment:
    admin: LmProject  # the `lm` test login: loads the source rows, reads results
    restricted: LmProject  # the README's grants
    grants: list[str]
    shown_grants: list[str] = field(default_factory=list)
    lm_value_before: int = -1
    outputs: list[str] = field(default_factory=list)
    first_ids: dict[tuple[int, str], int] = field(default_factory=dict)


def _lm_cli(project: LmProject, *args: str) -> subprocess.CompletedProcess[str]:
    """The `lm` command (what cron runs), as the restricted user."""
    proc = subprocess.run(
        [sys.executable, "-m", "lm", *args, "--target", project.target],
        cwd=PROJECT_DIR,
        env=project.environ,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, (
        f"lm {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout[-4000:]}\n{proc.stderr[-2000:]}"
    )
    return proc


def _load(project: LmProject, table: str, data: pa.Table) -> None:
    wh = project.connect()
    try:
        wh.load_arrow(project.source_schema, table, data)
    finally:
        wh.close()


def _lm_value_ids(project: LmProject) -> dict[tuple[int, str], int]:
    return {
        (int(h), str(c)): int(i) for i, h, c in project.query("select id, history_id, metric_code from {src}.lm_value")
    }


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    tmp_dir = tmp_path_factory.mktemp("leastpriv")
    admin = LmProject(target="mariadb", tag=TAG, tmp_dir=tmp_dir / "admin")
    restricted = LmProject(
        target="mariadb",
        tag=TAG,
        tmp_dir=tmp_dir / "run",
        extra_env={"LM_MYSQL_USER": USER, "LM_MYSQL_PASSWORD": PASSWORD},
    )
    root = _root()
    try:
        _execute(root, f"drop user if exists '{USER}'@'%'")
        for schema in (admin.schema, admin.source_schema):
            _execute(root, f"drop database if exists `{schema}`")
        # The client's database with its two tables and the first history (LM's database does not exist yet).
        wh = admin.connect()
        try:
            wh.create_source_tables(admin.source_schema)
        finally:
            wh.close()
        _load(admin, "call_history", _history(FIRST_CALLS))
        _load(admin, "call_scores", _scores(FIRST_GRADINGS))

        grants = [substitute(s, admin.source_schema, admin.schema) for s in readme_grant_script()]
        for statement in grants:
            try:
                _execute(root, statement)
            except pymysql.MySQLError as error:
                shown = statement.replace(PASSWORD, "<password>")
                raise AssertionError(f"the README's grant script fails on MariaDB at {shown!r}: {error}") from error
        deployment = Deployment(admin=admin, restricted=restricted, grants=grants)
        deployment.shown_grants = [row[0] for row in _execute(root, f"show grants for '{USER}'@'%'")]
        deployment.lm_value_before = int(
            admin.query(
                "select count(*) from information_schema.tables"
                " where table_schema = '{src}' and table_name = 'lm_value'"
            )[0][0]
        )

        # First deployment: creates lm_value and LM's database, backfills the history.
        first = _lm_cli(restricted, "build", "--calc-source", "backfill_2025_01")
        deployment.outputs += [first.stdout, first.stderr]
        deployment.first_ids = _lm_value_ids(admin)

        # New calls and a regrade arrive; the scheduled run picks them up.
        _load(admin, "call_history", _history(NEW_CALLS))
        _load(admin, "call_scores", _scores(NEW_GRADINGS))
        wh = admin.connect()
        try:
            edited = call_history_table([EDITED_CALL], ["fake transcript"], [T0 + dt.timedelta(days=1, hours=3)])
            wh.upsert_arrow(admin.source_schema, "call_history", edited, key="history_id")
        finally:
            wh.close()
        second = _lm_cli(restricted, "build", "--calc-source", "cron_daily_scoring")
        deployment.outputs += [second.stdout, second.stderr]

        tested = restricted.dbt("test")
        deployment.outputs += [tested.stdout, tested.stderr]
        yield deployment
    finally:
        _execute(root, f"drop user if exists '{USER}'@'%'")
        for schema in (admin.schema, admin.source_schema):
            _execute(root, f"drop database if exists `{schema}`")
        root.close()


def test_the_user_has_exactly_the_readme_grants(deployment: Deployment) -> None:
    assert expected_privileges(deployment.shown_grants) == expected_privileges(deployment.grants)
    assert not any("WITH GRANT OPTION" in g.upper() for g in deployment.shown_grants)


def test_first_deployment_creates_lm_value_with_its_foreign_keys(deployment: Deployment) -> None:
    admin = deployment.admin
    assert deployment.lm_value_before == 0
    keys = admin.query(
        "select constraint_name, referenced_table_name from information_schema.referential_constraints"
        " where constraint_schema = '{src}' and table_name = 'lm_value' order by constraint_name"
    )
    assert keys == [("fk_lm_value_call_history", "call_history"), ("fk_lm_value_call_scores", "call_scores")]
    first_calls = {h for h, _ in deployment.first_ids}
    assert first_calls == {c[0] for c in FIRST_CALLS} - QUARANTINED
    assert len(deployment.first_ids) == 18 * len(first_calls)  # 15 rule + 3 forecast metrics (NULL until scored)


def test_scheduled_run_is_incremental_and_upserts_in_place(deployment: Deployment) -> None:
    admin = deployment.admin
    runs = admin.query("select calc_source, scope_calls, rows_deleted from {lm}.lm_run_log order by logged_at")
    assert [source for source, _, _ in runs] == ["backfill_2025_01", "cron_daily_scoring"]
    assert int(runs[0][1]) == len(FIRST_CALLS)  # the backfill: every call
    assert 0 < int(runs[1][1]) < len(FIRST_CALLS + NEW_CALLS)  # the scheduled run: not the old call 1
    assert int(runs[1][2]) == 18  # the edited call's rows
    (mode,) = admin.query("select scope_mode from {lm}.int_scoring_batch")[0]
    assert mode == "incremental"
    ids = _lm_value_ids(admin)
    assert {h for h, _ in ids} == {c[0] for c in FIRST_CALLS + NEW_CALLS} - QUARANTINED - {EDITED_CALL[0]}
    for key, row_id in deployment.first_ids.items():
        if key[0] != EDITED_CALL[0]:
            assert ids[key] == row_id, key  # recomputed rows keep their id
    quarantined = admin.query("select history_id, quarantine_reason from {lm}.int_calls_quarantined order by 1")
    assert [(int(h), r) for h, r in quarantined] == [(4, "unknown_call_status"), (5, "unknown_call_status")]
    (score_id,) = admin.query(
        "select call_score_id from {src}.lm_value where history_id = 2 and metric_code = 'feature_pack'"
    )[0]
    assert score_id == 22  # the regrade counts


def test_dbt_test_passes_as_the_restricted_user(deployment: Deployment) -> None:
    results = deployment.restricted.run_results()
    assert results and all(r["status"] == "pass" for r in results), [r for r in results if r["status"] != "pass"]


def test_the_user_cannot_do_more(deployment: Deployment) -> None:
    """The grants are really limiting: no new tables beside the client's, no drop of lm_value, no source writes."""
    project = deployment.restricted
    wh = project.connect()
    try:
        for sql in (
            f"create table `{project.source_schema}`.lm_other (id int)",
            f"drop table `{project.source_schema}`.lm_value",
            f"delete from `{project.source_schema}`.call_history",
            f"update `{project.source_schema}`.call_scores set call_score = 0",
        ):
            with pytest.raises(Exception, match=r"(?i)denied") as raised:
                wh.execute(sql)
            assert raised.value.args[0] in (1142, 1044), (sql, raised.value)
    finally:
        wh.close()


def test_no_password_in_any_artifact(deployment: Deployment) -> None:
    needle = PASSWORD.encode()
    folders = [deployment.restricted.tmp_dir / "target", deployment.restricted.tmp_dir / "logs"]
    files = [path for folder in folders for path in folder.rglob("*") if path.is_file()]
    assert any(p.name == "dbt.log" for p in files) and any(p.name == "manifest.json" for p in files), files
    assert [str(p) for p in files if needle in p.read_bytes()] == []
    assert [i for i, text in enumerate(deployment.outputs) if PASSWORD in text] == []
