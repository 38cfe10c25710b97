"""Where the LM dbt project is, its profile folder, its vars and the deployment settings dbt derives from them.

The project root is found without relying on how the package was installed (editable or not):

1. ``LM_PROJECT_DIR``, when set (an error if it holds no LM project);
2. else the current directory or one of its parents holding a ``dbt_project.yml`` with ``name: lm``;
3. else the folder the package was loaded from, or one of its parents (an editable install / a checkout).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

PROJECT_NAME = "lm"
PROJECT_DIR_ENV = "LM_PROJECT_DIR"


class ProjectNotFoundError(RuntimeError):
    """No LM dbt project where LM looks for one."""


def _environ(environ: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if environ is None else environ


@lru_cache(maxsize=32)
def _project_name(dbt_project_yml: Path, mtime_ns: int) -> str | None:
    try:
        content = yaml.safe_load(dbt_project_yml.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return None
    return str(content.get("name")) if isinstance(content, dict) else None


def is_lm_project(folder: Path) -> bool:
    """True when ``folder`` holds a dbt_project.yml whose ``name`` is ``lm``."""
    path = folder / "dbt_project.yml"
    try:
        mtime_ns = path.stat().st_mtime_ns
    except OSError:
        return False
    return _project_name(path, mtime_ns) == PROJECT_NAME


def project_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The root of the LM dbt project (see the module docstring for the search order)."""
    env = _environ(environ)
    explicit = env.get(PROJECT_DIR_ENV)
    if explicit:
        folder = Path(explicit).expanduser().resolve()
        if not is_lm_project(folder):
            raise ProjectNotFoundError(
                f"{PROJECT_DIR_ENV}={explicit} does not hold a dbt_project.yml with `name: {PROJECT_NAME}`"
            )
        return folder
    cwd = Path.cwd().resolve()
    package = Path(__file__).resolve().parent
    for start in (cwd, package):
        for folder in (start, *start.parents):
            if is_lm_project(folder):
                return folder
    raise ProjectNotFoundError(
        f"no LM dbt project found: none of {cwd} and its parents holds a dbt_project.yml with "
        f"`name: {PROJECT_NAME}` (nor does the package's location {package}). Run lm inside the project "
        f"folder or set {PROJECT_DIR_ENV} to it."
    )


def profiles_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The folder holding profiles.yml: DBT_PROFILES_DIR, else <project>/.lm/ (seeded from profiles.example.yml)."""
    env = _environ(environ)
    env_dir = env.get("DBT_PROFILES_DIR")
    if env_dir:
        return Path(env_dir)
    root = project_dir(env)
    folder = root / ".lm"
    folder.mkdir(exist_ok=True)
    target = folder / "profiles.yml"
    if not target.exists():
        shutil.copyfile(root / "profiles.example.yml", target)
    return folder


def project_vars(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The ``vars:`` of dbt_project.yml as written (dbt renders no env_var() there), own-package scope merged."""
    content = yaml.safe_load((project_dir(environ) / "dbt_project.yml").read_text(encoding="utf-8"))
    raw = dict(content.get("vars") or {})
    scoped = raw.pop(PROJECT_NAME, None)
    if isinstance(scoped, dict):
        raw.update(scoped)
    return raw


@dataclass(frozen=True)
class Settings:
    """Deployment settings, resolved exactly like the macros of macros/utils/lm_settings.sql."""

    source_schema: str
    value_schema: str


def settings(environ: Mapping[str, str] | None = None, cli_vars: Mapping[str, Any] | None = None) -> Settings:
    """Each setting: the dbt var (``--vars`` first, then dbt_project.yml), else its env var, else the default.

    - ``lm_source_schema()``: var lm_source_schema, else LM_SOURCE_SCHEMA, else ``lm_src``;
    - ``lm_value_schema()``: var lm_value_schema, else LM_VALUE_SCHEMA, else the source schema.
    """
    env = _environ(environ)
    variables = {**project_vars(env), **(cli_vars or {})}

    def setting(var: str, env_var: str, default: str) -> str:
        if var in variables and variables[var] is not None:
            return str(variables[var])
        return env.get(env_var, default)

    source = setting("lm_source_schema", "LM_SOURCE_SCHEMA", "lm_src")
    return Settings(source_schema=source, value_schema=setting("lm_value_schema", "LM_VALUE_SCHEMA", source))


def target_path(environ: Mapping[str, str] | None = None) -> Path:
    """Where dbt writes its artifacts (run_results.json...): DBT_TARGET_PATH, else dbt_project.yml's target-path."""
    env = _environ(environ)
    root = project_dir(env)
    configured = env.get("DBT_TARGET_PATH")
    if not configured:
        content = yaml.safe_load((root / "dbt_project.yml").read_text(encoding="utf-8"))
        configured = str(content.get("target-path") or "target")
    return root / configured
