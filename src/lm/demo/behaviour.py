"""How the demo call centre behaves: its knobs, rates, distributions and dirt.

This is the generator's own model of a plausible clinic call centre, never LM's rules: the rules' labels
come from the project (:mod:`lm.demo.vocabulary`), and every table here that is keyed by one of those
labels is checked against them by :func:`check`. Label sets LM's rules do not know (traffic channels,
call and context types) are the generator's own and defined here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from lm.demo.vocabulary import Vocabulary, VocabularyError

DEFAULT_START = dt.date(2025, 1, 6)  # a Monday


@dataclass(frozen=True)
class GeneratorConfig:
    """Knobs of the simulation; kept by a DemoData so that later batches continue with the same ones."""

    calls_per_day: float = 1500.0
    yearly_growth: float = 0.12
    n_operators: int = 25
    dirty_share: float = 0.02
    graded_share: float = 0.9
    regrade_share: float = 0.05
    script_change: dt.date | None = dt.date(2025, 4, 1)  # booking_v1 -> booking_v2 checklist
    #: graders that score on another scale than the seed's (grader, scale_min, scale_max), as a client's
    #: graders may (lm generate --grader-scale ai=0:10); their bias, noise and rounding step scale along
    grader_scales: tuple[tuple[str, float, float], ...] = ()
    #: compute DemoData.truth (the forecast labels' generating probabilities; about 2/3 of the generation
    #: time at 1M calls); False leaves it empty
    truth: bool = True


# --------------------------------------------------------------------------------------------------------
# The clinic
# --------------------------------------------------------------------------------------------------------
OPENING_HOURS = (8, 21)  # [08:00, 21:00)
OPERATOR_ID_BASE = 100  # operator ids are 101..100+n_operators
N_DOCTORS = 80
ABSURD_DURATION_SEC = 6 * 3600  # a clean call never lasts longer
FUTURE_FLOOR = dt.datetime(2035, 1, 1)  # dirty "future" timestamps lie after this and after as_of
CALLER_PREFIX = "+000"  # fake numbers: no such country code, then 7 digits
MAX_HISTORY_ID = 9_999_999  # caller numbers have 7 digits

# label sets of the generator's own (LM's rules keep no list of them)
CHANNELS = ("site", "yandex_direct", "google_ads", "2gis", "prodoctorov", "napopravku", "repeat")
REPEAT_CHANNEL = "repeat"
CAMPAIGN_CHANNEL = "yandex_direct"  # campaigns push it
AD_CHANNELS = ("yandex_direct", "google_ads")
CALL_TYPES = ("primary", "repeat", "service")
CONTEXT_TYPES = ("new_patient", "returning_patient", "callback", "campaign", "after_hours")

# --------------------------------------------------------------------------------------------------------
# Calendar and arrivals
# --------------------------------------------------------------------------------------------------------
TREND_REF = np.datetime64("2025-01-01", "D").astype(np.int64)
# weekday factor, Monday first
WEEKDAY = np.array([1.28, 1.12, 1.06, 1.02, 0.95, 0.62, 0.38])
WEEKDAY = WEEKDAY / WEEKDAY.mean()
# hourly profiles (relative weights, 00..23)
HOURS_WEEKDAY = np.array(
    [0.02, 0.01, 0.005, 0.005, 0.005, 0.01, 0.03, 0.25, 0.9, 1.35, 1.5, 1.4,
     1.15, 0.8, 0.95, 1.2, 1.25, 1.1, 0.85, 0.6, 0.4, 0.1, 0.05, 0.03]
)  # fmt: skip
HOURS_WEEKEND = np.array(
    [0.02, 0.01, 0.005, 0.005, 0.005, 0.01, 0.02, 0.08, 0.3, 0.9, 1.3, 1.3,
     1.1, 0.8, 0.85, 0.8, 0.6, 0.4, 0.25, 0.12, 0.06, 0.04, 0.03, 0.02]
)  # fmt: skip
# (month * 100 + day) of public holidays: low volume, weekend hours
HOLIDAYS = np.array([101, 102, 107, 223, 308, 501, 509, 612, 1104])

# --------------------------------------------------------------------------------------------------------
# The line: status shares (inbound calls in opening hours depend on the line load, see calls.py)
# --------------------------------------------------------------------------------------------------------
STATUS_BUSY_SHARE = 0.012
STATUS_FAILED_SHARE = 0.008
STATUS_CLOSED = {"answered": 0.12, "missed": 0.80, "abandoned": 0.04, "busy": 0.02, "failed": 0.02}
STATUS_OUTBOUND = {"answered": 0.62, "missed": 0.27, "abandoned": 0.0, "busy": 0.07, "failed": 0.04}

# --------------------------------------------------------------------------------------------------------
# Callers: what they want and how it ends
# --------------------------------------------------------------------------------------------------------
# new callers' channel mix (without "repeat"), and the booking rate of a target call per channel
CHANNEL_MIX = {
    "site": 0.30, "yandex_direct": 0.24, "google_ads": 0.09, "2gis": 0.12, "prodoctorov": 0.14,
    "napopravku": 0.11, "repeat": 0.0,
}  # fmt: skip
CHANNEL_CONVERSION = {
    "site": 0.52, "yandex_direct": 0.42, "google_ads": 0.40, "2gis": 0.48, "prodoctorov": 0.62,
    "napopravku": 0.55, "repeat": 0.58,
}  # fmt: skip

# how an earlier call left the caller
STATE_NONE, STATE_BOOKED, STATE_OPEN, STATE_BAD, STATE_INFO = 0, 1, 2, 3, 4
# category mix by context: 0 new in-caller, 1..5 returning in-caller whose previous call left state 0..4,
# 6..10 outbound callback after state 0..4, 11 outbound without a previous call; columns CATEGORY_MIX_COLUMNS
CATEGORY_MIX_COLUMNS = ("booking", "reschedule", "cancel", "question", "complaint", "results", "other")
CATEGORY_MIX = np.array(
    [
        # booking reschedule cancel question complaint results other
        [0.56, 0.05, 0.04, 0.15, 0.015, 0.06, 0.125],
        [0.56, 0.05, 0.04, 0.15, 0.015, 0.06, 0.125],
        [0.10, 0.25, 0.15, 0.20, 0.03, 0.20, 0.07],
        [0.72, 0.03, 0.02, 0.12, 0.05, 0.02, 0.04],
        [0.35, 0.03, 0.10, 0.15, 0.25, 0.04, 0.08],
        [0.38, 0.05, 0.03, 0.28, 0.02, 0.14, 0.10],
        [0.70, 0.03, 0.02, 0.15, 0.02, 0.03, 0.05],
        [0.05, 0.45, 0.10, 0.15, 0.02, 0.18, 0.05],
        [0.80, 0.02, 0.02, 0.10, 0.02, 0.01, 0.03],
        [0.40, 0.02, 0.05, 0.15, 0.30, 0.03, 0.05],
        [0.50, 0.05, 0.02, 0.25, 0.02, 0.10, 0.06],
        [0.60, 0.15, 0.02, 0.10, 0.01, 0.07, 0.05],
    ]
)
#: share of target calls (is_target) by category
TARGET_SHARE = {
    "booking": 0.96, "reschedule": 0.70, "cancel": 0.05, "question": 0.45, "complaint": 0.10, "results": 0.10,
    "other": 0.15,
}  # fmt: skip
#: median talk seconds by category
TALK_MEDIAN = {
    "booking": 170.0, "reschedule": 110.0, "cancel": 70.0, "question": 100.0, "complaint": 280.0,
    "results": 80.0, "other": 90.0,
}  # fmt: skip
#: categories in which the caller asks for a service
SERVICE_CATEGORIES = ("booking", "reschedule", "question")
#: categories of "service" calls (call_type service)
SERVICE_CALL_CATEGORIES = ("reschedule", "cancel", "results")
#: refusal reasons, relative weights (in this order when drawn); price / no_slots / doctor depend on the service
REASON_WEIGHTS = {
    "price": 0.28, "no_slots": 0.24, "far": 0.10, "doctor_unavailable": 0.14, "changed_mind": 0.14, "other": 0.10,
}  # fmt: skip

# --------------------------------------------------------------------------------------------------------
# Callers' futures: after each call, its caller's next call (at most one: a caller's calls form a chain)
# --------------------------------------------------------------------------------------------------------
#: the calendar's volume that comes from new callers (fresh arrivals); the rest are callers' next calls
FRESH_SHARE = 0.70
#: a new call centre has no callers yet whose next calls are due: in its first weeks more new callers come,
#: in place of the returning ones still missing (1 - FRESH_SHARE of the volume times the share of a steady
#: state's next calls not yet due at that age). (share of next calls, first day, scale in days) per kind:
#: retry, callback, follow-up, return (shares measured on the steady state)
WARMUP_KINDS = ((0.16, 0.0, 0.015), (0.27, 0.0, 0.5), (0.30, 1.0, 2.5), (0.27, 7.0, 70.0))
#: fresh outbound calls (the clinic calls someone who never called), in opening hours
FRESH_OUTBOUND_SHARE = 0.012
#: inbound share of the calls in opening hours, for the line's expected load
INBOUND_SHARE_OPEN = 0.9
#: kinds of next call: a retry minutes after the end, a follow-up days later, a return weeks later, an
#: operator's callback within hours to two days (outbound)
NEXT_NONE, NEXT_RETRY, NEXT_FOLLOW_UP, NEXT_RETURN, NEXT_CALLBACK = 0, 1, 2, 3, 4
NEXT_KINDS = ("none", "retry", "follow_up", "return", "callback")
#: probabilities of (retry, follow-up, return, callback) after an unanswered call, by situation
NEXT_UNANSWERED = {
    "inbound": (0.30, 0.04, 0.0, 0.17),
    "closed": (0.15, 0.14, 0.0, 0.22),  # after hours: they try again tomorrow, or the clinic calls back
    "long_wait": (0.22, 0.06, 0.0, 0.22),  # abandoned after a long wait
    "line": (0.50, 0.04, 0.0, 0.04),  # busy or failed: the caller redials
    "outbound": (0.20, 0.03, 0.0, 0.15),  # the operator did not reach them
}
#: probabilities of (retry, follow-up, return, callback) after an answered call, by the state it left
#: (rows STATE_NONE..STATE_INFO)
NEXT_ANSWERED = np.array(
    [
        [0.0, 0.06, 0.08, 0.015],
        [0.0, 0.04, 0.16, 0.015],
        [0.0, 0.21, 0.06, 0.035],
        [0.0, 0.20, 0.04, 0.06],
        [0.0, 0.06, 0.08, 0.015],
    ]
)
NEXT_PROMISED_CALLBACK = 0.35  # added to the callback after an answered call whose outcome is callback
NEXT_LONG_WAIT_RETURN = 0.8  # return factor after an answered call that waited over a minute
NEXT_REPEAT_LINE_RETURN = 1.15  # return factor of callers on the "repeat" line (loyal patients)
NEXT_MAX = 0.95  # a call has no next call with at least this probability left
RETRY_MIN_SEC, RETRY_MEAN_SEC = 60, 1200.0  # retry: 60 s + exponential after the call's end
FOLLOW_UP_DAYS, FOLLOW_UP_SCALE = (1, 21), 2.5  # day offset k: weight exp(-(k - 1) / scale) x day weight
RETURN_DAYS, RETURN_SCALE = (7, 372), 70.0
CALLBACK_DAY_WEIGHTS = (0.75, 0.2, 0.05)  # the same day (later than CALLBACK_MIN_GAP_SEC), next, the one after
CALLBACK_MIN_GAP_SEC = 300
#: hour profile of callbacks (outbound): opening hours only
HOURS_OUTBOUND = np.where((np.arange(24) >= OPENING_HOURS[0]) & (np.arange(24) < OPENING_HOURS[1]), HOURS_WEEKDAY, 0.0)
HOLIDAY_VOLUME = 0.35

# --------------------------------------------------------------------------------------------------------
# Forecast labels: windows in days from the call's start (LM's calc profile has its own, these defaults)
# --------------------------------------------------------------------------------------------------------
SECOND_CALL_WINDOW_DAYS = 7
BOOKING_WINDOW_DAYS = 14
COMPLAINT_WINDOW_DAYS = 30
TRUTH_MAX_STEPS = 24  # a path ends here at the latest (Russian roulette ends nearly all long before)
TRUTH_ROULETTE = 0.1  # a path whose weight falls below goes on with probability weight / this, at this weight
TRUTH_ROULETTE_SECOND_CALL = 0.02  # the same for the call after an unobserved next call (a tiny term)

# --------------------------------------------------------------------------------------------------------
# Gradings
# --------------------------------------------------------------------------------------------------------
AI_GRADER = "ai"  # grades fast; the others (QA graders) grade hours later and do the regradings
GRADER_SHARE = {"ai": 0.72, "qa:1": 0.07, "qa:2": 0.07, "qa:3": 0.05, "qa:4": 0.05, "qa:5": 0.04}
GRADER_BIAS = {"ai": 0.0, "qa:1": 0.7, "qa:2": -0.8, "qa:3": 0.3, "qa:4": -0.3, "qa:5": -6.0}
GRADER_NOISE_SD = {"ai": 3.0, "qa:1": 0.6, "qa:2": 0.6, "qa:3": 0.35, "qa:4": 0.35, "qa:5": 6.0}
#: rounding step of each grader's scores (ai: 2 decimals, qa 0-10: halves, else whole)
GRADER_STEP = {"ai": 0.01, "qa:1": 0.5, "qa:2": 0.5, "qa:3": 1.0, "qa:4": 1.0, "qa:5": 1.0}
#: checklist template by call: outbound, complaint, booking (before / after the script change), service, else
TEMPLATE_OUTBOUND = "outbound_v1"
TEMPLATE_COMPLAINT = "complaint_v1"
TEMPLATE_BOOKING = ("booking_v1", "booking_v2")
TEMPLATE_SERVICE = "service_v1"
TEMPLATE_OTHER = "info_v1"

# --------------------------------------------------------------------------------------------------------
# Transcripts: short synthetic phrases with no digits
# --------------------------------------------------------------------------------------------------------
CATEGORY_PHRASE = {
    "booking": "caller asks to book a visit",
    "reschedule": "caller wants to move a visit",
    "cancel": "caller cancels a visit",
    "question": "caller has a question about the clinic",
    "complaint": "caller is unhappy with the service",
    "results": "caller asks about test results",
    "other": "caller talks about something else",
}
OUTCOME_PHRASE = {
    "record": "visit booked",
    "no_record": "no visit booked",
    "callback": "operator promises a callback",
    "refusal": "caller declines",
    "info_only": "information given",
}

# --------------------------------------------------------------------------------------------------------
# Dirt: odd variants (case, whitespace) of clean labels, and labels no rule knows
# --------------------------------------------------------------------------------------------------------
ODD_STATUS = (" Answered ", "ANSWERED", "Missed", " missed", "ABANDONED", "Busy ", "answered ")
UNKNOWN_STATUS = ("weird_status", "voicemail", "transferred", "unknown")
ODD_DIRECTION = ("IN", " in", "In ", "OUT", " out")
UNKNOWN_DIRECTION = ("inbound", "both", "sideways")
ODD_CHANNEL = ("Site", " site ", "YANDEX_DIRECT", "2GIS", "Prodoctorov ", "google_ads ")
UNKNOWN_CHANNEL = ("tiktok", "unknown_src", "promo_sms", "radio")
ODD_OUTCOME = (" Record", "RECORD", "No_Record ", "Callback", " refusal", "INFO_ONLY")
UNKNOWN_OUTCOME = ("maybe", "lost", "pending", "mystery")
ODD_CATEGORY = ("Booking ", " booking", "QUESTION", "Complaint")
UNKNOWN_CATEGORY = ("spam", "wrong_number", "silence")
ODD_GRADER = ("AI", " ai", "QA:1", "qa:2 ")
UNKNOWN_GRADER = ("robot", "qa:99", "import")
UNKNOWN_TEMPLATE = ("legacy_v0", "booking_v9", "tmp")
# share of each kind of defect among the dirty rows (call_history, call_scores), see dirt.py
DIRTY_CALL_KINDS = (0.2, 0.12, 0.12, 0.14, 0.14, 0.12, 0.16)
DIRTY_SCORE_KINDS = (0.28, 0.14, 0.14, 0.12, 0.14, 0.10, 0.08)


# --------------------------------------------------------------------------------------------------------
# Tables keyed by label, in code order
# --------------------------------------------------------------------------------------------------------
def by_code(labels: tuple[str, ...], values: Mapping[str, float]) -> np.ndarray:
    """`values` (keyed by label) as an array indexed by the labels' codes."""
    return np.array([values[label] for label in labels], dtype=float)


