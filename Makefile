# LM - the two commands of the README:
#   make demo   set up the venv and build the demo on the embedded DuckDB target
#   make test   run the whole test suite (ruff, sqlfluff, pytest driving dbt on DuckDB and MariaDB)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
STAMP := $(VENV)/.installed-stamp
CALLS ?= 100000
# pytest-xdist workers of `make test` (each runs one module on one target at a time)
TEST_WORKERS ?= 2
# dbt 1.7 sends usage statistics unless told not to (send_anonymous_usage_stats: false is in dbt_project.yml too)
export DO_NOT_TRACK := 1

.PHONY: setup demo test lint pytest clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r requirements.lock
	$(VENV)/bin/pip install -q --disable-pip-version-check --no-deps -e .
	$(VENV)/bin/python -c "import lm.project as p; p.profiles_dir()"
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(VENV)/bin/lm demo --calls $(CALLS)

test: setup
	bash scripts/ensure_mariadb.sh
	$(MAKE) --no-print-directory lint
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadscope --no-loadscope-reorder

lint: setup
	$(VENV)/bin/ruff check src pytests scripts
	$(VENV)/bin/ruff format --check src pytests scripts
	$(VENV)/bin/sqlfluff lint models tests analyses

clean:
	rm -rf $(VENV) .lm target logs
