#!/usr/bin/env bash
# Fuzz smoke run: builds every libFuzzer target under the `fuzz` CMake preset (clang-14,
# ASan/UBSan, build/fuzz) and runs each build/fuzz/bin/*_fuzz for FUZZ_SECONDS (default 60)
# on a temporary copy of its seed corpus (fuzz/corpus/<name without _fuzz>/), so the checked-in
# corpus is never modified. Prints executions and final corpus size per target; exits non-zero
# if any target crashes, leaks, times out or fails to build.
#
#   fuzz/smoke.sh                       # all targets, 60 s each
#   FUZZ_SECONDS=600 fuzz/smoke.sh client_parser_fuzz
#
# FUZZ_BUILD_DIR names an already configured fuzz build to use instead of configuring the
# preset (for instance a build of only some modules while the rest of the tree is in flux).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
seconds="${FUZZ_SECONDS:-60}"
jobs="${FUZZ_BUILD_JOBS:-2}"

if [[ -n "${FUZZ_BUILD_DIR:-}" ]]; then
  build="$FUZZ_BUILD_DIR"
else
  build="build/fuzz"
  cmake --preset fuzz >/dev/null
fi

# Build only the fuzz targets, not the whole sanitized tree.
if [[ $# -gt 0 ]]; then
  targets=("$@")
else
  mapfile -t targets < <(cmake --build "$build" --target help |
    sed -n 's/^\([A-Za-z0-9_]*_fuzz\): .*/\1/p' | sort -u)
fi
if [[ ${#targets[@]} -eq 0 ]]; then
  echo "smoke: no *_fuzz targets in $build" >&2
  exit 1
fi
cmake --build "$build" -j "$jobs" --target "${targets[@]}"

status=0
for name in "${targets[@]}"; do
  bin="$build/bin/$name"
  if [[ ! -x "$bin" ]]; then
    echo "smoke: $bin was not built" >&2
    status=1
    continue
  fi
  work="$(mktemp -d "${TMPDIR:-/tmp}/fuzz-smoke-$name.XXXXXX")"
  mkdir -p "$work/corpus" "$work/artifacts"
  seeds="fuzz/corpus/${name%_fuzz}"
  [[ -d "$seeds" ]] || seeds="fuzz/corpus/$name"
  seed_count=0
  if [[ -d "$seeds" ]]; then
    cp -r "$seeds/." "$work/corpus/"
    seed_count="$(find "$work/corpus" -type f | wc -l)"
  fi
  log="$work/fuzz.log"
  echo "smoke: $name for ${seconds}s, $seed_count seeds from $seeds"
  if "$bin" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
      "$work/corpus" >"$log" 2>&1; then
    result="ok"
  else
    result="FAILED"
    status=1
  fi
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  corpus="$(find "$work/corpus" -type f | wc -l)"
  echo "smoke: $name $result: ${execs:-?} executions, corpus $seed_count -> $corpus files"
  if [[ "$result" != "ok" ]]; then
    tail -40 "$log" >&2
    echo "smoke: log and crash input kept in $work" >&2
  else
    rm -rf "$work"
  fi
done
exit "$status"
