"""The 15 rule-based metrics on both targets, pinned by a hand-made fixture with hand-worked expected values
(and the 3 forecast metrics' unscored rows beside them).

19 calls (17 valid, 2 quarantined) and 14 gradings (one superseded, one orphan), built so that every branch
of every rule in seeds/lm_metric_dictionary.csv is hit at least once. The expected values below were worked
out by hand from the dictionary's words and the seeds (lm_calc_profiles default_v1 / night_shift_v1,
lm_call_categories, lm_checklist_template_items, lm_grader_scales, lm_refusal_reasons, lm_service_catalogue,
lm_service_categories); each carries its arithmetic in a comment. They are not computed by code.

Profile default_v1 in short: SLA 20 s -> 1, 120 s -> 0; rules 1.1 summarised above EXPECTED.
night_shift_v1 differs only in SLA 45/240.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pytest

from conftest import LmProject, call_history_table

# --------------------------------------------------------------------------------------------------------
# fixture: calls and gradings
# --------------------------------------------------------------------------------------------------------


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A fixed past time in March 2025 (2025-03-03 is a Monday)."""
    return dt.datetime(2025, 3, day, hour, minute)


FUTURE = dt.datetime.now().replace(microsecond=0) + dt.timedelta(days=10)

# Fake numbers only: '+000' + 7 digits. One letter per caller.
A, B, C, D, E, F, G, H, I_, J, K, L, M, N = (f"+000{n:07d}" for n in range(101, 115))
TRANSCRIPT = "caller asks about an appointment and the operator answers politely"

# history_id, started, caller, operator, channel, direction, status, await, duration, talk
CALLS: list[tuple[Any, ...]] = [
    (1, at(3, 9), A, 7, "site", "in", "answered", 10, 200, 180),  # fast answer, regraded, booked
    (2, at(3, 11, 30), A, 7, "site", "in", "answered", 20, 300, 250),  # same caller 2.5 h later, at the SLA
    (3, at(3, 14), B, 8, "2gis", "in", "answered", 50, 400, 360),  # between SLA and zero, price refusal
    (4, at(3, 22, 30), C, 8, "site", "in", "answered", 150, 200, 30),  # slow, off-hours, ungraded
    (5, at(4, 10, 15), D, None, "google_ads", "in", "missed", 40, 40, 0),  # missed, answered 5 h later
    (6, at(4, 15, 15), D, 7, "google_ads", "in", "answered", 5, 600, 590),  # complaint, grader 'robot'
    (7, at(5, 7, 30), E, None, "site", "in", "missed", 30, 30, None),  # missed, nobody got back
    (8, at(5, 12), F, None, "site", "in", "abandoned", 420, 420, 0),  # abandoned after a long wait
    (9, at(5, 16), None, None, None, "in", "busy", None, None, None),  # busy, no caller number
    (10, at(5, 18), G, 9, "repeat", "out", "answered", 12, 120, 100),  # outbound, booked
    (11, at(6, 9, 30), H, 9, "site", "in", "answered", 8, 100, 250),  # talk > duration, no_slots
    (12, at(6, 11), I_, 7, "site", "in", "answered", -5, 90, 80),  # negative await
    (13, at(6, 20, 30), J, 8, "site", "in", "answered", 15, 50_000, 200),  # absurd duration
    (14, FUTURE, K, 8, "site", "in", "answered", 10, 100, 90),  # future start: quarantined
    (15, at(6, 12), M, 8, "site", "in", " Transferred ", 10, 100, 90),  # unknown status: quarantined
    (16, at(7, 10, 30), L, 7, "prodoctorov", "in", "answered", 25, 240, 200),  # no_record, books 2 days later
    (17, at(9, 10, 30), L, 7, "prodoctorov", "in", "answered", 20, 300, 280),  # the booking
    (18, at(8, 9), L, None, "prodoctorov", "in", "missed", 60, 60, 0),  # between 16 and 17: missed
    (19, at(8, 13), N, 9, "site", "in", "answered", 100, 150, 40),  # outcome NULL, doctor_unavailable
]
VALID_IDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 16, 17, 18, 19]
QUARANTINED = {14: "future_call_start", 15: "unknown_call_status"}

