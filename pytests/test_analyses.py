"""The client's analyses run on both targets and return what the registry holds.

Expected values are computed in Python from the raw lm_value rows, independently of the analyses' SQL.
"""

from __future__ import annotations

import math
from decimal import Decimal
from pathlib import Path

import pymysql
import pytest

from conftest import LmProject
from lm import demo as generate

ANALYSES = Path(__file__).resolve().parents[1] / "analyses"


@pytest.fixture(scope="module")
def built(lm_project: LmProject) -> LmProject:
    data = generate.generate(3000, seed=7)
    wh = lm_project.connect()
    try:
        generate.load(wh, lm_project.source_schema, data, replace=True)
    finally:
        wh.close()
    lm_project.dbt("build", "--exclude", "path:tests/macros")
    return lm_project


def _compiled(project: LmProject, name: str, vars_: dict[str, object]) -> str:
    project.dbt("compile", "--select", f"path:analyses/{name}.sql", vars_=vars_)
    return (project.tmp_dir / "target" / "compiled" / "lm" / "analyses" / f"{name}.sql").read_text()


def _nearest_rank(values: list[Decimal], fraction: float) -> Decimal:
    ordered = sorted(values)
    return ordered[math.ceil(fraction * len(ordered)) - 1]


def test_metric_stats_by_channel_match_raw_values(built: LmProject) -> None:
    raw = built.query(
        "select calls.channel, lv.value_numeric from {src}.lm_value lv"
        " join {lm}.stg_operatorbot__call_history calls on calls.history_id = lv.history_id"
        " where lv.metric_code = 'talk_time_efficiency' and lv.value_numeric is not null"
    )
    by_channel: dict[str, list[Decimal]] = {}
    for channel, value in raw:
        by_channel.setdefault(str(channel) if channel is not None else None, []).append(Decimal(str(value)))
    sql = _compiled(
        built, "lm_metric_stats_over_period", {"metric_code": "talk_time_efficiency", "group_by": "channel"}
    )
    rows = built.query(sql.replace("{", "{{").replace("}", "}}"))
    assert len(rows) == len(by_channel) > 3
    for group_by, channel, count, mean, p50, p90 in rows:
        values = by_channel[channel]
        assert group_by == "channel"
        assert count == len(values)
        assert float(mean) == pytest.approx(float(sum(values)) / len(values), abs=1e-6)
        assert Decimal(str(p50)) == _nearest_rank(values, 0.5)
        assert Decimal(str(p90)) == _nearest_rank(values, 0.9)


def test_values_of_one_call(built: LmProject) -> None:
    history_id = built.query("select min(history_id) from {src}.lm_value")[0][0]
    sql = _compiled(built, "lm_values_of_one_call", {"history_id": int(history_id)})
    rows = built.query(sql.replace("{", "{{").replace("}", "}}"))
    codes = {row[2] for row in rows}
    expected = {r[0] for r in built.query("select metric_code from {lm}.lm_metric_dictionary")}
    assert codes == expected
    assert {row[0] for row in rows} == {history_id}
    assert all(row[3] for row in rows), "every value carries its Russian title"


def _run_in_source_database(project: LmProject, statement: str) -> list[tuple]:
    """Run `statement` with the source schema as the connection's default, as the client's app does."""
    target = project.connect().target
    if target.is_mysql:
        conn = pymysql.connect(
            host=target.host,
            port=target.port,
            user=target.user,
            password=target.password,
            database=project.source_schema,
        )
        try:
            with conn.cursor() as cur:
                cur.execute(statement)
                return list(cur.fetchall())
        finally:
            conn.close()
    wh = project.connect()
    try:
        wh.execute(f'set schema = "{project.source_schema}"')
        return wh.query(statement)
    finally:
        wh.close()


def test_spec_high_risk_query_runs_unchanged(built: LmProject) -> None:
    query = (ANALYSES / "lm_high_risk_calls_last_7_days.sql").read_text()
    statement = "\n".join(line for line in query.splitlines() if not line.startswith("--"))
    if built.target == "duckdb":
        # The spec's query is MySQL; DuckDB has no DATE_SUB, so only that expression is translated there.
        assert "DATE_SUB(NOW(), INTERVAL 7 DAY)" in statement
        statement = statement.replace("DATE_SUB(NOW(), INTERVAL 7 DAY)", "now() - interval 7 day")
    rows = _run_in_source_database(built, statement)
    expected = sorted(
        row[0]
        for row in built.query(
            "select history_id from {src}.lm_value where metric_code = 'churn_risk_level' and value_label = 'high'"
        )
    )
    assert sorted(row[0] for row in rows) == expected and len(expected) > 0
    numbers = dict(built.query("select history_id, caller_number from {src}.call_history"))
    assert all(row[1] == numbers[row[0]] and row[2] == "high" for row in rows)
