#!/usr/bin/env bash
# CI for the simulator. Usage: ci_sweep.sh <natrium-sim> [--no-fresh]
#   1. sweeps SIM_FRESH_SEEDS (default 200) fresh seeds in safety mode, starting at a random
#      base that is printed so any failure can be replayed, bounded by SIM_SWEEP_SECONDS;
#   2. replays every line of tests/sim/seeds.txt;
#   3. runs the canary (a delivery dropped behind the checker's back) and requires it reported.
# Exits non-zero if any of that fails.
set -uo pipefail
sim="$1"
here="$(cd "$(dirname "$0")" && pwd)"
fresh=1
[ "${2:-}" = "--no-fresh" ] && fresh=0
status=0

if [ "$fresh" = 1 ]; then
  n="${SIM_FRESH_SEEDS:-200}"
  base=$(( $(od -An -N4 -tu4 /dev/urandom | tr -d ' ') + 1000000 ))
  echo "--- fresh sweep: seeds $base..$((base + n - 1)) (safety)"
  if ! timeout "${SIM_SWEEP_SECONDS:-300}" "$sim" --seeds "$base..$((base + n - 1))" --mode safety; then
    echo "FAIL: fresh sweep (or it ran out of time)"
    status=1
  fi
fi

echo "--- regression seeds (tests/sim/seeds.txt)"
while read -r line; do
  line="${line%%#*}"
  [ -z "${line// }" ] && continue
  seed="${line%% *}"
  rest=""
  [ "$seed" != "$line" ] && rest="${line#* }"
  # shellcheck disable=SC2086
  if out=$("$sim" --seed "$seed" $rest 2>&1); then
    echo "ok   $seed $rest $(echo "$out" | grep '^trace_hash')"
  else
    echo "FAIL $seed $rest"
    echo "$out" | grep -E '^\s+\[|^repro' | head -20
    status=1
  fi
done < "$here/seeds.txt"

echo "--- canary: one delivery dropped behind the checker's back must be reported"
out=$("$sim" --seeds 1..10 --canary 2>&1)
code=$?
if [ $code -eq 1 ] && echo "$out" | grep -q '\[lost\]'; then
  echo "ok   canary reported: $(echo "$out" | grep -m1 '\[lost\]' | cut -c1-160)"
else
  echo "FAIL: the canary was not reported (exit $code)"
  echo "$out" | tail -5
  status=1
fi
exit $status
