"""Deterministic demo data for LM: a clinic call centre's ``call_history`` and ``call_scores``.

Everything is vectorised with numpy (no per-call Python loops) and returned as pyarrow Tables whose
columns and types follow the source contract (``src/lm/ddl/source_tables.*.sql``). The same seed gives
the same bytes.

The simulation, in order (modules of this package):

* ``calendar``: days from ``start`` at ``calls_per_day`` on average, with a weekday pattern (Monday peak,
  quiet Sunday), public holidays, a mild season, a slow upward trend and day-to-day noise; call times
  inside the day from an opening-hours profile (08:00-21:00 with a lunchtime dip; a few calls outside
  hours, which mostly go unanswered);
* ``calls`` / ``chain``: a forward process. New callers arrive by the calendar (``FRESH_SHARE`` of its
  volume, more in a new call centre's first weeks while no earlier callers are due back; a few outbound);
  every call is realised from explicit laws: the line's load is the calendar's *expected* load of the hour
  (so a future call's status law is known), what the caller wants and how it ends depends on how their
  previous call left them (a caller who did not book often books later, a bad experience sometimes
  becomes a complaint), operators of different skill (faster answers, better checklist and score, more
  bookings). At its end the caller's next call is decided: none, a retry minutes later, a follow-up days
  later, a return weeks later or an operator's callback, with probabilities by how the call ended
  (status, state left, outcome, wait, channel, direction) and delays with closed-form CDFs; a caller's
  calls form a chain;
* ``gradings``: gradings for most answered calls, by an AI grader (0-100) and QA graders with their own
  scales and biases, minutes to a day after the call; about 5% regraded later;
* ``dirt``: a ``dirty_share`` of rows in each table made dirty on purpose (NULLs, negative or absurd
  durations, talk longer than the call, odd-case and unknown labels, future timestamps, orphan gradings,
  missing scores, checklist counts above the template);
* ``tables``: the Arrow tables; ``batches``: snapshots and deltas; ``loading``: into a warehouse.

The labels LM's rules know (directions, statuses, outcomes, categories, refusal reasons, graders and their
scales, checklist templates and their sizes, the service catalogue) are read from the project's seeds and
vars (``vocabulary``); how the call centre behaves is the generator's own (``behaviour``).

Caller numbers are fake by construction: ``+000`` (no such country code) and 7 digits.
Transcripts are short synthetic phrases with no digits.

``DemoData.truth`` (``truth``; table ``lm_demo_truth`` beside the source tables after :func:`load`, never
read by LM's models) holds, for every call of the batch (deleted and dirty ones too, by ``history_id``), the
generating probability of LM's three forecast labels as LM will observe them: ``p_second_call_7d``
(another call of the same caller_number in (t, t + 7 d]), ``p_booking_14d`` (a later call in (t, t + 14 d]
answered and whose latest grading says ``record``), ``p_complaint_30d`` (a later call in (t, t + 30 d]
whose latest grading says ``complaint``); t = the call's start, windows ``behaviour.*_WINDOW_DAYS``. The
first is closed form, the other two Rao-Blackwellised Monte Carlo through the same laws (noise sd about
0.036 / 0.009 per call); gradings, regradings and dirt are folded in. Tests compare "AUC of a model /
AUC of the truth" with it.

A result is a snapshot taken at ``DemoData.as_of``: gradings and transcripts that would only exist
later are kept aside and released by :func:`next_batch` / :func:`late_gradings`, which produce the
deltas that scheduled (incremental) runs have to pick up: new calls, changed calls, late gradings and
regradings. Next calls decided in a batch that start after its last call are kept (``Memory.scheduled``)
and happen in the next batch.
"""

from lm.demo.batches import DemoData, combine, generate, late_gradings, next_batch, truth_replica
from lm.demo.behaviour import (
    ABSURD_DURATION_SEC,
    CALL_TYPES,
    CHANNELS,
    CONTEXT_TYPES,
    DEFAULT_START,
    OPERATOR_ID_BASE,
    GeneratorConfig,
)
from lm.demo.loading import load
from lm.demo.tables import CALL_HISTORY_SCHEMA, CALL_SCORES_SCHEMA
from lm.demo.vocabulary import Vocabulary, VocabularyError, vocabulary

__all__ = [
    "ABSURD_DURATION_SEC",
    "CALL_HISTORY_SCHEMA",
    "CALL_SCORES_SCHEMA",
    "CALL_TYPES",
    "CHANNELS",
    "CONTEXT_TYPES",
    "DEFAULT_START",
    "OPERATOR_ID_BASE",
    "DemoData",
    "GeneratorConfig",
    "Vocabulary",
    "VocabularyError",
    "combine",
    "generate",
    "late_gradings",
    "load",
    "next_batch",
    "truth_replica",
    "vocabulary",
]