def grader_scales(v: Vocabulary, cfg: GeneratorConfig) -> dict[str, tuple[float, float]]:
    """The scale each grader really scores on: the seed's, unless ``cfg.grader_scales`` says otherwise."""
    scales = {name: (float(low), float(high)) for name, (low, high) in v.grader_scales.items()}
    for name, low, high in cfg.grader_scales:
        if name not in scales:
            raise VocabularyError(f"grader scale for unknown grader {name!r}: the graders are {', '.join(scales)}")
        if not high > low:
            raise VocabularyError(f"grader scale of {name}: {low:g}:{high:g} is empty (need min < max)")
        scales[name] = (float(low), float(high))
    return scales


def parse_grader_scale(text: str) -> tuple[str, float, float]:
    """``ai=0:10`` -> ("ai", 0.0, 10.0); a ValueError naming the expected form otherwise."""
    name, sep, scale = text.partition("=")
    low, colon, high = scale.partition(":")
    try:
        if not (sep and colon and name.strip()):
            raise ValueError
        return name.strip(), float(low), float(high)
    except ValueError:
        raise ValueError(f"{text!r} is not GRADER=MIN:MAX (e.g. ai=0:10)") from None


def codes_of(labels: tuple[str, ...], names: Iterable[str]) -> np.ndarray:
    """The codes of `names` in `labels`."""
    return np.array([labels.index(name) for name in names], dtype=np.int64)


