"""The KPI part of `lm summary`: yesterday's headline KPIs next to the same weekday of last week.

Read from the `vw_lm_kpi_daily` view (its `all` rows), which re-aggregates nothing: every figure is the
view's own. "Yesterday" is the day before the database clock's today; when fct_calls has no call that day
(demo data lies in the past, or the line was closed) the latest day with calls before today is shown and
named as such.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.table import Table

from lm.warehouse import Warehouse

#: the view the headline is read from, and the table its day is looked up in
KPI_VIEW = "vw_lm_kpi_daily"
FACT_TABLE = "fct_calls"
#: (column of KPI_VIEW, label, format) in the order shown
HEADLINE: tuple[tuple[str, str, str], ...] = (
    ("calls_offered", "offered", "count"),
    ("service_level", "service level", "share"),
    ("asa_sec", "ASA, s", "seconds"),
    ("abandonment_rate", "abandonment", "share"),
    ("conversion_rate", "conversion", "share"),
)


@dataclass(frozen=True)
class Headline:
    day: dt.date
    is_yesterday: bool
    current: dict[str, Any]
    week_before: dict[str, Any]  # empty when the same weekday of last week has no calls


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _day_row(wh: Warehouse, day: dt.date) -> dict[str, Any]:
    columns = ", ".join(column for column, _, _ in HEADLINE)
    view = wh.qualify(wh.target.schema, KPI_VIEW)
    rows = wh.query(
        f"select {columns} from {view} where dimension = 'all' and call_date = {wh.placeholder}",
        [day.isoformat()],
    )
    if not rows:
        return {}
    return {column: value for (column, _, _), value in zip(HEADLINE, rows[0], strict=True)}


def collect(wh: Warehouse, today: dt.date | None = None) -> Headline | None:
    """The headline of yesterday (or the latest day with calls before today); None before the first build."""
    schema = wh.target.schema
    if not (wh.table_exists(schema, KPI_VIEW) and wh.table_exists(schema, FACT_TABLE)):
        return None
    today = today or dt.date.today()
    yesterday = today - dt.timedelta(days=1)
    facts = wh.qualify(schema, FACT_TABLE)
    latest = wh.query(
        f"select max(call_date) from {facts} where call_date <= {wh.placeholder}", [yesterday.isoformat()]
    )
    if not latest or latest[0][0] is None:
        return None
    day = _as_date(latest[0][0])
    return Headline(day, day == yesterday, _day_row(wh, day), _day_row(wh, day - dt.timedelta(days=7)))


def _shown(value: Any, kind: str) -> str:
    if value is None:
        return "-"
    number = float(value)
    if number != number:  # NaN: a rate without calls
        return "-"
    if kind == "count":
        return f"{int(number):,}"
    if kind == "share":
        return f"{number:.1%}"
    return f"{number:.1f}"


def render(console: Console, headline: Headline | None) -> None:
    """The KPI table of `lm summary` (nothing before the statistics layer is built)."""
    if headline is None or not headline.current:
        return
    week_before = headline.day - dt.timedelta(days=7)
    which = "yesterday" if headline.is_yesterday else "latest day with calls"
    table = Table(title=f"KPIs {which}, {headline.day:%a %Y-%m-%d}, vs {week_before:%a %Y-%m-%d}")
    table.add_column("KPI")
    table.add_column(f"{headline.day:%Y-%m-%d}", justify="right")
    table.add_column(f"{week_before:%Y-%m-%d}", justify="right")
    for column, label, kind in HEADLINE:
        table.add_row(label, _shown(headline.current.get(column), kind), _shown(headline.week_before.get(column), kind))
    console.print(table)
