#!/usr/bin/env bash
# Build the web app (ui/ -> ui/dist) when Node.js >= 20.19 and npm are present. Without them it
# says what to install and exits 0: the API runs without the web app.
# CERTFLOW_UI_REQUIRED=1 makes a missing Node.js an error (the browser tests need the build).
set -euo pipefail
cd "$(dirname "$0")/../ui"

missing() {
  echo "==> web app not built: $1" >&2
  echo "    Install Node.js 20.19 or newer with npm (https://nodejs.org, or: apt-get install nodejs npm" >&2
  echo "    from a Node 20+ source such as NodeSource), then run: bash scripts/build-ui.sh" >&2
  echo "    The API works without it; / then explains how to build the web app." >&2
  [ "${CERTFLOW_UI_REQUIRED:-0}" = "1" ] && exit 1
  exit 0
}

# A failed install or build must not stop the API from starting (unless the UI is required).
failed() {
  echo "==> web app not built: $1" >&2
  [ "${CERTFLOW_UI_REQUIRED:-0}" = "1" ] && exit 1
  echo "    The API still runs; / explains how to build the web app." >&2
  exit 0
}

command -v node >/dev/null 2>&1 || missing "node is not installed"
command -v npm >/dev/null 2>&1 || missing "npm is not installed"
# Vite 8 needs Node.js 20.19 or newer.
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' \
  || missing "node $(node --version) is too old (need 20.19 or newer)"

# Playwright (a dev dependency, for the browser tests) must never download browsers.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f node_modules/.certflow-lock ] || [ "$(cat node_modules/.certflow-lock)" != "$lock_hash" ]; then
  echo "==> installing web app dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error || failed "npm ci failed (is the npm registry reachable?)"
  echo "$lock_hash" > node_modules/.certflow-lock
fi

# Rebuild only when a source changed since the last build.
src_hash=$( (find src public index.html vite.config.ts tsconfig.json package-lock.json -type f -print0 \
  | sort -z | xargs -0 sha256sum) | sha256sum | cut -d' ' -f1)
if [ -f dist/index.html ] && [ -f node_modules/.certflow-build ] && [ "$(cat node_modules/.certflow-build)" = "$src_hash" ]; then
  echo "==> web app is up to date (ui/dist)"
  exit 0
fi
echo "==> building the web app (ui/dist)"
npm run build --silent || failed "the build failed (see above)"
echo "$src_hash" > node_modules/.certflow-build
