"""The label vocabularies of LM's rules, read from the project files the rules themselves read.

The generator writes no label list of its own for what LM's rules know: call directions, statuses and
outcomes come from the ``vars:`` of dbt_project.yml, call categories, refusal reasons, graders (with their
scales), checklist templates (with their item counts) and the service catalogue from the seeds. So the demo
data and the rules cannot drift apart: a label added, renamed or dropped on one side fails
:func:`lm.demo.behaviour.check` loudly until the generator models it.

Codes: every label set is a tuple in the project file's order, and a label's code is its position.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from lm import project


class VocabularyError(ValueError):
    """The project's vocabularies and the generator's behaviour tables disagree."""


@dataclass(frozen=True)
class Vocabulary:
    """LM's label sets (clean labels only; the generator's dirt adds odd variants and unknown labels)."""

    directions: tuple[str, ...]
    statuses: tuple[str, ...]
    outcomes: tuple[str, ...]
    categories: tuple[str, ...]
    refusal_reasons: tuple[str, ...]
    #: grader -> (scale_min, scale_max); concrete graders only (no family pattern like qa:*, no default row)
    grader_scales: Mapping[str, tuple[int, int]]
    #: checklist template -> number of items (a fulfilled count above it is dirty)
    checklist_items: Mapping[str, int]
    #: the service catalogue's service_id values, in the seed's order
    service_ids: tuple[int, ...]
    #: where each label set was read from (for error messages)
    sources: Mapping[str, str]

    @property
    def graders(self) -> tuple[str, ...]:
        return tuple(self.grader_scales)

    @property
    def checklist_templates(self) -> tuple[str, ...]:
        return tuple(self.checklist_items)


def _seed_path(root: Path, seed_paths: list[str], name: str) -> Path:
    for folder in seed_paths:
        found = sorted((root / folder).rglob(f"{name}.csv"))
        if found:
            return found[0]
    raise VocabularyError(f"seed {name}.csv not found under {', '.join(seed_paths)} of {root}")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _labels(values: Any, source: str) -> tuple[str, ...]:
    if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
        raise VocabularyError(f"{source} must be a non-empty list of labels, is {values!r}")
    if len(set(values)) != len(values):
        raise VocabularyError(f"{source} lists a label twice: {values}")
    return tuple(values)


def _is_concrete_grader(code: str) -> bool:
    return "*" not in code and code != "default"


def read_vocabulary(root: Path) -> Vocabulary:
    """Read the vocabularies from the LM project at `root`."""
    dbt_project = yaml.safe_load((root / "dbt_project.yml").read_text(encoding="utf-8"))
    variables = dict(dbt_project.get("vars") or {})
    seed_paths = list(dbt_project.get("seed-paths") or ["seeds"])
    sources: dict[str, str] = {}

    def var(name: str, key: str) -> tuple[str, ...]:
        sources[key] = f"dbt_project.yml vars.{name}"
        return _labels(variables.get(name), sources[key])

    def seed(name: str, key: str) -> list[dict[str, str]]:
        path = _seed_path(root, seed_paths, name)
        sources[key] = str(path.relative_to(root))
        return _rows(path)

    categories = _labels([row["call_category"] for row in seed("lm_call_categories", "categories")], "categories")
    reasons = _labels([row["refusal_reason"] for row in seed("lm_refusal_reasons", "refusal_reasons")], "reasons")
    scales = {
        row["grader_code"]: (int(row["scale_min"]), int(row["scale_max"]))
        for row in seed("lm_grader_scales", "graders")
        if _is_concrete_grader(row["grader_code"])
    }
    items: dict[str, int] = {}
    for row in seed("lm_checklist_template_items", "checklist_templates"):
        items[row["checklist_template"]] = items.get(row["checklist_template"], 0) + 1
    service_ids = tuple(int(row["service_id"]) for row in seed("lm_service_catalogue", "services"))
    if not service_ids or any(i <= 0 for i in service_ids):
        raise VocabularyError(f"{sources['services']}: service ids must be positive, have {service_ids}")
    return Vocabulary(
        directions=var("lm_call_directions", "directions"),
        statuses=var("lm_call_statuses", "statuses"),
        outcomes=var("lm_outcomes", "outcomes"),
        categories=categories,
        refusal_reasons=reasons,
        grader_scales=scales,
        checklist_items=items,
        service_ids=service_ids,
        sources=sources,
    )


@lru_cache(maxsize=4)
def _cached(root: Path) -> Vocabulary:
    from lm.demo import behaviour

    vocabulary = read_vocabulary(root)
    behaviour.check(vocabulary)
    return vocabulary


def vocabulary(root: Path | None = None) -> Vocabulary:
    """The vocabularies of the LM project (default: lm.project.project_dir()), checked against the generator."""
    return _cached((root or project.project_dir()).resolve())
