#!/usr/bin/env bash
# The whole test suite: Debian packages (installed when run as root), npm packages, build, typecheck,
# lint, then the test tiers of test/tiers.mjs one by one with a time summary (scripts/run-tiers.mjs).
# Name tiers to run only those: scripts/test.sh unit daemon. Tiers that need root skip loudly as
# non-root unless REQUIRE_NETNS=1. See docs/testing.md.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ $(id -u) -eq 0 ]]; then
  echo "test.sh: running as root: installing missing Debian packages"
  bash scripts/install-deps.sh
else
  bash scripts/install-deps.sh || echo "test.sh: continuing; tests that need the missing tools will fail"
fi
if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
fi
npm test -- "$@"