# id, history_id, updated_at, is_target, outcome, refusal_reason, call_category, call_type,
# requested_service_id, number_checklist, category_checklist, call_score, scored_by
GRADINGS: list[tuple[Any, ...]] = [
    (100, 1, at(3, 10), 1, "no_record", None, "booking", "primary", 11, 2, "booking_v1", 30, "ai"),  # superseded
    (101, 1, at(3, 15), 1, " Record ", None, "booking", "primary", 11, 5, "booking_v1", 80, "AI"),
    (102, 2, at(3, 13), 1, "callback", None, "question", "primary", 21, None, None, Decimal("3.5"), "qa:3"),
    (103, 3, at(3, 16), 1, "refusal", "price", "booking", "primary", 41, 15, "booking_v2", Decimal("2.5"), "qa:77"),
    (104, 6, at(4, 17), 0, "info_only", None, "complaint", "primary", 1, 3, "complaint_v1", 45, "robot"),
    (105, 10, at(5, 19), 1, "record", None, "booking", "service", 31, 8, "outbound_v1", 90, "ai"),
    (106, 11, at(6, 10), 1, "no_record", "no_slots", "booking", "primary", 999, 4, "legacy_x", 7, "qa:1"),
    (107, 12, at(6, 12), 0, "info_only", None, "question", "repeat", None, 0, "info_v1", 32, "ai"),
    (108, 13, at(6, 21), 1, "mystery", None, "weird_cat", "primary", None, None, "booking_v1", 6, "qa:2"),
    (109, 15, at(6, 13), 1, "record", None, "booking", "primary", 1, 5, "booking_v1", 90, "ai"),  # quarantined
    (110, 16, at(7, 11), 1, "no_record", "changed_mind", "booking", "primary", 2, 12, "booking_v1", 55, "ai"),
    (111, 17, at(9, 11), 1, "record", None, "booking", "repeat", 51, 9, "booking_v1", 100, "ai"),
    (112, 999, at(9, 12), 1, "record", None, "booking", "primary", 1, 5, "booking_v1", 90, "ai"),  # orphan
    (113, 19, at(8, 14), 1, None, "doctor_unavailable", "reschedule", "primary", 13, 4, "service_v1", 2, "qa:4"),
]
LATEST_GRADING = {1: 101, 2: 102, 3: 103, 6: 104, 10: 105, 11: 106, 12: 107, 13: 108, 16: 110, 17: 111, 19: 113}

# --------------------------------------------------------------------------------------------------------
# expected values, default_v1, worked out by hand
# --------------------------------------------------------------------------------------------------------
# Order of the tuple: response_speed_score, talk_time_efficiency, queue_impact_index, conversion_score,
# lost_opportunity_score, cross_sell_potential, checklist_coverage_ratio, normalized_call_score,
# script_risk_index, churn_risk_level, complaint_risk_flag, followup_needed_flag.
# Checklist weights: booking_v1 1,.5,1,1.5,1.5,1,2,1.5,2,1,.5,.5 (sum 14); complaint_v1 sum 15; outbound_v1 8 items.
# Rules 1.1 (default_v1), in short:
#   talk_time_efficiency = min(talk/norm, norm/talk), norm = category target (booking 240, question 150,
#     complaint 300, reschedule 120, unknown 180) x outcome factor (record 1.2, callback 1.0, no_record 0.9,
#     refusal 0.8, info_only 0.7, other 1.0); NULL when unanswered or the talk is dirty.
#   queue_impact_index = operator-minutes: answered (talk + 30 s after-call work) / 60; missed or abandoned
#     inbound (category target, else 180, + 30) / 60; busy 0; dirty talk -> category target + 30.
#   lost_opportunity_score of a missed/abandoned inbound call: 0.6 x 3000 x (1 - 0.35) / 1000 = 1.17.
#   script_risk_index (graded answered only, else NULL) = sum(w x component) / sum(w) over the known components:
#     checklist .3 x (1 - coverage), score .3 x (1 - normalized), context .2 x (complaint, call_type repeat, a
#     previous call within the window, or a wait >= 120 s), overrun .2 x (talk_time_efficiency < 0.5).
#   churn: booked -> low; else target refusal +2, target no_record/info_only +1, unanswered inbound +2, wait
#     >= 120 s +1, clinic-side reason +1, answered complaint +1, score < .3 +1, callback -1; medium >= 2, high >= 3.
#   complaint: answered complaint, target refusal, wait >= 120 s, or score < .3.
#   follow-up: trigger (callback, unanswered inbound from a known number, clinic-side loss) and no later
#     answered call of the caller within the 7-day window.
RULE_METRICS = (
    "response_speed_score",
    "talk_time_efficiency",
    "queue_impact_index",
    "conversion_score",
    "lost_opportunity_score",
    "cross_sell_potential",
    "checklist_coverage_ratio",
    "normalized_call_score",
    "script_risk_index",
    "churn_risk_level",
    "complaint_risk_flag",
    "followup_needed_flag",
)
Expected = tuple[
    float | None, float | None, float, float, float, float, float | None, float | None, float | None, str, str, str
]

