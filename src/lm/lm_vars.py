"""The checks of the vars that reach SQL, in Python: the same specs and rules as the dbt macro lm_var().

The specs are not copied: :func:`var_specs` reads the dict literal of ``lm_var_specs()`` from
``macros/utils/lm_vars.sql`` and evaluates it with Jinja (as dbt does), so the CLI and dbt cannot drift.
:func:`check_vars` applies ``lm_checked_value``'s rules and raises a :class:`BadParameterError` with the
macro's message (``lm: var <name> must be <what>; got <value>``) - before dbt starts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from lm import project
from lm.errors import BadParameterError

MACRO_FILE = Path("macros") / "utils" / "lm_vars.sql"
_SPECS = re.compile(r"{%\s*macro\s+lm_var_specs\(\)\s*%}\s*{{\s*return\((?P<body>.*?)\)\s*}}\s*{%\s*endmacro", re.S)
_TRUE = ("true", "1", "yes", "y", "on")
_FALSE = ("false", "0", "no", "n", "off", "")


def var_specs(environ: Mapping[str, str] | None = None) -> dict[str, dict[str, Any]]:
    """``lm_var_specs()`` of the project's macros/utils/lm_vars.sql, evaluated."""
    return _specs_of(project.project_dir(environ) / MACRO_FILE)


@lru_cache(maxsize=4)
def _specs_of(path: Path) -> dict[str, dict[str, Any]]:
    import jinja2

    match = _SPECS.search(path.read_text(encoding="utf-8"))
    if match is None:
        raise RuntimeError(f"no lm_var_specs() macro returning a dict in {path}")
    # dbt's Jinja knows true/false/none as literals (lowercase), as does jinja2's compile_expression
    specs = jinja2.Environment().compile_expression(match.group("body"))()
    return {str(name): dict(spec) for name, spec in specs.items()}


def _error(name: str, value: Any, expected: str) -> BadParameterError:
    from jinja2.utils import htmlsafe_json_dumps

    shown = _jinja_string(value)
    if len(shown) > 60:
        shown = f"{shown[:60]}... ({len(shown)} characters)"
    return BadParameterError(f"var {name} must be {expected}; got {htmlsafe_json_dumps(shown)}")


def _jinja_string(value: Any) -> str:
    """What Jinja's ``| string`` gives (Python's str, but Jinja writes True/False/None the same way)."""
    return str(value)


def _code(name: str, value: Any, max_length: int) -> str:
    if not isinstance(value, str) or re.fullmatch(f"[a-z0-9_.:-]{{1,{max_length}}}", value) is None:
        raise _error(
            name,
            value,
            f"a code of 1 to {max_length} characters from a-z 0-9 _ . : - (pattern ^[a-z0-9_.:-]{{1,{max_length}}}$)",
        )
    return value


def _number_text(value: Any) -> str:
    """Jinja's ``| float | string`` of a spec bound: 1 stays 1, 999999.9999 stays 999999.9999."""
    return str(value)


def checked_value(name: str, value: Any, spec: Mapping[str, Any]) -> Any:
    """`value` checked against `spec` (one entry of lm_var_specs()), as lm_checked_value() does."""
    kind = spec["kind"]
    if kind == "code":
        return _code(name, value, int(spec["max_length"]))
    if kind == "codes":
        if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, (list, tuple)) or not value:
            raise _error(name, value, "a non-empty list of codes")
        return [_code(name, item, int(spec["max_length"])) for item in value]
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower().strip() in _TRUE:
            return True
        if isinstance(value, str) and value.lower().strip() in _FALSE:
            return False
        raise _error(name, value, "true or false")
    noun = "a whole number" if kind == "int" else "a number"
    expected = f"{noun} from {_number_text(spec['min'])} to {_number_text(spec['max'])}"
    pattern = r"-?[0-9]{1,12}" if kind == "int" else r"-?[0-9]{1,12}([.][0-9]{1,6})?"
    text = _jinja_string(value).strip()
    if isinstance(value, bool) or value is None or re.fullmatch(pattern, text) is None:
        raise _error(name, value, expected)
    number: float = int(text) if kind == "int" else float(text)
    if number < spec["min"] or number > spec["max"]:
        raise _error(name, value, expected)
    return number


def check_vars(cli_vars: Mapping[str, Any] | None, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Every var of lm_var_specs(): `cli_vars` first, then dbt_project.yml's vars, then the spec's default,
    checked as lm_var() checks them; returns the checked values. Vars outside the specs are left to dbt."""
    specs = var_specs(environ)
    variables = {**project.project_vars(environ), **dict(cli_vars or {})}
    return {name: checked_value(name, variables.get(name, spec["default"]), spec) for name, spec in specs.items()}
