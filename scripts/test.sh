#!/usr/bin/env bash
# The whole test suite: installs what is missing, makes sure Redis runs, type-checks, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh --test
bash scripts/ensure-redis.sh
npx tsc --noEmit
npx tsc -p src/web
npx vitest run "$@"
