"""The dialect layer on both targets: every singular test in tests/macros/ (known inputs, known outputs,
NULL-safe, byte-exact) runs and passes, so a macro that silently returns 0 or a wrong NULL fails here."""

from __future__ import annotations

from conftest import PROJECT_DIR, LmProject


def test_every_dialect_macro_test_passes(lm_project: LmProject) -> None:
    expected = sorted(path.stem for path in (PROJECT_DIR / "tests" / "macros").glob("*.sql"))
    lm_project.dbt("test", "--select", "path:tests/macros")
    results = {result["unique_id"].split(".")[-1]: result["status"] for result in lm_project.run_results()}
    assert sorted(results) == expected
    assert len(expected) >= 40
    assert {name: status for name, status in results.items() if status != "pass"} == {}
