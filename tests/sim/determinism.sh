#!/usr/bin/env bash
# Runs a few seeds twice, each run in its own process, and requires identical trace hashes and
# checkpoints. Usage: determinism.sh <natrium-sim>
set -euo pipefail
sim="$1"
status=0
for args in "--seed 7 --time 20s" "--seed 11 --mode liveness --time 60s" "--seed 3 --mode lite --time 20s --clients 8"; do
  # shellcheck disable=SC2086
  a=$("$sim" $args | grep -E '^(trace_hash|checkpoints|events):' || true)
  # shellcheck disable=SC2086
  b=$("$sim" $args | grep -E '^(trace_hash|checkpoints|events):' || true)
  if [ -z "$a" ] || [ "$a" != "$b" ]; then
    echo "NONDETERMINISTIC: natrium-sim $args"
    echo "first run:";  echo "$a"
    echo "second run:"; echo "$b"
    status=1
  else
    echo "ok: natrium-sim $args -> $(echo "$a" | grep trace_hash)"
  fi
done
exit $status
