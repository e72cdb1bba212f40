#!/usr/bin/env bash
# The whole test suite: types, lint, unit + integration (real PostgreSQL), e2e (Debian Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
export TZ=UTC
npx tsc --noEmit -p .
npx eslint .
npx vitest run
npx tsx test/e2e/run.ts
