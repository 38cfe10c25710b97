"""Render seeds/lm_metric_dictionary.csv as dbt docs blocks (models/marts/_lm_metric_dictionary.md).

One block for the whole dictionary (used by lm_value's description) and one per metric
(`metric_<code>`), so `dbt docs` is the browsable metric dictionary. Run after editing the seed;
pytests/test_metric_docs.py fails when the two are out of sync.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "lm_metric_dictionary.csv"
OUT = ROOT / "models" / "marts" / "_lm_metric_dictionary.md"


def render(seed: Path = SEED) -> str:
    rows = sorted(csv.DictReader(seed.open(encoding="utf-8")), key=lambda row: int(row["sort_order"]))
    lines = [
        "{% docs lm_metric_dictionary_table %}",
        "Generated from seeds/lm_metric_dictionary.csv by scripts/gen_metric_docs.py - edit the seed, not this file.",
        "",
        "| group | metric_code | title (ru) | type | unit | range / labels | method | time basis | produced by |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        valid = row["allowed_labels"].replace("|", ", ") or (
            f"{row['min_value']} .. {row['max_value']}" if row["min_value"] != "" else "any"
        )
        lines.append(
            f"| {row['metric_group']} | `{row['metric_code']}` | {row['title_ru']} | {row['value_type']} | "
            f"{row['unit']} | {valid} | {row['calc_method']} | {row['time_basis']} | {row['produced_by']} |"
        )
    lines += ["{% enddocs %}", ""]
    for row in rows:
        lines += [
            f"{{% docs metric_{row['metric_code']} %}}",
            f"**{row['metric_code']}** ({row['title_ru']}) - group {row['metric_group']}, {row['value_type']}, "
            f"unit {row['unit']}, method {row['calc_method']}, time basis {row['time_basis']}.",
            "",
            f"Rule: {row['formula']}",
            "",
            f"Inputs: {row['input_columns']}. Used for: {row['used_for']}.",
            *([f"Checked against: {row['validated_outcome']}."] if row["validated_outcome"] else []),
            "{% enddocs %}",
            "",
        ]
    return "\n".join(lines)


def main() -> int:
    OUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
