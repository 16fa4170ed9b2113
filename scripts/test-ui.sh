#!/usr/bin/env bash
# Browser tests of the web app: installs Debian's Chromium if it is missing (Playwright never
# downloads a browser here), builds the UI, starts certflow on a free loopback port with a
# fresh SQLite database, runs the Playwright tests in ui/e2e and saves the screenshots in
# docs/screenshots/. Extra arguments go to `playwright test` (e.g. -g "leave").
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}

if [ ! -x "$CHROMIUM" ] || ! fc-list :lang=zh 2>/dev/null | grep -q .; then
  if [ "$(id -u)" != "0" ]; then
    echo "Chromium and CJK fonts are needed: apt-get install chromium fonts-noto-cjk (as root)" >&2
    exit 1
  fi
  echo "==> installing Chromium and CJK fonts (apt-get)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi

bash scripts/setup.sh
bash scripts/setup-idp.sh  # the campus sign-on the server starts for 15-single-sign-on.spec.ts
CERTFLOW_UI_REQUIRED=1 bash scripts/build-ui.sh
(cd ui && npx vitest run && node scripts/bundle-size.mjs)

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
echo "==> starting certflow for the browser tests"
.venv/bin/python scripts/ui_test_server.py --db "$work/ui.sqlite3" --port-file "$work/port" \
  >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 360); do  # up to 3 minutes: the seed plays whole cases, slow on a busy machine
  [ -s "$work/port" ] && break
  if ! kill -0 "$server_pid" 2>/dev/null; then cat "$work/server.log" >&2; exit 1; fi
  sleep 0.5
done
[ -s "$work/port" ] || { echo "certflow did not start" >&2; cat "$work/server.log" >&2; exit 1; }
port=$(cat "$work/port")
echo "==> certflow on http://127.0.0.1:$port; running Playwright (Chromium: $CHROMIUM)"
set +e
(cd ui && CERTFLOW_BASE_URL="http://127.0.0.1:$port" CHROMIUM_PATH="$CHROMIUM" \
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npx playwright test "$@")
code=$?
set -e
if [ "$code" -ne 0 ]; then
  echo "==> browser tests failed; last lines of the server log:" >&2
  tail -n 60 "$work/server.log" >&2
else
  echo "==> screenshots: $(ls "$ROOT"/docs/screenshots/*.png 2>/dev/null | wc -l) files in docs/screenshots/"
fi
exit "$code"