EXPECTED: dict[int, Expected] = {
    # 1: answered in 10 s; latest grading 101 (record, booking, ultrasound_abdomen = diagnostics), 09:00
    1: (
        1.0,  # 10 <= 20
        0.625,  # norm 240 x 1.2 = 288; 180 / 288
        3.5,  # (180 + 30) / 60
        1.0,  # booked
        0.0,  # booked: no loss
        0.55,  # diagnostics 0.55 x booked 1.0
        0.3929,  # booking_v1 first 5 items 1+.5+1+1.5+1.5 = 5.5 / 14 = 0.392857
        0.8,  # ai 0-100: 80/100 - 0
        0.2421,  # .3 x 8.5/14 + .3 x .2 + .2 x 0 + .2 x 0 (fit .625) = .182143 + .06, all weights known (1.0)
        "low",  # booked
        "false",
        "false",
    ),
    # 2: same caller 2.5 h after call 1, answered at 20 s, callback agreed, question, blood_general (lab, 600)
    2: (
        1.0,  # 20 <= 20 (at the SLA)
        0.6,  # norm 150 x 1.0 = 150; talk 250 over it: 150 / 250
        4.6667,  # (250 + 30) / 60 = 4.666667
        0.5,  # target callback 0.5 (the caller's later calls are not read)
        0.21,  # 600 x 0.7 (no reason: default) x 0.5 (callback) / 1000
        0.24,  # lab 0.6 x not booked 0.4
        None,  # number_checklist missing
        0.55,  # qa:3 1-5: (3.5-1)/4 = 0.625 - 0.075
        0.4786,  # no checklist: (.3 x .45 + .2 x 1 (prev call 2.5 h) + .2 x 0 (fit .6)) / (.3+.2+.2) = .335/.7
        "low",  # callback -1
        "false",
        "true",  # callback agreed, no later answered call of the caller
    ),
    # 3: answered at 50 s, target refusal for price, minor_surgery (catalogue 15000, surgery 0.25), 14:00
    3: (
        0.7,  # 1 - (50-20)/(120-20)
        0.5333,  # norm 240 x 0.8 = 192; 192 / 360 = 0.533333
        6.5,  # (360 + 30) / 60
        0.05,  # target refusal
        15.0,  # 15000 x price 1.0 / 1000
        0.1,  # surgery 0.25 x 0.4
        1.0,  # booking_v2 has 10 items, 15 done -> capped
        0.25,  # qa:77 -> family qa:* 0-10, offset 0: 2.5/10
        0.225,  # .3 x 0 + .3 x .75 + 0 context + 0 (fit .5333 >= .5)
        "high",  # target refusal +2, score .25 < .3 +1 = 3
        "true",  # target refusal (and score .25 < .3)
        "false",  # price is not clinic-side
    ),
    # 4: answered at 150 s, ungraded, 22:30
    4: (
        0.0,  # 150 >= 120
        0.1667,  # no category: 180 x other 1.0; 30 / 180 = 0.166667
        1.0,  # (30 + 30) / 60
        0.1,  # ungraded answered: conversion_weight_other
        0.0,  # ungraded
        0.12,  # unknown service: 0.3 x 0.4
        None,  # ungraded
        None,  # ungraded
        None,  # ungraded: no script risk
        "low",  # waited 150 >= 120: +1
        "true",  # waited 150 >= 120
        "false",
    ),
    # 5: missed at 10:15, the same caller got an answered call 5 h later (call 6)
    5: (
        0.0,  # missed
        None,  # unanswered
        3.5,  # missed inbound, no category: (180 + 30) / 60
        0.0,  # unanswered ungraded
        1.17,  # expected loss of a missed inbound call: 0.6 x 3000 x 0.65 / 1000
        0.0,  # unanswered
        None,
        None,
        None,  # ungraded
        "medium",  # unanswered +2 (later calls are not read)
        "false",  # waited 40 < 120
        "false",  # triggered, cleared by the answered call 6
    ),
    # 6: answered at 5 s, non-target complaint, info_only, therapist (consultation 0.35), grader 'robot', 15:15
    6: (
        1.0,  # 5 <= 20
        0.3559,  # norm 300 x 0.7 = 210; 210 / 590 = 0.355932
        10.3333,  # (590 + 30) / 60 = 10.333333
        0.0,  # non-target
        0.0,  # non-target
        0.14,  # consultation 0.35 x 0.4
        0.2667,  # complaint_v1 first 3 items 1+1+2 = 4 / 15
        0.45,  # unknown grader -> default 0-100: 45/100
        0.785,  # .3 x 11/15 + .3 x .55 + .2 (complaint, prev call 5 h) + .2 (fit .356 < .5) = .22+.165+.4
        "low",  # non-target: answered complaint +1 = 1
        "true",  # answered complaint
        "false",
    ),
    # 7: missed at 07:30, the caller never got an answered call
    7: (
        0.0,  # missed
        None,
        3.5,  # (180 + 30) / 60
        0.0,
        1.17,  # expected loss
        0.0,
        None,
        None,
        None,
        "medium",  # unanswered +2
        "false",  # waited 30 < 120
        "true",  # unanswered and nobody got back
    ),
    # 8: abandoned after 420 s at 12:00
    8: (
        0.0,  # abandoned
        None,
        3.5,  # (180 + 30) / 60
        0.0,
        1.17,  # expected loss
        0.0,
        None,
        None,
        None,
        "high",  # unanswered +2, waited 420 >= 120 +1 = 3
        "true",  # waited 420 >= 120
        "true",
    ),
    # 9: busy, everything NULL, no caller number at 16:00
    9: (
        0.0,  # inbound, not answered
        None,
        0.0,  # busy: no work offered to an operator
        0.0,
        0.0,  # busy is not a missed/abandoned call
        0.0,
        None,
        None,
        None,
        "low",  # busy: no points
        "false",
        "false",  # busy, and no number to call back
    ),
    # 10: outbound, answered, booked, dental_check (dentistry 0.45), outbound_v1 fully done, 18:00
    10: (
        None,  # outbound: not applicable
        0.3472,  # norm 240 x 1.2 = 288; 100 / 288 = 0.347222
        2.1667,  # (100 + 30) / 60 = 2.166667
        1.0,
        0.0,
        0.45,  # dentistry 0.45 x 1.0
        1.0,  # 8 of 8 items (not capped)
        0.9,  # ai: 90/100
        0.23,  # .3 x 0 + .3 x .1 + 0 context + .2 (fit .347 < .5)
        "low",  # booked
        "false",
        "false",
    ),
    # 11: talk 250 > duration 100 (talk capped to 100), target no_record for no_slots, service 999 unknown
    11: (
        1.0,  # 8 <= 20
        0.463,  # norm 240 x 0.9 = 216; 100 / 216 = 0.462963
        2.1667,  # (100 + 30) / 60
        0.15,  # target no_record
        3.0,  # service not in catalogue: default 3000 x no_slots 1.0 / 1000
        0.12,  # unknown category 0.3 x 0.4
        0.4,  # unknown template legacy_x: 4 / 10
        0.63,  # qa:1 0-10: 7/10 - 0.07
        0.491,  # .3 x .6 + .3 x .37 + 0 context + .2 (fit .463 < .5) = .18 + .111 + .2
        "medium",  # target no_record +1, clinic-side no_slots +1 = 2
        "false",
        "true",  # clinic-side reason (no_slots), no later answered call
    ),
    # 12: await -5 (unknown), non-target info_only question, call_type repeat (no previous call), info_v1 with
    # 0 items, score 32. 11:00
    12: (
        None,  # answered with no usable await
        0.7619,  # norm 150 x 0.7 = 105; 80 / 105 = 0.761905
        1.8333,  # (80 + 30) / 60 = 1.833333
        0.0,  # non-target
        0.0,
        0.12,  # no service: 0.3 x 0.4
        0.0,  # 0 items done
        0.32,  # ai: 32/100
        0.704,  # .3 x 1 + .3 x .68 + .2 (call_type repeat) + 0 (fit .76) = .3 + .204 + .2
        "low",  # non-target, score .32 not < .3, unknown wait: 0
        "false",  # .32 not < .3, not a complaint, no known wait
        "false",
    ),
    # 13: duration 50000 (absurd), target with unknown outcome 'mystery' and category, 20:30
    13: (
        1.0,  # 15 <= 20
        None,  # absurd durations: the talk is dirty
        3.5,  # dirty talk replaced by the unknown category's 180 s: (180 + 30) / 60
        0.1,  # target, unknown outcome, answered: conversion_weight_other
        2.1,  # no service: 3000 x no reason 0.7 / 1000
        0.12,  # 0.3 x 0.4
        None,  # number_checklist missing
        0.68,  # qa:2 0-10: 6/10 + 0.08
        0.192,  # no checklist, no usable talk: (.3 x .32 + .2 x 0) / (.3 + .2) = .096 / .5
        "low",
        "false",
        "false",
    ),
    # 16: answered at 25 s, target no_record (changed_mind), cardiologist 2350; the caller misses a call 22.5 h
    # later (18) and books 48 h later (17)
    16: (
        0.95,  # 1 - (25-20)/100
        0.9259,  # norm 216; 200 / 216 = 0.925926
        3.8333,  # (200 + 30) / 60 = 3.833333
        0.15,  # target no_record; the later booking (call 17) is not read at call time
        0.94,  # 2350 x changed_mind 0.4 / 1000
        0.14,  # consultation 0.35 x 0.4
        1.0,  # 12 of 12 booking_v1 items
        0.55,  # ai: 55/100
        0.135,  # .3 x 0 + .3 x .45 + 0 + 0
        "low",  # target no_record +1
        "false",
        "false",  # changed_mind is not clinic-side
    ),
    # 17: the booking 48 h after call 16, answered at 20 s, call_type repeat, physiotherapy (therapy 0.4)
    17: (
        1.0,  # 20 <= 20
        0.9722,  # norm 288; 280 / 288 = 0.972222
        5.1667,  # (280 + 30) / 60 = 5.166667
        1.0,
        0.0,
        0.4,  # therapy 0.4 x 1.0
        0.8571,  # first 9 booking_v1 items 1+.5+1+1.5+1.5+1+2+1.5+2 = 12 / 14
        1.0,  # ai: 100/100
        0.2429,  # .3 x 2/14 + 0 + .2 (repeat) + 0 = .042857 + .2
        "low",  # booked
        "false",
        "false",
    ),
    # 18: missed at 09:00 between 16 (22.5 h before) and the booking 17 (25.5 h after)
    18: (
        0.0,  # missed
        None,
        3.5,  # (180 + 30) / 60
        0.0,  # unanswered ungraded (no floor from the later booking)
        1.17,  # expected loss
        0.0,
        None,
        None,
        None,
        "medium",  # unanswered +2
        "false",  # waited 60 < 120
        "false",  # triggered, cleared by the answered call 17 25.5 h later (within the 7-day window)
    ),
    # 19: answered at 100 s, 13:00, target graded with outcome NULL but refusal_reason doctor_unavailable,
    # reschedule, mri_spine (catalogue 4200, diagnostics 0.55), service_v1 4 items, qa:4 score 2
    19: (
        0.2,  # 1 - (100-20)/(120-20)
        0.3333,  # norm reschedule 120 x other 1.0; 40 / 120
        1.1667,  # (40 + 30) / 60 = 1.166667
        0.1,  # target, unknown outcome: conversion_weight_other
        3.78,  # did not book: 4200 x doctor_unavailable 0.9 / 1000
        0.22,  # diagnostics 0.55 x not booked 0.4
        0.4545,  # service_v1 weights 1,1,1.5,1.5,2,2,1,.5,.5 (sum 11): first 4 = 5 / 11 = 0.454545
        0.325,  # qa:4 1-5: (2-1)/4 = .25 - (-0.075)
        0.5661,  # .3 x 6/11 + .3 x .675 + 0 (wait 100 < 120) + .2 (fit .333 < .5) = .163636 + .2025 + .2
        "low",  # clinic-side reason of a target call that did not book +1
        "false",  # .325 >= .3, wait 100 < 120
        "true",  # clinic-side loss (doctor_unavailable, outcome NULL is not a booking), nobody got back
    ),
}

