#!/usr/bin/env python3
"""Synced-append results of store_benchmark as fractions of this disk's physical limit.

1. Prints the device's limits (tools/bench_store/disk_limits.sh: fsync latency for 128 B and
   4 KiB writes, sequential write bandwidth).
2. Runs store_benchmark's BM_AppendVsRaw (batch 1/16/256 x 128 B/4 KiB): every iteration writes
   the batch's bytes to a plain file with fdatasync (the physical limit) and then appends the
   batch to the store with one Sync, timing each. The fraction is raw time over store time: the
   share of the physical limit the store reaches in the same moments on the same device, which
   matters on a shared, noisy disk.
3. Runs BM_Reopen/1000000 (time to open a store of 1,000,000 messages and recover its state).

usage: store_bench_report.py BENCHMARK_BINARY [DIR] [--quick]
"""
import json
import os
import re
import subprocess
import sys


def run_bench(binary, directory, flt, extra):
    env = dict(os.environ, NA_BENCH_DIR=directory)
    res = subprocess.run([binary, "--benchmark_filter=" + flt, "--benchmark_format=json"] + extra,
                         check=True, capture_output=True, text=True, env=env)
    return json.loads(res.stdout)["benchmarks"]


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    quick = "--quick" in sys.argv
    binary = os.path.abspath(args[0])
    directory = os.path.abspath(args[1] if len(args) > 1 else "./natrium-store-bench")
    os.makedirs(directory, exist_ok=True)
    here = os.path.dirname(os.path.abspath(__file__))
    print(subprocess.run(["sh", os.path.join(here, "disk_limits.sh"), directory], check=True,
                         capture_output=True, text=True).stdout, end="")

    results = run_bench(binary, directory, "BM_AppendVsRaw",
                        ["--benchmark_min_time=1"] if quick else [])
    print("\nsynced appends, store and raw (write+fdatasync of the same bytes) alternating")
    print("%-14s %11s %9s %9s | %10s | %8s" % ("case", "msgs/s", "MB/s", "syncs/s",
                                               "raw syncs/s", "fraction"))
    for b in results:
        m = re.match(r"BM_AppendVsRaw/batch:(\d+)/bytes:(\d+)", b["name"])
        if not m:
            continue
        print("%-14s %11.0f %9.2f %9.0f | %10.0f | %7.1f%%" % (
            "%s x %s B" % (m.group(1), m.group(2)), b["store_msgs_per_s"], b["store_MB_per_s"],
            b["store_syncs_per_s"], b["raw_syncs_per_s"], 100.0 * b["fraction"]))
    if not quick:
        for b in run_bench(binary, directory, "BM_Reopen(AfterCrash)?/1000000", []):
            print("%s of a %d-message store: %.1f ms (mean of %d)" % (
                "reopen after a crash (WAL replay)" if "Crash" in b["name"] else
                "\nreopen after a clean close", int(b["messages"]), b["real_time"],
                b["iterations"]))


if __name__ == "__main__":
    main()
