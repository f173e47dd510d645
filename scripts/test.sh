#!/usr/bin/env bash
# The whole test suite: Debian packages (installed when run as root), npm packages, build, typecheck,
# lint and every test. Namespace tests need root; as non-root they skip loudly unless REQUIRE_NETNS=1.
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
npm test