# night_shift_v1: SLA 45/240; everything else as default_v1 (the script-risk context "a wait >= the SLA
# zero-score wait" moves to 240 s too, which changes no fixture call: only calls 4 and 8 wait >= 120 s, and
# neither has a script risk).
NIGHT_CHANGES: dict[int, dict[str, float]] = {
    3: {"response_speed_score": 0.9744},  # 1 - (50-45)/(240-45) = 1 - 5/195 = 0.974359
    19: {"response_speed_score": 0.7179},  # 1 - (100-45)/195 = 1 - 0.282051 = 0.717949
    4: {"response_speed_score": 0.4615},  # 1 - (150-45)/195 = 0.461538
    16: {"response_speed_score": 1.0},  # 25 <= 45
}

METRIC_GROUPS = {
    "response_speed_score": "operational",
    "talk_time_efficiency": "operational",
    "queue_impact_index": "operational",
    "conversion_score": "conversion",
    "lost_opportunity_score": "conversion",
    "cross_sell_potential": "conversion",
    "checklist_coverage_ratio": "quality",
    "normalized_call_score": "quality",
    "script_risk_index": "quality",
    "churn_risk_level": "risk",
    "complaint_risk_flag": "risk",
    "followup_needed_flag": "risk",
    "lm_version": "aux",
    "calc_profile": "aux",
    "feature_pack": "aux",
    # written by the forecast step: NULL here (nothing is scored), conversion_prob_forecast 1 for a booking
    "conversion_prob_forecast": "forecast",
    "second_call_prob": "forecast",
    "complaint_prob": "forecast",
}
LABEL_METRICS = {"churn_risk_level", "complaint_risk_flag", "followup_needed_flag", "lm_version", "calc_profile"}
TOLERANCE = 0.0001

