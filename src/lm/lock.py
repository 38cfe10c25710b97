"""One LM run at a time per deployment: a lock held by `lm` for the whole dbt invocation.

- MySQL / MariaDB: ``GET_LOCK('lm:<LM schema>', wait)`` on a connection of its own, held until the run ends
  (the server releases it when that connection dies, so a killed run never leaves it behind). The dbt
  run started under it is told the lock's connection id (env ``LM_LOCK_CONNECTION_ID``), and the scope
  model refuses to run while another connection holds the lock (``lm_run_lock_check`` in
  macros/utils/lm_scope_decision.sql) - so a plain ``dbt build`` started beside an ``lm build`` stops
  before it writes anything.
- DuckDB: an exclusive ``flock`` on ``<warehouse file>.lock`` (released by the kernel with the process).
  DuckDB itself also refuses a second writer of the same file.

A second run waits up to ``LM_LOCK_WAIT_SEC`` seconds (default 60), then gives up with
:class:`LockHeld`, which the CLI turns into its "another run holds the lock" exit code.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from lm import warehouse

DEFAULT_WAIT_SEC = 60


class LockHeld(RuntimeError):
    """Another LM run holds the lock of this deployment."""


def wait_seconds(environ: Mapping[str, str] | None = None) -> int:
    text = (os.environ if environ is None else environ).get("LM_LOCK_WAIT_SEC", str(DEFAULT_WAIT_SEC))
    if not text.isdigit():
        raise ValueError(f"LM_LOCK_WAIT_SEC must be a whole number of seconds, got {text!r}")
    return int(text)


def lock_name(schema: str) -> str:
    return f"lm:{schema}"


@contextmanager
def run_lock(target: str | None = None, wait: int | None = None) -> Iterator[dict[str, str]]:
    """Hold the deployment's lock; yields the env vars to pass to the dbt run started under it."""
    wait = wait_seconds() if wait is None else wait
    resolved = warehouse.load_target(target)
    if not resolved.is_mysql:
        # the lock is the file's, not a connection's (dbt opens the database itself, one writer at a time)
        assert resolved.path is not None
        with _file_lock(Path(resolved.path + ".lock"), wait):
            yield {}
        return
    wh = warehouse.connect(resolved)
    try:
        name = lock_name(wh.target.schema)
        got = wh.query("select get_lock(%s, %s), connection_id()", [name, wait])[0]
        if got[0] != 1:
            raise LockHeld(f"another LM run holds the lock {name} (waited {wait} s)")
        try:
            yield {"LM_LOCK_CONNECTION_ID": str(got[1])}
        finally:
            wh.query("select release_lock(%s)", [name])
    finally:
        wh.close()


@contextmanager
def _file_lock(path: Path, wait: int) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockHeld(f"another LM run holds the lock {path} (waited {wait} s)") from None
                time.sleep(0.5)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
