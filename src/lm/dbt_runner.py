"""The one way LM runs dbt: :func:`invoke` starts a child process that runs dbt's programmatic runner.

Every caller goes through :func:`invoke`: the ``lm`` CLI (``lm build``, ``lm demo``), the tests and the
benchmark scripts. The child is ``python -m lm.dbt_runner <dbt args>``, which calls
``dbt.cli.main.dbtRunner().invoke(args)`` and exits with dbt's own exit codes.

Why a child process rather than dbtRunner in the caller's process:

- dbt reads its environment from ``os.environ`` only (``env_var()`` in the profile and the models,
  ``DBT_PROFILES_DIR``, ``DBT_TARGET_PATH``, ``DBT_LOG_PATH``...), and the tests need one environment
  per deployment; a child gets exactly the ``environ`` it is given, with no patching of the caller's;
- dbt keeps global state between invocations in one process (flags, the adapter factory, the event
  logger, dbt-duckdb's shared connection to the database file); a child starts clean every time;
- the caller owns a process it can signal: forwarding SIGTERM/SIGINT to dbt and mapping exit codes have
  one place to live (:func:`invoke`).

Why dbtRunner inside the child rather than the ``dbt`` console script: it needs no ``dbt`` executable
on PATH or beside ``sys.executable``, only the installed dbt package, and it is dbt's documented API.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from lm import project

#: dbt's exit codes (dbt.utils.ExitCodes): what `dbt` itself returns
EXIT_SUCCESS = 0
EXIT_FAILURE = 1  # the run finished with failed nodes or tests
EXIT_ERROR = 2  # dbt could not run (bad arguments, profile, project, unhandled error)

#: the signals the caller forwards to dbt (and the child turns into dbt's own cancellation)
FORWARDED_SIGNALS = (signal.SIGTERM, signal.SIGINT)
#: how long dbt gets to cancel its queries and exit after a forwarded signal before it is killed
STOP_GRACE_SECONDS = 30.0


@dataclass(frozen=True)
class DbtResult:
    """How one dbt invocation ended; stdout/stderr are empty unless captured."""

    args: tuple[str, ...]
    returncode: int
    stdout: str = ""
    stderr: str = ""
    #: the signal the caller received (and forwarded to dbt) while dbt ran, if any
    stopped_by: int | None = None

    @property
    def success(self) -> bool:
        return self.returncode == EXIT_SUCCESS and self.stopped_by is None

    @property
    def killed_by(self) -> int | None:
        """The signal that killed the dbt process (a negative returncode), if one did."""
        return -self.returncode if self.returncode < 0 else None


def signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


def invoke(
    args: Sequence[str],
    *,
    environ: Mapping[str, str] | None = None,
    project_dir: Path | None = None,
    capture: bool = False,
) -> DbtResult:
    """Run ``dbt <args>`` in `project_dir` (default: the LM project) with `environ` (default: os.environ).

    DBT_PROFILES_DIR defaults to LM's profile folder (lm.project.profiles_dir). With `capture`, dbt's
    output is returned instead of printed.

    Called from the main thread, SIGTERM and SIGINT received meanwhile are forwarded to dbt (which cancels
    its queries and exits) and waited for; dbt still running `STOP_GRACE_SECONDS` later, or a second
    signal, kills it. The result's ``stopped_by`` names the signal; the caller's handlers are restored.
    """
    env = dict(os.environ if environ is None else environ)
    env.setdefault("DBT_PROFILES_DIR", str(project.profiles_dir(env)))
    cwd = project_dir if project_dir is not None else project.project_dir(env)
    cmd = [sys.executable, "-m", "lm.dbt_runner", *args]
    pipe = subprocess.PIPE if capture else None
    received: list[int] = []
    timers: list[threading.Timer] = []
    with subprocess.Popen(cmd, cwd=cwd, env=env, stdout=pipe, stderr=pipe, text=True) as proc:

        def forward(signum: int, _frame: object) -> None:
            if proc.poll() is not None:
                received.append(signum)
                return
            if received:  # a second signal: stop waiting for dbt
                proc.kill()
            else:
                proc.send_signal(signum)
                timer = threading.Timer(STOP_GRACE_SECONDS, proc.kill)
                timer.daemon = True
                timer.start()
                timers.append(timer)
            received.append(signum)

        previous = {}
        if threading.current_thread() is threading.main_thread():
            previous = {signum: signal.signal(signum, forward) for signum in FORWARDED_SIGNALS}
        try:
            stdout, stderr = proc.communicate()
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            for timer in timers:
                timer.cancel()
    return DbtResult(tuple(args), proc.returncode, stdout or "", stderr or "", received[0] if received else None)


def _stop_dbt(signum: int, _frame: object) -> None:
    """In the child: the first SIGTERM/SIGINT becomes a KeyboardInterrupt, on which dbt cancels its open
    queries and writes its run results; later ones (a terminal sends SIGINT to the whole process group, and
    the caller forwards it too) are ignored while dbt stops."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _stopping.append(signum)
    raise KeyboardInterrupt


_stopping: list[int] = []


def main(argv: Sequence[str] | None = None) -> int:
    """The child: dbt's programmatic runner on `argv`, mapped to dbt's exit codes."""
    from dbt.cli.main import dbtRunner

    for signum in FORWARDED_SIGNALS:
        signal.signal(signum, _stop_dbt)
    result = dbtRunner().invoke(list(sys.argv[1:] if argv is None else argv))
    if _stopping:
        print(f"dbt: stopped by {signal_name(_stopping[0])}", file=sys.stderr)
        return 128 + _stopping[0]
    if result.success:
        return EXIT_SUCCESS
    if result.exception is None:
        return EXIT_FAILURE
    # dbt logs most errors itself; usage errors (unknown option...) it only returns
    print(f"dbt: {type(result.exception).__name__}: {result.exception}", file=sys.stderr)
    return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
