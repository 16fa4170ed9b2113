#!/usr/bin/env bash
# Set up everything and run the whole test suite (lint, import contracts, types, then pytest).
# DATABASE_URL=postgresql+psycopg://... runs the same suite against PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/setup-idp.sh  # the OpenID Connect provider of the single sign-on tests
echo "==> ruff"
.venv/bin/ruff check .
echo "==> import contracts (pyproject.toml [tool.importlinter])"
.venv/bin/lint-imports --no-cache
echo "==> mypy (pyproject.toml [tool.mypy]: api workflows models worker config)"
.venv/bin/mypy
echo "==> pytest (database: ${DATABASE_URL:-sqlite temp file})"
set +e
.venv/bin/python -m pytest "$@"
code=$?
set -e
if [ "$code" -eq 5 ]; then
  echo "pytest collected no tests: failing on purpose" >&2
  exit 1
fi
exit "$code"
