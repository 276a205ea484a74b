#!/usr/bin/env bash
# Prints one closing line "N passed, N failed, N skipped" summed over every TRX file of the last test run.
set -euo pipefail
dir=${1:-TestResults}
passed=0; failed=0; skipped=0
shopt -s nullglob
for f in "$dir"/*.trx; do
  line=$(grep -o '<Counters [^>]*>' "$f" | head -n1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$line"); passed=$((passed + ${p:-0}))
  x=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$line"); failed=$((failed + ${x:-0}))
  # VSTest counts a skipped test in total but not in executed (notExecuted stays 0).
  t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$line"); e=$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$line")
  skipped=$((skipped + ${t:-0} - ${e:-0}))
done
# The reliability figures the chaos and bad-input tests print (see docs/reliability.md).
for f in "$dir"/*.trx; do
  grep -hoE '(chaos|bad-input matrix|secret hygiene|least privilege): [^<]*' "$f" | sed 's/&amp;/\&/g; s/&quot;/"/g' || true
done
echo "Tests: $passed passed, $failed failed, $skipped skipped"
