"""The demo data generator: deterministic, shaped like a real call centre, dirty on purpose, loadable.

Every expectation is computed from the generated tables themselves (DuckDB SQL over the Arrow tables),
against the shape the generator promises (weekday pattern, opening hours, repeat callers, regradings,
the dirty share), and the round trip through both warehouses compares every value that was loaded.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pytest
import yaml

from conftest import PROJECT_DIR, SCHEMA_PREFIX
from lm import demo as gen
from lm import warehouse

N_CALLS = 20_000
SEED = 42
TEST_SCHEMA = f"{SCHEMA_PREFIX}_gen_test_src"
TARGETS = ("duckdb", "mariadb")
# the labels LM's rules know, as the generator reads them from the project's seeds and vars
VOCAB = gen.vocabulary()


def _sql_list(values: Any) -> str:
    return ", ".join(f"'{value}'" for value in values)


def _ipc_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _analysis(data: gen.DemoData) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.register("ch", data.call_history)
    con.register("cs", data.call_scores)
    templates = pa.table({"template": list(VOCAB.checklist_items), "items": list(VOCAB.checklist_items.values())})
    scales = pa.table(
        {
            "grader": list(VOCAB.grader_scales),
            "low": [low for low, _ in VOCAB.grader_scales.values()],
            "high": [high for _, high in VOCAB.grader_scales.values()],
        }
    )
    con.register("templates", templates)
    con.register("scales", scales)
    as_of = data.as_of.isoformat(sep=" ")
    # the source contract's idea of a clean row; anything else is one of the dirty cases the spec lists
    con.execute(
        f"""
        create view ch_flagged as
        select
            *,
            (
                caller_number is null or channel is null or await_sec is null or duration is null
                or talk_duration is null
                or (call_status = 'answered' and operator_id is null)
                or await_sec < 0 or duration < 0 or talk_duration < 0
                or duration > {gen.ABSURD_DURATION_SEC}
                or talk_duration > duration
                or call_status not in ({_sql_list(VOCAB.statuses)})
                or direction not in ({_sql_list(VOCAB.directions)})
                or channel not in ({_sql_list(gen.CHANNELS)})
                or call_started_at > timestamp '{as_of}'
                or updated_at > timestamp '{as_of}'
            ) as is_dirty
        from ch
        """
    )
    con.execute(
        f"""
        create view cs_flagged as
        select
            cs.*,
            ch.history_id is null as is_orphan,
            (
                ch.history_id is null
                or call_score is null or number_checklist is null or is_target is null or outcome is null
                or call_category is null or scored_by is null or category_checklist is null
                or cs.created_at is null
                or outcome not in ({_sql_list(VOCAB.outcomes)})
                or call_category not in ({_sql_list(VOCAB.categories)})
                or scored_by not in ({_sql_list(VOCAB.grader_scales)})
                or category_checklist not in ({_sql_list(VOCAB.checklist_items)})
                or number_checklist < 0 or number_checklist > templates.items
                or call_score < scales.low or call_score > scales.high
                or cs.updated_at > timestamp '{as_of}' or cs.created_at > timestamp '{as_of}'
                or cs.updated_at < cs.created_at
            ) as is_dirty
        from cs
        left join ch on ch.history_id = cs.history_id
        left join templates on templates.template = cs.category_checklist
        left join scales on scales.grader = cs.scored_by
        """
    )
    # the grading that counts: the latest by updated_at, then id
    con.execute(
        """
        create view last_grading as
        select *
        from cs
        qualify row_number() over (partition by history_id order by updated_at desc, id desc) = 1
        """
    )
    return con


@pytest.fixture(scope="module")
def data() -> gen.DemoData:
    return gen.generate(N_CALLS, seed=SEED)


@pytest.fixture(scope="module")
def con(data: gen.DemoData) -> duckdb.DuckDBPyConnection:
    return _analysis(data)


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
    return con.execute(sql).fetchone()[0]


# -------------------------------------------------------------------------------------------------------------
# Determinism and contract
# -------------------------------------------------------------------------------------------------------------
def test_same_seed_gives_the_same_bytes_and_another_seed_does_not(data: gen.DemoData) -> None:
    again = gen.generate(N_CALLS, seed=SEED)
    other = gen.generate(N_CALLS, seed=SEED + 1)
    for table in ("call_history", "call_scores"):
        assert _ipc_bytes(getattr(again, table)) == _ipc_bytes(getattr(data, table))
        assert _ipc_bytes(getattr(other, table)) != _ipc_bytes(getattr(data, table))
    assert again.as_of == data.as_of
    assert other.call_history["caller_number"] != data.call_history["caller_number"]


def test_row_counts_and_keys(data: gen.DemoData, con: duckdb.DuckDBPyConnection) -> None:
    assert data.call_history.num_rows == N_CALLS
    assert _one(con, "select count(distinct history_id) from ch") == N_CALLS
    assert _one(con, "select min(history_id) from ch") == 1
    # grading ids are 1..n without gaps, given in creation order
    ids = con.execute("select count(*), count(distinct id), min(id), max(id) from cs").fetchone()
    assert ids == (data.call_scores.num_rows, data.call_scores.num_rows, 1, data.call_scores.num_rows)
    assert data.next_score_id == data.call_scores.num_rows + 1
    assert data.next_history_id > _one(con, "select max(history_id) from ch")
    # history ids follow the start time (clean rows: dirty ones may carry a future start)
    unordered = _one(
        con,
        """
        select count(*) from (
            select call_started_at < lag(call_started_at) over (order by history_id) as back_in_time
            from ch_flagged where not is_dirty
        ) where back_in_time
        """,
    )
    assert unordered == 0


def _ddl_columns(wh: warehouse.Warehouse, schema: str, table: str) -> list[tuple[str, str, bool, int | None]]:
    """(name, type, nullable, max chars) of the table as the warehouse created it from the project's DDL."""
    if wh.target.is_mysql:
        rows = wh.query(
            "select column_name, column_type, is_nullable = 'YES', character_maximum_length"
            " from information_schema.columns where table_schema = %s and table_name = %s"
            " order by ordinal_position",
            (schema, table),
        )
    else:
        rows = wh.query(
            "select column_name, data_type, is_nullable = 'YES', null from information_schema.columns"
            " where table_schema = ? and table_name = ? order by ordinal_position",
            (schema, table),
        )
    return [(str(name), str(kind).lower(), bool(nullable), length) for name, kind, nullable, length in rows]