# --------------------------------------------------------------------------------------------------------
# loading and building
# --------------------------------------------------------------------------------------------------------


def _tables() -> tuple[pa.Table, pa.Table]:
    history = call_history_table(
        CALLS,
        [TRANSCRIPT if i % 3 else None for i in range(len(CALLS))],
        [min(call[1], at(10, 0)) + dt.timedelta(minutes=20) for call in CALLS],
    )
    grades = list(zip(*GRADINGS, strict=True))
    started = {call[0]: call[1] for call in CALLS}
    scores = pa.table(
        {
            "id": pa.array(grades[0], pa.uint32()),
            "history_id": pa.array(grades[1], pa.uint32()),
            "call_date": pa.array([started.get(h, at(9, 0)).date() for h in grades[1]], pa.date32()),
            "is_target": pa.array(grades[3], pa.int8()),
            "outcome": pa.array(grades[4], pa.string()),
            "refusal_reason": pa.array(grades[5], pa.string()),
            "call_category": pa.array(grades[6], pa.string()),
            "call_type": pa.array(grades[7], pa.string()),
            "context_type": pa.array(["first_contact"] * len(GRADINGS), pa.string()),
            "requested_service_id": pa.array(grades[8], pa.uint32()),
            "doctor_id": pa.array([None] * len(GRADINGS), pa.uint32()),
            "number_checklist": pa.array(grades[9], pa.int32()),
            "category_checklist": pa.array(grades[10], pa.string()),
            "call_score": pa.array([None if s is None else Decimal(s) for s in grades[11]], pa.decimal128(6, 2)),
            "scored_by": pa.array(grades[12], pa.string()),
            "created_at": pa.array(grades[2], pa.timestamp("s")),
            "updated_at": pa.array(grades[2], pa.timestamp("s")),
        }
    )
    return history, scores


