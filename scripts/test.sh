#!/usr/bin/env bash
# Install ECER with its development tools and run the whole test suite: lint, types, tests.
# Runs against SQLite by default; set ECER_DATABASE_URL=postgres://… to run against PostgreSQL.
# Extra arguments go to pytest.
source "$(dirname "$0")/_env.sh" dev
bash scripts/ensure-chromium.sh
bash scripts/ensure-report-tools.sh
echo "== ruff"; ruff check src tests benchmarks scripts
echo "== mypy (pure core)"; mypy
echo "== pytest (database: ${ECER_DATABASE_URL:-embedded SQLite})"
exec pytest "$@"
