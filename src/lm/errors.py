"""The exit codes of the `lm` command, and the errors that end it with one (one line on stderr, no traceback).

Every code `lm` exits with is a member of :class:`ExitCode`; the README's table "The `lm` command" lists
the same. An :class:`LmError` raised anywhere below a command is printed by the CLI as ``lm: <message>``
and ends the process with its ``exit_code``.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """What `lm` exits with."""

    OK = 0
    #: dbt ran and reported failures (a model, seed or test failed)
    DBT_FAILURES = 1
    #: a bad parameter or configuration (usage error, unknown target, refused var, no project); also
    #: dbt's own exit 2 (dbt could not run: bad arguments, compilation error such as a var refused by lm_var)
    BAD_PARAMETER = 2
    #: the database of the target cannot be reached (connection refused, access denied, unknown host)
    DATABASE_UNREACHABLE = 3
    #: another run holds LM's lock (reserved for the run lock)
    LOCKED = 4
    #: stopped by a signal: lm got SIGTERM/SIGINT (and told dbt to stop), or dbt was killed by one
    STOPPED_BY_SIGNAL = 5
    #: `lm generate` refused: the target is production, or the source schema holds data lm did not generate
    DEMO_GUARD_REFUSED = 6


class LmError(Exception):
    """An error the CLI reports as one line and an exit code (default: bad parameter)."""

    exit_code: ExitCode = ExitCode.BAD_PARAMETER

    def __init__(self, message: str, exit_code: ExitCode | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class BadParameterError(LmError):
    exit_code = ExitCode.BAD_PARAMETER


class DatabaseUnreachableError(LmError):
    exit_code = ExitCode.DATABASE_UNREACHABLE


class StoppedBySignalError(LmError):
    exit_code = ExitCode.STOPPED_BY_SIGNAL


class DemoGuardError(LmError):
    exit_code = ExitCode.DEMO_GUARD_REFUSED