def check(vocabulary: Vocabulary) -> None:
    """Every behaviour table keyed by a label of LM's rules covers exactly the project's labels, and the dirt
    stays dirt (odd variants normalise to a clean label, unknown labels do not); else a VocabularyError."""
    problems: list[str] = []

    def same(what: str, key: str, project_labels: Iterable[str], modelled: Iterable[str]) -> None:
        have, model = set(project_labels), set(modelled)
        source = vocabulary.sources.get(key, key)
        if have - model:
            problems.append(f"{source} has {what} the demo generator does not model: {sorted(have - model)}")
        if model - have:
            problems.append(f"the demo generator models {what} that {source} does not have: {sorted(model - have)}")

    def within(what: str, key: str, project_labels: Iterable[str], used: Iterable[str]) -> None:
        missing = set(used) - set(project_labels)
        if missing:
            source = vocabulary.sources.get(key, key)
            problems.append(f"the demo generator uses {what} that {source} does not have: {sorted(missing)}")

    v = vocabulary
    same("call statuses", "statuses", v.statuses, STATUS_CLOSED)
    same("call statuses", "statuses", v.statuses, STATUS_OUTBOUND)
    same("call directions", "directions", v.directions, ("in", "out"))
    for table in (TARGET_SHARE, TALK_MEDIAN, CATEGORY_PHRASE, dict.fromkeys(CATEGORY_MIX_COLUMNS)):
        same("call categories", "categories", v.categories, table)
    within("call categories", "categories", v.categories, (*SERVICE_CATEGORIES, *SERVICE_CALL_CATEGORIES))
    within("call categories", "categories", v.categories, ("booking", "cancel", "complaint"))
    same("outcomes", "outcomes", v.outcomes, OUTCOME_PHRASE)
    same("refusal reasons", "refusal_reasons", v.refusal_reasons, REASON_WEIGHTS)
    for table in (GRADER_SHARE, GRADER_BIAS, GRADER_NOISE_SD, GRADER_STEP):
        same("graders", "graders", v.graders, table)
    within(
        "checklist templates",
        "checklist_templates",
        v.checklist_templates,
        (TEMPLATE_OUTBOUND, TEMPLATE_COMPLAINT, *TEMPLATE_BOOKING, TEMPLATE_SERVICE, TEMPLATE_OTHER),
    )
    for what, clean, odd, unknown in (
        ("call statuses", v.statuses, ODD_STATUS, UNKNOWN_STATUS),
        ("call directions", v.directions, ODD_DIRECTION, UNKNOWN_DIRECTION),
        ("channels", CHANNELS, ODD_CHANNEL, UNKNOWN_CHANNEL),
        ("outcomes", v.outcomes, ODD_OUTCOME, UNKNOWN_OUTCOME),
        ("call categories", v.categories, ODD_CATEGORY, UNKNOWN_CATEGORY),
        ("graders", v.graders, ODD_GRADER, UNKNOWN_GRADER),
        ("checklist templates", v.checklist_templates, (), UNKNOWN_TEMPLATE),
    ):
        not_odd = [label for label in odd if label in clean or label.strip().lower() not in clean]
        not_unknown = [label for label in unknown if label.strip().lower() in clean]
        if not_odd:
            problems.append(f"odd variants of {what} that are not variants of a clean label: {not_odd}")
        if not_unknown:
            problems.append(f"unknown {what} that are in fact known: {not_unknown}")
    if problems:
        raise VocabularyError("the demo generator and the project disagree:\n- " + "\n- ".join(problems))
