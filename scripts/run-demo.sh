#!/usr/bin/env bash
# Set up everything and run certflow with demo users and the bundled processes (SQLite).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
certflow init-db
certflow seed
certflow deploy-bundled
host="${CERTFLOW_HOST:-127.0.0.1}"
port="${CERTFLOW_PORT:-5000}"
echo "==> certflow on http://$host:$port  (API: /api/v1, OpenAPI: /api/openapi.json)"
echo "    demo sign-in: admin/admin123, zhang/zhang123 (班主任), xiaoming/xiaoming123 (学生)"
exec certflow serve --host "$host" --port "$port"