@dataclass
class Row:
    call_score_id: int | None
    metric_group: str
    value_numeric: float | None
    value_label: str | None
    value_json: str | None
    lm_version: str
    calc_method: str
    calc_source: str


Values = dict[tuple[int, str], Row]


def _read_lm_value(project: LmProject) -> Values:
    rows = project.query(
        "select history_id, metric_code, call_score_id, metric_group, value_numeric, value_label, value_json,"
        " lm_version, calc_method, calc_source from {src}.lm_value"
    )
    values: Values = {}
    for history_id, code, score_id, group, numeric, label, js, version, method, source in rows:
        key = (int(history_id), str(code))
        assert key not in values, f"duplicate lm_value row {key}"
        values[key] = Row(
            call_score_id=None if score_id is None else int(score_id),
            metric_group=group,
            value_numeric=None if numeric is None else float(numeric),
            value_label=label,
            value_json=js,
            lm_version=version,
            calc_method=method,
            calc_source=source,
        )
    return values


@dataclass
class Built:
    project: LmProject
    default: Values
    night: Values
    seconds: dict[str, float]


@pytest.fixture(scope="module")
def built(lm_project: LmProject) -> Iterator[Built]:
    started = time.monotonic()
    history, scores = _tables()
    wh = lm_project.connect()
    try:
        wh.load_arrow(lm_project.source_schema, "call_history", history)
        wh.load_arrow(lm_project.source_schema, "call_scores", scores)
    finally:
        wh.close()
    lm_project.dbt("build", "--exclude", "path:tests/macros")
    default = _read_lm_value(lm_project)
    after_default = time.monotonic()
    lm_project.dbt("build", "--exclude", "path:tests/macros", vars_={"lm_calc_profile": "night_shift_v1"})
    night = _read_lm_value(lm_project)
    seconds = {"default_build": after_default - started, "night_build": time.monotonic() - after_default}
    print(f"\n[{lm_project.target}] build timings: {seconds}")
    yield Built(project=lm_project, default=default, night=night, seconds=seconds)


