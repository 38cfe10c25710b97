"""Gradings: an AI grader (0-100) and QA graders with their own scales and biases grade most answered calls,
minutes to a day after the call; a share is regraded later (a QA grader, some values corrected). A grader
may score on another scale than the seed's (GeneratorConfig.grader_scales, lm generate --grader-scale)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from lm.demo import behaviour as b
from lm.demo.behaviour import GeneratorConfig
from lm.demo.calls import Calls
from lm.demo.sampling import DAY, lognormal, pick
from lm.demo.tables import CALL_SCORES_SCHEMA, codes, int_or, scores_table, ts_numpy
from lm.demo.vocabulary import Vocabulary

if TYPE_CHECKING:
    from lm.demo.batches import Memory


class _Graders:
    """The project's graders (codes) with the generator's behaviour of each, as arrays in code order."""

    def __init__(self, v: Vocabulary, cfg: GeneratorConfig) -> None:
        self.names = v.graders
        self.draw_order = b.codes_of(v.graders, b.GRADER_SHARE)  # codes in the order of GRADER_SHARE
        share = np.array(list(b.GRADER_SHARE.values()))
        self.cum_share = np.cumsum(share) / share.sum()
        self.ai = v.graders.index(b.AI_GRADER)
        self.qa = np.array([code for code in self.draw_order if code != self.ai], dtype=np.int64)
        scales = b.grader_scales(v, cfg)
        self.low = np.array([scales[name][0] for name in v.graders], dtype=float)
        self.high = np.array([scales[name][1] for name in v.graders], dtype=float)
        # bias, noise and step are in the seed scale's points: a grader on another scale keeps them in
        # proportion (ai on 0-10: noise 0.3 instead of 3), its step no finer than the hundredths stored
        seed_width = np.array([v.grader_scales[name][1] - v.grader_scales[name][0] for name in v.graders], float)
        ratio = (self.high - self.low) / seed_width
        self.bias = b.by_code(v.graders, b.GRADER_BIAS) * ratio
        self.noise_sd = b.by_code(v.graders, b.GRADER_NOISE_SD) * ratio
        self.step = np.maximum(b.by_code(v.graders, b.GRADER_STEP) * ratio, 0.01)

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return self.draw_order[pick(rng, self.cum_share, size)]

    def draw_qa(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return self.qa[rng.integers(0, len(self.qa), size)]


def template_sizes(v: Vocabulary) -> np.ndarray:
    """Items per checklist template, indexed by template code."""
    return np.array([v.checklist_items[name] for name in v.checklist_templates])


def gradings(
    rng: np.random.Generator,
    v: Vocabulary,
    calls: Calls,
    end_ts: np.ndarray,
    skill: np.ndarray,
    cfg: GeneratorConfig,
) -> pa.Table:
    """Every grading of the batch's calls (first gradings, regradings, a few third gradings), ids 0."""
    graders = _Graders(v, cfg)
    sizes = template_sizes(v)
    cat_code, out_code = v.categories.index, v.outcomes.index
    answered = calls.status == v.statuses.index("answered")
    n = len(calls.ts)
    graded = answered & (rng.random(n) < np.where(calls.inbound, cfg.graded_share, 0.65))
    rows = np.flatnonzero(graded)
    m = len(rows)
    cat = calls.category[rows].astype(np.int64)
    out = calls.outcome[rows].astype(np.int64)
    template = _template(v, calls, rows, cat)
    size = sizes[template]
    quality = (
        0.3
        + 0.55 * skill[rows]
        + 0.08 * (out == out_code("record"))
        - 0.12 * (cat == cat_code("complaint"))
        - 0.05 * (calls.await_sec[rows] > 60)
        + 0.08 * rng.standard_normal(m)
    ).clip(0, 1)
    checklist = rng.binomial(size, (quality * 1.05).clip(0, 1))
    grader = graders.draw(rng, m)
    created = end_ts[rows] + np.where(
        grader == graders.ai,
        60 + np.round(lognormal(rng, 420.0, 0.8, m)).clip(0, 6 * 3600),
        900 + np.round(lognormal(rng, 4 * 3600.0, 0.9, m)).clip(0, 23 * 3600),
    ).astype(np.int64)
    edited = rng.random(m) < 0.2
    updated = created + np.where(edited, rng.integers(30, 1800, m), 0)
    call_type, context = _call_type_and_context(v, calls, rows, cat)
    service_ids = np.array([0, *v.service_ids], dtype=np.int64)  # catalogue position + 1 -> service_id
    first = {
        "row": rows,
        "is_target": calls.is_target[rows].astype(np.int64),
        "outcome": out,
        "reason": calls.reason[rows].astype(np.int64),
        "category": cat,
        "call_type": call_type,
        "context": context,
        "service": service_ids[calls.service[rows]],
        "doctor": calls.doctor[rows],
        "checklist": checklist,
        "template": template,
        "quality": quality,
        "grader": grader,
        "created": created,
        "updated": updated,
    }
    second = _regrade(rng, v, graders, first, cfg.regrade_share, 3600, 7 * DAY)
    third = _regrade(rng, v, graders, second, 0.1, 3600, 3 * DAY)
    parts = [first, second, third]
    merged = {key: np.concatenate([part[key] for part in parts]) for key in first}
    merged["score"] = _score(
        rng, v, graders, merged["quality"], merged["checklist"], merged["template"], merged["grader"]
    )
    row = merged["row"]
    return scores_table(
        v,
        {
            "id": np.zeros(len(row), np.int64),
            "history_id": calls.history_id[row],
            "call_date": calls.ts[row] // DAY,
            **{key: merged[key] for key in merged if key not in ("row", "quality")},
        },
    )


