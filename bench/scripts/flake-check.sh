#!/usr/bin/env bash
# flake-check.sh — runs the protocol suite many times in a row against the reference servers and
# reports every run that failed: a measurement of flakiness, not part of CI.
#
#   bench/scripts/flake-check.sh [RUNS] [TEST_PATTERN]
#     RUNS          how many runs (default 20)
#     TEST_PATTERN  Surefire -Dtest pattern (default: every test class of the tests module: the
#                   contracts against our reference servers, the grader's own tests, the teeth test)
#
#   $ bench/scripts/flake-check.sh 20
#   run 1/20: ok (74 s)
#   ...
#   20 runs, 0 failed
#
# Reports of failed runs are kept in target/flake-check/run-N/. Run from the repository root.
set -uo pipefail
runs="${1:-20}"
pattern="${2:-**/contract/**/*Test,**/grading/*Test}"
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
out="target/flake-check"
rm -rf "$out"
mkdir -p "$out"

echo "building once ..."
mvn -q -B -o -DskipTests package >/dev/null || { echo "build failed"; exit 2; }

failed=0
for i in $(seq 1 "$runs"); do
  started=$(date +%s)
  if mvn -q -B -o -pl tests -am test -Dtest="$pattern" -Dsurefire.failIfNoSpecifiedTests=false \
        >"$out/run-$i.log" 2>&1; then
    echo "run $i/$runs: ok ($(( $(date +%s) - started )) s)"
    rm -f "$out/run-$i.log"
  else
    failed=$((failed + 1))
    mkdir -p "$out/run-$i"
    cp tests/target/surefire-reports/*.txt "$out/run-$i/" 2>/dev/null
    echo "run $i/$runs: FAILED ($(( $(date +%s) - started )) s):"
    grep -h -E "<<< (FAILURE|ERROR)" tests/target/surefire-reports/*.txt | sed 's/^/    /' | head -20
  fi
done
echo "$runs runs, $failed failed"
[ "$failed" -eq 0 ]