# --------------------------------------------------------------------------------------------------------
# assertions
# --------------------------------------------------------------------------------------------------------


def _mismatches(values: Values, expected: dict[int, dict[str, float | str | None]]) -> list[str]:
    problems: list[str] = []
    for history_id, metrics in expected.items():
        for code, want in metrics.items():
            row = values.get((history_id, code))
            if row is None:
                problems.append(f"call {history_id} {code}: no row")
                continue
            got: float | str | None = row.value_label if code in LABEL_METRICS else row.value_numeric
            if want is None or got is None or isinstance(want, str):
                ok = got == want
            else:
                ok = abs(float(got) - want) <= TOLERANCE
            if not ok:
                problems.append(f"call {history_id} {code}: expected {want!r}, got {got!r}")
    return problems


def _expected_default() -> dict[int, dict[str, float | str | None]]:
    return {history_id: dict(zip(RULE_METRICS, values, strict=True)) for history_id, values in EXPECTED.items()}


def test_fixture_covers_every_valid_call() -> None:
    assert sorted(EXPECTED) == VALID_IDS
    assert sorted(VALID_IDS + list(QUARANTINED)) == [call[0] for call in CALLS]


def test_rule_metrics_match_hand_worked_values(built: Built) -> None:
    problems = _mismatches(built.default, _expected_default())
    assert not problems, f"{built.project.target}:\n" + "\n".join(problems)


def test_every_valid_call_has_exactly_the_18_metrics_and_quarantined_none(built: Built) -> None:
    by_call: dict[int, set[str]] = {}
    for history_id, code in built.default:
        by_call.setdefault(history_id, set()).add(code)
    assert sorted(by_call) == VALID_IDS
    for history_id, codes in by_call.items():
        assert codes == set(METRIC_GROUPS), history_id
    assert len(built.default) == 18 * len(VALID_IDS)


def test_quarantined_calls_are_listed_with_their_reason(built: Built) -> None:
    rows = built.project.query("select history_id, quarantine_reason from {lm}.int_calls_quarantined")
    assert {int(h): reason for h, reason in rows} == QUARANTINED
    orphans = built.project.query("select call_score_id, quarantine_reason from {lm}.int_call_scores_orphaned")
    assert [(int(i), reason) for i, reason in orphans] == [(112, "no_such_call")]


def test_row_provenance(built: Built) -> None:
    for (history_id, code), row in built.default.items():
        assert row.lm_version == "1.1.0", (history_id, code)
        assert row.calc_source == "cron_daily_scoring", (history_id, code)
        if METRIC_GROUPS[code] == "forecast":  # unscored: NULL (gbm, the dictionary's first method) or 1 (rule)
            assert (row.calc_method, row.value_numeric) in (("gbm", None), ("rule", 1)), (history_id, code)
            assert code == "conversion_prob_forecast" or row.value_numeric is None, (history_id, code)
        else:
            assert row.calc_method == "rule", (history_id, code)
        assert row.metric_group == METRIC_GROUPS[code], (history_id, code)
        assert row.call_score_id == LATEST_GRADING.get(history_id), (history_id, code)
        if code == "lm_version":
            assert row.value_label == "1.1.0"
        if code == "calc_profile":
            assert row.value_label == "default_v1"
        # one value column per kind
        filled = [v is not None for v in (row.value_numeric, row.value_label, row.value_json)]
        if code == "feature_pack":
            assert filled == [False, False, True], (history_id, code)
        elif code in LABEL_METRICS:
            assert filled == [False, True, False], (history_id, code)
        else:
            assert not filled[1] and not filled[2], (history_id, code)


def _pack(values: Values, history_id: int) -> dict[str, Any]:
    text = values[(history_id, "feature_pack")].value_json
    assert text is not None
    pack = json.loads(text)
    assert isinstance(pack, dict)
    return pack


