"""The dbt docs of the metric dictionary are generated from the seed and must match it."""

from __future__ import annotations

import csv
import importlib.util

from conftest import PROJECT_DIR


def _generator():
    spec = importlib.util.spec_from_file_location("gen_metric_docs", PROJECT_DIR / "scripts" / "gen_metric_docs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docs_are_in_sync_with_the_seed() -> None:
    gen = _generator()
    assert gen.OUT.read_text(encoding="utf-8") == gen.render(), "run: .venv/bin/python scripts/gen_metric_docs.py"


def test_dictionary_has_the_18_metrics_of_the_spec() -> None:
    rows = list(csv.DictReader((PROJECT_DIR / "seeds" / "lm_metric_dictionary.csv").open(encoding="utf-8")))
    groups: dict[str, int] = {}
    for row in rows:
        groups[row["metric_group"]] = groups.get(row["metric_group"], 0) + 1
    assert len(rows) == 18
    assert groups == {"operational": 3, "conversion": 3, "quality": 3, "risk": 3, "forecast": 3, "aux": 3}
    assert sum(row["produced_by"] == "dbt" for row in rows) == 15
    assert all(row["title_ru"] and row["formula"] and row["input_columns"] for row in rows)
