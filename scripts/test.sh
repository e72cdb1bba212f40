#!/usr/bin/env bash
# The whole test suite: types, lint, unit + integration (real PostgreSQL), e2e (Debian Chromium).
# Ends with one line that counts every test: "tests: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
export TZ=UTC
mkdir -p test-output
status=0
step() { echo "== $*"; "$@" || status=1; }

# The e2e tests drive Debian's Chromium; install it on a fresh machine.
if { ! command -v chromium >/dev/null 2>&1 && [ -z "${FIREBREAK_CHROMIUM:-}" ]; } || ! command -v pdftoppm >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing Debian's chromium for the e2e tests"
    DEBIAN_FRONTEND=noninteractive apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core fonts-liberation2 poppler-utils >/dev/null
  else
    echo "== e2e needs Chromium: run 'sudo apt-get install chromium' (or set FIREBREAK_CHROMIUM)"
  fi
fi

step npx tsc --noEmit -p .
step npx eslint .
step npx vitest run --reporter=default --reporter=json --outputFile.json=test-output/vitest.json
npx tsx test/e2e/run.ts 2>&1 | tee test-output/e2e.log
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

node -e '
const fs = require("node:fs");
let passed = 0, failed = 0;
try {
  const v = JSON.parse(fs.readFileSync("test-output/vitest.json", "utf8"));
  passed += v.numPassedTests; failed += v.numFailedTests + (v.numTotalTestSuites > 0 && v.success === false && v.numFailedTests === 0 ? 1 : 0);
} catch { failed += 1; }
const m = /^e2e: (\d+) passed, (\d+) failed$/m.exec(fs.existsSync("test-output/e2e.log") ? fs.readFileSync("test-output/e2e.log", "utf8") : "");
if (m) { passed += Number(m[1]); failed += Number(m[2]); } else failed += 1;
console.log(`tests: ${passed} passed, ${failed} failed`);
'
exit $status
