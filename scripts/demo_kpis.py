"""Headline KPIs of a generated demo, computed in DuckDB straight from the Arrow tables (no dbt).

    .venv/bin/python scripts/demo_kpis.py [--calls 200000] [--seed 42]

Prints the queue KPIs the README defines (SL at 20 s, abandonment, with 5 s short abandons set aside),
the 7-day repeat share, callers per call, conversion of target calls (latest grading) and the observed
rates of the three forecast labels (second_call_7d, booking_14d, complaint_30d) next to the mean of the
generator's truth (lm.demo DemoData.truth) over the calls whose windows closed. A tool for comparing
versions of the generator, not a test.
"""

from __future__ import annotations

import argparse

import duckdb

from lm import demo as gen

KPI_SQL = """
with ch as (
    select *, lower(trim(call_status)) as status, lower(trim(direction)) as dir from call_history
),
latest as (
    select history_id, lower(trim(outcome)) as outcome, is_target
    from call_scores
    qualify row_number() over (
        partition by history_id order by updated_at is null, updated_at desc, id desc
    ) = 1
),
inbound as (
    select *, status in ('missed', 'abandoned') and await_sec > 5 as lost from ch where dir = 'in'
),
caller_calls as (
    select
        history_id,
        lag(call_started_at) over (partition by caller_number order by call_started_at) as previous_at,
        call_started_at
    from ch where caller_number is not null
)
select
    (select count(*) filter (where status = 'answered' and await_sec <= 20)
        / count(*) filter (where status = 'answered' or lost) from inbound) as sl,
    (select count(*) filter (where lost) / count(*) filter (where status = 'answered' or lost) from inbound)
        as abandonment,
    (select avg(case when previous_at >= call_started_at - interval 7 day then 1.0 else 0 end)
        from caller_calls) as repeat_7d,
    (select avg(case when previous_at is not null then 1.0 else 0 end) from caller_calls) as returning,
    (select count(distinct caller_number) / count(*) from ch) as callers_per_call,
    (select count(*) / (date_diff('second', min(call_started_at), max(call_started_at)) / 86400)
        from ch where call_started_at <= (select max(updated_at) from call_scores where updated_at < now()))
        as calls_per_day,
    (select avg(case when dir = 'out' then 1.0 else 0 end) from ch) as outbound,
    (select avg(case when outcome = 'record' then 1.0 else 0 end) from latest where is_target = 1) as conversion
"""


#: label -> (window days, condition on the later call)
LABELS = {
    "second_call_7d": (7, "true"),
    "booking_14d": (14, "b.status = 'answered' and b.outcome = 'record'"),
    "complaint_30d": (30, "b.category = 'complaint'"),
}
MARGIN_DAYS = 12  # every grading of a call in the window is released by then
LABEL_SQL = f"""
create or replace view labels as
with latest as (
    select history_id, lower(trim(outcome)) as outcome, lower(trim(call_category)) as category
    from call_scores
    qualify row_number() over (
        partition by history_id order by updated_at is null, updated_at desc, id desc
    ) = 1
),
ch as (
    select history_id, caller_number, call_started_at, lower(trim(call_status)) as status
    from call_history where caller_number is not null
),
pairs as (
    select a.history_id, a.call_started_at, b.call_started_at - a.call_started_at as lag, b.status,
        latest.outcome, latest.category
    from ch as a
    join ch as b on b.caller_number = a.caller_number and b.call_started_at > a.call_started_at
        and b.call_started_at <= a.call_started_at + interval 30 day
    left join latest on latest.history_id = b.history_id
)
select ch.history_id, ch.call_started_at,
    {
    ", ".join(
        f"coalesce(bool_or(b.lag <= interval {window} day and {condition}), false) as {label}"
        for label, (window, condition) in LABELS.items()
    )
}
from ch left join pairs as b using (history_id)
group by ch.history_id, ch.call_started_at
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    data = gen.generate(args.calls, seed=args.seed)
    con = duckdb.connect()
    con.register("call_history", data.call_history)
    con.register("call_scores", data.call_scores)
    names = (
        "sl",
        "abandonment",
        "repeat_7d",
        "returning",
        "callers_per_call",
        "calls_per_day",
        "outbound",
        "conversion",
    )
    values = con.execute(KPI_SQL).fetchone()
    con.execute(LABEL_SQL)
    as_of = data.as_of.isoformat(sep=" ")
    last = con.execute(
        f"select max(call_started_at) from labels where call_started_at <= timestamp '{as_of}'"
    ).fetchall()[0][0]
    for name, value in zip(names, values, strict=True):
        print(f"{name:18s} {value:.4f}")
    truth = getattr(data, "truth", None)
    if truth is not None:
        con.register("truth", truth)
    for label, (window, _) in LABELS.items():
        closed = f"call_started_at + interval {window + MARGIN_DAYS} day <= timestamp '{last}'"
        observed, n = con.execute(
            f"select avg(case when {label} then 1.0 else 0 end), count(*) from labels where {closed}"
        ).fetchone()
        line = f"{label:18s} observed {observed:.4f} (n = {n:,})"
        if truth is not None:
            predicted = con.execute(
                f"select avg(p_{label}) from labels join truth using (history_id) where {closed}"
            ).fetchall()[0][0]
            line += f"  truth {predicted:.4f}"
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
