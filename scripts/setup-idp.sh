#!/usr/bin/env bash
# Install the real OpenID Connect provider the single sign-on tests start (tests/idp: the npm
# package oidc-provider, pinned in its package-lock.json). Idempotent and quick when done.
# Without Node.js it says so and leaves the tests to skip, unless CERTFLOW_IDP_REQUIRED=1.
set -euo pipefail
cd "$(dirname "$0")/../tests/idp"
if ! command -v npm >/dev/null 2>&1; then
  if [ "${CERTFLOW_IDP_REQUIRED:-}" = "1" ]; then
    echo "Node.js and npm are needed for the single sign-on tests (apt-get install nodejs npm)" >&2
    exit 1
  fi
  echo "==> no npm: the single sign-on tests will be skipped"
  exit 0
fi
stamp=node_modules/.certflow-installed
want=$(cat package-lock.json | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "==> installing the test identity provider (tests/idp, npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi
