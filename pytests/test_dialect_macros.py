"""The dialect layer on both targets: every singular test in tests/macros/ (known inputs, known outputs,
NULL-safe, byte-exact) runs and passes, so a macro that silently returns 0 or a wrong NULL fails here; and
every macro of macros/dialect/ and macros/testing/ is documented in its folder's yml, with no docs left
for macros that no longer exist."""

from __future__ import annotations

import re

import pytest
import yaml

from conftest import PROJECT_DIR, LmProject

# The known-value tests of the dialect layer, one file per macro family (tests/macros/*.sql).
MACRO_TEST_COUNT = 39


def test_every_dialect_macro_test_passes(lm_project: LmProject) -> None:
    expected = sorted(path.stem for path in (PROJECT_DIR / "tests" / "macros").glob("*.sql"))
    lm_project.dbt("test", "--select", "path:tests/macros")
    results = {result["unique_id"].split(".")[-1]: result["status"] for result in lm_project.run_results()}
    assert sorted(results) == expected
    assert len(expected) == MACRO_TEST_COUNT
    assert {name: status for name, status in results.items() if status != "pass"} == {}


@pytest.mark.parametrize("folder", ["dialect", "testing"])
def test_every_macro_is_documented(folder: str) -> None:
    directory = PROJECT_DIR / "macros" / folder
    docs = yaml.safe_load((directory / f"_{folder}__macros.yml").read_text(encoding="utf-8"))
    defined = {
        name
        for path in directory.glob("*.sql")
        for name in re.findall(r"\{%-?\s*macro\s+(\w+)\s*\(", path.read_text(encoding="utf-8"))
    }
    documented = [entry["name"] for entry in docs["macros"]]
    assert len(documented) == len(set(documented))
    assert sorted(set(documented)) == sorted(defined)
