"""`lm forget`: a list of calls' LM rows removed (lm_value, lm_scored_calls) and logged without personal data,
so that the client can then delete the calls at the source despite lm_value's foreign keys."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import LmProject
from lm import demo
from lm.errors import ExitCode


def _lm(project: LmProject, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**project.environ, "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "lm", *args], env=env, capture_output=True, text=True, cwd=project.tmp_dir
    )


@pytest.fixture(scope="module")
def built(lm_project: LmProject) -> LmProject:
    wh = lm_project.connect()
    try:
        demo.load(wh, lm_project.source_schema, demo.generate(300, seed=1, calls_per_day=50.0))
    finally:
        wh.close()
    lm_project.dbt("build", "--select", "+lm_value", "--resource-type", "seed", "--resource-type", "model")
    return lm_project


def test_forget_then_delete_at_source(built: LmProject) -> None:
    ids = [
        int(row[0])
        for row in built.query(
            "select history_id from {src}.lm_value group by history_id order by count(*) desc, history_id limit 3"
        )
    ]
    graded = built.query(
        "select min(history_id) from {src}.call_scores where history_id in (select history_id from {src}.lm_value)"
    )[0][0]
    ids = sorted({*ids[:2], int(graded)})
    id_list = ", ".join(map(str, ids))
    value_rows = built.query(f"select count(*) from {{src}}.lm_value where history_id in ({id_list})")[0][0]
    assert value_rows > 0
    # forecast scores of the calls (as lm score writes them) and of one call that stays
    kept = int(built.query(f"select min(history_id) from {{src}}.lm_value where history_id not in ({id_list})")[0][0])
    with built.connect() as wh:
        for history_id in [*ids, kept]:
            wh.execute(
                f"insert into {wh.qualify(built.schema, 'lm_forecast_scores')} (history_id, model_version, "
                f"features_hash, second_call_prob, scored_at) values ({history_id}, 'fc-test', "
                f"'{'0' * 32}', 0.5, {wh.now_sql})"
            )
    if built.target == "mariadb":  # the client's foreign keys refuse the deletion while LM holds rows
        with pytest.raises(Exception, match="1451"):
            built.query(f"delete from {{src}}.call_history where history_id = {ids[0]}")
    file_ = built.tmp_dir / "ids.txt"
    file_.write_text(f"# calls to erase\n{ids[-1]}\n\n")
    args = [arg for i in ids[:-1] for arg in ("--history-id", str(i))]
    proc = _lm(built, "forget", *args, "--from-file", str(file_))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"forgot {len(ids)} calls" in " ".join(proc.stdout.split())
    assert built.query(f"select count(*) from {{src}}.lm_value where history_id in ({id_list})")[0][0] == 0
    assert built.query(f"select count(*) from {{lm}}.lm_scored_calls where history_id in ({id_list})")[0][0] == 0
    assert [row[0] for row in built.query("select history_id from {lm}.lm_forecast_scores")] == [kept]
    log = built.query("select history_id, lm_value_rows, state_rows from {lm}.lm_erasure_log order by history_id")
    assert [row[0] for row in log] == ids
    assert sum(row[1] for row in log) == value_rows
    assert all(row[2] == 1 for row in log)
    columns = built.query(
        "select column_name from information_schema.columns"
        f" where table_schema = '{built.schema}' and table_name = 'lm_erasure_log'"
    )
    assert {c[0].lower() for c in columns} == {"history_id", "erased_at", "lm_value_rows", "state_rows"}
    # now the client deletes them at the source: gradings first, then the calls (foreign keys on)
    built.query(f"delete from {{src}}.call_scores where history_id in ({id_list})")
    built.query(f"delete from {{src}}.call_history where history_id in ({id_list})")
    assert built.query(f"select count(*) from {{src}}.call_history where history_id in ({id_list})")[0][0] == 0
    # the next scheduled run does not bring them back, and its tests pass
    built.dbt("build")
    assert built.query(f"select count(*) from {{src}}.lm_value where history_id in ({id_list})")[0][0] == 0


def test_forget_needs_ids_and_refuses_bad_lines(built: LmProject) -> None:
    proc = _lm(built, "forget")
    assert proc.returncode == ExitCode.BAD_PARAMETER
    assert "nothing to forget" in proc.stderr
    bad = built.tmp_dir / "bad.txt"
    bad.write_text("12\n+31 6 1234 5678\n")
    proc = _lm(built, "forget", "--from-file", str(bad))
    assert proc.returncode == ExitCode.BAD_PARAMETER
    assert "line 2" in proc.stderr and "Traceback" not in proc.stderr
    assert "1234" not in proc.stderr  # the bad line is not echoed
    assert _lm(built, "forget", "--history-id", "-4").returncode == ExitCode.BAD_PARAMETER
