"""The project's structure as dbt sees it (dbt parse on both targets): the run state is in the lineage of
lm_value, every model and column is documented, every model has a key test or says why it has none,
metric columns use the dictionary's docs blocks, and the composite-key test catches a duplicated key."""

from __future__ import annotations

import csv
import json
from typing import Any

import pytest

from conftest import PROJECT_DIR, LmProject

# One-row aggregates: no key to test, each says so in its description.
KEYLESS_MODELS = {"int_calc_params", "int_scoring_batch"}


@pytest.fixture(scope="module")
def manifest(lm_project: LmProject) -> dict[str, Any]:
    lm_project.dbt("parse")
    return json.loads((lm_project.tmp_dir / "target" / "manifest.json").read_text())


def _upstream(manifest: dict[str, Any], unique_id: str) -> set[str]:
    nodes = {**manifest["nodes"], **manifest["sources"]}
    seen: set[str] = set()
    todo = [unique_id]
    while todo:
        for parent in nodes.get(todo.pop(), {}).get("depends_on", {}).get("nodes", []):
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


def _models(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {node["name"]: node for node in manifest["nodes"].values() if node["resource_type"] == "model"}


def test_run_state_is_in_the_lineage_of_lm_value(manifest: dict[str, Any]) -> None:
    upstream = _upstream(manifest, "model.lm.lm_value")
    assert {"source.lm.lm_state.lm_run_log", "source.lm.lm_state.lm_scored_calls"} <= upstream
    scope_parents = set(manifest["nodes"]["model.lm.int_scoring_scope"]["depends_on"]["nodes"])
    assert {"model.lm.stg_lm_state__run_log", "model.lm.stg_lm_state__scored_calls"} <= scope_parents


def test_sources_are_read_only_by_staging(manifest: dict[str, Any]) -> None:
    readers = {
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and any(p.startswith("source.") for p in node["depends_on"]["nodes"])
    }
    assert readers and all(name.startswith("stg_") for name in readers), readers


def test_every_model_and_column_is_documented(manifest: dict[str, Any]) -> None:
    undocumented = [
        f"{name}.{column}" if column else name
        for name, node in _models(manifest).items()
        for column in [None, *node["columns"]]
        if not (node["columns"][column]["description"] if column else node["description"]).strip()
    ]
    assert undocumented == []


def test_every_model_has_a_key_test(manifest: dict[str, Any]) -> None:
    tested: set[str] = set()
    for node in manifest["nodes"].values():
        if node["resource_type"] != "test":
            continue
        name = (node.get("test_metadata") or {}).get("name")
        is_key_test = name in {"unique", "unique_combination"} or "one_row_per" in node["name"]
        if is_key_test:
            tested |= {parent.split(".")[-1] for parent in node["depends_on"]["nodes"]}
    models = _models(manifest)
    assert sorted(set(models) - tested - KEYLESS_MODELS) == []
    for name in KEYLESS_MODELS:
        assert "no key to test" in models[name]["description"]


def test_metric_columns_use_the_dictionary_docs(manifest: dict[str, Any]) -> None:
    codes = [row["metric_code"] for row in csv.DictReader((PROJECT_DIR / "seeds" / "lm_metric_dictionary.csv").open())]
    metric_docs = {doc["name"]: doc["block_contents"].strip() for doc in manifest["docs"].values()}
    seen = 0
    for name, node in _models(manifest).items():
        if not name.startswith("int_metrics_"):
            continue
        for column, spec in node["columns"].items():
            if column in codes:
                seen += 1
                assert spec["description"].strip() == metric_docs[f"metric_{column}"], f"{name}.{column}"
    assert seen == 18  # the 15 rule metrics and the 3 forecast metrics (int_metrics_forecast)


def test_unique_combination_fails_on_a_duplicated_key(lm_project: LmProject) -> None:
    """The seed key tests: pass on the shipped seeds, fail (with the duplicated key) on a doubled row."""
    lm_project.dbt("seed", "--select", "lm_calc_profiles", "lm_checklist_template_items")
    select = ["--select", "test_name:unique_combination"]
    lm_project.dbt("test", *select)
    assert {r["status"] for r in lm_project.run_results()} == {"pass"}
    assert len(lm_project.run_results()) == 2
    lm_project.query(
        "insert into {lm}.lm_calc_profiles select * from {lm}.lm_calc_profiles"
        " where calc_profile = 'default_v1' and parameter_code = 'sla_answer_sec'"
    )
    proc = lm_project.dbt("test", *select, check=False)
    assert proc.returncode != 0
    failures = {r["unique_id"].split(".")[2]: (r["status"], r["failures"]) for r in lm_project.run_results()}
    assert failures == {
        "unique_combination_lm_calc_profiles_calc_profile__parameter_code": ("fail", 1),
        "unique_combination_lm_checklist_template_items_checklist_template__item_position": ("pass", 0),
    }
