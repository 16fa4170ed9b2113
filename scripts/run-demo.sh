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
echo "    demo sign-ins (user / password / name; README, \"Demo sign-ins\"):"
.venv/bin/python - "${CERTFLOW_SEED_FILE:-config/demo_users.json}" <<'PY'
import json, sys
data = json.load(open(sys.argv[1], encoding="utf-8"))
for user in data["users"] if isinstance(data, dict) else data:
    print(f"      {user['username']} / {user['password']} / {user['display_name']}")
PY
echo "      certification applicants stu01..stu36 / demo123; public check: /verify"
echo "    another port: CERTFLOW_PORT=8080 bash scripts/run-demo.sh"
exec certflow serve --demo --host "$host" --port "$port"