def _type_matches(arrow_type: pa.DataType, ddl_type: str, mysql: bool) -> bool:
    if pa.types.is_uint32(arrow_type):
        return ddl_type.startswith("int") and "unsigned" in ddl_type if mysql else ddl_type == "uinteger"
    if pa.types.is_int32(arrow_type):
        return re.fullmatch(r"int(\(\d+\))?", ddl_type) is not None if mysql else ddl_type == "integer"
    if pa.types.is_int8(arrow_type):
        return ddl_type.startswith("tinyint") if mysql else ddl_type == "tinyint"
    if pa.types.is_timestamp(arrow_type):
        return ddl_type == ("datetime" if mysql else "timestamp")
    if pa.types.is_date32(arrow_type):
        return ddl_type == "date"
    if pa.types.is_decimal(arrow_type):
        return ddl_type == f"decimal({arrow_type.precision},{arrow_type.scale})"
    if pa.types.is_string(arrow_type):
        return ddl_type.startswith(("varchar", "mediumtext")) if mysql else ddl_type == "varchar"
    return False


@pytest.fixture(params=TARGETS)
def wh(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[warehouse.Warehouse]:
    if request.param == "duckdb":
        target = warehouse.Target(name="duckdb", type="duckdb", schema=TEST_SCHEMA, path=str(tmp_path / "gen.duckdb"))
        conn = warehouse.connect(target)
    else:
        conn = warehouse.connect("mariadb")
    conn.drop_schema(TEST_SCHEMA)
    try:
        yield conn
    finally:
        conn.drop_schema(TEST_SCHEMA)
        conn.close()


def test_schema_matches_the_source_ddl(data: gen.DemoData, wh: warehouse.Warehouse) -> None:
    wh.create_source_tables(TEST_SCHEMA)
    for table in ("call_history", "call_scores"):
        arrow = getattr(data, table)
        ddl = _ddl_columns(wh, TEST_SCHEMA, table)
        assert [name for name, *_ in ddl] == arrow.column_names
        for (name, ddl_type, nullable, max_chars), arrow_field in zip(ddl, arrow.schema, strict=True):
            assert _type_matches(arrow_field.type, ddl_type, wh.target.is_mysql), (table, name, ddl_type)
            assert arrow_field.nullable == nullable, (table, name)
            assert arrow.column(name).null_count == 0 or nullable, (table, name)
            if max_chars is not None and pa.types.is_string(arrow_field.type):
                longest = max((len(v) for v in arrow.column(name).to_pylist() if v is not None), default=0)
                assert longest <= max_chars, (table, name, longest, max_chars)


# -------------------------------------------------------------------------------------------------------------
# A realistic shape
# -------------------------------------------------------------------------------------------------------------
def test_monday_peak_and_quiet_sunday(con: duckdb.DuckDBPyConnection) -> None:
    per_weekday = dict(
        con.execute(
            """
            select isodow(day), avg(calls) from (
                select cast(call_started_at as date) as day, count(*) as calls from ch_flagged
                where not is_dirty group by 1
            ) group by 1
            """
        ).fetchall()
    )
    assert len(per_weekday) == 7
    assert per_weekday[1] == max(per_weekday.values())
    assert per_weekday[7] == min(per_weekday.values())
    assert per_weekday[1] > 2.0 * per_weekday[7]
    assert per_weekday[1] > 1.1 * per_weekday[5]  # Monday clearly above Friday


def test_calls_keep_opening_hours_with_a_lunch_dip(con: duckdb.DuckDBPyConnection) -> None:
    inside = _one(con, "select avg(case when hour(call_started_at) between 8 and 20 then 1.0 else 0 end) from ch")
    assert 0.9 < inside < 1.0  # mostly inside, a few outside
    by_hour = dict(con.execute("select hour(call_started_at), count(*) from ch group by 1").fetchall())
    assert by_hour[13] < 0.8 * by_hour[11]
    assert by_hour[13] < by_hour[15]
    # outside the opening hours nobody is there: most inbound calls go unanswered
    closed = _one(
        con,
        "select avg(case when call_status = 'answered' then 1.0 else 0 end) from ch"
        " where direction = 'in' and hour(call_started_at) not between 8 and 20",
    )
    opened = _one(
        con,
        "select avg(case when call_status = 'answered' then 1.0 else 0 end) from ch"
        " where direction = 'in' and hour(call_started_at) between 8 and 20",
    )
    assert closed < 0.3 < 0.75 < opened


def test_volume_grows_slowly() -> None:
    # 20k calls at 40 a day: about 16 months; the same season a year apart shows the trend
    slow = _analysis(gen.generate(N_CALLS, seed=SEED, calls_per_day=40))
    first, last = slow.execute(
        """
        with days as (select cast(call_started_at as date) as day, count(*) as calls from ch_flagged
                      where not is_dirty group by 1)
        select
            avg(calls) filter (where day between date '2025-02-01' and date '2025-04-30'),
            avg(calls) filter (where day between date '2026-02-01' and date '2026-04-30')
        from days
        """
    ).fetchone()
    assert 1.05 < last / first < 1.25


def test_statuses_directions_and_waits(con: duckdb.DuckDBPyConnection) -> None:
    shares = dict(
        con.execute(
            "select call_status, count(*) / sum(count(*)) over () from ch_flagged where not is_dirty group by 1"
        ).fetchall()
    )
    assert set(shares) == set(VOCAB.statuses)
    assert 0.75 < shares["answered"] < 0.92
    assert shares["missed"] > shares["busy"] and shares["abandoned"] > shares["failed"]
    outbound = _one(
        con, "select avg(case when direction = 'out' then 1.0 else 0 end) from ch_flagged where not is_dirty"
    )
    assert 0.05 < outbound < 0.2
    # most answered calls are picked up quickly; abandoned calls waited longer
    answered_median, answered_p90, abandoned_median = con.execute(
        """
        select
            median(await_sec) filter (where call_status = 'answered' and direction = 'in'),
            quantile_cont(await_sec, 0.9) filter (where call_status = 'answered' and direction = 'in'),
            median(await_sec) filter (where call_status = 'abandoned')
        from ch_flagged where not is_dirty
        """
    ).fetchone()
    assert answered_median < 20 < abandoned_median
    assert answered_p90 > 2 * answered_median  # a long tail
    # clean rows: talk within the call, no talk without an answer, an operator exactly when someone answered
    broken = _one(
        con,
        """
        select count(*) from ch_flagged where not is_dirty and (
            talk_duration > duration
            or (call_status <> 'answered' and talk_duration <> 0)
            or (call_status = 'answered' and talk_duration = 0)
            or (direction = 'in' and (operator_id is null) <> (call_status <> 'answered'))
        )
        """,
    )
    assert broken == 0


def test_operators_differ_in_skill(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        """
        select
            operator_id,
            avg(call_score) filter (where scored_by = 'ai') as ai_score,
            avg(case when outcome = 'record' then 1.0 else 0 end) filter (where is_target = 1) as booking_rate,
            median(await_sec) filter (where direction = 'in') as await_median
        from ch_flagged
        join last_grading using (history_id)
        where not is_dirty and operator_id is not null
        group by 1
        """
    ).fetchall()
    operators = {row[0] for row in rows}
    assert operators == set(range(gen.OPERATOR_ID_BASE + 1, gen.OPERATOR_ID_BASE + 26))
    scores = [row[1] for row in rows]
    assert max(scores) - min(scores) > 10  # AI points between the best and the weakest operator
    # better graded operators book more and answer faster (skill drives all three)
    assert np.corrcoef(scores, [row[2] for row in rows])[0, 1] > 0.3
    assert np.corrcoef(scores, [row[3] for row in rows])[0, 1] < -0.3


def test_channels_convert_differently(con: duckdb.DuckDBPyConnection) -> None:
    rates = dict(
        con.execute(
            """
            select channel, avg(case when outcome = 'record' then 1.0 else 0 end)
            from ch_flagged join last_grading using (history_id)
            where not is_dirty and is_target = 1
            group by 1
            """
        ).fetchall()
    )
    assert set(rates) == set(gen.CHANNELS)
    assert rates["prodoctorov"] > rates["site"] > rates["google_ads"]
    assert max(rates.values()) - min(rates.values()) > 0.1


def test_callers_come_back(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """
        create or replace view caller_calls as
        select
            ch.history_id, ch.caller_number, ch.call_started_at, last_grading.outcome, last_grading.is_target,
            last_grading.call_category,
            lead(ch.call_started_at) over caller_order as next_started_at,
            lead(last_grading.outcome) over caller_order as next_outcome,
            lag(ch.call_started_at) over caller_order as previous_started_at
        from ch_flagged as ch
        left join last_grading using (history_id)
        where not ch.is_dirty
        window caller_order as (partition by ch.caller_number order by ch.call_started_at)
        """
    )
    repeat_share = _one(
        con,
        "select avg(case when previous_started_at >= call_started_at - interval 7 day then 1.0 else 0 end)"
        " from caller_calls",
    )
    assert 0.1 < repeat_share < 0.4
    callers, calls = con.execute("select count(distinct caller_number), count(*) from caller_calls").fetchone()
    assert 0.6 * calls < callers < 0.9 * calls
    # a target caller who did not book comes back and books more often than one who already booked
    booked_later = dict(
        con.execute(
            """
            select
                outcome = 'record',
                avg(case when next_outcome = 'record' and next_started_at <= call_started_at + interval 30 day
                    then 1.0 else 0 end)
            from caller_calls
            where is_target = 1 and outcome in ('record', 'no_record', 'callback', 'refusal')
            group by 1
            """
        ).fetchall()
    )
    assert booked_later[False] > 1.5 * booked_later[True] > 0
    # complaints come from callers who called before
    later_complaints = _one(
        con, "select count(*) from caller_calls where call_category = 'complaint' and previous_started_at is not null"
    )
    assert later_complaints > 0


def test_gradings_follow_the_calls(con: duckdb.DuckDBPyConnection, data: gen.DemoData) -> None:
    graded_share = _one(
        con,
        """
        select avg(case when exists (select 1 from cs where cs.history_id = ch.history_id) then 1.0 else 0 end)
        from ch_flagged as ch where not is_dirty and call_status = 'answered'
        """,
    )
    assert 0.75 < graded_share < 0.95
    unanswered_graded = _one(
        con,
        "select count(*) from cs join ch_flagged as ch using (history_id)"
        " where not ch.is_dirty and ch.call_status <> 'answered'",
    )
    assert unanswered_graded == 0
    # the first grading comes minutes to a day after the call ends
    delays = con.execute(
        """
        with first_gradings as (
            select * from cs_flagged qualify row_number() over (partition by history_id order by id) = 1
        )
        select
            min(epoch(cs.created_at - (ch.call_started_at + to_seconds(ch.duration)))),
            max(epoch(cs.created_at - (ch.call_started_at + to_seconds(ch.duration))))
        from first_gradings as cs join ch_flagged as ch using (history_id)
        where not cs.is_dirty and not ch.is_dirty
        """
    ).fetchone()
    assert delays[0] >= 60 and delays[1] <= 86_400
    mismatched_dates = _one(
        con,
        "select count(*) from cs join ch_flagged as ch using (history_id)"
        " where not ch.is_dirty and cs.call_date <> cast(ch.call_started_at as date)",
    )
    assert mismatched_dates == 0
    # scores on each grader's own scale
    scales = dict(
        (grader, (low, high))
        for grader, low, high in con.execute(
            "select scored_by, min(call_score), max(call_score) from cs_flagged where not is_dirty group by 1"
        ).fetchall()
    )
    assert set(scales) == set(VOCAB.grader_scales)
    assert float(scales["ai"][1]) > 80 and float(scales["qa:1"][1]) <= 10 and float(scales["qa:3"][1]) <= 5
    assert _one(con, "select count(*) from cs where scored_by = 'qa:3' and call_score <> round(call_score)") == 0


def test_regradings_exist(con: duckdb.DuckDBPyConnection) -> None:
    regraded_share, changed = con.execute(
        """
        with per_call as (
            select history_id, count(*) as gradings,
                count(distinct outcome) > 1 or count(distinct call_score) > 1 as values_changed
            from cs_flagged where not is_orphan group by 1
        )
        select avg(case when gradings > 1 then 1.0 else 0 end), count(*) filter (where values_changed)
        from per_call
        """
    ).fetchone()
    assert 0.03 < regraded_share < 0.08
    assert changed > 0
    # a regrading is a later row: by id and by updated_at
    out_of_order = _one(
        con,
        """
        select count(*) from (
            select updated_at < lag(updated_at) over (partition by history_id order by id) as earlier
            from cs_flagged where not is_dirty
        ) where earlier
        """,
    )
    assert out_of_order == 0


def test_dirty_share_is_the_parameter(con: duckdb.DuckDBPyConnection, data: gen.DemoData) -> None:
    history_dirty = _one(con, "select avg(case when is_dirty then 1.0 else 0 end) from ch_flagged")
    scores_dirty = _one(con, "select avg(case when is_dirty then 1.0 else 0 end) from cs_flagged")
    assert abs(history_dirty - 0.02) < 0.002
    assert abs(scores_dirty - 0.02) < 0.002
    orphans = _one(con, "select count(*) from cs_flagged where is_orphan")
    assert 0 < orphans < 0.01 * data.call_scores.num_rows
    # every kind of dirt the spec lists is there
    kinds = con.execute(
        f"""
        select
            count(*) filter (where duration < 0 or await_sec < 0),
            count(*) filter (where duration > {gen.ABSURD_DURATION_SEC}),
            count(*) filter (where talk_duration > duration),
            count(*) filter (where call_status not in ({_sql_list(VOCAB.statuses)})
                             and trim(lower(call_status)) in ({_sql_list(VOCAB.statuses)})),
            count(*) filter (where call_status not in ({_sql_list(VOCAB.statuses)})
                             and trim(lower(call_status)) not in ({_sql_list(VOCAB.statuses)})),
            count(*) filter (where call_started_at > now() or updated_at > now()),
            count(*) filter (where caller_number is null)
        from ch
        """
    ).fetchone()
    assert all(count > 0 for count in kinds), kinds
    score_kinds = con.execute(
        """
        select
            count(*) filter (where call_score is null),
            count(*) filter (where number_checklist is null),
            count(*) filter (where number_checklist > items),
            count(*) filter (where updated_at > now()),
            count(*) filter (where outcome not in ('record', 'no_record', 'callback', 'refusal', 'info_only'))
        from cs_flagged left join templates on templates.template = category_checklist
        """
    ).fetchone()
    assert all(count > 0 for count in score_kinds), score_kinds
    clean = gen.generate(2_000, seed=SEED, dirty_share=0.0)
    clean_con = _analysis(clean)
    assert _one(clean_con, "select count(*) from ch_flagged where is_dirty") == 0
    assert _one(clean_con, "select count(*) from cs_flagged where is_dirty") == 0


def test_no_personal_data_lookalikes(data: gen.DemoData) -> None:
    numbers = [value for value in data.call_history["caller_number"].to_pylist() if value is not None]
    assert numbers and all(re.fullmatch(r"\+000\d{7}", value) for value in numbers)
    texts = [value for value in data.call_history["transcript"].to_pylist() if value is not None]
    assert len(texts) > 0.5 * data.call_history.num_rows
    assert not any(re.search(r"\d", value) for value in texts)


# -------------------------------------------------------------------------------------------------------------
# Labels from the project: the generator and the rules cannot drift
# -------------------------------------------------------------------------------------------------------------
def _seed_rows(name: str) -> list[dict[str, str]]:
    with (PROJECT_DIR / "seeds" / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_labels_are_the_projects(data: gen.DemoData) -> None:
    variables = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["vars"]
    assert VOCAB.statuses == tuple(variables["lm_call_statuses"])
    assert VOCAB.outcomes == tuple(variables["lm_outcomes"])
    assert VOCAB.directions == tuple(variables["lm_call_directions"])
    assert VOCAB.categories == tuple(row["call_category"] for row in _seed_rows("lm_call_categories"))
    assert VOCAB.refusal_reasons == tuple(row["refusal_reason"] for row in _seed_rows("lm_refusal_reasons"))
    items = [row["checklist_template"] for row in _seed_rows("lm_checklist_template_items")]
    assert VOCAB.checklist_items == {template: items.count(template) for template in dict.fromkeys(items)}
    scales = {
        row["grader_code"]: (int(row["scale_min"]), int(row["scale_max"])) for row in _seed_rows("lm_grader_scales")
    }
    assert VOCAB.grader_scales == {
        code: scale for code, scale in scales.items() if "*" not in code and code != "default"
    }
    # the generator uses every refusal reason, category and grader; every service is in the catalogue
    scores = data.call_scores
    for column, labels in (
        ("refusal_reason", VOCAB.refusal_reasons),
        ("call_category", VOCAB.categories),
        ("scored_by", VOCAB.grader_scales),
    ):
        written = {value for value in scores[column].to_pylist() if value is not None}
        assert set(labels) <= written, column  # all of them used
    services = {value for value in scores["requested_service_id"].to_pylist() if value is not None}
    assert services <= {int(row["service_id"]) for row in _seed_rows("lm_service_catalogue")}


def _project_copy(tmp_path: Path) -> Path:
    tmp_path.mkdir(parents=True)
    shutil.copy(PROJECT_DIR / "dbt_project.yml", tmp_path / "dbt_project.yml")
    shutil.copytree(PROJECT_DIR / "seeds", tmp_path / "seeds")
    return tmp_path


def test_a_label_the_generator_does_not_model_fails_loudly(tmp_path: Path) -> None:
    added = _project_copy(tmp_path / "added")
    text = (added / "dbt_project.yml").read_text()
    (added / "dbt_project.yml").write_text(text.replace('"busy", "failed"]', '"busy", "failed", "transferred"]'))
    with pytest.raises(gen.VocabularyError, match=r"dbt_project.yml vars.lm_call_statuses .*'transferred'"):
        gen.vocabulary(added)
    renamed = _project_copy(tmp_path / "renamed")
    seed = renamed / "seeds" / "lm_refusal_reasons.csv"
    seed.write_text(seed.read_text().replace("no_slots,", "no_free_slots,"))
    with pytest.raises(gen.VocabularyError, match=r"'no_free_slots'[\s\S]*'no_slots'"):
        gen.vocabulary(renamed)


# -------------------------------------------------------------------------------------------------------------
# Batches: new calls, late transcripts, late gradings, regradings
# -------------------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def batch(data: gen.DemoData) -> gen.DemoData:
    return gen.next_batch(data, 2_000)


@pytest.fixture(scope="module")
def late(data: gen.DemoData, batch: gen.DemoData) -> gen.DemoData:
    return gen.late_gradings(gen.combine(data, batch), until=batch.as_of + dt.timedelta(days=3), regrade_share=0.02)


def test_next_batch_continues_the_same_call_centre(data: gen.DemoData, batch: gen.DemoData) -> None:
    assert gen.next_batch(data, 2_000).call_history.equals(batch.call_history)  # deterministic too
    old_ids = set(data.call_history["history_id"].to_pylist())
    rows = batch.call_history.to_pylist()
    new_rows = [row for row in rows if row["history_id"] >= data.next_history_id]
    changed = [row for row in rows if row["history_id"] < data.next_history_id]
    assert len(new_rows) == 2_000
    assert min(row["call_started_at"] for row in new_rows) > max(
        row["call_started_at"] for row in data.call_history.to_pylist() if row["call_started_at"] <= data.as_of
    )
    # late transcripts: existing calls come again with a transcript and a later updated_at
    assert changed and {row["history_id"] for row in changed} <= old_ids
    before = {row["history_id"]: row for row in data.call_history.to_pylist()}
    for row in changed:
        assert before[row["history_id"]]["transcript"] is None and row["transcript"] is not None
        assert row["updated_at"] > data.as_of >= before[row["history_id"]]["updated_at"]
    # gradings: new ids after the previous ones, some of them late gradings of the previous batch's calls
    score_ids = batch.call_scores["id"].to_pylist()
    assert min(score_ids) == data.next_score_id and len(set(score_ids)) == len(score_ids)
    late_for_old = [h for h in batch.call_scores["history_id"].to_pylist() if h in old_ids]
    assert late_for_old
    # callers of the first batch call again in the second
    old_callers = set(data.call_history["caller_number"].to_pylist())
    assert sum(1 for row in new_rows if row["caller_number"] in old_callers) > 0.05 * len(new_rows)


def test_late_gradings_regrade_existing_calls(data: gen.DemoData, batch: gen.DemoData, late: gen.DemoData) -> None:
    assert late.call_history.num_rows < 50  # only late transcripts, no new calls
    cumulative = gen.combine(data, batch)
    graded_before = set(cumulative.call_scores["history_id"].to_pylist())
    rows = late.call_scores.to_pylist()
    assert rows and all(row["history_id"] < batch.next_history_id for row in rows)  # no new calls
    regraded = [row for row in rows if row["history_id"] in graded_before]
    assert len(regraded) > 0.01 * len(graded_before)
    until = batch.as_of + dt.timedelta(days=3)
    clean = [row for row in regraded if row["updated_at"] is not None and row["updated_at"] <= until]
    assert all(row["updated_at"] > batch.as_of for row in clean if row["created_at"] is not None)
    assert min(row["id"] for row in rows) == batch.next_score_id
    assert late.as_of == until


# -------------------------------------------------------------------------------------------------------------
# Loading into both warehouses
# -------------------------------------------------------------------------------------------------------------
def _stored(wh: warehouse.Warehouse, table: str, key: str) -> list[tuple[Any, ...]]:
    return wh.query(f"select * from {wh.qualify(TEST_SCHEMA, table)} order by {key}")


def _expected(table: pa.Table, key: str) -> list[tuple[Any, ...]]:
    rows = table.sort_by(key).to_pylist()
    return [tuple(row.values()) for row in rows]


def test_round_trip_keeps_every_value(
    wh: warehouse.Warehouse, data: gen.DemoData, batch: gen.DemoData, late: gen.DemoData
) -> None:
    assert gen.load(wh, TEST_SCHEMA, data) == {
        "call_history": data.call_history.num_rows,
        "call_scores": data.call_scores.num_rows,
        "lm_demo_truth": data.truth.num_rows,
    }
    assert _stored(wh, "call_history", "history_id") == _expected(data.call_history, "history_id")
    assert _stored(wh, "call_scores", "id") == _expected(data.call_scores, "id")
    nulls = wh.query(f"select count(*) from {wh.qualify(TEST_SCHEMA, 'call_history')} where operator_id is null")[0][0]
    assert nulls == data.call_history["operator_id"].null_count > 0
    spaced = wh.query(
        f"select count(*) from {wh.qualify(TEST_SCHEMA, 'call_history')} where call_status = ' Answered '"
    )[0][0]
    assert spaced == sum(1 for value in data.call_history["call_status"].to_pylist() if value == " Answered ")
    # deltas: appended, changed rows replaced by key; the result is the cumulative snapshot
    gen.load(wh, TEST_SCHEMA, batch, replace=False)
    gen.load(wh, TEST_SCHEMA, late, replace=False)
    cumulative = gen.combine(gen.combine(data, batch), late)
    assert _stored(wh, "call_history", "history_id") == _expected(cumulative.call_history, "history_id")
    assert _stored(wh, "call_scores", "id") == _expected(cumulative.call_scores, "id")
    # replace=True starts over
    gen.load(wh, TEST_SCHEMA, data)
    count = wh.query(f"select count(*) from {wh.qualify(TEST_SCHEMA, 'call_history')}")[0][0]
    assert count == data.call_history.num_rows


# -------------------------------------------------------------------------------------------------------------
# The truth: the generating probability of each forecast label, per call
# -------------------------------------------------------------------------------------------------------------
# 200k calls (about four months at 1,500 a day): enough calls with closed windows (130k-170k per label) that
# the binomial error of a mean rate is below 0.1 point and each calibration decile holds 13k+ calls (its
# binomial error below 0.4 point at 20 %, so the binning adds < 0.005 to the ECE); the mean must match within
# 4 standard errors, the ECE stay below 0.02 (measured: 0.003 / 0.012 / 0.002)
TRUTH_CALLS = 200_000
TRUTH_SEED = 7
#: label -> (window days, condition on the later call b), exactly as LM defines the labels
LABELS = {
    "second_call_7d": (7, "true"),
    "booking_14d": (14, "b.status = 'answered' and b.outcome = 'record'"),
    "complaint_30d": (30, "b.category = 'complaint'"),
}
#: every grading of a call is released at most ~11 days after it (first grading within a day, a regrading
#: within 7 days of it, a third within 3 more): windows must close this long before the snapshot
GRADING_DAYS = 12


@pytest.fixture(scope="module")
def truth_data() -> gen.DemoData:
    return gen.generate(TRUTH_CALLS, seed=TRUTH_SEED)


def _labelled(data: gen.DemoData) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """label -> (truth, observed label) over the calls whose window (and its gradings) closed before the last
    call, computed from the source tables as LM will: labels trimmed and lowercased (LM's staging), the
    latest grading by updated_at (NULLs last), then id (int_call_scores_latest), the same caller_number."""
    con = duckdb.connect()
    con.register("call_history", data.call_history)
    con.register("call_scores", data.call_scores)
    con.register("truth", data.truth)
    as_of = data.as_of.isoformat(sep=" ")
    flags = ", ".join(
        f"coalesce(bool_or(b.lag <= interval {window} day and {condition}), false) as {label}"
        for label, (window, condition) in LABELS.items()
    )
    con.execute(
        f"""
        create view labels as
        with latest as (
            select history_id, lower(trim(outcome)) as outcome, lower(trim(call_category)) as category
            from call_scores
            qualify row_number() over (
                partition by history_id order by updated_at is null, updated_at desc, id desc
            ) = 1
        ),
        calls as (
            select history_id, caller_number, call_started_at, lower(trim(call_status)) as status
            from call_history where caller_number is not null
        ),
        pairs as (
            select a.history_id, b.call_started_at - a.call_started_at as lag, b.status, latest.outcome,
                latest.category
            from calls as a
            join calls as b on b.caller_number = a.caller_number and b.call_started_at > a.call_started_at
                and b.call_started_at <= a.call_started_at + interval 30 day
            left join latest on latest.history_id = b.history_id
        )
        select a.history_id, a.call_started_at, {flags}
        from calls as a left join pairs as b using (history_id)
        where a.call_started_at <= timestamp '{as_of}'
        group by a.history_id, a.call_started_at
        """
    )
    last = con.execute("select max(call_started_at) from labels").fetchall()[0][0]
    out = {}
    for label, (window, _) in LABELS.items():
        rows = con.execute(
            f"select p_{label}, {label} from labels join truth using (history_id)"
            f" where call_started_at + interval {window + GRADING_DAYS} day <= timestamp '{last}'"
        ).fetchnumpy()
        out[label] = (rows[f"p_{label}"].astype(float), rows[label].astype(bool))
    return out


@pytest.fixture(scope="module")
def labelled(truth_data: gen.DemoData) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    return _labelled(truth_data)


def _auc(score: np.ndarray, label: np.ndarray) -> float:
    """Mann-Whitney AUC with mid-ranks for ties."""
    order = np.argsort(score, kind="stable")
    ranks = np.empty(len(score))
    sorted_score = score[order]
    _, first, counts = np.unique(sorted_score, return_index=True, return_counts=True)
    mid = first + (counts - 1) / 2.0 + 1.0
    ranks[order] = np.repeat(mid, counts)
    pos = int(label.sum())
    neg = len(label) - pos
    return float((ranks[label].sum() - pos * (pos + 1) / 2.0) / (pos * neg))


def _deciles(p: np.ndarray, y: np.ndarray) -> list[tuple[int, float, float]]:
    """(calls, mean truth, observed rate) per decile of the truth."""
    order = np.argsort(p, kind="stable")
    return [(len(part), float(p[part].mean()), float(y[part].mean())) for part in np.array_split(order, 10)]


def test_the_truth_is_the_truth(labelled: dict[str, tuple[np.ndarray, np.ndarray]]) -> None:
    report = []
    for label, (p, y) in labelled.items():
        n = len(p)
        assert n > 100_000, label
        # the mean: the observed rate is a sum of independent Bernoullis with the truths as probabilities
        # (calls of one caller are not independent; their covariance is small next to the variance here)
        se = float(np.sqrt((p * (1 - p)).sum())) / n
        assert abs(y.mean() - p.mean()) < 4 * se, (label, y.mean(), p.mean(), se)
        bins = _deciles(p, y)
        ece = sum(calls * abs(rate - mean) for calls, mean, rate in bins) / n
        # deciles of the truth itself: booking_14d's Monte Carlo noise (sd ~0.035, see the noise test) sorts
        # calls whose draw came out low into the low deciles, which then observe more than their mean truth
        # (0.7 % vs 1.5 % in the lowest): the ECE still stays below 0.012 for it, below 0.003 for the others
        assert ece < 0.02, (label, ece, bins)
        report.append(f"{label}: n {n:,}, observed {y.mean():.4f}, truth {p.mean():.4f}, ECE {ece:.4f}")
    print("\n" + "\n".join(report))


def test_the_truth_discriminates_and_is_a_probability(
    truth_data: gen.DemoData, labelled: dict[str, tuple[np.ndarray, np.ndarray]]
) -> None:
    for column in truth_data.truth.column_names[1:]:
        values = truth_data.truth[column].to_numpy()
        assert np.isfinite(values).all() and values.min() >= 0.0 and values.max() <= 1.0, column
    aucs = {label: _auc(p, y) for label, (p, y) in labelled.items()}
    print(f"\nAUC of the truth: {aucs}")
    # a forward process whose next call depends on how a call ended: the truth ranks the outcomes well
    assert aucs["second_call_7d"] > 0.65, aucs
    assert aucs["booking_14d"] > 0.7, aucs
    assert aucs["complaint_30d"] > 0.7, aucs
    # and better than a constant: a call's own state says a lot (the deciles span a wide range)
    for label, (p, _) in labelled.items():
        low, high = np.quantile(p, [0.1, 0.9])
        assert high > 3 * low, (label, low, high)


def test_the_truths_noise_is_small(truth_data: gen.DemoData) -> None:
    """The Monte Carlo labels computed again with another random stream: the same calls, another draw."""
    again = gen.truth_replica(TRUTH_CALLS, seed=TRUTH_SEED, replica=1)
    assert again["history_id"].equals(truth_data.truth["history_id"])
    # second_call_7d is closed form but for the call after an unobserved next call (drawn): nearly no noise
    first = truth_data.truth["p_second_call_7d"].to_numpy()
    second = again["p_second_call_7d"].to_numpy()
    assert np.abs(first - second).max() < 0.02 and np.abs(first - second).mean() < 1e-3
    for column in ("p_booking_14d", "p_complaint_30d"):
        first, second = truth_data.truth[column].to_numpy(), again[column].to_numpy()
        noise_sd = float(np.std(first - second)) / np.sqrt(2)
        spread_sd = float(np.std(first))
        print(f"\n{column}: noise sd {noise_sd:.4f}, spread sd {spread_sd:.4f}")
        assert abs(first.mean() - second.mean()) < 0.002, column  # unbiased: both draws agree on average
        assert noise_sd < 0.5 * spread_sd, column  # the truth varies mostly between calls, not between draws


def test_same_seed_gives_the_same_truth(data: gen.DemoData) -> None:
    again = gen.generate(N_CALLS, seed=SEED)
    other = gen.generate(N_CALLS, seed=SEED + 1)
    assert _ipc_bytes(again.truth) == _ipc_bytes(data.truth)
    assert _ipc_bytes(other.truth) != _ipc_bytes(data.truth)
    # the truth has its own random stream: without it the tables are the same bytes, the truth empty
    without = gen.generate(N_CALLS, seed=SEED, config=gen.GeneratorConfig(truth=False))
    assert without.truth.num_rows == 0
    for table in ("call_history", "call_scores"):
        assert _ipc_bytes(getattr(without, table)) == _ipc_bytes(getattr(data, table))
    assert data.truth.schema == pa.schema(
        [
            pa.field("history_id", pa.uint32(), nullable=False),
            *(pa.field(f"p_{label}", pa.float64(), nullable=False) for label in LABELS),
        ]
    )


def test_truth_rows_are_the_batchs_calls(data: gen.DemoData, batch: gen.DemoData, late: gen.DemoData) -> None:
    # every call of the batch, deleted ones too (their history ids are skipped in call_history)
    ids = data.truth["history_id"].to_numpy().astype(np.int64)
    assert ids.tolist() == list(range(1, data.next_history_id))
    assert set(data.call_history["history_id"].to_pylist()) <= set(ids.tolist())
    assert len(ids) > data.call_history.num_rows  # the deleted calls
    new_ids = batch.truth["history_id"].to_numpy().astype(np.int64)
    assert new_ids.tolist() == list(range(data.next_history_id, batch.next_history_id))
    new_rows = {h for h in batch.call_history["history_id"].to_pylist() if h >= data.next_history_id}
    assert new_rows <= set(new_ids.tolist())
    assert late.truth.num_rows == 0  # no new calls
    cumulative = gen.combine(gen.combine(data, batch), late)
    assert cumulative.truth["history_id"].to_pylist() == list(range(1, batch.next_history_id))


def test_next_calls_cross_batch_boundaries() -> None:
    """Next calls decided in one batch but starting after its last call happen in the next batch: a batch
    of the same calls in two parts has the first part's callers coming back just after the cut."""
    first = gen.generate(5_000, seed=SEED)
    assert first.memory.scheduled.ts.size > 0
    assert (first.memory.scheduled.ts > first.memory.last_call_ts).all()
    second = gen.next_batch(first, 5_000)
    callers = {}
    for row in first.call_history.select(["history_id", "caller_number"]).to_pylist():
        callers[row["caller_number"]] = row["history_id"]
    early = [
        row
        for row in second.call_history.to_pylist()
        if row["history_id"] >= first.next_history_id and row["call_started_at"] <= first.as_of + dt.timedelta(hours=6)
    ]
    returning = [row for row in early if row["caller_number"] in callers]
    assert early and len(returning) > 0.1 * len(early)


def test_load_writes_the_truth_table(wh: warehouse.Warehouse, data: gen.DemoData, batch: gen.DemoData) -> None:
    gen.load(wh, TEST_SCHEMA, data)
    stored = _stored(wh, "lm_demo_truth", "history_id")
    assert [tuple(row) for row in stored] == _expected(data.truth, "history_id")
    gen.load(wh, TEST_SCHEMA, batch, replace=False)  # upserts: the batch's rows added
    cumulative = gen.combine(data, batch)
    assert [tuple(row) for row in _stored(wh, "lm_demo_truth", "history_id")] == _expected(
        cumulative.truth, "history_id"
    )
    gen.load(wh, TEST_SCHEMA, data)  # replaces
    assert len(_stored(wh, "lm_demo_truth", "history_id")) == data.truth.num_rows
    columns = _ddl_columns(wh, TEST_SCHEMA, "lm_demo_truth")
    assert [name for name, *_ in columns] == data.truth.column_names
    assert not any(nullable for _, _, nullable, _ in columns)
