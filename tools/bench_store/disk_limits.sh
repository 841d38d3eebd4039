#!/bin/sh
# Prints this machine's physical limits for synced writes, so that store benchmark results can be
# read as a fraction of them:
#   * fsync latency: one 128 B and one 4 KiB write + fdatasync, repeated (dd oflag=dsync);
#   * the synced-append ceiling that follows: 1 / latency writes per second;
#   * sequential write bandwidth: 256 MiB with one fdatasync at the end (dd conv=fdatasync).
# Usage: disk_limits.sh [DIR]   (DIR defaults to $TMPDIR or /tmp; use the directory the store
# benchmark writes to, so both measure the same device.)
set -eu
dir="${1:-${TMPDIR:-/tmp}}"
file="$dir/natrium-disk-limits.$$"
trap 'rm -f "$file"' EXIT INT TERM

# dd's last stderr line: "N bytes (...) copied, T s, R unit/s"
seconds() { sed -n 's/.* copied, \([0-9.]*\) s,.*/\1/p' | tail -1; }

synced() {  # $1 = block size, $2 = count, $3 = extra dd flags
  dd if=/dev/zero of="$file" bs="$1" count="$2" oflag=dsync $3 2>&1 | seconds
}

echo "device of $dir: $(df -P "$dir" | awk 'NR==2 {print $1}')"
# "append" grows the file on every write (metadata to sync each time); "prealloc" overwrites a
# file that already has its size, as RocksDB does with its preallocated WAL.
for mode in append prealloc; do
  for bs in 128 4096; do
    count=2000
    rm -f "$file"
    flags=""
    if [ "$mode" = prealloc ]; then
      dd if=/dev/zero of="$file" bs=1M count=16 conv=fdatasync 2>/dev/null
      flags="conv=notrunc"
    fi
    t=$(synced "$bs" "$count" "$flags")
    awk -v t="$t" -v n="$count" -v bs="$bs" -v m="$mode" 'BEGIN {
      printf "%-8s synced %4d B writes: %7.1f us per write+fdatasync -> %6.0f syncs/s, %7.2f MB/s\n",
        m, bs, t / n * 1e6, n / t, n * bs / t / 1e6 }'
  done
done
t=$(dd if=/dev/zero of="$file" bs=1M count=256 conv=fdatasync 2>&1 | seconds)
awk -v t="$t" 'BEGIN { printf "sequential write (256 MiB, one fdatasync): %8.1f MB/s\n", 256 * 1048576 / t / 1e6 }'
