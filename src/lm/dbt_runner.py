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
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from lm import project

#: dbt's exit codes (dbt.utils.ExitCodes): what `dbt` itself returns
EXIT_SUCCESS = 0
EXIT_FAILURE = 1  # the run finished with failed nodes or tests
EXIT_ERROR = 2  # dbt could not run (bad arguments, profile, project, unhandled error)


@dataclass(frozen=True)
class DbtResult:
    """How one dbt invocation ended; stdout/stderr are empty unless captured."""

    args: tuple[str, ...]
    returncode: int
    stdout: str = ""
    stderr: str = ""

    @property
    def success(self) -> bool:
        return self.returncode == EXIT_SUCCESS


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
    """
    env = dict(os.environ if environ is None else environ)
    env.setdefault("DBT_PROFILES_DIR", str(project.profiles_dir(env)))
    cwd = project_dir if project_dir is not None else project.project_dir(env)
    cmd = [sys.executable, "-m", "lm.dbt_runner", *args]
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=capture, text=True, check=False)
    return DbtResult(tuple(args), proc.returncode, proc.stdout or "", proc.stderr or "")


def main(argv: Sequence[str] | None = None) -> int:
    """The child: dbt's programmatic runner on `argv`, mapped to dbt's exit codes."""
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke(list(sys.argv[1:] if argv is None else argv))
    if result.success:
        return EXIT_SUCCESS
    if result.exception is None:
        return EXIT_FAILURE
    # dbt logs most errors itself; usage errors (unknown option...) it only returns
    print(f"dbt: {type(result.exception).__name__}: {result.exception}", file=sys.stderr)
    return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
