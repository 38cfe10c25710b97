"""Print the distribution of every metric of lm_value: is any metric degenerate (one value everywhere)?

    .venv/bin/python scripts/metric_distributions.py [--target duckdb]

Reads the warehouse the way the `lm` command does (the profile's target, LM_TARGET, LM_SOURCE_SCHEMA /
LM_VALUE_SCHEMA for lm_value, the profile's schema for the dictionary seed). Per metric_code of the
dictionary: n (rows in lm_value), n_null (no value), for numeric metrics the share at 0, p50 and p90
(nearest rank) of the non-NULL values, the share of the most frequent non-NULL value, and for label metrics
the share of each label. Only values and counts are read: no call, caller or transcript.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from lm import project, warehouse

#: metrics constant or opaque by design (lm_version, calc_profile; feature_pack is json)
DEGENERATE_BY_DESIGN_GROUPS = frozenset({"aux"})


@dataclass
class MetricDistribution:
    metric_code: str
    metric_group: str
    value_type: str
    n: int = 0
    n_null: int = 0
    #: non-NULL value (Decimal for numeric metrics, str for labels; none for json) -> rows
    counts: dict[object, int] = field(default_factory=dict)

    @property
    def n_values(self) -> int:
        return self.n - self.n_null

    def share(self, count: int) -> float | None:
        return count / self.n_values if self.n_values else None

    @property
    def top_value(self) -> object | None:
        return max(self.counts, key=lambda value: self.counts[value]) if self.counts else None

    @property
    def top_share(self) -> float | None:
        top = self.top_value
        return None if top is None else self.share(self.counts[top])

    @property
    def share_at_zero(self) -> float | None:
        if self.value_type != "numeric":
            return None
        return self.share(sum(count for value, count in self.counts.items() if value == 0))

    def quantile(self, fraction: float) -> Decimal | None:
        """Nearest-rank quantile of the non-NULL numeric values."""
        if self.value_type != "numeric" or not self.n_values:
            return None
        rank = max(1, math.ceil(fraction * self.n_values))
        seen = 0
        for value in sorted(self.counts, key=lambda v: Decimal(str(v))):
            seen += self.counts[value]
            if seen >= rank:
                return Decimal(str(value))
        raise AssertionError("unreachable: the ranks add up to n_values")

    @property
    def is_degenerate(self) -> bool:
        """More than 95 % of the non-NULL values on one value."""
        top = self.top_share
        return top is not None and top > 0.95


def collect(wh: warehouse.Warehouse, settings: project.Settings) -> list[MetricDistribution]:
    """One MetricDistribution per metric of the dictionary, in its sort order."""
    dictionary = wh.qualify(wh.target.schema, "lm_metric_dictionary")
    registry = wh.qualify(settings.value_schema, warehouse.REGISTRY_TABLE)
    metrics = {
        str(code): MetricDistribution(str(code), str(group), str(kind))
        for code, group, kind in wh.query(
            f"select metric_code, metric_group, value_type from {dictionary} order by sort_order"
        )
    }
    for code, null_rows, rows in wh.query(
        f"select metric_code, sum(case when value_numeric is null and value_label is null and value_json is null"
        f" then 1 else 0 end), count(*) from {registry} group by metric_code"
    ):
        metric = metrics.get(str(code))
        if metric is not None:
            metric.n, metric.n_null = int(rows), int(null_rows)
    numeric = [code for code, m in metrics.items() if m.value_type == "numeric"]
    labels = [code for code, m in metrics.items() if m.value_type == "label"]
    for column, codes in (("value_numeric", numeric), ("value_label", labels)):
        if not codes:
            continue
        in_list = ", ".join(f"'{code}'" for code in codes)  # codes come from the dictionary seed
        for code, value, count in wh.query(
            f"select metric_code, {column}, count(*) from {registry}"
            f" where metric_code in ({in_list}) and {column} is not null group by metric_code, {column}"
        ):
            key: object = Decimal(str(value)) if column == "value_numeric" else str(value)
            metrics[str(code)].counts[key] = int(count)
    return list(metrics.values())


def _fmt(value: float | Decimal | None, percent: bool = False) -> str:
    if value is None:
        return "-"
    return f"{float(value) * 100:.1f}%" if percent else f"{float(value):.4f}"


def render(distributions: Sequence[MetricDistribution]) -> str:
    header = (
        f"{'metric_code':<26} {'group':<11} {'type':<7} {'n':>9} {'n_null':>9} {'at_0':>7} {'p50':>11} "
        f"{'p90':>11} {'top':>7}  top value / label shares"
    )
    lines = [header, "-" * len(header)]
    for m in distributions:
        if m.value_type == "label":
            detail = ", ".join(
                f"{label} {_fmt(m.share(count), percent=True)}"
                for label, count in sorted(m.counts.items(), key=lambda item: -item[1])[:8]
            )
            if len(m.counts) > 8:
                detail += f", ... ({len(m.counts)} labels)"
        elif m.value_type == "numeric":
            detail = "-" if m.top_value is None else f"top value {m.top_value}"
        else:
            detail = "json"
        if m.is_degenerate:
            detail += "  [>95% on one value]"
        lines.append(
            f"{m.metric_code:<26} {m.metric_group:<11} {m.value_type:<7} {m.n:>9,} {m.n_null:>9,} "
            f"{_fmt(m.share_at_zero, percent=True):>7} {_fmt(m.quantile(0.5)):>11} {_fmt(m.quantile(0.9)):>11} "
            f"{_fmt(m.top_share, percent=True):>7}  {detail}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", default=None, help="Profile target (default: the profile's, LM_TARGET).")
    args = parser.parse_args(argv)
    with warehouse.connect(args.target) as wh:
        distributions = collect(wh, project.settings())
        name = wh.target.name
    print(f"metric distributions of lm_value on target '{name}'")
    print(render(distributions))
    return 0


if __name__ == "__main__":
    sys.exit(main())