def _template(v: Vocabulary, calls: Calls, rows: np.ndarray, cat: np.ndarray) -> np.ndarray:
    """The checklist template a grading uses: by direction, category and the script version."""
    cat_code, tpl_code = v.categories.index, v.checklist_templates.index
    return np.select(
        [
            ~calls.inbound[rows],
            cat == cat_code("complaint"),
            cat == cat_code("booking"),
            np.isin(cat, b.codes_of(v.categories, ("reschedule", "cancel"))),
        ],
        [
            tpl_code(b.TEMPLATE_OUTBOUND),
            tpl_code(b.TEMPLATE_COMPLAINT),
            np.where(calls.script_v2[rows], tpl_code(b.TEMPLATE_BOOKING[1]), tpl_code(b.TEMPLATE_BOOKING[0])),
            tpl_code(b.TEMPLATE_SERVICE),
        ],
        default=tpl_code(b.TEMPLATE_OTHER),
    )


def _call_type_and_context(
    v: Vocabulary, calls: Calls, rows: np.ndarray, cat: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """call_type (service calls, repeat callers, else primary) and context_type of the graded calls."""
    call_type = np.where(
        np.isin(cat, b.codes_of(v.categories, b.SERVICE_CALL_CATEGORIES)),
        b.CALL_TYPES.index("service"),
        np.where(calls.parent[rows] >= 0, b.CALL_TYPES.index("repeat"), b.CALL_TYPES.index("primary")),
    )
    after_hours = ~calls.open_hours[rows]
    returning = calls.parent[rows] >= 0
    ad_channel = np.isin(calls.channel[rows], b.codes_of(b.CHANNELS, b.AD_CHANNELS))
    context = np.select(
        [after_hours, ~calls.inbound[rows], calls.campaign[rows] & ad_channel, returning],
        [b.CONTEXT_TYPES.index(name) for name in ("after_hours", "callback", "campaign", "returning_patient")],
        default=b.CONTEXT_TYPES.index("new_patient"),
    )
    return call_type, context


def _regrade(
    rng: np.random.Generator,
    v: Vocabulary,
    graders: _Graders,
    base: dict[str, np.ndarray],
    share: float,
    min_delay: int,
    max_delay: int,
) -> dict[str, np.ndarray]:
    """Regradings of a ``share`` of ``base`` gradings: a QA grader, later, some values corrected."""
    chosen = np.flatnonzero(rng.random(len(base["row"])) < share)
    k = len(chosen)
    new = {key: values[chosen].copy() for key, values in base.items()}
    new["grader"] = graders.draw_qa(rng, k)
    new["created"] = new["updated"] + np.round(
        min_delay + lognormal(rng, 20 * 3600.0, 0.8, k).clip(0, max_delay - min_delay)
    ).astype(np.int64)
    new["updated"] = new["created"] + np.where(rng.random(k) < 0.2, rng.integers(30, 1800, k), 0)
    _correct(rng, v, new)
    return new


def _correct(rng: np.random.Generator, v: Vocabulary, grading: dict[str, np.ndarray]) -> None:
    """What a second look changes: the outcome (a callback that did book, a record that did not),
    sometimes the category or the target flag, the checklist count by one, the judged quality."""
    k = len(grading["row"])
    record = v.outcomes.index("record")
    flip = rng.random(k) < 0.25
    out = grading["outcome"]
    to_record = flip & np.isin(out, b.codes_of(v.outcomes, ("no_record", "callback")))
    to_no_record = flip & (out == record)
    out[to_record] = record
    out[to_no_record] = v.outcomes.index("no_record")
    grading["reason"][to_record] = -1
    no_slots = v.refusal_reasons.index("no_slots")
    grading["reason"][to_no_record] = np.where(rng.random(int(to_no_record.sum())) < 0.5, no_slots, -1)
    grading["is_target"][to_record] = 1
    recat = rng.random(k) < 0.08
    grading["category"][recat] = rng.integers(0, len(v.categories), int(recat.sum()))
    size = template_sizes(v)[grading["template"]]
    grading["checklist"] = (grading["checklist"] + rng.integers(-1, 2, k)).clip(0, size)
    grading["quality"] = (grading["quality"] + 0.06 * rng.standard_normal(k)).clip(0, 1)


def _score(
    rng: np.random.Generator,
    v: Vocabulary,
    graders: _Graders,
    quality: np.ndarray,
    checklist: np.ndarray,
    template: np.ndarray,
    grader: np.ndarray,
) -> np.ndarray:
    """call_score on each grader's own scale, with the grader's bias; returned in hundredths."""
    m = len(quality)
    judged = (0.7 * quality + 0.3 * checklist / template_sizes(v)[template] + 0.05 * rng.standard_normal(m)).clip(0, 1)
    lows, highs = graders.low[grader], graders.high[grader]
    raw = lows + (highs - lows) * judged + graders.bias[grader] + graders.noise_sd[grader] * rng.standard_normal(m)
    step = graders.step[grader]
    value = (np.round(raw / step) * step).clip(lows, highs)
    return np.round(value * 100).astype(np.int64)


def regrade_existing(
    rng: np.random.Generator, memory: Memory, scores: pa.Table, share: float, until_ts: int
) -> pa.Table:
    """Late regradings of a share of clean gradings in ``scores`` (for late_gradings)."""
    v = memory.vocabulary
    if share <= 0 or scores.num_rows == 0:
        return CALL_SCORES_SCHEMA.empty_table()
    graders = _Graders(v, memory.config)
    outcome_code = codes(scores["outcome"], v.outcomes)
    template_code = codes(scores["category_checklist"], v.checklist_templates)
    grader_code = codes(scores["scored_by"], v.graders)
    cat_code = codes(scores["call_category"], v.categories)
    checklist = scores["number_checklist"].to_numpy(zero_copy_only=False)
    updated = ts_numpy(scores["updated_at"])
    history_id = scores["history_id"].to_numpy().astype(np.int64)
    usable = (
        (outcome_code >= 0)
        & (template_code >= 0)
        & (grader_code >= 0)
        & (cat_code >= 0)
        & ~np.isnan(checklist.astype(float))
        & (updated <= memory.as_of_ts)
        & ~np.isin(history_id, memory.deleted_ids)
    )
    rows = np.flatnonzero(usable & (rng.random(scores.num_rows) < share))
    k = len(rows)
    if k == 0:
        return CALL_SCORES_SCHEMA.empty_table()
    size = template_sizes(v)[template_code[rows]]
    quality = (checklist[rows].astype(float) / size + 0.1 * rng.standard_normal(k)).clip(0, 1)
    grading = {
        "row": rows,
        "is_target": int_or(scores["is_target"], -1)[rows],
        "outcome": outcome_code[rows],
        "reason": codes(scores["refusal_reason"], v.refusal_reasons)[rows],
        "category": cat_code[rows],
        "call_type": codes(scores["call_type"], b.CALL_TYPES)[rows],
        "context": codes(scores["context_type"], b.CONTEXT_TYPES)[rows],
        "service": int_or(scores["requested_service_id"], 0)[rows],
        "doctor": int_or(scores["doctor_id"], 0)[rows],
        "checklist": checklist[rows].astype(np.int64),
        "template": template_code[rows],
        "quality": quality,
        "grader": graders.draw_qa(rng, k),
    }
    start = np.maximum(updated[rows], memory.as_of_ts) + 1
    grading["created"] = start + (rng.random(k) * np.maximum(until_ts - start, 0)).astype(np.int64)
    grading["updated"] = grading["created"]
    _correct(rng, v, grading)
    score = _score(
        rng, v, graders, grading.pop("quality"), grading["checklist"], grading["template"], grading["grader"]
    )
    grading.pop("row")
    return scores_table(
        v,
        {
            "id": np.zeros(k, np.int64),
            "history_id": history_id[rows],
            "call_date": scores["call_date"].to_numpy().astype("datetime64[D]").astype(np.int64)[rows],
            **grading,
            "score": score,
        },
    )
