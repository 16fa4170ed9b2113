#!/usr/bin/env bash
# Set up everything and run certflow with demo users and the bundled processes (SQLite).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build-ui.sh  # the web app at / (skipped, with what to install, without Node.js 20+)
export PATH="$PWD/.venv/bin:$PATH"
# Demo mode: certflow makes up its own random signing keys (kept in instance/demo-keys.json)
# unless CERTFLOW_SECRET_KEY and CERTFLOW_AUDIT_SIGNING_KEY are set. Never for real data.
export CERTFLOW_DEMO=1
certflow init-db
certflow seed
certflow deploy-bundled
certflow seed-demo  # ~36 certification cases in every state, six weeks of history
host="${CERTFLOW_HOST:-127.0.0.1}"
port="${CERTFLOW_PORT:-5000}"
echo "==> certflow on http://$host:$port  (web app: /, API: /api/v1, OpenAPI: /api/openapi.json)"
echo "    demo sign-in: admin/admin123, zhang/zhang123 (班主任), xiaoming/xiaoming123 (学生)"
echo "    certification: sun/sun123 (资格审核), zhou/zhou123 (考务), zheng/zheng123 (考评员),"
echo "      he/he123 (成绩审核), han/han123 (质量监督), xu/xu123 (领导小组), cao/cao123 (证书管理),"
echo "      applicants stu01..stu36/demo123; public check: /api/v1/certificates/verify"
exec certflow serve --demo --host "$host" --port "$port"
