"""Deterministic demo data for LM: a clinic call centre's ``call_history`` and ``call_scores``.

Everything is vectorised with numpy (no per-call Python loops) and returned as pyarrow Tables whose
columns and types follow the source contract (``src/lm/ddl/source_tables.*.sql``). The same seed gives
the same bytes.

The simulation, in order (modules of this package):

* ``calendar``: days from ``start`` at ``calls_per_day`` on average, with a weekday pattern (Monday peak,
  quiet Sunday), public holidays, a mild season, a slow upward trend and day-to-day noise; call times
  inside the day from an opening-hours profile (08:00-21:00 with a lunchtime dip; a few calls outside
  hours, which mostly go unanswered);
* ``calls``: inbound and outbound calls; the line's load per hour drives abandonment and waiting; a pool
  of callers: a call is either a new caller or comes back to an earlier call (a retry minutes after an
  unanswered call, a follow-up within days, a return months later, an operator's callback); what the
  caller wants and how it ends depends on how their previous call ended (a caller who did not book often
  books later, a bad experience sometimes becomes a complaint); operators of different skill (faster
  answers, better checklist and score, more bookings);
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

A result is a snapshot taken at ``DemoData.as_of``: gradings and transcripts that would only exist
later are kept aside and released by :func:`next_batch` / :func:`late_gradings`, which produce the
deltas that scheduled (incremental) runs have to pick up: new calls, changed calls, late gradings and
regradings.
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