def test_feature_pack_shows_fallbacks_and_cleaned_inputs(built: Built) -> None:
    values = built.default
    clean = _pack(values, 1)
    assert clean["grading_count"] == 2  # regraded: grading 100 superseded by 101
    assert clean["outcome"] == "record" and clean["scored_by"] == "ai"  # labels normalised
    for later in ("next_call_gap_hours", "next_answered_gap_hours", "next_booked_gap_hours"):
        assert later not in clean, later  # feature_pack is at call time: nothing the caller did later
    assert clean["previous_call_gap_hours"] is None
    for flag in (
        "fallback_negative_duration_ignored",
        "fallback_absurd_duration_capped",
        "fallback_talk_capped_to_duration",
        "fallback_checklist_capped",
        "fallback_default_grader_scale",
        "flag_unknown_outcome",
    ):
        assert clean[flag] == 0, flag

    capped_talk = _pack(values, 11)
    assert capped_talk["fallback_talk_capped_to_duration"] == 1
    assert capped_talk["talk_sec"] == 100 and capped_talk["duration_sec"] == 100

    negative = _pack(values, 12)
    assert negative["fallback_negative_duration_ignored"] == 1
    assert negative["await_sec"] is None

    absurd = _pack(values, 13)
    assert absurd["fallback_absurd_duration_capped"] == 1
    assert absurd["duration_sec"] == 21600
    assert absurd["flag_unknown_outcome"] == 1

    assert _pack(values, 3)["fallback_checklist_capped"] == 1  # 15 done on a 10-item template
    assert _pack(values, 10)["fallback_checklist_capped"] == 0  # 8 of 8: not capped
    assert _pack(values, 6)["fallback_default_grader_scale"] == 1  # 'robot'
    assert _pack(values, 3)["fallback_default_grader_scale"] == 0  # 'qa:77' uses the qa:* family
    assert _pack(values, 6)["previous_call_gap_hours"] == pytest.approx(5.0)
    # the at-call follow-up trigger stays set after the flag cleared (5 and 18: an answered call followed)
    triggers = {h: _pack(values, h)["followup_trigger_at_call"] for h in VALID_IDS}
    assert triggers == {h: int(h in {2, 5, 7, 8, 11, 18, 19}) for h in VALID_IDS}
    # dirty talk replaced by the category's typical value (13: absurd durations), never capped
    assert {h for h in VALID_IDS if _pack(values, h)["fallback_dirty_talk_replaced"]} == {13}
    # the loss of a missed or abandoned inbound call is expected, not observed
    assert {h for h in VALID_IDS if _pack(values, h)["flag_expected_lost_opportunity"]} == {5, 7, 8, 18}
    assert _pack(values, 9)["has_known_caller"] == 0
    assert _pack(values, 4)["is_graded"] == 0


def test_no_personal_data_in_lm_value(built: Built) -> None:
    keys = [k for (k,) in built.project.query("select caller_key from {lm}.stg_operatorbot__call_history") if k]
    assert keys  # the caller keys exist, so their absence below means something
    numbers = {call[2] for call in CALLS if call[2]}
    for values in (built.default, built.night):
        for (history_id, code), row in values.items():
            text = " ".join(str(v) for v in (row.value_label, row.value_json) if v is not None)
            for secret in (*numbers, *(n.removeprefix("+") for n in numbers), *keys, "caller asks"):
                assert secret not in text, (history_id, code)
            for field in ("caller_number", "caller_key", "transcript"):
                assert f'"{field}"' not in text, (history_id, code)


def test_night_shift_profile_recomputes_every_call(built: Built) -> None:
    night = built.night
    assert set(night) == set(built.default)
    for history_id in VALID_IDS:
        assert night[(history_id, "calc_profile")].value_label == "night_shift_v1", history_id
    expected = _expected_default()
    for history_id, changes in NIGHT_CHANGES.items():
        for code, value in changes.items():
            assert expected[history_id][code] != value, (history_id, code)  # a real change
            expected[history_id][code] = value
    problems = _mismatches(night, expected)
    assert not problems, f"{built.project.target} night_shift_v1:\n" + "\n".join(problems)
    # rows were updated in place: same provenance, same grading ids
    for (history_id, code), row in night.items():
        assert row.call_score_id == LATEST_GRADING.get(history_id), (history_id, code)
        method = row.calc_method if METRIC_GROUPS[code] != "forecast" else "rule"  # unscored: gbm or rule
        assert (row.lm_version, method, row.calc_source) == ("1.1.0", "rule", "cron_daily_scoring")
